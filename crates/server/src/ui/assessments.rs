//! Web UI for catalogs, assessments, the answer form, review, dashboards and reports.
//!
//! Handlers stay thin: they read the request, call the store, and render with maud. Text comes from
//! [`MESSAGES`] below (registered in `crate::i18n`), in English and Japanese.
//!
//! * `/w/{ws}/assessments` — list and create (catalog, level, target node).
//! * `/w/{ws}/assessments/{id}` — the whole catalog on one page, grouped as the catalog groups
//!   it; one multipart post saves every answer (status, score, criteria, comment, owner, due,
//!   evidence link or file). Answers carried from other assessments through the built-in
//!   mappings ("answer once") are shown as inferred, with their path, and can be adopted.
//! * review buttons by role (assessors submit, administrators approve or return with a comment),
//! * `/dashboard` — radar chart, layer × component heatmap, level attained, progress, gaps,
//! * `/compare?before=` — two assessments of the same target and catalog version.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, PreEscaped};
use sanso_catalog::{
    Answer, AnswerStatus, Catalog, CriterionResult, Group, InferredAnswer, MappingSet, Requirement,
    ScoringMethod,
};
use sanso_core::access::Role;
use sanso_core::model::FieldError;
use sanso_store::assessments::{AssessmentRecord, AssessmentState, NewAssessment};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::pages::workspace;
use super::{CsrfForm, Ui, UiResult};
use crate::api::reports::{report_error, report_input};
use crate::auth::{require_admin, require_edit};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::SharedState;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/w/{ws}/assessments", get(list_page).post(create))
        .route(
            "/w/{ws}/assessments/{id}",
            get(answer_page).post(save_answers),
        )
        .route("/w/{ws}/assessments/{id}/adopt", post(adopt))
        .route("/w/{ws}/assessments/{id}/submit", post(submit))
        .route("/w/{ws}/assessments/{id}/approve", post(approve))
        .route("/w/{ws}/assessments/{id}/return", post(return_for_changes))
        .route("/w/{ws}/assessments/{id}/dashboard", get(dashboard))
        .route("/w/{ws}/assessments/{id}/compare", get(compare_page))
}

/// (key, English, Japanese) for this area's pages.
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.assessments", "Assessments", "アセスメント"),
    ("as.none", "No assessments yet.", "アセスメントはまだありません。"),
    ("as.create", "New assessment", "新しいアセスメント"),
    ("as.title", "Title", "タイトル"),
    ("as.catalog", "Framework", "フレームワーク"),
    ("as.level", "Target level", "目標レベル"),
    ("as.no_level", "(no target level: whole catalog)", "(目標レベルなし:カタログ全体)"),
    ("as.target", "Target", "対象"),
    ("as.target_ws", "Whole workspace", "ワークスペース全体"),
    ("as.state", "State", "状態"),
    ("as.updated", "Updated", "更新日時"),
    ("as.progress", "Progress", "進捗"),
    ("as.state.draft", "Draft", "下書き"),
    ("as.state.submitted", "Submitted — awaiting approval", "提出済み(承認待ち)"),
    ("as.state.approved", "Approved (locked)", "承認済み(ロック)"),
    ("as.state.returned", "Returned for changes", "差し戻し"),
    ("as.review_comment", "Reviewer's comment", "レビューコメント"),
    ("as.requirement", "Requirement", "要件"),
    ("as.status", "Status", "状態"),
    ("as.status.none", "— not answered —", "— 未回答 —"),
    ("as.score", "Maturity score", "成熟度スコア"),
    ("as.criteria", "Criteria met", "満たしている基準"),
    ("as.comment", "Comment", "コメント"),
    ("as.owner", "Owner", "担当者"),
    ("as.due", "Due date", "期限"),
    ("as.evidence", "Evidence", "エビデンス"),
    ("as.evidence_link", "Link or document name", "リンクまたは文書名"),
    ("as.evidence_file", "Upload a file", "ファイルをアップロード"),
    ("as.evidence_keep", "keep", "保持"),
    ("as.guidance", "Guidance", "ガイダンス"),
    ("as.unverified", "unverified", "未検証"),
    ("as.in_level", "in target level", "目標レベルの対象"),
    ("as.save", "Save all answers", "すべての回答を保存"),
    ("as.saved", "Answers saved.", "回答を保存しました。"),
    ("as.locked", "This assessment cannot be changed in its current state.", "この状態のアセスメントは変更できません。"),
    ("as.read_only", "Your role is read-only: answers are shown but cannot be changed.", "閲覧のみの権限のため、回答は変更できません。"),
    ("as.submit", "Submit for approval", "承認依頼を提出"),
    ("as.approve", "Approve", "承認"),
    ("as.return", "Return with comment", "コメントを付けて差し戻す"),
    ("as.return_comment", "What has to change", "修正が必要な点"),
    ("as.approve_comment", "Comment (optional)", "コメント(任意)"),
    ("as.inferred", "Inferred (answer once)", "推定(回答の再利用)"),
    ("as.inferred_help", "Answers carried from other assessments of the same target through the built-in mappings. Equivalent or superset mappings carry the result; subset or intersecting mappings carry at most \"partial\". Adopt one to make it an answer of this assessment.", "同じ対象の他のアセスメントの回答を、組み込みのマッピングで引き継いだものです。同等・上位集合の対応は結果をそのまま、部分集合・交差の対応は最大でも「一部実施」として引き継ぎます。採用するとこのアセスメントの回答になります。"),
    ("as.inferred_from", "from", "引継ぎ元"),
    ("as.path", "Path", "経路"),
    ("as.adopt", "Adopt", "採用"),
    ("as.adopt_all", "Adopt all inferred answers", "推定された回答をすべて採用"),
    ("as.adopted_comment", "Adopted from an inferred answer", "推定された回答から採用"),
    ("as.dashboard", "Dashboard", "ダッシュボード"),
    ("as.answers", "Answers", "回答"),
    ("as.compare", "Compare", "比較"),
    ("as.compare_with", "Compare with an earlier assessment of the same target", "同じ対象の以前のアセスメントと比較"),
    ("as.compare_none", "No other assessment of the same target and catalog version to compare with.", "比較できる同じ対象・同じカタログ版のアセスメントがありません。"),
    ("as.before", "Before", "以前"),
    ("as.after", "After", "今回"),
    ("as.change", "Change", "変化"),
    ("as.change.improved", "improved", "改善"),
    ("as.change.regressed", "regressed", "悪化"),
    ("as.change.unchanged", "unchanged", "変化なし"),
    ("as.change.not_comparable", "not comparable", "比較不可"),
    ("as.download", "Downloads", "ダウンロード"),
    ("as.xlsx", "Questionnaire (XLSX)", "質問票(XLSX)"),
    ("as.docx", "Report (DOCX)", "報告書(DOCX)"),
    ("as.overall", "Overall", "総合"),
    ("as.band", "Result", "判定"),
    ("as.levels_attained", "Levels attained", "達成レベル"),
    ("as.target_attained", "Target level attained", "目標レベルを達成"),
    ("as.target_not_attained", "Target level not yet attained", "目標レベルは未達成"),
    ("as.radar", "Fulfilment per group", "グループ別の充足率"),
    ("as.radar_functions", "Fulfilment per CPSF function", "CPSF機能別の充足率"),
    ("as.heatmap", "CPSF layer × component", "CPSF 層×構成要素"),
    ("as.heatmap_none", "No requirement of this catalog carries both a layer and a component tag, so there is no heatmap.", "このカタログの要件には層と構成要素の両方のタグがないため、ヒートマップはありません。"),
    ("as.gaps", "Gaps against the target level", "目標レベルに対するギャップ"),
    ("as.no_gaps", "No gaps.", "ギャップはありません。"),
    ("as.notes", "Notes on this catalog", "このカタログに関する注記"),
    ("as.none_value", "none", "なし"),
];

