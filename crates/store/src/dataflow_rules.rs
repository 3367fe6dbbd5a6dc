//! Workspace-editable rule data for layers 3 and 2: the place rule-set library (rule sets places may
//! adopt, adequacy arrangements) and the IoT-SSF categorisation scheme.
//!
//! Both are data, not code (issue 6, items 3 and 5): a workspace starts on the built-in documents
//! shipped with `sanso-dataflow` and may replace them with its own YAML. The text is stored as given
//! (comments kept, so people can annotate why a rule reads as it does) and is checked whole with the
//! dataflow crate before it is written. A new document must also keep the workspace's stored flows
//! valid and its devices categorisable — otherwise saving would break pages that worked a moment
//! ago — and every such fault is named (flow or device, and the problem). Resetting deletes the row,
//! so the workspace follows the built-in document again (including future improvements to it).

use sanso_core::model::FieldError;
use sanso_dataflow::iot::BUILTIN_SCHEME;
use sanso_dataflow::places::BUILTIN_RULE_SETS;
use sanso_dataflow::{categorise, DataFlow, DataflowError, Library, Scheme, Vocabulary};
use serde::Serialize;
use sqlx::Row;

use crate::tx::{Actor, WriteTx};
use crate::{Result, Store, StoreError};

/// Which of the two editable documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RulesKind {
    /// The rule sets places adopt and the adequacy arrangements (`rule-sets.yaml` shape).
    Places,
    /// The IoT-SSF scheme: axes, levels, chart axes, phases, categories (`iot-ssf.yaml` shape).
    IotScheme,
}

impl RulesKind {
    fn table(self) -> &'static str {
        match self {
            RulesKind::Places => "workspace_places",
            RulesKind::IotScheme => "workspace_iot_schemes",
        }
    }

    fn builtin(self) -> &'static str {
        match self {
            RulesKind::Places => BUILTIN_RULE_SETS,
            RulesKind::IotScheme => BUILTIN_SCHEME,
        }
    }

    fn source(self) -> &'static str {
        match self {
            RulesKind::Places => "rule-sets.yaml",
            RulesKind::IotScheme => "iot-ssf.yaml",
        }
    }
}

/// One workspace's document of either kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RulesDocument {
    pub workspace_id: String,
    pub kind: RulesKind,
    /// The YAML text in force.
    pub document: String,
    /// True when the workspace has no document of its own and uses the built-in one.
    pub is_default: bool,
    /// When the workspace's own document was last saved.
    pub updated_at: Option<String>,
}

fn vocabulary() -> Result<Vocabulary> {
    Vocabulary::builtin().map_err(|e| StoreError::Corrupt(format!("built-in vocabulary: {e}")))
}

/// The faults of a rule document as field errors, each naming its place in the YAML.
pub fn document_errors(e: DataflowError) -> Vec<FieldError> {
    match e {
        DataflowError::Yaml { location, message } | DataflowError::Json { location, message } => {
            let at = match (location.line, location.column) {
                (Some(l), Some(c)) => format!("line {l} column {c}: "),
                _ => String::new(),
            };
            let field = if location.path == "." {
                "(document)".to_string()
            } else {
                location.path
            };
            vec![FieldError::new(field, format!("{at}{message}"))]
        }
        DataflowError::InvalidLibrary { problems } => problems
            .into_iter()
            .map(|p| FieldError::new("rule_sets", p))
            .collect(),
        DataflowError::InvalidScheme { problems, .. } => problems
            .into_iter()
            .map(|p| {
                // Scheme problems start with their path (`axes.physical: no levels`).
                match p.split_once(": ") {
                    Some((path, rest)) if !path.contains(' ') => FieldError::new(path, rest),
                    _ => FieldError::new("(document)", p),
                }
            })
            .collect(),
        other => vec![FieldError::new("(document)", other.to_string())],
    }
}

fn parse_library(text: &str, source: &str) -> std::result::Result<Library, Vec<FieldError>> {
    let vocabulary =
        vocabulary().map_err(|e| vec![FieldError::new("(vocabulary)", e.to_string())])?;
    Library::from_yaml(text, source, vocabulary).map_err(document_errors)
}

fn parse_scheme(text: &str, source: &str) -> std::result::Result<Scheme, Vec<FieldError>> {
    Scheme::from_yaml(text, source).map_err(document_errors)
}

async fn stored(
    conn: &mut sqlx::AnyConnection,
    kind: RulesKind,
    workspace_id: &str,
) -> Result<Option<(String, String)>> {
    let row = sqlx::query(&format!(
        "SELECT document, updated_at FROM {} WHERE workspace_id = $1",
        kind.table()
    ))
    .bind(workspace_id)
    .fetch_optional(conn)
    .await?;
    match row {
        Some(row) => Ok(Some((row.try_get("document")?, row.try_get("updated_at")?))),
        None => Ok(None),
    }
}

