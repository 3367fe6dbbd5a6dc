//! The XLSX questionnaire: a workbook a supplier fills in Excel, and reading its answers back.
//!
//! # Workbook layout
//! * `Instructions` — how to fill it in, in Japanese and English.
//! * `Requirements` — row 1 holds the stable column keys (hidden); row 2 the column headings
//!   in the chosen language; from row 3 one row per requirement, followed by one row per
//!   evaluation criterion (`kind` = `criterion`). Identifying columns are locked; the answer
//!   columns (`status`, `score`, `comment`, `evidence`, `owner`, `due`) are unlocked and
//!   `status`/`score` have drop-down lists. The sheet protection has no password: it guards
//!   against slips, not against the respondent.
//! * `_meta` — very hidden and locked: format marker, catalog id and version, level, language.
//!
//! # Reading back
//! [`import`] checks the `_meta` sheet against the catalog it is given (wrong catalog or
//! version → rejected), finds columns by their key (so reordered columns still work; a
//! missing one is reported), and checks every row. Status cells accept the stable key or the
//! Japanese or English label. All problems are returned together, each with sheet, row and
//! column; answers are returned only when there is none.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, Workbook, XlsxError};

use crate::assessment::{Answer, AnswerStatus, CriterionResult};
use crate::model::{Catalog, Lang, Requirement, ScoringMethod};
use crate::tabular::{cell_text, column_letter};

/// Marker written to `_meta` so that import recognises its own workbooks.
pub const FORMAT_MARKER: &str = "sanso-questionnaire";
pub const FORMAT_VERSION: &str = "1";

const SHEET_INSTRUCTIONS: &str = "Instructions";
const SHEET_REQUIREMENTS: &str = "Requirements";
const SHEET_META: &str = "_meta";

/// Column keys of the `Requirements` sheet, in export order.
const COLUMNS: [&str; 11] = [
    "id", "kind", "group", "title", "text", "status", "score", "comment", "evidence", "owner",
    "due",
];
const REQUIRED_COLUMNS: [&str; 3] = ["id", "kind", "status"];

/// Failure to write the workbook.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("unknown level {0:?} for catalog")]
    UnknownLevel(String),
    #[error("writing the questionnaire workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

/// One problem found while reading a filled-in questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub sheet: String,
    /// 1-based row; 0 when the problem concerns the whole workbook.
    pub row: usize,
    /// Column letter with the column key, e.g. `F (status)`; empty for whole-row problems.
    pub column: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sheet {:?}", self.sheet)?;
        if self.row > 0 {
            write!(f, ", row {}", self.row)?;
        }
        if !self.column.is_empty() {
            write!(f, ", column {}", self.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ImportError {}

fn criterion_label(met: bool, lang: Lang) -> &'static str {
    match (met, lang) {
        (true, Lang::Ja) => "満たしている",
        (false, Lang::Ja) => "満たしていない",
        (true, Lang::En) => "Met",
        (false, Lang::En) => "Not met",
    }
}

fn parse_met(text: &str) -> Option<bool> {
    let t = text.trim();
    [true, false].into_iter().find(|met| {
        [Lang::Ja, Lang::En]
            .iter()
            .any(|lang| criterion_label(*met, *lang).eq_ignore_ascii_case(t))
            || (*met && (t.eq_ignore_ascii_case("met") || t.eq_ignore_ascii_case("true")))
            || (!*met && (t.eq_ignore_ascii_case("not_met") || t.eq_ignore_ascii_case("false")))
    })
}

fn headings(lang: Lang) -> [&'static str; 11] {
    match lang {
        Lang::Ja => [
            "ID",
            "種別",
            "分類",
            "項目",
            "内容・評価基準",
            "回答",
            "成熟度",
            "コメント",
            "証跡",
            "担当者",
            "期限",
        ],
        Lang::En => [
            "ID",
            "Kind",
            "Group",
            "Item",
            "Text / criterion",
            "Answer",
            "Maturity",
            "Comment",
            "Evidence",
            "Owner",
            "Due (YYYY-MM-DD)",
        ],
    }
}

fn instructions() -> Vec<&'static str> {
    vec![
        "記入方法",
        "1. 「Requirements」シートの各行が1つの項目です。「回答」列のドロップダウンから実施状況を選んでください。",
        "2. 種別が「criterion」の行は評価基準です。満たしているかどうかを選んでください。",
        "3. コメント・証跡(文書名やURL、複数はセミコロン区切り)・担当者・期限(YYYY-MM-DD)は任意です。",
        "4. 灰色の列や行・列の並びは変更しないでください。「_meta」シートは取り込みに使います。",
        "",
        "How to fill in",
        "1. Each row of the \"Requirements\" sheet is one item. Pick its status from the drop-down in the \"Answer\" column.",
        "2. Rows of kind \"criterion\" are evaluation criteria: choose whether each is met.",
        "3. Comment, evidence (document names or URLs, separated by semicolons), owner and due date (YYYY-MM-DD) are optional.",
        "4. Do not change the grey columns. The hidden \"_meta\" sheet identifies the questionnaire when it is read back.",
    ]
}

