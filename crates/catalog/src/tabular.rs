//! Building a catalog from a table (CSV or an XLSX sheet), so that a user holding an
//! official requirement table (e.g. CPSF's Appendix) loads it in minutes.
//!
//! The column layout is documented in `FORMAT.md` ("Tabular import"). In short: the first row
//! holds column names (any order, case-insensitive, unknown columns ignored); each further
//! row is one requirement. `requirement_id` and `group_path` are required; levels, phases and
//! CPSF tags are lists separated by `;`, `,`, `、` or line breaks; criteria are one per line.
//!
//! Import is all-or-nothing: every row is checked, every problem is returned with file, row
//! and column, and a catalog is built only when there is none. The result is validated like
//! any other catalog.

use std::collections::HashMap;
use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::model::{
    Catalog, ComponentKind, CpsfFunction, Criterion, Group, Layer, Level, LocalizedText, Phase,
    Requirement, ScoringMethod, ScoringScheme,
};

/// One problem in a table, located by file, row (1-based; the header is row 1) and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabularError {
    pub file: String,
    pub row: usize,
    /// Spreadsheet-style column (`A`, `B`, …) and the column's name, when the problem is in a cell.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for TabularError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(
                f,
                "{}: row {}, column {}: {}",
                self.file, self.row, column, self.message
            ),
            None => write!(f, "{}: row {}: {}", self.file, self.row, self.message),
        }
    }
}

impl std::error::Error for TabularError {}

/// What to build the catalog on.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Catalog to add the rows to (e.g. the built-in CPSF skeleton with its categories).
    /// Rows whose requirement id already exists in it replace that requirement.
    pub base: Option<Catalog>,
    /// Catalog id and version when there is no base and no `framework`/`version` column.
    pub catalog_id: Option<String>,
    pub version: Option<String>,
    pub title: Option<LocalizedText>,
    /// Scoring of a new catalog (ignored with a base). Default: status with half credit.
    pub scoring: Option<ScoringScheme>,
    /// Declare levels and phases the table names but the catalog lacks (default: only when
    /// there is no base, where the table is the only place they can come from).
    pub declare_new_levels: Option<bool>,
}

impl ImportOptions {
    /// Options for a fresh catalog with this id and version.
    pub fn new_catalog(id: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            base: None,
            catalog_id: Some(id.into()),
            version: Some(version.into()),
            title: None,
            scoring: None,
            declare_new_levels: None,
        }
    }

    /// Options that add rows to `base`.
    pub fn into_base(base: Catalog) -> Self {
        Self {
            base: Some(base),
            catalog_id: None,
            version: None,
            title: None,
            scoring: None,
            declare_new_levels: None,
        }
    }
}

/// The recognised columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Framework,
    Version,
    GroupPath,
    GroupTitleJa,
    GroupTitleEn,
    RequirementId,
    TitleJa,
    TitleEn,
    /// `title` without a language: Japanese or English by its content.
    Title,
    TextJa,
    TextEn,
    Text,
    GuidanceJa,
    GuidanceEn,
    Guidance,
    Levels,
    CriteriaJa,
    CriteriaEn,
    Criteria,
    Layers,
    Components,
    Functions,
    Phases,
    Verified,
    Note,
}

impl Column {
    fn from_header(header: &str) -> Option<Self> {
        let key: String = header
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        Some(match key.as_str() {
            "framework" | "catalog" | "catalog_id" => Column::Framework,
            "version" | "catalog_version" => Column::Version,
            "group_path" | "group" => Column::GroupPath,
            "group_title_ja" => Column::GroupTitleJa,
            "group_title_en" => Column::GroupTitleEn,
            "requirement_id" | "id" => Column::RequirementId,
            "title_ja" => Column::TitleJa,
            "title_en" => Column::TitleEn,
            "title" => Column::Title,
            "text_ja" => Column::TextJa,
            "text_en" => Column::TextEn,
            "text" => Column::Text,
            "guidance_ja" => Column::GuidanceJa,
            "guidance_en" => Column::GuidanceEn,
            "guidance" => Column::Guidance,
            "levels" | "level" => Column::Levels,
            "criteria_ja" => Column::CriteriaJa,
            "criteria_en" => Column::CriteriaEn,
            "criteria" => Column::Criteria,
            "layers" | "layer" => Column::Layers,
            "components" | "component" => Column::Components,
            "functions" | "function" => Column::Functions,
            "phases" | "phase" => Column::Phases,
            "verified" => Column::Verified,
            "note" | "verification_note" => Column::Note,
            _ => return None,
        })
    }
}

