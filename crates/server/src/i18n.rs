//! Japanese and English text for the web UI.
//!
//! The language comes from the `sanso_lang` cookie when the user chose one, else from the browser's
//! `Accept-Language`, else English. Every message exists in both languages (a test checks this).

use axum::http::HeaderMap;
use sanso_core::model::{ComponentKind, ConnectionKind, Layer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ja,
}

pub const LANG_COOKIE: &str = "sanso_lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "ja" => Some(Lang::Ja),
            _ => None,
        }
    }

    /// The language for a request: the chosen cookie, else the best of Accept-Language, else English.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        if let Some(lang) = crate::auth::cookie(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c))
        {
            return lang;
        }
        let accept = headers
            .get("accept-language")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mut best: Option<(f32, Lang)> = None;
        for part in accept.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag == "ja" || tag.starts_with("ja-") {
                Lang::Ja
            } else if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }

    pub fn t(self, key: &str) -> &'static str {
        match all_messages().find(|(k, _, _)| *k == key) {
            Some((_, en, ja)) => match self {
                Lang::En => en,
                Lang::Ja => ja,
            },
            None => "??",
        }
    }

    pub fn kind(self, kind: ComponentKind) -> &'static str {
        self.t(&format!("kind.{}", kind.as_str()))
    }

    pub fn layer(self, layer: Layer) -> &'static str {
        self.t(&format!("layer.{}", layer.as_str()))
    }

    pub fn connection(self, kind: ConnectionKind) -> &'static str {
        self.t(&format!("conn.{}", kind.as_str()))
    }

    pub fn role(self, role: sanso_core::access::Role) -> &'static str {
        self.t(&format!("role.{}", role.as_str()))
    }
}

/// Every message table: the platform's own below, and one per UI area in that area's module, so that work
/// on different areas does not edit the same list. Keys must be unique across all tables (a test checks).
const TABLES: &[&[(&str, &str, &str)]] = &[
    MESSAGES,
    crate::ui::assessments::MESSAGES,
    crate::ui::supply::MESSAGES,
    crate::ui::software::MESSAGES,
    crate::ui::dataflows::MESSAGES,
];

fn all_messages() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    TABLES.iter().flat_map(|table| table.iter())
}

