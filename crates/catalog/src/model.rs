//! The catalog model: frameworks as data.
//!
//! A [`Catalog`] is one version of one framework (CPSF, the METI ★ scheme, the Management
//! Guidelines, an SME self-check, or anything a user imports). `(id, version)` identifies it;
//! an assessment stores both so that answers always refer to the exact text they answered.
//!
//! The tree is `Catalog → Group → (Group …) → Requirement → Criterion`. Levels (★3/★4,
//! Lv1–Lv3, Basic/Advanced/High-Advanced), lifecycle phases and the scoring scheme are all
//! data declared by the catalog, never code: a requirement names the levels and phases it
//! belongs to by id, and [`Catalog::validate`] checks every such reference.
//!
//! CPSF tags (layer, component, function) are closed vocabularies fixed by the CPSF model
//! (three layers, six components, four function groups), so they are Rust enums; a catalog
//! may additionally declare [`Vocabulary`] entries that give each term its bilingual name and
//! definition, and then every tag used must be one of the declared terms.
//!
//! Field names are stable: the store and server crates persist and serve these types as-is.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::ValidationIssue;

/// A text in Japanese and English. Either may be empty when a source gives only one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedText {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ja: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub en: String,
}

impl LocalizedText {
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            ja: ja.into(),
            en: en.into(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ja.is_empty() && self.en.is_empty()
    }

    /// The text in `lang`, falling back to the other language when that one is empty.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja if !self.ja.is_empty() => &self.ja,
            Lang::En if !self.en.is_empty() => &self.en,
            Lang::Ja => &self.en,
            Lang::En => &self.ja,
        }
    }
}

/// User-interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ja,
    En,
}

/// `(id, version)`: what identifies a catalog everywhere (assessments, mapping sets).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CatalogRef {
    pub id: String,
    pub version: String,
}

impl CatalogRef {
    pub fn new(id: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            version: version.into(),
        }
    }
}

impl std::fmt::Display for CatalogRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.id, self.version)
    }
}

fn is_true(value: &bool) -> bool {
    *value
}

fn default_true() -> bool {
    true
}

/// One framework in one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub id: String,
    pub version: String,
    pub title: LocalizedText,
    /// Where the facts come from (publisher, URL, date) in free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Notes shown to users, e.g. "draft" or "the rest must be imported from the official table".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<LocalizedText>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<Level>,
    pub scoring: ScoringScheme,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<Phase>,
    /// Bilingual names and definitions of the CPSF tag terms this catalog uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vocabularies: Vec<Vocabulary>,
    #[serde(default)]
    pub groups: Vec<Group>,
}

/// A level a requirement can belong to (★3, Lv2, Advanced …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    pub id: String,
    pub title: LocalizedText,
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub description: LocalizedText,
    /// Levels whose requirements this level also demands (★4 includes ★3). Attaining a level
    /// means meeting every requirement of the level and of all levels it includes, transitively.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<String>,
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub verified: bool,
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub verification_note: LocalizedText,
}

/// A lifecycle phase (design, manufacture, operation …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    pub id: String,
    pub title: LocalizedText,
}

/// A node of the catalog tree: holds requirements and/or nested groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub title: LocalizedText,
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub description: LocalizedText,
    /// Function of every requirement below, for groups that are a CPSF/CSF function or category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<CpsfFunction>,
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub verified: bool,
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub verification_note: LocalizedText,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<Requirement>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
}

/// One requirement (a CPSF countermeasure requirement, a ★ entry, a self-check question …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub id: String,
    pub title: LocalizedText,
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub text: LocalizedText,
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub guidance: LocalizedText,
    /// Ids of the catalog levels this requirement belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<Criterion>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<Layer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<CpsfFunction>,
    /// Ids of the catalog phases in which the measure is planned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<String>,
    /// False when the fact behind this requirement is recalled, not checked against the source.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub verified: bool,
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub verification_note: LocalizedText,
    /// Source-specific extras kept verbatim (e.g. the ★ draft's shared-requirement key).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

/// An evaluation criterion under a requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: String,
    pub text: LocalizedText,
    /// Levels at which this criterion applies; empty means: wherever the requirement applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
}

/// CPSF layer: L1 between organisations, L2 physical ↔ cyber, L3 within cyberspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Layer {
    L1,
    L2,
    L3,
}

