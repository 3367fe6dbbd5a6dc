//! `sanso demo load …`: loads a worked example into a local installation. `dataflow` is the
//! retailer whose POS and EC data crosses borders plus five IoT device uses (issue 6). Without
//! `--workspace`, a new demo workspace is made for the given owner (or the first administrator).
//! Loading into a workspace that already has it fails with a clear message instead of copying it.

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use sanso_store::{Actor, Store, StoreError};

#[derive(Subcommand)]
pub enum DemoCommand {
    /// Load a worked example.
    Load(LoadArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Example {
    /// Layer 3 data flow (retailer POS/EC data to a subsidiary abroad) and layer 2 device uses.
    Dataflow,
}

#[derive(Args)]
pub struct LoadArgs {
    /// Which example.
    #[arg(value_enum)]
    example: Example,
    /// Load into this workspace (id) instead of a new one.
    #[arg(long)]
    workspace: Option<String>,
    /// Owner of the new workspace (e-mail); default: the first instance administrator.
    #[arg(long, conflicts_with = "workspace")]
    owner: Option<String>,
    /// Base URL printed in the "where to look" lines.
    #[arg(
        long,
        default_value = "http://127.0.0.1:8080",
        env = "SANSO_PUBLIC_URL"
    )]
    public_url: String,
}

pub async fn run(store: &Store, command: DemoCommand) -> Result<ExitCode> {
    let DemoCommand::Load(args) = command;
    let actor = Actor::cli();
    let workspace = match &args.workspace {
        Some(id) => store
            .get_workspace(id)
            .await
            .with_context(|| format!("workspace {id}"))?,
        None => {
            let (ws, owner) = store
                .create_demo_workspace(
                    &actor,
                    "Demo: data flows and IoT devices",
                    args.owner.as_deref(),
                )
                .await
                .context("creating the demo workspace")?;
            println!(
                "created workspace \"{}\" ({}) owned by {}",
                ws.name, ws.id, owner.email
            );
            ws
        }
    };
    match args.example {
        Example::Dataflow => match store.load_dataflow_demo(&actor, &workspace.id).await {
            Ok(summary) => {
                let base = args.public_url.trim_end_matches('/');
                println!(
                    "loaded data flow \"{}\" ({} events) and {} devices into workspace {}",
                    summary.flow.name,
                    summary.flow.flow.events.len(),
                    summary.devices.len(),
                    workspace.id
                );
                println!("look at:");
                println!(
                    "  {base}/w/{}/dataflows/{}   (the four steps, risk register, gaps)",
                    workspace.id, summary.flow.id
                );
                println!(
                    "  {base}/w/{}/devices   (severity chart and categories)",
                    workspace.id
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(StoreError::Conflict(message)) => {
                eprintln!("error: {message}");
                Ok(ExitCode::from(1))
            }
            Err(e) => Err(e).context("loading the data-flow demo"),
        },
    }
}
