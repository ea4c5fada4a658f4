//! A signed-in user with every role they hold, loaded once per request.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberRole {
    /// Runs the producer: may also add and remove staff.
    Owner,
    Staff,
}

impl MemberRole {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "owner" => Some(MemberRole::Owner),
            "staff" => Some(MemberRole::Staff),
            _ => None,
        }
    }
}

/// Membership of one producer (household, cooperative, firm).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub producer_id: String,
    pub role: MemberRole,
}

/// A user and their roles: several at once (a cooperative's owner can also be a buyer and an
/// officer of their commune).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: String,
    pub display_name: String,
    /// Province administrator.
    pub admin: bool,
    /// Communes (ids) this user is an officer of.
    pub officer_of: Vec<String>,
    pub member_of: Vec<Membership>,
    /// Set when an administrator reset the password: the user must choose a new one.
    pub must_change_password: bool,
}

impl Actor {
    pub fn member_role(&self, producer_id: &str) -> Option<MemberRole> {
        self.member_of
            .iter()
            .find(|m| m.producer_id == producer_id)
            .map(|m| m.role)
    }

    /// The producers this user works for.
    pub fn producer_ids(&self) -> Vec<&str> {
        self.member_of
            .iter()
            .map(|m| m.producer_id.as_str())
            .collect()
    }

    pub fn is_officer_of(&self, commune_id: &str) -> bool {
        self.officer_of.iter().any(|c| c == commune_id)
    }

    pub fn is_officer(&self) -> bool {
        !self.officer_of.is_empty()
    }
}
