//! Reading and writing flows: YAML (the authoring format), JSON (the API format) and XLSX
//! (the export a data steward hands round).
//!
//! # YAML format
//!
//! A flow file is one mapping with the fields of [`DataFlow`]:
//!
//! ```yaml
//! id: pos-sales                 # stable id
//! name: POS sales data
//! data_set: { name: POS receipts, description: line items with member id }
//! places:                       # step 2: where rules are in force
//!   - id: jp-store
//!     name: { ja: 国内店舗, en: Stores in Japan }
//!     kind: law                 # law | contract | internal_rules
//!     adopts: [jp-appi, internal-rules-example]   # shipped or own rule sets
//!     rules: []                 # extra rules: { id, require: { kind: …, … }, applies_to, summary }
//! holders:
//!   - { id: retailer, name: Example Retail K.K., relation: own }  # own | group_company | contractor | third_party
//! events:                       # step 1; listed in any order
//!   - id: pos-capture
//!     kind: create_acquire      # create_acquire | process | integrate | transfer_provide | store | dispose
//!     holder: retailer
//!     place: jp-store
//!     changes:                  # step 3: attribute values this event sets
//!       category: personal
//!       privacy_impact: medium
//!       value: medium
//!       disclosure_scope: internal
//!       rights_holders: [customers]
//!     safeguards: [encryption_in_transit]
//! edges:
//!   - { from: pos-capture, to: integrate }
//! risks: []                     # step 4: reviewed register (optional)
//! ```
//!
//! Unknown fields are errors (a typo must not pass silently); every error carries the file
//! name, line, column and field path.

use crate::attributes::attributes_along;
use crate::error::{DataflowError, SourceLocation};
use crate::gaps::Gap;
use crate::model::DataFlow;
use crate::places::Library;
use crate::risk::Risk;
use crate::vocabulary::Scale;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Deserialises YAML, reporting the field path, line and column of any error.
pub fn from_yaml_str<T: DeserializeOwned>(text: &str, source: &str) -> Result<T, DataflowError> {
    let deserializer = serde_yaml_ng::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let location = inner.location();
        DataflowError::Yaml {
            location: SourceLocation {
                source: source.to_string(),
                path,
                line: location.as_ref().map(|l| l.line()),
                column: location.as_ref().map(|l| l.column()),
            },
            message: inner.to_string(),
        }
    })
}

/// Deserialises JSON, reporting the field path, line and column of any error.
pub fn from_json_str<T: DeserializeOwned>(text: &str, source: &str) -> Result<T, DataflowError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        DataflowError::Json {
            location: SourceLocation {
                source: source.to_string(),
                path,
                line: Some(inner.line()),
                column: Some(inner.column()),
            },
            message: inner.to_string(),
        }
    })
}

/// Parses a flow from YAML (structure only; call [`crate::validate::validate`] for the rest).
pub fn flow_from_yaml(text: &str, source: &str) -> Result<DataFlow, DataflowError> {
    from_yaml_str(text, source)
}

/// Parses a flow from JSON.
pub fn flow_from_json(text: &str, source: &str) -> Result<DataFlow, DataflowError> {
    from_json_str(text, source)
}

pub fn to_yaml<T: Serialize>(value: &T) -> Result<String, DataflowError> {
    serde_yaml_ng::to_string(value).map_err(|e| DataflowError::YamlWrite(e.to_string()))
}

pub fn to_json<T: Serialize>(value: &T) -> Result<String, DataflowError> {
    serde_json::to_string_pretty(value).map_err(|e| DataflowError::JsonWrite(e.to_string()))
}

