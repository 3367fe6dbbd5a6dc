//! Risk suggestions per event (DMF step 4) under confidentiality, integrity, availability
//! and legal compliance.
//!
//! [`suggest_risks`] replays the attributes along the flow and runs the rules below on each
//! event. They are deliberately simple and explainable: each fires on facts in the model
//! (event kind, attribute ranks, declared safeguards, holder relation, the rules in force at
//! the place) and the rationale says which. A data steward then accepts, edits or rejects each
//! suggestion; [`merge_review`] carries those decisions over when the flow changes.
//!
//! | rule id | dimension | fires when |
//! |---|---|---|
//! | `dmf.c.integration-raises-privacy` | C | an integrate event's privacy impact is higher than that of every input |
//! | `dmf.c.scope-widens` | C | an event widens the disclosure scope (e.g. internal → contracted partners) |
//! | `dmf.c.transfer-unencrypted` | C | protected data is transferred without `encryption_in_transit` |
//! | `dmf.c.store-without-access-control` | C | protected data is stored without `access_control` |
//! | `dmf.c.dispose-without-method` | C | a dispose event names no method (residual data may be recoverable) |
//! | `dmf.i.transfer-without-integrity-check` | I | a transfer has no `integrity_check` (tampering or loss in transit goes unnoticed) |
//! | `dmf.i.integration-without-reconciliation` | I | an integrate event has no `integrity_check` (mis-linked records) |
//! | `dmf.a.store-without-backup` | A | data of the top value rank is stored without `backup` |
//! | `dmf.a.external-holder` | A | a contractor or third party processes, integrates or stores data above the lowest value rank |
//! | `dmf.l.received-without-adequacy` | L | data arrives from another jurisdiction whose transfer-out rule covers it, with no adequacy arrangement and no safeguards at the receiver |
//! | `dmf.l.protection-gap` | L | data moves between two places and [`transfer_gaps`] lists gaps other than the two above and localisation |
//! | `dmf.l.localisation-elsewhere` | L | data is stored outside the jurisdiction of an upstream place that requires localisation |
//! | `dmf.l.third-party-without-consent` | L | a transfer hands data to a group company or third party, the place requires consent for third-party provision, and no `consent_recorded` is declared (a contractor is outsourcing, not provision) |
//! | `dmf.l.special-category-without-consent` | L | an event acquires special-category data, or a process/integrate event turns data into it (e.g. inferring health from purchases), where consent is required and no `consent_recorded` is declared |
//! | `dmf.l.purpose-undefined` | L | data is created/acquired where purpose limitation applies and the event states no purpose |
//! | `dmf.l.retention` | L | data is stored where a retention limit applies and the event's `retention_days` is unset or above the limit |
//! | `dmf.l.disposal-method-required` | L | a dispose event names no method where the place requires a defined disposal method |
//!
//! Requirement references point to the CPSF catalog. Where the summary of a specific
//! requirement was verified (e.g. `CPS.DS-1`, `CPS.AC-1`, `CPS.SC-1`) its id is given; otherwise
//! the category code (`CPS.GV`, `CPS.IP` …) says "a requirement of this category", because the
//! exact numbers were not verified (see `shared/catalog-facts/cpsf.yaml`).

use crate::attributes::{attributes_along, EventAttributes};
use crate::error::DataflowError;
use crate::gaps::{transfer_gaps, GapSeverity};
use crate::model::{DataFlow, Event, EventKind, FlowGraph, HolderRelation};
use crate::places::{Library, Place, Requirement};
use crate::text::Text;
use crate::vocabulary::{Scale, Vocabulary};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The four step-4 viewpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskDimension {
    Confidentiality,
    Integrity,
    Availability,
    LegalCompliance,
}

impl RiskDimension {
    pub const ALL: [RiskDimension; 4] = [
        RiskDimension::Confidentiality,
        RiskDimension::Integrity,
        RiskDimension::Availability,
        RiskDimension::LegalCompliance,
    ];

