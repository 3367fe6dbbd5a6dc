//! A workspace for the worked examples (`sanso demo load …`): whose it is when the command names no
//! workspace. The owner is the user given by e-mail, else the earliest instance administrator, so a
//! fresh installation with one administrator needs no further flags.

use crate::accounts::User;
use crate::tx::Actor;
use crate::workspaces::Workspace;
use crate::{Result, Store, StoreError};

impl Store {
    /// Creates a workspace named `name` owned by `owner_email`'s user, or by the earliest
    /// instance administrator when no e-mail is given.
    pub async fn create_demo_workspace(
        &self,
        actor: &Actor,
        name: &str,
        owner_email: Option<&str>,
    ) -> Result<(Workspace, User)> {
        let owner = match owner_email {
            Some(email) => self.find_user_by_email(email).await?.ok_or_else(|| {
                StoreError::invalid("owner", format!("no user with e-mail {email}"))
            })?,
            None => {
                let id: Option<String> = sqlx::query_scalar(
                    "SELECT id FROM users WHERE is_instance_admin = 1 ORDER BY created_at, id LIMIT 1",
                )
                .fetch_optional(self.pool())
                .await?;
                let id = id.ok_or_else(|| {
                    StoreError::invalid(
                        "owner",
                        "this installation has no administrator yet; run `sanso admin create` first or name an owner",
                    )
                })?;
                self.get_user(&id).await?
            }
        };
        let ws = self
            .create_workspace(
                actor,
                name,
                "Worked example: layer-3 data flows and layer-2 IoT device categories",
                &owner.id,
            )
            .await?;
        Ok((ws, owner))
    }
}
