//! The XLSX questionnaire: export, fill in (cells written into the file as Excel would),
//! import → the same answers; bad workbooks rejected with sheet, row and column.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use calamine::{Reader, Xlsx};
use sanso_catalog::assessment::CriterionResult;
use sanso_catalog::builtin::builtin_catalog;
use sanso_catalog::questionnaire::{export, import, ImportError};
use sanso_catalog::{Answer, AnswerStatus, Catalog, Lang};

fn catalog(id: &str) -> Catalog {
    builtin_catalog(id).unwrap_or_else(|| panic!("built-in {id} missing"))
}

/// id → 1-based row on the Requirements sheet of an exported workbook.
fn rows_by_id(bytes: &[u8]) -> HashMap<String, u32> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = workbook.worksheet_range("Requirements").expect("sheet");
    range
        .rows()
        .enumerate()
        .filter_map(|(i, row)| Some((row.first()?.to_string(), i as u32 + 1)))
        .collect()
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Writes inline-string values into cells of one worksheet part, as a spreadsheet would.
fn fill(bytes: &[u8], sheet_part: &str, cells: &[(String, String)]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let name = file.name().expect("entry name").to_string();
        let mut content = Vec::new();
        file.read_to_end(&mut content).expect("read");
        if name == sheet_part {
            let mut xml = String::from_utf8(content).expect("utf8");
            for (cell, value) in cells {
                xml = set_cell(&xml, cell, value);
            }
            content = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&content).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// Writes an Excel serial number (as Excel stores a typed-in date) into a cell.
fn fill_number(bytes: &[u8], cell: &str, serial: f64) -> Vec<u8> {
    let marker = "\u{1}NUMBER\u{1}";
    let filled = fill(
        bytes,
        REQUIREMENTS_PART,
        &[(cell.to_string(), marker.to_string())],
    );
    let mut archive = zip::ZipArchive::new(Cursor::new(filled)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let name = file.name().expect("entry name").to_string();
        let mut content = Vec::new();
        file.read_to_end(&mut content).expect("read");
        if name == REQUIREMENTS_PART {
            let xml = String::from_utf8(content).expect("utf8");
            let inline = format!(" t=\"inlineStr\"><is><t>{marker}</t></is></c>");
            content = xml
                .replace(&inline, &format!("><v>{serial}</v></c>"))
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&content).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

fn set_cell(xml: &str, cell: &str, value: &str) -> String {
    let open = format!("<c r=\"{cell}\"");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("cell {cell} not in sheet"));
    let tag_end = start + xml[start..].find('>').expect("tag end");
    let self_closing = xml.as_bytes()[tag_end - 1] == b'/';
    let end = if self_closing {
        tag_end + 1
    } else {
        tag_end + xml[tag_end..].find("</c>").expect("close") + 4
    };
    let attributes = &xml[start + open.len()..if self_closing { tag_end - 1 } else { tag_end }];
    let style = attributes
        .split_whitespace()
        .find(|a| a.starts_with("s="))
        .map(|s| format!(" {s}"))
        .unwrap_or_default();
    let replacement = format!(
        "<c r=\"{cell}\"{style} t=\"inlineStr\"><is><t>{}</t></is></c>",
        xml_escape(value)
    );
    format!("{}{}{}", &xml[..start], replacement, &xml[end..])
}

const REQUIREMENTS_PART: &str = "xl/worksheets/sheet2.xml";
const META_PART: &str = "xl/worksheets/sheet3.xml";

fn sample_answers(star: &Catalog) -> Vec<Answer> {
    let star3 = star.requirements_at_level("star3");
    let mut first = Answer::new(&star3[0].id, AnswerStatus::Partial);
    first.criteria = star3[0]
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| CriterionResult {
            criterion_id: c.id.clone(),
            met: i % 2 == 0,
        })
        .collect();
    first.comment = "規程は作成済み、周知は未実施\nnext: training".into();
    first.evidence = vec![
        "doc/policy-v2.pdf".into(),
        "https://intra.example/wiki/sec".into(),
    ];
    first.owner = Some("情報システム部 佐藤".into());
    first.due = Some("2026-12-31".into());
    let second = Answer::new(&star3[1].id, AnswerStatus::NotApplicable);
    let mut third = Answer::new(&star3[2].id, AnswerStatus::Implemented);
    third.criteria = star3[2]
        .criteria
        .iter()
        .map(|c| CriterionResult {
            criterion_id: c.id.clone(),
            met: true,
        })
        .collect();
    vec![first, second, third]
}

#[test]
fn prefilled_export_round_trips_in_both_languages() {
    let star = catalog("meti-star-draft");
    let answers = sample_answers(&star);
    for lang in [Lang::Ja, Lang::En] {
        let bytes = export(&star, Some("star3"), &answers, lang).expect("export");
        let back = import(&bytes, &star).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(back, answers, "{lang:?}");
    }
    // The Requirements sheet lists the 25 ★3 entries and their 78 criteria.
    let bytes = export(&star, Some("star3"), &[], Lang::Ja).expect("export");
    let rows = rows_by_id(&bytes);
    let requirements = rows
        .keys()
        .filter(|k| k.starts_with('E') && !k.contains('.'))
        .count();
    let criteria = rows
        .keys()
        .filter(|k| k.starts_with('E') && k.contains('.'))
        .count();
    println!("questionnaire ★3: {requirements} requirement rows, {criteria} criterion rows");
    assert_eq!((requirements, criteria), (25, 78));
}

#[test]
fn filled_in_workbook_imports_to_the_expected_answers() {
    let star = catalog("meti-star-draft");
    let blank = export(&star, Some("star4"), &[], Lang::En).expect("export");
    let rows = rows_by_id(&blank);
    let e02 = star.find_requirement("E02").expect("E02");
    let e03 = star.find_requirement("E03").expect("E03");
    let mut cells = vec![
        // Japanese label in an English workbook: any label is accepted.
        (format!("F{}", rows["E02"]), "実施している".to_string()),
        (
            format!("H{}", rows["E02"]),
            "CISO named in 2025".to_string(),
        ),
        (
            format!("I{}", rows["E02"]),
            "org-chart.pdf; minutes-2025-04.docx".to_string(),
        ),
        (format!("J{}", rows["E02"]), "Sato".to_string()),
        (format!("K{}", rows["E02"]), "2027/03/31".to_string()),
        (format!("F{}", rows["E01"]), "not_implemented".to_string()),
    ];
    for c in &e02.criteria {
        cells.push((format!("F{}", rows[&c.id]), "Met".to_string()));
    }
    // E03: criteria only, status left empty → derived from the criteria.
    cells.push((
        format!("F{}", rows[&e03.criteria[0].id]),
        "満たしている".to_string(),
    ));
    let filled = fill(&blank, REQUIREMENTS_PART, &cells);
    let answers = import(&filled, &star).unwrap_or_else(|e| panic!("{e:?}"));

    let mut expected_e02 = Answer::new("E02", AnswerStatus::Implemented);
    expected_e02.comment = "CISO named in 2025".into();
    expected_e02.evidence = vec!["org-chart.pdf".into(), "minutes-2025-04.docx".into()];
    expected_e02.owner = Some("Sato".into());
    expected_e02.due = Some("2027-03-31".into());
    expected_e02.criteria = e02
        .criteria
        .iter()
        .map(|c| CriterionResult {
            criterion_id: c.id.clone(),
            met: true,
        })
        .collect();
    let mut expected_e03 = Answer::new(
        "E03",
        if e03.criteria.len() == 1 {
            AnswerStatus::Implemented
        } else {
            AnswerStatus::Partial
        },
    );
    expected_e03.criteria = vec![CriterionResult {
        criterion_id: e03.criteria[0].id.clone(),
        met: true,
    }];
    assert_eq!(
        answers,
        vec![
            Answer::new("E01", AnswerStatus::NotImplemented),
            expected_e02,
            expected_e03
        ]
    );
}

fn import_errors(bytes: &[u8], catalog: &Catalog) -> Vec<ImportError> {
    import(bytes, catalog).expect_err("must be rejected")
}

#[test]
fn wrong_catalog_or_version_is_rejected() {
    let star = catalog("meti-star-draft");
    let bytes = export(&star, None, &[], Lang::Ja).expect("export");
    let errors = import_errors(&bytes, &catalog("cpsf"));
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "sheet \"_meta\", row 3, column B: catalog_id is \"meti-star-draft\", expected \"cpsf\"",
            "sheet \"_meta\", row 4, column B: catalog_version is \"2025-04-14-draft\", expected \"1.0\"",
        ]
    );
    let mut newer = star.clone();
    newer.version = "2026-01-01".into();
    let errors = import_errors(&bytes, &newer);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].sheet.as_str(), errors[0].row), ("_meta", 4));

    // A workbook that is not a questionnaire at all.
    let tampered = fill(&bytes, META_PART, &[("B1".into(), "something-else".into())]);
    let errors = import_errors(&tampered, &star);
    assert_eq!(errors[0].to_string(), "sheet \"_meta\", row 1, column B: format is \"something-else\", expected \"sanso-questionnaire\"");
    assert!(import(b"plain text", &star).is_err());
}

