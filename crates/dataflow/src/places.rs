//! Places and their rule sets (DMF step 2).
//!
//! A [`Place`] is the set of rules in force where an event happens: a country's or region's
//! law, a contract, internal rules. A place may *adopt* shipped or user rule sets
//! ([`RuleSet`], e.g. `jp-appi` plus `intra-group-dta`) and add rules of its own; its effective
//! rules are the union. Rules are structured ([`Requirement`]) so that
//! [`crate::gaps::transfer_gaps`] and the risk rules can reason about them.
//!
//! [`AdequacyArrangement`]s (e.g. the EU ↔ Japan mutual adequacy) are data too. A transfer
//! between two places of the same jurisdiction never needs one.
//!
//! The shipped rule sets (`data/rule-sets.yaml`) are **our reading, not legal advice**: short
//! summaries in our own words, not legal text.
//!
//! A rule in YAML (in a rule set, or in a place's own `rules`):
//!
//! ```yaml
//! - id: plant.encrypt                       # stable id, shown in gaps and risks
//!   require: { kind: breach_notification, hours: 48 }   # kind + its parameters
//!   applies_to: personal                    # all | personal | special_category | protected
//!                                           # | { categories: [industrial_technical] }
//!   summary: { ja: …, en: … }               # what it asks, in your words
//!   reference: Contract §7.2                # optional pointer, not a quote
//! ```
//!
//! Kinds: `adequacy_or_safeguards_for_transfer_out`, `provides_transfer_safeguards`,
//! `consent_for_third_party_provision`, `consent_for_special_category`,
//! `breach_notification { hours? }`, `data_localisation`,
//! `purpose_limitation`, `retention_limit { max_days? }`,
//! `cross_border_disclosure_to_data_subject`, `security_measures`,
//! `opt_out_of_sale_or_sharing`, `deletion_on_request`, `defined_disposal_method`,
//! `confidentiality_obligation`, `onward_transfer_restriction`, `encryption_in_transit`,
//! `encryption_at_rest`. Unknown kinds and parameters are errors.

use crate::error::DataflowError;
use crate::text::Text;
use crate::vocabulary::Vocabulary;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub const BUILTIN_RULE_SETS: &str = include_str!("../data/rule-sets.yaml");

/// What kind of rules make a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    /// A country's or region's law.
    Law,
    /// A contract between organisations.
    Contract,
    /// An organisation's internal rules.
    InternalRules,
}

/// Where an event happens: the rules in force there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub id: String,
    pub name: Text,
    pub kind: PlaceKind,
    /// Jurisdiction code (`JP`, `EU`, `US-CA` …). When absent, the first adopted rule set
    /// that names one decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// Ids of rule sets this place adopts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adopts: Vec<String>,
    /// Rules of this place beyond the adopted sets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

/// A reusable set of rules (a law as we read it, a model contract, internal rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub id: String,
    pub name: Text,
    pub kind: PlaceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// Shown wherever the set is used ("our reading, not legal advice").
    pub disclaimer: Text,
    pub rules: Vec<Rule>,
}

