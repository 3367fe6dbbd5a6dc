//! SVG diagram of a small chain: layered by tier, coloured by protection, weak paths in red.
//!
//! Layout: one column per supplier tier, the highest tier on the left and the buyer (tier 0) on
//! the right, so attacks and goods flow left to right. A non-organisation node sits just below
//! the organisation that operates it, or else in the column of the nearest-tier node it is
//! connected to; nodes with no tier go to a last column. Edges within a column or pointing
//! backwards are drawn as loops on the right. Fill colour runs from red (protection 0) through yellow to
//! green (the model's maximum protection 0.95). Critical assets have a thick border, entry points
//! flagged `exposed` a dashed one. Edges on the given attack paths are drawn thick and red.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::error::{Result, SupplyError};
use crate::exposure::AttackPath;
use crate::graph::{EdgeKind, NodeIdx, NodeKind, SupplyGraph};
use crate::tiers::supplier_tiers;

/// Largest graph [`render_svg`] accepts.
pub const MAX_DIAGRAM_NODES: usize = 200;

const BOX_W: f64 = 160.0;
const BOX_H: f64 = 40.0;
const COL_GAP: f64 = 80.0;
const ROW_GAP: f64 = 18.0;
const MARGIN: f64 = 20.0;

/// Escape text for XML content and attribute values.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Red → yellow → green by protection (hue 0° → 120°).
fn trust_colour(protection: f64) -> String {
    let hue = (protection / 0.95).clamp(0.0, 1.0) * 120.0;
    format!("hsl({hue:.0},70%,55%)")
}