/// Built-in mappings, parsed once per process.
fn mappings() -> &'static [MappingSet] {
    static MAPPINGS: OnceLock<Vec<MappingSet>> = OnceLock::new();
    MAPPINGS.get_or_init(sanso_catalog::builtin_mappings)
}

fn clang(ui: &Ui) -> sanso_catalog::Lang {
    match ui.lang {
        Lang::Ja => sanso_catalog::Lang::Ja,
        Lang::En => sanso_catalog::Lang::En,
    }
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn field_error(field: impl Into<String>, message: impl Into<String>) -> ApiError {
    ApiError::invalid(vec![FieldError::new(field, message)])
}

fn state_text(ui: &Ui, state: AssessmentState) -> &'static str {
    ui.t(&format!("as.state.{}", state.as_str()))
}

fn base(ws: &str, id: &str) -> String {
    format!("/w/{ws}/assessments/{id}")
}

fn api_base(ws: &str, id: &str) -> String {
    format!("/api/v1/workspaces/{ws}/assessments/{id}")
}

/// Text in the reader's language, falling back to the other one.
fn tx<'a>(ui: &Ui, text: &'a sanso_catalog::LocalizedText) -> &'a str {
    text.get(clang(ui))
}

fn unverified_mark(ui: &Ui, verified: bool, note: &sanso_catalog::LocalizedText) -> Markup {
    html! {
        @if !verified {
            span.unverified title=(tx(ui, note)) { "⚠ " (ui.t("as.unverified")) }
        }
    }
}