#[test]
fn missing_column_unknown_id_and_wrong_values_are_named() {
    let star = catalog("meti-star-draft");
    let blank = export(&star, Some("star3"), &[], Lang::Ja).expect("export");

    let no_status = fill(&blank, REQUIREMENTS_PART, &[("F1".into(), "answer".into())]);
    let errors = import_errors(&no_status, &star);
    assert_eq!(errors[0].to_string(), "sheet \"Requirements\", row 1, column status: column \"status\" is missing from the key row");

    let rows = rows_by_id(&blank);
    let first = star.requirements_at_level("star3")[0].id.clone();
    let second = star.requirements_at_level("star3")[1].id.clone();
    let r1 = rows[&first];
    let r2 = rows[&second];
    let criterion = star.find_requirement(&second).expect("req").criteria[0]
        .id
        .clone();
    let rc = rows[&criterion];
    let bad = fill(
        &blank,
        REQUIREMENTS_PART,
        &[
            (format!("A{r1}"), "E99".into()),
            (format!("F{r2}"), "maybe".into()),
            (format!("F{rc}"), "sort of".into()),
        ],
    );
    let errors: Vec<String> = import_errors(&bad, &star)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            format!("sheet \"Requirements\", row {r1}, column A (id): unknown requirement \"E99\" in catalog meti-star-draft@2025-04-14-draft"),
            format!("sheet \"Requirements\", row {r2}, column F (status): \"maybe\" is not a status (choose from the list)"),
            format!("sheet \"Requirements\", row {rc}, column F (status): \"sort of\" is not met / not met"),
        ]
    );

    let bad_date = fill(
        &blank,
        REQUIREMENTS_PART,
        &[
            (format!("F{r1}"), "実施している".into()),
            (format!("K{r1}"), "2026-02-30".into()),
        ],
    );
    let errors: Vec<String> = import_errors(&bad_date, &star)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors, [format!("sheet \"Requirements\", row {r1}, column K (due): \"2026-02-30\" is not a calendar date")]);

    let details_without_status = fill(
        &blank,
        REQUIREMENTS_PART,
        &[(format!("H{r1}"), "comment only".into())],
    );
    let errors = import_errors(&details_without_status, &star);
    assert_eq!(errors[0].column, "F (status)");
}