/// One structured rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, e.g. `jp-appi.third-party-consent`.
    pub id: String,
    pub require: Requirement,
    /// Which data the rule covers.
    #[serde(default)]
    pub applies_to: Applicability,
    /// What the rule asks, in our words.
    pub summary: Text,
    /// Where a reader can look it up (article or clause), as a pointer, not a quote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// What a rule demands. Parameters are part of the variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Requirement {
    /// Data may leave the jurisdiction only to an adequate one, or with safeguards.
    AdequacyOrSafeguardsForTransferOut,
    /// The place provides transfer safeguards (e.g. standard contractual clauses) that satisfy
    /// another place's transfer-out condition.
    ProvidesTransferSafeguards,
    /// Providing the data to a third party needs the data subject's consent.
    ConsentForThirdPartyProvision,
    /// Acquiring or deriving special-category data needs the data subject's consent.
    ConsentForSpecialCategory,
    /// Breaches must be notified; `hours` is the deadline, absent = "promptly", no fixed figure.
    BreachNotification {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hours: Option<u32>,
    },
    /// The data must stay (be stored) in the jurisdiction.
    DataLocalisation,
    /// Data may be used only for the purposes stated when it was obtained.
    PurposeLimitation,
    /// Data may be kept no longer than needed; `max_days` when a figure is set.
    RetentionLimit {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_days: Option<u32>,
    },
    /// Before a cross-border transfer the data subject must be told about the destination.
    CrossBorderDisclosureToDataSubject,
    /// Appropriate technical and organisational security measures.
    SecurityMeasures,
    /// Data subjects can opt out of the sale or sharing of their data.
    OptOutOfSaleOrSharing,
    /// Data subjects can ask for deletion.
    DeletionOnRequest,
    /// Disposal must follow a defined, verifiable method.
    DefinedDisposalMethod,
    /// Recipients must keep the data confidential.
    ConfidentialityObligation,
    /// The recipient may not pass the data on without the provider's approval.
    OnwardTransferRestriction,
    /// Data must be encrypted when sent over networks.
    EncryptionInTransit,
    /// Data must be encrypted when stored.
    EncryptionAtRest,
}

impl Requirement {
    /// The stable kind id (`breach_notification` …).
    pub fn kind(&self) -> &'static str {
        match self {
            Requirement::AdequacyOrSafeguardsForTransferOut => {
                "adequacy_or_safeguards_for_transfer_out"
            }
            Requirement::ProvidesTransferSafeguards => "provides_transfer_safeguards",
            Requirement::ConsentForThirdPartyProvision => "consent_for_third_party_provision",
            Requirement::ConsentForSpecialCategory => "consent_for_special_category",
            Requirement::BreachNotification { .. } => "breach_notification",
            Requirement::DataLocalisation => "data_localisation",
            Requirement::PurposeLimitation => "purpose_limitation",
            Requirement::RetentionLimit { .. } => "retention_limit",
            Requirement::CrossBorderDisclosureToDataSubject => {
                "cross_border_disclosure_to_data_subject"
            }
            Requirement::SecurityMeasures => "security_measures",
            Requirement::OptOutOfSaleOrSharing => "opt_out_of_sale_or_sharing",
            Requirement::DeletionOnRequest => "deletion_on_request",
            Requirement::DefinedDisposalMethod => "defined_disposal_method",
            Requirement::ConfidentialityObligation => "confidentiality_obligation",
            Requirement::OnwardTransferRestriction => "onward_transfer_restriction",
            Requirement::EncryptionInTransit => "encryption_in_transit",
            Requirement::EncryptionAtRest => "encryption_at_rest",
        }
    }
}

/// Which data a rule covers. Written as a name (`all`, `personal`, `special_category`,
/// `protected`) or as `{ categories: [id, …] }`, the same in YAML and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "ApplicabilityRepr", into = "ApplicabilityRepr")]
pub enum Applicability {
    /// Every category.
    #[default]
    All,
    /// Categories flagged `personal` in the vocabulary.
    Personal,
    /// Categories flagged `special`.
    SpecialCategory,
    /// Categories flagged `protected` (everything but public data, by default).
    Protected,
    /// The listed category ids.
    Categories(Vec<String>),
}

/// Wire form of [`Applicability`]: YAML libraries want a plain map for the category list,
/// not a YAML tag, so the enum goes through this untagged shape.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum ApplicabilityRepr {
    Name(String),
    Categories { categories: Vec<String> },
}

impl TryFrom<ApplicabilityRepr> for Applicability {
    type Error = String;