/// Writes an XLSX workbook with three sheets: `Events` (each event with the attributes after
/// it), `Risks` (the register given) and `Gaps` (cross-place gaps given). The flow must be
/// valid. `lang` (`ja` or `en`) picks the label language.
pub fn flow_to_xlsx(
    flow: &DataFlow,
    library: &Library,
    risks: &[Risk],
    gaps: &[Gap],
    lang: &str,
) -> Result<Vec<u8>, DataflowError> {
    let along = attributes_along(flow, library)?;
    let vocabulary = library.vocabulary();
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let label = |scale: Scale, id: &Option<String>| -> String {
        match id {
            Some(id) => vocabulary
                .label(scale, id)
                .map(|t| t.get(lang).to_string())
                .unwrap_or_else(|| id.clone()),
            None => String::new(),
        }
    };

    let sheet = "Events";
    let events = workbook.add_worksheet();
    let xl = |e: XlsxError| DataflowError::Xlsx {
        sheet: sheet.to_string(),
        message: e.to_string(),
    };
    events.set_name(sheet).map_err(xl)?;
    let headers = [
        "order",
        "event",
        "kind",
        "holder",
        "place",
        "inputs",
        "category",
        "privacy_impact",
        "value",
        "disclosure_scope",
        "rights_holders",
        "safeguards",
        "description",
    ];
    write_header(events, &headers, &bold).map_err(xl)?;
    let graph = crate::model::FlowGraph::new(flow);
    for (i, step) in along.iter().enumerate() {
        let Some(event) = graph
            .index
            .get(step.event.as_str())
            .map(|&j| &flow.events[j])
        else {
            continue;
        };
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let place = flow
            .place(&event.place)
            .map(|p| p.name.get(lang).to_string())
            .unwrap_or_default();
        let holder = flow
            .holder(&event.holder)
            .map(|h| h.name.clone())
            .unwrap_or_default();
        let cells = [
            (i + 1).to_string(),
            event.id.clone(),
            event.kind.label().get(lang).to_string(),
            holder,
            place,
            step.inputs.join(", "),
            label(Scale::Category, &step.after.category),
            label(Scale::PrivacyImpact, &step.after.privacy_impact),
            label(Scale::Value, &step.after.value),
            label(Scale::DisclosureScope, &step.after.disclosure_scope),
            step.after.rights_holders.join(", "),
            event.safeguards.join(", "),
            event.description.clone(),
        ];
        write_row(events, row, &cells).map_err(xl)?;
    }
    events.autofit();

    let sheet = "Risks";
    let xl = |e: XlsxError| DataflowError::Xlsx {
        sheet: sheet.to_string(),
        message: e.to_string(),
    };
    let register = workbook.add_worksheet();
    register.set_name(sheet).map_err(xl)?;
    let headers = [
        "id",
        "event",
        "dimension",
        "title",
        "rationale",
        "rule",
        "requirements",
        "status",
        "note",
    ];
    write_header(register, &headers, &bold).map_err(xl)?;
    for (i, risk) in risks.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let cells = [
            risk.id.clone(),
            risk.event.clone(),
            risk.dimension.label().get(lang).to_string(),
            risk.title.get(lang).to_string(),
            risk.rationale.get(lang).to_string(),
            risk.rule_id.clone(),
            risk.requirement_refs.join(", "),
            risk.status.id().to_string(),
            risk.note.clone().unwrap_or_default(),
        ];
        write_row(register, row, &cells).map_err(xl)?;
    }
    register.autofit();

    let sheet = "Gaps";
    let xl = |e: XlsxError| DataflowError::Xlsx {
        sheet: sheet.to_string(),
        message: e.to_string(),
    };
    let gap_sheet = workbook.add_worksheet();
    gap_sheet.set_name(sheet).map_err(xl)?;
    let headers = [
        "from_place",
        "to_place",
        "rule",
        "requirement",
        "severity",
        "explanation",
    ];
    write_header(gap_sheet, &headers, &bold).map_err(xl)?;
    for (i, gap) in gaps.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let cells = [
            gap.from_place.clone(),
            gap.to_place.clone(),
            gap.rule_id.clone(),
            gap.requirement.clone(),
            gap.severity.id().to_string(),
            gap.explanation.get(lang).to_string(),
        ];
        write_row(gap_sheet, row, &cells).map_err(xl)?;
    }
    gap_sheet.autofit();

    workbook.save_to_buffer().map_err(|e| DataflowError::Xlsx {
        sheet: "(workbook)".to_string(),
        message: e.to_string(),
    })
}