#[test]
fn maturity_questionnaire_checks_scores() {
    let guidelines = catalog("meti-cyber-management-guidelines");
    let mut answer = Answer::new("MG-01", AnswerStatus::Partial);
    answer.score = Some(3.0);
    let bytes = export(&guidelines, None, &[answer.clone()], Lang::Ja).expect("export");
    assert_eq!(import(&bytes, &guidelines).expect("import"), vec![answer]);
    let rows = rows_by_id(&bytes);
    let bad = fill(
        &bytes,
        REQUIREMENTS_PART,
        &[
            (format!("G{}", rows["MG-02"]), "7".into()),
            (format!("F{}", rows["MG-02"]), "partial".into()),
        ],
    );
    let errors = import_errors(&bad, &guidelines);
    assert_eq!(errors[0].message, "7 is not a maturity level 0..=5");
    assert_eq!(errors[0].column, "G (score)");
}

#[test]
fn excel_date_serials_become_iso_dates() {
    let star = catalog("meti-star-draft");
    let blank = export(&star, Some("star3"), &[], Lang::Ja).expect("export");
    let rows = rows_by_id(&blank);
    let id = star.requirements_at_level("star3")[0].id.clone();
    let row = rows[&id];
    let with_status = fill(
        &blank,
        REQUIREMENTS_PART,
        &[(format!("F{row}"), "partial".into())],
    );
    for (serial, expected) in [
        (45658.0, "2025-01-01"),
        (46022.0, "2025-12-31"),
        (61.0, "1900-03-01"),
    ] {
        let filled = fill_number(&with_status, &format!("K{row}"), serial);
        let answers = import(&filled, &star).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(answers[0].due.as_deref(), Some(expected), "serial {serial}");
    }
}