fn shorten(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// Render the graph; `weak_paths` are highlighted.
pub fn render_svg(graph: &SupplyGraph, weak_paths: &[AttackPath]) -> Result<String> {
    let n = graph.node_count();
    if n > MAX_DIAGRAM_NODES {
        return Err(SupplyError::DiagramTooLarge {
            nodes: n,
            limit: MAX_DIAGRAM_NODES,
        });
    }
    let tiers = match supplier_tiers(graph) {
        Ok(t) => Some(t),
        Err(SupplyError::NoBuyer) => None,
        Err(e) => return Err(e),
    };
    let org_tier = |v: NodeIdx| tiers.as_ref().and_then(|t| t.tier(v));
    let mut node_tier: Vec<Option<u32>> = (0..n as NodeIdx).map(org_tier).collect();
    // A non-organisation sits with the organisation that operates it; otherwise with the
    // lowest-tier organisation it touches; otherwise with the lowest-tier placed neighbour
    // (so data follows the system hosting it). Each pass reads a snapshot, so the result does
    // not depend on node order.
    let owner: Vec<Option<NodeIdx>> = (0..n as NodeIdx)
        .map(|v| {
            graph
                .in_edges(v)
                .iter()
                .map(|&e| graph.edge_from(e))
                .find(|&u| {
                    graph.kind(u) == NodeKind::Organization
                        && graph.kind(v) != NodeKind::Organization
                        && graph
                            .find_edge(u, v)
                            .is_some_and(|e| graph.edge_kind(e) == EdgeKind::Operates)
                })
        })
        .collect();
    for v in 0..n {
        if let Some(o) = owner[v] {
            node_tier[v] = node_tier[o as usize];
        }
    }
    for orgs_only in [true, false, false] {
        let snapshot = node_tier.clone();
        for v in 0..n as NodeIdx {
            if graph.kind(v) == NodeKind::Organization || snapshot[v as usize].is_some() {
                continue;
            }
            let neighbours = graph
                .out_edges(v)
                .iter()
                .map(|&e| graph.edge_to(e))
                .chain(graph.in_edges(v).iter().map(|&e| graph.edge_from(e)));
            node_tier[v as usize] = neighbours
                .filter(|&u| !orgs_only || graph.kind(u) == NodeKind::Organization)
                .filter_map(|u| snapshot[u as usize])
                .min();
        }
    }
    let max_tier = node_tier.iter().flatten().copied().max().unwrap_or(0);
    let untiered = node_tier.iter().any(Option::is_none);
    let columns = max_tier as usize + 1 + usize::from(untiered);
    let column_of = |v: usize| match node_tier[v] {
        Some(t) => (max_tier - t) as usize,
        None => columns - 1,
    };
    // Within a column: organisations in index order, each followed by the nodes it operates;
    // other nodes by index.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&v| {
        let anchor = owner[v].map_or(v, |o| o as usize);
        (column_of(v), anchor, owner[v].is_some(), v)
    });
    let mut rows = vec![0usize; columns];
    let mut pos = vec![(0.0, 0.0); n];
    for v in order {
        let c = column_of(v);
        pos[v] = (
            MARGIN + c as f64 * (BOX_W + COL_GAP),
            MARGIN + 24.0 + rows[c] as f64 * (BOX_H + ROW_GAP),
        );
        rows[c] += 1;
    }
    // The last column keeps a gap on its right for loops drawn there; the bottom row holds
    // the legend.
    let width = MARGIN * 2.0 + columns as f64 * (BOX_W + COL_GAP);
    let height =
        MARGIN * 2.0 + 48.0 + rows.iter().copied().max().unwrap_or(0) as f64 * (BOX_H + ROW_GAP);
    let weak: HashSet<u32> = weak_paths
        .iter()
        .flat_map(|p| p.edges.iter().copied())
        .collect();

    let mut svg = String::new();
    // Writing into a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="11">"#
    );
    svg.push_str(concat!(
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#666"/></marker>"##,
        r##"<marker id="arrow-weak" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c00"/></marker></defs>"##,
        "\n"
    ));
    for c in 0..columns {
        let label = if untiered && c == columns - 1 {
            "no tier".to_string()
        } else {
            format!("tier {}", max_tier as usize - c)
        };
        let _ = writeln!(
            svg,
            r##"<text x="{:.0}" y="{:.0}" font-weight="bold" fill="#333">{}</text>"##,
            MARGIN + c as f64 * (BOX_W + COL_GAP),
            MARGIN + 10.0,
            label
        );
    }
    // Weak edges last so they are drawn on top.
    let mut edges: Vec<u32> = (0..graph.edge_count() as u32).collect();
    edges.sort_by_key(|e| weak.contains(e));
    for e in edges {
        let (a, b) = (graph.edge_from(e) as usize, graph.edge_to(e) as usize);
        let (x1, y1) = (pos[a].0 + BOX_W, pos[a].1 + BOX_H / 2.0);
        let (stroke, width, marker) = if weak.contains(&e) {
            ("#c00", 3.0, "arrow-weak")
        } else {
            ("#999", 1.0, "arrow")
        };
        // Forward edges go straight to the target's left side; edges within a column or
        // backwards loop out to the right and come back into the target's right side.
        let d = if pos[b].0 > pos[a].0 {
            let (x2, y2) = (pos[b].0, pos[b].1 + BOX_H / 2.0);
            format!("M{x1:.1},{y1:.1} L{x2:.1},{y2:.1}")
        } else {
            let (x2, y2) = (pos[b].0 + BOX_W, pos[b].1 + BOX_H / 2.0);
            let bulge = COL_GAP * 0.6;
            format!(
                "M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}",
                x1 + bulge,
                x2 + bulge
            )
        };
        let _ = writeln!(
            svg,
            r#"<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{width}" marker-end="url(#{marker})"><title>{} -{}-> {} (propagation {:.2})</title></path>"#,
            escape_xml(graph.name(a as NodeIdx)),
            graph.edge_kind(e).as_str(),
            escape_xml(graph.name(b as NodeIdx)),
            graph.propagation(e)
        );
    }
    for (v, &(x, y)) in pos.iter().enumerate() {
        let idx = v as NodeIdx;
        let p = graph.protection(idx);
        let border = if graph.is_critical(idx) { 3.0 } else { 1.0 };
        let dash = if graph.is_entry(idx) && graph.kind(idx) != NodeKind::Organization {
            r#" stroke-dasharray="4 2""#
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            r##"<g><title>{} ({}) protection {:.2}</title><rect x="{x:.1}" y="{y:.1}" width="{BOX_W}" height="{BOX_H}" rx="4" fill="{}" stroke="#222" stroke-width="{border}"{dash}/><text x="{:.1}" y="{:.1}">{}</text><text x="{:.1}" y="{:.1}" fill="#222" font-size="9">{} · {:.2}</text></g>"##,
            escape_xml(graph.name(idx)),
            escape_xml(graph.id(idx)),
            p,
            trust_colour(p),
            x + 6.0,
            y + 16.0,
            escape_xml(&shorten(graph.name(idx), 24)),
            x + 6.0,
            y + 31.0,
            graph.kind(idx).as_str(),
            p
        );
    }
    let _ = writeln!(
        svg,
        r##"<text x="{MARGIN}" y="{:.0}" fill="#333">fill: protection, red 0 → green 0.95 · thick border: critical asset · dashed: exposed entry · red arrows: most likely attack paths</text>"##,
        height - MARGIN
    );
    svg.push_str("</svg>\n");
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape_xml(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(escape_xml("a\u{1}b"), "a b");
        assert_eq!(shorten("サプライヤー株式会社", 5), "サプライ…");
    }
}