/// Writes one workbook for a set of flows (a workspace's register report): sheet `Flows` (each
/// flow with its risk counts per dimension and status), `Risks` (every flow's register, the flow
/// named on each row) and `Gaps` (every cross-place gap, the flow named). `lang` picks labels.
pub fn flows_to_xlsx(
    flows: &[(DataFlow, Vec<Risk>, Vec<Gap>)],
    lang: &str,
) -> Result<Vec<u8>, DataflowError> {
    use crate::risk::{RiskDimension, RiskStatus};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let err = |sheet: &str| {
        let sheet = sheet.to_string();
        move |e: XlsxError| DataflowError::Xlsx {
            sheet: sheet.clone(),
            message: e.to_string(),
        }
    };

    let sheet = workbook.add_worksheet();
    sheet.set_name("Flows").map_err(err("Flows"))?;
    let mut headers = vec![
        "flow".to_string(),
        "name".to_string(),
        "data_set".to_string(),
        "events".to_string(),
        "places".to_string(),
    ];
    headers.extend(
        RiskDimension::ALL
            .iter()
            .map(|d| d.label().get(lang).to_string()),
    );
    headers.extend(["open", "accepted_or_edited", "rejected", "gaps"].map(String::from));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    write_header(sheet, &header_refs, &bold).map_err(err("Flows"))?;
    for (i, (flow, risks, gaps)) in flows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let live: Vec<&Risk> = risks
            .iter()
            .filter(|r| r.status != RiskStatus::Rejected)
            .collect();
        let mut cells = vec![
            flow.id.clone(),
            flow.name.clone(),
            flow.data_set.name.clone(),
            flow.events.len().to_string(),
            flow.places.len().to_string(),
        ];
        cells.extend(RiskDimension::ALL.iter().map(|d| {
            live.iter()
                .filter(|r| r.dimension == *d)
                .count()
                .to_string()
        }));
        let count = |f: &dyn Fn(&Risk) -> bool| risks.iter().filter(|r| f(r)).count().to_string();
        cells.push(count(&|r| r.status == RiskStatus::Suggested));
        cells.push(count(&|r| {
            matches!(r.status, RiskStatus::Accepted | RiskStatus::Edited)
        }));
        cells.push(count(&|r| r.status == RiskStatus::Rejected));
        cells.push(gaps.len().to_string());
        write_row(sheet, row, &cells).map_err(err("Flows"))?;
    }
    sheet.autofit();

    let sheet = workbook.add_worksheet();
    sheet.set_name("Risks").map_err(err("Risks"))?;
    let headers = [
        "flow",
        "id",
        "event",
        "dimension",
        "title",
        "rationale",
        "rule",
        "requirements",
        "status",
        "note",
    ];
    write_header(sheet, &headers, &bold).map_err(err("Risks"))?;
    let mut row = 1u32;
    for (flow, risks, _) in flows {
        for risk in risks {
            let cells = [
                flow.name.clone(),
                risk.id.clone(),
                risk.event.clone(),
                risk.dimension.label().get(lang).to_string(),
                risk.title.get(lang).to_string(),
                risk.rationale.get(lang).to_string(),
                risk.rule_id.clone(),
                risk.requirement_refs.join(", "),
                risk.status.id().to_string(),
                risk.note.clone().unwrap_or_default(),
            ];
            write_row(sheet, row, &cells).map_err(err("Risks"))?;
            row = row.saturating_add(1);
        }
    }
    sheet.autofit();

    let sheet = workbook.add_worksheet();
    sheet.set_name("Gaps").map_err(err("Gaps"))?;
    let headers = [
        "flow",
        "from_place",
        "to_place",
        "rule",
        "requirement",
        "severity",
        "explanation",
    ];
    write_header(sheet, &headers, &bold).map_err(err("Gaps"))?;
    let mut row = 1u32;
    for (flow, _, gaps) in flows {
        for gap in gaps {
            let cells = [
                flow.name.clone(),
                gap.from_place.clone(),
                gap.to_place.clone(),
                gap.rule_id.clone(),
                gap.requirement.clone(),
                gap.severity.id().to_string(),
                gap.explanation.get(lang).to_string(),
            ];
            write_row(sheet, row, &cells).map_err(err("Gaps"))?;
            row = row.saturating_add(1);
        }
    }
    sheet.autofit();

    workbook.save_to_buffer().map_err(|e| DataflowError::Xlsx {
        sheet: "(workbook)".to_string(),
        message: e.to_string(),
    })
}

fn write_header(sheet: &mut Worksheet, headers: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (col, header) in headers.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, *header, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_row(sheet: &mut Worksheet, row: u32, cells: &[String]) -> Result<(), XlsxError> {
    for (col, cell) in cells.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string(row, col, cell)?;
    }
    Ok(())
}
