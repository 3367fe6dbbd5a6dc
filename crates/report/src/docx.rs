//! The DOCX writer: a small WordprocessingML package (document, styles, core properties)
//! written directly with `zip`. Only paragraphs, headings and tables are needed, and plain
//! styles keep the document easy to edit in Word or LibreOffice (the reader is expected to
//! add their own commentary before handing it on).

use std::collections::HashMap;
use std::io::Write;

use sanso_catalog::{Answer, Catalog, ComponentKind, Lang, Layer};
use zip::write::SimpleFileOptions;

use crate::charts::escape;
use crate::labels::{component_label, label, layer_label};
use crate::{level_title, Analysis, Axis, ReportError, ReportInput};

/// Body XML under construction.
struct Body {
    xml: String,
}

impl Body {
    fn paragraph(&mut self, style: Option<&str>, text: &str) {
        self.xml.push_str("<w:p>");
        if let Some(style) = style {
            self.xml
                .push_str(&format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#));
        }
        run(&mut self.xml, text, false);
        self.xml.push_str("</w:p>");
    }

    fn heading(&mut self, level: u8, text: &str) {
        self.paragraph(Some(&format!("Heading{level}")), text);
    }

    /// A table with a repeated header row; `fills` gives an optional cell shading (hex RGB).
    fn table(
        &mut self,
        header: &[&str],
        rows: &[Vec<String>],
        fills: Option<&[Vec<Option<String>>]>,
    ) {
        self.xml.push_str(r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/></w:tblPr><w:tblGrid>"#);
        for _ in header {
            self.xml.push_str(r#"<w:gridCol w:w="1500"/>"#);
        }
        self.xml.push_str("</w:tblGrid>");
        self.xml
            .push_str(r#"<w:tr><w:trPr><w:tblHeader/></w:trPr>"#);
        for h in header {
            cell(&mut self.xml, h, true, Some("DCE6F1"));
        }
        self.xml.push_str("</w:tr>");
        for (r, row) in rows.iter().enumerate() {
            self.xml.push_str("<w:tr>");
            for (c, value) in row.iter().enumerate() {
                let fill = fills
                    .and_then(|f| f.get(r))
                    .and_then(|row| row.get(c))
                    .and_then(|f| f.as_deref());
                cell(&mut self.xml, value, false, fill);
            }
            self.xml.push_str("</w:tr>");
        }
        self.xml.push_str("</w:tbl>");
        // Word needs a paragraph between two adjacent tables; it also gives some air.
        self.xml.push_str("<w:p/>");
    }
}

fn run(xml: &mut String, text: &str, bold: bool) {
    // Line breaks inside a value become <w:br/> so comments keep their shape.
    for (i, line) in text.split('\n').enumerate() {
        xml.push_str("<w:r>");
        if bold {
            xml.push_str("<w:rPr><w:b/></w:rPr>");
        }
        if i > 0 {
            xml.push_str("<w:br/>");
        }
        xml.push_str(&format!(
            r#"<w:t xml:space="preserve">{}</w:t></w:r>"#,
            escape(line)
        ));
    }
}

fn cell(xml: &mut String, text: &str, bold: bool, fill: Option<&str>) {
    xml.push_str("<w:tc><w:tcPr>");
    if let Some(fill) = fill {
        xml.push_str(&format!(
            r#"<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>"#
        ));
    }
    xml.push_str("</w:tcPr><w:p>");
    run(xml, text, bold);
    xml.push_str("</w:p></w:tc>");
}

fn pct(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.1}")).unwrap_or_else(|| "—".into())
}

fn points(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Shading for a heatmap cell: red (0 %) → yellow → green (100 %).
fn heat_hex(p: Option<f64>) -> Option<String> {
    let p = p?.clamp(0.0, 100.0) / 100.0;
    let (r, g) = if p < 0.5 {
        (240.0, 120.0 + 230.0 * p)
    } else {
        (240.0 - 260.0 * (p - 0.5), 235.0)
    };
    Some(format!("{:02X}{:02X}80", r as u8, g as u8))
}

fn requirement_title(catalog: &Catalog, id: &str, lang: Lang) -> String {
    match catalog.find_requirement(id) {
        Some(r) => {
            let title = if r.title.get(lang).is_empty() {
                r.text.get(lang)
            } else {
                r.title.get(lang)
            };
            if r.verified {
                title.to_string()
            } else {
                format!("{title} [{}]", label("unverified", lang))
            }
        }
        None => id.to_string(),
    }
}

fn axes_rows(axes: &[Axis]) -> Vec<Vec<String>> {
    axes.iter()
        .map(|a| {
            vec![
                a.label.clone(),
                a.requirements.to_string(),
                a.met.to_string(),
                pct(a.percentage),
            ]
        })
        .collect()
}

pub(crate) fn write(
    input: &ReportInput,
    analysis: &Analysis,
    lang: Lang,
) -> Result<Vec<u8>, ReportError> {
    let t = |k| label(k, lang);
    let catalog = &input.catalog;
    let score = &analysis.score;
    let mut body = Body { xml: String::new() };

    body.paragraph(Some("Title"), &format!("{} — {}", t("report"), input.title));

    // Summary.
    body.heading(1, t("summary"));
    let overall = &score.overall;
    let mut summary: Vec<Vec<String>> = vec![
        vec![
            t("catalog").into(),
            format!(
                "{} ({} {})",
                catalog.title.get(lang),
                catalog.id,
                catalog.version
            ),
        ],
        vec![t("target").into(), input.target.clone()],
        vec![
            t("target_level").into(),
            input
                .target_level
                .as_deref()
                .map(|l| level_title(catalog, l, lang))
                .unwrap_or_else(|| t("none").into()),
        ],
        vec![t("state").into(), input.state.clone()],
    ];
    if !input.review_comment.trim().is_empty() {
        summary.push(vec![
            t("review_comment").into(),
            input.review_comment.clone(),
        ]);
    }
    summary.push(vec![t("generated").into(), input.generated_at.clone()]);
    summary.push(vec![
        t("overall").into(),
        format!(
            "{} / {} ({}%)",
            points(overall.total),
            points(overall.max),
            pct(overall.percentage)
        ),
    ]);
    if let Some(band) = &score.band {
        summary.push(vec![t("band").into(), band.label.get(lang).to_string()]);
    }
    let attained: Vec<String> = score
        .levels_attained
        .iter()
        .map(|l| level_title(catalog, l, lang))
        .collect();
    summary.push(vec![
        t("levels_attained").into(),
        if attained.is_empty() {
            t("none").into()
        } else {
            attained.join(", ")
        },
    ]);
    if let Some(done) = analysis.target_attained() {
        summary.push(vec![
            t("target_attained").into(),
            t(if done { "yes" } else { "no" }).into(),
        ]);
    }
    summary.push(vec![
        t("progress").into(),
        format!("{} / {}", analysis.answered, analysis.in_scope),
    ]);
    body.table(&["", ""], &summary, None);

    // Per group (the radar's data, with sub-groups indented).
    body.heading(1, t("groups"));
    let rows: Vec<Vec<String>> = score
        .groups
        .iter()
        .map(|g| {
            vec![
                format!("{}{}", "　".repeat(g.depth), g.title.get(lang)),
                g.aggregate.requirements.to_string(),
                g.aggregate.met.to_string(),
                format!(
                    "{} / {}",
                    points(g.aggregate.total),
                    points(g.aggregate.max)
                ),
                pct(g.aggregate.percentage),
            ]
        })
        .collect();
    body.table(
        &[
            t("group"),
            t("requirements"),
            t("met"),
            t("score"),
            t("percentage"),
        ],
        &rows,
        None,
    );

    // The radar chart's values, and the CPSF functions when those are tagged.
    let main = analysis.main_axes(lang);
    body.heading(1, t("radar"));
    body.table(
        &[t("group"), t("requirements"), t("met"), t("percentage")],
        &axes_rows(&main),
        None,
    );
    let functions = analysis.function_axes(lang);
    if !functions.is_empty() && functions != main {
        body.heading(2, t("functions"));
        body.table(
            &[t("function"), t("requirements"), t("met"), t("percentage")],
            &axes_rows(&functions),
            None,
        );
    }

    // Layer × component heatmap as a shaded table.
    if !score.heatmap.is_empty() {
        body.heading(1, t("heatmap"));
        let mut header: Vec<&str> = vec![t("layer")];
        header.extend(ComponentKind::ALL.iter().map(|k| component_label(*k, lang)));
        let mut rows = Vec::new();
        let mut fills = Vec::new();
        for layer in Layer::ALL {
            let mut row = vec![layer_label(layer, lang).to_string()];
            let mut fill = vec![None];
            for kind in ComponentKind::ALL {
                match score
                    .heatmap
                    .iter()
                    .find(|c| c.layer == layer && c.component == kind)
                {
                    Some(c) => {
                        row.push(format!(
                            "{}% ({}/{})",
                            pct(c.aggregate.percentage),
                            c.aggregate.met,
                            c.aggregate.requirements
                        ));
                        fill.push(heat_hex(c.aggregate.percentage));
                    }
                    None => {
                        row.push(String::new());
                        fill.push(None);
                    }
                }
            }
            rows.push(row);
            fills.push(fill);
        }
        body.table(&header, &rows, Some(&fills));
    }

    // Gaps with what the answers say about the plan.
    body.heading(1, t("gaps"));
    let answers: HashMap<&str, &Answer> = input
        .answers
        .iter()
        .map(|a| (a.requirement_id.as_str(), a))
        .collect();
    if input.target_level.is_none() {
        body.paragraph(None, t("no_level"));
    } else if analysis.gaps.is_empty() {
        body.paragraph(None, t("no_gaps"));
    } else {
        let rows: Vec<Vec<String>> = analysis
            .gaps
            .iter()
            .map(|g| {
                let a = answers.get(g.requirement_id.as_str());
                vec![
                    g.requirement_id.clone(),
                    requirement_title(catalog, &g.requirement_id, lang),
                    g.status.label().get(lang).to_string(),
                    a.and_then(|a| a.owner.clone()).unwrap_or_default(),
                    a.and_then(|a| a.due.clone()).unwrap_or_default(),
                    a.map(|a| a.comment.clone()).unwrap_or_default(),
                ]
            })
            .collect();
        body.table(
            &[
                t("requirement"),
                "",
                t("status"),
                t("owner"),
                t("due"),
                t("comment"),
            ],
            &rows,
            None,
        );
    }

    // The catalog's own notes and every unverified level, so readers know what rests on
    // unconfirmed facts.
    body.heading(1, t("notes"));
    for note in &catalog.notes {
        body.paragraph(None, &format!("• {}", note.get(lang)));
    }
    for level in catalog.levels.iter().filter(|l| !l.verified) {
        body.paragraph(
            None,
            &format!(
                "• {} — {}: {}",
                level_title(catalog, &level.id, lang),
                t("unverified"),
                level.verification_note.get(lang)
            ),
        );
    }

    package(&input.title, &body.xml)
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Yu Gothic" w:cs="Calibri"/><w:sz w:val="20"/><w:lang w:val="en-GB" w:eastAsia="ja-JP"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="80"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:color w:val="12355B"/><w:sz w:val="36"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:color w:val="12355B"/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/></w:rPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="999999"/><w:left w:val="single" w:sz="4" w:space="0" w:color="999999"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="999999"/><w:right w:val="single" w:sz="4" w:space="0" w:color="999999"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="999999"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="999999"/></w:tblBorders><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#;

fn package(title: &str, body: &str) -> Result<Vec<u8>, ReportError> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    );
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>sanso</dc:creator></cp:coreProperties>"#,
        escape(title)
    );
    let parts: [(&str, &str); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", &document),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", STYLES),
        ("docProps/core.xml", &core),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options)
            .map_err(|e| ReportError::Package(format!("{name}: {e}")))?;
        zip.write_all(text.as_bytes())
            .map_err(|e| ReportError::Package(format!("{name}: {e}")))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| ReportError::Package(e.to_string()))?;
    Ok(cursor.into_inner())
}