/// Writes a questionnaire workbook for `catalog` (only `level`'s requirements and criteria
/// when given), pre-filled with `answers`, with headings and labels in `lang`.
pub fn export(
    catalog: &Catalog,
    level: Option<&str>,
    answers: &[Answer],
    lang: Lang,
) -> Result<Vec<u8>, ExportError> {
    if let Some(level) = level {
        if catalog.level(level).is_none() {
            return Err(ExportError::UnknownLevel(level.to_string()));
        }
    }
    let answers: HashMap<&str, &Answer> = answers
        .iter()
        .map(|a| (a.requirement_id.as_str(), a))
        .collect();
    let mut workbook = Workbook::new();

    let heading = Format::new().set_bold().set_background_color(0xD9D9D9);
    let locked = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let locked_grey = locked.clone().set_background_color(0xF2F2F2);
    let open = Format::new()
        .set_unlocked()
        .set_text_wrap()
        .set_align(FormatAlign::Top);

    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(SHEET_INSTRUCTIONS)?;
        sheet.set_column_width(0, 110)?;
        sheet.write_string_with_format(0, 0, catalog.title.get(lang), &heading)?;
        sheet.write_string(1, 0, format!("{} / {}", catalog.id, catalog.version))?;
        for (i, line) in instructions().into_iter().enumerate() {
            sheet.write_string(3 + i as u32, 0, line)?;
        }
        let notes_start = 4 + instructions().len() as u32;
        for (row, note) in (notes_start..).zip(&catalog.notes) {
            sheet.write_string(row, 0, note.get(lang))?;
        }
    }

    let status_labels: Vec<String> = AnswerStatus::ALL
        .iter()
        .map(|s| s.label().get(lang).to_string())
        .collect();
    let status_list = DataValidation::new()
        .allow_list_strings(&status_labels)?
        .set_error_title("sanso")?
        .set_error_message(match lang {
            Lang::Ja => "一覧から選んでください。",
            Lang::En => "Choose a value from the list.",
        })?;
    let met_list = DataValidation::new()
        .allow_list_strings(&[criterion_label(true, lang), criterion_label(false, lang)])?;
    let maturity_list = match &catalog.scoring.method {
        ScoringMethod::Maturity { min, max, .. } => {
            let values: Vec<String> = (*min..=*max).map(|v| v.to_string()).collect();
            Some(DataValidation::new().allow_list_strings(&values)?)
        }
        _ => None,
    };

    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(SHEET_REQUIREMENTS)?;
        for (col, key) in COLUMNS.iter().enumerate() {
            sheet.write_string(0, col as u16, *key)?;
        }
        sheet.set_row_hidden(0)?;
        for (col, text) in headings(lang).iter().enumerate() {
            sheet.write_string_with_format(1, col as u16, *text, &heading)?;
        }
        for (col, width) in [14, 10, 22, 40, 60, 18, 9, 30, 25, 14, 14]
            .iter()
            .enumerate()
        {
            sheet.set_column_width(col as u16, *width)?;
        }
        sheet.set_freeze_panes(2, 1)?;

        let mut row: u32 = 2;
        let in_scope: Vec<(String, &Requirement)> = catalog
            .requirements()
            .into_iter()
            .filter(|(_, r)| match level {
                None => true,
                Some(level) => {
                    let closure = catalog.level_closure(level);
                    r.levels.iter().any(|l| closure.contains(l))
                }
            })
            .map(|(path, r)| {
                let group = path
                    .last()
                    .map(|g| format!("{} {}", g.id, g.title.get(lang)))
                    .unwrap_or_default();
                (group, r)
            })
            .collect();
        let first_row = row;
        for (group, requirement) in in_scope {
            let answer = answers.get(requirement.id.as_str()).copied();
            sheet.write_string_with_format(row, 0, &requirement.id, &locked_grey)?;
            sheet.write_string_with_format(row, 1, "requirement", &locked_grey)?;
            sheet.write_string_with_format(row, 2, &group, &locked_grey)?;
            sheet.write_string_with_format(row, 3, requirement.title.get(lang), &locked_grey)?;
            let mut text = requirement.text.get(lang).to_string();
            if !requirement.guidance.is_empty() {
                text.push_str("\n\n");
                text.push_str(requirement.guidance.get(lang));
            }
            if !requirement.verified {
                text.push_str(match lang {
                    Lang::Ja => "\n(未検証)",
                    Lang::En => "\n(unverified)",
                });
            }
            sheet.write_string_with_format(row, 4, text.trim(), &locked_grey)?;
            let status = answer.map(|a| a.status.label().get(lang).to_string());
            sheet.write_string_with_format(row, 5, status.unwrap_or_default(), &open)?;
            sheet.add_data_validation(row, 5, row, 5, &status_list)?;
            match answer.and_then(|a| a.score) {
                Some(score) => sheet.write_number_with_format(row, 6, score, &open)?,
                None => sheet.write_blank(row, 6, &open)?,
            };
            if let Some(list) = &maturity_list {
                sheet.add_data_validation(row, 6, row, 6, list)?;
            }
            let (comment, evidence, owner, due) = answer.map_or_else(Default::default, |a| {
                (
                    a.comment.clone(),
                    a.evidence.join("; "),
                    a.owner.clone().unwrap_or_default(),
                    a.due.clone().unwrap_or_default(),
                )
            });
            sheet.write_string_with_format(row, 7, comment, &open)?;
            sheet.write_string_with_format(row, 8, evidence, &open)?;
            sheet.write_string_with_format(row, 9, owner, &open)?;
            sheet.write_string_with_format(row, 10, due, &open)?;
            row += 1;

            for criterion in catalog.criteria_at_level(requirement, level) {
                let met = answer.and_then(|a| {
                    a.criteria
                        .iter()
                        .find(|r| r.criterion_id == criterion.id)
                        .map(|r| r.met)
                });
                sheet.write_string_with_format(row, 0, &criterion.id, &locked)?;
                sheet.write_string_with_format(row, 1, "criterion", &locked)?;
                sheet.write_string_with_format(row, 2, &requirement.id, &locked)?;
                sheet.write_string_with_format(row, 3, "", &locked)?;
                sheet.write_string_with_format(row, 4, criterion.text.get(lang), &locked)?;
                sheet.write_string_with_format(
                    row,
                    5,
                    met.map(|m| criterion_label(m, lang)).unwrap_or_default(),
                    &open,
                )?;
                sheet.add_data_validation(row, 5, row, 5, &met_list)?;
                row += 1;
            }
        }
        if row > first_row {
            sheet.autofilter(1, 0, row - 1, (COLUMNS.len() - 1) as u16)?;
        }
        sheet.protect();
        sheet.set_active(true);
    }

    {
        let sheet = workbook.add_worksheet();
        sheet.set_name(SHEET_META)?;
        let rows = [
            ("format", FORMAT_MARKER.to_string()),
            ("format_version", FORMAT_VERSION.to_string()),
            ("catalog_id", catalog.id.clone()),
            ("catalog_version", catalog.version.clone()),
            ("level", level.unwrap_or_default().to_string()),
            (
                "lang",
                match lang {
                    Lang::Ja => "ja".to_string(),
                    Lang::En => "en".to_string(),
                },
            ),
        ];
        for (i, (key, value)) in rows.iter().enumerate() {
            sheet.write_string(i as u32, 0, *key)?;
            sheet.write_string(i as u32, 1, value)?;
        }
        sheet.protect();
        sheet.set_very_hidden(true);
    }

    Ok(workbook.save_to_buffer()?)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Normalises a due date: `YYYY-MM-DD` text, or an Excel date serial (what Excel stores when
/// the respondent types a date into the cell).
fn parse_due(cell: &Data) -> Result<Option<String>, String> {
    let serial = match cell {
        Data::Empty => return Ok(None),
        Data::DateTime(d) => Some(d.as_f64()),
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    };
    if let Some(serial) = serial {
        // Counting from 1899-12-30 (25,569 days before 1970) is right from serial 61
        // (1900-03-01) on; below it Excel counts a 1900-02-29 that never was, and no due date
        // lives there, so such serials are refused rather than shifted.
        if !(61.0..2_958_466.0).contains(&serial) {
            return Err(format!(
                "{serial} is not a date from 1900-03-01 to 9999-12-31"
            ));
        }
        let (y, m, d) = civil_from_days(serial.floor() as i64 - 25_569);
        return Ok(Some(format!("{y:04}-{m:02}-{d:02}")));
    }
    let text = cell_text(cell)?;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let text = text.replace('/', "-");
    let parts: Vec<&str> = text.split('-').collect();
    let valid = parts.len() == 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if !valid {
        return Err(format!("{text:?} is not a date (YYYY-MM-DD)"));
    }
    let (y, m, d): (i64, u32, u32) = match (parts[0].parse(), parts[1].parse(), parts[2].parse()) {
        (Ok(y), Ok(m), Ok(d)) => (y, m, d),
        _ => return Err(format!("{text:?} is not a date (YYYY-MM-DD)")),
    };
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    };
    if d == 0 || d > days_in_month {
        return Err(format!("{text:?} is not a calendar date"));
    }
    Ok(Some(format!("{y:04}-{m:02}-{d:02}")))
}

