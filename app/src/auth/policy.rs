//! Every authorization rule of the marketplace, in one place. Server functions and API routes
//! call [`authorize`] before they act; hiding a button is never the protection.

use super::actor::{Actor, MemberRole};
use crate::shop::rules::order::Party;

/// Something a user wants to do, with the scope it touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action<'a> {
    /// Edit a producer's profile, products, variants, stock and photos.
    EditListings { producer_id: &'a str },
    /// Add or remove a producer's staff.
    ManageStaff { producer_id: &'a str },
    /// Set up a producer's carrier accounts (its credentials): owners only.
    ManageCarriers { producer_id: &'a str },
    /// Write a producer's cultivation log, plots and harvest lots.
    WriteFarmLog { producer_id: &'a str },
    /// Confirm, ship, deliver or cancel a producer's orders; see its sales.
    FulfilOrders { producer_id: &'a str },
    /// See an order placed by this buyer (None: a guest order, opened with number and phone).
    ViewOwnOrder { buyer_user_id: Option<&'a str> },
    /// Ask to create a producer in a commune.
    ApplyForProducer,
    /// Inside one commune: moderate producers and listings, curate the commune page, record OCOP
    /// certificates, verify lots, import spreadsheets, see reports.
    ActInCommune { commune_id: &'a str },
    /// Province administration: communes, officers, users, passwords, site settings.
    Administer,
    /// See a lot that is not public yet (still growing): its producer's people, the officers
    /// of the commune it grows in, administrators.
    SeeUnpublishedLot {
        producer_id: &'a str,
        commune_id: &'a str,
    },
    /// See which orders took units from a lot (numbers, days, quantities; no buyer contact):
    /// its producer's people, the officers of the commune it grows in, administrators.
    SeeLotSales {
        producer_id: &'a str,
        commune_id: &'a str,
    },
    /// Recall a lot (`diary::recall`): its producer's people, the officers of the commune it
    /// grows in, administrators.
    RecallLot {
        producer_id: &'a str,
        commune_id: &'a str,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("sign in first")]
    NotSignedIn,
    #[error("not allowed")]
    Forbidden,
}

/// Allows or refuses `action` for `actor` (None: a visitor who is not signed in).
pub fn authorize(actor: Option<&Actor>, action: Action<'_>) -> Result<(), Denied> {
    let actor = actor.ok_or(Denied::NotSignedIn)?;
    let allowed = match action {
        Action::EditListings { producer_id }
        | Action::WriteFarmLog { producer_id }
        | Action::FulfilOrders { producer_id } => actor.member_role(producer_id).is_some(),
        Action::ManageStaff { producer_id } | Action::ManageCarriers { producer_id } => {
            actor.member_role(producer_id) == Some(MemberRole::Owner)
        }
        Action::ViewOwnOrder { buyer_user_id } => {
            buyer_user_id == Some(actor.user_id.as_str()) || actor.admin
        }
        // Anyone signed in may apply; officers decide.
        Action::ApplyForProducer => true,
        Action::ActInCommune { commune_id } => actor.admin || actor.is_officer_of(commune_id),
        Action::Administer => actor.admin,
        Action::SeeUnpublishedLot {
            producer_id,
            commune_id,
        }
        | Action::SeeLotSales {
            producer_id,
            commune_id,
        }
        | Action::RecallLot {
            producer_id,
            commune_id,
        } => {
            actor.member_role(producer_id).is_some()
                || actor.admin
                || actor.is_officer_of(commune_id)
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

/// The people an order concerns, as far as deciding who asks goes.
#[derive(Clone, Copy, Debug)]
pub struct OrderParties<'a> {
    pub producer_id: &'a str,
    pub commune_id: &'a str,
    /// None: a guest order.
    pub buyer_user_id: Option<&'a str>,
}

/// In which role a signed-in `actor` may act on an order, if any: a member of the producer
/// that sells it first (a producer buying from itself acts as the seller), then the commune's
/// officer or an administrator, then the buyer. A guest proves the order is theirs with its
/// number and phone instead, which the order storage checks.
pub fn party_in_order(actor: &Actor, order: OrderParties<'_>) -> Option<Party> {
    if actor.member_role(order.producer_id).is_some() {
        Some(Party::Producer)
    } else if actor.admin || actor.is_officer_of(order.commune_id) {
        Some(Party::Officer)
    } else if order.buyer_user_id == Some(actor.user_id.as_str()) {
        Some(Party::Buyer)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{auth::actor::Membership, domain::product::ProducerStatus};

    fn actor(id: &str) -> Actor {
        Actor {
            user_id: id.to_owned(),
            display_name: id.to_owned(),
            admin: false,
            officer_of: vec![],
            member_of: vec![],
            must_change_password: false,
            unread_notices: 0,
        }
    }

    /// Every kind of actor against an order of farm-a in commune xa-1 bought by "buyer".
    #[test]
    fn who_acts_on_an_order() {
        let order = OrderParties {
            producer_id: "farm-a",
            commune_id: "xa-1",
            buyer_user_id: Some("buyer"),
        };
        let member = Actor {
            member_of: vec![Membership {
                producer_id: "farm-a".into(),
                role: MemberRole::Staff,
                producer_status: ProducerStatus::Active,
            }],
            ..actor("buyer")
        };
        let officer = Actor {
            officer_of: vec!["xa-1".into()],
            ..actor("officer")
        };
        let other_officer = Actor {
            officer_of: vec!["xa-2".into()],
            ..actor("officer-2")
        };
        let admin = Actor {
            admin: true,
            ..actor("admin")
        };
        let cases = [
            (actor("buyer"), Some(Party::Buyer)),
            (actor("stranger"), None),
            (member, Some(Party::Producer)),
            (officer, Some(Party::Officer)),
            (other_officer, None),
            (admin, Some(Party::Officer)),
        ];
        for (who, party) in cases {
            assert_eq!(party_in_order(&who, order), party, "{}", who.user_id);
        }
        let guest_order = OrderParties {
            buyer_user_id: None,
            ..order
        };
        assert_eq!(party_in_order(&actor("buyer"), guest_order), None);
    }

    /// Every role against every action, in and out of scope.
    #[test]
    fn the_authorization_matrix() {
        let buyer = actor("buyer");
        let member = |id: &str, role: MemberRole, producer_status: ProducerStatus| Actor {
            member_of: vec![Membership {
                producer_id: "farm-a".into(),
                role,
                producer_status,
            }],
            ..actor(id)
        };
        let owner = member("owner", MemberRole::Owner, ProducerStatus::Active);
        let staff = member("staff", MemberRole::Staff, ProducerStatus::Active);
        // Applying makes the applicant an owner at once; until an officer approves, and after
        // a refusal or a suspension, the membership gives no rights.
        let applicant = member("applicant", MemberRole::Owner, ProducerStatus::Pending);
        let refused = member("refused", MemberRole::Owner, ProducerStatus::Rejected);
        let suspended = member("suspended", MemberRole::Owner, ProducerStatus::Suspended);
        let officer = Actor {
            officer_of: vec!["commune-a".into()],
            ..actor("officer")
        };
        let admin = Actor {
            admin: true,
            ..actor("admin")
        };
        let roles: [(&str, Option<&Actor>); 9] = [
            ("visitor", None),
            ("buyer", Some(&buyer)),
            ("owner", Some(&owner)),
            ("staff", Some(&staff)),
            ("applicant", Some(&applicant)),
            ("refused", Some(&refused)),
            ("suspended", Some(&suspended)),
            ("officer", Some(&officer)),
            ("admin", Some(&admin)),
        ];
        use Action::*;
        // (action, roles allowed)
        let matrix: Vec<(Action, &[&str])> = vec![
            (
                EditListings {
                    producer_id: "farm-a",
                },
                &["owner", "staff"],
            ),
            (
                EditListings {
                    producer_id: "farm-b",
                },
                &[],
            ),
            (
                WriteFarmLog {
                    producer_id: "farm-a",
                },
                &["owner", "staff"],
            ),
            (
                WriteFarmLog {
                    producer_id: "farm-b",
                },
                &[],
            ),
            (
                FulfilOrders {
                    producer_id: "farm-a",
                },
                &["owner", "staff"],
            ),
            (
                FulfilOrders {
                    producer_id: "farm-b",
                },
                &[],
            ),
            (
                ManageStaff {
                    producer_id: "farm-a",
                },
                &["owner"],
            ),
            (
                ManageStaff {
                    producer_id: "farm-b",
                },
                &[],
            ),
            (
                ManageCarriers {
                    producer_id: "farm-a",
                },
                &["owner"],
            ),
            (
                ManageCarriers {
                    producer_id: "farm-b",
                },
                &[],
            ),
            (
                ViewOwnOrder {
                    buyer_user_id: Some("buyer"),
                },
                &["buyer", "admin"],
            ),
            (
                ViewOwnOrder {
                    buyer_user_id: Some("someone"),
                },
                &["admin"],
            ),
            (
                ViewOwnOrder {
                    buyer_user_id: None,
                },
                &["admin"],
            ),
            (
                ApplyForProducer,
                &[
                    "buyer",
                    "owner",
                    "staff",
                    "applicant",
                    "refused",
                    "suspended",
                    "officer",
                    "admin",
                ],
            ),
            (
                ActInCommune {
                    commune_id: "commune-a",
                },
                &["officer", "admin"],
            ),
            (
                ActInCommune {
                    commune_id: "commune-b",
                },
                &["admin"],
            ),
            (Administer, &["admin"]),
            (
                SeeUnpublishedLot {
                    producer_id: "farm-a",
                    commune_id: "commune-a",
                },
                &["owner", "staff", "officer", "admin"],
            ),
            (
                SeeUnpublishedLot {
                    producer_id: "farm-b",
                    commune_id: "commune-b",
                },
                &["admin"],
            ),
            (
                SeeLotSales {
                    producer_id: "farm-a",
                    commune_id: "commune-a",
                },
                &["owner", "staff", "officer", "admin"],
            ),
            (
                SeeLotSales {
                    producer_id: "farm-b",
                    commune_id: "commune-a",
                },
                &["officer", "admin"],
            ),
            (
                SeeLotSales {
                    producer_id: "farm-b",
                    commune_id: "commune-b",
                },
                &["admin"],
            ),
            (
                RecallLot {
                    producer_id: "farm-a",
                    commune_id: "commune-a",
                },
                &["owner", "staff", "officer", "admin"],
            ),
            // A lot of farm-a grown in another commune: its producer, not this officer.
            (
                RecallLot {
                    producer_id: "farm-a",
                    commune_id: "commune-b",
                },
                &["owner", "staff", "admin"],
            ),
            (
                RecallLot {
                    producer_id: "farm-b",
                    commune_id: "commune-b",
                },
                &["admin"],
            ),
        ];
        for (action, allowed) in matrix {
            for (role, who) in roles {
                let got = authorize(who, action);
                if allowed.contains(&role) {
                    assert_eq!(got, Ok(()), "{role} should be allowed {action:?}");
                } else if who.is_none() {
                    assert_eq!(got, Err(Denied::NotSignedIn), "{role} {action:?}");
                } else {
                    assert_eq!(
                        got,
                        Err(Denied::Forbidden),
                        "{role} should be refused {action:?}"
                    );
                }
            }
        }
    }
}
