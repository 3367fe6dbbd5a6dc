//! Profile resolution after NIST's "OSCAL Profile Resolution" specification: a profile plus the
//! catalogs (or profiles) it imports becomes one catalog.
//!
//! The phases, in the specification's order:
//!
//! 1. **Import.** Each `import/@href` is located: `#uuid` names a back-matter resource of the
//!    profile, whose first `rlink` that exists is followed (or its `base64` content); other hrefs
//!    are paths relative to the importing file (`file://` URIs too; remote URLs are refused —
//!    resolution never touches the network). When the named file does not exist but a sibling
//!    with the same stem in another OSCAL format does (`…catalog.xml` → `…catalog.json`), that
//!    sibling is used. An imported profile is resolved first (recursively). Where the
//!    specification lets a processor drop an unavailable or circular import with a warning, this
//!    resolver stops with a typed error instead: a missing catalog is never silently ignored.
//! 2. **Select.** `include-all`, or the union of `include-controls` (`with-ids`, glob `matching`
//!    patterns with `*` and `?`, `with-child-controls="yes"` adding the *direct* children),
//!    minus `exclude-controls` (exclusion wins). An import without an include directive takes
//!    everything. A `with-id` naming no control is an error; a `matching` pattern that matches
//!    nothing is not.
//! 3. **Merge.** Structure: `as-is` keeps the source groups (merged by id across imports) and
//!    nesting — an unselected control whose descendants are selected comes along with its
//!    content ("implicit inclusion"); groups without selected content are dropped. Without
//!    `as-is`/`custom` the result is flat: selected controls in document order, enhancements
//!    un-nested. `custom` builds the profile's own groups, filled by `insert-controls`
//!    selections (order `keep`, or `ascending`/`descending` by `sort-id` prop, else id); a
//!    control inserted with selected children keeps them nested; selected controls no
//!    `insert-controls` places are dropped. Clashes (`combine/@method`): `keep` (the default)
//!    keeps every copy, `use-first` the first in import order, `merge` folds later copies into
//!    the first (their params/props/links/parts not already present are appended).
//! 4. **Modify.** `set-parameter`: label, usage, class, depends-on replace; `values` or `select`
//!    replaces *both* values and select; props, links, constraints, guidelines are appended.
//!    Each `alter` removes first (params, props, links, parts at any depth of the control — not
//!    child controls — matching all of the given by-name, by-class, by-id, by-item-name, by-ns),
//!    then adds: without `by-id` at the start/end of the control's lists (`before`/`after` count
//!    as `starting`/`ending`); with `by-id` naming a param or part, `starting`/`ending` inside it,
//!    `before`/`after` as its siblings (params and parts as siblings, props and links into the
//!    container). Unknown controls, parameters and add targets are errors.
//! 5. **Finish.** Metadata: the profile's, with a new `last-modified`, a
//!    `resolution-timestamp` prop and links `resolution-source` and `source-profile` to the
//!    profile, placed before the profile's own. Loose parameters (catalog or group level) are
//!    kept only if some `{{ insert: param, … }}` in the result names them (group-level ones move
//!    to the top when the result is flat or custom). Back-matter: resources from the imports (in
//!    import order) then the profile's, kept if cited (`#uuid` anywhere in the metadata or body)
//!    or marked `keep=always`; of resources sharing a uuid the last one wins.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::document::{parse_document, read_document, Document, Format};
use crate::error::{OscalError, Result};
use crate::model::{
    Add, Alter, BackMatter, Catalog, Control, ControlSelection, Custom, CustomGroup, Group, Import,
    InsertControls, Link, Parameter, Part, Profile, Property, Remove, Resource, SetParameter,
};

/// Options for [`resolve_profile_with`].
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// RFC 3339 timestamp for `last-modified` and `resolution-timestamp`; now (UTC) when `None`.
    pub timestamp: Option<String>,
    /// UUID of the resolved catalog; a random v4 UUID when `None`.
    pub uuid: Option<String>,
}

/// Resolves the profile in `path` (JSON, XML or YAML) into a catalog.
pub fn resolve_profile(path: &Path) -> Result<Catalog> {
    resolve_profile_with(path, &ResolveOptions::default())
}

/// Resolves the profile in `path` with explicit options.
pub fn resolve_profile_with(path: &Path, options: &ResolveOptions) -> Result<Catalog> {
    let profile = match read_document(path)? {
        Document::Profile(p) => p,
        other => {
            return Err(OscalError::WrongDocumentType {
                file: path.to_path_buf(),
                expected: "profile",
                found: other.root_name().to_string(),
            })
        }
    };
    let mut stack = vec![canonical(path)];
    resolve_loaded(&profile, path, &mut stack, &mut HashMap::new(), options)
}

