//! `sanso osv import FILE|DIR|ZIP`: loads OSV advisories into the installation, which records the
//! portfolio findings they cause (every affected product version in every workspace) and queues
//! the webhook deliveries, in one transaction. Prints what was imported and found.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use sanso_store::{Actor, Store};

/// Imports and prints the summary; exit 0 even when single files were skipped (they are listed),
/// since the rest was imported.
pub async fn import(store: &Store, path: &Path) -> Result<ExitCode> {
    // Reading the files has a bar; storing them and matching the portfolio, a spinner.
    let bar = crate::progress_bar("reading OSV files");
    let progress = crate::osv_progress(&bar);
    let storing = bar.clone();
    let result = store
        .import_osv_path_with_progress(&Actor::cli(), path, move |done, total| {
            progress(done, total);
            if done == total {
                storing.set_message("storing advisories and matching the portfolio");
            }
        })
        .await;
    bar.finish_and_clear();
    let summary = result.with_context(|| format!("importing {}", path.display()))?;
    println!(
        "read {} files: {} advisories added, {} updated, {} unchanged, {} withdrawn",
        summary.files_read, summary.added, summary.updated, summary.unchanged, summary.withdrawn
    );
    println!(
        "portfolio: {} new findings in {} product versions; {} webhook deliveries queued",
        summary.portfolio.new_findings,
        summary.portfolio.affected_versions,
        summary.portfolio.webhook_deliveries
    );
    for error in &summary.errors {
        eprintln!("skipped: {error}");
    }
    Ok(ExitCode::SUCCESS)
}