    fn try_from(repr: ApplicabilityRepr) -> Result<Self, Self::Error> {
        match repr {
            ApplicabilityRepr::Categories { categories } => {
                Ok(Applicability::Categories(categories))
            }
            ApplicabilityRepr::Name(name) => match name.as_str() {
                "all" => Ok(Applicability::All),
                "personal" => Ok(Applicability::Personal),
                "special_category" => Ok(Applicability::SpecialCategory),
                "protected" => Ok(Applicability::Protected),
                other => Err(format!(
                    "unknown applies_to `{other}` (expected all, personal, special_category, protected or {{ categories: [...] }})"
                )),
            },
        }
    }
}

impl From<Applicability> for ApplicabilityRepr {
    fn from(a: Applicability) -> Self {
        match a {
            Applicability::All => ApplicabilityRepr::Name("all".into()),
            Applicability::Personal => ApplicabilityRepr::Name("personal".into()),
            Applicability::SpecialCategory => ApplicabilityRepr::Name("special_category".into()),
            Applicability::Protected => ApplicabilityRepr::Name("protected".into()),
            Applicability::Categories(categories) => ApplicabilityRepr::Categories { categories },
        }
    }
}

impl Applicability {
    /// Whether a datum of `category` is covered. Data whose category is not yet known is
    /// treated as covered by every rule: before step 3 is done the worst case stands.
    pub fn covers(&self, category: Option<&str>, vocabulary: &Vocabulary) -> bool {
        let Some(category) = category else {
            return true;
        };
        match self {
            Applicability::All => true,
            Applicability::Personal => vocabulary.is_personal(Some(category)),
            Applicability::SpecialCategory => vocabulary.is_special(Some(category)),
            Applicability::Protected => vocabulary.is_protected(Some(category)),
            Applicability::Categories(list) => list.iter().any(|c| c == category),
        }
    }
}

/// "Data may flow from `from` to `to` as if it stayed at home" (and back, when `mutual`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdequacyArrangement {
    pub id: String,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub mutual: bool,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// Everything places are resolved against: the attribute vocabulary, the rule sets places
/// may adopt, and the adequacy arrangements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    #[serde(default = "default_vocabulary_marker", skip)]
    pub vocabulary: Option<Vocabulary>,
    pub rule_sets: Vec<RuleSet>,
    #[serde(default)]
    pub adequacy: Vec<AdequacyArrangement>,
}

fn default_vocabulary_marker() -> Option<Vocabulary> {
    None
}

/// A rule together with the place or rule set it came from.
#[derive(Debug, Clone, Copy)]
pub struct EffectiveRule<'a> {
    pub rule: &'a Rule,
    /// Id of the adopted rule set, or `None` for a rule of the place itself.
    pub rule_set: Option<&'a str>,
}

impl Library {
    /// The shipped vocabulary, rule sets (EU GDPR, JP APPI, US-CA CCPA/CPRA, an intra-group
    /// data-transfer contract, internal rules) and adequacy arrangements.
    pub fn builtin() -> Result<Self, DataflowError> {
        Library::from_yaml(
            BUILTIN_RULE_SETS,
            "<builtin rule-sets.yaml>",
            Vocabulary::builtin()?,
        )
    }

    /// A library from rule-set YAML (the shape of `data/rule-sets.yaml`) and a vocabulary;
    /// checked, including that every category named in `applies_to` exists.
    pub fn from_yaml(
        text: &str,
        source: &str,
        vocabulary: Vocabulary,
    ) -> Result<Self, DataflowError> {
        vocabulary.check()?;
        let mut library: Library = crate::io::from_yaml_str(text, source)?;
        library.vocabulary = Some(vocabulary);
        library.check()?;
        Ok(library)
    }

    /// The vocabulary; the builtin one when the library was built without.
    pub fn vocabulary(&self) -> &Vocabulary {
        match &self.vocabulary {
            Some(v) => v,
            None => fallback_vocabulary(),
        }
    }

    pub fn rule_set(&self, id: &str) -> Option<&RuleSet> {
        self.rule_sets.iter().find(|s| s.id == id)
    }