const STYLE: &str = r#"
.unverified{color:#8a5a00;background:#fff4d6;border:1px solid #e8c46a;border-radius:3px;padding:0 .3em;font-size:.85em;margin-left:.4em}
.state{display:inline-block;padding:.1em .6em;border-radius:3px;background:#eef2f7;border:1px solid #bcc8d8}
.state-approved{background:#e3f4e3;border-color:#8fc68f}.state-returned{background:#fdecea;border-color:#e0a39b}.state-submitted{background:#fff4d6;border-color:#e8c46a}
table.answers td{font-size:.92em}table.answers textarea{min-height:3em;font-family:inherit;width:16em}table.answers input[type=text]{min-width:8em;width:10em}
table.answers select{min-width:10em}.req-id{font-family:monospace;white-space:nowrap}.lvl{font-size:.8em;color:#12355b}
tr.group th{background:#dde6f0;font-size:1.05em}tr.group2 th{background:#eef2f7}
.inferred{font-size:.85em;background:#eef7ee;border:1px dashed #9bc79b;padding:.2em .4em;margin-top:.3em}
.bar{display:inline-block;width:12em;height:.9em;background:#eee;vertical-align:middle}.bar span{display:block;height:100%;background:#2b6cb0}
.charts{display:flex;flex-wrap:wrap;gap:1em}.charts svg{border:1px solid #ddd;max-width:100%;height:auto}
details{margin:.2em 0}summary{cursor:pointer;color:#12355b}
"#;

// ---------- list and create ----------

async fn list_page(State(state): State<SharedState>, ui: Ui, Path(ws): Path<String>) -> UiResult {
    let (_, workspace_row, role) = workspace(&state, &ui, &ws).await?;
    let list = state.store.list_assessments(&ws).await?;
    let catalogs = state.store.list_catalogs(&ws).await?;
    let nodes = state.store.list_nodes(&ws).await?;
    let node_name: HashMap<&str, &str> = nodes
        .iter()
        .map(|n| (n.id.as_str(), n.name.as_str()))
        .collect();
    let catalog_title: HashMap<(&str, &str), &str> = catalogs
        .iter()
        .map(|c| ((c.id.as_str(), c.version.as_str()), tx(&ui, &c.title)))
        .collect();
    let body = html! {
        style { (PreEscaped(STYLE)) }
        @if list.is_empty() { p #no-assessments { (ui.t("as.none")) } }
        @else {
            table #assessments {
                tr {
                    th { (ui.t("as.title")) } th { (ui.t("as.catalog")) } th { (ui.t("as.level")) }
                    th { (ui.t("as.target")) } th { (ui.t("as.state")) } th { (ui.t("as.updated")) } th {}
                }
                @for a in &list {
                    tr data-id=(a.id) {
                        td { a href=(base(&ws, &a.id)) { (a.title) } }
                        td { (catalog_title.get(&(a.catalog_id.as_str(), a.catalog_version.as_str())).copied().unwrap_or(&a.catalog_id)) " " span.muted { (a.catalog_version) } }
                        td { (a.target_level.as_deref().unwrap_or("—")) }
                        td { (a.target_node_id.as_deref().map(|n| node_name.get(n).copied().unwrap_or(n)).unwrap_or(ui.t("as.target_ws"))) }
                        td { span class={ "state state-" (a.state.as_str()) } { (state_text(&ui, a.state)) } }
                        td { (a.updated_at) }
                        td { a href={ (base(&ws, &a.id)) "/dashboard" } { (ui.t("as.dashboard")) } }
                    }
                }
            }
        }
        @if role.can_edit() {
            form #new-assessment method="post" action={ "/w/" (ws) "/assessments" } {
                fieldset {
                    legend { (ui.t("as.create")) }
                    (ui.csrf_field())
                    label { (ui.t("as.title")) " " input type="text" name="title" required; }
                    label { (ui.t("as.catalog")) " "
                        select name="catalog" required {
                            @for c in &catalogs {
                                option value={ (c.id) "@" (c.version) } { (tx(&ui, &c.title)) " (" (c.id) " " (c.version) ", " (c.requirements) ")" }
                            }
                        }
                    }
                    label { (ui.t("as.level")) " "
                        select name="level" {
                            option value="" { (ui.t("as.no_level")) }
                            @for c in &catalogs {
                                @for l in &c.levels {
                                    option value=(l) { (l) " — " (tx(&ui, &c.title)) }
                                }
                            }
                        }
                    }
                    label { (ui.t("as.target")) " "
                        select name="target" {
                            option value="" { (ui.t("as.target_ws")) }
                            @for n in &nodes {
                                option value=(n.id) { (n.name) " (" (ui.lang.kind(n.kind)) ")" }
                            }
                        }
                    }
                    button type="submit" { (ui.t("action.create")) }
                }
            }
        }
    };
    Ok(ui.page(
        ui.t("nav.assessments"),
        Some((&workspace_row, "assessments")),
        body,
    ))
}

#[derive(Deserialize)]
struct CreateForm {
    title: String,
    catalog: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    target: String,
}

async fn create(
    State(state): State<SharedState>,
    ui: Ui,
    Path(ws): Path<String>,
    CsrfForm(f): CsrfForm<CreateForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    // The select sends "id@version"; a catalog id may itself contain '@', the version is last.
    let Some((catalog_id, version)) = f.catalog.rsplit_once('@') else {
        return Err(field_error(
            "catalog",
            format!("{:?} is not a catalog (expected id@version)", f.catalog),
        )
        .into());
    };
    let record = state
        .store
        .create_assessment(
            &p.actor,
            &ws,
            NewAssessment {
                catalog_id: catalog_id.to_string(),
                catalog_version: version.to_string(),
                target_level: Some(f.level.trim().to_string()).filter(|l| !l.is_empty()),
                target_node_id: Some(f.target.trim().to_string()).filter(|t| !t.is_empty()),
                title: f.title,
            },
        )
        .await?;
    Ok(see_other(&base(&ws, &record.id)))
}

// ---------- the answer page ----------

#[derive(Deserialize)]
struct PageQuery {
    saved: Option<String>,
}

/// Inferred answers for requirements of `catalog`, from the other assessments of the same
/// target whose catalogs the built-in mappings connect to it. Several sources reaching one
/// requirement are combined by `infer_answers`; across assessments the newest wins.
async fn inferred_for(
    state: &SharedState,
    ws: &str,
    record: &AssessmentRecord,
    catalog: &Catalog,
) -> Result<BTreeMap<String, (InferredAnswer, String)>, ApiError> {
    let mut out: BTreeMap<String, (InferredAnswer, String)> = BTreeMap::new();
    let others = state.store.list_assessments(ws).await?;
    let connected: HashSet<&str> = mappings()
        .iter()
        .flat_map(|m| [m.source.id.as_str(), m.target.id.as_str()])
        .collect();
    if !connected.contains(catalog.id.as_str()) {
        return Ok(out);
    }
    // list_assessments is newest first: the first assessment to reach a requirement wins.
    for other in others.iter().filter(|o| {
        o.id != record.id
            && o.target_node_id == record.target_node_id
            && o.catalog_id != record.catalog_id
            && connected.contains(o.catalog_id.as_str())
    }) {
        let (source, source_catalog) = state.store.assessment_with_catalog(ws, &other.id).await?;
        if source.answers.is_empty() {
            continue;
        }
        for inferred in
            sanso_catalog::infer_answers(&source_catalog, &source.answers, mappings(), catalog)
        {
            out.entry(inferred.requirement_id.clone())
                .or_insert((inferred, source.title.clone()));
        }
    }
    Ok(out)
}

fn path_text(inferred: &InferredAnswer) -> String {
    inferred
        .sources
        .iter()
        .map(|s| {
            let hops: Vec<String> = s
                .path
                .iter()
                .map(|h| format!("{} → {} ({:?})", h.from, h.to, h.relationship).to_lowercase())
                .collect();
            format!("{}: {}", s.source_id, hops.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn status_label(ui: &Ui, s: AnswerStatus) -> String {
    s.label().get(clang(ui)).to_string()
}

async fn answer_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> UiResult {
    let (_, workspace_row, role) = workspace(&state, &ui, &ws).await?;
    let (record, catalog) = state.store.assessment_with_catalog(&ws, &id).await?;
    let inferred = inferred_for(&state, &ws, &record, &catalog).await?;
    let others = state.store.list_assessments(&ws).await?;
    let comparable: Vec<&AssessmentRecord> = others
        .iter()
        .filter(|o| {
            o.id != record.id
                && o.catalog_id == record.catalog_id
                && o.catalog_version == record.catalog_version
                && o.target_node_id == record.target_node_id
        })
        .collect();
    let answers: HashMap<&str, &Answer> = record
        .answers
        .iter()
        .map(|a| (a.requirement_id.as_str(), a))
        .collect();
    let in_level: HashSet<&str> = match &record.target_level {
        Some(l) => catalog
            .requirements_at_level(l)
            .into_iter()
            .map(|r| r.id.as_str())
            .collect(),
        None => HashSet::new(),
    };
    let editable = record.state.editable() && role.can_edit();
    let open_inferred: Vec<&(InferredAnswer, String)> = inferred
        .values()
        .filter(|(i, _)| {
            answers
                .get(i.requirement_id.as_str())
                .is_none_or(|a| a.status == AnswerStatus::Unknown)
        })
        .collect();
    let answered = record
        .answers
        .iter()
        .filter(|a| a.status != AnswerStatus::Unknown)
        .count();
    let ctx = RowCtx {
        ui: &ui,
        catalog: &catalog,
        answers: &answers,
        inferred: &inferred,
        in_level: &in_level,
        editable,
        ws: &ws,
        id: &id,
        labels: ROW_KEYS.iter().map(|k| (*k, ui.t(k))).collect(),
        statuses: AnswerStatus::ALL
            .into_iter()
            .map(|s| (s, status_label(&ui, s)))
            .collect(),
    };
    let base_url = base(&ws, &id);
    let api = api_base(&ws, &id);
    let body = html! {
        style { (PreEscaped(STYLE)) }
        @if q.saved.is_some() { p.notice #saved { (ui.t("as.saved")) } }
        (header_block(&ui, &ws, &record, &catalog, role, answered))
        p {
            a #dashboard-link href={ (base_url) "/dashboard" } { (ui.t("as.dashboard")) } " · "
            (ui.t("as.download")) ": "
            a #xlsx-ja href={ (api) "/questionnaire.xlsx?lang=ja" } { (ui.t("as.xlsx")) " 日本語" } " · "
            a #xlsx-en href={ (api) "/questionnaire.xlsx?lang=en" } { (ui.t("as.xlsx")) " English" } " · "
            a #docx-ja href={ (api) "/report.docx?lang=ja" } { (ui.t("as.docx")) " 日本語" } " · "
            a #docx-en href={ (api) "/report.docx?lang=en" } { (ui.t("as.docx")) " English" }
        }
        @if !comparable.is_empty() {
            form #compare method="get" action={ (base_url) "/compare" } {
                (ui.t("as.compare_with")) " "
                select name="before" { @for o in &comparable { option value=(o.id) { (o.title) " (" (o.updated_at) ")" } } }
                " " button type="submit" { (ui.t("as.compare")) }
            }
        }
        (notes_block(&ui, &catalog))
        @if !open_inferred.is_empty() && editable {
            section #inferred {
                h2 { (ui.t("as.inferred")) }
                p.muted { (ui.t("as.inferred_help")) }
                form method="post" action={ (base_url) "/adopt" } {
                    (ui.csrf_field())
                    input type="hidden" name="requirement" value="*";
                    button #adopt-all type="submit" { (ui.t("as.adopt_all")) " (" (open_inferred.len()) ")" }
                }
            }
        }
        @if !role.can_edit() { p.muted #read-only { (ui.t("as.read_only")) } }
        @else if !record.state.editable() { p.muted #locked { (ui.t("as.locked")) } }
        form #answers method="post" action=(base_url) enctype="multipart/form-data" {
            (ui.csrf_field())
            table.answers {
                tr {
                    th { (ui.t("as.requirement")) } th { (ui.t("as.status")) }
                    th { (ui.t("as.comment")) } th { (ui.t("as.owner")) " / " (ui.t("as.due")) } th { (ui.t("as.evidence")) }
                }
                @for g in &catalog.groups { (group_rows(&ctx, g, 0)) }
            }
            @if editable { button #save type="submit" { (ui.t("as.save")) } }
        }
    };
    Ok(ui.page(&record.title, Some((&workspace_row, "assessments")), body))
}

fn header_block(
    ui: &Ui,
    ws: &str,
    record: &AssessmentRecord,
    catalog: &Catalog,
    role: Role,
    answered: usize,
) -> Markup {
    let base_url = base(ws, &record.id);
    let level = record
        .target_level
        .as_deref()
        .and_then(|l| catalog.level(l));
    html! {
        table #summary {
            tr { th { (ui.t("as.catalog")) } td { (tx(ui, &catalog.title)) " " span.muted { (catalog.id) " " (catalog.version) } } }
            tr { th { (ui.t("as.level")) } td {
                @match level {
                    Some(l) => { (record.target_level.as_deref().unwrap_or("")) " " (tx(ui, &l.title)) (unverified_mark(ui, l.verified, &l.verification_note)) }
                    None => { (ui.t("as.no_level")) }
                }
            } }
            tr { th { (ui.t("as.state")) } td { span #state class={ "state state-" (record.state.as_str()) } data-state=(record.state.as_str()) { (state_text(ui, record.state)) } } }
            @if !record.review_comment.is_empty() {
                tr { th { (ui.t("as.review_comment")) } td #review-comment { (record.review_comment) } }
            }
            tr { th { (ui.t("as.progress")) } td #progress { (answered) " / " (catalog.requirement_count()) } }
        }
        div #review {
            @if record.state.editable() && role.can_edit() {
                form.inline method="post" action={ (base_url) "/submit" } {
                    (ui.csrf_field())
                    button #submit type="submit" { (ui.t("as.submit")) }
                }
            }
            @if record.state == AssessmentState::Submitted && role.can_administer() {
                form.inline #approve-form method="post" action={ (base_url) "/approve" } {
                    (ui.csrf_field())
                    input type="text" name="comment" placeholder=(ui.t("as.approve_comment"));
                    " " button #approve type="submit" { (ui.t("as.approve")) }
                }
                " "
                form.inline #return-form method="post" action={ (base_url) "/return" } {
                    (ui.csrf_field())
                    input type="text" name="comment" placeholder=(ui.t("as.return_comment"));
                    " " button #return type="submit" { (ui.t("as.return")) }
                }
            }
        }
    }
}

fn notes_block(ui: &Ui, catalog: &Catalog) -> Markup {
    let unverified_levels: Vec<_> = catalog.levels.iter().filter(|l| !l.verified).collect();
    html! {
        @if !catalog.notes.is_empty() || !unverified_levels.is_empty() {
            details #catalog-notes open {
                summary { (ui.t("as.notes")) }
                ul {
                    @for n in &catalog.notes { li { (tx(ui, n)) } }
                    @for l in &unverified_levels {
                        li { (l.id) " " (tx(ui, &l.title)) (unverified_mark(ui, false, &l.verification_note)) ": " (tx(ui, &l.verification_note)) }
                    }
                }
            }
        }
    }
}

struct RowCtx<'a> {
    ui: &'a Ui,
    catalog: &'a Catalog,
    answers: &'a HashMap<&'a str, &'a Answer>,
    inferred: &'a BTreeMap<String, (InferredAnswer, String)>,
    in_level: &'a HashSet<&'a str>,
    editable: bool,
    ws: &'a str,
    id: &'a str,
    labels: Vec<(&'static str, &'static str)>,
    statuses: Vec<(AnswerStatus, String)>,
}

/// Messages the rows use, looked up once per page: a 2,000-requirement page would otherwise
/// search the whole message table some 20,000 times.
const ROW_KEYS: &[&str] = &[
    "as.in_level",
    "as.guidance",
    "as.inferred",
    "as.inferred_from",
    "as.path",
    "as.status.none",
    "as.score",
    "as.criteria",
    "as.owner",
    "as.evidence_keep",
    "as.evidence_link",
    "as.evidence_file",
    "as.unverified",
];

impl RowCtx<'_> {
    fn t(&self, key: &str) -> &'static str {
        self.labels
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| self.ui.t(key))
    }

    fn status(&self, s: AnswerStatus) -> &str {
        self.statuses
            .iter()
            .find(|(x, _)| *x == s)
            .map(|(_, label)| label.as_str())
            .unwrap_or("")
    }

    fn unverified(&self, verified: bool, note: &sanso_catalog::LocalizedText) -> Markup {
        html! {
            @if !verified {
                span.unverified title=(tx(self.ui, note)) { "⚠ " (self.t("as.unverified")) }
            }
        }
    }
}

fn group_rows(ctx: &RowCtx, group: &Group, depth: usize) -> Markup {
    let ui = ctx.ui;
    html! {
        tr class=(if depth == 0 { "group" } else { "group2" }) {
            th colspan="5" id={ "g-" (group.id) } {
                (group.id) " " (tx(ui, &group.title))
                (ctx.unverified(group.verified, &group.verification_note))
            }
        }
        @for r in &group.requirements { (requirement_row(ctx, r)) }
        @for g in &group.groups { (group_rows(ctx, g, depth + 1)) }
    }
}

fn requirement_row(ctx: &RowCtx, r: &Requirement) -> Markup {
    let ui = ctx.ui;
    let answer = ctx.answers.get(r.id.as_str()).copied();
    let current = answer.map(|a| a.status);
    let rid = &r.id;
    let disabled = !ctx.editable;
    let title = if tx(ui, &r.title).is_empty() {
        tx(ui, &r.text)
    } else {
        tx(ui, &r.title)
    };
    let level_criteria: Vec<&sanso_catalog::Criterion> = match ctx.catalog.scoring.method {
        ScoringMethod::CriteriaMet => ctx.catalog.criteria_at_level(r, None).into_iter().collect(),
        _ => Vec::new(),
    };
    let api = api_base(ctx.ws, ctx.id);
    html! {
        tr.req id={ "r-" (rid) } data-requirement=(rid) {
            td {
                span.req-id { (rid) }
                @if ctx.in_level.contains(rid.as_str()) { " " span.lvl { "● " (ctx.t("as.in_level")) } }
                (ctx.unverified(r.verified, &r.verification_note))
                br; (title)
                @if !tx(ui, &r.text).is_empty() && tx(ui, &r.text) != title { br; span.muted { (tx(ui, &r.text)) } }
                @if !r.guidance.is_empty() {
                    details.guidance { summary { (ctx.t("as.guidance")) } p { (tx(ui, &r.guidance)) } }
                }
                @if let Some((inf, source)) = ctx.inferred.get(rid) {
                    div.inferred data-inferred=(inf.status.key()) {
                        (ctx.t("as.inferred")) ": " strong { (ctx.status(inf.status)) }
                        " — " (ctx.t("as.inferred_from")) " " (source)
                        br; span.muted { (ctx.t("as.path")) ": " (path_text(inf)) }
                    }
                }
            }
            td {
                select name={ "s." (rid) } disabled[disabled] {
                    option value="" selected[current.is_none()] { (ctx.t("as.status.none")) }
                    @for s in AnswerStatus::ALL {
                        option value=(s.key()) selected[current == Some(s)] { (ctx.status(s)) }
                    }
                }
                @if let ScoringMethod::Maturity { min, max, .. } = ctx.catalog.scoring.method {
                    label { (ctx.t("as.score")) " "
                        input type="number" name={ "sc." (rid) } min=(min) max=(max) step="1" style="width:4em"
                            value=(answer.and_then(|a| a.score).map(|s| s.to_string()).unwrap_or_default()) disabled[disabled];
                    }
                }
                @if !level_criteria.is_empty() {
                    div.criteria {
                        span.muted { (ctx.t("as.criteria")) }
                        @for c in &level_criteria {
                            @let met = answer.is_some_and(|a| a.criteria.iter().any(|x| x.criterion_id == c.id && x.met));
                            label.check title=(tx(ui, &c.text)) {
                                input type="checkbox" name={ "cr." (rid) } value=(c.id) checked[met] disabled[disabled];
                                " " (c.id)
                            }
                        }
                    }
                }
            }
            td { textarea name={ "c." (rid) } disabled[disabled] { (answer.map(|a| a.comment.as_str()).unwrap_or("")) } }
            td {
                input type="text" name={ "o." (rid) } placeholder=(ctx.t("as.owner")) value=(answer.and_then(|a| a.owner.as_deref()).unwrap_or("")) disabled[disabled];
                br;
                input type="date" name={ "d." (rid) } value=(answer.and_then(|a| a.due.as_deref()).unwrap_or("")) disabled[disabled];
            }
            td {
                @for e in answer.map(|a| a.evidence.as_slice()).unwrap_or_default() {
                    div.evidence {
                        input type="checkbox" name={ "k." (rid) } value=(e) checked disabled[disabled] title=(ctx.t("as.evidence_keep"));
                        " "
                        @if is_blob_hash(e) { a href={ (api) "/evidence/" (e) } { (&e[..12]) "…" } }
                        @else if e.starts_with("https://") || e.starts_with("http://") { a href=(e) rel="noopener noreferrer" { (e) } }
                        @else { (e) }
                    }
                }
                @if ctx.editable {
                    input type="text" name={ "e." (rid) } placeholder=(ctx.t("as.evidence_link"));
                    br;
                    input type="file" name={ "f." (rid) } title=(ctx.t("as.evidence_file"));
                }
            }
        }
    }
}

fn is_blob_hash(e: &str) -> bool {
    e.len() == 64 && e.bytes().all(|b| b.is_ascii_hexdigit())
}

/// One requirement's fields as posted.
#[derive(Default)]
struct Posted {
    status: String,
    score: String,
    comment: String,
    owner: String,
    due: String,
    link: String,
    keep: Vec<String>,
    criteria: Vec<String>,
    file: Option<(Vec<u8>, String)>,
}

async fn save_answers(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    mut multipart: Multipart,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let mut csrf = String::new();
    let mut posted: BTreeMap<String, Posted> = BTreeMap::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(state.config.body_limit).into())
            }
            Err(e) => return Err(ApiError::bad_request("(form)", e.body_text()).into()),
        };
        let name = field.name().unwrap_or("").to_string();
        let media_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let has_file_name = field.file_name().is_some_and(|n| !n.is_empty());
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large(state.config.body_limit).into())
            }
            Err(e) => return Err(ApiError::bad_request(&name, e.body_text()).into()),
        };
        if name == crate::auth::CSRF_FIELD {
            csrf = String::from_utf8_lossy(&bytes).into_owned();
            continue;
        }
        // Field names are "<kind>.<requirement id>"; requirement ids may contain dots.
        let Some((kind, rid)) = name.split_once('.') else {
            continue;
        };
        let entry = posted.entry(rid.to_string()).or_default();
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match kind {
            "s" => entry.status = text(),
            "sc" => entry.score = text(),
            "c" => entry.comment = text(),
            "o" => entry.owner = text(),
            "d" => entry.due = text(),
            "e" => entry.link = text(),
            "k" => entry.keep.push(text()),
            "cr" => entry.criteria.push(text()),
            // A file input left empty still sends a part, without a file name and with no bytes.
            "f" if has_file_name && !bytes.is_empty() => {
                entry.file = Some((bytes.to_vec(), media_type))
            }
            _ => {}
        }
    }
    super::form::check_csrf(&headers, &csrf)?;
    let (record, catalog) = state.store.assessment_with_catalog(&ws, &id).await?;
    let stored: HashMap<&str, &Answer> = record
        .answers
        .iter()
        .map(|a| (a.requirement_id.as_str(), a))
        .collect();
    let mut answers = Vec::new();
    let mut files: Vec<(Vec<u8>, String)> = Vec::new();
    let mut errors = Vec::new();
    for (rid, f) in posted {
        let Some(requirement) = catalog.find_requirement(&rid) else {
            errors.push(FieldError::new(
                format!("s.{rid}"),
                format!(
                    "{rid:?} is not a requirement of {} {}",
                    catalog.id, catalog.version
                ),
            ));
            continue;
        };
        let has_detail = !f.comment.is_empty()
            || !f.owner.is_empty()
            || !f.due.is_empty()
            || !f.link.is_empty()
            || f.file.is_some()
            || !f.score.is_empty()
            || !f.criteria.is_empty();
        if f.status.is_empty() {
            if has_detail {
                errors.push(FieldError::new(
                    format!("s.{rid}"),
                    format!("{rid}: choose a status to save the other fields of this requirement"),
                ));
            }
            continue;
        }
        let Some(status) = AnswerStatus::parse(&f.status) else {
            errors.push(FieldError::new(
                format!("s.{rid}"),
                format!("{rid}: {:?} is not a status", f.status),
            ));
            continue;
        };
        let score = if f.score.is_empty() {
            None
        } else {
            match f.score.parse::<f64>() {
                Ok(s) => Some(s),
                Err(_) => {
                    errors.push(FieldError::new(
                        format!("sc.{rid}"),
                        format!("{rid}: {:?} is not a number", f.score),
                    ));
                    continue;
                }
            }
        };
        let mut evidence: Vec<String> = f.keep.into_iter().filter(|k| !k.is_empty()).collect();
        if !f.link.is_empty() {
            evidence.push(f.link);
        }
        if let Some((bytes, media_type)) = f.file {
            // The blob store names files by SHA-256, so the reference is known before storing:
            // the answers are validated first and files stored only when they are accepted.
            let sha = hex::encode(Sha256::digest(&bytes));
            if !evidence.contains(&sha) {
                evidence.push(sha);
            }
            files.push((bytes, media_type));
        }
        if !f.due.is_empty() && !is_date(&f.due) {
            errors.push(FieldError::new(
                format!("d.{rid}"),
                format!("{rid}: {:?} is not a date (YYYY-MM-DD)", f.due),
            ));
            continue;
        }
        let criteria = criteria_results(&catalog, requirement, status, &f.criteria);
        let unchanged_answer = Answer {
            requirement_id: rid.clone(),
            status,
            score,
            criteria,
            comment: f.comment,
            evidence,
            owner: Some(f.owner).filter(|o| !o.is_empty()),
            due: Some(f.due).filter(|d| !d.is_empty()),
        };
        // Only changed answers are written, so the audit log shows what this save changed.
        if stored.get(rid.as_str()).copied() != Some(&unchanged_answer) {
            answers.push(unchanged_answer);
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors).into());
    }
    if !answers.is_empty() {
        let ids: Vec<String> = answers.iter().map(|a| a.requirement_id.clone()).collect();
        match state.store.set_answers(&p.actor, &ws, &id, answers).await {
            Ok(_) => {}
            // The store names answers by list index; the form knows them by requirement id.
            Err(sanso_store::StoreError::Invalid(errors)) => {
                return Err(ApiError::invalid(name_by_requirement(errors, &ids)).into())
            }
            Err(e) => return Err(e.into()),
        }
    }
    for (bytes, media_type) in files {
        state
            .store
            .add_evidence(&p.actor, &ws, &id, &bytes, &media_type)
            .await?;
    }
    Ok(see_other(&format!("{}?saved=1", base(&ws, &id))))
}