    pub fn label(self) -> Text {
        match self {
            RiskDimension::Confidentiality => Text::new("機密性", "Confidentiality"),
            RiskDimension::Integrity => Text::new("完全性", "Integrity"),
            RiskDimension::Availability => Text::new("可用性", "Availability"),
            RiskDimension::LegalCompliance => Text::new("法令遵守", "Legal compliance"),
        }
    }

    /// One-letter code used on badges: C, I, A, L.
    pub fn letter(self) -> char {
        match self {
            RiskDimension::Confidentiality => 'C',
            RiskDimension::Integrity => 'I',
            RiskDimension::Availability => 'A',
            RiskDimension::LegalCompliance => 'L',
        }
    }
}

/// Review state of a risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskStatus {
    Suggested,
    Accepted,
    Edited,
    Rejected,
}

impl RiskStatus {
    pub fn id(self) -> &'static str {
        match self {
            RiskStatus::Suggested => "suggested",
            RiskStatus::Accepted => "accepted",
            RiskStatus::Edited => "edited",
            RiskStatus::Rejected => "rejected",
        }
    }
}

/// One entry of the risk register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// Stable id: `<rule>@<event>`, or `<rule>@<event><<source event>` for rules on an edge.
    pub id: String,
    /// The event the risk belongs to.
    pub event: String,
    pub dimension: RiskDimension,
    pub title: Text,
    pub rationale: Text,
    /// The suggestion rule, or `manual` for a risk a person added.
    pub rule_id: String,
    /// Catalog requirement ids or category codes that address the risk.
    #[serde(default)]
    pub requirement_refs: Vec<String>,
    pub status: RiskStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Set by [`merge_review`] when a reviewed suggestion's condition no longer holds.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outdated: bool,
}

/// Static description of a suggestion rule.
#[derive(Debug, Clone, Copy)]
pub struct RiskRule {
    pub id: &'static str,
    pub dimension: RiskDimension,
    pub title_ja: &'static str,
    pub title_en: &'static str,
    pub requirement_refs: &'static [&'static str],
}

use RiskDimension::{
    Availability as A, Confidentiality as C, Integrity as I, LegalCompliance as L,
};

