//! Exchange formats for catalogs and assessments, shared by the REST API (`api/exchange.rs`) and
//! the CLI (`sanso catalog …`, `sanso assess …`), so both write byte-for-byte the same documents.
//!
//! * **Catalog import** from uploaded files: sanso's native YAML, OSCAL catalogs (JSON, XML,
//!   YAML), OSCAL profiles together with the files they import (resolved in a private temporary
//!   directory), and CSV/XLSX tables (layout in `crates/catalog/FORMAT.md`, section 3). Every
//!   problem is a [`FieldError`] naming the file and the row/column or JSON path; nothing is
//!   built unless there is none.
//! * **Catalog export**: native YAML, sanso JSON, tabular CSV (the import layout, so it reads
//!   back) and OSCAL catalog JSON.
//! * **Assessment export**: CSV, JSON (answers + score + gaps + plan), OSCAL assessment-results,
//!   OSCAL POA&M (plan items and unplanned gaps), the XLSX questionnaire and an XLSX report.
//!
//! OSCAL ids must be tokens (a letter or `_` first, then letters, digits, `.`, `-`, `_`); sanso
//! ids that are not (`★3-1`, `1`) are written through [`oscal_token`], the same way in the
//! catalog, assessment-results and POA&M exports, so the documents refer to each other.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use sanso_catalog::{
    tabular, AnswerStatus, Catalog, Group, ImportOptions, Lang, LocalizedText, Requirement,
    ScoreReport, ScoringMethod, ScoringScheme,
};
use sanso_core::model::FieldError;
use sanso_oscal::builders::{
    assessment_results, poam, ControlFinding, DocumentInfo, FindingState, ObservationInput,
    PoamItemInput, RemediationInput, ResultInput, SANSO_NS,
};
use sanso_oscal::model as oscal;
use sanso_oscal::{Document, Format, OscalError};
use sanso_store::assessments::AssessmentRecord;
use sanso_store::plans::{PlanItem, PlanStatus};
use serde::Serialize;

/// Why an exchange failed: the input is at fault (each problem located) or sanso is.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Internal(String),
}

impl ExchangeError {
    fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ExchangeError::Invalid(vec![FieldError::new(field, message)])
    }
}

type Result<T, E = ExchangeError> = std::result::Result<T, E>;

// ---------------------------------------------------------------------------------------------
// Catalog import
// ---------------------------------------------------------------------------------------------

/// One uploaded file: its name (as the client gave it) and content.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Choices for catalogs whose files do not carry them (tables, OSCAL).
#[derive(Debug, Clone, Default)]
pub struct CatalogImportOptions {
    /// Catalog id; required for tables without a `framework` column, defaults to a slug of the
    /// OSCAL title otherwise.
    pub id: Option<String>,
    /// Catalog version; defaults to the OSCAL `metadata.version`.
    pub version: Option<String>,
    pub title: Option<String>,
    /// Sheet of an XLSX table (default: the first).
    pub sheet: Option<String>,
    /// Which uploaded file is the document to import when several are given (the others are
    /// what it imports); default: the first OSCAL profile, else the first file.
    pub main: Option<String>,
    /// Add table rows to this catalog (e.g. the built-in CPSF skeleton).
    pub base: Option<Catalog>,
}

/// What kind of document a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    NativeYaml,
    OscalCatalog,
    OscalProfile,
    Csv,
    Xlsx,
}

/// A file name safe to write into the private directory: its last path component, with only
/// letters, digits, `.`, `-`, `_` (a profile's `href` names siblings by such plain names).
fn safe_file_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (!cleaned.is_empty() && cleaned != "." && cleaned != "..").then_some(cleaned)
}