/// `YYYY-MM-DD` with a plausible month and day (what `<input type="date">` sends).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && matches!(s[5..7].parse::<u32>(), Ok(1..=12))
        && matches!(s[8..10].parse::<u32>(), Ok(1..=31))
}

/// Rewrites `answers[i].field` paths as `<requirement id> (field)`.
fn name_by_requirement(errors: Vec<FieldError>, ids: &[String]) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| {
            let renamed = e
                .field
                .strip_prefix("answers[")
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(i, rest)| {
                    let rid = ids.get(i.parse::<usize>().ok()?)?;
                    let rest = rest.trim_start_matches('.');
                    Some(if rest.is_empty() {
                        rid.clone()
                    } else {
                        format!("{rid} ({rest})")
                    })
                });
            match renamed {
                Some(field) => FieldError::new(field, e.message),
                None => e,
            }
        })
        .collect()
}

/// Criterion results for a `criteria_met` requirement: each criterion the catalog lists is met
/// when its box is ticked. "Implemented" with no box ticked means every criterion is met (the
/// natural reading of a fully implemented requirement); other schemes keep no criteria.
fn criteria_results(
    catalog: &Catalog,
    requirement: &Requirement,
    status: AnswerStatus,
    ticked: &[String],
) -> Vec<CriterionResult> {
    if !matches!(catalog.scoring.method, ScoringMethod::CriteriaMet) {
        return Vec::new();
    }
    let all = catalog.criteria_at_level(requirement, None);
    let all_met = status == AnswerStatus::Implemented && ticked.is_empty();
    let mut out: Vec<CriterionResult> = all
        .iter()
        .map(|c| CriterionResult {
            criterion_id: c.id.clone(),
            met: all_met || ticked.contains(&c.id),
        })
        .collect();
    // A ticked id that is not a criterion is passed on so the store names it in its error.
    for t in ticked {
        if !all.iter().any(|c| c.id == *t) {
            out.push(CriterionResult {
                criterion_id: t.clone(),
                met: true,
            });
        }
    }
    out
}