/// Every suggestion rule, in the order they are evaluated.
pub const RISK_RULES: &[RiskRule] = &[
    RiskRule {
        id: "dmf.c.integration-raises-privacy",
        dimension: C,
        title_ja: "統合によりプライバシー影響度が上がる",
        title_en: "Integration raises the privacy impact",
        requirement_refs: &["CPS.DS", "CPS.RA-1"],
    },
    RiskRule {
        id: "dmf.c.scope-widens",
        dimension: C,
        title_ja: "開示範囲が広がる",
        title_en: "Disclosure scope widens",
        requirement_refs: &["CPS.DS-1", "CPS.AC"],
    },
    RiskRule {
        id: "dmf.c.transfer-unencrypted",
        dimension: C,
        title_ja: "保護対象データを暗号化せずに移転",
        title_en: "Protected data transferred without encryption",
        requirement_refs: &["CPS.DS-1", "CPS.DS"],
    },
    RiskRule {
        id: "dmf.c.store-without-access-control",
        dimension: C,
        title_ja: "アクセス制御なしで保管",
        title_en: "Stored without access control",
        requirement_refs: &["CPS.AC-1", "CPS.AC"],
    },
    RiskRule {
        id: "dmf.c.dispose-without-method",
        dimension: C,
        title_ja: "廃棄方法が未定義(残存データの復元)",
        title_en: "No disposal method (residual data recoverable)",
        requirement_refs: &["CPS.IP"],
    },
    RiskRule {
        id: "dmf.i.transfer-without-integrity-check",
        dimension: I,
        title_ja: "移転時の改ざん・欠落を検知できない",
        title_en: "Tampering or loss in transit goes unnoticed",
        requirement_refs: &["CPS.DS"],
    },
    RiskRule {
        id: "dmf.i.integration-without-reconciliation",
        dimension: I,
        title_ja: "統合時の誤結合を検知できない",
        title_en: "Mis-linked records on integration go unnoticed",
        requirement_refs: &["CPS.DS"],
    },
    RiskRule {
        id: "dmf.a.store-without-backup",
        dimension: A,
        title_ja: "高価値データのバックアップがない",
        title_en: "High-value data stored without backup",
        requirement_refs: &["CPS.IP", "CPS.RP-1"],
    },
    RiskRule {
        id: "dmf.a.external-holder",
        dimension: A,
        title_ja: "外部の保有者に可用性を依存",
        title_en: "Availability depends on an external holder",
        requirement_refs: &["CPS.SC-1", "CPS.DS-1"],
    },
    RiskRule {
        id: "dmf.l.received-without-adequacy",
        dimension: L,
        title_ja: "十分性の取決めのない国・地域で個人データを受領",
        title_en: "Personal data received without an adequacy arrangement",
        requirement_refs: &["CPS.GV", "CPS.DS-1"],
    },
    RiskRule {
        id: "dmf.l.protection-gap",
        dimension: L,
        title_ja: "場の移動で保護規則が引き継がれない",
        title_en: "Protective rules do not travel with the data",
        requirement_refs: &["CPS.DS-1", "CPS.SC-1"],
    },
    RiskRule {
        id: "dmf.l.localisation-elsewhere",
        dimension: L,
        title_ja: "域内保存が求められるデータを域外で保管",
        title_en: "Data with a localisation rule stored elsewhere",
        requirement_refs: &["CPS.GV"],
    },
    RiskRule {
        id: "dmf.l.third-party-without-consent",
        dimension: L,
        title_ja: "本人同意の記録なく第三者提供",
        title_en: "Third-party provision without recorded consent",
        requirement_refs: &["CPS.GV"],
    },
    RiskRule {
        id: "dmf.l.special-category-without-consent",
        dimension: L,
        title_ja: "要配慮個人情報を同意の記録なく取得・生成",
        title_en: "Special-category data acquired or derived without recorded consent",
        requirement_refs: &["CPS.GV"],
    },
    RiskRule {
        id: "dmf.l.purpose-undefined",
        dimension: L,
        title_ja: "利用目的が特定されていない",
        title_en: "Purpose of use not stated",
        requirement_refs: &["CPS.GV"],
    },
    RiskRule {
        id: "dmf.l.retention",
        dimension: L,
        title_ja: "保存期間が未定義または上限超過",
        title_en: "Retention period undefined or above the limit",
        requirement_refs: &["CPS.GV", "CPS.IP"],
    },
    RiskRule {
        id: "dmf.l.disposal-method-required",
        dimension: L,
        title_ja: "規則が求める廃棄方法が定められていない",
        title_en: "Disposal method required by the rules is missing",
        requirement_refs: &["CPS.IP", "CPS.GV"],
    },
];

/// Looks up a rule by id.
pub fn risk_rule(id: &str) -> Option<&'static RiskRule> {
    RISK_RULES.iter().find(|r| r.id == id)
}

struct Ctx<'a> {
    flow: &'a DataFlow,
    library: &'a Library,
    vocabulary: &'a Vocabulary,
    states: BTreeMap<&'a str, &'a EventAttributes>,
    graph: FlowGraph<'a>,
    out: Vec<Risk>,
}

