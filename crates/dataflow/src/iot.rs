//! CPSF layer 2: IoT security-safety categorisation (IoT-SSF).
//!
//! A [`Scheme`] holds severity axes with ordered levels, lifecycle phases, and categories
//! defined as regions over the axes. A [`Device`] is one *use* of a product with a
//! [`DeviceRating`]: the same product rated for a home and for a factory is two devices and may
//! land in two categories, because the consequences belong to the use.
//!
//! **Categorisation.** An axis with targets (physical severity to people, property,
//! environment) takes the highest level rated over its targets. Categories are tried in
//! order; the first with a matching alternative wins (see `data/iot-ssf.yaml`). The result
//! carries the reason: which bounds held for which levels.
//!
//! **Requirements.** Each category lists viewpoints per lifecycle phase, each linked to
//! catalog requirement ids. `includes` makes them cumulative; a device inherits everything
//! its category reaches. [`share_met`] is the fraction of those requirement ids a device meets.
//!
//! The shipped scheme is our reading of the framework and is meant to be edited.

use crate::error::DataflowError;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const BUILTIN_SCHEME: &str = include_str!("../data/iot-ssf.yaml");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub id: String,
    pub name: Text,
    pub disclaimer: Text,
    pub axes: Vec<Axis>,
    pub chart: ChartAxes,
    pub phases: Vec<Phase>,
    pub categories: Vec<Category>,
}

/// A severity axis; `levels` are ordered from least to most severe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    pub id: String,
    pub name: Text,
    /// What the axis is rated for separately (people, property, environment); the axis
    /// level is the highest over them. Empty = rated once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Named>,
    pub levels: Vec<Named>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    pub id: String,
    pub name: Text,
}

pub type Phase = Named;

/// Which axes the severity chart puts on x and y.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartAxes {
    pub x: String,
    pub y: String,
}

/// Inclusive bounds on one axis, as level ids.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
}

/// Axis id → bounds; all must hold.
pub type Region = BTreeMap<String, Bounds>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: Text,
    /// Fill colour on the chart (CSS colour).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Alternatives: the category applies when any region matches.
    pub when: Vec<Region>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<String>,
    #[serde(default)]
    pub viewpoints: Vec<Viewpoint>,
}

/// A requirement viewpoint for one lifecycle phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Viewpoint {
    pub id: String,
    pub phase: String,
    pub text: Text,
    /// Catalog requirement ids (e.g. `CPS.MA-1`) or category codes.
    pub requirements: Vec<String>,
}

/// One use of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    pub id: String,
    pub name: String,
    /// Product (model) id; several devices may share it.
    pub product: String,
    /// Where and how it is used.
    #[serde(rename = "use")]
    pub use_context: Text,
    pub rating: DeviceRating,
}

/// Axis id → rating.
pub type DeviceRating = BTreeMap<String, AxisRating>;

/// A level for the axis, or one level per target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AxisRating {
    Level(String),
    PerTarget(BTreeMap<String, String>),
}

/// The outcome of [`categorise`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Categorisation {
    pub category: String,
    pub category_name: Text,
    /// Axis id → resolved level id.
    pub levels: BTreeMap<String, String>,
    /// Which region matched and why.
    pub reason: Text,
}

/// A viewpoint a device inherits, with the category it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InheritedViewpoint {
    pub from_category: String,
    #[serde(flatten)]
    pub viewpoint: Viewpoint,
}

/// Everything a device must address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRequirements {
    pub device: String,
    pub categorisation: Categorisation,
    pub viewpoints: Vec<InheritedViewpoint>,
}

impl DeviceRequirements {
    /// Unique requirement ids over all viewpoints, sorted.
    pub fn requirement_ids(&self) -> Vec<String> {
        let set: BTreeSet<&String> = self
            .viewpoints
            .iter()
            .flat_map(|v| v.viewpoint.requirements.iter())
            .collect();
        set.into_iter().cloned().collect()
    }

    /// Viewpoints of one lifecycle phase.
    pub fn for_phase(&self, phase: &str) -> Vec<&InheritedViewpoint> {
        self.viewpoints
            .iter()
            .filter(|v| v.viewpoint.phase == phase)
            .collect()
    }
}

impl Scheme {
    /// The default scheme shipped in `data/iot-ssf.yaml` (our reading, editable).
    pub fn builtin() -> Result<Self, DataflowError> {
        Scheme::from_yaml(BUILTIN_SCHEME, "<builtin iot-ssf.yaml>")
    }

