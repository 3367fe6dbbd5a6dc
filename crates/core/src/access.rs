//! Workspace roles. A user's role is per workspace; what a role may do is decided here and nowhere else.

use serde::{Deserialize, Serialize};

/// The role a member holds in one workspace.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything in the workspace.
    Viewer,
    /// Reads and changes the model and assessments.
    Assessor,
    /// Everything, including members, invitations and the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Assessor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Assessor => "assessor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// May change the value-chain model and other workspace content.
    pub fn can_edit(self) -> bool {
        self >= Role::Assessor
    }

    /// May manage members and invitations and read the audit log.
    pub fn can_administer(self) -> bool {
        self == Role::Admin
    }
}