fn extension(name: &str) -> String {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn utf8(file: &UploadedFile) -> Result<&str> {
    std::str::from_utf8(&file.bytes)
        .map_err(|e| ExchangeError::invalid(&file.name, format!("not UTF-8 text: {e}")))
}

/// Tells what a file is from its extension and first bytes.
pub fn source_kind(file: &UploadedFile) -> Result<SourceKind> {
    let ext = extension(&file.name);
    if ext == "xlsx" || file.bytes.starts_with(b"PK\x03\x04") {
        return Ok(SourceKind::Xlsx);
    }
    if ext == "csv" {
        return Ok(SourceKind::Csv);
    }
    let text = utf8(file)?;
    let format = Format::from_path(Path::new(&file.name))
        .or_else(|| Format::sniff(text))
        .ok_or_else(|| ExchangeError::invalid(&file.name, "the file is empty"))?;
    let root = match format {
        Format::Xml => {
            // The root element name, after the XML declaration and comments.
            let mut rest = text.trim_start_matches('\u{feff}');
            loop {
                rest = rest.trim_start();
                if rest.starts_with("<?") {
                    rest = rest.split_once("?>").map(|(_, r)| r).unwrap_or("");
                } else if rest.starts_with("<!--") {
                    rest = rest.split_once("-->").map(|(_, r)| r).unwrap_or("");
                } else {
                    break;
                }
            }
            rest.trim_start_matches('<')
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
                .rsplit(':')
                .next()
                .unwrap_or("")
                .to_string()
        }
        Format::Json | Format::Yaml => {
            let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(|e| {
                let at = e
                    .location()
                    .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
                    .unwrap_or_default();
                ExchangeError::invalid(&file.name, format!("not readable{at}: {e}"))
            })?;
            let keys: Vec<String> = value
                .as_mapping()
                .map(|m| {
                    m.keys()
                        .filter_map(|k| k.as_str().map(str::to_string))
                        .filter(|k| !k.starts_with('$'))
                        .collect()
                })
                .unwrap_or_default();
            match keys.as_slice() {
                [one] if one == "catalog" || one == "profile" => one.clone(),
                _ if format == Format::Yaml => return Ok(SourceKind::NativeYaml),
                _ => {
                    return Err(ExchangeError::invalid(
                        &file.name,
                        "not an OSCAL catalog or profile: the JSON object must have one root, `catalog` or `profile`",
                    ))
                }
            }
        }
    };
    match root.as_str() {
        "catalog" => Ok(SourceKind::OscalCatalog),
        "profile" => Ok(SourceKind::OscalProfile),
        other => Err(ExchangeError::invalid(
            &file.name,
            format!("not an OSCAL catalog or profile (root `{other}`)"),
        )),
    }
}

/// Turns an OSCAL error into a field error naming the file (as uploaded) and the place; the
/// private directory's path is cut out of the message.
fn oscal_error(e: OscalError, dir: Option<&Path>) -> FieldError {
    let mut message = e.to_string();
    if let Some(dir) = dir {
        let prefix = format!("{}/", dir.display());
        message = message.replace(&prefix, "");
        if let Ok(canonical) = std::fs::canonicalize(dir) {
            message = message.replace(&format!("{}/", canonical.display()), "");
        }
    }
    let field = match &e {
        OscalError::Json { file, .. }
        | OscalError::Yaml { file, .. }
        | OscalError::Xml { file, .. }
        | OscalError::XmlModel { file, .. }
        | OscalError::WrongDocumentType { file, .. }
        | OscalError::ImportNotFound { file, .. }
        | OscalError::UnknownControl { file, .. }
        | OscalError::UnknownAlterControl { file, .. }
        | OscalError::UnknownAddTarget { file, .. }
        | OscalError::UnknownParameter { file, .. }
        | OscalError::BadResourceReference { file, .. }
        | OscalError::UnsupportedHref { file, .. }
        | OscalError::UnknownFormat { file } => file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        OscalError::ImportCycle { .. } => "imports".to_string(),
        _ => "(file)".to_string(),
    };
    // The message already starts with the file name; keep the place after it.
    let message = message
        .strip_prefix(&format!("{field}: "))
        .map(str::to_string)
        .unwrap_or(message);
    FieldError::new(field, message)
}

/// Builds a catalog from uploaded files (see the module docs). Nothing is stored here.
pub fn catalog_from_files(
    files: &[UploadedFile],
    options: &CatalogImportOptions,
) -> Result<(Catalog, SourceKind)> {
    if files.is_empty() {
        return Err(ExchangeError::invalid("file", "no file was uploaded"));
    }
    let mut kinds = Vec::new();
    for file in files {
        kinds.push(source_kind(file)?);
    }
    let main = match &options.main {
        Some(main) => files
            .iter()
            .position(|f| &f.name == main || safe_file_name(&f.name).as_deref() == Some(main))
            .ok_or_else(|| {
                ExchangeError::invalid("main", format!("no uploaded file is named {main:?}"))
            })?,
        None => kinds
            .iter()
            .position(|k| *k == SourceKind::OscalProfile)
            .unwrap_or(0),
    };
    let file = &files[main];
    let kind = kinds[main];
    if files.len() > 1 && kind != SourceKind::OscalProfile {
        return Err(ExchangeError::invalid(
            "file",
            format!(
                "{} files were uploaded but {} is not an OSCAL profile: only a profile comes with the files it imports",
                files.len(),
                file.name
            ),
        ));
    }
    let catalog = match kind {
        SourceKind::NativeYaml => {
            let mut catalog = sanso_catalog::yaml::catalog_from_yaml(utf8(file)?, &file.name)
                .map_err(yaml_errors)?;
            if let Some(id) = &options.id {
                catalog.id = id.clone();
            }
            if let Some(version) = &options.version {
                catalog.version = version.clone();
            }
            catalog
        }
        SourceKind::Csv | SourceKind::Xlsx => {
            let mut import = match &options.base {
                Some(base) => ImportOptions::into_base(base.clone()),
                None => ImportOptions {
                    base: None,
                    catalog_id: options.id.clone(),
                    version: options.version.clone(),
                    title: None,
                    scoring: None,
                    declare_new_levels: None,
                },
            };
            if let Some(title) = &options.title {
                import.title = Some(localized(title));
            }
            let built = if kind == SourceKind::Csv {
                tabular::import_csv(&file.bytes, &file.name, &import)
            } else {
                tabular::import_xlsx(&file.bytes, &file.name, options.sheet.as_deref(), &import)
            };
            built.map_err(|errors| {
                ExchangeError::Invalid(
                    errors
                        .into_iter()
                        .map(|e| {
                            let mut at = format!("{}: row {}", e.file, e.row);
                            if let Some(column) = &e.column {
                                at.push_str(&format!(", column {column}"));
                            }
                            FieldError::new(at, e.message)
                        })
                        .collect(),
                )
            })?
        }
        SourceKind::OscalCatalog => {
            let text = utf8(file)?;
            let format = Format::from_path(Path::new(&file.name))
                .or_else(|| Format::sniff(text))
                .unwrap_or(Format::Json);
            let name = safe_file_name(&file.name).unwrap_or_else(|| "catalog".into());
            let document = sanso_oscal::parse_document(text, format, Path::new(&name))
                .map_err(|e| ExchangeError::Invalid(vec![oscal_error(e, None)]))?;
            let Document::Catalog(oscal_catalog) = document else {
                return Err(ExchangeError::invalid(&file.name, "not an OSCAL catalog"));
            };
            catalog_from_oscal(&oscal_catalog, &file.name, options, false)?
        }
        SourceKind::OscalProfile => {
            let resolved = resolve_uploaded_profile(files, main)?;
            catalog_from_oscal(&resolved, &file.name, options, true)?
        }
    };
    if let Err(issues) = catalog.validate() {
        return Err(ExchangeError::Invalid(
            issues
                .into_iter()
                .map(|i| FieldError::new(format!("{}: {}", file.name, i.path), i.message))
                .collect(),
        ));
    }
    Ok((catalog, kind))
}

fn yaml_errors(e: sanso_catalog::YamlError) -> ExchangeError {
    use sanso_catalog::YamlError;
    match e {
        YamlError::Parse {
            source_name,
            location,
            message,
        } => ExchangeError::invalid(source_name, format!("{location}{message}")),
        YamlError::Invalid {
            source_name,
            issues,
        } => ExchangeError::Invalid(
            issues
                .into_iter()
                .map(|i| FieldError::new(format!("{source_name}: {}", i.path), i.message))
                .collect(),
        ),
        YamlError::Serialize { what, message } => ExchangeError::invalid(what, message),
    }
}

/// Resolves `files[main]` (a profile) with the other uploads beside it, in a private temporary
/// directory that is removed afterwards. Imports are found only among the uploads: the resolver
/// refuses remote URLs, and a relative path cannot leave the directory because the uploads are
/// stored under plain names.
fn resolve_uploaded_profile(files: &[UploadedFile], main: usize) -> Result<oscal::Catalog> {
    let dir = tempfile::tempdir()
        .map_err(|e| ExchangeError::Internal(format!("temporary directory: {e}")))?;
    let mut names = HashSet::new();
    let mut main_path = dir.path().to_path_buf();
    for (i, file) in files.iter().enumerate() {
        let name = safe_file_name(&file.name).ok_or_else(|| {
            ExchangeError::invalid("file", format!("unusable file name {:?}", file.name))
        })?;
        if !names.insert(name.clone()) {
            return Err(ExchangeError::invalid(
                &file.name,
                "two uploaded files have this name",
            ));
        }
        let path = dir.path().join(&name);
        std::fs::write(&path, &file.bytes)
            .map_err(|e| ExchangeError::Internal(format!("{}: {e}", path.display())))?;
        if i == main {
            main_path = path;
        }
    }
    sanso_oscal::resolve_profile(&main_path)
        .map_err(|e| ExchangeError::Invalid(vec![oscal_error(e, Some(dir.path()))]))
}

fn localized(text: &str) -> LocalizedText {
    // Japanese text goes to `ja`, the rest to `en` (sanso shows whichever is present).
    if text.chars().any(|c| {
        matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
    }) {
        LocalizedText::new(text, "")
    } else {
        LocalizedText::new("", text)
    }
}

/// A catalog id from a title: lower-case ASCII letters and digits joined by `-`.
fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(60).collect()
}