    /// Parses and checks a scheme.
    pub fn from_yaml(text: &str, source: &str) -> Result<Self, DataflowError> {
        let scheme: Scheme = crate::io::from_yaml_str(text, source)?;
        scheme.check()?;
        Ok(scheme)
    }

    pub fn axis(&self, id: &str) -> Option<&Axis> {
        self.axes.iter().find(|a| a.id == id)
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Checks references (axes, levels, phases, includes), unique ids, and that every
    /// combination of levels falls into some category.
    pub fn check(&self) -> Result<(), DataflowError> {
        let mut problems = Vec::new();
        let mut axis_ids = BTreeSet::new();
        for axis in &self.axes {
            if !axis_ids.insert(axis.id.as_str()) {
                problems.push(format!("axes: `{}` is defined twice", axis.id));
            }
            if axis.levels.is_empty() {
                problems.push(format!("axes.{}: no levels", axis.id));
            }
        }
        for (field, id) in [("chart.x", &self.chart.x), ("chart.y", &self.chart.y)] {
            if self.axis(id).is_none() {
                problems.push(format!("{field}: unknown axis `{id}`"));
            }
        }
        let phases: BTreeSet<&str> = self.phases.iter().map(|p| p.id.as_str()).collect();
        let mut category_ids = BTreeSet::new();
        let mut viewpoint_ids = BTreeSet::new();
        for category in &self.categories {
            let at = format!("categories.{}", category.id);
            if !category_ids.insert(category.id.as_str()) {
                problems.push(format!("{at}: defined twice"));
            }
            if category.when.is_empty() {
                problems.push(format!("{at}.when: no region (use `- {{}}` to match all)"));
            }
            for (i, region) in category.when.iter().enumerate() {
                for (axis_id, bounds) in region {
                    let Some(axis) = self.axis(axis_id) else {
                        problems.push(format!("{at}.when[{i}]: unknown axis `{axis_id}`"));
                        continue;
                    };
                    let rank = |id: &Option<String>, which: &str, problems: &mut Vec<String>| {
                        id.as_ref().and_then(|id| {
                            let r = level_rank(axis, id);
                            if r.is_none() {
                                problems.push(format!(
                                    "{at}.when[{i}].{axis_id}.{which}: unknown level `{id}`"
                                ));
                            }
                            r
                        })
                    };
                    let min = rank(&bounds.min, "min", &mut problems);
                    let max = rank(&bounds.max, "max", &mut problems);
                    if let (Some(min), Some(max)) = (min, max) {
                        if min > max {
                            problems.push(format!("{at}.when[{i}].{axis_id}: min above max"));
                        }
                    }
                }
            }
            for inc in &category.includes {
                if !self.categories.iter().any(|c| &c.id == inc) {
                    problems.push(format!("{at}.includes: unknown category `{inc}`"));
                }
            }
            for vp in &category.viewpoints {
                if !viewpoint_ids.insert(vp.id.as_str()) {
                    problems.push(format!("{at}.viewpoints: `{}` is defined twice", vp.id));
                }
                if !phases.contains(vp.phase.as_str()) {
                    problems.push(format!(
                        "{at}.viewpoints.{}.phase: unknown phase `{}`",
                        vp.id, vp.phase
                    ));
                }
            }
        }
        if self.axes.iter().all(|a| !a.levels.is_empty()) {
            // Coverage: every combination of levels must land somewhere. Axes are few (three
            // by default: 4 × 4 × 3 = 48 combinations), so enumerating is cheap.
            let combos: usize = self.axes.iter().map(|a| a.levels.len()).product();
            if combos <= 1_000_000 {
                let mut ranks = vec![0usize; self.axes.len()];
                'outer: loop {
                    let levels: BTreeMap<&str, usize> = self
                        .axes
                        .iter()
                        .zip(&ranks)
                        .map(|(a, r)| (a.id.as_str(), *r))
                        .collect();
                    if !self.categories.iter().any(|c| {
                        c.when
                            .iter()
                            .any(|region| self.region_matches(region, &levels))
                    }) {
                        let desc: Vec<String> = self
                            .axes
                            .iter()
                            .zip(&ranks)
                            .map(|(a, r)| format!("{}={}", a.id, a.levels[*r].id))
                            .collect();
                        problems.push(format!(
                            "categories: no category covers {}",
                            desc.join(", ")
                        ));
                        break;
                    }
                    for (i, axis) in self.axes.iter().enumerate() {
                        ranks[i] += 1;
                        if ranks[i] < axis.levels.len() {
                            continue 'outer;
                        }
                        ranks[i] = 0;
                    }
                    break;
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DataflowError::InvalidScheme {
                scheme: self.id.clone(),
                problems,
            })
        }
    }

    fn region_matches(&self, region: &Region, levels: &BTreeMap<&str, usize>) -> bool {
        region.iter().all(|(axis_id, bounds)| {
            let (Some(axis), Some(&rank)) = (self.axis(axis_id), levels.get(axis_id.as_str()))
            else {
                return false;
            };
            let min_ok = bounds
                .min
                .as_ref()
                .and_then(|m| level_rank(axis, m))
                .is_none_or(|m| rank >= m);
            let max_ok = bounds
                .max
                .as_ref()
                .and_then(|m| level_rank(axis, m))
                .is_none_or(|m| rank <= m);
            min_ok && max_ok
        })
    }

    /// Resolves a rating to one level per axis; errors name the device and axis.
    pub fn resolve(
        &self,
        device_id: &str,
        rating: &DeviceRating,
    ) -> Result<Vec<ResolvedLevel>, DataflowError> {
        let err = |problem: String| DataflowError::InvalidDevice {
            device: device_id.to_string(),
            problem,
        };
        for key in rating.keys() {
            if self.axis(key).is_none() {
                return Err(err(format!(
                    "rating.{key}: unknown axis (expected one of: {})",
                    self.axes
                        .iter()
                        .map(|a| a.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        let mut out = Vec::new();
        for axis in &self.axes {
            let Some(rated) = rating.get(&axis.id) else {
                return Err(err(format!("rating.{}: missing", axis.id)));
            };
            let known = || {
                axis.levels
                    .iter()
                    .map(|l| l.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (rank, target) = match rated {
                AxisRating::Level(level) => (
                    level_rank(axis, level).ok_or_else(|| {
                        err(format!(
                            "rating.{}: unknown level `{level}` (expected one of: {})",
                            axis.id,
                            known()
                        ))
                    })?,
                    None,
                ),
                AxisRating::PerTarget(map) => {
                    if map.is_empty() {
                        return Err(err(format!("rating.{}: no target rated", axis.id)));
                    }
                    let mut best: Option<(usize, String)> = None;
                    for (target, level) in map {
                        if !axis.targets.iter().any(|t| &t.id == target) {
                            return Err(err(format!(
                                "rating.{}.{target}: unknown target (expected one of: {})",
                                axis.id,
                                axis.targets
                                    .iter()
                                    .map(|t| t.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )));
                        }
                        let rank = level_rank(axis, level).ok_or_else(|| {
                            err(format!(
                                "rating.{}.{target}: unknown level `{level}` (expected one of: {})",
                                axis.id,
                                known()
                            ))
                        })?;
                        if best.as_ref().is_none_or(|(b, _)| rank > *b) {
                            best = Some((rank, target.clone()));
                        }
                    }
                    match best {
                        Some((rank, target)) => (rank, Some(target)),
                        None => return Err(err(format!("rating.{}: no target rated", axis.id))),
                    }
                }
            };
            out.push(ResolvedLevel {
                axis: axis.id.clone(),
                rank,
                level: axis.levels[rank].clone(),
                target,
            });
        }
        Ok(out)
    }
}

/// One axis of a resolved rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedLevel {
    pub axis: String,
    pub rank: usize,
    pub level: Named,
    /// The target that gave the highest level, for axes rated per target.
    pub target: Option<String>,
}

fn level_rank(axis: &Axis, id: &str) -> Option<usize> {
    axis.levels.iter().position(|l| l.id == id)
}

/// Puts one device use into a category, with the reason. Errors name the device.
pub fn categorise(device: &Device, scheme: &Scheme) -> Result<Categorisation, DataflowError> {
    categorise_rating_of(&device.id, &device.rating, scheme)
}

/// Categorises a bare rating (errors name the device as `(rating)`).
pub fn categorise_rating(
    rating: &DeviceRating,
    scheme: &Scheme,
) -> Result<Categorisation, DataflowError> {
    categorise_rating_of("(rating)", rating, scheme)
}

fn categorise_rating_of(
    device_id: &str,
    rating: &DeviceRating,
    scheme: &Scheme,
) -> Result<Categorisation, DataflowError> {
    let resolved = scheme.resolve(device_id, rating)?;
    let ranks: BTreeMap<&str, usize> = resolved.iter().map(|r| (r.axis.as_str(), r.rank)).collect();
    for category in &scheme.categories {
        let Some(region) = category
            .when
            .iter()
            .find(|region| scheme.region_matches(region, &ranks))
        else {
            continue;
        };
        let mut ja = Vec::new();
        let mut en = Vec::new();
        for (axis_id, bounds) in region {
            let (Some(axis), Some(r)) = (
                scheme.axis(axis_id),
                resolved.iter().find(|r| &r.axis == axis_id),
            ) else {
                continue;
            };
            let target = |lang: &str| {
                r.target
                    .as_ref()
                    .and_then(|t| axis.targets.iter().find(|x| &x.id == t))
                    .map(|t| format!(" ({})", t.name.get(lang)))
                    .unwrap_or_default()
            };
            let name_of = |id: &String, lang: &str| {
                axis.levels
                    .iter()
                    .find(|l| &l.id == id)
                    .map(|l| l.name.get(lang).to_string())
                    .unwrap_or_else(|| id.clone())
            };
            let mut cond_ja = Vec::new();
            let mut cond_en = Vec::new();
            if let Some(min) = &bounds.min {
                cond_ja.push(format!("「{}」以上", name_of(min, "ja")));
                cond_en.push(format!("at least '{}'", name_of(min, "en")));
            }
            if let Some(max) = &bounds.max {
                cond_ja.push(format!("「{}」以下", name_of(max, "ja")));
                cond_en.push(format!("at most '{}'", name_of(max, "en")));
            }
            ja.push(format!(
                "{}が「{}」{}で{}",
                axis.name.ja,
                r.level.name.ja,
                target("ja"),
                cond_ja.join("かつ")
            ));
            en.push(format!(
                "{} is '{}'{}, {}",
                axis.name.en,
                r.level.name.en,
                target("en"),
                cond_en.join(" and ")
            ));
        }
        let reason = if en.is_empty() {
            Text::new(
                "より重い区分のどの条件にも当たらないため。",
                "None of the more severe categories' conditions hold.",
            )
        } else {
            Text::new(
                format!("{}。", ja.join("、")),
                format!("{}.", en.join("; ")),
            )
        };
        return Ok(Categorisation {
            category: category.id.clone(),
            category_name: category.name.clone(),
            levels: resolved
                .iter()
                .map(|r| (r.axis.clone(), r.level.id.clone()))
                .collect(),
            reason,
        });
    }
    Err(DataflowError::InvalidDevice {
        device: device_id.to_string(),
        problem: format!("no category of scheme `{}` covers its rating", scheme.id),
    })
}

/// The viewpoints of a category: its own first, then those of included categories, each
/// once (cycles in `includes` are cut).
pub fn category_viewpoints(scheme: &Scheme, category_id: &str) -> Vec<InheritedViewpoint> {
    let mut out = Vec::new();
    let mut visited = BTreeSet::new();
    let mut seen_viewpoints = BTreeSet::new();
    let mut queue = vec![category_id.to_string()];
    while !queue.is_empty() {
        let id = queue.remove(0);
        if !visited.insert(id.clone()) {
            continue;
        }
        let Some(category) = scheme.category(&id) else {
            continue;
        };
        for vp in &category.viewpoints {
            if seen_viewpoints.insert(vp.id.clone()) {
                out.push(InheritedViewpoint {
                    from_category: category.id.clone(),
                    viewpoint: vp.clone(),
                });
            }
        }
        queue.extend(category.includes.iter().cloned());
    }
    out
}

/// Categorises a device and lists every viewpoint it inherits.
pub fn device_requirements(
    device: &Device,
    scheme: &Scheme,
) -> Result<DeviceRequirements, DataflowError> {
    let categorisation = categorise(device, scheme)?;
    let viewpoints = category_viewpoints(scheme, &categorisation.category);
    Ok(DeviceRequirements {
        device: device.id.clone(),
        categorisation,
        viewpoints,
    })
}

/// Share (0.0–1.0) of the device's requirement ids marked met in `met`; ids absent from the
/// map count as not met. `None` when the category has no requirements.
pub fn share_met(requirements: &DeviceRequirements, met: &BTreeMap<String, bool>) -> Option<f64> {
    let ids = requirements.requirement_ids();
    if ids.is_empty() {
        return None;
    }
    let done = ids
        .iter()
        .filter(|id| met.get(*id).copied().unwrap_or(false))
        .count();
    // Counts are small; the casts cannot lose precision in practice.
    Some(done as f64 / ids.len() as f64)
}

/// A list of device uses, as the demo and the server keep them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceInventory {
    pub devices: Vec<Device>,
    /// Device id → requirement id → met.
    #[serde(default)]
    pub met: BTreeMap<String, BTreeMap<String, bool>>,
}