#[derive(Deserialize)]
struct AdoptForm {
    requirement: String,
}

async fn adopt(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<AdoptForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    let (record, catalog) = state.store.assessment_with_catalog(&ws, &id).await?;
    let inferred = inferred_for(&state, &ws, &record, &catalog).await?;
    let answered: HashSet<&str> = record
        .answers
        .iter()
        .filter(|a| a.status != AnswerStatus::Unknown)
        .map(|a| a.requirement_id.as_str())
        .collect();
    let note = ui.t("as.adopted_comment");
    let chosen: Vec<Answer> = inferred
        .values()
        .filter(|(i, _)| f.requirement == "*" || i.requirement_id == f.requirement)
        .filter(|(i, _)| !answered.contains(i.requirement_id.as_str()))
        .map(|(i, source)| {
            let mut a = i.to_answer();
            a.comment = format!("{note} ({source}: {})", path_text(i));
            a
        })
        .collect();
    if chosen.is_empty() {
        return Err(field_error(
            "requirement",
            format!(
                "no inferred answer to adopt for {:?} (already answered, or nothing maps onto it)",
                f.requirement
            ),
        )
        .into());
    }
    state.store.set_answers(&p.actor, &ws, &id, chosen).await?;
    Ok(see_other(&format!("{}?saved=1", base(&ws, &id))))
}

