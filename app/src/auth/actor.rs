//! A signed-in user with every role they hold, loaded once per request.

use serde::{Deserialize, Serialize};

use crate::domain::product::ProducerStatus;

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

/// Membership of one producer (household, cooperative, firm), with where the producer stands:
/// applying to sell makes the applicant its owner at once, but only an approved (active)
/// producer's members may act for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub producer_id: String,
    pub role: MemberRole,
    pub producer_status: ProducerStatus,
}

impl Membership {
    pub fn is_active(&self) -> bool {
        self.producer_status == ProducerStatus::Active
    }
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
    /// Unread notices in the inbox (counted up to 100), for the header's bell.
    pub unread_notices: i64,
}

impl Actor {
    /// The role in this producer, when it is approved (active); none before approval, after a
    /// refusal or while suspended.
    pub fn member_role(&self, producer_id: &str) -> Option<MemberRole> {
        self.member_of
            .iter()
            .find(|m| m.producer_id == producer_id && m.is_active())
            .map(|m| m.role)
    }

    /// The approved producers this user works for.
    pub fn producer_ids(&self) -> Vec<&str> {
        self.member_of
            .iter()
            .filter(|m| m.is_active())
            .map(|m| m.producer_id.as_str())
            .collect()
    }

    /// Works for at least one approved producer: the seller's and farm pages are theirs.
    pub fn works_for_a_producer(&self) -> bool {
        self.member_of.iter().any(Membership::is_active)
    }

    pub fn is_officer_of(&self, commune_id: &str) -> bool {
        self.officer_of.iter().any(|c| c == commune_id)
    }

    pub fn is_officer(&self) -> bool {
        !self.officer_of.is_empty()
    }
}