impl Ctx<'_> {
    fn push(&mut self, rule_id: &str, event: &str, source: Option<&str>, rationale: Text) {
        let Some(rule) = risk_rule(rule_id) else {
            return;
        };
        let id = match source {
            Some(source) => format!("{rule_id}@{event}<{source}"),
            None => format!("{rule_id}@{event}"),
        };
        self.out.push(Risk {
            id,
            event: event.to_string(),
            dimension: rule.dimension,
            title: Text::new(rule.title_ja, rule.title_en),
            rationale,
            rule_id: rule.id.to_string(),
            requirement_refs: rule
                .requirement_refs
                .iter()
                .map(|s| s.to_string())
                .collect(),
            status: RiskStatus::Suggested,
            note: None,
            outdated: false,
        });
    }

    fn rank(&self, scale: Scale, id: &Option<String>) -> Option<usize> {
        id.as_deref().and_then(|v| self.vocabulary.rank(scale, v))
    }

    fn label(&self, scale: Scale, id: &Option<String>) -> Text {
        match id {
            Some(v) => self
                .vocabulary
                .label(scale, v)
                .cloned()
                .unwrap_or_else(|| Text::new(v.clone(), v.clone())),
            None => Text::new("未設定", "unset"),
        }
    }

    /// Rules in force at `place` that cover a datum of `category`.
    fn place_requires<'p>(
        &'p self,
        place: &'p Place,
        category: Option<&str>,
        kind: &str,
    ) -> Vec<&'p Requirement> {
        self.library
            .effective_rules(place)
            .into_iter()
            .filter(|r| r.rule.require.kind() == kind)
            .filter(|r| r.rule.applies_to.covers(category, self.vocabulary))
            .map(|r| &r.rule.require)
            .collect()
    }

    fn place_rule_ids(&self, place: &Place, category: Option<&str>, kind: &str) -> Vec<String> {
        self.library
            .effective_rules(place)
            .into_iter()
            .filter(|r| r.rule.require.kind() == kind)
            .filter(|r| r.rule.applies_to.covers(category, self.vocabulary))
            .map(|r| r.rule.id.clone())
            .collect()
    }
}

/// Runs every rule over every event and returns the suggestions (status `suggested`), in
/// flow order. The flow is validated first.
pub fn suggest_risks(flow: &DataFlow, library: &Library) -> Result<Vec<Risk>, DataflowError> {
    let along = attributes_along(flow, library)?;
    let mut ctx = Ctx {
        flow,
        library,
        vocabulary: library.vocabulary(),
        states: along.iter().map(|s| (s.event.as_str(), s)).collect(),
        graph: FlowGraph::new(flow),
        out: Vec::new(),
    };
    for step in &along {
        let Some(event) = ctx
            .graph
            .index
            .get(step.event.as_str())
            .map(|&i| &flow.events[i])
        else {
            continue;
        };
        let Some(place) = flow.place(&event.place) else {
            continue;
        };
        confidentiality(&mut ctx, event, step);
        integrity(&mut ctx, event);
        availability(&mut ctx, event, step);
        legal_at_event(&mut ctx, event, place, step);
        legal_on_arrival(&mut ctx, event, place, step);
    }
    Ok(ctx.out)
}