// ---------- review ----------

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    comment: String,
}

async fn submit(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<ReviewForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_edit(role)?;
    state.store.submit_assessment(&p.actor, &ws, &id).await?;
    Ok(see_other(&base(&ws, &id)))
}

async fn approve(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<ReviewForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_admin(role)?;
    let comment = Some(f.comment.trim().to_string()).filter(|c| !c.is_empty());
    state
        .store
        .approve_assessment(&p.actor, &ws, &id, comment)
        .await?;
    Ok(see_other(&format!("{}/dashboard", base(&ws, &id))))
}

async fn return_for_changes(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<ReviewForm>,
) -> UiResult {
    let (p, _, role) = workspace(&state, &ui, &ws).await?;
    require_admin(role)?;
    state
        .store
        .return_assessment(&p.actor, &ws, &id, f.comment)
        .await?;
    Ok(see_other(&base(&ws, &id)))
}

// ---------- dashboard and comparison ----------

async fn dashboard(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
) -> UiResult {
    let (_, workspace_row, _) = workspace(&state, &ui, &ws).await?;
    let lang = clang(&ui);
    let input = report_input(&state.store, &workspace_row, &id, lang).await?;
    let analysis = sanso_report::analyse(&input).map_err(report_error)?;
    Ok(ui.page(
        &format!("{} — {}", input.title, ui.t("as.dashboard")),
        Some((&workspace_row, "assessments")),
        dashboard_body(&ui, &ws, &id, &input, &analysis),
    ))
}