/// Every `{{ insert: param, ID }}` in a prose text, as ids.
fn inserted_params(prose: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = prose;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        if let Some(args) = inner.strip_prefix("insert:") {
            let mut parts = args.split(',').map(str::trim);
            if parts.next() == Some("param") {
                if let Some(id) = parts.next() {
                    out.push(id);
                }
            }
        }
        rest = &after[end + 2..];
    }
    out
}

/// Checks an OSCAL catalog's internal references: every `{{ insert: param, id }}` names a
/// parameter, every `#fragment` link between controls (`related`, `required`,
/// `incorporated-into`, `moved-to`) names a control, part, parameter or back-matter resource,
/// and no control id is used twice. Problems carry the JSON path.
///
/// `check_links` is false for the result of a profile: a tailored baseline keeps the links of
/// its controls to controls the profile did not select, by design.
pub fn check_oscal_references(
    catalog: &oscal::Catalog,
    file: &str,
    check_links: bool,
) -> Vec<FieldError> {
    let mut targets: HashSet<&str> = HashSet::new();
    let mut controls_seen: HashMap<&str, String> = HashMap::new();
    let mut errors = Vec::new();
    let params = sanso_oscal::prose::parameter_index(catalog);
    targets.extend(params.keys().copied());
    if let Some(back) = &catalog.back_matter {
        targets.extend(back.resources.iter().map(|r| r.uuid.as_str()));
    }
    fn collect_parts<'a>(parts: &'a [oscal::Part], targets: &mut HashSet<&'a str>) {
        for part in parts {
            if let Some(id) = &part.id {
                targets.insert(id);
            }
            collect_parts(&part.parts, targets);
        }
    }
    fn collect_controls<'a>(
        controls: &'a [oscal::Control],
        path: &str,
        targets: &mut HashSet<&'a str>,
        seen: &mut HashMap<&'a str, String>,
        errors: &mut Vec<FieldError>,
        file: &str,
    ) {
        for (i, control) in controls.iter().enumerate() {
            let here = format!("{path}.controls[{i}]");
            if let Some(first) = seen.insert(&control.id, here.clone()) {
                errors.push(FieldError::new(
                    format!("{file}: {here}.id"),
                    format!(
                        "control id {:?} is used twice (first at {first})",
                        control.id
                    ),
                ));
            }
            targets.insert(&control.id);
            collect_parts(&control.parts, targets);
            collect_controls(&control.controls, &here, targets, seen, errors, file);
        }
    }
    fn collect_groups<'a>(
        groups: &'a [oscal::Group],
        path: &str,
        targets: &mut HashSet<&'a str>,
        seen: &mut HashMap<&'a str, String>,
        errors: &mut Vec<FieldError>,
        file: &str,
    ) {
        for (i, group) in groups.iter().enumerate() {
            let here = format!("{path}.groups[{i}]");
            if let Some(id) = &group.id {
                targets.insert(id);
            }
            collect_parts(&group.parts, targets);
            collect_controls(&group.controls, &here, targets, seen, errors, file);
            collect_groups(&group.groups, &here, targets, seen, errors, file);
        }
    }
    collect_controls(
        &catalog.controls,
        "catalog",
        &mut targets,
        &mut controls_seen,
        &mut errors,
        file,
    );
    collect_groups(
        &catalog.groups,
        "catalog",
        &mut targets,
        &mut controls_seen,
        &mut errors,
        file,
    );

    // Second pass: the references.
    struct Check<'a> {
        check_links: bool,
        targets: &'a HashSet<&'a str>,
        file: &'a str,
        errors: Vec<FieldError>,
    }
    impl Check<'_> {
        fn prose(&mut self, prose: &str, path: &str) {
            for id in inserted_params(prose) {
                if !self.targets.contains(id) {
                    self.errors.push(FieldError::new(
                        format!("{}: {path}", self.file),
                        format!("inserts parameter `{id}`, which the catalog does not define"),
                    ));
                }
            }
        }
        fn links(&mut self, links: &[oscal::Link], path: &str) {
            for (k, link) in links.iter().enumerate() {
                // Only relations between controls must resolve: NIST's own 800-171 rev3 carries
                // `assessment-for` links to statement ids it does not define.
                let structural = matches!(
                    link.rel.as_deref(),
                    Some("related" | "required" | "incorporated-into" | "moved-to")
                );
                if !structural || !self.check_links {
                    continue;
                }
                if let Some(fragment) = link.href.strip_prefix('#') {
                    if !self.targets.contains(fragment) {
                        self.errors.push(FieldError::new(
                            format!("{}: {path}.links[{k}].href", self.file),
                            format!(
                                "`{}` names no control, part, parameter or back-matter resource of this catalog",
                                link.href
                            ),
                        ));
                    }
                }
            }
        }
        fn parts(&mut self, parts: &[oscal::Part], path: &str) {
            for (i, part) in parts.iter().enumerate() {
                let here = format!("{path}.parts[{i}]");
                if let Some(prose) = &part.prose {
                    self.prose(prose, &format!("{here}.prose"));
                }
                self.links(&part.links, &here);
                self.parts(&part.parts, &here);
            }
        }
        fn controls(&mut self, controls: &[oscal::Control], path: &str) {
            for (i, control) in controls.iter().enumerate() {
                let here = format!("{path}.controls[{i}]");
                self.prose(&control.title, &format!("{here}.title"));
                self.links(&control.links, &here);
                self.parts(&control.parts, &here);
                self.controls(&control.controls, &here);
            }
        }
        fn groups(&mut self, groups: &[oscal::Group], path: &str) {
            for (i, group) in groups.iter().enumerate() {
                let here = format!("{path}.groups[{i}]");
                self.links(&group.links, &here);
                self.parts(&group.parts, &here);
                self.controls(&group.controls, &here);
                self.groups(&group.groups, &here);
            }
        }
    }
    let mut check = Check {
        check_links,
        targets: &targets,
        file,
        errors,
    };
    check.controls(&catalog.controls, "catalog");
    check.groups(&catalog.groups, "catalog");
    check.errors
}

/// Statement text of a control: the `statement` part's prose and its items (`a.`, `1.` …),
/// parameters rendered for people.
fn part_text(
    parts: &[oscal::Part],
    name: &str,
    params: &HashMap<&str, &oscal::Parameter>,
) -> String {
    fn lines(
        part: &oscal::Part,
        depth: usize,
        params: &HashMap<&str, &oscal::Parameter>,
        out: &mut Vec<String>,
    ) {
        let label = part
            .props
            .iter()
            .find(|p| p.name == "label")
            .map(|p| format!("{} ", p.value))
            .unwrap_or_default();
        if let Some(prose) = &part.prose {
            let text = sanso_oscal::prose::render_prose(prose, params);
            out.push(format!("{}{label}{}", "  ".repeat(depth), text.trim()));
        }
        for child in &part.parts {
            lines(
                child,
                depth + usize::from(part.prose.is_some()),
                params,
                out,
            );
        }
    }
    let mut out = Vec::new();
    for part in parts.iter().filter(|p| p.name == name) {
        lines(part, 0, params, &mut out);
    }
    out.join("\n")
}