fn confidentiality(ctx: &mut Ctx<'_>, event: &Event, step: &EventAttributes) {
    let after = &step.after;
    if event.kind == EventKind::Integrate {
        let input_max = step
            .inputs
            .iter()
            .filter_map(|id| ctx.states.get(id.as_str()))
            .filter_map(|s| ctx.rank(Scale::PrivacyImpact, &s.after.privacy_impact))
            .max();
        if let (Some(input_max), Some(now)) = (
            input_max,
            ctx.rank(Scale::PrivacyImpact, &after.privacy_impact),
        ) {
            if now > input_max {
                let now_label = ctx.label(Scale::PrivacyImpact, &after.privacy_impact);
                ctx.push(
                    "dmf.c.integration-raises-privacy",
                    &event.id,
                    None,
                    Text::new(
                        format!("{} 件の入力を統合し、プライバシー影響度が「{}」に上がる。単独では識別できない個人が、結合により識別され得る。", step.inputs.len(), now_label.ja),
                        format!("Integrating {} inputs raises the privacy impact to '{}': linked records can identify people no single input could.", step.inputs.len(), now_label.en),
                    ),
                );
            }
        }
    }
    if let (Some(before), Some(now)) = (
        ctx.rank(Scale::DisclosureScope, &step.before.disclosure_scope),
        ctx.rank(Scale::DisclosureScope, &after.disclosure_scope),
    ) {
        if now > before {
            let (b, a) = (
                ctx.label(Scale::DisclosureScope, &step.before.disclosure_scope),
                ctx.label(Scale::DisclosureScope, &after.disclosure_scope),
            );
            ctx.push(
                "dmf.c.scope-widens",
                &event.id,
                None,
                Text::new(
                    format!("開示範囲が「{}」から「{}」へ広がり、データに触れる者が増える。", b.ja, a.ja),
                    format!("The disclosure scope widens from '{}' to '{}': more parties can see the data.", b.en, a.en),
                ),
            );
        }
    }
    let protected = ctx.vocabulary.is_protected(after.category.as_deref());
    if event.kind == EventKind::TransferProvide
        && protected
        && !event.has_safeguard("encryption_in_transit")
    {
        let cat = ctx.label(Scale::Category, &after.category);
        ctx.push(
            "dmf.c.transfer-unencrypted",
            &event.id,
            None,
            Text::new(
                format!(
                    "「{}」のデータを移転するが、通信の暗号化が宣言されていない。",
                    cat.ja
                ),
                format!(
                    "'{}' data is transferred but no encryption in transit is declared.",
                    cat.en
                ),
            ),
        );
    }
    if event.kind == EventKind::Store && protected && !event.has_safeguard("access_control") {
        let cat = ctx.label(Scale::Category, &after.category);
        ctx.push(
            "dmf.c.store-without-access-control",
            &event.id,
            None,
            Text::new(
                format!(
                    "「{}」のデータを保管するが、アクセス制御が宣言されていない。",
                    cat.ja
                ),
                format!(
                    "'{}' data is stored but no access control is declared.",
                    cat.en
                ),
            ),
        );
    }
    if event.kind == EventKind::Dispose && method_missing(event) {
        ctx.push(
            "dmf.c.dispose-without-method",
            &event.id,
            None,
            Text::new(
                "廃棄方法が定められておらず、媒体やバックアップにデータが残り復元され得る。",
                "No disposal method is defined; data may remain on media or backups and be recovered.",
            ),
        );
    }
}

fn method_missing(event: &Event) -> bool {
    event.method.as_deref().is_none_or(|m| m.trim().is_empty())
}

fn integrity(ctx: &mut Ctx<'_>, event: &Event) {
    if event.has_safeguard("integrity_check") {
        return;
    }
    match event.kind {
        EventKind::TransferProvide => ctx.push(
            "dmf.i.transfer-without-integrity-check",
            &event.id,
            None,
            Text::new(
                "移転に完全性の検証(ハッシュ、署名、件数照合など)が宣言されておらず、改ざんや欠落に気づけない。",
                "The transfer declares no integrity check (hash, signature, record counts), so tampering or loss goes unnoticed.",
            ),
        ),
        EventKind::Integrate => ctx.push(
            "dmf.i.integration-without-reconciliation",
            &event.id,
            None,
            Text::new(
                "複数の入力を統合するが、照合・検証が宣言されておらず、誤った結合が下流へ伝わる。",
                "Several inputs are merged with no reconciliation or check declared; wrong links propagate downstream.",
            ),
        ),
        _ => {}
    }
}

fn availability(ctx: &mut Ctx<'_>, event: &Event, step: &EventAttributes) {
    let after = &step.after;
    if event.kind == EventKind::Store
        && after
            .value
            .as_deref()
            .is_some_and(|v| ctx.vocabulary.is_top(Scale::Value, v))
        && !event.has_safeguard("backup")
    {
        ctx.push(
            "dmf.a.store-without-backup",
            &event.id,
            None,
            Text::new(
                "価値が最も高いデータを保管するが、バックアップが宣言されておらず、障害やランサムウェアで失われ得る。",
                "The most valuable data is stored with no backup declared; an outage or ransomware could lose it.",
            ),
        );
    }
    let external = ctx.flow.holder(&event.holder).is_some_and(|h| {
        matches!(
            h.relation,
            HolderRelation::Contractor | HolderRelation::ThirdParty
        )
    });
    let valuable = ctx.rank(Scale::Value, &after.value).is_some_and(|r| r > 0);
    if external
        && valuable
        && matches!(
            event.kind,
            EventKind::Process | EventKind::Integrate | EventKind::Store
        )
    {
        let name = ctx
            .flow
            .holder(&event.holder)
            .map(|h| h.name.clone())
            .unwrap_or_default();
        ctx.push(
            "dmf.a.external-holder",
            &event.id,
            None,
            Text::new(
                format!("外部の保有者「{name}」がこの処理を担うため、その停止が自社の業務を止め得る。契約でサービス水準と復旧を取り決める。"),
                format!("An external holder ('{name}') carries out this step, so its outage can stop the business; agree service levels and recovery by contract."),
            ),
        );
    }
}