/// Resolves an already parsed profile; `path` locates relative imports and names errors.
pub fn resolve_loaded_profile(
    profile: &Profile,
    path: &Path,
    options: &ResolveOptions,
) -> Result<Catalog> {
    let mut stack = vec![canonical(path)];
    resolve_loaded(profile, path, &mut stack, &mut HashMap::new(), options)
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn now_rfc3339() -> String {
    // Formatting a UTC timestamp as RFC 3339 cannot fail for years 0..=9999.
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Where an import's content comes from.
enum ImportSource {
    File(PathBuf),
    Embedded { text: String, name: PathBuf },
}

/// Documents already read during this resolution, by canonical path: a profile importing the
/// same catalog several times (or profiles sharing one) parses it once.
type DocumentCache = HashMap<PathBuf, Document>;

fn resolve_loaded(
    profile: &Profile,
    path: &Path,
    stack: &mut Vec<PathBuf>,
    cache: &mut DocumentCache,
    options: &ResolveOptions,
) -> Result<Catalog> {
    let merge = profile.merge.clone().unwrap_or_default();
    let structure = if merge.custom.is_some() {
        Structure::Custom
    } else if merge.as_is == Some(true) {
        Structure::AsIs
    } else {
        Structure::Flat
    };
    let combine = match merge.combine.as_ref().and_then(|c| c.method.as_deref()) {
        Some("use-first") => CombineRule::UseFirst,
        Some("merge") => CombineRule::Merge,
        // `keep` is the specification's default: clashing controls are all kept.
        _ => CombineRule::Keep,
    };

    let mut merged = Catalog::default();
    let mut imported_resources: Vec<Resource> = Vec::new();
    let mut seen_ids: HashSet<String> = HashSet::new();

    for (index, import) in profile.imports.iter().enumerate() {
        let json_path = format!("profile.imports[{index}]");
        let (catalog, source_name) =
            load_import(profile, path, import, &json_path, stack, cache, options)?;
        let selected = select_controls(&catalog, import, path, &json_path, &source_name)?;
        // Under as-is, unselected ancestors of selected controls come along (with their
        // content); otherwise selected descendants take their place.
        let implicit_ancestors = matches!(structure, Structure::AsIs);
        let mut filtered = filter_catalog(&catalog, &selected, implicit_ancestors);
        match combine {
            CombineRule::Keep => {}
            CombineRule::UseFirst => drop_seen(&mut filtered, &mut seen_ids),
            CombineRule::Merge => absorb_duplicates(&mut filtered, &mut merged, &mut seen_ids),
        }
        match structure {
            Structure::AsIs | Structure::Custom => merge_as_is(&mut merged, filtered),
            Structure::Flat => {
                // Group-level (loose) parameters lose their groups; they move to the top.
                collect_group_params(&filtered.groups, &mut merged.params);
                let mut flat = Vec::new();
                flatten_catalog(filtered, &mut flat);
                merged.controls.extend(flat);
            }
        }
        // Catalog-level parameters may be inserted into selected controls; kept if referenced below.
        merged.params.extend(catalog.params.iter().cloned());
        if let Some(back_matter) = &catalog.back_matter {
            imported_resources.extend(back_matter.resources.iter().cloned());
        }
    }

    if let Some(custom) = &merge.custom {
        let mut pool = std::mem::take(&mut merged);
        merged = build_custom(custom, &pool, path, "profile.merge.custom")?;
        // Loose parameters of the source groups stay available at the top level.
        collect_group_params(&pool.groups, &mut pool.params);
        merged.params = pool.params;
    }

    if let Some(modify) = &profile.modify {
        for (index, set) in modify.set_parameters.iter().enumerate() {
            let json_path = format!("profile.modify.set-parameters[{index}]");
            apply_set_parameter(&mut merged, set, path, &json_path)?;
        }
        for (index, alter) in modify.alters.iter().enumerate() {
            let json_path = format!("profile.modify.alters[{index}]");
            apply_alter(&mut merged, alter, path, &json_path)?;
        }
    }

    prune_unreferenced_loose_params(&mut merged);

    let timestamp = options.timestamp.clone().unwrap_or_else(now_rfc3339);
    let mut metadata = profile.metadata.clone();
    metadata.last_modified = timestamp.clone();
    // The specification puts the new prop and link before the profile's own.
    metadata
        .props
        .insert(0, Property::new("resolution-timestamp", timestamp));
    let source_href = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    // `resolution-source` is the specification's rel; `source-profile` the one NIST's Java
    // resolver writes. Both point at the profile so either reader finds it.
    metadata
        .links
        .insert(0, Link::new(source_href.clone(), "source-profile"));
    metadata
        .links
        .insert(0, Link::new(source_href, "resolution-source"));
    merged.metadata = metadata;
    merged.uuid = options
        .uuid
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());

    merged.back_matter = resolved_back_matter(&merged, imported_resources, profile)?;
    Ok(merged)
}

#[derive(Clone, Copy)]
enum Structure {
    AsIs,
    Flat,
    Custom,
}

/// What to do with clashing controls (same id from several imports).
#[derive(Clone, Copy)]
enum CombineRule {
    Keep,
    UseFirst,
    Merge,
}

fn collect_group_params(groups: &[Group], out: &mut Vec<Parameter>) {
    for group in groups {
        out.extend(group.params.iter().cloned());
        collect_group_params(&group.groups, out);
    }
}

fn load_import(
    profile: &Profile,
    profile_path: &Path,
    import: &Import,
    json_path: &str,
    stack: &mut Vec<PathBuf>,
    cache: &mut DocumentCache,
    options: &ResolveOptions,
) -> Result<(Catalog, PathBuf)> {
    let href_path = format!("{json_path}.href");
    let source = locate_import(profile, profile_path, &import.href, &href_path)?;
    let (document, name) = match source {
        ImportSource::File(file) => {
            let key = canonical(&file);
            if stack.contains(&key) {
                let mut chain = stack.clone();
                chain.push(key);
                return Err(OscalError::ImportCycle { chain });
            }
            let document = match cache.get(&key) {
                Some(document) => document.clone(),
                None => {
                    let document = read_document(&file)?;
                    cache.insert(key, document.clone());
                    document
                }
            };
            (document, file)
        }
        ImportSource::Embedded { text, name } => {
            // Embedded content can import itself through its own back-matter, too.
            let key = canonical(&name);
            if stack.contains(&key) {
                let mut chain = stack.clone();
                chain.push(key);
                return Err(OscalError::ImportCycle { chain });
            }
            let format = Format::from_path(&name)
                .or_else(|| Format::sniff(&text))
                .ok_or_else(|| OscalError::UnknownFormat { file: name.clone() })?;
            (parse_document(&text, format, &name)?, name)
        }
    };
    match document {
        Document::Catalog(catalog) => Ok((catalog, name)),
        Document::Profile(imported) => {
            stack.push(canonical(&name));
            let nested_options = ResolveOptions {
                timestamp: options.timestamp.clone(),
                uuid: None,
            };
            let resolved = resolve_loaded(&imported, &name, stack, cache, &nested_options);
            stack.pop();
            Ok((resolved?, name))
        }
        other => Err(OscalError::WrongDocumentType {
            file: name,
            expected: "catalog or profile",
            found: other.root_name().to_string(),
        }),
    }
}

fn is_remote(href: &str) -> bool {
    match href.split_once("://") {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+')
        }
        None => false,
    }
}