/// Maps an OSCAL catalog into sanso's model: groups → groups (ungrouped controls into one
/// group `controls`), every control and enhancement → a requirement (enhancements right after
/// their control), `statement` → text, `guidance` → guidance, `label`/`class`/`status` props →
/// properties. Scoring is by status with half credit for "partial".
pub fn catalog_from_oscal(
    source: &oscal::Catalog,
    file: &str,
    options: &CatalogImportOptions,
    resolved: bool,
) -> Result<Catalog> {
    let errors = check_oscal_references(source, file, !resolved);
    if !errors.is_empty() {
        return Err(ExchangeError::Invalid(errors));
    }
    let params = sanso_oscal::prose::parameter_index(source);
    let requirement = |control: &oscal::Control| -> Requirement {
        let mut properties = std::collections::BTreeMap::new();
        for prop in &control.props {
            if matches!(prop.name.as_str(), "label" | "status" | "sort-id") && prop.ns.is_none() {
                properties.insert(prop.name.clone(), prop.value.clone());
            }
        }
        if let Some(class) = &control.class {
            properties.insert("class".to_string(), class.clone());
        }
        Requirement {
            id: control.id.clone(),
            title: localized(&sanso_oscal::prose::render_prose(&control.title, &params)),
            text: localized(&part_text(&control.parts, "statement", &params)),
            guidance: localized(&part_text(&control.parts, "guidance", &params)),
            levels: Vec::new(),
            criteria: Vec::new(),
            layers: Vec::new(),
            components: Vec::new(),
            functions: Vec::new(),
            phases: Vec::new(),
            verified: true,
            verification_note: LocalizedText::default(),
            properties,
        }
    };
    fn flatten<'a>(controls: &'a [oscal::Control], out: &mut Vec<&'a oscal::Control>) {
        for c in controls {
            out.push(c);
            flatten(&c.controls, out);
        }
    }
    let mut group_count = 0usize;
    fn group(
        g: &oscal::Group,
        counter: &mut usize,
        requirement: &dyn Fn(&oscal::Control) -> Requirement,
        params: &HashMap<&str, &oscal::Parameter>,
    ) -> Group {
        *counter += 1;
        let mut controls = Vec::new();
        flatten(&g.controls, &mut controls);
        Group {
            id: g.id.clone().unwrap_or_else(|| format!("group-{counter}")),
            title: localized(&sanso_oscal::prose::render_prose(&g.title, params)),
            description: localized(&part_text(&g.parts, "overview", params)),
            function: None,
            verified: true,
            verification_note: LocalizedText::default(),
            properties: Default::default(),
            requirements: controls.into_iter().map(requirement).collect(),
            groups: g
                .groups
                .iter()
                .map(|sub| group(sub, counter, requirement, params))
                .collect(),
        }
    }
    let mut groups: Vec<Group> = source
        .groups
        .iter()
        .map(|g| group(g, &mut group_count, &requirement, &params))
        .collect();
    if !source.controls.is_empty() {
        let mut controls = Vec::new();
        flatten(&source.controls, &mut controls);
        groups.insert(
            0,
            Group {
                id: "controls".to_string(),
                title: LocalizedText::new("管理策", "Controls"),
                description: LocalizedText::default(),
                function: None,
                verified: true,
                verification_note: LocalizedText::default(),
                properties: Default::default(),
                requirements: controls.into_iter().map(requirement).collect(),
                groups: Vec::new(),
            },
        );
    }
    let id = match &options.id {
        Some(id) => id.clone(),
        None => {
            let id = slug(&source.metadata.title);
            if id.is_empty() {
                return Err(ExchangeError::invalid(
                    "id",
                    format!("{file}: the catalog title gives no usable id; give the catalog an id"),
                ));
            }
            id
        }
    };
    let version = options
        .version
        .clone()
        .unwrap_or_else(|| source.metadata.version.clone());
    Ok(Catalog {
        id,
        version,
        title: localized(options.title.as_deref().unwrap_or(&source.metadata.title)),
        source: format!("OSCAL catalog {} ({file})", source.uuid),
        notes: Vec::new(),
        levels: Vec::new(),
        scoring: ScoringScheme {
            method: ScoringMethod::Status {
                partial_credit: 0.5,
            },
            bands: Vec::new(),
            band_basis: Default::default(),
        },
        phases: Vec::new(),
        vocabularies: Vec::new(),
        groups,
    })
}

// ---------------------------------------------------------------------------------------------
// Catalog export
// ---------------------------------------------------------------------------------------------

/// Formats a catalog can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogFormat {
    Oscal,
    Yaml,
    Json,
    Csv,
}

impl CatalogFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "oscal" => Some(CatalogFormat::Oscal),
            "yaml" => Some(CatalogFormat::Yaml),
            "json" => Some(CatalogFormat::Json),
            "csv" => Some(CatalogFormat::Csv),
            _ => None,
        }
    }
    pub fn media_type(self) -> &'static str {
        match self {
            CatalogFormat::Oscal | CatalogFormat::Json => "application/json",
            CatalogFormat::Yaml => "application/yaml",
            CatalogFormat::Csv => "text/csv; charset=utf-8",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            CatalogFormat::Oscal => "oscal.json",
            CatalogFormat::Json => "json",
            CatalogFormat::Yaml => "yaml",
            CatalogFormat::Csv => "csv",
        }
    }
}