fn legal_at_event(ctx: &mut Ctx<'_>, event: &Event, place: &Place, step: &EventAttributes) {
    let after = &step.after;
    let category = after.category.as_deref();
    let personal = ctx.vocabulary.is_personal(category);
    if event.kind == EventKind::CreateAcquire
        && personal
        && event.purpose.as_deref().is_none_or(|p| p.trim().is_empty())
    {
        let rules = ctx.place_rule_ids(place, category, "purpose_limitation");
        if !rules.is_empty() {
            ctx.push(
                "dmf.l.purpose-undefined",
                &event.id,
                None,
                Text::new(
                    format!("利用目的の特定が求められる({})が、取得イベントに目的が記載されていない。", rules.join(", ")),
                    format!("Purpose limitation applies ({}) but the acquiring event states no purpose.", rules.join(", ")),
                ),
            );
        }
    }
    let becomes_special = ctx.vocabulary.is_special(category)
        && (event.kind == EventKind::CreateAcquire
            || !ctx.vocabulary.is_special(step.before.category.as_deref()));
    if becomes_special && !event.has_safeguard("consent_recorded") {
        let rules = ctx.place_rule_ids(place, category, "consent_for_special_category");
        if !rules.is_empty() {
            let derived = event.kind != EventKind::CreateAcquire;
            ctx.push(
                "dmf.l.special-category-without-consent",
                &event.id,
                None,
                Text::new(
                    format!(
                        "{}要配慮個人情報になるが、本人同意の記録が宣言されていない({})。",
                        if derived { "加工・統合の結果、データが" } else { "取得するデータが" },
                        rules.join(", ")
                    ),
                    format!(
                        "The data {} special-category personal data with no recorded consent declared ({}).",
                        if derived { "becomes, through this step," } else { "acquired here is" },
                        rules.join(", ")
                    ),
                ),
            );
        }
    }
    if event.kind == EventKind::Store {
        let limits: Vec<Option<u32>> = ctx
            .place_requires(place, category, "retention_limit")
            .into_iter()
            .filter_map(|r| match r {
                Requirement::RetentionLimit { max_days } => Some(*max_days),
                _ => None,
            })
            .collect();
        if !limits.is_empty() {
            let strictest = limits.iter().flatten().min().copied();
            match (event.retention_days, strictest) {
                (None, _) => ctx.push(
                    "dmf.l.retention",
                    &event.id,
                    None,
                    Text::new(
                        "保存期間の制限がある場で保管するが、保存期間が定められていない。",
                        "Stored where a retention limit applies, but no retention period is set.",
                    ),
                ),
                (Some(days), Some(limit)) if days > limit => ctx.push(
                    "dmf.l.retention",
                    &event.id,
                    None,
                    Text::new(
                        format!("保存期間 {days} 日は上限 {limit} 日を超える。"),
                        format!("Retention of {days} days exceeds the limit of {limit} days."),
                    ),
                ),
                _ => {}
            }
        }
        // Localisation: any upstream event in a place that keeps the data at home.
        let here = ctx.library.jurisdiction(place).map(str::to_string);
        let mut seen = BTreeSet::new();
        let upstream = ctx
            .graph
            .index
            .get(event.id.as_str())
            .map(|&me| ctx.graph.ancestors(me))
            .unwrap_or_default();
        let flow = ctx.flow;
        for ancestor_index in upstream {
            let ancestor_event = &flow.events[ancestor_index];
            let ancestor = ancestor_event.id.as_str();
            let Some(up_place) = flow.place(&ancestor_event.place) else {
                continue;
            };
            let there = ctx.library.jurisdiction(up_place).map(str::to_string);
            if there == here || !seen.insert(up_place.id.clone()) {
                continue;
            }
            let rules = ctx.place_rule_ids(up_place, category, "data_localisation");
            if !rules.is_empty() {
                ctx.push(
                    "dmf.l.localisation-elsewhere",
                    &event.id,
                    Some(ancestor),
                    Text::new(
                        format!(
                            "「{}」の規則({})は域内保存を求めるが、{} で保管している。",
                            up_place.name.ja,
                            rules.join(", "),
                            here.clone().unwrap_or_else(|| "管轄不明の場".into())
                        ),
                        format!(
                            "'{}' requires localisation ({}), but the data is stored in {}.",
                            up_place.name.en,
                            rules.join(", "),
                            here.clone()
                                .unwrap_or_else(|| "a place of unknown jurisdiction".into())
                        ),
                    ),
                );
            }
        }
    }
    if event.kind == EventKind::Dispose && method_missing(event) {
        let rules = ctx.place_rule_ids(place, category, "defined_disposal_method");
        if !rules.is_empty() {
            ctx.push(
                "dmf.l.disposal-method-required",
                &event.id,
                None,
                Text::new(
                    format!("この場の規則({})は定めた廃棄方法を求めるが、方法が記載されていない。", rules.join(", ")),
                    format!("The place's rules ({}) require a defined disposal method, but none is given.", rules.join(", ")),
                ),
            );
        }
    }
    if event.kind == EventKind::TransferProvide
        && personal
        && !event.has_safeguard("consent_recorded")
    {
        let rules = ctx.place_rule_ids(place, category, "consent_for_third_party_provision");
        if !rules.is_empty() {
            let me = ctx.graph.index.get(event.id.as_str()).copied();
            let recipients: Vec<String> = me
                .map(|i| ctx.graph.succs[i].clone())
                .unwrap_or_default()
                .into_iter()
                .map(|j| &ctx.flow.events[j])
                .filter_map(|e| ctx.flow.holder(&e.holder))
                .filter(|h| h.id != event.holder)
                .filter(|h| {
                    matches!(
                        h.relation,
                        HolderRelation::GroupCompany | HolderRelation::ThirdParty
                    )
                })
                .map(|h| h.name.clone())
                .collect();
            if !recipients.is_empty() {
                ctx.push(
                    "dmf.l.third-party-without-consent",
                    &event.id,
                    None,
                    Text::new(
                        format!("{} へ個人データを提供するが、本人同意の記録が宣言されていない({})。グループ会社も別法人であれば第三者にあたる。", recipients.join("、"), rules.join(", ")),
                        format!("Personal data is provided to {} with no recorded consent declared ({}); a group company is a separate legal person, hence a third party.", recipients.join(", "), rules.join(", ")),
                    ),
                );
            }
        }
    }
}