fn locate_import(
    profile: &Profile,
    profile_path: &Path,
    href: &str,
    json_path: &str,
) -> Result<ImportSource> {
    let base_dir = profile_path.parent().unwrap_or_else(|| Path::new("."));
    if let Some(uuid) = href.strip_prefix('#') {
        let resource = profile
            .back_matter
            .as_ref()
            .and_then(|b| b.resources.iter().find(|r| r.uuid == uuid))
            .ok_or_else(|| OscalError::BadResourceReference {
                file: profile_path.to_path_buf(),
                json_path: json_path.to_string(),
                href: href.to_string(),
                message: "no back-matter resource has this uuid".to_string(),
            })?;
        let mut tried = Vec::new();
        for rlink in &resource.rlinks {
            if is_remote(&rlink.href) && !rlink.href.starts_with("file://") {
                continue;
            }
            match find_local_file(base_dir, &rlink.href) {
                Ok(found) => return Ok(ImportSource::File(found)),
                Err(mut t) => tried.append(&mut t),
            }
        }
        if let Some(base64) = &resource.base64 {
            let name = base64
                .filename
                .clone()
                .unwrap_or_else(|| format!("{uuid}.json"));
            let text =
                decode_base64(&base64.value).ok_or_else(|| OscalError::BadResourceReference {
                    file: profile_path.to_path_buf(),
                    json_path: json_path.to_string(),
                    href: href.to_string(),
                    message: "back-matter base64 content is not valid base64 UTF-8".to_string(),
                })?;
            return Ok(ImportSource::Embedded {
                text,
                name: base_dir.join(name),
            });
        }
        if tried.is_empty() {
            return Err(OscalError::BadResourceReference {
                file: profile_path.to_path_buf(),
                json_path: json_path.to_string(),
                href: href.to_string(),
                message: "back-matter resource has no local rlink or base64 content".to_string(),
            });
        }
        return Err(OscalError::ImportNotFound {
            file: profile_path.to_path_buf(),
            json_path: json_path.to_string(),
            href: href.to_string(),
            tried,
        });
    }
    if is_remote(href) && !href.starts_with("file://") {
        return Err(OscalError::UnsupportedHref {
            file: profile_path.to_path_buf(),
            json_path: json_path.to_string(),
            href: href.to_string(),
            reason: "remote imports are not fetched; download the catalog next to the profile"
                .to_string(),
        });
    }
    find_local_file(base_dir, href)
        .map(ImportSource::File)
        .map_err(|tried| OscalError::ImportNotFound {
            file: profile_path.to_path_buf(),
            json_path: json_path.to_string(),
            href: href.to_string(),
            tried,
        })
}

/// The file `href` names relative to `base_dir`, else a same-stem sibling in another OSCAL format.
fn find_local_file(base_dir: &Path, href: &str) -> std::result::Result<PathBuf, Vec<PathBuf>> {
    let relative = href.strip_prefix("file://").unwrap_or(href);
    // Drop a fragment or query; a catalog file is addressed as a whole.
    let relative = relative.split(['#', '?']).next().unwrap_or(relative);
    let relative = percent_decode(relative);
    let candidate = base_dir.join(&relative);
    if candidate.is_file() {
        return Ok(candidate);
    }
    let mut tried = vec![candidate.clone()];
    for format in [Format::Json, Format::Xml, Format::Yaml] {
        for ext in format.extensions() {
            let sibling = candidate.with_extension(ext);
            if sibling == candidate {
                continue;
            }
            if sibling.is_file() {
                return Ok(sibling);
            }
            tried.push(sibling);
        }
    }
    Err(tried)
}