/// A sanso id as an OSCAL token: kept when it is one; otherwise every character outside
/// `A-Za-z0-9._-` becomes `_u{hex}` (so distinct ids stay distinct) and an id not starting with
/// a letter or `_` gets `_` in front.
pub fn oscal_token(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            out.push(c);
        } else {
            out.push_str(&format!("_u{:x}", c as u32));
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// One line, no surrounding space (OSCAL property values and titles must be).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text in one language, else the other.
fn either(text: &LocalizedText, prefer: Lang) -> &str {
    match prefer {
        Lang::En if !text.en.is_empty() => &text.en,
        Lang::Ja if !text.ja.is_empty() => &text.ja,
        _ if !text.en.is_empty() => &text.en,
        _ => &text.ja,
    }
}

fn prop(name: &str, value: &str) -> Option<oscal::Property> {
    let value = one_line(value);
    (!value.is_empty()).then(|| oscal::Property {
        ns: Some(SANSO_NS.to_string()),
        ..oscal::Property::new(name, value)
    })
}

fn prose_part(id: String, name: &str, prose: &str) -> Option<oscal::Part> {
    (!prose.trim().is_empty()).then(|| oscal::Part {
        id: Some(id),
        name: name.to_string(),
        prose: Some(prose.trim().to_string()),
        ..oscal::Part::default()
    })
}

fn oscal_control(r: &Requirement) -> oscal::Control {
    let id = oscal_token(&r.id);
    let mut props: Vec<oscal::Property> = Vec::new();
    if id != r.id {
        props.extend(prop("sanso-id", &r.id));
    }
    props.extend(prop("title-ja", &r.title.ja));
    props.extend(prop("title-en", &r.title.en));
    for level in &r.levels {
        props.extend(prop("level", level));
    }
    for layer in &r.layers {
        props.extend(prop("cpsf-layer", layer.as_str()));
    }
    for component in &r.components {
        props.extend(prop("cpsf-component", component.as_str()));
    }
    for function in &r.functions {
        props.extend(prop("cpsf-function", function.as_str()));
    }
    for phase in &r.phases {
        props.extend(prop("phase", phase));
    }
    if !r.verified {
        props.extend(prop("verified", "false"));
    }
    let mut parts = Vec::new();
    parts.extend(prose_part(
        format!("{id}_smt"),
        "statement",
        either(&r.text, Lang::En),
    ));
    if !r.text.ja.is_empty() && !r.text.en.is_empty() {
        parts.extend(
            prose_part(format!("{id}_smt.ja"), "statement-ja", &r.text.ja).map(|p| oscal::Part {
                ns: Some(SANSO_NS.to_string()),
                ..p
            }),
        );
    }
    parts.extend(prose_part(
        format!("{id}_gdn"),
        "guidance",
        either(&r.guidance, Lang::En),
    ));
    if !r.criteria.is_empty() {
        parts.push(oscal::Part {
            id: Some(format!("{id}_obj")),
            name: "assessment-objective".to_string(),
            parts: r
                .criteria
                .iter()
                .filter_map(|c| {
                    prose_part(
                        format!("{id}_obj.{}", oscal_token(&c.id)),
                        "assessment-objective",
                        either(&c.text, Lang::En),
                    )
                })
                .collect(),
            ..oscal::Part::default()
        });
    }
    let title = one_line(either(&r.title, Lang::En));
    oscal::Control {
        id: id.clone(),
        class: None,
        title: if title.is_empty() { id } else { title },
        props,
        parts,
        ..oscal::Control::default()
    }
}

fn oscal_group(g: &Group) -> oscal::Group {
    let id = oscal_token(&g.id);
    let mut props = Vec::new();
    if id != g.id {
        props.extend(prop("sanso-id", &g.id));
    }
    props.extend(prop("title-ja", &g.title.ja));
    props.extend(prop("title-en", &g.title.en));
    if let Some(function) = g.function {
        props.extend(prop("cpsf-function", function.as_str()));
    }
    let title = one_line(either(&g.title, Lang::En));
    oscal::Group {
        id: Some(id.clone()),
        class: None,
        title: if title.is_empty() { id.clone() } else { title },
        props,
        parts: prose_part(
            format!("{id}_ovw"),
            "overview",
            either(&g.description, Lang::En),
        )
        .into_iter()
        .collect(),
        controls: g.requirements.iter().map(oscal_control).collect(),
        groups: g.groups.iter().map(oscal_group).collect(),
        ..oscal::Group::default()
    }
}

/// A sanso catalog as an OSCAL catalog (OSCAL 1.1.2). Bilingual titles are kept as `title-ja` /
/// `title-en` properties (namespace [`SANSO_NS`]); levels, CPSF tags and phases as properties;
/// criteria as `assessment-objective` parts.
pub fn catalog_to_oscal(catalog: &Catalog) -> oscal::Catalog {
    let title = one_line(either(&catalog.title, Lang::En));
    let mut metadata = oscal::Metadata {
        title: if title.is_empty() {
            catalog.id.clone()
        } else {
            title
        },
        last_modified: sanso_oscal::builders::now_timestamp(),
        version: catalog.version.clone(),
        oscal_version: sanso_oscal::builders::OSCAL_VERSION.to_string(),
        ..oscal::Metadata::default()
    };
    metadata.props.extend(prop("sanso-catalog-id", &catalog.id));
    metadata.props.extend(prop("title-ja", &catalog.title.ja));
    oscal::Catalog {
        uuid: uuid::Uuid::new_v4().to_string(),
        metadata,
        groups: catalog.groups.iter().map(oscal_group).collect(),
        ..oscal::Catalog::default()
    }
}

/// The tabular layout's columns, in the order [`catalog_to_csv`] writes them.
const CSV_COLUMNS: [&str; 21] = [
    "framework",
    "version",
    "group_path",
    "group_title_ja",
    "group_title_en",
    "requirement_id",
    "title_ja",
    "title_en",
    "text_ja",
    "text_en",
    "guidance_ja",
    "guidance_en",
    "levels",
    "criteria_ja",
    "criteria_en",
    "layers",
    "components",
    "functions",
    "phases",
    "verified",
    "note",
];

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::new())
}

