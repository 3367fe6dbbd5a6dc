//! Dashboard charts as standalone SVG text: a radar chart of fulfilment per axis and the CPSF
//! layer × component heatmap. Drawn by the server so pages need no JavaScript and the same
//! picture can go into files. Every data mark carries `data-*` attributes with its value so
//! tests (and screen readers, through `<title>`) can read the numbers back.

use std::fmt::Write;

use sanso_catalog::{ComponentKind, HeatmapCell, Lang, Layer};

use crate::labels::{component_label, label, layer_label};
use crate::Axis;

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Long axis labels are cut so they do not run off the picture.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// A radar chart of `axes` (0–100 %). With fewer than three axes a radar has no area, so a
/// bar chart is drawn instead.
pub fn radar_svg(title: &str, axes: &[Axis], lang: Lang) -> String {
    if axes.len() < 3 {
        return bars_svg(title, axes, lang);
    }
    const SIZE: f64 = 520.0;
    const R: f64 = 170.0;
    let (cx, cy) = (SIZE / 2.0, SIZE / 2.0 + 10.0);
    let n = axes.len() as f64;
    let point = |i: usize, value: f64| {
        let angle = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n;
        (
            cx + R * value / 100.0 * angle.cos(),
            cy + R * value / 100.0 * angle.sin(),
        )
    };
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="radar" role="img" viewBox="0 0 {SIZE} {h}" width="{SIZE}" height="{h}" font-family="sans-serif" font-size="11"><title>{t}</title><rect width="100%" height="100%" fill="#fff"/><text x="{cx}" y="18" text-anchor="middle" font-size="14" font-weight="bold">{t}</text>"##,
        h = SIZE + 20.0,
        t = escape(title)
    );
    for ring in [25.0, 50.0, 75.0, 100.0] {
        let pts: Vec<String> = (0..axes.len())
            .map(|i| {
                let (x, y) = point(i, ring);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            s,
            r##"<polygon points="{}" fill="none" stroke="#ccc" stroke-width="1"/>"##,
            pts.join(" ")
        );
        let (x, y) = point(0, ring);
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" fill="#999" font-size="9">{ring}</text>"##,
            x + 3.0,
            y
        );
    }
    for (i, axis) in axes.iter().enumerate() {
        let (x, y) = point(i, 100.0);
        let _ = write!(
            s,
            r##"<line x1="{cx}" y1="{cy}" x2="{x:.1}" y2="{y:.1}" stroke="#ccc"/>"##
        );
        let (lx, ly) = point(i, 114.0);
        let anchor = if (lx - cx).abs() < 5.0 {
            "middle"
        } else if lx > cx {
            "start"
        } else {
            "end"
        };
        let value = match axis.percentage {
            Some(p) => format!("{p:.0}%"),
            None => label("not_scored", lang).to_string(),
        };
        let _ = write!(
            s,
            r#"<text x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}" dominant-baseline="middle"><title>{full}: {value}</title>{short} ({value})</text>"#,
            full = escape(&axis.label),
            short = escape(&short(&axis.label, 16)),
        );
    }
    let pts: Vec<String> = axes
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let (x, y) = point(i, a.percentage.unwrap_or(0.0).clamp(0.0, 100.0));
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        s,
        r##"<polygon class="value" points="{}" fill="#2b6cb0" fill-opacity="0.3" stroke="#2b6cb0" stroke-width="2"/>"##,
        pts.join(" ")
    );
    for (i, a) in axes.iter().enumerate() {
        let v = a.percentage.unwrap_or(0.0).clamp(0.0, 100.0);
        let (x, y) = point(i, v);
        let _ = write!(
            s,
            r##"<circle class="point" cx="{x:.1}" cy="{y:.1}" r="3.5" fill="#2b6cb0" data-axis="{k}" data-value="{v:.1}"><title>{l}: {v:.0}%</title></circle>"##,
            k = escape(&a.key),
            l = escape(&a.label),
        );
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars, for one or two axes.
fn bars_svg(title: &str, axes: &[Axis], lang: Lang) -> String {
    let h = 40.0 + 30.0 * axes.len().max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="radar bars" role="img" viewBox="0 0 520 {h}" width="520" height="{h}" font-family="sans-serif" font-size="11"><title>{t}</title><rect width="100%" height="100%" fill="#fff"/><text x="10" y="18" font-size="14" font-weight="bold">{t}</text>"##,
        t = escape(title)
    );
    if axes.is_empty() {
        let _ = write!(
            s,
            r##"<text x="10" y="50" fill="#666">{}</text>"##,
            escape(label("no_data", lang))
        );
    }
    for (i, a) in axes.iter().enumerate() {
        let y = 32.0 + 30.0 * i as f64;
        let v = a.percentage.unwrap_or(0.0).clamp(0.0, 100.0);
        let _ = write!(
            s,
            r##"<text x="10" y="{ty}">{l}</text><rect x="190" y="{y}" width="300" height="18" fill="#eee"/><rect class="point" x="190" y="{y}" width="{w:.1}" height="18" fill="#2b6cb0" data-axis="{k}" data-value="{v:.1}"/><text x="495" y="{ty}" text-anchor="end">{v:.0}%</text>"##,
            ty = y + 13.0,
            w = 3.0 * v,
            k = escape(&a.key),
            l = escape(&short(&a.label, 28)),
        );
    }
    s.push_str("</svg>");
    s
}