/// Decodes `%XX` escapes of a URI reference path (spaces in file names are common).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Decodes embedded back-matter content (standard base64; whitespace, e.g. line breaks, skipped).
fn decode_base64(text: &str) -> Option<String> {
    use base64::Engine as _;
    let clean: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(clean)
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// `*` any run, `?` one character — the glob dialect of `matching/@pattern`.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Every control id with the ids of its direct children.
struct ControlIndex<'a> {
    /// id → direct children's ids (document order).
    children: HashMap<&'a str, Vec<&'a str>>,
    /// all ids in document order.
    order: Vec<&'a str>,
}

impl<'a> ControlIndex<'a> {
    fn new(catalog: &'a Catalog) -> Self {
        let mut index = ControlIndex {
            children: HashMap::new(),
            order: Vec::new(),
        };
        for control in catalog.all_controls() {
            index.order.push(control.id.as_str());
            let kids = control.controls.iter().map(|c| c.id.as_str()).collect();
            index.children.insert(control.id.as_str(), kids);
        }
        index
    }
}

fn apply_selection<'a>(
    index: &ControlIndex<'a>,
    selection: &'a ControlSelection,
    into: &mut HashSet<String>,
    missing: &mut Vec<(usize, &'a str)>,
) {
    let with_children = selection.with_child_controls.as_deref() == Some("yes");
    let add = |id: &str, into: &mut HashSet<String>| {
        into.insert(id.to_string());
        // The specification: "direct children not all descendants".
        if with_children {
            if let Some(kids) = index.children.get(id) {
                into.extend(kids.iter().map(|k| k.to_string()));
            }
        }
    };
    for (k, id) in selection.with_ids.iter().enumerate() {
        if index.children.contains_key(id.as_str()) {
            add(id, into);
        } else {
            missing.push((k, id.as_str()));
        }
    }
    for matching in &selection.matching {
        for id in &index.order {
            if glob_matches(&matching.pattern, id) {
                add(id, into);
            }
        }
    }
}

fn select_controls(
    catalog: &Catalog,
    import: &Import,
    profile_path: &Path,
    json_path: &str,
    source: &Path,
) -> Result<HashSet<String>> {
    let index = ControlIndex::new(catalog);
    let mut included: HashSet<String> = HashSet::new();
    if import.include_all.is_some() || import.include_controls.is_empty() {
        included.extend(index.order.iter().map(|s| s.to_string()));
    }
    for (j, selection) in import.include_controls.iter().enumerate() {
        let mut missing = Vec::new();
        apply_selection(&index, selection, &mut included, &mut missing);
        if let Some((k, id)) = missing.first() {
            return Err(OscalError::UnknownControl {
                file: profile_path.to_path_buf(),
                json_path: format!("{json_path}.include-controls[{j}].with-ids[{k}]"),
                control_id: id.to_string(),
                source_file: source.to_path_buf(),
            });
        }
    }
    let mut excluded: HashSet<String> = HashSet::new();
    for (j, selection) in import.exclude_controls.iter().enumerate() {
        let mut missing = Vec::new();
        apply_selection(&index, selection, &mut excluded, &mut missing);
        if let Some((k, id)) = missing.first() {
            return Err(OscalError::UnknownControl {
                file: profile_path.to_path_buf(),
                json_path: format!("{json_path}.exclude-controls[{j}].with-ids[{k}]"),
                control_id: id.to_string(),
                source_file: source.to_path_buf(),
            });
        }
    }
    Ok(included.difference(&excluded).cloned().collect())
}

/// The catalog's group/control tree with only selected controls (structure kept).
/// `implicit_ancestors`: an unselected control with selected descendants is kept around them
/// (as-is merging); otherwise its selected descendants take its place.
fn filter_catalog(
    catalog: &Catalog,
    selected: &HashSet<String>,
    implicit_ancestors: bool,
) -> Catalog {
    Catalog {
        controls: filter_controls(&catalog.controls, selected, implicit_ancestors),
        groups: catalog
            .groups
            .iter()
            .filter_map(|g| filter_group(g, selected, implicit_ancestors))
            .collect(),
        ..Catalog::default()
    }
}

fn filter_controls(
    controls: &[Control],
    selected: &HashSet<String>,
    implicit_ancestors: bool,
) -> Vec<Control> {
    let mut out = Vec::new();
    for control in controls {
        let children = filter_controls(&control.controls, selected, implicit_ancestors);
        let keep = selected.contains(&control.id) || (implicit_ancestors && !children.is_empty());
        if keep {
            let mut kept = Control {
                controls: Vec::new(),
                ..control.clone()
            };
            kept.controls = children;
            out.push(kept);
        } else {
            out.extend(children);
        }
    }
    out
}

fn filter_group(
    group: &Group,
    selected: &HashSet<String>,
    implicit_ancestors: bool,
) -> Option<Group> {
    let controls = filter_controls(&group.controls, selected, implicit_ancestors);
    let groups: Vec<Group> = group
        .groups
        .iter()
        .filter_map(|g| filter_group(g, selected, implicit_ancestors))
        .collect();
    if controls.is_empty() && groups.is_empty() {
        return None;
    }
    Some(Group {
        id: group.id.clone(),
        class: group.class.clone(),
        title: group.title.clone(),
        params: group.params.clone(),
        props: group.props.clone(),
        links: group.links.clone(),
        parts: group.parts.clone(),
        groups,
        controls,
    })
}

