//! Users, passwords, sessions, API tokens and invitations.
//!
//! Passwords are hashed with Argon2id (the `argon2` crate's defaults, OWASP's recommended parameters).
//! Session ids, API tokens and invitation links are 256-bit random secrets; only their SHA-256 is
//! stored, so a stolen database copy does not let anyone sign in. (A fast hash is right here: the
//! secrets are random, so there is nothing to brute-force.)

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use sanso_core::access::Role;
use sanso_core::model::FieldError;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;

use crate::rows::{flag, opt_text, text};
use crate::tx::{snapshot, Actor};
use crate::workspaces::{insert_membership, insert_workspace, Workspace};
use crate::{Result, Store, StoreError};

pub const SESSION_DAYS: i64 = 14;
pub const INVITATION_DAYS: i64 = 14;
pub const SETUP_HOURS: i64 = 24;
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub is_instance_admin: bool,
    pub locale: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationPurpose {
    /// The one-time link that creates the first administrator.
    Setup,
    /// Joins a workspace, creating an account if the invitee has none.
    Member,
    /// A buyer's invitation to a supplier (`crate::supply`): creates the supplier's account and
    /// workspace if needed and links that workspace to the buyer's supplier; never joins the buyer.
    Supplier,
}

impl InvitationPurpose {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            InvitationPurpose::Setup => "setup",
            InvitationPurpose::Member => "member",
            InvitationPurpose::Supplier => "supplier",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invitation {
    pub id: String,
    pub purpose: InvitationPurpose,
    pub workspace_id: Option<String>,
    pub email: String,
    pub role: Role,
    pub expires_at: String,
}

/// A new random secret in URL-safe text.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a secret.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn timestamp_in(duration: time::Duration) -> String {
    let t = time::OffsetDateTime::now_utc() + duration;
    let fmt = time::format_description::well_known::Rfc3339;
    // Same fixed-width form as now_timestamp, so text comparison orders correctly.
    let s = t
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&fmt)
        .unwrap_or_default();
    s.replace('Z', ".000000Z")
}

fn user_from_row(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: text(row, "id")?,
        email: text(row, "email")?,
        display_name: text(row, "display_name")?,
        is_instance_admin: flag(row, "is_instance_admin")?,
        locale: text(row, "locale")?,
        created_at: text(row, "created_at")?,
    })
}

const USER_COLUMNS: &str = "id, email, display_name, is_instance_admin, locale, created_at";

