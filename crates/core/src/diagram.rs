//! The SVG drawing of a value-chain model in three horizontal bands, one per CPSF layer.
//!
//! A node sits in the band of its layer (its own, or its kind's default). Inside a band nodes are
//! ordered by the barycentre of their neighbours, a few sweeps down and up, which keeps most
//! connections short and uncrossed without a layout engine. Connections are coloured and dashed per
//! layer (dash patterns keep them apart for readers who cannot tell the colours apart). The SVG is
//! self-contained: no scripts, no external fonts or styles, so it renders the same in the web UI, in a
//! saved file, and in a report.

use std::collections::HashMap;
use std::fmt::Write;

use crate::model::{ComponentKind, Connection, ConnectionKind, Layer, Node};

/// The words the drawing uses, so the caller chooses the language.
pub struct DiagramLabels<'a> {
    pub band: &'a dyn Fn(Layer) -> String,
    pub kind: &'a dyn Fn(ComponentKind) -> String,
    pub connection: &'a dyn Fn(ConnectionKind) -> String,
    pub critical: String,
    pub exposed: String,
    pub empty: String,
}

const BAND_HEIGHT: f64 = 170.0;
const LEFT: f64 = 150.0;
const SPACING: f64 = 200.0;
const NODE_W: f64 = 160.0;
const NODE_H: f64 = 54.0;
const TOP: f64 = 10.0;

fn layer_colour(layer: Layer) -> (&'static str, &'static str) {
    match layer {
        Layer::L1 => ("#1f5fbf", ""),
        Layer::L2 => ("#c25e00", "8 4"),
        Layer::L3 => ("#1b8a3a", "2 3"),
    }
}