/// Spreadsheet column letters for a 0-based index (0 → A, 26 → AA).
pub(crate) fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

/// Rows as read from a file: (1-based row number, cells).
type Rows = Vec<(usize, Vec<String>)>;

/// Builds a catalog from CSV bytes (UTF-8, optional BOM). `file` names the file in errors.
pub fn import_csv(
    bytes: &[u8],
    file: &str,
    options: &ImportOptions,
) -> Result<Catalog, Vec<TabularError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 1;
        match record {
            Ok(record) => rows.push((row, record.iter().map(str::to_string).collect())),
            Err(err) => {
                return Err(vec![TabularError {
                    file: file.to_string(),
                    row,
                    column: None,
                    message: format!("not readable as CSV: {err}"),
                }])
            }
        }
    }
    build(file, rows, options)
}

/// Builds a catalog from one sheet of an XLSX workbook (`sheet` by name, or the first).
pub fn import_xlsx(
    bytes: &[u8],
    file: &str,
    sheet: Option<&str>,
    options: &ImportOptions,
) -> Result<Catalog, Vec<TabularError>> {
    let whole_file = |message: String| {
        vec![TabularError {
            file: file.to_string(),
            row: 0,
            column: None,
            message,
        }]
    };
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|err| whole_file(format!("not readable as XLSX: {err}")))?;
    let sheet_name = match sheet {
        Some(name) => name.to_string(),
        None => workbook
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| whole_file("the workbook has no sheets".into()))?,
    };
    let range = workbook
        .worksheet_range(&sheet_name)
        .map_err(|err| whole_file(format!("sheet {sheet_name:?}: {err}")))?;
    let file = format!("{file} [{sheet_name}]");
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (offset, cells) in range.rows().enumerate() {
        let row = first_row as usize + offset + 1;
        // Pad on the left so that cell index = sheet column index.
        let mut values = vec![String::new(); first_col as usize];
        for (i, cell) in cells.iter().enumerate() {
            match cell_text(cell) {
                Ok(text) => values.push(text),
                Err(message) => {
                    errors.push(TabularError {
                        file: file.clone(),
                        row,
                        column: Some(column_letter(first_col as usize + i)),
                        message,
                    });
                    values.push(String::new());
                }
            }
        }
        rows.push((row, values));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    build(&file, rows, options)
}

/// Text of a cell; numbers print without a trailing `.0` when integral.
pub(crate) fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(e) => return Err(format!("cell holds a spreadsheet error ({e:?})")),
    })
}

/// True when `text` contains kana, kanji or full-width forms: then it is Japanese.
fn is_japanese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c,
            '\u{3040}'..='\u{30ff}' // hiragana, katakana
            | '\u{3400}'..='\u{4dbf}' // CJK extension A
            | '\u{4e00}'..='\u{9fff}' // CJK unified ideographs
            | '\u{ff01}'..='\u{ff9f}') // full-width forms, half-width katakana
    })
}

/// Splits a list cell on `;`, `,`, `、` and line breaks.
fn split_list(cell: &str) -> Vec<String> {
    cell.split([';', ',', '、', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_layer(value: &str) -> Option<Layer> {
    match value.trim().to_ascii_uppercase().as_str() {
        "L1" | "1" | "第1層" => Some(Layer::L1),
        "L2" | "2" | "第2層" => Some(Layer::L2),
        "L3" | "3" | "第3層" => Some(Layer::L3),
        _ => None,
    }
}

fn parse_component(value: &str) -> Option<ComponentKind> {
    let v = value.trim();
    Some(match v.to_ascii_lowercase().as_str() {
        "organization" | "organisation" | "ソシキ" | "組織" => ComponentKind::Organization,
        "people" | "ヒト" | "人" => ComponentKind::People,
        "component" | "モノ" => ComponentKind::Component,
        "data" | "データ" => ComponentKind::Data,
        "procedure" | "プロシージャ" => ComponentKind::Procedure,
        "system" | "システム" => ComponentKind::System,
        _ => return None,
    })
}

fn parse_function(value: &str) -> Option<CpsfFunction> {
    Some(match value.trim().to_ascii_lowercase().as_str() {
        "identify" | "id" | "特定" => CpsfFunction::Identify,
        "protect" | "pr" | "防御" => CpsfFunction::Protect,
        "detect" | "de" | "検知" => CpsfFunction::Detect,
        "respond-recover" | "respond/recover" | "rs/rc" | "rs" | "rc" | "respond" | "recover"
        | "対応・復旧" | "対応" | "復旧" => CpsfFunction::RespondRecover,
        _ => return None,
    })
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "true" | "yes" | "y" | "1" | "○" | "はい" => Some(true),
        "false" | "no" | "n" | "0" | "×" | "いいえ" => Some(false),
        _ => None,
    }
}

/// Splits a criteria cell into (explicit id, text) per non-empty line. A line starts with an
/// explicit id when it reads `<id>: text` and `<id>` has no spaces and contains a digit
/// (so that "Note: …" stays text).
fn split_criteria(cell: &str) -> Vec<(Option<String>, String)> {
    cell.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            if let Some((head, rest)) = line.split_once(": ") {
                let head = head.trim();
                if !head.is_empty()
                    && !head.contains(char::is_whitespace)
                    && head.chars().any(|c| c.is_ascii_digit())
                {
                    return (Some(head.to_string()), rest.trim().to_string());
                }
            }
            (None, line.to_string())
        })
        .collect()
}

