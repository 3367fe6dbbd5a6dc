//! Report wording in Japanese and English, and the names of CPSF layers, components and
//! functions (the Japanese component names follow CPSF: ソシキ, ヒト, モノ …).

use sanso_catalog::{ComponentKind, CpsfFunction, Lang, Layer};

/// (key, English, Japanese).
const LABELS: &[(&str, &str, &str)] = &[
    ("report", "Assessment report", "アセスメント報告書"),
    ("summary", "Summary", "概要"),
    ("catalog", "Framework", "フレームワーク"),
    ("version", "Version", "版"),
    ("target", "Target", "対象"),
    ("target_level", "Target level", "目標レベル"),
    ("state", "Review state", "レビュー状態"),
    ("review_comment", "Reviewer's comment", "レビューコメント"),
    ("generated", "Generated", "作成日時"),
    ("overall", "Overall score", "総合スコア"),
    ("band", "Result band", "判定"),
    ("levels_attained", "Levels attained", "達成レベル"),
    (
        "target_attained",
        "Target level attained",
        "目標レベルの達成",
    ),
    ("yes", "Yes", "達成"),
    ("no", "Not yet", "未達成"),
    (
        "progress",
        "Progress (answered / in scope)",
        "進捗(回答済み/対象)",
    ),
    ("groups", "Results per group", "グループ別の結果"),
    ("group", "Group", "グループ"),
    ("requirements", "Requirements", "要件数"),
    ("met", "Met", "充足"),
    ("score", "Score", "スコア"),
    ("percentage", "Fulfilment (%)", "充足率(%)"),
    (
        "functions",
        "Results per CPSF function (radar chart)",
        "CPSF機能別の結果(レーダーチャート)",
    ),
    ("radar", "Radar chart values", "レーダーチャートの値"),
    ("function", "Function", "機能"),
    (
        "heatmap",
        "Layer × component heatmap",
        "層×構成要素ヒートマップ",
    ),
    ("layer", "Layer", "層"),
    ("component", "Component", "構成要素"),
    (
        "gaps",
        "Gaps against the target level",
        "目標レベルに対するギャップ",
    ),
    ("requirement", "Requirement", "要件"),
    ("status", "Status", "状態"),
    ("owner", "Owner", "担当者"),
    ("due", "Due", "期限"),
    ("comment", "Comment", "コメント"),
    (
        "notes",
        "Notes on the framework",
        "フレームワークに関する注記",
    ),
    ("unverified", "Unverified", "未検証"),
    ("none", "None", "なし"),
    (
        "no_gaps",
        "No gaps: every requirement of the target level is met.",
        "ギャップはありません。目標レベルの要件はすべて充足しています。",
    ),
    (
        "no_level",
        "No target level was set, so no gaps are listed.",
        "目標レベルが設定されていないため、ギャップは一覧にしていません。",
    ),
    (
        "no_data",
        "No scored requirements yet",
        "採点対象の要件がまだありません",
    ),
    ("not_scored", "not scored", "対象外"),
];

/// The report text for `key` in `lang` (the key itself when unknown, so a gap shows).
pub fn label(key: &str, lang: Lang) -> &str {
    LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, ja)| match lang {
            Lang::En => *en,
            Lang::Ja => *ja,
        })
        .unwrap_or(key)
}

pub fn layer_label(layer: Layer, lang: Lang) -> &'static str {
    match (layer, lang) {
        (Layer::L1, Lang::Ja) => "第1層(企業間)",
        (Layer::L2, Lang::Ja) => "第2層(フィジカル/サイバー)",
        (Layer::L3, Lang::Ja) => "第3層(サイバー空間)",
        (Layer::L1, Lang::En) => "L1 organisations",
        (Layer::L2, Lang::En) => "L2 physical/cyber",
        (Layer::L3, Lang::En) => "L3 cyberspace",
    }
}

pub fn component_label(kind: ComponentKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (ComponentKind::Organization, Lang::Ja) => "ソシキ",
        (ComponentKind::People, Lang::Ja) => "ヒト",
        (ComponentKind::Component, Lang::Ja) => "モノ",
        (ComponentKind::Data, Lang::Ja) => "データ",
        (ComponentKind::Procedure, Lang::Ja) => "プロシージャ",
        (ComponentKind::System, Lang::Ja) => "システム",
        (ComponentKind::Organization, Lang::En) => "Organization",
        (ComponentKind::People, Lang::En) => "People",
        (ComponentKind::Component, Lang::En) => "Component",
        (ComponentKind::Data, Lang::En) => "Data",
        (ComponentKind::Procedure, Lang::En) => "Procedure",
        (ComponentKind::System, Lang::En) => "System",
    }
}

pub fn function_label(function: CpsfFunction, lang: Lang) -> &'static str {
    match (function, lang) {
        (CpsfFunction::Identify, Lang::Ja) => "識別",
        (CpsfFunction::Protect, Lang::Ja) => "防御",
        (CpsfFunction::Detect, Lang::Ja) => "検知",
        (CpsfFunction::RespondRecover, Lang::Ja) => "対応・復旧",
        (CpsfFunction::Identify, Lang::En) => "Identify",
        (CpsfFunction::Protect, Lang::En) => "Protect",
        (CpsfFunction::Detect, Lang::En) => "Detect",
        (CpsfFunction::RespondRecover, Lang::En) => "Respond/Recover",
    }
}