fn kind_fill(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Organization => "#e3ecfa",
        ComponentKind::Person => "#f3e8fb",
        ComponentKind::Component => "#fdf0e0",
        ComponentKind::Data => "#e4f5e8",
        ComponentKind::Procedure => "#f2f2f2",
        ComponentKind::System => "#e0f4f6",
    }
}

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Node positions: band index and x centre for each node id.
fn layout(nodes: &[Node], connections: &[Connection]) -> HashMap<String, (usize, f64)> {
    let mut bands: [Vec<&Node>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for n in nodes {
        bands[band_index(n.band())].push(n);
    }
    for band in bands.iter_mut() {
        band.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    let mut neighbours: HashMap<&str, Vec<&str>> = HashMap::new();
    for c in connections {
        neighbours
            .entry(&c.source_id)
            .or_default()
            .push(&c.target_id);
        neighbours
            .entry(&c.target_id)
            .or_default()
            .push(&c.source_id);
    }
    let mut pos: HashMap<String, f64> = HashMap::new();
    let place = |bands: &[Vec<&Node>; 3], pos: &mut HashMap<String, f64>| {
        for band in bands.iter() {
            for (i, n) in band.iter().enumerate() {
                pos.insert(n.id.clone(), i as f64);
            }
        }
    };
    place(&bands, &mut pos);
    for sweep in 0..4 {
        let order: [usize; 3] = if sweep % 2 == 0 { [1, 2, 0] } else { [1, 0, 2] };
        for b in order {
            let mut keyed: Vec<(f64, &Node)> = bands[b]
                .iter()
                .map(|n| {
                    let own = pos.get(&n.id).copied().unwrap_or(0.0);
                    let xs: Vec<f64> = neighbours
                        .get(n.id.as_str())
                        .map(|v| v.iter().filter_map(|m| pos.get(*m).copied()).collect())
                        .unwrap_or_default();
                    let key = if xs.is_empty() {
                        own
                    } else {
                        xs.iter().sum::<f64>() / xs.len() as f64
                    };
                    (key, *n)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
            bands[b] = keyed.into_iter().map(|(_, n)| n).collect();
            place(&bands, &mut pos);
        }
    }
    let widest = bands.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut out = HashMap::new();
    for (b, band) in bands.iter().enumerate() {
        // Centre narrower bands under the widest one.
        let offset = (widest - band.len()) as f64 * SPACING / 2.0;
        for (i, n) in band.iter().enumerate() {
            out.insert(
                n.id.clone(),
                (b, LEFT + offset + SPACING * i as f64 + SPACING / 2.0),
            );
        }
    }
    out
}

fn band_index(layer: Layer) -> usize {
    match layer {
        Layer::L1 => 0,
        Layer::L2 => 1,
        Layer::L3 => 2,
    }
}

fn band_centre_y(band: usize) -> f64 {
    TOP + BAND_HEIGHT * band as f64 + BAND_HEIGHT / 2.0
}

/// Draws the model. `title` becomes the SVG's accessible name.
pub fn render_svg(
    title: &str,
    nodes: &[Node],
    connections: &[Connection],
    labels: &DiagramLabels<'_>,
) -> String {
    let positions = layout(nodes, connections);
    let widest = (0..3)
        .map(|b| positions.values().filter(|(band, _)| *band == b).count())
        .max()
        .unwrap_or(0)
        .max(3);
    let width = LEFT + SPACING * widest as f64 + 20.0;
    let legend_y = TOP + BAND_HEIGHT * 3.0 + 10.0;
    let height = legend_y + 60.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="value-chain-diagram" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="13"><title>{}</title>"##,
        escape(title)
    );
    s.push_str("<defs>");
    for layer in Layer::ALL {
        let (colour, _) = layer_colour(layer);
        let _ = write!(
            s,
            r##"<marker id="arrow-{}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>"##,
            layer.as_str()
        );
    }
    s.push_str("</defs>");
    for layer in Layer::ALL {
        let b = band_index(layer);
        let y = TOP + BAND_HEIGHT * b as f64;
        let fill = ["#f7faff", "#fffaf4", "#f6fcf7"][b];
        let _ = write!(
            s,
            r##"<g class="band" data-layer="{l}"><rect x="0" y="{y}" width="{width}" height="{BAND_HEIGHT}" fill="{fill}" stroke="#d0d0d0"/><text x="12" y="{ty}" font-weight="bold">{l}</text><text x="12" y="{ty2}" font-size="12">{name}</text></g>"##,
            l = layer.as_str(),
            ty = y + 24.0,
            ty2 = y + 42.0,
            name = escape(&(labels.band)(layer)),
        );
    }
    if nodes.is_empty() {
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" fill="#666">{}</text>"##,
            LEFT + 20.0,
            band_centre_y(1),
            escape(&labels.empty)
        );
    }
    let by_id: HashMap<&str, &Node> = nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    for c in connections {
        let (Some(&(sb, sx)), Some(&(tb, tx))) =
            (positions.get(&c.source_id), positions.get(&c.target_id))
        else {
            continue;
        };
        let (colour, dash) = layer_colour(c.layer);
        let (sy, ty) = (band_centre_y(sb), band_centre_y(tb));
        // Leave the line at the box edge facing the other end, so the arrow head stays visible.
        let (y1, y2) = match sb.cmp(&tb) {
            std::cmp::Ordering::Less => (sy + NODE_H / 2.0, ty - NODE_H / 2.0),
            std::cmp::Ordering::Greater => (sy - NODE_H / 2.0, ty + NODE_H / 2.0),
            std::cmp::Ordering::Equal => (sy - NODE_H / 2.0, ty - NODE_H / 2.0),
        };
        let path = if sb == tb {
            let lift = 40.0 + (sx - tx).abs() / 10.0;
            format!("M{sx},{y1} Q{},{} {tx},{y2}", (sx + tx) / 2.0, y1 - lift)
        } else {
            format!("M{sx},{y1} L{tx},{y2}")
        };
        let (mx, my) = if sb == tb {
            ((sx + tx) / 2.0, y1 - 20.0 - (sx - tx).abs() / 20.0)
        } else {
            ((sx + tx) / 2.0, (y1 + y2) / 2.0)
        };
        let names = (
            by_id
                .get(c.source_id.as_str())
                .map(|n| n.name.as_str())
                .unwrap_or(""),
            by_id
                .get(c.target_id.as_str())
                .map(|n| n.name.as_str())
                .unwrap_or(""),
        );
        let kind = (labels.connection)(c.kind);
        let text = if c.label.is_empty() {
            kind.clone()
        } else {
            format!("{kind}: {}", c.label)
        };
        let _ = write!(
            s,
            r##"<g class="connection" data-id="{id}" data-layer="{l}" data-kind="{k}"><title>{t}</title><path d="{path}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}" marker-end="url(#arrow-{l})"/><text x="{mx}" y="{my}" font-size="11" fill="{colour}" text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="3">{short}</text></g>"##,
            id = escape(&c.id),
            l = c.layer.as_str(),
            k = c.kind.as_str(),
            t = escape(&format!(
                "{} → {} ({}, {})",
                names.0,
                names.1,
                c.layer.as_str(),
                text
            )),
            short = escape(&truncate(&text, 24)),
        );
    }
    for n in nodes {
        let Some(&(b, x)) = positions.get(&n.id) else {
            continue;
        };
        let y = band_centre_y(b);
        let stroke = if n.critical { "#c0392b" } else { "#555" };
        let stroke_width = if n.critical { 3 } else { 1 };
        let dash = if n.exposed { "5 3" } else { "" };
        let rx = match n.kind {
            ComponentKind::Data => 27,
            ComponentKind::Person => 18,
            _ => 6,
        };
        let mut flags = Vec::new();
        if n.critical {
            flags.push(labels.critical.clone());
        }
        if n.exposed {
            flags.push(labels.exposed.clone());
        }
        let sub = if n.category.is_empty() {
            (labels.kind)(n.kind)
        } else {
            format!("{} · {}", (labels.kind)(n.kind), n.category)
        };
        let _ = write!(
            s,
            r##"<g class="node" data-id="{id}" data-kind="{k}" data-layer="{l}"><title>{title}</title><rect x="{rx0}" y="{ry0}" width="{NODE_W}" height="{NODE_H}" rx="{rx}" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}" stroke-dasharray="{dash}"/><text x="{x}" y="{ty}" text-anchor="middle" font-weight="bold">{name}</text><text x="{x}" y="{ty2}" text-anchor="middle" font-size="11" fill="#444">{sub}</text></g>"##,
            id = escape(&n.id),
            k = n.kind.as_str(),
            l = n.band().as_str(),
            title = escape(&format!(
                "{} ({}){}",
                n.name,
                (labels.kind)(n.kind),
                if flags.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", flags.join(", "))
                }
            )),
            rx0 = x - NODE_W / 2.0,
            ry0 = y - NODE_H / 2.0,
            fill = kind_fill(n.kind),
            ty = y - 3.0,
            ty2 = y + 14.0,
            name = escape(&truncate(&n.name, 20)),
            sub = escape(&truncate(&sub, 26)),
        );
    }
    // Legend: one sample line per layer.
    for (i, layer) in Layer::ALL.into_iter().enumerate() {
        let (colour, dash) = layer_colour(layer);
        let x = 20.0 + i as f64 * 230.0;
        let _ = write!(
            s,
            r##"<g class="legend"><line x1="{x}" y1="{y}" x2="{x2}" y2="{y}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{tx}" y="{ty}">{l} {name}</text></g>"##,
            y = legend_y + 20.0,
            x2 = x + 40.0,
            tx = x + 48.0,
            ty = legend_y + 24.0,
            l = layer.as_str(),
            name = escape(&truncate(&(labels.band)(layer), 22)),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn node(id: &str, kind: ComponentKind, name: &str) -> Node {
        Node {
            id: id.into(),
            workspace_id: "w".into(),
            kind,
            name: name.into(),
            description: String::new(),
            category: String::new(),
            layer: None,
            critical: false,
            exposed: false,
            attributes: Map::new(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn conn(id: &str, s: &str, t: &str, layer: Layer) -> Connection {
        Connection {
            id: id.into(),
            workspace_id: "w".into(),
            source_id: s.into(),
            target_id: t.into(),
            layer,
            kind: ConnectionKind::Supplies,
            label: String::new(),
            attributes: Map::new(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn labels() -> DiagramLabels<'static> {
        DiagramLabels {
            band: &|l| format!("band {}", l.as_str()),
            kind: &|k| k.as_str().to_string(),
            connection: &|k| k.as_str().to_string(),
            critical: "critical".into(),
            exposed: "exposed".into(),
            empty: "empty".into(),
        }
    }

    #[test]
    fn nodes_land_in_their_bands_and_text_is_escaped() {
        let nodes = vec![
            node("a", ComponentKind::Organization, "Buyer <&>"),
            node("b", ComponentKind::Component, "Sensor"),
            node("c", ComponentKind::Data, "Orders"),
        ];
        let conns = vec![
            conn("x", "a", "b", Layer::L2),
            conn("y", "b", "c", Layer::L3),
        ];
        let svg = render_svg("t", &nodes, &conns, &labels());
        assert!(svg.contains(r#"data-id="a" data-kind="organization" data-layer="L1""#));
        assert!(svg.contains(r#"data-id="b" data-kind="component" data-layer="L2""#));
        assert!(svg.contains(r#"data-id="c" data-kind="data" data-layer="L3""#));
        assert!(svg.contains("Buyer &lt;&amp;&gt;"));
        assert_eq!(svg.matches(r#"class="connection""#).count(), 2);
        assert_eq!(svg.matches(r#"class="band""#).count(), 3);
    }

    #[test]
    fn barycentre_ordering_uncrosses_two_pairs() {
        // a1-b2 and a2-b1 would cross if both bands kept name order.
        let nodes = vec![
            node("a1", ComponentKind::Organization, "A1"),
            node("a2", ComponentKind::Organization, "A2"),
            node("b1", ComponentKind::Component, "B1"),
            node("b2", ComponentKind::Component, "B2"),
        ];
        let conns = vec![
            conn("x", "a1", "b2", Layer::L2),
            conn("y", "a2", "b1", Layer::L2),
        ];
        let pos = layout(&nodes, &conns);
        let order = |a: &str, b: &str| pos[a].1 < pos[b].1;
        assert_eq!(order("a1", "a2"), order("b2", "b1"));
    }
}
