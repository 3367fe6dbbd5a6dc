//! The `sanso` binary: `sanso serve` runs the web UI and API; the other subcommands work directly on a
//! local installation (data directory or database URL) for administration, backup and scripting.

use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use sanso_store::audit::AuditVerification;
use sanso_store::model::ImportMode;
use sanso_store::{Actor, Store, StoreConfig};

mod assess;
mod demo;
mod osv;
mod tools;

#[derive(Parser)]
#[command(
    name = "sanso",
    version,
    about = "Run Japan's Cyber/Physical Security Framework across a supply chain"
)]
struct Cli {
    #[command(flatten)]
    location: Location,
    /// Log format on standard error.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "text",
        env = "SANSO_LOG_FORMAT"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Location {
    /// Data directory: the SQLite database (unless --database-url is given) and stored files.
    #[arg(
        long,
        global = true,
        default_value = "./sanso-data",
        env = "SANSO_DATA_DIR"
    )]
    data_dir: PathBuf,
    /// PostgreSQL instead of the embedded SQLite file, e.g. postgres://user@host:5432/sanso
    #[arg(long, global = true, env = "SANSO_DATABASE_URL")]
    database_url: Option<String>,
}

impl Location {
    fn config(&self) -> StoreConfig {
        StoreConfig {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone().filter(|u| !u.is_empty()),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web UI and REST API.
    Serve(ServeArgs),
    /// Manage users.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a consistent snapshot of the whole installation (database and files) to FILE (.tar.gz).
    Backup { file: PathBuf },
    /// Restore a snapshot into a new, empty installation (the --data-dir / --database-url given).
    Restore { file: PathBuf },
    /// API tokens for the CLI and CI pipelines.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// The value-chain model of a workspace.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Framework catalogs (OSCAL).
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Software bills of materials.
    #[command(subcommand)]
    Sbom(SbomCommand),
    /// Assessments: start, answer, import answers, export, report.
    #[command(subcommand)]
    Assess(assess::AssessCommand),
    /// Worked examples.
    #[command(subcommand)]
    Demo(demo::DemoCommand),
    /// Vulnerability data (OSV) in the installation.
    #[command(subcommand)]
    Osv(OsvCommand),
}

#[derive(Subcommand)]
enum OsvCommand {
    /// Import OSV advisories from a JSON file, a directory tree or an osv.dev zip; new findings
    /// across all workspaces are recorded and webhooks notified.
    Import { path: PathBuf },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Resolve an OSCAL profile (imports found beside it, in JSON, XML or YAML) into a catalog as OSCAL JSON.
    Resolve {
        profile: PathBuf,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    #[command(flatten)]
    Stored(assess::CatalogStoreCommand),
}

#[derive(Subcommand)]
enum SbomCommand {
    /// Match an SBOM against OSV data, apply VEX, and report; works without a server (for CI pipelines).
    /// Exit status: 0 clean, 1 findings at or above --fail-on, 2 bad input.
    Scan(tools::ScanArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SANSO_LISTEN")]
    listen: SocketAddr,
    /// The URL people use to reach this server (for setup and invitation links).
    #[arg(long, env = "SANSO_PUBLIC_URL")]
    public_url: Option<String>,
    /// Mark cookies Secure (when served over HTTPS, directly or behind a proxy).
    #[arg(long, env = "SANSO_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Largest accepted request body, in bytes.
    #[arg(long, default_value_t = 10 * 1024 * 1024, env = "SANSO_BODY_LIMIT")]
    body_limit: usize,
    /// Largest accepted file upload (SBOM, OSV archive), in bytes; streamed to disk, never buffered.
    #[arg(long, default_value_t = 2 << 30, env = "SANSO_UPLOAD_LIMIT")]
    upload_limit: u64,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create the first administrator and their workspace (or, once one exists, another user).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Name of the administrator's workspace (first administrator only).
        #[arg(long, default_value = "My organisation")]
        workspace: String,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the whole hash chain; exits 1 and names the first broken entry if it was altered.
    Verify,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it (shown once).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand)]
enum WorkspaceCommand {
    /// List all workspaces of the installation.
    List,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Yaml,
    Json,
}

#[derive(Subcommand)]
enum ModelCommand {
    /// Print a workspace's model as YAML or JSON.
    Export {
        #[arg(long)]
        workspace: String,
        #[arg(long, value_enum, default_value = "yaml")]
        format: Format,
    },
    /// Import a YAML or JSON model document into a workspace (all of it, or nothing).
    Import {
        file: PathBuf,
        #[arg(long)]
        workspace: String,
        /// Replace the whole model instead of merging.
        #[arg(long)]
        replace: bool,
    },
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn open(location: &Location) -> Result<Store> {
    let config = location.config();
    Store::open(&config)
        .await
        .with_context(|| match &config.database_url {
            Some(url) => format!("opening database {}", sanso_store::redact(url)),
            None => format!("opening data directory {}", config.data_dir.display()),
        })
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve(&cli.location, args).await,
        Command::Admin(AdminCommand::Create {
            email,
            name,
            workspace,
            password_stdin,
        }) => {
            let password = read_password(password_stdin)?;
            let store = open(&cli.location).await?;
            if store.count_users().await? == 0 {
                let (user, ws) = store
                    .create_first_admin(&Actor::cli(), &email, &name, &password, &workspace)
                    .await?;
                println!(
                    "created administrator {} ({}) with workspace \"{}\" ({})",
                    user.email, user.id, ws.name, ws.id
                );
            } else {
                let user = store
                    .create_user(&Actor::cli(), &email, &name, &password)
                    .await?;
                println!(
                    "created user {} ({}); add them to workspaces from the web UI",
                    user.email, user.id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = open(&cli.location).await?;
            match store.verify_audit().await? {
                AuditVerification::Intact { entries } => {
                    println!("audit log intact: {entries} entries verified");
                    Ok(ExitCode::SUCCESS)
                }
                AuditVerification::Broken(b) => {
                    println!("audit log BROKEN at entry {}: {b}", b.seq());
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Backup { file } => {
            let store = open(&cli.location).await?;
            let bar = progress_bar("backing up");
            let manifest = store
                .backup_to(&file, &|done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await?;
            bar.finish_and_clear();
            let rows: u64 = manifest.tables.values().sum();
            println!(
                "wrote {} ({} rows in {} tables, {} files)",
                file.display(),
                rows,
                manifest.tables.len(),
                manifest.blobs
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file } => {
            let summary = Store::restore(&file, &cli.location.config()).await?;
            let rows: u64 = summary.manifest.tables.values().sum();
            println!(
                "restored {} rows and {} files from {}",
                rows,
                summary.manifest.blobs,
                file.display()
            );
            match summary.audit {
                AuditVerification::Intact { entries } => {
                    println!("audit log intact: {entries} entries verified")
                }
                AuditVerification::Broken(b) => println!(
                    "warning: the restored audit log is broken at entry {}: {b}",
                    b.seq()
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::Create { email, name }) => {
            let store = open(&cli.location).await?;
            let Some(user) = store.find_user_by_email(&email).await? else {
                bail!("no user with e-mail {email}")
            };
            let (_, secret) = store
                .create_api_token(&Actor::cli(), &user.id, &name)
                .await?;
            println!("{secret}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Workspace(WorkspaceCommand::List) => {
            let store = open(&cli.location).await?;
            for ws in store.list_all_workspaces().await? {
                println!("{}\t{}", ws.id, ws.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Catalog(CatalogCommand::Resolve { profile, output }) => {
            tools::resolve_profile(&profile, output.as_deref())
        }
        Command::Sbom(SbomCommand::Scan(args)) => tools::scan_sbom(&args),
        Command::Demo(command) => demo::run(&open(&cli.location).await?, command).await,
        Command::Osv(OsvCommand::Import { path }) => {
            let store = open(&cli.location).await?;
            osv::import(&store, &path).await
        }
        Command::Catalog(CatalogCommand::Stored(command)) => {
            assess::catalog(&open(&cli.location).await?, command).await
        }
        Command::Assess(command) => assess::assess(&open(&cli.location).await?, command).await,
        Command::Model(ModelCommand::Export { workspace, format }) => {
            let store = open(&cli.location).await?;
            store
                .get_workspace(&workspace)
                .await
                .with_context(|| format!("workspace {workspace}"))?;
            let doc = store.export_model(&workspace).await?;
            print!(
                "{}",
                match format {
                    Format::Yaml => doc.to_yaml(),
                    Format::Json => doc.to_json() + "\n",
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Model(ModelCommand::Import {
            file,
            workspace,
            replace,
        }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let doc = sanso_core::document::ModelDocument::parse(&text)
                .and_then(|d| d.validate())
                .with_context(|| format!("{} is not a valid model document", file.display()))?;
            let store = open(&cli.location).await?;
            store
                .get_workspace(&workspace)
                .await
                .with_context(|| format!("workspace {workspace}"))?;
            let mode = if replace {
                ImportMode::Replace
            } else {
                ImportMode::Merge
            };
            let s = store
                .import_model(&Actor::cli(), &workspace, doc, mode)
                .await?;
            println!(
                "nodes: {} created, {} updated, {} deleted; connections: {} created, {} unchanged, {} deleted",
                s.nodes_created, s.nodes_updated, s.nodes_deleted, s.connections_created, s.connections_unchanged, s.connections_deleted
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A bar of counted items (files, tables) on standard error, hidden when it is not a terminal.
fn progress_bar(message: &'static str) -> indicatif::ProgressBar {
    styled_bar(message, 0, "{msg} [{bar:30}] {pos}/{len} {elapsed}")
}

/// A bar of bytes read from a file of `total` bytes.
fn byte_bar(message: &'static str, total: u64) -> indicatif::ProgressBar {
    styled_bar(
        message,
        total,
        "{msg} [{bar:30}] {bytes}/{total_bytes} {elapsed}",
    )
}

fn styled_bar(message: &'static str, total: u64, template: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total).with_message(message);
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}

/// Progress of an OSV load (files done, files in all) drawn on `bar`.
fn osv_progress(bar: &indicatif::ProgressBar) -> impl Fn(usize, usize) + Send + Sync + 'static {
    let bar = bar.clone();
    move |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    }
}

fn read_password(from_stdin: bool) -> Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("reading the password from standard input")?;
        return Ok(s.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password (10 characters or more): ")?;
    let second = rpassword::prompt_password("Repeat password: ")?;
    if first != second {
        bail!("the passwords differ");
    }
    Ok(first)
}

async fn serve(location: &Location, args: ServeArgs) -> Result<ExitCode> {
    let store = open(location).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let local = listener.local_addr()?;
    let public_url = args.public_url.unwrap_or_else(|| format!("http://{local}"));
    match &location.database_url {
        Some(url) => tracing::info!(database = %sanso_store::redact(url), "using PostgreSQL"),
        None => tracing::info!(data_dir = %location.data_dir.display(), "using SQLite"),
    }
    if store.count_users().await? == 0 {
        let secret = store.create_setup_invitation().await?;
        eprintln!();
        eprintln!("  sanso has no users yet. Create the first administrator:");
        eprintln!(
            "    open {}/setup/{secret}   (one-time link, valid 24 hours)",
            public_url.trim_end_matches('/')
        );
        eprintln!("    or run: sanso admin create --email you@example.com --name \"Your Name\"");
        eprintln!();
    }
    tracing::info!(address = %local, url = %public_url, "sanso is listening");
    let config = sanso_server::ServerConfig {
        public_url,
        secure_cookies: args.secure_cookies,
        body_limit: args.body_limit,
        upload_limit: args.upload_limit,
    };
    sanso_server::serve(listener, store, config, sanso_server::shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}