/// Rules on the edges arriving at `event` from another place.
fn legal_on_arrival(ctx: &mut Ctx<'_>, event: &Event, place: &Place, step: &EventAttributes) {
    for source_id in &step.inputs {
        let flow = ctx.flow;
        let Some(source) = ctx
            .graph
            .index
            .get(source_id.as_str())
            .map(|&i| &flow.events[i])
        else {
            continue;
        };
        if source.place == event.place {
            continue;
        }
        let Some(from_place) = ctx.flow.place(&source.place) else {
            continue;
        };
        let Some(carried) = ctx.states.get(source_id.as_str()).map(|s| s.after.clone()) else {
            continue;
        };
        let gaps = transfer_gaps(from_place, place, &carried, ctx.library, &ctx.flow.adequacy);
        let adequacy_gap: Vec<&str> = gaps
            .iter()
            .filter(|g| {
                g.severity == GapSeverity::Blocking
                    && g.requirement == "adequacy_or_safeguards_for_transfer_out"
            })
            .map(|g| g.rule_id.as_str())
            .collect();
        if !adequacy_gap.is_empty() && ctx.vocabulary.is_personal(carried.category.as_deref()) {
            let fj = ctx
                .library
                .jurisdiction(from_place)
                .unwrap_or("?")
                .to_string();
            let tj = ctx.library.jurisdiction(place).unwrap_or("?").to_string();
            let rules = adequacy_gap.join(", ");
            ctx.push(
                "dmf.l.received-without-adequacy",
                &event.id,
                Some(source_id),
                Text::new(
                    format!("{fj} から {tj} へ個人データが移るが、十分性の取決めも移転先の保護措置もない({rules})。"),
                    format!("Personal data moves from {fj} to {tj} with neither an adequacy arrangement nor safeguards at the receiver ({rules})."),
                ),
            );
        }
        let others: Vec<&crate::gaps::Gap> = gaps
            .iter()
            .filter(|g| {
                !(g.severity == GapSeverity::Blocking
                    && g.requirement == "adequacy_or_safeguards_for_transfer_out")
            })
            .filter(|g| g.requirement != "data_localisation")
            .collect();
        if !others.is_empty() {
            let list: Vec<String> = others
                .iter()
                .map(|g| format!("{} ({})", g.rule_id, g.severity.id()))
                .collect();
            ctx.push(
                "dmf.l.protection-gap",
                &event.id,
                Some(source_id),
                Text::new(
                    format!(
                        "「{}」から「{}」への移動で {} 件の規則が引き継がれない: {}",
                        from_place.name.ja,
                        place.name.ja,
                        others.len(),
                        list.join(", ")
                    ),
                    format!(
                        "Moving from '{}' to '{}' leaves {} rule(s) behind: {}",
                        from_place.name.en,
                        place.name.en,
                        others.len(),
                        list.join(", ")
                    ),
                ),
            );
        }
    }
}