fn csv_bytes(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>> {
    let mut bytes = vec![0xEF, 0xBB, 0xBF]; // BOM: Excel opens UTF-8 Japanese text correctly
    bytes.extend(
        writer
            .into_inner()
            .map_err(|e| ExchangeError::Internal(format!("CSV: {e}")))?,
    );
    Ok(bytes)
}

/// A catalog as a CSV table in the tabular import layout (FORMAT.md §3): one row per
/// requirement, so the file can be edited and imported again (as a new version).
pub fn catalog_to_csv(catalog: &Catalog) -> Result<Vec<u8>> {
    let mut w = csv_writer();
    let err = |e: csv::Error| ExchangeError::Internal(format!("CSV: {e}"));
    w.write_record(CSV_COLUMNS).map_err(err)?;
    for (path, r) in catalog.requirements() {
        let last = path.last();
        let join = |items: Vec<&str>| items.join(";");
        let criteria = |ja: bool| {
            r.criteria
                .iter()
                .map(|c| {
                    format!(
                        "{}: {}",
                        c.id,
                        one_line(if ja { &c.text.ja } else { &c.text.en })
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let has = |ja: bool| {
            r.criteria
                .iter()
                .all(|c| !(if ja { &c.text.ja } else { &c.text.en }).is_empty())
                && !r.criteria.is_empty()
        };
        let record: [String; 21] = [
            catalog.id.clone(),
            catalog.version.clone(),
            path.iter()
                .map(|g| g.id.as_str())
                .collect::<Vec<_>>()
                .join(" > "),
            last.map(|g| g.title.ja.clone()).unwrap_or_default(),
            last.map(|g| g.title.en.clone()).unwrap_or_default(),
            r.id.clone(),
            r.title.ja.clone(),
            r.title.en.clone(),
            r.text.ja.clone(),
            r.text.en.clone(),
            r.guidance.ja.clone(),
            r.guidance.en.clone(),
            join(r.levels.iter().map(String::as_str).collect()),
            if has(true) {
                criteria(true)
            } else {
                String::new()
            },
            if has(false) {
                criteria(false)
            } else {
                String::new()
            },
            join(r.layers.iter().map(|l| l.as_str()).collect()),
            join(r.components.iter().map(|c| c.as_str()).collect()),
            join(r.functions.iter().map(|f| f.as_str()).collect()),
            join(r.phases.iter().map(String::as_str).collect()),
            r.verified.to_string(),
            either(&r.verification_note, Lang::Ja).to_string(),
        ];
        w.write_record(&record).map_err(err)?;
    }
    csv_bytes(w)
}

/// A catalog in one export format.
pub fn export_catalog(catalog: &Catalog, format: CatalogFormat) -> Result<Vec<u8>> {
    match format {
        CatalogFormat::Yaml => sanso_catalog::yaml::catalog_to_yaml(catalog)
            .map(String::into_bytes)
            .map_err(|e| ExchangeError::Internal(e.to_string())),
        CatalogFormat::Json => {
            serde_json::to_vec_pretty(catalog).map_err(|e| ExchangeError::Internal(e.to_string()))
        }
        CatalogFormat::Csv => catalog_to_csv(catalog),
        CatalogFormat::Oscal => {
            sanso_oscal::to_json_string(&Document::Catalog(catalog_to_oscal(catalog)))
                .map(String::into_bytes)
                .map_err(|e| ExchangeError::Internal(e.to_string()))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Assessment export
// ---------------------------------------------------------------------------------------------

/// Formats an assessment can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentFormat {
    Csv,
    Json,
    OscalAr,
    OscalPoam,
    Xlsx,
}

impl AssessmentFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(AssessmentFormat::Csv),
            "json" => Some(AssessmentFormat::Json),
            "oscal-ar" => Some(AssessmentFormat::OscalAr),
            "oscal-poam" => Some(AssessmentFormat::OscalPoam),
            "xlsx" => Some(AssessmentFormat::Xlsx),
            _ => None,
        }
    }
    pub fn media_type(self) -> &'static str {
        match self {
            AssessmentFormat::Csv => "text/csv; charset=utf-8",
            AssessmentFormat::Json | AssessmentFormat::OscalAr | AssessmentFormat::OscalPoam => {
                "application/json"
            }
            AssessmentFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
    pub fn file_suffix(self) -> &'static str {
        match self {
            AssessmentFormat::Csv => "csv",
            AssessmentFormat::Json => "json",
            AssessmentFormat::OscalAr => "assessment-results.json",
            AssessmentFormat::OscalPoam => "poam.json",
            AssessmentFormat::Xlsx => "xlsx",
        }
    }
}

/// Everything an assessment export needs, read once from the store.
pub struct AssessmentBundle<'a> {
    pub record: &'a AssessmentRecord,
    pub catalog: &'a Catalog,
    pub plan: &'a [PlanItem],
    /// Language of the XLSX questionnaire's labels.
    pub lang: Lang,
}

/// The JSON export: the assessment with its answers, its score report and gaps, and its plan.
#[derive(Serialize)]
struct AssessmentJson<'a> {
    format: &'static str,
    assessment: &'a AssessmentRecord,
    score: &'a ScoreReport,
    gaps: Vec<&'a str>,
    plan_items: &'a [PlanItem],
}

fn score(bundle: &AssessmentBundle) -> Result<ScoreReport> {
    sanso_catalog::score(
        bundle.catalog,
        &bundle.record.answers,
        bundle.record.target_level.as_deref(),
    )
    .map_err(|e| ExchangeError::Internal(format!("stored answers do not fit the catalog: {e:?}")))
}

/// Requirements of the report that are gaps (not met, not "not applicable").
fn gap_ids(report: &ScoreReport) -> Vec<&str> {
    report
        .requirements
        .iter()
        .filter(|r| !r.met && r.status != AnswerStatus::NotApplicable)
        .map(|r| r.requirement_id.as_str())
        .collect()
}

/// One assessment in one export format.
pub fn export_assessment(bundle: &AssessmentBundle, format: AssessmentFormat) -> Result<Vec<u8>> {
    match format {
        AssessmentFormat::Json => {
            let report = score(bundle)?;
            serde_json::to_vec_pretty(&AssessmentJson {
                format: "sanso-assessment/v1",
                assessment: bundle.record,
                gaps: gap_ids(&report),
                score: &report,
                plan_items: bundle.plan,
            })
            .map_err(|e| ExchangeError::Internal(e.to_string()))
        }
        AssessmentFormat::Csv => assessment_csv(bundle),
        AssessmentFormat::OscalAr => {
            let results = oscal_assessment_results(bundle)?;
            sanso_oscal::to_json_string(&Document::AssessmentResults(results))
                .map(String::into_bytes)
                .map_err(|e| ExchangeError::Internal(e.to_string()))
        }
        AssessmentFormat::OscalPoam => {
            let plan = oscal_poam(bundle)?;
            sanso_oscal::to_json_string(&Document::PlanOfActionAndMilestones(plan))
                .map(String::into_bytes)
                .map_err(|e| ExchangeError::Internal(e.to_string()))
        }
        AssessmentFormat::Xlsx => sanso_catalog::questionnaire::export(
            bundle.catalog,
            bundle.record.target_level.as_deref(),
            &bundle.record.answers,
            bundle.lang,
        )
        .map_err(|e| ExchangeError::Internal(e.to_string())),
    }
}

/// One row per requirement in scope: where it sits, its answer and its score.
fn assessment_csv(bundle: &AssessmentBundle) -> Result<Vec<u8>> {
    let report = score(bundle)?;
    let err = |e: csv::Error| ExchangeError::Internal(format!("CSV: {e}"));
    let places: HashMap<&str, (String, &Requirement)> = bundle
        .catalog
        .requirements()
        .into_iter()
        .map(|(path, r)| {
            (
                r.id.as_str(),
                (
                    path.iter()
                        .map(|g| g.id.as_str())
                        .collect::<Vec<_>>()
                        .join(" > "),
                    r,
                ),
            )
        })
        .collect();
    let answers: HashMap<&str, &sanso_catalog::Answer> = bundle
        .record
        .answers
        .iter()
        .map(|a| (a.requirement_id.as_str(), a))
        .collect();
    let mut w = csv_writer();
    w.write_record([
        "requirement_id",
        "group_path",
        "title_ja",
        "title_en",
        "status",
        "score",
        "points",
        "max_points",
        "met",
        "comment",
        "evidence",
        "owner",
        "due",
    ])
    .map_err(err)?;
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for r in &report.requirements {
        let (path, requirement) = places
            .get(r.requirement_id.as_str())
            .map(|(p, q)| (p.as_str(), Some(*q)))
            .unwrap_or(("", None));
        let answer = answers.get(r.requirement_id.as_str());
        w.write_record([
            r.requirement_id.as_str(),
            path,
            requirement.map(|q| q.title.ja.as_str()).unwrap_or(""),
            requirement.map(|q| q.title.en.as_str()).unwrap_or(""),
            r.status.key(),
            &number(answer.and_then(|a| a.score)),
            &number(r.points),
            &number(r.max_points),
            if r.met { "true" } else { "false" },
            answer.map(|a| a.comment.as_str()).unwrap_or(""),
            &answer.map(|a| a.evidence.join("\n")).unwrap_or_default(),
            answer.and_then(|a| a.owner.as_deref()).unwrap_or(""),
            answer.and_then(|a| a.due.as_deref()).unwrap_or(""),
        ])
        .map_err(err)?;
    }
    csv_bytes(w)
}

fn doc_info(bundle: &AssessmentBundle, what: &str) -> DocumentInfo {
    DocumentInfo {
        title: one_line(&format!("{what}: {}", bundle.record.title)),
        version: bundle.record.updated_at.clone(),
        last_modified: None,
    }
}

/// The findings of an assessment: one per requirement in scope, satisfied when met.
fn findings(bundle: &AssessmentBundle, report: &ScoreReport) -> Vec<ControlFinding> {
    let answers: HashMap<&str, &sanso_catalog::Answer> = bundle
        .record
        .answers
        .iter()
        .map(|a| (a.requirement_id.as_str(), a))
        .collect();
    report
        .requirements
        .iter()
        .filter(|r| r.status != AnswerStatus::NotApplicable)
        .map(|r| {
            let requirement = bundle.catalog.find_requirement(&r.requirement_id);
            let title = requirement
                .map(|q| one_line(either(&q.title, Lang::En)))
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| r.requirement_id.clone());
            let label = r.status.label();
            let answer = answers.get(r.requirement_id.as_str());
            let observations = answer
                .map(|a| {
                    let mut description = format!("{} / {}", label.en, label.ja);
                    if !a.comment.trim().is_empty() {
                        description.push_str(&format!("\n\n{}", a.comment.trim()));
                    }
                    for e in &a.evidence {
                        description.push_str(&format!("\n\n- evidence: {e}"));
                    }
                    vec![ObservationInput {
                        title: Some(format!("{}: {}", r.requirement_id, label.en)),
                        description,
                        methods: vec!["EXAMINE".to_string()],
                        collected: bundle.record.updated_at.clone(),
                    }]
                })
                .unwrap_or_default();
            ControlFinding {
                control_id: oscal_token(&r.requirement_id),
                objective_id: None,
                title,
                description: format!("{}: {} / {}", r.requirement_id, label.en, label.ja),
                state: if r.met {
                    FindingState::Satisfied
                } else {
                    FindingState::NotSatisfied
                },
                remarks: answer
                    .map(|a| a.comment.trim().to_string())
                    .filter(|c| !c.is_empty()),
                observations,
            }
        })
        .collect()
}

fn result_input(bundle: &AssessmentBundle, report: &ScoreReport) -> ResultInput {
    let catalog = bundle.catalog;
    ResultInput {
        title: one_line(&bundle.record.title),
        description: format!(
            "Assessment against {} version {}{} ({}).",
            catalog.id,
            catalog.version,
            bundle
                .record
                .target_level
                .as_deref()
                .map(|l| format!(", level {l}"))
                .unwrap_or_default(),
            bundle.record.state.as_str()
        ),
        start: bundle.record.created_at.clone(),
        end: (bundle.record.state == sanso_store::assessments::AssessmentState::Approved)
            .then(|| bundle.record.updated_at.clone()),
        findings: findings(bundle, report),
    }
}

/// OSCAL assessment-results of an assessment: one result; one finding per requirement in
/// scope (not-applicable ones left out), with one observation per answer.
pub fn oscal_assessment_results(bundle: &AssessmentBundle) -> Result<oscal::AssessmentResults> {
    let report = score(bundle)?;
    assessment_results(
        &doc_info(bundle, "Assessment results"),
        &format!("#{}", bundle.record.id),
        &[result_input(bundle, &report)],
    )
    .map_err(|e| ExchangeError::Internal(e.to_string()))
}

/// OSCAL POA&M of an assessment: the not-satisfied findings, one item per plan item (linked to
/// its requirement's finding; due date, measure as a remediation, status and priority as
/// properties) and one `recommendation` item per gap that has no plan item yet.
pub fn oscal_poam(bundle: &AssessmentBundle) -> Result<oscal::PlanOfActionAndMilestones> {
    let report = score(bundle)?;
    // Build the findings through the AR builder so their uuids and observations are real.
    let results = assessment_results(
        &doc_info(bundle, "Assessment results"),
        &format!("#{}", bundle.record.id),
        &[result_input(bundle, &report)],
    )
    .map_err(|e| ExchangeError::Internal(e.to_string()))?;
    let result = results
        .results
        .into_iter()
        .next()
        .ok_or_else(|| ExchangeError::Internal("no result built".into()))?;
    let failing: Vec<oscal::Finding> = result
        .findings
        .into_iter()
        .filter(|f| f.target.status.state == "not-satisfied")
        .collect();
    let finding_of = |requirement_id: &str| -> Option<String> {
        let token = oscal_token(requirement_id);
        failing
            .iter()
            .find(|f| f.target.target_id == token)
            .map(|f| f.uuid.clone())
    };
    let mut inputs = Vec::new();
    let mut item_props: Vec<Vec<oscal::Property>> = Vec::new();
    let mut statuses: Vec<Option<PlanStatus>> = Vec::new();
    for item in bundle.plan {
        let related = item
            .requirement_id
            .as_deref()
            .and_then(finding_of)
            .into_iter()
            .collect();
        inputs.push(PoamItemInput {
            title: one_line(&item.measure),
            description: if item.remarks.trim().is_empty() {
                item.measure.clone()
            } else {
                item.remarks.clone()
            },
            related_findings: related,
            due: item.due.as_ref().map(|d| format!("{d}T23:59:59Z")),
            remediation: Some(RemediationInput {
                title: one_line(&item.measure),
                description: item.measure.clone(),
                lifecycle: match item.status {
                    PlanStatus::Done => "completed",
                    _ => "planned",
                }
                .to_string(),
            }),
        });
        let mut props = Vec::new();
        props.extend(prop("priority", item.priority.as_str()));
        props.extend(prop("plan-status", item.status.as_str()));
        props.extend(item.owner.as_deref().and_then(|o| prop("owner", o)));
        props.extend(item.cost.and_then(|c| prop("cost", &c.to_string())));
        props.extend(prop("plan-item-id", &item.id));
        if let Some(r) = &item.requirement_id {
            props.extend(prop("requirement-id", r));
        }
        item_props.push(props);
        statuses.push(Some(item.status));
    }
    let planned: HashSet<&str> = bundle
        .plan
        .iter()
        .filter_map(|p| p.requirement_id.as_deref())
        .collect();
    for gap in gap_ids(&report) {
        if planned.contains(gap) {
            continue;
        }
        let title = bundle
            .catalog
            .find_requirement(gap)
            .map(|q| one_line(either(&q.title, Lang::En)))
            .unwrap_or_default();
        inputs.push(PoamItemInput {
            title: one_line(&format!("{gap}: {title}")),
            description: format!("Requirement {gap} is not met and no measure is planned yet."),
            related_findings: finding_of(gap).into_iter().collect(),
            due: None,
            remediation: Some(RemediationInput {
                title: one_line(&format!("Meet {gap}")),
                description: format!("Plan a measure that meets requirement {gap}."),
                lifecycle: "recommendation".to_string(),
            }),
        });
        let mut props = Vec::new();
        props.extend(prop("requirement-id", gap));
        item_props.push(props);
        statuses.push(None);
    }
    if inputs.is_empty() {
        return Err(ExchangeError::invalid(
            "format",
            "nothing to put in a POA&M: the assessment has no gaps and no plan items",
        ));
    }
    let mut plan = poam(
        &doc_info(bundle, "Plan of action and milestones"),
        Some(&bundle.record.id),
        &failing,
        &result.observations,
        &inputs,
    )
    .map_err(|e| ExchangeError::Internal(e.to_string()))?;
    // Every input has a remediation, so the builder made exactly one risk per item, in order.
    for (i, (props, status)) in item_props.into_iter().zip(statuses).enumerate() {
        if let Some(item) = plan.poam_items.get_mut(i) {
            item.props = props;
        }
        if let (Some(risk), Some(status)) = (plan.risks.get_mut(i), status) {
            risk.status = match status {
                PlanStatus::Planned => "open",
                PlanStatus::InProgress => "remediating",
                PlanStatus::Done | PlanStatus::Cancelled => "closed",
            }
            .to_string();
        }
    }
    Ok(plan)
}

/// An XLSX report for management: `Summary` (score, band, levels attained), `Groups` (per
/// group: met / in scope, percentage), `Gaps` (requirements not met) and `Plan` (plan items).
/// Labels in `bundle.lang`. The editable DOCX report is the report crate's job.
pub fn report_xlsx(bundle: &AssessmentBundle) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format as Cell, Workbook};
    let report = score(bundle)?;
    let ja = bundle.lang == Lang::Ja;
    let t = |ja_text: &'static str, en_text: &'static str| if ja { ja_text } else { en_text };
    let err = |e: rust_xlsxwriter::XlsxError| ExchangeError::Internal(format!("XLSX: {e}"));
    let bold = Cell::new().set_bold();
    let mut book = Workbook::new();

    let sheet = book.add_worksheet();
    sheet.set_name(t("概要", "Summary")).map_err(err)?;
    sheet.set_column_width(0, 28).map_err(err)?;
    sheet.set_column_width(1, 60).map_err(err)?;
    let overall = &report.overall;
    let rows: Vec<(&str, String)> = vec![
        (t("評価", "Assessment"), bundle.record.title.clone()),
        (
            t("カタログ", "Catalog"),
            format!(
                "{} ({} {})",
                either(&bundle.catalog.title, bundle.lang),
                bundle.catalog.id,
                bundle.catalog.version
            ),
        ),
        (
            t("目標レベル", "Target level"),
            bundle.record.target_level.clone().unwrap_or_default(),
        ),
        (t("状態", "State"), bundle.record.state.as_str().to_string()),
        (
            t("得点", "Score"),
            format!("{} / {}", overall.total, overall.max),
        ),
        (
            t("達成率 (%)", "Percentage"),
            overall
                .percentage
                .map(|p| format!("{p:.1}"))
                .unwrap_or_default(),
        ),
        (
            t("充足した要求事項", "Requirements met"),
            format!("{} / {}", overall.met, overall.requirements),
        ),
        (
            t("判定", "Band"),
            report
                .band
                .as_ref()
                .map(|b| either(&b.label, bundle.lang).to_string())
                .unwrap_or_default(),
        ),
        (
            t("達成したレベル", "Levels attained"),
            report.levels_attained.join(", "),
        ),
    ];
    for (i, (label, value)) in rows.iter().enumerate() {
        sheet
            .write_string_with_format(i as u32, 0, *label, &bold)
            .map_err(err)?;
        sheet.write_string(i as u32, 1, value).map_err(err)?;
    }

    let sheet = book.add_worksheet();
    sheet.set_name(t("グループ別", "Groups")).map_err(err)?;
    let heads = [
        t("グループ", "Group"),
        t("名称", "Title"),
        t("充足", "Met"),
        t("対象", "In scope"),
        t("達成率 (%)", "Percentage"),
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (i, g) in report.groups.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &g.group_id).map_err(err)?;
        sheet
            .write_string(row, 1, either(&g.title, bundle.lang))
            .map_err(err)?;
        sheet
            .write_number(row, 2, g.aggregate.met as f64)
            .map_err(err)?;
        sheet
            .write_number(row, 3, g.aggregate.requirements as f64)
            .map_err(err)?;
        if let Some(p) = g.aggregate.percentage {
            sheet
                .write_number(row, 4, (p * 10.0).round() / 10.0)
                .map_err(err)?;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name(t("ギャップ", "Gaps")).map_err(err)?;
    for (c, h) in [
        t("要求事項", "Requirement"),
        t("名称", "Title"),
        t("回答", "Answer"),
    ]
    .iter()
    .enumerate()
    {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    let statuses: HashMap<&str, AnswerStatus> = report
        .requirements
        .iter()
        .map(|r| (r.requirement_id.as_str(), r.status))
        .collect();
    for (i, gap) in gap_ids(&report).into_iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, gap).map_err(err)?;
        if let Some(q) = bundle.catalog.find_requirement(gap) {
            sheet
                .write_string(row, 1, either(&q.title, bundle.lang))
                .map_err(err)?;
        }
        if let Some(status) = statuses.get(gap) {
            sheet
                .write_string(row, 2, status.label().get(bundle.lang))
                .map_err(err)?;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name(t("計画", "Plan")).map_err(err)?;
    let heads = [
        t("対策", "Measure"),
        t("要求事項", "Requirement"),
        t("担当", "Owner"),
        t("期限", "Due"),
        t("費用", "Cost"),
        t("優先度", "Priority"),
        t("状況", "Status"),
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (i, item) in bundle.plan.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &item.measure).map_err(err)?;
        sheet
            .write_string(row, 1, item.requirement_id.as_deref().unwrap_or(""))
            .map_err(err)?;
        sheet
            .write_string(row, 2, item.owner.as_deref().unwrap_or(""))
            .map_err(err)?;
        sheet
            .write_string(row, 3, item.due.as_deref().unwrap_or(""))
            .map_err(err)?;
        if let Some(cost) = item.cost {
            sheet.write_number(row, 4, cost).map_err(err)?;
        }
        sheet
            .write_string(row, 5, item.priority.as_str())
            .map_err(err)?;
        sheet
            .write_string(row, 6, item.status.as_str())
            .map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_valid_ids_and_encode_the_rest() {
        assert_eq!(oscal_token("CPS.AM-1"), "CPS.AM-1");
        assert_eq!(oscal_token("1"), "_1");
        assert_eq!(oscal_token("★3-1"), "_u26053-1");
        assert_ne!(oscal_token("a b"), oscal_token("a_b"));
    }

    #[test]
    fn param_insertions_are_found() {
        assert_eq!(
            inserted_params("x {{ insert: param, ac-1_prm_1 }} y {{insert: param,b}}"),
            vec!["ac-1_prm_1", "b"]
        );
    }

    #[test]
    fn slugs_are_plain() {
        assert_eq!(slug("NIST SP 800-53 Rev 5"), "nist-sp-800-53-rev-5");
    }
}
