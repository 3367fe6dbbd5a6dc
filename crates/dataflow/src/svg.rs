//! SVG drawings rendered on the server (no JavaScript, no external fonts or links).
//!
//! - [`flow_svg`]: the data flow as swim-lanes, one lane per place. Events sit in columns by
//!   flow depth (the longest path from a start event), so every arrow points right; events
//!   sharing a lane and a column stack. Each box shows the event kind, its id, compact badges
//!   for the attributes after the event (category, privacy impact P, value V, disclosure
//!   scope S) and the number of open risks per dimension (C/I/A/L). Arrows that leave a place
//!   are dashed.
//! - [`severity_chart_svg`]: IoT-SSF devices on the physical × economic grid, each dot
//!   coloured by the share of its category's requirements met (red → amber → green; grey when
//!   unknown), the grid cells tinted by the category they fall into when recovery is easy.
//!
//! All text is XML-escaped.

use crate::attributes::{attributes_along, Attributes};
use crate::error::DataflowError;
use crate::iot::{categorise, device_requirements, share_met, Device, Scheme};
use crate::model::DataFlow;
use crate::places::Library;
use crate::risk::{count_by_event, Risk, RiskDimension};
use crate::validate::topological_order;
use crate::vocabulary::Scale;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escapes text for SVG/XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Splits a label into at most two lines of about `width` characters, breaking at a space
/// when there is one (Japanese has none, so it breaks anywhere), clipping the rest.
fn two_lines(text: &str, width: usize) -> (String, String) {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return (text.to_string(), String::new());
    }
    let head: String = chars[..width].iter().collect();
    let split = head
        .rfind(' ')
        .filter(|&i| i > width / 3)
        .unwrap_or(head.len());
    let first = text[..split].trim_end().to_string();
    let rest = text[split..].trim_start();
    (first, clip(rest, width))
}

/// Shortens to `max` characters with an ellipsis (counting chars, so Japanese is safe).
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

const LANE_LABEL_W: f64 = 170.0;
const BOX_W: f64 = 190.0;
const BOX_H: f64 = 96.0;
const COL_GAP: f64 = 60.0;
const ROW_GAP: f64 = 18.0;
const LANE_PAD: f64 = 16.0;
const HEADER_H: f64 = 36.0;

