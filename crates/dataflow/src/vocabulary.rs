//! The attribute vocabulary: which values a datum's category, privacy impact, value and
//! disclosure scope may take, with ja/en labels. Values are data, not code, so a deployment
//! can add a category without a release.
//!
//! **Ranks.** Each scale is an ordered list; a term's rank is its position (0 = least
//! sensitive or narrowest). Merging at an integrate event uses the ranks: category, privacy
//! impact and value take the maximum of the inputs, disclosure scope the minimum (merged data
//! may only go as far as its most restricted input allows).

use crate::error::DataflowError;
use crate::text::Text;
use serde::{Deserialize, Serialize};

const BUILTIN_VOCABULARY: &str = include_str!("../data/vocabulary.yaml");

/// One value of a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub id: String,
    pub label: Text,
}

/// A data category. The flags drive the rules: `personal` data falls under privacy law,
/// `special` under its stricter clauses, `protected` data needs confidentiality safeguards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryTerm {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub protected: bool,
    #[serde(default)]
    pub personal: bool,
    #[serde(default)]
    pub special: bool,
}

/// The four attribute scales and the safeguard list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    pub categories: Vec<CategoryTerm>,
    pub privacy_impacts: Vec<Term>,
    pub values: Vec<Term>,
    pub disclosure_scopes: Vec<Term>,
    pub safeguards: Vec<Term>,
}

/// Which scale a value belongs to; used in error messages and lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    Category,
    PrivacyImpact,
    Value,
    DisclosureScope,
    Safeguard,
}

impl Scale {
    /// The attribute's field name as written in YAML.
    pub fn field(self) -> &'static str {
        match self {
            Scale::Category => "category",
            Scale::PrivacyImpact => "privacy_impact",
            Scale::Value => "value",
            Scale::DisclosureScope => "disclosure_scope",
            Scale::Safeguard => "safeguards",
        }
    }
}

impl Vocabulary {
    /// The vocabulary shipped with the crate (`data/vocabulary.yaml`).
    pub fn builtin() -> Result<Self, DataflowError> {
        Vocabulary::from_yaml(BUILTIN_VOCABULARY, "<builtin vocabulary.yaml>")
    }

    /// Parses and checks a vocabulary (the shape of `data/vocabulary.yaml`).
    pub fn from_yaml(text: &str, source: &str) -> Result<Self, DataflowError> {
        let vocabulary: Vocabulary = crate::io::from_yaml_str(text, source)?;
        vocabulary.check()?;
        Ok(vocabulary)
    }

    fn ids(&self, scale: Scale) -> Vec<&str> {
        match scale {
            Scale::Category => self.categories.iter().map(|t| t.id.as_str()).collect(),
            Scale::PrivacyImpact => self.privacy_impacts.iter().map(|t| t.id.as_str()).collect(),
            Scale::Value => self.values.iter().map(|t| t.id.as_str()).collect(),
            Scale::DisclosureScope => self
                .disclosure_scopes
                .iter()
                .map(|t| t.id.as_str())
                .collect(),
            Scale::Safeguard => self.safeguards.iter().map(|t| t.id.as_str()).collect(),
        }
    }

    /// Rank (position) of `id` in `scale`, or `None` for an unknown value.
    pub fn rank(&self, scale: Scale, id: &str) -> Option<usize> {
        // Called for every attribute of every event: no allocation here.
        match scale {
            Scale::Category => self.categories.iter().position(|t| t.id == id),
            Scale::PrivacyImpact => self.privacy_impacts.iter().position(|t| t.id == id),
            Scale::Value => self.values.iter().position(|t| t.id == id),
            Scale::DisclosureScope => self.disclosure_scopes.iter().position(|t| t.id == id),
            Scale::Safeguard => self.safeguards.iter().position(|t| t.id == id),
        }
    }

    /// Whether `id` is a known value of `scale`.
    pub fn contains(&self, scale: Scale, id: &str) -> bool {
        self.rank(scale, id).is_some()
    }

    /// The known ids of a scale, for error messages ("expected one of …").
    pub fn known(&self, scale: Scale) -> String {
        self.ids(scale).join(", ")
    }

    /// The ja/en label of a value, if known.
    pub fn label(&self, scale: Scale, id: &str) -> Option<&Text> {
        match scale {
            Scale::Category => self
                .categories
                .iter()
                .find(|t| t.id == id)
                .map(|t| &t.label),
            Scale::PrivacyImpact => find_label(&self.privacy_impacts, id),
            Scale::Value => find_label(&self.values, id),
            Scale::DisclosureScope => find_label(&self.disclosure_scopes, id),
            Scale::Safeguard => find_label(&self.safeguards, id),
        }
    }

    pub fn category(&self, id: &str) -> Option<&CategoryTerm> {
        self.categories.iter().find(|t| t.id == id)
    }

    /// Whether the category id names personal data (unknown ids count as not personal).
    pub fn is_personal(&self, category: Option<&str>) -> bool {
        category
            .and_then(|c| self.category(c))
            .is_some_and(|t| t.personal)
    }

    pub fn is_special(&self, category: Option<&str>) -> bool {
        category
            .and_then(|c| self.category(c))
            .is_some_and(|t| t.special)
    }

    pub fn is_protected(&self, category: Option<&str>) -> bool {
        category
            .and_then(|c| self.category(c))
            .is_some_and(|t| t.protected)
    }

    /// Whether `id` is the top of its scale (e.g. value `high`).
    pub fn is_top(&self, scale: Scale, id: &str) -> bool {
        let len = match scale {
            Scale::Category => self.categories.len(),
            Scale::PrivacyImpact => self.privacy_impacts.len(),
            Scale::Value => self.values.len(),
            Scale::DisclosureScope => self.disclosure_scopes.len(),
            Scale::Safeguard => self.safeguards.len(),
        };
        self.rank(scale, id).is_some_and(|r| r + 1 == len)
    }

    /// Checks the vocabulary itself: non-empty scales, unique ids.
    pub fn check(&self) -> Result<(), DataflowError> {
        let mut problems = Vec::new();
        for scale in [
            Scale::Category,
            Scale::PrivacyImpact,
            Scale::Value,
            Scale::DisclosureScope,
            Scale::Safeguard,
        ] {
            let ids = self.ids(scale);
            if ids.is_empty() {
                problems.push(format!("scale `{}` is empty", scale.field()));
            }
            for (i, id) in ids.iter().enumerate() {
                if ids[..i].contains(id) {
                    problems.push(format!("scale `{}` lists `{id}` twice", scale.field()));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DataflowError::InvalidVocabulary { problems })
        }
    }
}

fn find_label<'a>(terms: &'a [Term], id: &str) -> Option<&'a Text> {
    terms.iter().find(|t| t.id == id).map(|t| &t.label)
}
