//! Commands that work on files alone, without an installation: resolving OSCAL profiles and scanning
//! SBOMs in CI pipelines.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use sanso_vuln::{OsvDatabase, PackageRef, ScanOptions, VexSet};

/// `sanso catalog resolve PROFILE [-o FILE]`
pub fn resolve_profile(profile: &Path, output: Option<&Path>) -> Result<ExitCode> {
    let catalog = sanso_oscal::resolve_profile(profile)
        .with_context(|| format!("resolving {}", profile.display()))?;
    let controls = catalog.all_controls().len();
    let document = sanso_oscal::Document::Catalog(catalog);
    match output {
        Some(path) => {
            sanso_oscal::write_json(&document, path)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("resolved {controls} controls into {}", path.display());
        }
        None => println!("{}", sanso_oscal::to_json_string(&document)?),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ScanFormat {
    Table,
    Json,
    Sarif,
}

#[derive(Args)]
pub struct ScanArgs {
    /// The SBOM: CycloneDX 1.4–1.6 (JSON or XML) or SPDX 2.x (JSON or tag-value).
    pub file: PathBuf,
    /// OSV data: a directory of OSV JSON files or a zip as osv.dev publishes per ecosystem.
    #[arg(long, required = true)]
    pub osv: Vec<PathBuf>,
    /// VEX documents (OpenVEX, CycloneDX VEX or CSAF VEX) to apply.
    #[arg(long)]
    pub vex: Vec<PathBuf>,
    /// Exit with status 1 when a finding not suppressed by VEX is at or above this severity
    /// (any, low, medium, high, critical).
    #[arg(long)]
    pub fail_on: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ScanFormat,
    /// Report withdrawn advisories too.
    #[arg(long)]
    pub include_withdrawn: bool,
}

/// `sanso sbom scan`: exit 0 clean, 1 findings at or above --fail-on, 2 bad input.
pub fn scan_sbom(args: &ScanArgs) -> Result<ExitCode> {
    let threshold = args
        .fail_on
        .as_deref()
        .map(sanso_vuln::scan::parse_fail_on)
        .transpose()?;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = crate::byte_bar("reading SBOM", size);
    let sbom = sanso_sbom::read_sbom(bar.wrap_read(file), &sanso_sbom::ReadOptions::default())
        .with_context(|| format!("reading {}", args.file.display()))?;
    bar.finish_and_clear();
    let mut packages = Vec::with_capacity(sbom.components.len());
    let mut skipped = 0usize;
    for c in &sbom.components {
        let Some(purl) = c.purl.as_deref() else {
            skipped += 1;
            continue;
        };
        match PackageRef::from_purl(purl) {
            Ok(p) => packages.push(match &c.bom_ref {
                Some(r) => p.with_bom_ref(r),
                None => p,
            }),
            Err(_) => skipped += 1,
        }
    }
    let mut db = OsvDatabase::new();
    for path in &args.osv {
        let bar = crate::progress_bar("loading OSV files");
        let report = db
            .load_path_with_progress(path, &crate::osv_progress(&bar))
            .with_context(|| format!("loading OSV data from {}", path.display()))?;
        bar.finish_and_clear();
        for e in report.errors.iter().take(5) {
            eprintln!("warning: {e}");
        }
        if report.errors.len() > 5 {
            eprintln!(
                "warning: … and {} more OSV files could not be read",
                report.errors.len() - 5
            );
        }
    }
    let mut vex = VexSet::new();
    for path in &args.vex {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let statements = sanso_vuln::vex::import_any(&path.display().to_string(), &bytes)
            .with_context(|| format!("reading VEX {}", path.display()))?;
        vex.extend(statements);
    }
    let options = ScanOptions {
        include_withdrawn: args.include_withdrawn,
        ..ScanOptions::default()
    };
    let report = sanso_vuln::scan_with(&packages, &db, &vex, &options);
    match args.format {
        ScanFormat::Table => print!("{}", sanso_vuln::render::render_text(&report)),
        ScanFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&sanso_vuln::render::render_json(&report))?
        ),
        ScanFormat::Sarif => {
            let uri = args.file.display().to_string();
            println!(
                "{}",
                serde_json::to_string_pretty(&sanso_vuln::render::render_sarif(
                    &report,
                    Some(&uri)
                ))?
            )
        }
    }
    eprintln!(
        "{} components ({} without a usable purl skipped), {} advisories loaded, {} findings",
        sbom.components.len(),
        skipped,
        db.advisory_count(),
        report.findings.len()
    );
    Ok(match threshold {
        Some(t) => ExitCode::from(report.exit_code(t) as u8),
        None => ExitCode::SUCCESS,
    })
}