/// Cell colour from red (0 %) through yellow to green (100 %); grey when not scored.
fn heat_colour(percentage: Option<f64>) -> String {
    match percentage {
        None => "#e5e5e5".to_string(),
        Some(p) => format!("hsl({:.0},65%,62%)", p.clamp(0.0, 100.0) * 1.2),
    }
}

/// The CPSF layer × component heatmap; `None` when no requirement carries both tags.
pub fn heatmap_svg(title: &str, cells: &[HeatmapCell], lang: Lang) -> Option<String> {
    if cells.is_empty() {
        return None;
    }
    const LEFT: f64 = 170.0;
    const TOP: f64 = 50.0;
    const W: f64 = 96.0;
    const H: f64 = 50.0;
    let width = LEFT + W * ComponentKind::ALL.len() as f64 + 10.0;
    let height = TOP + H * Layer::ALL.len() as f64 + 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="11"><title>{t}</title><rect width="100%" height="100%" fill="#fff"/><text x="10" y="18" font-size="14" font-weight="bold">{t}</text>"##,
        t = escape(title)
    );
    for (c, kind) in ComponentKind::ALL.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LEFT + W * c as f64 + W / 2.0,
            TOP - 8.0,
            escape(component_label(*kind, lang))
        );
    }
    for (r, layer) in Layer::ALL.iter().enumerate() {
        let y = TOP + H * r as f64;
        let _ = write!(
            s,
            r#"<text x="10" y="{:.1}" dominant-baseline="middle">{}</text>"#,
            y + H / 2.0,
            escape(layer_label(*layer, lang))
        );
        for (c, kind) in ComponentKind::ALL.iter().enumerate() {
            let x = LEFT + W * c as f64;
            let cell = cells
                .iter()
                .find(|cell| cell.layer == *layer && cell.component == *kind);
            match cell {
                None => {
                    let _ = write!(
                        s,
                        r##"<rect x="{x}" y="{y}" width="{W}" height="{H}" fill="#fafafa" stroke="#fff" stroke-width="2"/>"##
                    );
                }
                Some(cell) => {
                    let a = &cell.aggregate;
                    let pct = a
                        .percentage
                        .map(|p| format!("{p:.0}%"))
                        .unwrap_or_else(|| "—".into());
                    let _ = write!(
                        s,
                        r##"<g class="cell" data-layer="{l}" data-component="{k}" data-value="{v}"><title>{ln} × {kn}: {pct} ({m}/{n})</title><rect x="{x}" y="{y}" width="{W}" height="{H}" fill="{fill}" stroke="#fff" stroke-width="2"/><text x="{tx:.1}" y="{ty1:.1}" text-anchor="middle" font-weight="bold">{pct}</text><text x="{tx:.1}" y="{ty2:.1}" text-anchor="middle" font-size="10">{m}/{n}</text></g>"##,
                        l = layer.as_str(),
                        k = kind.as_str(),
                        v = a.percentage.map(|p| format!("{p:.1}")).unwrap_or_default(),
                        ln = escape(layer_label(*layer, lang)),
                        kn = escape(component_label(*kind, lang)),
                        fill = heat_colour(a.percentage),
                        m = a.met,
                        n = a.requirements,
                        tx = x + W / 2.0,
                        ty1 = y + H / 2.0 - 2.0,
                        ty2 = y + H / 2.0 + 13.0,
                    );
                }
            }
        }
    }
    s.push_str("</svg>");
    Some(s)
}