/// Combine rule `merge`: a control whose id an earlier import already contributed is folded
/// into that earlier control — every param, prop, link and part it has that the earlier one
/// lacks is appended (identical items are not repeated), child controls merge by id — and it
/// does not appear a second time.
fn absorb_duplicates(incoming: &mut Catalog, merged: &mut Catalog, seen: &mut HashSet<String>) {
    fn take_controls(
        controls: &mut Vec<Control>,
        merged: &mut Catalog,
        seen: &mut HashSet<String>,
    ) {
        let mut kept = Vec::with_capacity(controls.len());
        for mut control in controls.drain(..) {
            if seen.contains(&control.id) {
                if let Some(existing) = find_control_mut(merged, &control.id) {
                    merge_control_content(existing, control, seen);
                    continue;
                }
            }
            seen.insert(control.id.clone());
            take_controls(&mut control.controls, merged, seen);
            kept.push(control);
        }
        *controls = kept;
    }
    fn take_groups(groups: &mut [Group], merged: &mut Catalog, seen: &mut HashSet<String>) {
        for group in groups {
            take_controls(&mut group.controls, merged, seen);
            take_groups(&mut group.groups, merged, seen);
        }
    }
    take_controls(&mut incoming.controls, merged, seen);
    take_groups(&mut incoming.groups, merged, seen);
}

fn append_missing<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
    for item in from {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

fn merge_control_content(existing: &mut Control, other: Control, seen: &mut HashSet<String>) {
    append_missing(&mut existing.params, other.params);
    append_missing(&mut existing.props, other.props);
    append_missing(&mut existing.links, other.links);
    append_missing(&mut existing.parts, other.parts);
    for child in other.controls {
        match existing.controls.iter_mut().find(|c| c.id == child.id) {
            Some(same) => merge_control_content(same, child, seen),
            None => {
                seen.insert(child.id.clone());
                existing.controls.push(child);
            }
        }
    }
}

/// Builds a `custom` merge: the profile's groups, each filled by its `insert-controls` from the
/// selected controls. A control inserted together with selected descendants keeps them nested;
/// controls no `insert-controls` places are not in the result.
fn build_custom(custom: &Custom, pool: &Catalog, path: &Path, json_path: &str) -> Result<Catalog> {
    Ok(Catalog {
        controls: insert_controls(&custom.insert_controls, pool, path, json_path)?,
        groups: custom
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| build_custom_group(g, pool, path, &format!("{json_path}.groups[{i}]")))
            .collect::<Result<_>>()?,
        ..Catalog::default()
    })
}

fn build_custom_group(
    group: &CustomGroup,
    pool: &Catalog,
    path: &Path,
    json_path: &str,
) -> Result<Group> {
    Ok(Group {
        id: group.id.clone(),
        class: group.class.clone(),
        title: group.title.clone(),
        params: group.params.clone(),
        props: group.props.clone(),
        links: group.links.clone(),
        parts: group.parts.clone(),
        controls: insert_controls(&group.insert_controls, pool, path, json_path)?,
        groups: group
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| build_custom_group(g, pool, path, &format!("{json_path}.groups[{i}]")))
            .collect::<Result<_>>()?,
    })
}

fn insert_controls(
    list: &[InsertControls],
    pool: &Catalog,
    path: &Path,
    json_path: &str,
) -> Result<Vec<Control>> {
    let mut out = Vec::new();
    for (i, insert) in list.iter().enumerate() {
        let selection = Import {
            href: String::new(),
            include_all: insert.include_all.clone(),
            include_controls: insert.include_controls.clone(),
            exclude_controls: insert.exclude_controls.clone(),
        };
        let here = format!("{json_path}.insert-controls[{i}]");
        let selected = select_controls(pool, &selection, path, &here, path)?;
        let filtered = filter_catalog(pool, &selected, false);
        let mut controls = filtered.controls;
        fn from_groups(groups: Vec<Group>, out: &mut Vec<Control>) {
            for group in groups {
                out.extend(group.controls);
                from_groups(group.groups, out);
            }
        }
        from_groups(filtered.groups, &mut controls);
        let sort_key = |c: &Control| c.prop("sort-id").unwrap_or(&c.id).to_string();
        match insert.order.as_deref() {
            Some("ascending") => controls.sort_by_key(sort_key),
            Some("descending") => {
                controls.sort_by_key(sort_key);
                controls.reverse();
            }
            _ => {}
        }
        out.extend(controls);
    }
    Ok(out)
}

/// Removes controls whose id an earlier import already contributed (combine use-first).
fn drop_seen(catalog: &mut Catalog, seen: &mut HashSet<String>) {
    fn in_controls(controls: &mut Vec<Control>, seen: &mut HashSet<String>) {
        let mut kept = Vec::with_capacity(controls.len());
        for mut control in controls.drain(..) {
            if seen.insert(control.id.clone()) {
                in_controls(&mut control.controls, seen);
                kept.push(control);
            }
        }
        *controls = kept;
    }
    fn in_groups(groups: &mut [Group], seen: &mut HashSet<String>) {
        for group in groups {
            in_controls(&mut group.controls, seen);
            in_groups(&mut group.groups, seen);
        }
    }
    in_controls(&mut catalog.controls, seen);
    in_groups(&mut catalog.groups, seen);
}