impl Layer {
    pub const ALL: [Layer; 3] = [Layer::L1, Layer::L2, Layer::L3];

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::L1 => "L1",
            Layer::L2 => "L2",
            Layer::L3 => "L3",
        }
    }
}

/// CPSF component kind (the six components).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ComponentKind {
    Organization,
    People,
    Component,
    Data,
    Procedure,
    System,
}

impl ComponentKind {
    pub const ALL: [ComponentKind; 6] = [
        ComponentKind::Organization,
        ComponentKind::People,
        ComponentKind::Component,
        ComponentKind::Data,
        ComponentKind::Procedure,
        ComponentKind::System,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Organization => "organization",
            ComponentKind::People => "people",
            ComponentKind::Component => "component",
            ComponentKind::Data => "data",
            ComponentKind::Procedure => "procedure",
            ComponentKind::System => "system",
        }
    }
}

/// CPSF function group; CPSF merges NIST CSF's Respond and Recover into one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CpsfFunction {
    Identify,
    Protect,
    Detect,
    RespondRecover,
}

impl CpsfFunction {
    pub const ALL: [CpsfFunction; 4] = [
        CpsfFunction::Identify,
        CpsfFunction::Protect,
        CpsfFunction::Detect,
        CpsfFunction::RespondRecover,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CpsfFunction::Identify => "identify",
            CpsfFunction::Protect => "protect",
            CpsfFunction::Detect => "detect",
            CpsfFunction::RespondRecover => "respond-recover",
        }
    }
}

/// Which tag a [`Vocabulary`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VocabularyKind {
    Layer,
    Component,
    Function,
}

/// Bilingual names and definitions for the terms of one tag kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    pub kind: VocabularyKind,
    pub terms: Vec<Term>,
}

/// One term of a vocabulary; `id` is the serialised tag value (`L1`, `people`, `respond-recover`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub id: String,
    pub name: LocalizedText,
    #[serde(default, skip_serializing_if = "LocalizedText::is_empty")]
    pub definition: LocalizedText,
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub verified: bool,
}

/// How answers turn into a score, and how a score reads (bands).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoringScheme {
    pub method: ScoringMethod,
    /// Result bands, read against [`ScoringScheme::band_basis`]; the band with the highest
    /// `min` not above the value applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<ResultBand>,
    #[serde(default)]
    pub band_basis: BandBasis,
}

/// The value that result bands are read against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BandBasis {
    /// The sum of points (e.g. the SME self-check's 100-point scale).
    Total,
    /// Total as a percentage of the maximum.
    #[default]
    Percentage,
}

/// One result band, e.g. `min: 70 → "some measures are lacking"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultBand {
    pub min: f64,
    pub label: LocalizedText,
}

/// The four scoring methods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScoringMethod {
    /// Fixed points per answer status (the IPA self-check's 4/2/0/−1).
    Points {
        implemented: f64,
        partial: f64,
        not_implemented: f64,
        unknown: f64,
        /// Points for "not applicable"; `None` leaves the requirement out of total and maximum.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        not_applicable: Option<f64>,
    },
    /// A maturity level per requirement, `min..=max` (0–5); `met_at` is the level that counts as met.
    Maturity { min: u8, max: u8, met_at: u8 },
    /// Met / not met per criterion; a requirement is met when all its criteria are met.
    CriteriaMet,
    /// Implemented / partial / not implemented / not applicable; `partial_credit` in 0..=1.
    Status { partial_credit: f64 },
}

impl ScoringScheme {
    /// The band that applies to `value` (total or percentage, per `band_basis`).
    pub fn band_for(&self, value: f64) -> Option<&ResultBand> {
        self.bands
            .iter()
            .filter(|band| band.min <= value)
            .max_by(|a, b| a.min.total_cmp(&b.min))
    }
}

impl Catalog {
    pub fn reference(&self) -> CatalogRef {
        CatalogRef::new(&self.id, &self.version)
    }