/// Merges fresh suggestions into a reviewed register.
///
/// - A suggestion whose id is already in the register keeps the register's status and note;
///   an `edited` entry also keeps its edited title, rationale and references.
/// - A reviewed entry (accepted, edited, rejected) whose suggestion no longer fires is kept and
///   marked `outdated`, so no decision is lost silently; a never-reviewed one is dropped.
/// - Entries a person added (`rule_id` not a known suggestion rule) are always kept.
pub fn merge_review(register: &[Risk], fresh: Vec<Risk>) -> Vec<Risk> {
    let previous: BTreeMap<&str, &Risk> = register.iter().map(|r| (r.id.as_str(), r)).collect();
    let fresh_ids: BTreeSet<String> = fresh.iter().map(|r| r.id.clone()).collect();
    let mut out: Vec<Risk> = fresh
        .into_iter()
        .map(|mut risk| {
            if let Some(old) = previous.get(risk.id.as_str()) {
                risk.status = old.status;
                risk.note = old.note.clone();
                if old.status == RiskStatus::Edited {
                    risk.title = old.title.clone();
                    risk.rationale = old.rationale.clone();
                    risk.requirement_refs = old.requirement_refs.clone();
                    risk.dimension = old.dimension;
                }
            }
            risk
        })
        .collect();
    for old in register {
        if fresh_ids.contains(&old.id) {
            continue;
        }
        if risk_rule(&old.rule_id).is_none() {
            out.push(old.clone());
        } else if old.status != RiskStatus::Suggested {
            let mut kept = old.clone();
            kept.outdated = true;
            out.push(kept);
        }
    }
    out
}

/// Number of risks per event id and dimension, for diagrams and summaries.
pub fn count_by_event(risks: &[Risk]) -> BTreeMap<String, BTreeMap<RiskDimension, usize>> {
    let mut out: BTreeMap<String, BTreeMap<RiskDimension, usize>> = BTreeMap::new();
    for risk in risks.iter().filter(|r| r.status != RiskStatus::Rejected) {
        *out.entry(risk.event.clone())
            .or_default()
            .entry(risk.dimension)
            .or_default() += 1;
    }
    out
}