fn dashboard_body(
    ui: &Ui,
    ws: &str,
    id: &str,
    input: &sanso_report::ReportInput,
    analysis: &sanso_report::Analysis,
) -> Markup {
    let lang = clang(ui);
    let catalog = &input.catalog;
    let score = &analysis.score;
    let main = analysis.main_axes(lang);
    let radar = sanso_report::charts::radar_svg(ui.t("as.radar"), &main, lang);
    let functions = analysis.function_axes(lang);
    let function_radar = (functions.len() >= 3 && functions != main)
        .then(|| sanso_report::charts::radar_svg(ui.t("as.radar_functions"), &functions, lang));
    let heatmap = sanso_report::charts::heatmap_svg(ui.t("as.heatmap"), &score.heatmap, lang);
    let progress = if analysis.in_scope == 0 {
        0.0
    } else {
        analysis.answered as f64 / analysis.in_scope as f64 * 100.0
    };
    let answers: HashMap<&str, &Answer> = input
        .answers
        .iter()
        .map(|a| (a.requirement_id.as_str(), a))
        .collect();
    let api = api_base(ws, id);
    let attained: Vec<String> = score
        .levels_attained
        .iter()
        .map(|l| sanso_report::level_title(catalog, l, lang))
        .collect();
    html! {
        style { (PreEscaped(STYLE)) }
        p {
            a href=(base(ws, id)) { "← " (ui.t("as.answers")) } " · "
            (ui.t("as.download")) ": "
            a #docx-link href={ (api) "/report.docx?lang=" (ui.lang.code()) } { (ui.t("as.docx")) } " · "
            a #xlsx-link href={ (api) "/questionnaire.xlsx?lang=" (ui.lang.code()) } { (ui.t("as.xlsx")) }
        }
        table #kpi {
            tr { th { (ui.t("as.catalog")) } td { (tx(ui, &catalog.title)) " " span.muted { (catalog.id) " " (catalog.version) } } }
            tr { th { (ui.t("as.target")) } td { (input.target) } }
            tr { th { (ui.t("as.state")) } td #state { (input.state) } }
            tr { th { (ui.t("as.overall")) } td #overall {
                @match score.overall.percentage { Some(p) => { (format!("{p:.1}")) "%" } None => { "—" } }
                " (" (score.overall.total) " / " (score.overall.max) ")"
            } }
            @if let Some(band) = &score.band { tr { th { (ui.t("as.band")) } td #band { (tx(ui, &band.label)) } } }
            tr { th { (ui.t("as.levels_attained")) } td #levels-attained { @if attained.is_empty() { (ui.t("as.none_value")) } @else { (attained.join(", ")) } } }
            @if let Some(done) = analysis.target_attained() {
                tr { th { (ui.t("as.level")) } td #target-attained data-attained=(done) {
                    (input.target_level.as_deref().map(|l| sanso_report::level_title(catalog, l, lang)).unwrap_or_default()) " — "
                    (ui.t(if done { "as.target_attained" } else { "as.target_not_attained" }))
                } }
            }
            tr { th { (ui.t("as.progress")) } td #progress {
                span.bar { span style={ "width:" (format!("{progress:.0}")) "%" } {} }
                " " (analysis.answered) " / " (analysis.in_scope)
            } }
        }
        div.charts {
            div #radar { (PreEscaped(radar)) }
            @if let Some(svg) = function_radar { div #radar-functions { (PreEscaped(svg)) } }
            @match heatmap {
                Some(svg) => { div #heatmap { (PreEscaped(svg)) } }
                None => { p.muted #no-heatmap { (ui.t("as.heatmap_none")) } }
            }
        }
        @if input.target_level.is_some() {
            h2 { (ui.t("as.gaps")) }
            @if analysis.gaps.is_empty() { p #no-gaps { (ui.t("as.no_gaps")) } }
            @else {
                table #gaps {
                    tr { th { (ui.t("as.requirement")) } th { (ui.t("as.status")) } th { (ui.t("as.owner")) } th { (ui.t("as.due")) } th { (ui.t("as.comment")) } }
                    @for g in &analysis.gaps {
                        @let a = answers.get(g.requirement_id.as_str());
                        tr {
                            td { a href={ (base(ws, id)) "#r-" (g.requirement_id) } { (g.requirement_id) } " "
                                (catalog.find_requirement(&g.requirement_id).map(|r| tx(ui, &r.title)).unwrap_or("")) }
                            td { (status_label(ui, g.status)) }
                            td { (a.and_then(|a| a.owner.as_deref()).unwrap_or("")) }
                            td { (a.and_then(|a| a.due.as_deref()).unwrap_or("")) }
                            td { (a.map(|a| a.comment.as_str()).unwrap_or("")) }
                        }
                    }
                }
            }
        }
        (notes_block(ui, catalog))
    }
}

#[derive(Deserialize)]
struct CompareQuery {
    before: String,
}

async fn compare_page(
    State(state): State<SharedState>,
    ui: Ui,
    Path((ws, id)): Path<(String, String)>,
    Query(q): Query<CompareQuery>,
) -> UiResult {
    let (_, workspace_row, _) = workspace(&state, &ui, &ws).await?;
    let (later, catalog) = state.store.assessment_with_catalog(&ws, &id).await?;
    let earlier = state.store.get_assessment(&ws, &q.before).await?;
    if earlier.target_node_id != later.target_node_id {
        return Err(field_error(
            "before",
            format!(
                "assessment {} is of another target; compare assessments of the same target",
                q.before
            ),
        )
        .into());
    }
    let changes = state.store.compare_assessments(&ws, &id, &q.before).await?;
    let body = html! {
        style { (PreEscaped(STYLE)) }
        p { a href=(base(&ws, &id)) { "← " (later.title) } }
        table #comparison {
            tr {
                th { (ui.t("as.requirement")) }
                th { (ui.t("as.before")) ": " (earlier.title) br; span.muted { (earlier.updated_at) } }
                th { (ui.t("as.after")) ": " (later.title) br; span.muted { (later.updated_at) } }
                th { (ui.t("as.change")) }
            }
            @for c in &changes {
                @let key = serde_json::to_value(c.change).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                tr data-change=(key) {
                    td { span.req-id { (c.requirement_id) } " " (catalog.find_requirement(&c.requirement_id).map(|r| tx(&ui, &r.title)).unwrap_or("")) }
                    td { (status_label(&ui, c.before)) }
                    td { (status_label(&ui, c.after)) }
                    td { (ui.t(&format!("as.change.{key}"))) }
                }
            }
        }
    };
    Ok(ui.page(
        &format!("{} — {}", later.title, ui.t("as.compare")),
        Some((&workspace_row, "assessments")),
        body,
    ))
}