/// Reads the answers of a filled-in questionnaire for `catalog`.
pub fn import(bytes: &[u8], catalog: &Catalog) -> Result<Vec<Answer>, Vec<ImportError>> {
    let whole = |sheet: &str, message: String| {
        vec![ImportError {
            sheet: sheet.to_string(),
            row: 0,
            column: String::new(),
            message,
        }]
    };
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|err| whole("", format!("not an XLSX workbook: {err}")))?;

    // Identify the questionnaire.
    let meta = workbook.worksheet_range(SHEET_META).map_err(|_| {
        whole(
            SHEET_META,
            "missing: this is not a sanso questionnaire".into(),
        )
    })?;
    let mut meta_values: HashMap<String, (usize, String)> = HashMap::new();
    for (i, row) in meta.rows().enumerate() {
        let key = row
            .first()
            .and_then(|c| cell_text(c).ok())
            .unwrap_or_default();
        let value = row
            .get(1)
            .and_then(|c| cell_text(c).ok())
            .unwrap_or_default();
        meta_values.insert(key.trim().to_string(), (i + 1, value.trim().to_string()));
    }
    let mut errors = Vec::new();
    let expect = |key: &str, wanted: &str, errors: &mut Vec<ImportError>| match meta_values.get(key)
    {
        Some((_, value)) if value == wanted => {}
        Some((row, value)) => errors.push(ImportError {
            sheet: SHEET_META.into(),
            row: *row,
            column: "B".into(),
            message: format!("{key} is {value:?}, expected {wanted:?}"),
        }),
        None => errors.push(ImportError {
            sheet: SHEET_META.into(),
            row: 0,
            column: "A".into(),
            message: format!("{key} is missing"),
        }),
    };
    expect("format", FORMAT_MARKER, &mut errors);
    expect("format_version", FORMAT_VERSION, &mut errors);
    expect("catalog_id", &catalog.id, &mut errors);
    expect("catalog_version", &catalog.version, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let level = meta_values
        .get("level")
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty());

    let range = workbook
        .worksheet_range(SHEET_REQUIREMENTS)
        .map_err(|_| whole(SHEET_REQUIREMENTS, "sheet is missing".into()))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let rows: Vec<&[Data]> = range.rows().collect();
    let row_number = |index: usize| first_row as usize + index + 1;

    let Some(keys) = rows.first() else {
        return Err(whole(SHEET_REQUIREMENTS, "sheet is empty".into()));
    };
    let mut columns: HashMap<String, usize> = HashMap::new();
    for (i, cell) in keys.iter().enumerate() {
        let key = cell_text(cell).unwrap_or_default().trim().to_string();
        if !key.is_empty() {
            columns.insert(key, i);
        }
    }
    for key in REQUIRED_COLUMNS {
        if !columns.contains_key(key) {
            errors.push(ImportError {
                sheet: SHEET_REQUIREMENTS.into(),
                row: row_number(0),
                column: key.into(),
                message: format!("column {key:?} is missing from the key row"),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let column_name = |key: &str| -> String {
        columns
            .get(key)
            .map(|i| format!("{} ({key})", column_letter(first_col as usize + i)))
            .unwrap_or_else(|| key.to_string())
    };

    // Indexes, so that each row is a lookup rather than a walk of the catalog tree.
    let mut requirement_by_id: HashMap<&str, &Requirement> = HashMap::new();
    let mut parent_of_criterion: HashMap<&str, &Requirement> = HashMap::new();
    for (_, requirement) in catalog.requirements() {
        requirement_by_id.insert(&requirement.id, requirement);
        for criterion in &requirement.criteria {
            parent_of_criterion.insert(&criterion.id, requirement);
        }
    }

    let mut answers: HashMap<String, Answer> = HashMap::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut explicit_status: HashSet<String> = HashSet::new();
    let maturity = match &catalog.scoring.method {
        ScoringMethod::Maturity { min, max, .. } => Some((f64::from(*min), f64::from(*max))),
        _ => None,
    };

    // Row 1 = keys, row 2 = headings.
    for (index, cells) in rows.iter().enumerate().skip(2) {
        let row = row_number(index);
        let get = |key: &str| -> Data {
            columns
                .get(key)
                .and_then(|i| cells.get(*i))
                .cloned()
                .unwrap_or(Data::Empty)
        };
        let text =
            |key: &str| -> String { cell_text(&get(key)).unwrap_or_default().trim().to_string() };
        let mut error = |key: &str, message: String| {
            errors.push(ImportError {
                sheet: SHEET_REQUIREMENTS.into(),
                row,
                column: column_name(key),
                message,
            })
        };
        let id = text("id");
        if id.is_empty() {
            if ["status", "score", "comment", "evidence", "owner", "due"]
                .iter()
                .any(|k| !text(k).is_empty())
            {
                error("id", "row has answers but no id".into());
            }
            continue;
        }
        if let Some(first) = seen.insert(id.clone(), row) {
            error("id", format!("{id:?} appears twice (first in row {first})"));
            continue;
        }
        let kind = text("kind");
        match kind.as_str() {
            "requirement" => {
                let Some(requirement) = requirement_by_id.get(id.as_str()).copied() else {
                    error(
                        "id",
                        format!(
                            "unknown requirement {id:?} in catalog {}",
                            catalog.reference()
                        ),
                    );
                    continue;
                };
                let status_text = text("status");
                let status = if status_text.is_empty() {
                    None
                } else {
                    match AnswerStatus::parse(&status_text) {
                        Some(status) => Some(status),
                        None => {
                            error(
                                "status",
                                format!("{status_text:?} is not a status (choose from the list)"),
                            );
                            continue;
                        }
                    }
                };
                let score = match get("score") {
                    Data::Empty => None,
                    Data::Float(f) => Some(f),
                    Data::Int(i) => Some(i as f64),
                    other => {
                        let t = cell_text(&other).unwrap_or_default();
                        let t = t.trim();
                        if t.is_empty() {
                            None
                        } else if let Ok(value) = t.parse::<f64>() {
                            Some(value)
                        } else {
                            error("score", format!("{t:?} is not a number"));
                            continue;
                        }
                    }
                };
                if let (Some(score), Some((min, max))) = (score, maturity) {
                    if !(min..=max).contains(&score) || score.fract() != 0.0 {
                        error(
                            "score",
                            format!("{score} is not a maturity level {min}..={max}"),
                        );
                        continue;
                    }
                }
                let due = match parse_due(&get("due")) {
                    Ok(due) => due,
                    Err(message) => {
                        error("due", message);
                        continue;
                    }
                };
                let comment = text("comment");
                let evidence: Vec<String> = text("evidence")
                    .split([';', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                let owner = Some(text("owner")).filter(|s| !s.is_empty());
                let has_other = score.is_some()
                    || due.is_some()
                    || !comment.is_empty()
                    || !evidence.is_empty()
                    || owner.is_some();
                let status = match status {
                    Some(status) => status,
                    None if has_other => {
                        error(
                            "status",
                            format!("{id}: answer details given but no status"),
                        );
                        continue;
                    }
                    None => continue,
                };
                explicit_status.insert(requirement.id.clone());
                answers.insert(
                    requirement.id.clone(),
                    Answer {
                        requirement_id: requirement.id.clone(),
                        status,
                        score,
                        criteria: Vec::new(),
                        comment,
                        evidence,
                        owner,
                        due,
                    },
                );
            }
            "criterion" => {
                let Some(parent) = parent_of_criterion.get(id.as_str()).copied() else {
                    error(
                        "id",
                        format!(
                            "unknown criterion {id:?} in catalog {}",
                            catalog.reference()
                        ),
                    );
                    continue;
                };
                let value = text("status");
                if value.is_empty() {
                    continue;
                }
                let Some(met) = parse_met(&value) else {
                    error("status", format!("{value:?} is not met / not met"));
                    continue;
                };
                // Criteria rows follow their requirement; the answer may not exist yet when
                // the requirement's own status was left empty.
                answers
                    .entry(parent.id.clone())
                    .or_insert_with(|| Answer::new(parent.id.clone(), AnswerStatus::Unknown))
                    .criteria
                    .push(CriterionResult {
                        criterion_id: id.clone(),
                        met,
                    });
            }
            other => error("kind", format!("{other:?} is not requirement or criterion")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Answers in catalog order, criteria in catalog order. A requirement answered only through
    // its criteria gets the status they imply.
    let mut out = Vec::new();
    for (_, requirement) in catalog.requirements() {
        let Some(mut answer) = answers.remove(&requirement.id) else {
            continue;
        };
        answer.criteria.sort_by_key(|r| {
            requirement
                .criteria
                .iter()
                .position(|c| c.id == r.criterion_id)
                .unwrap_or(usize::MAX)
        });
        if !explicit_status.contains(&requirement.id) {
            let applicable = catalog
                .criteria_at_level(requirement, level.as_deref())
                .len();
            let met = answer.criteria.iter().filter(|r| r.met).count();
            answer.status = if met == applicable && applicable > 0 {
                AnswerStatus::Implemented
            } else if met > 0 {
                AnswerStatus::Partial
            } else {
                AnswerStatus::NotImplemented
            };
        }
        out.push(answer);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_from_day_counts() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
    }

    #[test]
    fn due_dates_are_checked() {
        let text = |s: &str| parse_due(&Data::String(s.into()));
        assert_eq!(text("2024-02-29"), Ok(Some("2024-02-29".into())));
        assert_eq!(text("2026/4/1"), Ok(Some("2026-04-01".into())));
        assert!(text("2023-02-29").is_err());
        assert!(text("tomorrow").is_err());
        assert!(text("26-04-01").is_err());
        assert_eq!(text("  "), Ok(None));
    }

    #[test]
    fn status_and_criterion_labels_parse_in_both_languages() {
        for status in AnswerStatus::ALL {
            let label = status.label();
            assert_eq!(AnswerStatus::parse(&label.ja), Some(status));
            assert_eq!(AnswerStatus::parse(&label.en.to_uppercase()), Some(status));
            assert_eq!(AnswerStatus::parse(status.key()), Some(status));
        }
        assert_eq!(parse_met("満たしていない"), Some(false));
        assert_eq!(parse_met("met"), Some(true));
        assert_eq!(parse_met("perhaps"), None);
    }
}