    /// Every requirement in document order, each with its group path.
    pub fn requirements(&self) -> Vec<(Vec<&Group>, &Requirement)> {
        fn walk<'a>(
            group: &'a Group,
            path: &mut Vec<&'a Group>,
            out: &mut Vec<(Vec<&'a Group>, &'a Requirement)>,
        ) {
            path.push(group);
            for requirement in &group.requirements {
                out.push((path.clone(), requirement));
            }
            for child in &group.groups {
                walk(child, path, out);
            }
            path.pop();
        }
        let mut out = Vec::new();
        let mut path = Vec::new();
        for group in &self.groups {
            walk(group, &mut path, &mut out);
        }
        out
    }

    pub fn requirement_count(&self) -> usize {
        fn count(group: &Group) -> usize {
            group.requirements.len() + group.groups.iter().map(count).sum::<usize>()
        }
        self.groups.iter().map(count).sum()
    }

    pub fn find_requirement(&self, id: &str) -> Option<&Requirement> {
        fn find<'a>(group: &'a Group, id: &str) -> Option<&'a Requirement> {
            group
                .requirements
                .iter()
                .find(|r| r.id == id)
                .or_else(|| group.groups.iter().find_map(|g| find(g, id)))
        }
        self.groups.iter().find_map(|g| find(g, id))
    }

    pub fn find_group(&self, id: &str) -> Option<&Group> {
        fn find<'a>(group: &'a Group, id: &str) -> Option<&'a Group> {
            if group.id == id {
                return Some(group);
            }
            group.groups.iter().find_map(|g| find(g, id))
        }
        self.groups.iter().find_map(|g| find(g, id))
    }

    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|level| level.id == id)
    }

    /// `level` and every level it includes, transitively. Unknown ids are skipped (validation
    /// reports them); cycles terminate because each level is visited once.
    pub fn level_closure(&self, level: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![level.to_string()];
        while let Some(current) = stack.pop() {
            if !seen.insert(current.clone()) {
                continue;
            }
            if let Some(found) = self.level(&current) {
                stack.extend(found.includes.iter().cloned());
            }
        }
        seen
    }

    /// Requirements demanded at `level` (its own and those of included levels), in order.
    pub fn requirements_at_level(&self, level: &str) -> Vec<&Requirement> {
        let closure = self.level_closure(level);
        self.requirements()
            .into_iter()
            .map(|(_, requirement)| requirement)
            .filter(|requirement| requirement.levels.iter().any(|l| closure.contains(l)))
            .collect()
    }

    /// Criteria of `requirement` that apply at `level` (all of them when `level` is `None`).
    pub fn criteria_at_level<'a>(
        &self,
        requirement: &'a Requirement,
        level: Option<&str>,
    ) -> Vec<&'a Criterion> {
        let closure = level.map(|l| self.level_closure(l));
        requirement
            .criteria
            .iter()
            .filter(|criterion| match &closure {
                None => true,
                Some(closure) => {
                    criterion.levels.is_empty()
                        || criterion.levels.iter().any(|l| closure.contains(l))
                }
            })
            .collect()
    }

    /// Checks identity, uniqueness of ids and every reference; returns all problems found,
    /// each with the path of the offending field (`groups[2].requirements[5].levels[0]`).
    pub fn validate(&self) -> Result<(), Vec<ValidationIssue>> {
        let mut issues = Vec::new();
        let mut issue =
            |path: String, message: String| issues.push(ValidationIssue { path, message });

        if self.id.trim().is_empty() {
            issue("id".into(), "catalog id is empty".into());
        }
        if self.version.trim().is_empty() {
            issue("version".into(), "catalog version is empty".into());
        }
        if self.title.is_empty() {
            issue(
                "title".into(),
                "catalog title is empty in both languages".into(),
            );
        }

        let mut level_ids: HashMap<&str, usize> = HashMap::new();
        for (i, level) in self.levels.iter().enumerate() {
            if level.id.trim().is_empty() {
                issue(format!("levels[{i}].id"), "level id is empty".into());
            } else if let Some(first) = level_ids.insert(&level.id, i) {
                issue(
                    format!("levels[{i}].id"),
                    format!(
                        "duplicate level id {:?} (first at levels[{first}])",
                        level.id
                    ),
                );
            }
        }
        for (i, level) in self.levels.iter().enumerate() {
            for (j, included) in level.includes.iter().enumerate() {
                if !level_ids.contains_key(included.as_str()) {
                    issue(
                        format!("levels[{i}].includes[{j}]"),
                        format!("unknown level {included:?}"),
                    );
                }
            }
            // A level that includes itself through a chain would make "attained" circular.
            let reachable: BTreeSet<String> = level
                .includes
                .iter()
                .flat_map(|inc| self.level_closure(inc))
                .collect();
            if reachable.contains(&level.id) {
                issue(
                    format!("levels[{i}].includes"),
                    format!("level {:?} includes itself through a cycle", level.id),
                );
            }
        }

        let mut phase_ids: HashMap<&str, usize> = HashMap::new();
        for (i, phase) in self.phases.iter().enumerate() {
            if phase.id.trim().is_empty() {
                issue(format!("phases[{i}].id"), "phase id is empty".into());
            } else if let Some(first) = phase_ids.insert(&phase.id, i) {
                issue(
                    format!("phases[{i}].id"),
                    format!(
                        "duplicate phase id {:?} (first at phases[{first}])",
                        phase.id
                    ),
                );
            }
        }

        let mut declared_terms: HashMap<VocabularyKind, BTreeSet<&str>> = HashMap::new();
        for (i, vocabulary) in self.vocabularies.iter().enumerate() {
            if declared_terms.contains_key(&vocabulary.kind) {
                issue(
                    format!("vocabularies[{i}].kind"),
                    format!("vocabulary {:?} declared twice", vocabulary.kind),
                );
            }
            let entry = declared_terms.entry(vocabulary.kind).or_default();
            for (j, term) in vocabulary.terms.iter().enumerate() {
                let known = match vocabulary.kind {
                    VocabularyKind::Layer => Layer::ALL.iter().any(|t| t.as_str() == term.id),
                    VocabularyKind::Component => {
                        ComponentKind::ALL.iter().any(|t| t.as_str() == term.id)
                    }
                    VocabularyKind::Function => {
                        CpsfFunction::ALL.iter().any(|t| t.as_str() == term.id)
                    }
                };
                if !known {
                    issue(
                        format!("vocabularies[{i}].terms[{j}].id"),
                        format!("{:?} is not a CPSF {:?} value", term.id, vocabulary.kind),
                    );
                }
                if !entry.insert(&term.id) {
                    issue(
                        format!("vocabularies[{i}].terms[{j}].id"),
                        format!("duplicate term {:?}", term.id),
                    );
                }
            }
        }

        self.validate_scoring(&mut issue);

        let context = TreeContext {
            level_ids: &level_ids,
            phase_ids: &phase_ids,
            declared_terms: &declared_terms,
        };
        let mut seen = SeenIds::default();
        for (i, group) in self.groups.iter().enumerate() {
            validate_group(
                group,
                &format!("groups[{i}]"),
                &context,
                &mut seen,
                &mut issue,
            );
        }

        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }

    fn validate_scoring(&self, issue: &mut impl FnMut(String, String)) {
        match &self.scoring.method {
            ScoringMethod::Maturity { min, max, met_at } => {
                if min >= max {
                    issue(
                        "scoring.method".into(),
                        format!("maturity min {min} must be below max {max}"),
                    );
                }
                if met_at < min || met_at > max {
                    issue(
                        "scoring.method.met_at".into(),
                        format!("met_at {met_at} is outside {min}..={max}"),
                    );
                }
            }
            ScoringMethod::Status { partial_credit } => {
                if !(0.0..=1.0).contains(partial_credit) {
                    issue(
                        "scoring.method.partial_credit".into(),
                        format!("partial_credit {partial_credit} is outside 0..=1"),
                    );
                }
            }
            ScoringMethod::Points {
                implemented,
                partial,
                not_implemented,
                unknown,
                not_applicable,
            } => {
                let values = [*implemented, *partial, *not_implemented, *unknown];
                if values
                    .iter()
                    .chain(not_applicable.iter())
                    .any(|v| !v.is_finite())
                {
                    issue(
                        "scoring.method".into(),
                        "points must be finite numbers".into(),
                    );
                }
                if values.iter().any(|v| v > implemented) {
                    issue(
                        "scoring.method.implemented".into(),
                        "\"implemented\" must score at least as much as every other answer".into(),
                    );
                }
            }
            ScoringMethod::CriteriaMet => {}
        }
        for (i, band) in self.scoring.bands.iter().enumerate() {
            if !band.min.is_finite() {
                issue(
                    format!("scoring.bands[{i}].min"),
                    "band minimum must be a finite number".into(),
                );
            }
            if band.label.is_empty() {
                issue(
                    format!("scoring.bands[{i}].label"),
                    "band label is empty".into(),
                );
            }
        }
    }
}

