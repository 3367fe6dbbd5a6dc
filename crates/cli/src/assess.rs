//! `sanso catalog import|list|show|export` and `sanso assess new|answer|import|export|report`:
//! catalogs and assessments on the local installation (`--data-dir` / `--database-url`), for
//! administrators and scripts. The file formats are those of the REST API — both call
//! `sanso_server::exchange` — so a file exported here imports there and back.
//!
//! Changes are recorded in the audit log as the CLI actor.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use sanso_catalog::{Answer, AnswerStatus, Lang};
use sanso_server::exchange::{
    self, AssessmentBundle, AssessmentFormat, CatalogFormat, CatalogImportOptions, ExchangeError,
    UploadedFile,
};
use sanso_store::assessments::NewAssessment;
use sanso_store::{Actor, Store};

/// Catalog commands that work on an installation (`catalog resolve` needs none).
#[derive(Subcommand)]
pub enum CatalogStoreCommand {
    /// Import a catalog into a workspace: native YAML, an OSCAL catalog (JSON/XML/YAML), an OSCAL
    /// profile followed by the files it imports (resolved), or a CSV/XLSX table.
    Import {
        /// The file to import; for a profile, the profile first and then the files it imports.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        workspace: String,
        /// Catalog id (tables without a `framework` column; OSCAL: default from the title).
        #[arg(long)]
        id: Option<String>,
        /// Catalog version (OSCAL: default `metadata.version`).
        #[arg(long = "catalog-version")]
        version: Option<String>,
        #[arg(long)]
        title: Option<String>,
        /// XLSX sheet (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// Add the table's rows to this catalog, as ID or ID@VERSION (e.g. the built-in cpsf).
        #[arg(long)]
        base: Option<String>,
    },
    /// List the catalogs a workspace can assess against.
    List {
        #[arg(long)]
        workspace: String,
    },
    /// Print a catalog's groups and requirements.
    Show {
        id: String,
        #[arg(long)]
        workspace: String,
        /// Default: the highest version.
        #[arg(long = "catalog-version")]
        version: Option<String>,
    },
    /// Write a catalog as OSCAL catalog JSON, native YAML, JSON or CSV (the import table layout).
    Export {
        id: String,
        #[arg(long)]
        workspace: String,
        #[arg(long = "catalog-version")]
        version: Option<String>,
        #[arg(long, value_enum, default_value = "oscal")]
        format: CatalogFormatArg,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CatalogFormatArg {
    Oscal,
    Yaml,
    Json,
    Csv,
}

#[derive(Subcommand)]
pub enum AssessCommand {
    /// Start an assessment of a workspace against a catalog version (and level); prints its id.
    New {
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        catalog: String,
        /// Default: the highest version.
        #[arg(long = "catalog-version")]
        version: Option<String>,
        /// Target level (e.g. star3).
        #[arg(long)]
        level: Option<String>,
        #[arg(long)]
        title: String,
    },
    /// Answer one requirement.
    Answer {
        assessment: String,
        requirement: String,
        /// implemented | partial | not_implemented | not_applicable | unknown (or a label).
        status: String,
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        comment: Option<String>,
        #[arg(long)]
        owner: Option<String>,
        /// YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
        /// Maturity level (maturity catalogs).
        #[arg(long)]
        score: Option<f64>,
    },
    /// Import answers: a filled XLSX questionnaire, or a JSON list of answers.
    Import {
        assessment: String,
        file: PathBuf,
        #[arg(long)]
        workspace: String,
    },
    /// Export an assessment as CSV, JSON, OSCAL assessment-results, OSCAL POA&M or the XLSX
    /// questionnaire.
    Export {
        assessment: String,
        #[arg(long)]
        workspace: String,
        #[arg(long, value_enum, default_value = "json")]
        format: AssessFormatArg,
        /// Labels of the XLSX workbook.
        #[arg(long, value_enum, default_value = "ja")]
        lang: LangArg,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write a report for management (XLSX; DOCX where the report module is built in).
    Report {
        assessment: String,
        #[arg(long)]
        workspace: String,
        #[arg(long, value_enum, default_value = "xlsx")]
        format: ReportFormatArg,
        #[arg(long, value_enum, default_value = "ja")]
        lang: LangArg,
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AssessFormatArg {
    Csv,
    Json,
    OscalAr,
    OscalPoam,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    Xlsx,
    Docx,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    Ja,
    En,
}

impl LangArg {
    fn lang(self) -> Lang {
        match self {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
}

/// Every located problem on its own line.
fn exchange_error(e: ExchangeError) -> anyhow::Error {
    match e {
        ExchangeError::Invalid(errors) => anyhow::anyhow!(
            "{} problem(s), nothing stored:\n{}",
            errors.len(),
            errors
                .iter()
                .map(|e| format!("  {e}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        ExchangeError::Internal(m) => anyhow::anyhow!(m),
    }
}

fn write_output(output: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(bytes)
                .context("writing to standard output")
        }
    }
}

async fn check_workspace(store: &Store, workspace: &str) -> Result<()> {
    store
        .get_workspace(workspace)
        .await
        .with_context(|| format!("workspace {workspace}"))?;
    Ok(())
}

/// The given version, or the highest one the workspace sees.
async fn version_of(
    store: &Store,
    workspace: &str,
    id: &str,
    version: Option<String>,
) -> Result<String> {
    if let Some(v) = version {
        return Ok(v);
    }
    store
        .list_catalogs(workspace)
        .await?
        .into_iter()
        .filter(|c| c.id == id)
        .map(|c| c.version)
        .next_back()
        .with_context(|| format!("no catalog {id} in workspace {workspace}"))
}

fn bar(message: String) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let bar = indicatif::ProgressBar::new(3).with_message(message);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:20}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if std::io::stderr().is_terminal() {
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}

pub async fn catalog(store: &Store, command: CatalogStoreCommand) -> Result<ExitCode> {
    match command {
        CatalogStoreCommand::Import {
            files,
            workspace,
            id,
            version,
            title,
            sheet,
            base,
        } => {
            check_workspace(store, &workspace).await?;
            let progress = bar(format!("importing {}", files[0].display()));
            let mut uploads = Vec::new();
            for path in &files {
                uploads.push(UploadedFile {
                    name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| path.display().to_string()),
                    bytes: std::fs::read(path)
                        .with_context(|| format!("reading {}", path.display()))?,
                });
            }
            progress.inc(1);
            let base = match base {
                None => None,
                Some(spec) => {
                    let (base_id, base_version) = match spec.split_once('@') {
                        Some((i, v)) => (i.to_string(), Some(v.to_string())),
                        None => (spec.clone(), None),
                    };
                    let v = version_of(store, &workspace, &base_id, base_version).await?;
                    Some(
                        store
                            .get_catalog(&workspace, &base_id, &v)
                            .await
                            .with_context(|| format!("base catalog {base_id}@{v}"))?,
                    )
                }
            };
            let options = CatalogImportOptions {
                id,
                version,
                title,
                sheet,
                main: uploads.first().map(|f| f.name.clone()),
                base,
            };
            // Parsing and profile resolution are blocking work.
            let (catalog, kind) = tokio::task::spawn_blocking(move || {
                exchange::catalog_from_files(&uploads, &options)
            })
            .await
            .context("import task")?
            .map_err(exchange_error)?;
            progress.inc(1);
            let summary = store
                .import_catalog(&Actor::cli(), &workspace, catalog)
                .await?;
            progress.inc(1);
            progress.finish_and_clear();
            println!(
                "imported {} version {} ({} requirements, from {})",
                summary.id,
                summary.version,
                summary.requirements,
                serde_json::to_value(kind)?.as_str().unwrap_or("file")
            );
            Ok(ExitCode::SUCCESS)
        }
        CatalogStoreCommand::List { workspace } => {
            check_workspace(store, &workspace).await?;
            for c in store.list_catalogs(&workspace).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    c.id,
                    c.version,
                    if c.workspace_id.is_some() {
                        "imported"
                    } else {
                        "builtin"
                    },
                    c.requirements,
                    if c.title.ja.is_empty() {
                        &c.title.en
                    } else {
                        &c.title.ja
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogStoreCommand::Show {
            id,
            workspace,
            version,
        } => {
            check_workspace(store, &workspace).await?;
            let version = version_of(store, &workspace, &id, version).await?;
            let catalog = store.get_catalog(&workspace, &id, &version).await?;
            let title = |t: &sanso_catalog::LocalizedText| match (t.ja.is_empty(), t.en.is_empty())
            {
                (false, false) => format!("{} / {}", t.ja, t.en),
                (false, true) => t.ja.clone(),
                _ => t.en.clone(),
            };
            println!(
                "{} {} — {}",
                catalog.id,
                catalog.version,
                title(&catalog.title)
            );
            if !catalog.levels.is_empty() {
                println!(
                    "levels: {}",
                    catalog
                        .levels
                        .iter()
                        .map(|l| l.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            for note in &catalog.notes {
                println!("note: {}", title(note));
            }
            fn group(
                g: &sanso_catalog::Group,
                depth: usize,
                title: &dyn Fn(&sanso_catalog::LocalizedText) -> String,
            ) {
                println!("{}{} {}", "  ".repeat(depth), g.id, title(&g.title));
                for r in &g.requirements {
                    let levels = if r.levels.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", r.levels.join(","))
                    };
                    println!(
                        "{}- {}{levels} {}",
                        "  ".repeat(depth + 1),
                        r.id,
                        title(&r.title)
                    );
                }
                for sub in &g.groups {
                    group(sub, depth + 1, title);
                }
            }
            for g in &catalog.groups {
                group(g, 0, &title);
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogStoreCommand::Export {
            id,
            workspace,
            version,
            format,
            output,
        } => {
            check_workspace(store, &workspace).await?;
            let version = version_of(store, &workspace, &id, version).await?;
            let catalog = store.get_catalog(&workspace, &id, &version).await?;
            let format = match format {
                CatalogFormatArg::Oscal => CatalogFormat::Oscal,
                CatalogFormatArg::Yaml => CatalogFormat::Yaml,
                CatalogFormatArg::Json => CatalogFormat::Json,
                CatalogFormatArg::Csv => CatalogFormat::Csv,
            };
            let bytes = exchange::export_catalog(&catalog, format).map_err(exchange_error)?;
            write_output(output.as_deref(), &bytes)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn assess(store: &Store, command: AssessCommand) -> Result<ExitCode> {
    match command {
        AssessCommand::New {
            workspace,
            catalog,
            version,
            level,
            title,
        } => {
            check_workspace(store, &workspace).await?;
            let version = version_of(store, &workspace, &catalog, version).await?;
            let record = store
                .create_assessment(
                    &Actor::cli(),
                    &workspace,
                    NewAssessment {
                        catalog_id: catalog,
                        catalog_version: version,
                        target_level: level,
                        target_node_id: None,
                        title,
                    },
                )
                .await?;
            println!("{}", record.id);
            Ok(ExitCode::SUCCESS)
        }
        AssessCommand::Answer {
            assessment,
            requirement,
            status,
            workspace,
            comment,
            owner,
            due,
            score,
        } => {
            check_workspace(store, &workspace).await?;
            let Some(parsed) = AnswerStatus::parse(&status) else {
                bail!("status {status:?}: use implemented, partial, not_implemented, not_applicable or unknown");
            };
            // Keep what was already answered for this requirement (criteria, evidence).
            let record = store.get_assessment(&workspace, &assessment).await?;
            let mut answer = record
                .answers
                .into_iter()
                .find(|a| a.requirement_id == requirement)
                .unwrap_or_else(|| Answer::new(&requirement, parsed));
            answer.status = parsed;
            if let Some(c) = comment {
                answer.comment = c;
            }
            if owner.is_some() {
                answer.owner = owner;
            }
            if due.is_some() {
                answer.due = due;
            }
            if score.is_some() {
                answer.score = score;
            }
            store
                .set_answers(&Actor::cli(), &workspace, &assessment, vec![answer])
                .await?;
            println!("{requirement}: {}", parsed.key());
            Ok(ExitCode::SUCCESS)
        }
        AssessCommand::Import {
            assessment,
            file,
            workspace,
        } => {
            check_workspace(store, &workspace).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let (record, catalog) = store
                .assessment_with_catalog(&workspace, &assessment)
                .await?;
            let name = file.display().to_string();
            let record = if bytes.starts_with(b"PK\x03\x04") {
                let answers =
                    sanso_catalog::questionnaire::import(&bytes, &catalog).map_err(|errors| {
                        anyhow::anyhow!(
                            "{name}: {} problem(s), nothing stored:\n{}",
                            errors.len(),
                            errors
                                .iter()
                                .map(|e| format!(
                                    "  sheet \"{}\", row {}, column {}: {}",
                                    e.sheet, e.row, e.column, e.message
                                ))
                                .collect::<Vec<_>>()
                                .join("\n")
                        )
                    })?;
                let scope = match record.target_level.as_deref() {
                    Some(level) => catalog
                        .requirements_at_level(level)
                        .into_iter()
                        .map(|r| r.id.clone())
                        .collect(),
                    None => catalog
                        .requirements()
                        .into_iter()
                        .map(|(_, r)| r.id.clone())
                        .collect(),
                };
                store
                    .import_questionnaire_answers(
                        &Actor::cli(),
                        &workspace,
                        &assessment,
                        answers,
                        scope,
                    )
                    .await?
            } else {
                let answers: Vec<Answer> = serde_json::from_slice(&bytes).with_context(|| {
                    format!("{name}: neither an XLSX questionnaire nor a JSON list of answers")
                })?;
                store
                    .set_answers(&Actor::cli(), &workspace, &assessment, answers)
                    .await?
            };
            println!("{} answers stored", record.answers.len());
            Ok(ExitCode::SUCCESS)
        }
        AssessCommand::Export {
            assessment,
            workspace,
            format,
            lang,
            output,
        } => {
            check_workspace(store, &workspace).await?;
            let format = match format {
                AssessFormatArg::Csv => AssessmentFormat::Csv,
                AssessFormatArg::Json => AssessmentFormat::Json,
                AssessFormatArg::OscalAr => AssessmentFormat::OscalAr,
                AssessFormatArg::OscalPoam => AssessmentFormat::OscalPoam,
                AssessFormatArg::Xlsx => AssessmentFormat::Xlsx,
            };
            let (record, catalog) = store
                .assessment_with_catalog(&workspace, &assessment)
                .await?;
            let plan = store.list_plan_items(&workspace, Some(&assessment)).await?;
            let bytes = exchange::export_assessment(
                &AssessmentBundle {
                    record: &record,
                    catalog: &catalog,
                    plan: &plan,
                    lang: lang.lang(),
                },
                format,
            )
            .map_err(exchange_error)?;
            write_output(output.as_deref(), &bytes)?;
            Ok(ExitCode::SUCCESS)
        }
        AssessCommand::Report {
            assessment,
            workspace,
            format,
            lang,
            output,
        } => {
            if let ReportFormatArg::Docx = format {
                // The same input and document as the web UI's and the API's DOCX download.
                let ws = store
                    .get_workspace(&workspace)
                    .await
                    .with_context(|| format!("workspace {workspace}"))?;
                let input =
                    sanso_server::api::reports::report_input(store, &ws, &assessment, lang.lang())
                        .await
                        .with_context(|| format!("assessment {assessment}"))?;
                let bytes = sanso_report::assessment_docx(&input, lang.lang())?;
                write_output(Some(&output), &bytes)?;
                println!("wrote {}", output.display());
                return Ok(ExitCode::SUCCESS);
            }
            check_workspace(store, &workspace).await?;
            let (record, catalog) = store
                .assessment_with_catalog(&workspace, &assessment)
                .await?;
            let plan = store.list_plan_items(&workspace, Some(&assessment)).await?;
            let bytes = exchange::report_xlsx(&AssessmentBundle {
                record: &record,
                catalog: &catalog,
                plan: &plan,
                lang: lang.lang(),
            })
            .map_err(exchange_error)?;
            write_output(Some(&output), &bytes)?;
            println!("wrote {}", output.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