struct Located<'a> {
    file: &'a str,
    row: usize,
    header: &'a HashMap<Column, (usize, String)>,
}

impl Located<'_> {
    fn error(&self, column: Column, message: String) -> TabularError {
        let column = self
            .header
            .get(&column)
            .map(|(index, name)| format!("{} ({name})", column_letter(*index)));
        TabularError {
            file: self.file.to_string(),
            row: self.row,
            column,
            message,
        }
    }
}

fn build(file: &str, rows: Rows, options: &ImportOptions) -> Result<Catalog, Vec<TabularError>> {
    let mut errors = Vec::new();
    // Official tables often carry a title or notes above the column names: the header is the
    // first row naming the requirement_id column, else the first non-empty row.
    let names_requirement_id = |cells: &[String]| {
        cells
            .iter()
            .any(|c| Column::from_header(c) == Some(Column::RequirementId))
    };
    let header = rows
        .iter()
        .find(|(_, cells)| names_requirement_id(cells))
        .or_else(|| {
            rows.iter()
                .find(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        });
    let Some((header_row, header_cells)) = header else {
        return Err(vec![TabularError {
            file: file.to_string(),
            row: 1,
            column: None,
            message: "the table is empty (no header row)".into(),
        }]);
    };
    let header_row = *header_row;

    let mut header: HashMap<Column, (usize, String)> = HashMap::new();
    for (index, name) in header_cells.iter().enumerate() {
        if let Some(column) = Column::from_header(name) {
            if let Some((first, _)) = header.get(&column) {
                errors.push(TabularError {
                    file: file.to_string(),
                    row: header_row,
                    column: Some(format!("{} ({})", column_letter(index), name.trim())),
                    message: format!(
                        "column {:?} appears twice (first in column {})",
                        name.trim(),
                        column_letter(*first)
                    ),
                });
            } else {
                header.insert(column, (index, name.trim().to_string()));
            }
        }
    }
    for required in [Column::RequirementId, Column::GroupPath] {
        if !header.contains_key(&required) {
            errors.push(TabularError {
                file: file.to_string(),
                row: header_row,
                column: None,
                message: format!(
                    "required column {:?} is missing",
                    match required {
                        Column::RequirementId => "requirement_id",
                        _ => "group_path",
                    }
                ),
            });
        }
    }
    if ![
        Column::TitleJa,
        Column::TitleEn,
        Column::Title,
        Column::TextJa,
        Column::TextEn,
        Column::Text,
    ]
    .iter()
    .any(|c| header.contains_key(c))
    {
        errors.push(TabularError {
            file: file.to_string(),
            row: header_row,
            column: None,
            message:
                "no title or text column (title_ja, title_en, title, text_ja, text_en or text)"
                    .into(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut catalog = match &options.base {
        Some(base) => base.clone(),
        None => Catalog {
            id: options.catalog_id.clone().unwrap_or_default(),
            version: options.version.clone().unwrap_or_default(),
            title: options.title.clone().unwrap_or_default(),
            source: format!("imported from {file}"),
            notes: Vec::new(),
            levels: Vec::new(),
            scoring: options.scoring.clone().unwrap_or(ScoringScheme {
                method: ScoringMethod::Status {
                    partial_credit: 0.5,
                },
                bands: Vec::new(),
                band_basis: Default::default(),
            }),
            phases: Vec::new(),
            vocabularies: Vec::new(),
            groups: Vec::new(),
        },
    };
    let declare_new = options.declare_new_levels.unwrap_or(options.base.is_none());
    let mut seen_rows: HashMap<String, usize> = HashMap::new();

    for (row, cells) in rows.iter().filter(|(row, _)| *row > header_row) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let at = Located {
            file,
            row: *row,
            header: &header,
        };
        let cell = |column: Column| -> &str {
            header
                .get(&column)
                .and_then(|(index, _)| cells.get(*index))
                .map_or("", |s| s.trim())
        };

        // Identity of the catalog: constant, and equal to the base's when there is one.
        for (column, current) in [
            (Column::Framework, &mut catalog.id),
            (Column::Version, &mut catalog.version),
        ] {
            let value = cell(column);
            if value.is_empty() {
                continue;
            }
            if current.is_empty() {
                *current = value.to_string();
            } else if current != value {
                errors.push(at.error(
                    column,
                    format!("{value:?} differs from the catalog's {current:?}"),
                ));
            }
        }

        let id = cell(Column::RequirementId).to_string();
        if id.is_empty() {
            errors.push(at.error(Column::RequirementId, "requirement_id is empty".into()));
            continue;
        }
        if let Some(first) = seen_rows.insert(id.clone(), *row) {
            errors.push(at.error(
                Column::RequirementId,
                format!("requirement {id:?} appears twice (first in row {first})"),
            ));
            continue;
        }

        // A language-neutral column fills the language its text is written in, unless the
        // explicit column for that language already has a value.
        let localized = |ja: Column, en: Column, neutral: Column| {
            let mut text = LocalizedText::new(cell(ja), cell(en));
            let value = cell(neutral);
            if !value.is_empty() {
                if is_japanese(value) && text.ja.is_empty() {
                    text.ja = value.to_string();
                } else if !is_japanese(value) && text.en.is_empty() {
                    text.en = value.to_string();
                }
            }
            text
        };
        let title = localized(Column::TitleJa, Column::TitleEn, Column::Title);
        let text = localized(Column::TextJa, Column::TextEn, Column::Text);
        let guidance = localized(Column::GuidanceJa, Column::GuidanceEn, Column::Guidance);
        if title.is_empty() && text.is_empty() {
            let column = [
                Column::TitleJa,
                Column::TitleEn,
                Column::Title,
                Column::TextJa,
                Column::TextEn,
                Column::Text,
            ]
            .into_iter()
            .find(|c| header.contains_key(c))
            .unwrap_or(Column::TitleEn);
            errors.push(at.error(
                column,
                format!("requirement {id:?} has neither title nor text"),
            ));
        }

        let mut levels = Vec::new();
        for value in split_list(cell(Column::Levels)) {
            let known = catalog
                .levels
                .iter()
                .find(|l| l.id == value || l.title.ja == value || l.title.en == value);
            match known {
                Some(level) => levels.push(level.id.clone()),
                None if declare_new => {
                    catalog.levels.push(Level {
                        id: value.clone(),
                        title: LocalizedText::new("", value.clone()),
                        description: LocalizedText::default(),
                        includes: Vec::new(),
                        verified: true,
                        verification_note: LocalizedText::default(),
                    });
                    levels.push(value);
                }
                None => errors.push(at.error(
                    Column::Levels,
                    format!(
                        "unknown level {value:?} (catalog levels: {})",
                        level_list(&catalog)
                    ),
                )),
            }
        }
        let mut phases = Vec::new();
        for value in split_list(cell(Column::Phases)) {
            let known = catalog
                .phases
                .iter()
                .find(|p| p.id == value || p.title.ja == value || p.title.en == value);
            match known {
                Some(phase) => phases.push(phase.id.clone()),
                None if declare_new => {
                    catalog.phases.push(Phase {
                        id: value.clone(),
                        title: LocalizedText::new("", value.clone()),
                    });
                    phases.push(value);
                }
                None => errors.push(at.error(Column::Phases, format!("unknown phase {value:?}"))),
            }
        }

        let mut layers = Vec::new();
        for value in split_list(cell(Column::Layers)) {
            match parse_layer(&value) {
                Some(layer) => layers.push(layer),
                None => errors.push(at.error(
                    Column::Layers,
                    format!("{value:?} is not a CPSF layer (L1, L2, L3)"),
                )),
            }
        }
        let mut components = Vec::new();
        for value in split_list(cell(Column::Components)) {
            match parse_component(&value) {
                Some(component) => components.push(component),
                None => errors.push(at.error(
                    Column::Components,
                    format!("{value:?} is not a CPSF component (organization, people, component, data, procedure, system)"),
                )),
            }
        }
        let mut functions = Vec::new();
        for value in split_list(cell(Column::Functions)) {
            match parse_function(&value) {
                Some(function) => functions.push(function),
                None => errors.push(at.error(
                    Column::Functions,
                    format!("{value:?} is not a CPSF function (identify, protect, detect, respond-recover)"),
                )),
            }
        }
        let verified = match parse_bool(cell(Column::Verified)) {
            Some(v) => v,
            None => {
                errors.push(at.error(
                    Column::Verified,
                    format!("{:?} is not true/false", cell(Column::Verified)),
                ));
                true
            }
        };

        let criteria_text = localized(Column::CriteriaJa, Column::CriteriaEn, Column::Criteria);
        let criteria_ja = split_criteria(&criteria_text.ja);
        let criteria_en = split_criteria(&criteria_text.en);
        if !criteria_ja.is_empty()
            && !criteria_en.is_empty()
            && criteria_ja.len() != criteria_en.len()
        {
            errors.push(at.error(
                Column::CriteriaEn,
                format!(
                    "{} English criteria but {} Japanese ones; give one line per criterion in each",
                    criteria_en.len(),
                    criteria_ja.len()
                ),
            ));
        }
        let count = criteria_ja.len().max(criteria_en.len());
        let mut criteria = Vec::with_capacity(count);
        for n in 0..count {
            let ja = criteria_ja.get(n);
            let en = criteria_en.get(n);
            let explicit = ja
                .and_then(|(i, _)| i.clone())
                .or_else(|| en.and_then(|(i, _)| i.clone()));
            criteria.push(Criterion {
                id: explicit.unwrap_or_else(|| format!("{id}.{}", n + 1)),
                text: LocalizedText::new(
                    ja.map(|(_, t)| t.as_str()).unwrap_or_default(),
                    en.map(|(_, t)| t.as_str()).unwrap_or_default(),
                ),
                levels: Vec::new(),
            });
        }

        let path: Vec<String> = cell(Column::GroupPath)
            .split('>')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if path.is_empty() {
            errors.push(at.error(Column::GroupPath, "group_path is empty".into()));
            continue;
        }
        // A group id names one group: the same id under another parent is a table error, not
        // a second group (validation would only catch it without a row to point at).
        let mut misplaced = false;
        for pair in path.windows(2) {
            if let Some(parent) = parent_of_group(&catalog.groups, None, &pair[1]) {
                if parent.as_deref() != Some(pair[0].as_str()) {
                    errors.push(at.error(
                        Column::GroupPath,
                        format!(
                            "group {:?} already exists under {}, not under {:?}",
                            pair[1],
                            parent.map_or("the top level".to_string(), |p| format!("{p:?}")),
                            pair[0]
                        ),
                    ));
                    misplaced = true;
                }
            }
        }
        if misplaced {
            continue;
        }
        let group_title =
            LocalizedText::new(cell(Column::GroupTitleJa), cell(Column::GroupTitleEn));
        let note = cell(Column::Note);

        let requirement = Requirement {
            id: id.clone(),
            title,
            text,
            guidance,
            levels,
            criteria,
            layers,
            components,
            functions,
            phases,
            verified,
            verification_note: LocalizedText::new("", note),
            properties: Default::default(),
        };
        // An imported row supersedes the base's requirement of the same id.
        remove_requirement(&mut catalog.groups, &id);
        let group = group_for_path(&mut catalog.groups, &path);
        if !group_title.is_empty() {
            group.title = group_title;
        }
        group.requirements.push(requirement);
    }

    if catalog.id.is_empty() {
        errors.push(TabularError {
            file: file.to_string(),
            row: header_row,
            column: None,
            message: "no catalog id: add a framework column or give one in the import options"
                .into(),
        });
    }
    if catalog.version.is_empty() {
        errors.push(TabularError {
            file: file.to_string(),
            row: header_row,
            column: None,
            message: "no catalog version: add a version column or give one in the import options"
                .into(),
        });
    }
    if catalog.title.is_empty() {
        catalog.title = LocalizedText::new("", catalog.id.clone());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    catalog.validate().map_err(|issues| -> Vec<TabularError> {
        issues
            .into_iter()
            .map(|issue| TabularError {
                file: file.to_string(),
                row: row_of_issue(&issue.path, &catalog, &seen_rows, header_row),
                column: None,
                message: format!("{}: {}", issue.path, issue.message),
            })
            .collect()
    })?;
    Ok(catalog)
}

fn level_list(catalog: &Catalog) -> String {
    if catalog.levels.is_empty() {
        "none".into()
    } else {
        catalog
            .levels
            .iter()
            .map(|l| l.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Best-effort row for a validation issue: the row of the requirement its path points into,
/// else the header row.
fn row_of_issue(
    path: &str,
    catalog: &Catalog,
    rows: &HashMap<String, usize>,
    header_row: usize,
) -> usize {
    requirement_at_path(catalog, path)
        .and_then(|id| rows.get(id).copied())
        .unwrap_or(header_row)
}

/// The requirement id a `groups[i].groups[j].requirements[k]…` path points at.
fn requirement_at_path<'a>(catalog: &'a Catalog, path: &str) -> Option<&'a str> {
    let mut groups = &catalog.groups;
    let mut current: Option<&Group> = None;
    for part in path.split('.') {
        let (name, index) = part.split_once('[')?;
        let index: usize = index.trim_end_matches(']').parse().ok()?;
        match name {
            "groups" => {
                let group = groups.get(index)?;
                current = Some(group);
                groups = &group.groups;
            }
            "requirements" => return current?.requirements.get(index).map(|r| r.id.as_str()),
            _ => return None,
        }
    }
    None
}

/// `Some(parent id)` (`Some(None)` at the top level) when a group with `id` exists.
fn parent_of_group(groups: &[Group], parent: Option<&str>, id: &str) -> Option<Option<String>> {
    groups.iter().find_map(|group| {
        if group.id == id {
            Some(parent.map(str::to_string))
        } else {
            parent_of_group(&group.groups, Some(&group.id), id)
        }
    })
}

fn remove_requirement(groups: &mut [Group], id: &str) {
    for group in groups {
        group.requirements.retain(|r| r.id != id);
        remove_requirement(&mut group.groups, id);
    }
}

/// Finds or creates the group at `path`. The first segment is looked up anywhere in the tree
/// (so `CPS.AM` finds CPSF's category under its function group); later segments are children.
fn group_for_path<'a>(groups: &'a mut Vec<Group>, path: &[String]) -> &'a mut Group {
    fn locate(groups: &[Group], id: &str, trail: &mut Vec<usize>) -> bool {
        for (i, group) in groups.iter().enumerate() {
            trail.push(i);
            if group.id == id || locate(&group.groups, id, trail) {
                return true;
            }
            trail.pop();
        }
        false
    }
    let mut trail = Vec::new();
    if !locate(groups, &path[0], &mut trail) {
        let mut group = child(groups, &path[0]);
        for segment in &path[1..] {
            group = child(&mut group.groups, segment);
        }
        return group;
    }
    let mut current: &'a mut Vec<Group> = groups;
    let Some((&last, prefix)) = trail.split_last() else {
        // `locate` returned true, so the trail holds at least the found group's index.
        return child(current, &path[0]);
    };
    for &index in prefix {
        current = &mut current[index].groups;
    }
    let mut group = &mut current[last];
    for segment in &path[1..] {
        group = child(&mut group.groups, segment);
    }
    group
}

fn child<'a>(groups: &'a mut Vec<Group>, id: &str) -> &'a mut Group {
    let index = match groups.iter().position(|g| g.id == id) {
        Some(index) => index,
        None => {
            // Until a group_title column names it, a new group is titled by its id.
            groups.push(Group {
                id: id.to_string(),
                title: LocalizedText::new("", id),
                description: LocalizedText::default(),
                function: None,
                verified: true,
                verification_note: LocalizedText::default(),
                properties: Default::default(),
                requirements: Vec::new(),
                groups: Vec::new(),
            });
            groups.len() - 1
        }
    };
    &mut groups[index]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_spreadsheet_order() {
        let letters: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .into_iter()
            .map(column_letter)
            .collect();
        assert_eq!(
            letters,
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
        );
    }

    #[test]
    fn criteria_lines_take_an_id_only_when_it_looks_like_one() {
        let parsed = split_criteria("X-1.2: first\nNote: not an id\n\n  third line  ");
        assert_eq!(
            parsed,
            vec![
                (Some("X-1.2".to_string()), "first".to_string()),
                (None, "Note: not an id".to_string()),
                (None, "third line".to_string()),
            ]
        );
    }

    #[test]
    fn list_cells_split_on_all_separators() {
        assert_eq!(split_list("a; b,c、d\ne"), ["a", "b", "c", "d", "e"]);
        assert!(split_list("  ").is_empty());
    }
}