/// Checks a new account's fields; returns every fault at once.
pub fn validate_new_account(email: &str, display_name: &str, password: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let email = email.trim();
    let at = email.find('@');
    if email.len() > 254
        || at.is_none_or(|i| i == 0 || i == email.len() - 1)
        || email.contains(char::is_whitespace)
    {
        errors.push(FieldError::new("email", "is not an e-mail address"));
    }
    if display_name.trim().is_empty() || display_name.chars().count() > 200 {
        errors.push(FieldError::new("display_name", "must be 1–200 characters"));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.push(FieldError::new(
            "password",
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    errors
}

pub(crate) fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Store {
    pub async fn count_users(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.pool())
            .await?)
    }

    pub async fn get_user(&self, id: &str) -> Result<User> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        user_from_row(&row)
    }

    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(normalise_email(email))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Creates the first administrator and their workspace. Refused once any user exists.
    pub async fn create_first_admin(
        &self,
        actor: &Actor,
        email: &str,
        display_name: &str,
        password: &str,
        workspace_name: &str,
    ) -> Result<(User, Workspace)> {
        let mut errors = validate_new_account(email, display_name, password);
        if workspace_name.trim().is_empty() {
            errors.push(FieldError::new("workspace_name", "must not be empty"));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let hash = hash_password(password)?;
        let mut tx = self.write().await?;
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(tx.conn())
            .await?;
        if users > 0 {
            return Err(StoreError::Conflict(
                "the first administrator already exists".into(),
            ));
        }
        let user = insert_user(&mut tx, actor, email, display_name, &hash, true).await?;
        let actor = Actor::user(&user.id, &user.email);
        let ws = insert_workspace(&mut tx, &actor, workspace_name.trim(), "").await?;
        insert_membership(&mut tx, &actor, &ws.id, &user.id, Role::Admin).await?;
        sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE purpose = 'setup' AND accepted_at IS NULL")
            .bind(sanso_core::now_timestamp())
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        Ok((user, ws))
    }

    /// Creates an account (not yet in any workspace).
    pub async fn create_user(
        &self,
        actor: &Actor,
        email: &str,
        display_name: &str,
        password: &str,
    ) -> Result<User> {
        let errors = validate_new_account(email, display_name, password);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let hash = hash_password(password)?;
        let mut tx = self.write().await?;
        let user = insert_user(&mut tx, actor, email, display_name, &hash, false).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// The user with this e-mail and password. Unknown e-mails cost as much time as wrong passwords.
    pub async fn authenticate(&self, email: &str, password: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
        ))
        .bind(normalise_email(email))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            let password = password.to_string();
            let _ =
                tokio::task::spawn_blocking(move || verify_password(&password, dummy_hash())).await;
            return Ok(None);
        };
        let stored = text(&row, "password_hash")?;
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
            .await
            .unwrap_or(false);
        if ok {
            Ok(Some(user_from_row(&row)?))
        } else {
            Ok(None)
        }
    }

    pub async fn set_password(&self, actor: &Actor, user_id: &str, password: &str) -> Result<()> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::invalid(
                "password",
                format!("must be at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        let hash = hash_password(password)?;
        let mut tx = self.write().await?;
        let n = sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(sanso_core::now_timestamp())
            .bind(user_id)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        // Signing in again is required everywhere after a password change.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(tx.conn())
            .await?;
        tx.audit(actor, None, "user.password", "user", user_id, None, None)
            .await?;
        tx.commit().await
    }

    // ---- sessions ----

    pub async fn create_session(&self, user_id: &str) -> Result<String> {
        let secret = new_secret();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(secret_hash(&secret))
            .bind(user_id)
            .bind(sanso_core::now_timestamp())
            .bind(timestamp_in(time::Duration::days(SESSION_DAYS)))
            .execute(self.pool())
            .await?;
        Ok(secret)
    }

    pub async fn session_user(&self, secret: &str) -> Result<Option<User>> {
        let cols = USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let row = sqlx::query(&format!(
            "SELECT {cols} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2"
        ))
        .bind(secret_hash(secret))
        .bind(sanso_core::now_timestamp())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn delete_session(&self, secret: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at < $2")
            .bind(secret_hash(secret))
            .bind(sanso_core::now_timestamp())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    // ---- API tokens ----

    /// A new API token for `user_id`; the secret is returned once and never stored.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: &str,
        name: &str,
    ) -> Result<(ApiToken, String)> {
        if name.trim().is_empty() || name.chars().count() > 100 {
            return Err(StoreError::invalid("name", "must be 1–100 characters"));
        }
        let secret = format!("sanso_{}", new_secret());
        let token = ApiToken {
            id: sanso_core::new_id(),
            user_id: user_id.to_string(),
            name: name.trim().to_string(),
            created_at: sanso_core::now_timestamp(),
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&token.id)
            .bind(&token.user_id)
            .bind(&token.name)
            .bind(secret_hash(&secret))
            .bind(&token.created_at)
            .execute(tx.conn())
            .await?;
        tx.audit(
            actor,
            None,
            "token.create",
            "api_token",
            &token.id,
            None,
            Some(snapshot(&token)),
        )
        .await?;
        tx.commit().await?;
        Ok((token, secret))
    }

    /// The user a live token acts for, and the token's id.
    pub async fn token_user(&self, secret: &str) -> Result<Option<(User, String)>> {
        let cols = USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let row = sqlx::query(&format!(
            "SELECT {cols}, t.id AS token_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        ))
        .bind(secret_hash(secret))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let token_id = text(&row, "token_id")?;
        // Record use at most once a minute: a write on every API call would queue all requests
        // behind SQLite's single writer.
        let now = sanso_core::now_timestamp();
        let stale_before = timestamp_in(time::Duration::minutes(-1));
        if opt_text(&row, "last_used_at")?.is_none_or(|last| last < stale_before) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(&token_id)
                .execute(self.pool())
                .await?;
        }
        Ok(Some((user_from_row(&row)?, token_id)))
    }

    pub async fn list_api_tokens(&self, user_id: &str) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: text(r, "id")?,
                    user_id: text(r, "user_id")?,
                    name: text(r, "name")?,
                    created_at: text(r, "created_at")?,
                    last_used_at: opt_text(r, "last_used_at")?,
                    revoked_at: opt_text(r, "revoked_at")?,
                })
            })
            .collect()
    }

    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        user_id: &str,
        token_id: &str,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
            .bind(sanso_core::now_timestamp())
            .bind(token_id)
            .bind(user_id)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.audit(
            actor,
            None,
            "token.revoke",
            "api_token",
            token_id,
            None,
            None,
        )
        .await?;
        tx.commit().await
    }

    // ---- invitations ----

    /// A one-time link secret for creating the first administrator; earlier unused ones stop working.
    pub async fn create_setup_invitation(&self) -> Result<String> {
        let secret = new_secret();
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM invitations WHERE purpose = 'setup' AND accepted_at IS NULL")
            .execute(tx.conn())
            .await?;
        insert_invitation(
            &mut tx,
            &secret,
            InvitationPurpose::Setup,
            None,
            "",
            Role::Admin,
            None,
            SETUP_HOURS,
        )
        .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// Invites `email` into a workspace with `role`; returns the link secret.
    pub async fn create_member_invitation(
        &self,
        actor: &Actor,
        workspace_id: &str,
        email: &str,
        role: Role,
    ) -> Result<String> {
        let email = normalise_email(email);
        if validate_new_account(&email, "x", "xxxxxxxxxxxx")
            .iter()
            .any(|e| e.field == "email")
        {
            return Err(StoreError::invalid("email", "is not an e-mail address"));
        }
        let secret = new_secret();
        let mut tx = self.write().await?;
        let id = insert_invitation(
            &mut tx,
            &secret,
            InvitationPurpose::Member,
            Some(workspace_id),
            &email,
            role,
            actor.user_id.as_deref(),
            INVITATION_DAYS * 24,
        )
        .await?;
        tx.audit(
            actor,
            Some(workspace_id),
            "invitation.create",
            "invitation",
            &id,
            None,
            Some(serde_json::json!({"email": email, "role": role}).to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// A usable invitation (not expired, not yet accepted) for this secret.
    pub async fn find_invitation(&self, secret: &str) -> Result<Option<Invitation>> {
        let row = sqlx::query(
            "SELECT id, purpose, workspace_id, email, role, expires_at FROM invitations \
             WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
        )
        .bind(secret_hash(secret))
        .bind(sanso_core::now_timestamp())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let purpose = match text(&row, "purpose")?.as_str() {
            "setup" => InvitationPurpose::Setup,
            "supplier" => InvitationPurpose::Supplier,
            _ => InvitationPurpose::Member,
        };
        Ok(Some(Invitation {
            id: text(&row, "id")?,
            purpose,
            workspace_id: opt_text(&row, "workspace_id")?,
            email: text(&row, "email")?,
            role: crate::rows::parsed(&row, "role", Role::parse)?,
            expires_at: text(&row, "expires_at")?,
        }))
    }

    /// Accepts a member invitation: joins `user` (an existing account) or creates the account first.
    /// Returns the user who joined.
    pub async fn accept_member_invitation(
        &self,
        secret: &str,
        existing_user: Option<&User>,
        new_account: Option<(&str, &str)>,
    ) -> Result<User> {
        let inv = self
            .find_invitation(secret)
            .await?
            .ok_or(StoreError::NotFound)?;
        let workspace_id = match (inv.purpose, &inv.workspace_id) {
            (InvitationPurpose::Member, Some(ws)) => ws.clone(),
            _ => return Err(StoreError::NotFound),
        };
        let hash = match (existing_user, new_account) {
            (None, Some((name, password))) => {
                let errors = validate_new_account(&inv.email, name, password);
                if !errors.is_empty() {
                    return Err(StoreError::Invalid(errors));
                }
                Some(hash_password(password)?)
            }
            (Some(_), _) => None,
            (None, None) => {
                return Err(StoreError::invalid(
                    "password",
                    "is required to create the account",
                ))
            }
        };
        let mut tx = self.write().await?;
        let used = sqlx::query(
            "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL",
        )
        .bind(sanso_core::now_timestamp())
        .bind(&inv.id)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if used == 0 {
            return Err(StoreError::NotFound);
        }
        let user = match (existing_user, hash, new_account) {
            (Some(u), _, _) => u.clone(),
            (None, Some(hash), Some((name, _))) => {
                let actor = Actor {
                    label: format!("invitation:{}", inv.id),
                    user_id: None,
                };
                insert_user(&mut tx, &actor, &inv.email, name, &hash, false).await?
            }
            _ => return Err(StoreError::NotFound),
        };
        let actor = Actor::user(&user.id, &user.email);
        let already: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND user_id = $2",
        )
        .bind(&workspace_id)
        .bind(&user.id)
        .fetch_one(tx.conn())
        .await?;
        if already == 0 {
            insert_membership(&mut tx, &actor, &workspace_id, &user.id, inv.role).await?;
        }
        tx.commit().await?;
        Ok(user)
    }
}

/// An Argon2id hash of a random password, verified against when the e-mail is unknown.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_secret()).unwrap_or_default())
}

pub(crate) async fn insert_user(
    tx: &mut crate::tx::WriteTx,
    actor: &Actor,
    email: &str,
    display_name: &str,
    password_hash: &str,
    instance_admin: bool,
) -> Result<User> {
    let email = normalise_email(email);
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(&email)
        .fetch_one(tx.conn())
        .await?;
    if exists > 0 {
        return Err(StoreError::Conflict(format!(
            "a user with e-mail {email} already exists"
        )));
    }
    let now = sanso_core::now_timestamp();
    let user = User {
        id: sanso_core::new_id(),
        email,
        display_name: display_name.trim().to_string(),
        is_instance_admin: instance_admin,
        locale: String::new(),
        created_at: now.clone(),
    };
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, is_instance_admin, locale, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, '', $6, $6)",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&user.display_name)
    .bind(password_hash)
    .bind(instance_admin as i64)
    .bind(&now)
    .execute(tx.conn())
    .await?;
    tx.audit(
        actor,
        None,
        "user.create",
        "user",
        &user.id,
        None,
        Some(snapshot(&user)),
    )
    .await?;
    Ok(user)
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_invitation(
    tx: &mut crate::tx::WriteTx,
    secret: &str,
    purpose: InvitationPurpose,
    workspace_id: Option<&str>,
    email: &str,
    role: Role,
    invited_by: Option<&str>,
    hours: i64,
) -> Result<String> {
    let id = sanso_core::new_id();
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, purpose, workspace_id, email, role, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(secret_hash(secret))
    .bind(purpose.as_str())
    .bind(workspace_id)
    .bind(email)
    .bind(role.as_str())
    .bind(invited_by)
    .bind(sanso_core::now_timestamp())
    .bind(timestamp_in(time::Duration::hours(hours)))
    .execute(tx.conn())
    .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn account_validation_reports_each_field() {
        let fields: Vec<_> = validate_new_account("nope", "", "short")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["email", "display_name", "password"]);
        assert!(validate_new_account("a@b.example", "A", "long enough!").is_empty());
    }

    #[test]
    fn future_timestamps_compare_after_now() {
        assert!(timestamp_in(time::Duration::hours(1)) > sanso_core::now_timestamp());
        assert!(timestamp_in(time::Duration::hours(-1)) < sanso_core::now_timestamp());
    }
}