/// The rule-set library in force in a workspace (read inside a write so a flow is checked
/// against the library that is current when it is stored).
pub(crate) async fn library_in(
    conn: &mut sqlx::AnyConnection,
    workspace_id: &str,
) -> Result<Library> {
    let (text, source) = match stored(conn, RulesKind::Places, workspace_id).await? {
        Some((text, _)) => (text, "<workspace rule-sets.yaml>"),
        None => (BUILTIN_RULE_SETS.to_string(), "<builtin rule-sets.yaml>"),
    };
    parse_library(&text, source).map_err(|errors| {
        StoreError::Corrupt(format!(
            "stored rule-set library of workspace {workspace_id} no longer parses: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })
}

/// The IoT-SSF scheme in force in a workspace.
pub(crate) async fn scheme_in(
    conn: &mut sqlx::AnyConnection,
    workspace_id: &str,
) -> Result<Scheme> {
    let (text, source) = match stored(conn, RulesKind::IotScheme, workspace_id).await? {
        Some((text, _)) => (text, "<workspace iot-ssf.yaml>"),
        None => (BUILTIN_SCHEME.to_string(), "<builtin iot-ssf.yaml>"),
    };
    parse_scheme(&text, source).map_err(|errors| {
        StoreError::Corrupt(format!(
            "stored IoT-SSF scheme of workspace {workspace_id} no longer parses: {}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })
}

/// Checks that the workspace's flows stay valid under `library`.
async fn flows_stay_valid(
    conn: &mut sqlx::AnyConnection,
    workspace_id: &str,
    library: &Library,
) -> Result<Vec<FieldError>> {
    let rows = sqlx::query(
        "SELECT name, document FROM data_flows WHERE workspace_id = $1 ORDER BY name, id",
    )
    .bind(workspace_id)
    .fetch_all(conn)
    .await?;
    let mut errors = Vec::new();
    for row in rows {
        let name: String = row.try_get("name")?;
        let document: String = row.try_get("document")?;
        let flow: DataFlow = serde_json::from_str(&document).map_err(|e| {
            StoreError::Corrupt(format!("column document does not hold a flow: {e}"))
        })?;
        for issue in sanso_dataflow::validate::issues(&flow, library) {
            errors.push(FieldError::new(
                format!("flows[{name}]"),
                format!("the stored flow would become invalid: {issue}"),
            ));
        }
    }
    Ok(errors)
}

/// Checks that the workspace's devices still fall in a category of `scheme`.
async fn devices_stay_categorised(
    conn: &mut sqlx::AnyConnection,
    workspace_id: &str,
    scheme: &Scheme,
) -> Result<Vec<FieldError>> {
    let rows = sqlx::query(
        "SELECT id, name, product, rating FROM iot_devices WHERE workspace_id = $1 ORDER BY name, id",
    )
    .bind(workspace_id)
    .fetch_all(conn)
    .await?;
    let mut errors = Vec::new();
    for row in rows {
        let name: String = row.try_get("name")?;
        let rating: String = row.try_get("rating")?;
        let device = sanso_dataflow::Device {
            id: row.try_get("id")?,
            name: name.clone(),
            product: row.try_get("product")?,
            use_context: sanso_dataflow::Text::new("", ""),
            rating: serde_json::from_str(&rating).map_err(|e| {
                StoreError::Corrupt(format!("column rating does not hold a rating: {e}"))
            })?,
        };
        let unknown: Vec<&String> = device
            .rating
            .keys()
            .filter(|axis| scheme.axis(axis).is_none())
            .collect();
        if !unknown.is_empty() {
            errors.push(FieldError::new(
                format!("devices[{name}]"),
                format!(
                    "the stored device is rated on axes the scheme no longer has: {}",
                    unknown
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        } else if let Err(e) = categorise(&device, scheme) {
            errors.push(FieldError::new(
                format!("devices[{name}]"),
                format!("the stored device would fall in no category: {e}"),
            ));
        }
    }
    Ok(errors)
}

impl Store {
    /// The workspace's document of `kind` (its own, or the built-in one).
    pub async fn rules_document(
        &self,
        workspace_id: &str,
        kind: RulesKind,
    ) -> Result<RulesDocument> {
        let mut conn = self.pool().acquire().await?;
        Ok(match stored(&mut conn, kind, workspace_id).await? {
            Some((document, updated_at)) => RulesDocument {
                workspace_id: workspace_id.to_string(),
                kind,
                document,
                is_default: false,
                updated_at: Some(updated_at),
            },
            None => RulesDocument {
                workspace_id: workspace_id.to_string(),
                kind,
                document: kind.builtin().to_string(),
                is_default: true,
                updated_at: None,
            },
        })
    }

    /// The rule-set library flows of this workspace are analysed against.
    pub async fn workspace_library(&self, workspace_id: &str) -> Result<Library> {
        let mut conn = self.pool().acquire().await?;
        library_in(&mut conn, workspace_id).await
    }

    /// The IoT-SSF scheme devices of this workspace are categorised under.
    pub async fn workspace_scheme(&self, workspace_id: &str) -> Result<Scheme> {
        let mut conn = self.pool().acquire().await?;
        scheme_in(&mut conn, workspace_id).await
    }

    /// Replaces the workspace's document of `kind` with `text` after checking it whole: it must
    /// parse and check, and the workspace's stored flows (places) or devices (scheme) must stay
    /// valid under it. Nothing is written when anything is wrong.
    pub async fn set_rules_document(
        &self,
        actor: &Actor,
        workspace_id: &str,
        kind: RulesKind,
        text: &str,
    ) -> Result<RulesDocument> {
        if text.trim().is_empty() {
            return Err(StoreError::invalid("(document)", "the document is empty"));
        }
        if text.chars().count() > 1_000_000 {
            return Err(StoreError::invalid(
                "(document)",
                "the document is longer than 1,000,000 characters",
            ));
        }
        let mut tx = self.write().await?;
        let errors = match kind {
            RulesKind::Places => match parse_library(text, kind.source()) {
                Ok(library) => flows_stay_valid(tx.conn(), workspace_id, &library).await?,
                Err(errors) => errors,
            },
            RulesKind::IotScheme => match parse_scheme(text, kind.source()) {
                Ok(scheme) => devices_stay_categorised(tx.conn(), workspace_id, &scheme).await?,
                Err(errors) => errors,
            },
        };
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let before = stored(tx.conn(), kind, workspace_id).await?.map(|(d, _)| d);
        let now = sanso_core::now_timestamp();
        sqlx::query(&format!(
            "INSERT INTO {} (workspace_id, document, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (workspace_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at",
            kind.table()
        ))
        .bind(workspace_id)
        .bind(text)
        .bind(&now)
        .execute(tx.conn())
        .await?;
        audit(
            &mut tx,
            actor,
            workspace_id,
            kind,
            "update",
            before,
            Some(text.to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(RulesDocument {
            workspace_id: workspace_id.to_string(),
            kind,
            document: text.to_string(),
            is_default: false,
            updated_at: Some(now),
        })
    }

    /// Drops the workspace's own document of `kind`, so the built-in one applies again; refused
    /// (naming the flows or devices) when the built-in document would break stored data.
    pub async fn reset_rules_document(
        &self,
        actor: &Actor,
        workspace_id: &str,
        kind: RulesKind,
    ) -> Result<RulesDocument> {
        let mut tx = self.write().await?;
        let Some((before, _)) = stored(tx.conn(), kind, workspace_id).await? else {
            drop(tx);
            return self.rules_document(workspace_id, kind).await;
        };
        let errors = match kind {
            RulesKind::Places => {
                let library = parse_library(BUILTIN_RULE_SETS, kind.source())
                    .map_err(|e| StoreError::Corrupt(format!("built-in library: {e:?}")))?;
                flows_stay_valid(tx.conn(), workspace_id, &library).await?
            }
            RulesKind::IotScheme => {
                let scheme = parse_scheme(BUILTIN_SCHEME, kind.source())
                    .map_err(|e| StoreError::Corrupt(format!("built-in scheme: {e:?}")))?;
                devices_stay_categorised(tx.conn(), workspace_id, &scheme).await?
            }
        };
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        sqlx::query(&format!(
            "DELETE FROM {} WHERE workspace_id = $1",
            kind.table()
        ))
        .bind(workspace_id)
        .execute(tx.conn())
        .await?;
        audit(
            &mut tx,
            actor,
            workspace_id,
            kind,
            "reset",
            Some(before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(RulesDocument {
            workspace_id: workspace_id.to_string(),
            kind,
            document: kind.builtin().to_string(),
            is_default: true,
            updated_at: None,
        })
    }
}

async fn audit(
    tx: &mut WriteTx,
    actor: &Actor,
    workspace_id: &str,
    kind: RulesKind,
    verb: &str,
    before: Option<String>,
    after: Option<String>,
) -> Result<()> {
    let object = kind.table();
    tx.audit(
        actor,
        Some(workspace_id),
        &format!("{object}.{verb}"),
        object,
        workspace_id,
        before.map(|d| crate::tx::snapshot(&d)),
        after.map(|d| crate::tx::snapshot(&d)),
    )
    .await
}
