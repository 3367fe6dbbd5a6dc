//! Frameworks and assessments as pure Rust logic: the catalog model, its native YAML format,
//! sanso's built-in catalogs and mappings, tabular (CSV/XLSX) import, scoring and gaps,
//! "answer once" inference across frameworks, and the XLSX questionnaire.
//!
//! No database, no HTTP: the store and server crates persist and serve these types, so every
//! type here is `serde`-serialisable with stable field names.
//!
//! * [`model`] — [`Catalog`] → [`Group`] → [`Requirement`] → [`Criterion`]; levels, phases,
//!   scoring schemes and CPSF tags as data; [`Catalog::validate`].
//! * [`yaml`] — the native format (documented in `FORMAT.md`).
//! * [`builtin`] — CPSF, the METI ★ draft, the Management Guidelines' 10 items, the SME
//!   starter set, and our CPSF/★ ↔ NIST CSF 2.0 mappings.
//! * [`tabular`] — building a catalog from an official table (CSV or XLSX).
//! * [`assessment`] — answers, scores, bands, radar/heatmap aggregates, levels attained,
//!   gaps, comparisons.
//! * [`mapping`] — OSCAL-style relationships and [`infer_answers`].
//! * [`questionnaire`] — export a questionnaire workbook and read the filled-in answers back.
//!
//! ```
//! use sanso_catalog::{builtin::builtin_catalog, score, Answer, AnswerStatus};
//!
//! let check = builtin_catalog("sme-self-check").expect("built in");
//! let answers: Vec<Answer> = check
//!     .requirements()
//!     .into_iter()
//!     .map(|(_, q)| Answer::new(&q.id, AnswerStatus::Implemented))
//!     .collect();
//! let report = score(&check, &answers, None).expect("answers fit the catalog");
//! assert_eq!(report.overall.total, 100.0); // 25 questions × 4 points
//! assert_eq!(report.band.map(|b| b.label.en), Some("Entry-level measures are in place.".into()));
//! ```

pub mod assessment;
pub mod builtin;
pub mod error;
pub mod mapping;
pub mod model;
pub mod questionnaire;
pub mod tabular;
pub mod yaml;

pub use assessment::{
    compare, gaps, score, score_assessment, Aggregate, Answer, AnswerStatus, Assessment,
    AssessmentError, Change, CriterionResult, FunctionScore, Gap, GroupScore, HeatmapCell,
    RequirementChange, ScoreReport,
};
pub use builtin::{builtin_catalogs, builtin_mappings};
pub use error::{ValidationIssue, YamlError};
pub use mapping::{
    infer_answers, InferenceSource, InferredAnswer, MappingEntry, MappingHop, MappingSet,
    Relationship,
};
pub use model::{
    BandBasis, Catalog, CatalogRef, ComponentKind, CpsfFunction, Criterion, Group, Lang, Layer,
    Level, LocalizedText, Phase, Requirement, ResultBand, ScoringMethod, ScoringScheme, Term,
    Vocabulary, VocabularyKind,
};
pub use questionnaire::{ExportError, ImportError};
pub use tabular::{ImportOptions, TabularError};