/// Draws the flow as swim-lanes. `risks` are counted per event (rejected ones are not);
/// `lang` is `ja` or `en`. The flow must be valid.
pub fn flow_svg(
    flow: &DataFlow,
    library: &Library,
    risks: &[Risk],
    lang: &str,
) -> Result<String, DataflowError> {
    let along = attributes_along(flow, library)?;
    let order = topological_order(flow).map_err(|path| DataflowError::InvalidFlow {
        flow: flow.id.clone(),
        issues: vec![crate::validate::FlowIssue::Cycle {
            path,
            through_dispose: None,
        }],
    })?;
    let vocabulary = library.vocabulary();
    let index: BTreeMap<&str, usize> = flow
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    // Column = longest path from a start event.
    let mut column = vec![0usize; flow.events.len()];
    let graph = crate::model::FlowGraph::new(flow);
    for &i in &order {
        for &p in &graph.preds[i] {
            column[i] = column[i].max(column[p] + 1);
        }
    }
    let lane_of: BTreeMap<&str, usize> = flow
        .places
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    // Slot within (lane, column), in flow order.
    let mut slot = vec![0usize; flow.events.len()];
    let mut used: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for &i in &order {
        let lane = lane_of
            .get(flow.events[i].place.as_str())
            .copied()
            .unwrap_or(0);
        let n = used.entry((lane, column[i])).or_default();
        slot[i] = *n;
        *n += 1;
    }
    let mut lane_rows = vec![1usize; flow.places.len().max(1)];
    for (&(lane, _), &n) in &used {
        lane_rows[lane] = lane_rows[lane].max(n);
    }
    let mut lane_y = Vec::with_capacity(lane_rows.len());
    let mut y = HEADER_H;
    for rows in &lane_rows {
        lane_y.push(y);
        y += LANE_PAD * 2.0 + *rows as f64 * BOX_H + (*rows as f64 - 1.0) * ROW_GAP;
    }
    let height = y + 10.0;
    let columns = column.iter().copied().max().map_or(1, |m| m + 1);
    let width = LANE_LABEL_W + columns as f64 * (BOX_W + COL_GAP) + 20.0;
    let pos = |i: usize| -> (f64, f64) {
        let lane = lane_of
            .get(flow.events[i].place.as_str())
            .copied()
            .unwrap_or(0);
        let x = LANE_LABEL_W + COL_GAP / 2.0 + column[i] as f64 * (BOX_W + COL_GAP);
        let y = lane_y[lane] + LANE_PAD + slot[i] as f64 * (BOX_H + ROW_GAP);
        (x, y)
    };
    let counts = count_by_event(risks);
    let states: BTreeMap<&str, &Attributes> =
        along.iter().map(|s| (s.event.as_str(), &s.after)).collect();

    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12" role="img" aria-label="{}">"##,
        escape(&flow.name)
    );
    svg.push_str(r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>"##);
    let _ = write!(
        svg,
        r##"<text x="10" y="22" font-size="15" font-weight="bold">{}</text>"##,
        escape(&format!("{} — {}", flow.name, flow.data_set.name))
    );
    for (lane, place) in flow.places.iter().enumerate() {
        let top = lane_y[lane];
        let h = lane_y.get(lane + 1).copied().unwrap_or(y) - top;
        let fill = if lane % 2 == 0 { "#f6f8fa" } else { "#eef2f6" };
        let name_lines = two_lines(place.name.get(lang), 18);
        let _ = write!(
            svg,
            r##"<g class="lane" data-place="{id}"><rect x="0" y="{top:.0}" width="{width:.0}" height="{h:.0}" fill="{fill}" stroke="#ccd"/><text x="10" y="{ty:.0}" font-weight="bold">{name1}</text><text x="10" y="{ty1:.0}" font-weight="bold">{name2}</text><text x="10" y="{ty2:.0}" fill="#555">{kind}</text></g>"##,
            id = escape(&place.id),
            ty = top + 22.0,
            ty1 = top + 38.0,
            ty2 = top + 56.0,
            name1 = escape(&name_lines.0),
            name2 = escape(&name_lines.1),
            kind = escape(&format!(
                "{}{}",
                library.jurisdiction(place).unwrap_or(""),
                match place.kind {
                    crate::places::PlaceKind::Law => "",
                    crate::places::PlaceKind::Contract =>
                        if lang == "ja" {
                            " 契約"
                        } else {
                            " contract"
                        },
                    crate::places::PlaceKind::InternalRules =>
                        if lang == "ja" {
                            " 社内規程"
                        } else {
                            " internal rules"
                        },
                }
            )),
        );
    }
    for edge in &flow.edges {
        let (Some(&from), Some(&to)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str()))
        else {
            continue;
        };
        let (fx, fy) = pos(from);
        let (tx, ty) = pos(to);
        let (x1, y1) = (fx + BOX_W, fy + BOX_H / 2.0);
        let (x2, y2) = (tx, ty + BOX_H / 2.0);
        let mid = (x1 + x2) / 2.0;
        // An edge skipping columns would cross the boxes in between: route it orthogonally
        // through the column gaps and the empty strip at the top of the target lane.
        let path = if column[to] > column[from] + 1 {
            let to_lane = lane_of
                .get(flow.events[to].place.as_str())
                .copied()
                .unwrap_or(0);
            let channel = lane_y[to_lane] + LANE_PAD / 2.0;
            let (g1, g2) = (x1 + COL_GAP / 2.0, x2 - COL_GAP / 2.0);
            format!("M{x1:.1},{y1:.1} H{g1:.1} V{channel:.1} H{g2:.1} V{y2:.1} H{x2:.1}")
        } else {
            format!("M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}")
        };
        let dashed = if flow.events[from].place != flow.events[to].place {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = write!(
            svg,
            r##"<path class="edge" data-from="{}" data-to="{}" d="{path}" fill="none" stroke="#555" stroke-width="1.5"{dashed} marker-end="url(#arrow)"/>"##,
            escape(&edge.from),
            escape(&edge.to)
        );
    }
    for &i in &order {
        let event = &flow.events[i];
        let (x, y) = pos(i);
        let _ = write!(
            svg,
            r##"<g class="event" data-event="{id}"><title>{title}</title><rect x="{x:.1}" y="{y:.1}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#fff" stroke="#335" stroke-width="1.2"/><text x="{tx:.1}" y="{t1:.1}" font-weight="bold">{kind}</text><text x="{tx:.1}" y="{t2:.1}" fill="#333">{label}</text>"##,
            id = escape(&event.id),
            title = escape(&format!(
                "{} ({}): {}",
                event.id,
                event.kind.id(),
                event.description
            )),
            tx = x + 8.0,
            t1 = y + 17.0,
            t2 = y + 34.0,
            kind = escape(event.kind.label().get(lang)),
            label = escape(&clip(&event.id, 26)),
        );
        if let Some(state) = states.get(event.id.as_str()) {
            let badge = |scale: Scale, value: &Option<String>, prefix: &str| -> Option<String> {
                value.as_ref().map(|v| {
                    let label = vocabulary
                        .label(scale, v)
                        .map(|t| t.get(lang).to_string())
                        .unwrap_or_else(|| v.clone());
                    if prefix.is_empty() {
                        clip(&label, 14)
                    } else {
                        format!("{prefix}:{}", clip(&label, 8))
                    }
                })
            };
            let badges: Vec<(String, &str)> = [
                (badge(Scale::Category, &state.category, ""), "#dde7f7"),
                (
                    badge(Scale::PrivacyImpact, &state.privacy_impact, "P"),
                    "#f7e3dd",
                ),
                (badge(Scale::Value, &state.value, "V"), "#e7f2dd"),
                (
                    badge(Scale::DisclosureScope, &state.disclosure_scope, "S"),
                    "#efe3f5",
                ),
            ]
            .into_iter()
            .filter_map(|(b, c)| b.map(|b| (b, c)))
            .collect();
            let mut bx = x + 8.0;
            let mut by = y + 44.0;
            for (text, colour) in badges {
                // Rough width: CJK glyphs are about twice as wide as Latin ones at 10px.
                let w: f64 = text
                    .chars()
                    .map(|c| if c.is_ascii() { 6.0 } else { 10.5 })
                    .sum::<f64>()
                    + 8.0;
                if bx + w > x + BOX_W - 4.0 {
                    bx = x + 8.0;
                    by += 18.0;
                }
                let _ = write!(
                    svg,
                    r##"<rect class="badge" x="{bx:.1}" y="{by:.1}" width="{w:.1}" height="15" rx="3" fill="{colour}"/><text x="{tx:.1}" y="{ty:.1}" font-size="10">{}</text>"##,
                    escape(&text),
                    tx = bx + 4.0,
                    ty = by + 11.0
                );
                bx += w + 4.0;
            }
        }
        if let Some(per_dim) = counts.get(&event.id) {
            let total: usize = per_dim.values().sum();
            let detail: Vec<String> = RiskDimension::ALL
                .iter()
                .filter_map(|d| per_dim.get(d).map(|n| format!("{}{n}", d.letter())))
                .collect();
            let _ = write!(
                svg,
                r##"<g class="risk-count" data-count="{total}"><circle cx="{cx:.1}" cy="{cy:.1}" r="11" fill="#c0392b"/><text x="{cx:.1}" y="{ty:.1}" fill="#fff" font-size="11" font-weight="bold" text-anchor="middle">{total}</text><text x="{dx:.1}" y="{dy:.1}" fill="#c0392b" font-size="10" text-anchor="end">{}</text></g>"##,
                escape(&detail.join(" ")),
                cx = x + BOX_W - 4.0,
                cy = y + 4.0,
                ty = y + 8.0,
                dx = x + BOX_W - 8.0,
                dy = y + BOX_H - 6.0
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    Ok(svg)
}

/// A device on the chart: the device, its category id and the share of requirements met.
type PlacedDevice<'a> = (&'a Device, String, Option<f64>);

/// Colour for a share met: red (0) → amber (0.5) → green (1); grey when unknown.
pub fn share_colour(share: Option<f64>) -> String {
    let Some(share) = share else {
        return "#9e9e9e".to_string();
    };
    let s = share.clamp(0.0, 1.0);
    let (a, b, t) = if s < 0.5 {
        ((215.0, 48.0, 39.0), (254.0, 196.0, 79.0), s * 2.0)
    } else {
        ((254.0, 196.0, 79.0), (26.0, 152.0, 80.0), (s - 0.5) * 2.0)
    };
    let mix = |x: f64, y: f64| (x + (y - x) * t).round().clamp(0.0, 255.0) as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// Draws all devices on the scheme's chart axes. `met` maps device id → requirement id →
/// met; a device missing from it is drawn grey. Devices whose rating is invalid are an error.
pub fn severity_chart_svg(
    scheme: &Scheme,
    devices: &[Device],
    met: &BTreeMap<String, BTreeMap<String, bool>>,
    lang: &str,
) -> Result<String, DataflowError> {
    // A checked scheme has known chart axes and no empty level list, which the layout relies on.
    scheme.check()?;
    let (Some(x_axis), Some(y_axis)) = (scheme.axis(&scheme.chart.x), scheme.axis(&scheme.chart.y))
    else {
        return Err(DataflowError::InvalidScheme {
            scheme: scheme.id.clone(),
            problems: vec!["chart axes are not defined".into()],
        });
    };
    const CELL: f64 = 120.0;
    const LEFT: f64 = 130.0;
    const TOP: f64 = 40.0;
    let nx = x_axis.levels.len();
    let ny = y_axis.levels.len();
    let legend_h = 24.0 * (scheme.categories.len() as f64 + 1.0);
    let width = LEFT + nx as f64 * CELL + 300.0;
    let height = TOP + (ny as f64 * CELL + 70.0).max(legend_h + 60.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12" role="img" aria-label="{}">"##,
        escape(scheme.name.get(lang))
    );
    let _ = write!(
        svg,
        r##"<text x="10" y="22" font-size="15" font-weight="bold">{}</text>"##,
        escape(scheme.name.get(lang))
    );
    // Cells tinted by the category at the lowest level of every other axis.
    for xi in 0..nx {
        for yi in 0..ny {
            let mut rating = BTreeMap::new();
            for axis in &scheme.axes {
                let level = if axis.id == x_axis.id {
                    &x_axis.levels[xi].id
                } else if axis.id == y_axis.id {
                    &y_axis.levels[yi].id
                } else if let Some(lowest) = axis.levels.first() {
                    &lowest.id
                } else {
                    continue;
                };
                rating.insert(
                    axis.id.clone(),
                    crate::iot::AxisRating::Level(level.clone()),
                );
            }
            let probe = Device {
                id: "(chart cell)".into(),
                name: String::new(),
                product: String::new(),
                use_context: Default::default(),
                rating,
            };
            let fill = categorise(&probe, scheme)
                .ok()
                .and_then(|c| scheme.category(&c.category).and_then(|c| c.color.clone()))
                .unwrap_or_else(|| "#ffffff".into());
            let x = LEFT + xi as f64 * CELL;
            let y = TOP + (ny - 1 - yi) as f64 * CELL;
            let _ = write!(
                svg,
                r##"<rect class="cell" x="{x:.0}" y="{y:.0}" width="{CELL}" height="{CELL}" fill="{}" fill-opacity="0.45" stroke="#fff" stroke-width="2"/>"##,
                escape(&fill)
            );
        }
    }
    for (xi, level) in x_axis.levels.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{:.0}" y="{:.0}" text-anchor="middle">{}</text>"##,
            LEFT + (xi as f64 + 0.5) * CELL,
            TOP + ny as f64 * CELL + 18.0,
            escape(level.name.get(lang))
        );
    }
    for (yi, level) in y_axis.levels.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{:.0}" y="{:.0}" text-anchor="end">{}</text>"##,
            LEFT - 8.0,
            TOP + (ny - 1 - yi) as f64 * CELL + CELL / 2.0,
            escape(level.name.get(lang))
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{:.0}" y="{:.0}" text-anchor="middle" font-weight="bold">{}</text><text x="14" y="{:.0}" font-weight="bold" transform="rotate(-90 14 {:.0})" text-anchor="middle">{}</text>"##,
        LEFT + nx as f64 * CELL / 2.0,
        TOP + ny as f64 * CELL + 40.0,
        escape(x_axis.name.get(lang)),
        TOP + ny as f64 * CELL / 2.0,
        TOP + ny as f64 * CELL / 2.0,
        escape(y_axis.name.get(lang))
    );
    // Devices, grouped per cell and laid out in a small grid inside it.
    let mut per_cell: BTreeMap<(usize, usize), Vec<PlacedDevice<'_>>> = BTreeMap::new();
    for device in devices {
        let requirements = device_requirements(device, scheme)?;
        let resolved = scheme.resolve(&device.id, &device.rating)?;
        let rank = |axis: &str| {
            resolved
                .iter()
                .find(|r| r.axis == axis)
                .map_or(0, |r| r.rank)
        };
        let share = met
            .get(&device.id)
            .and_then(|m| share_met(&requirements, m));
        per_cell
            .entry((rank(&x_axis.id), rank(&y_axis.id)))
            .or_default()
            .push((device, requirements.categorisation.category.clone(), share));
    }
    for ((xi, yi), list) in &per_cell {
        let per_row = 3usize;
        for (k, (device, category, share)) in list.iter().enumerate() {
            let cx = LEFT + *xi as f64 * CELL + 22.0 + (k % per_row) as f64 * 38.0;
            let cy = TOP + (ny - 1 - *yi) as f64 * CELL + 24.0 + (k / per_row) as f64 * 34.0;
            let pct = share.map_or("?".to_string(), |s| format!("{:.0}%", s * 100.0));
            let _ = write!(
                svg,
                r##"<g class="device" data-device="{id}" data-category="{cat}"><title>{title}</title><circle cx="{cx:.1}" cy="{cy:.1}" r="11" fill="{fill}" stroke="#333"/><text x="{cx:.1}" y="{ty:.1}" font-size="9" text-anchor="middle">{label}</text></g>"##,
                id = escape(&device.id),
                cat = escape(category),
                title = escape(&format!(
                    "{} — {} — {} — {}",
                    device.name,
                    device.use_context.get(lang),
                    category,
                    pct
                )),
                fill = share_colour(*share),
                ty = cy + 22.0,
                label = escape(&clip(&device.name, 14)),
            );
        }
    }
    // Legend.
    let lx = LEFT + nx as f64 * CELL + 20.0;
    for (i, category) in scheme.categories.iter().enumerate() {
        let ly = TOP + i as f64 * 24.0;
        let _ = write!(
            svg,
            r##"<rect x="{lx:.0}" y="{ly:.0}" width="16" height="16" fill="{}" fill-opacity="0.45" stroke="#999"/><text x="{:.0}" y="{:.0}">{}</text>"##,
            escape(category.color.as_deref().unwrap_or("#ffffff")),
            lx + 22.0,
            ly + 12.0,
            escape(&clip(category.name.get(lang), 36))
        );
    }
    let ly = TOP + scheme.categories.len() as f64 * 24.0 + 10.0;
    let (l0, l1) = if lang == "ja" {
        ("要件充足率 0%", "100%")
    } else {
        ("requirements met 0%", "100%")
    };
    let _ = write!(
        svg,
        r##"<circle cx="{:.0}" cy="{:.0}" r="7" fill="{}"/><text x="{:.0}" y="{:.0}">{}</text><circle cx="{:.0}" cy="{:.0}" r="7" fill="{}"/><text x="{:.0}" y="{:.0}">{}</text>"##,
        lx + 8.0,
        ly + 8.0,
        share_colour(Some(0.0)),
        lx + 22.0,
        ly + 12.0,
        escape(l0),
        lx + 8.0,
        ly + 30.0,
        share_colour(Some(1.0)),
        lx + 22.0,
        ly + 34.0,
        escape(l1)
    );
    svg.push_str("</svg>");
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::{clip, share_colour, two_lines};

    #[test]
    fn clipping_counts_characters_not_bytes() {
        assert_eq!(clip("国内店舗の売上データ", 5), "国内店舗…");
        assert_eq!(clip("short", 5), "short");
    }

    #[test]
    fn labels_wrap_at_a_space_or_anywhere_in_japanese() {
        assert_eq!(
            two_lines("US subsidiary (California)", 18),
            ("US subsidiary".to_string(), "(California)".to_string())
        );
        let (a, b) = two_lines("米国子会社カリフォルニア州サンフランシスコ事業所の倉庫", 10);
        assert_eq!(a.chars().count(), 10);
        assert!(b.ends_with('…'));
    }

    #[test]
    fn colour_scale_ends() {
        assert_eq!(share_colour(Some(0.0)), "#d73027");
        assert_eq!(share_colour(Some(1.0)), "#1a9850");
        assert_eq!(share_colour(Some(0.5)), "#fec44f");
        assert_eq!(share_colour(Some(7.0)), "#1a9850");
        assert_eq!(share_colour(None), "#9e9e9e");
    }
}