fn merge_as_is(into: &mut Catalog, from: Catalog) {
    into.controls.extend(from.controls);
    merge_groups(&mut into.groups, from.groups);
}

fn merge_groups(into: &mut Vec<Group>, from: Vec<Group>) {
    for group in from {
        let existing = group
            .id
            .as_ref()
            .and_then(|id| into.iter_mut().find(|g| g.id.as_ref() == Some(id)));
        match existing {
            Some(target) => {
                target.controls.extend(group.controls);
                merge_groups(&mut target.groups, group.groups);
            }
            None => into.push(group),
        }
    }
}

fn flatten_catalog(catalog: Catalog, out: &mut Vec<Control>) {
    fn controls(list: Vec<Control>, out: &mut Vec<Control>) {
        for mut control in list {
            let children = std::mem::take(&mut control.controls);
            out.push(control);
            controls(children, out);
        }
    }
    fn groups(list: Vec<Group>, out: &mut Vec<Control>) {
        for group in list {
            controls(group.controls, out);
            groups(group.groups, out);
        }
    }
    controls(catalog.controls, out);
    groups(catalog.groups, out);
}

fn for_each_param_mut(catalog: &mut Catalog, f: &mut dyn FnMut(&mut Parameter) -> bool) -> bool {
    fn in_params(params: &mut [Parameter], f: &mut dyn FnMut(&mut Parameter) -> bool) -> bool {
        params.iter_mut().any(f)
    }
    fn in_controls(controls: &mut [Control], f: &mut dyn FnMut(&mut Parameter) -> bool) -> bool {
        controls
            .iter_mut()
            .any(|c| in_params(&mut c.params, f) || in_controls(&mut c.controls, f))
    }
    fn in_groups(groups: &mut [Group], f: &mut dyn FnMut(&mut Parameter) -> bool) -> bool {
        groups.iter_mut().any(|g| {
            in_params(&mut g.params, f)
                || in_controls(&mut g.controls, f)
                || in_groups(&mut g.groups, f)
        })
    }
    in_params(&mut catalog.params, f)
        || in_controls(&mut catalog.controls, f)
        || in_groups(&mut catalog.groups, f)
}

fn apply_set_parameter(
    catalog: &mut Catalog,
    set: &SetParameter,
    path: &Path,
    json_path: &str,
) -> Result<()> {
    let found = for_each_param_mut(catalog, &mut |param| {
        if param.id != set.param_id {
            return false;
        }
        if set.class.is_some() {
            param.class = set.class.clone();
        }
        if set.depends_on.is_some() {
            param.depends_on = set.depends_on.clone();
        }
        if set.label.is_some() {
            param.label = set.label.clone();
        }
        if set.usage.is_some() {
            param.usage = set.usage.clone();
        }
        // A value and a selection are alternatives: setting either replaces both.
        if !set.values.is_empty() {
            param.values = set.values.clone();
            param.select = None;
        }
        if set.select.is_some() {
            param.select = set.select.clone();
            param.values.clear();
        }
        param.props.extend(set.props.iter().cloned());
        param.links.extend(set.links.iter().cloned());
        param.constraints.extend(set.constraints.iter().cloned());
        param.guidelines.extend(set.guidelines.iter().cloned());
        true
    });
    if found {
        Ok(())
    } else {
        Err(OscalError::UnknownParameter {
            file: path.to_path_buf(),
            json_path: format!("{json_path}.param-id"),
            param_id: set.param_id.clone(),
        })
    }
}

fn find_control_mut<'a>(catalog: &'a mut Catalog, id: &str) -> Option<&'a mut Control> {
    fn in_controls<'a>(controls: &'a mut [Control], id: &str) -> Option<&'a mut Control> {
        for control in controls {
            if control.id == id {
                return Some(control);
            }
            if let Some(found) = in_controls(&mut control.controls, id) {
                return Some(found);
            }
        }
        None
    }
    fn in_groups<'a>(groups: &'a mut [Group], id: &str) -> Option<&'a mut Control> {
        for group in groups {
            if let Some(found) = in_controls(&mut group.controls, id) {
                return Some(found);
            }
            if let Some(found) = in_groups(&mut group.groups, id) {
                return Some(found);
            }
        }
        None
    }
    if let Some(found) = in_controls(&mut catalog.controls, id) {
        return Some(found);
    }
    in_groups(&mut catalog.groups, id)
}

fn apply_alter(catalog: &mut Catalog, alter: &Alter, path: &Path, json_path: &str) -> Result<()> {
    let control = find_control_mut(catalog, &alter.control_id).ok_or_else(|| {
        OscalError::UnknownAlterControl {
            file: path.to_path_buf(),
            json_path: format!("{json_path}.control-id"),
            control_id: alter.control_id.clone(),
        }
    })?;
    for remove in &alter.removes {
        apply_remove(control, remove);
    }
    for (index, add) in alter.adds.iter().enumerate() {
        apply_add(control, add).map_err(|by_id| OscalError::UnknownAddTarget {
            file: path.to_path_buf(),
            json_path: format!("{json_path}.adds[{index}].by-id"),
            control_id: alter.control_id.clone(),
            by_id,
        })?;
    }
    Ok(())
}