    /// Unique ids, known adopted sets, rule ids unique within a set.
    pub fn check(&self) -> Result<(), DataflowError> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for set in &self.rule_sets {
            if !seen.insert(set.id.as_str()) {
                problems.push(format!("rule set `{}` is defined twice", set.id));
            }
            let mut rule_ids = BTreeSet::new();
            for rule in &set.rules {
                if !rule_ids.insert(rule.id.as_str()) {
                    problems.push(format!(
                        "rule set `{}`: rule `{}` is defined twice",
                        set.id, rule.id
                    ));
                }
            }
        }
        if let Some(vocabulary) = &self.vocabulary {
            for set in &self.rule_sets {
                for rule in &set.rules {
                    if let Applicability::Categories(list) = &rule.applies_to {
                        for category in list {
                            if vocabulary.category(category).is_none() {
                                problems.push(format!(
                                    "rule set `{}` rule `{}` field `applies_to`: unknown category `{category}`",
                                    set.id, rule.id
                                ));
                            }
                        }
                    }
                }
            }
        }
        let mut adequacy_ids = BTreeSet::new();
        for a in &self.adequacy {
            if !adequacy_ids.insert(a.id.as_str()) {
                problems.push(format!("adequacy arrangement `{}` is defined twice", a.id));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DataflowError::InvalidLibrary { problems })
        }
    }

    /// The rules in force at `place`: its own, then those of each adopted set. Unknown set
    /// ids are skipped here; [`crate::validate::validate`] reports them.
    pub fn effective_rules<'a>(&'a self, place: &'a Place) -> Vec<EffectiveRule<'a>> {
        let mut rules: Vec<EffectiveRule<'a>> = place
            .rules
            .iter()
            .map(|rule| EffectiveRule {
                rule,
                rule_set: None,
            })
            .collect();
        for set_id in &place.adopts {
            if let Some(set) = self.rule_set(set_id) {
                rules.extend(set.rules.iter().map(|rule| EffectiveRule {
                    rule,
                    rule_set: Some(set.id.as_str()),
                }));
            }
        }
        rules
    }

    /// The place's jurisdiction: its own, else that of the first adopted set naming one.
    pub fn jurisdiction<'a>(&'a self, place: &'a Place) -> Option<&'a str> {
        place.jurisdiction.as_deref().or_else(|| {
            place
                .adopts
                .iter()
                .filter_map(|id| self.rule_set(id))
                .find_map(|s| s.jurisdiction.as_deref())
        })
    }

    /// Whether data may go from jurisdiction `from` to `to` without further safeguards:
    /// same jurisdiction, or an arrangement in that direction (or a mutual one either way).
    /// `extra` are arrangements known to one flow only.
    pub fn adequacy_between<'a>(
        &'a self,
        from: &str,
        to: &str,
        extra: &'a [AdequacyArrangement],
    ) -> Option<AdequacyMatch<'a>> {
        if from == to {
            return Some(AdequacyMatch::SameJurisdiction);
        }
        self.adequacy
            .iter()
            .chain(extra)
            .find(|a| (a.from == from && a.to == to) || (a.mutual && a.from == to && a.to == from))
            .map(AdequacyMatch::Arrangement)
    }
}

/// Why a transfer needs no safeguards.
#[derive(Debug, Clone, Copy)]
pub enum AdequacyMatch<'a> {
    SameJurisdiction,
    Arrangement(&'a AdequacyArrangement),
}

fn fallback_vocabulary() -> &'static Vocabulary {
    use std::sync::OnceLock;
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        // The embedded vocabulary is covered by tests; an empty one only makes every value
        // "unknown", which validation then reports, so nothing silently passes.
        Vocabulary::builtin().unwrap_or(Vocabulary {
            categories: Vec::new(),
            privacy_impacts: Vec::new(),
            values: Vec::new(),
            disclosure_scopes: Vec::new(),
            safeguards: Vec::new(),
        })
    })
}