/// (key, English, Japanese).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("app.tagline", "Cyber/Physical Security Framework, across the supply chain", "サプライチェーン全体でサイバー・フィジカル・セキュリティ対策フレームワークを"),
    ("nav.workspaces", "Workspaces", "ワークスペース"),
    ("nav.account", "Account", "アカウント"),
    ("nav.logout", "Sign out", "ログアウト"),
    ("nav.model", "Value chain", "バリューチェーン"),
    ("nav.diagram", "Diagram", "構成図"),
    ("nav.members", "Members", "メンバー"),
    ("nav.audit", "Audit log", "監査ログ"),
    ("nav.language", "Language", "言語"),
    ("login.title", "Sign in", "ログイン"),
    ("login.email", "E-mail", "メールアドレス"),
    ("login.password", "Password", "パスワード"),
    ("login.submit", "Sign in", "ログイン"),
    ("login.failed", "The e-mail or password is wrong.", "メールアドレスまたはパスワードが違います。"),
    ("setup.title", "Create the first administrator", "最初の管理者を作成"),
    ("setup.needed", "sanso has no users yet. Open the one-time setup link printed on the server console, or run `sanso admin create`.", "まだユーザーがいません。サーバーのコンソールに表示された一回限りのセットアップリンクを開くか、`sanso admin create` を実行してください。"),
    ("setup.invalid", "This setup link is not valid any more. Restart the server for a new one, or use `sanso admin create`.", "このセットアップリンクは無効です。サーバーを再起動して新しいリンクを取得するか、`sanso admin create` を使ってください。"),
    ("field.display_name", "Your name", "氏名"),
    ("field.workspace_name", "Organisation (workspace) name", "組織（ワークスペース）名"),
    ("field.name", "Name", "名称"),
    ("field.description", "Description", "説明"),
    ("field.kind", "Component kind", "構成要素の種類"),
    ("field.category", "Category (e.g. supplier, IoT device)", "分類（例：サプライヤー、IoT機器）"),
    ("field.layer", "Layer", "層"),
    ("field.layer_default", "(default for the kind)", "（種類の既定）"),
    ("field.critical", "Critical asset", "重要資産"),
    ("field.exposed", "Exposed entry point", "攻撃の入口になりうる"),
    ("field.source", "From", "接続元"),
    ("field.target", "To", "接続先"),
    ("field.connection_kind", "Connection kind", "つながりの種類"),
    ("field.label", "Label", "ラベル"),
    ("field.role", "Role", "ロール"),
    ("field.email", "E-mail", "メールアドレス"),
    ("field.password", "Password (10 characters or more)", "パスワード（10文字以上）"),
    ("field.mode", "Import mode", "取り込み方法"),
    ("field.file", "File (YAML or JSON)", "ファイル（YAML または JSON）"),
    ("field.text", "…or paste the document", "…または文書を貼り付け"),
    ("action.create", "Create", "作成"),
    ("action.add", "Add", "追加"),
    ("action.save", "Save", "保存"),
    ("action.delete", "Delete", "削除"),
    ("action.edit", "Edit", "編集"),
    ("action.import", "Import", "取り込み"),
    ("action.invite", "Invite", "招待"),
    ("action.revoke", "Revoke", "無効化"),
    ("action.join", "Join", "参加"),
    ("action.change", "Change", "変更"),
    ("action.remove", "Remove", "外す"),
    ("ws.none", "You are not a member of any workspace yet.", "まだどのワークスペースにも参加していません。"),
    ("ws.create", "New workspace", "新しいワークスペース"),
    ("ws.your_role", "Your role", "あなたのロール"),
    ("model.nodes", "Components", "構成要素"),
    ("model.connections", "Connections", "つながり"),
    ("model.add_node", "Add a component", "構成要素を追加"),
    ("model.add_connection", "Add a connection", "つながりを追加"),
    ("model.empty", "The value chain is empty. Add the organisations, people, things, data, procedures and systems it is made of.", "バリューチェーンはまだ空です。構成する組織・ヒト・モノ・データ・手続き・システムを追加してください。"),
    ("model.need_two", "Add at least two components to connect them.", "つなぐには構成要素を2つ以上追加してください。"),
    ("model.export", "Export", "エクスポート"),
    ("model.import", "Import a model", "モデルの取り込み"),
    ("model.mode.merge", "Merge (update by id, add the rest)", "統合（IDが一致すれば更新、それ以外は追加）"),
    ("model.mode.replace", "Replace the whole model", "モデル全体を置き換え"),
    ("model.imported", "Imported", "取り込みました"),
    ("model.edit_node", "Edit component", "構成要素の編集"),
    ("model.edit_connection", "Edit connection", "つながりの編集"),
    ("model.flags", "Flags", "フラグ"),
    ("model.delete_confirm", "Deleting a component also deletes its connections.", "構成要素を削除すると、そのつながりも削除されます。"),
    ("diagram.title", "Value-creation process in three layers", "3層構造による価値創造プロセス"),
    ("diagram.download", "Download SVG", "SVG をダウンロード"),
    ("diagram.empty", "Nothing to draw yet", "まだ描くものがありません"),
    ("members.invite", "Invite a member", "メンバーを招待"),
    ("members.link", "Send this one-time link to the invitee (valid 14 days):", "この一回限りのリンクを招待相手に送ってください（14日間有効）："),
    ("invite.title", "Invitation", "招待"),
    ("invite.to", "You are invited to the workspace", "次のワークスペースに招待されています"),
    ("invite.invalid", "This invitation is not valid any more.", "この招待は無効です。"),
    ("invite.wrong_user", "This invitation is for another e-mail address. Sign out and open the link again.", "この招待は別のメールアドレス宛てです。ログアウトしてからもう一度リンクを開いてください。"),
    ("tokens.title", "API tokens", "APIトークン"),
    ("tokens.help", "Tokens let the CLI and CI pipelines act as you. Send them as `Authorization: Bearer <token>`.", "トークンを使うと CLI や CI パイプラインがあなたとして操作できます。`Authorization: Bearer <token>` として送ってください。"),
    ("tokens.created", "Copy the token now; it is not shown again:", "今すぐトークンをコピーしてください。再表示されません："),
    ("tokens.revoked", "revoked", "無効"),
    ("tokens.last_used", "Last used", "最終使用"),
    ("audit.when", "When", "日時"),
    ("audit.who", "Who", "誰が"),
    ("audit.what", "What", "操作"),
    ("audit.object", "Object", "対象"),
    ("audit.chain", "Entries are hash-chained; `sanso audit verify` checks the whole chain.", "記録はハッシュで連鎖しています。`sanso audit verify` で全体を検証できます。"),
    ("error.title", "Something went wrong", "問題が発生しました"),
    ("error.not_found", "Not found.", "見つかりません。"),
    ("error.forbidden", "Your role does not allow this.", "あなたのロールではこの操作はできません。"),
    ("error.csrf", "The form could not be accepted: it has expired or was not sent from this site (CSRF check). Reload the page and try again.", "フォームを受け付けられませんでした。有効期限切れか、このサイト以外から送信されました（CSRF チェック）。ページを再読み込みしてやり直してください。"),
    ("error.invalid", "Please correct the following:", "次の点を修正してください："),
    ("error.too_large", "The upload is too large.", "アップロードが大きすぎます。"),
    ("dash.summary", "Summary", "概要"),
    ("role.admin", "Administrator", "管理者"),
    ("role.assessor", "Assessor", "評価者"),
    ("role.viewer", "Viewer", "閲覧者"),
    ("kind.organization", "Organisation", "組織"),
    ("kind.person", "People", "ヒト"),
    ("kind.component", "Component", "モノ"),
    ("kind.data", "Data", "データ"),
    ("kind.procedure", "Procedure", "手続き"),
    ("kind.system", "System", "システム"),
    ("layer.L1", "Layer 1: connections between organisations", "第1層：企業間のつながり"),
    ("layer.L2", "Layer 2: physical ↔ cyber", "第2層：フィジカル空間とサイバー空間のつながり"),
    ("layer.L3", "Layer 3: connections in cyberspace", "第3層：サイバー空間におけるつながり"),
    ("conn.supplies", "supplies", "供給する"),
    ("conn.operates", "operates", "運用する"),
    ("conn.contains", "contains", "含む"),
    ("conn.transfers_data", "transfers data", "データを送る"),
    ("conn.accesses", "accesses", "アクセスする"),
    ("conn.senses", "senses", "計測する"),
    ("conn.actuates", "actuates", "駆動する"),
    ("conn.owns", "owns", "所有する"),
    ("conn.uses", "uses", "利用する"),
    ("conn.other", "other", "その他"),
    ("flag.critical", "critical", "重要"),
    ("flag.exposed", "exposed", "入口"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages_and_keys_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (key, en, ja) in all_messages() {
            assert!(seen.insert(key), "duplicate key {key}");
            assert!(
                !en.is_empty() && !ja.is_empty(),
                "{key} lacks a translation"
            );
        }
        for k in ComponentKind::ALL {
            assert_ne!(Lang::Ja.kind(k), "??");
        }
        for k in ConnectionKind::ALL {
            assert_ne!(Lang::Ja.connection(k), "??");
        }
        for l in Layer::ALL {
            assert_ne!(Lang::Ja.layer(l), "??");
        }
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        let mut h = HeaderMap::new();
        h.insert(
            "accept-language",
            "fr-FR, ja;q=0.9, en;q=0.8".parse().unwrap(),
        );
        assert_eq!(Lang::from_headers(&h), Lang::Ja);
        h.insert("accept-language", "en-GB,ja;q=0.5".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::En);
        h.insert("cookie", "sanso_lang=ja".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::Ja);
    }
}