/// The identifying fields of a removable item.
struct ItemKey<'a> {
    item_name: &'static str,
    name: Option<&'a str>,
    class: Option<&'a str>,
    id: Option<&'a str>,
    ns: Option<&'a str>,
}

fn remove_matches(remove: &Remove, key: &ItemKey) -> bool {
    // A criterion that is given must match; an item lacking the field does not match it.
    let check = |criterion: &Option<String>, value: Option<&str>| match criterion {
        None => true,
        Some(wanted) => value == Some(wanted.as_str()),
    };
    let any_criterion = remove.by_name.is_some()
        || remove.by_class.is_some()
        || remove.by_id.is_some()
        || remove.by_item_name.is_some()
        || remove.by_ns.is_some();
    any_criterion
        && check(&remove.by_name, key.name)
        && check(&remove.by_class, key.class)
        && check(&remove.by_id, key.id)
        && check(&remove.by_item_name, Some(key.item_name))
        && check(&remove.by_ns, key.ns)
}

fn prop_key(p: &Property) -> ItemKey<'_> {
    ItemKey {
        item_name: "prop",
        name: Some(&p.name),
        class: p.class.as_deref(),
        id: p.uuid.as_deref(),
        ns: p.ns.as_deref(),
    }
}

fn link_key(l: &Link) -> ItemKey<'_> {
    ItemKey {
        item_name: "link",
        name: l.rel.as_deref(),
        class: None,
        id: None,
        ns: None,
    }
}

fn apply_remove(control: &mut Control, remove: &Remove) {
    control.params.retain(|p| {
        !remove_matches(
            remove,
            &ItemKey {
                item_name: "param",
                name: None,
                class: p.class.as_deref(),
                id: Some(&p.id),
                ns: None,
            },
        )
    });
    for param in &mut control.params {
        param
            .props
            .retain(|p| !remove_matches(remove, &prop_key(p)));
        param
            .links
            .retain(|l| !remove_matches(remove, &link_key(l)));
    }
    control
        .props
        .retain(|p| !remove_matches(remove, &prop_key(p)));
    control
        .links
        .retain(|l| !remove_matches(remove, &link_key(l)));
    remove_in_parts(&mut control.parts, remove);
}