struct TreeContext<'a> {
    level_ids: &'a HashMap<&'a str, usize>,
    phase_ids: &'a HashMap<&'a str, usize>,
    declared_terms: &'a HashMap<VocabularyKind, BTreeSet<&'a str>>,
}

/// Ids seen so far, with the path where each was first seen. Group, requirement and criterion
/// ids share one namespace, because mappings and answers refer to any of them by bare id.
#[derive(Default)]
struct SeenIds {
    ids: HashMap<String, String>,
}

impl SeenIds {
    fn check(&mut self, id: &str, path: &str, what: &str, issue: &mut impl FnMut(String, String)) {
        if id.trim().is_empty() {
            issue(path.to_string(), format!("{what} id is empty"));
            return;
        }
        if let Some(first) = self.ids.get(id) {
            issue(
                path.to_string(),
                format!("duplicate id {id:?} (first used at {first})"),
            );
        } else {
            self.ids.insert(id.to_string(), path.to_string());
        }
    }
}

fn validate_group(
    group: &Group,
    path: &str,
    context: &TreeContext<'_>,
    seen: &mut SeenIds,
    issue: &mut impl FnMut(String, String),
) {
    seen.check(&group.id, &format!("{path}.id"), "group", issue);
    if group.title.is_empty() {
        issue(format!("{path}.title"), "group title is empty".into());
    }
    for (i, requirement) in group.requirements.iter().enumerate() {
        let rpath = format!("{path}.requirements[{i}]");
        seen.check(
            &requirement.id,
            &format!("{rpath}.id"),
            "requirement",
            issue,
        );
        if requirement.title.is_empty() && requirement.text.is_empty() {
            issue(
                format!("{rpath}.title"),
                "requirement has neither title nor text".into(),
            );
        }
        for (j, level) in requirement.levels.iter().enumerate() {
            if !context.level_ids.contains_key(level.as_str()) {
                issue(
                    format!("{rpath}.levels[{j}]"),
                    format!("unknown level {level:?}"),
                );
            }
        }
        for (j, phase) in requirement.phases.iter().enumerate() {
            if !context.phase_ids.contains_key(phase.as_str()) {
                issue(
                    format!("{rpath}.phases[{j}]"),
                    format!("unknown phase {phase:?}"),
                );
            }
        }
        check_terms(
            context,
            VocabularyKind::Layer,
            requirement
                .layers
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("{rpath}.layers[{i}]"), t.as_str())),
            issue,
        );
        check_terms(
            context,
            VocabularyKind::Component,
            requirement
                .components
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("{rpath}.components[{i}]"), t.as_str())),
            issue,
        );
        check_terms(
            context,
            VocabularyKind::Function,
            requirement
                .functions
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("{rpath}.functions[{i}]"), t.as_str())),
            issue,
        );
        for (j, criterion) in requirement.criteria.iter().enumerate() {
            let cpath = format!("{rpath}.criteria[{j}]");
            seen.check(&criterion.id, &format!("{cpath}.id"), "criterion", issue);
            if criterion.text.is_empty() {
                issue(format!("{cpath}.text"), "criterion text is empty".into());
            }
            for (k, level) in criterion.levels.iter().enumerate() {
                if !context.level_ids.contains_key(level.as_str()) {
                    issue(
                        format!("{cpath}.levels[{k}]"),
                        format!("unknown level {level:?}"),
                    );
                } else if !requirement.levels.is_empty() && !requirement.levels.contains(level) {
                    issue(
                        format!("{cpath}.levels[{k}]"),
                        format!("criterion level {level:?} is not a level of its requirement"),
                    );
                }
            }
        }
    }
    if let Some(function) = group.function {
        check_terms(
            context,
            VocabularyKind::Function,
            std::iter::once((format!("{path}.function"), function.as_str())),
            issue,
        );
    }
    for (i, child) in group.groups.iter().enumerate() {
        validate_group(child, &format!("{path}.groups[{i}]"), context, seen, issue);
    }
}

/// Checks tag values, each given with its path, against the catalog's declared vocabulary.
fn check_terms<'a>(
    context: &TreeContext<'_>,
    kind: VocabularyKind,
    values: impl Iterator<Item = (String, &'a str)>,
    issue: &mut impl FnMut(String, String),
) {
    // Without a declared vocabulary the enum itself is the vocabulary.
    let Some(declared) = context.declared_terms.get(&kind) else {
        return;
    };
    for (path, value) in values {
        if !declared.contains(value) {
            issue(
                path,
                format!("{kind:?} {value:?} is not declared in the catalog's vocabularies"),
            );
        }
    }
}