fn remove_in_parts(parts: &mut Vec<Part>, remove: &Remove) {
    parts.retain(|part| {
        !remove_matches(
            remove,
            &ItemKey {
                item_name: "part",
                name: Some(&part.name),
                class: part.class.as_deref(),
                id: part.id.as_deref(),
                ns: part.ns.as_deref(),
            },
        )
    });
    for part in parts {
        part.props.retain(|p| !remove_matches(remove, &prop_key(p)));
        part.links.retain(|l| !remove_matches(remove, &link_key(l)));
        remove_in_parts(&mut part.parts, remove);
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Position {
    Before,
    After,
    Starting,
    Ending,
}

fn position_of(add: &Add) -> Position {
    match add.position.as_deref() {
        Some("before") => Position::Before,
        Some("after") => Position::After,
        Some("starting") => Position::Starting,
        _ => Position::Ending,
    }
}

fn insert_all<T: Clone>(list: &mut Vec<T>, items: &[T], at_start: bool) {
    if at_start {
        list.splice(0..0, items.iter().cloned());
    } else {
        list.extend(items.iter().cloned());
    }
}

/// Applies one `add`; `Err(by_id)` when its target does not exist.
fn apply_add(control: &mut Control, add: &Add) -> std::result::Result<(), String> {
    let position = position_of(add);
    let Some(by_id) = add.by_id.as_deref().filter(|id| *id != control.id) else {
        // Target is the control itself: before/after a control mean its start/end.
        let at_start = matches!(position, Position::Starting | Position::Before);
        if let Some(title) = &add.title {
            control.title = title.clone();
        }
        insert_all(&mut control.params, &add.params, at_start);
        insert_all(&mut control.props, &add.props, at_start);
        insert_all(&mut control.links, &add.links, at_start);
        insert_all(&mut control.parts, &add.parts, at_start);
        return Ok(());
    };

    // A parameter of the control?
    if let Some(index) = control.params.iter().position(|p| p.id == by_id) {
        match position {
            Position::Before => {
                control
                    .params
                    .splice(index..index, add.params.iter().cloned());
            }
            Position::After => {
                control
                    .params
                    .splice(index + 1..index + 1, add.params.iter().cloned());
            }
            Position::Starting | Position::Ending => {
                let param = &mut control.params[index];
                let at_start = position == Position::Starting;
                insert_all(&mut param.props, &add.props, at_start);
                insert_all(&mut param.links, &add.links, at_start);
            }
        }
        return Ok(());
    }
    if add_in_parts(
        &mut control.parts,
        &mut control.props,
        &mut control.links,
        by_id,
        add,
        position,
    ) {
        Ok(())
    } else {
        Err(by_id.to_string())
    }
}

/// Finds the part `by_id` in `parts` (at any depth) and applies `add` there. `container_props`
/// and `container_links` belong to the element holding `parts`: props and links added
/// before/after a part cannot sit between parts, so they go to the container.
fn add_in_parts(
    parts: &mut Vec<Part>,
    container_props: &mut Vec<Property>,
    container_links: &mut Vec<Link>,
    by_id: &str,
    add: &Add,
    position: Position,
) -> bool {
    if let Some(index) = parts.iter().position(|p| p.id.as_deref() == Some(by_id)) {
        match position {
            Position::Before => {
                parts.splice(index..index, add.parts.iter().cloned());
                container_props.extend(add.props.iter().cloned());
                container_links.extend(add.links.iter().cloned());
            }
            Position::After => {
                parts.splice(index + 1..index + 1, add.parts.iter().cloned());
                container_props.extend(add.props.iter().cloned());
                container_links.extend(add.links.iter().cloned());
            }
            Position::Starting | Position::Ending => {
                let part = &mut parts[index];
                let at_start = position == Position::Starting;
                if let Some(title) = &add.title {
                    part.title = Some(title.clone());
                }
                insert_all(&mut part.props, &add.props, at_start);
                insert_all(&mut part.links, &add.links, at_start);
                insert_all(&mut part.parts, &add.parts, at_start);
            }
        }
        return true;
    }
    parts.iter_mut().any(|part| {
        add_in_parts(
            &mut part.parts,
            &mut part.props,
            &mut part.links,
            by_id,
            add,
            position,
        )
    })
}

/// Every `#fragment` token (uuid or id) referenced anywhere in the text.
fn fragment_references(text: &str, out: &mut HashSet<String>) {
    for (i, _) in text.match_indices('#') {
        let rest = &text[i + 1..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        if end > 0 {
            out.insert(rest[..end].to_string());
        }
    }
}

/// Parameter ids inserted with `{{ insert: param, id }}` anywhere in the text.
fn inserted_params(text: &str, out: &mut HashSet<String>) {
    for (i, _) in text.match_indices("{{") {
        let rest = &text[i + 2..];
        let Some(end) = rest.find("}}") else { continue };
        let inner = rest[..end].trim();
        if let Some(args) = inner.strip_prefix("insert:") {
            let mut it = args.split(',').map(str::trim);
            if it.next() == Some("param") {
                if let Some(id) = it.next() {
                    out.insert(id.to_string());
                }
            }
        }
    }
}

/// Drops loose parameters (catalog or group level) that no insertion in the result names.
fn prune_unreferenced_loose_params(catalog: &mut Catalog) {
    let text = serde_json::to_string(&(&catalog.params, &catalog.controls, &catalog.groups))
        .unwrap_or_default();
    let mut inserted = HashSet::new();
    inserted_params(&text, &mut inserted);
    let mut seen = HashSet::new();
    catalog
        .params
        .retain(|p| inserted.contains(&p.id) && seen.insert(p.id.clone()));
    fn in_groups(groups: &mut [Group], inserted: &HashSet<String>) {
        for group in groups {
            group.params.retain(|p| inserted.contains(&p.id));
            in_groups(&mut group.groups, inserted);
        }
    }
    in_groups(&mut catalog.groups, &inserted);
}

fn resolved_back_matter(
    catalog: &Catalog,
    imported: Vec<Resource>,
    profile: &Profile,
) -> Result<Option<BackMatter>> {
    let text = serde_json::to_string(&(
        &catalog.metadata,
        &catalog.params,
        &catalog.controls,
        &catalog.groups,
    ))?;
    let mut referenced = HashSet::new();
    fragment_references(&text, &mut referenced);
    let always_kept = |r: &Resource| {
        r.props
            .iter()
            .any(|p| p.name == "keep" && p.value == "always")
    };
    let candidates: Vec<Resource> = imported
        .into_iter()
        .chain(
            profile
                .back_matter
                .iter()
                .flat_map(|b| b.resources.iter().cloned()),
        )
        .filter(|r| referenced.contains(&r.uuid) || always_kept(r))
        .collect();
    // Of resources sharing a uuid the last wins (a profile's own version overrides imports).
    let mut last_index: HashMap<&str, usize> = HashMap::new();
    for (i, r) in candidates.iter().enumerate() {
        last_index.insert(r.uuid.as_str(), i);
    }
    let keep: Vec<bool> = candidates
        .iter()
        .enumerate()
        .map(|(i, r)| last_index.get(r.uuid.as_str()) == Some(&i))
        .collect();
    let resources: Vec<Resource> = candidates
        .into_iter()
        .zip(keep)
        .filter_map(|(r, k)| k.then_some(r))
        .collect();
    Ok(if resources.is_empty() {
        None
    } else {
        Some(BackMatter { resources })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_patterns() {
        assert!(glob_matches("ac-*", "ac-2.1"));
        assert!(glob_matches("ac-?", "ac-2"));
        assert!(!glob_matches("ac-?", "ac-12"));
        assert!(glob_matches("*.1", "ac-2.1"));
        assert!(!glob_matches("au-*", "ac-1"));
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(decode_base64("aGVsbG8=").as_deref(), Some("hello"));
        assert_eq!(decode_base64("aGk=").as_deref(), Some("hi"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("my%20catalog.json"), "my catalog.json");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn inserted_param_ids() {
        let mut out = HashSet::new();
        inserted_params(
            "a {{ insert: param, x-1_prm_2 }} b {{insert: param,y}}",
            &mut out,
        );
        assert!(out.contains("x-1_prm_2") && out.contains("y"));
    }
}
