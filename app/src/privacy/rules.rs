//! Personal data (Personal Data Protection Law 91/2025/QH15, Decree 356/2025): the purposes we
//! process data for and on what basis, how long each kind of row is kept, and when an account
//! may be deleted. Pure rules; the storage and the page are beside this file.

use serde::{Deserialize, Serialize};

/// The privacy policy version people are shown when they decide; stored with each decision.
pub const POLICY_VERSION: &str = crate::legal::documents::PRIVACY_VERSION;

/// Why we process someone's data. Each decision about one is recorded with the policy version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Running the account: sign-in, the inbox, the farm diary of a producer's members.
    Account,
    /// Delivering an order: name, phone and address go to the producer and the carrier.
    Order,
    /// News and offers by email or SMS. Only with consent, never assumed.
    Marketing,
}

/// What the processing for a purpose rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The contract the person entered (an account, an order): needed to give them what they
    /// asked for, so it is told rather than asked (law 91, art. 19).
    Contract,
    /// Their consent: asked with an unticked box, and withdrawn as easily.
    Consent,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [Purpose::Account, Purpose::Order, Purpose::Marketing];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Account => "account",
            Purpose::Order => "order",
            Purpose::Marketing => "marketing",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn basis(self) -> Basis {
        match self {
            Purpose::Account | Purpose::Order => Basis::Contract,
            Purpose::Marketing => Basis::Consent,
        }
    }

    /// Whether the person may say no (or take it back) and still use the site.
    pub fn optional(self) -> bool {
        self.basis() == Basis::Consent
    }
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Contract => "contract",
            Basis::Consent => "consent",
        }
    }
}

/// One decision about one purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub purpose: Purpose,
    pub granted: bool,
}

impl Decision {
    /// A purpose resting on the contract: recorded as told, with the version shown.
    pub fn told(purpose: Purpose) -> Decision {
        Decision {
            purpose,
            granted: true,
        }
    }
}

/// A change someone asks for on their data page. Only optional purposes can be changed; the
/// others end with the account (deletion).
pub fn change(purpose: Purpose, granted: bool) -> Result<Decision, PrivacyRefusal> {
    if !purpose.optional() {
        return Err(PrivacyRefusal::NotOptional);
    }
    Ok(Decision { purpose, granted })
}

/// The rows we keep about people for a while and then delete, and for how long. The privacy
/// policy prints this list; the settling task enforces it (`privacy::storage::enforce`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    /// A guest's cart (no account) after it was last touched.
    GuestCart,
    /// A sign-in session after it expired.
    Session,
    /// Throttle counts (by address and login) after their window ends.
    Throttle,
    /// One-time codes (phone and email checks, password resets) after they expire.
    Code,
    /// Audit rows (who did what, from which address) after they were written.
    Audit,
}

impl Kept {
    pub const ALL: [Kept; 5] = [
        Kept::GuestCart,
        Kept::Session,
        Kept::Throttle,
        Kept::Code,
        Kept::Audit,
    ];

    /// Days a row is kept past its starting point.
    pub fn days(self) -> i64 {
        match self {
            Kept::GuestCart => GUEST_CART_DAYS,
            Kept::Session | Kept::Throttle => 0,
            Kept::Code => 30,
            // Three years: what e-commerce order records are kept for; audit rows explain them.
            Kept::Audit => 3 * 365,
        }
    }
}

/// A guest's untouched cart lasts a season (a buyer comes back for the next harvest).
pub const GUEST_CART_DAYS: i64 = 90;

/// What an account holds that stops its deletion now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holds {
    /// Orders placed and not yet delivered, cancelled or refunded: their delivery needs the
    /// name, phone and address.
    pub open_orders: usize,
    /// Producers the person is the only owner of: someone must be left to answer buyers.
    pub sole_owner_of: Vec<String>,
}

/// Whether the account may be deleted now.
pub fn may_delete(holds: &Holds) -> Result<(), PrivacyRefusal> {
    if holds.open_orders > 0 {
        return Err(PrivacyRefusal::OpenOrders);
    }
    if !holds.sole_owner_of.is_empty() {
        return Err(PrivacyRefusal::SoleOwner);
    }
    Ok(())
}

/// What stands in for a deleted person's name on what is kept (orders, diary entries, reviews).
pub const ANONYMOUS_NAME: &str = "Người dùng đã xoá tài khoản";

/// Why a data request was refused; its code travels in the page's query (`loi=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "loi", rename_all = "snake_case")]
pub enum PrivacyRefusal {
    /// Account and order purposes rest on the contract: they end with the account.
    NotOptional,
    OpenOrders,
    SoleOwner,
    /// The password given to confirm the deletion was wrong.
    Password,
    /// The confirmation word was not typed.
    Confirm,
    #[serde(other)]
    Unknown,
}

impl crate::pages::refusal::Refusal for PrivacyRefusal {
    fn unknown() -> Option<Self> {
        Some(PrivacyRefusal::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_consent_purposes_change() {
        for purpose in Purpose::ALL {
            for granted in [true, false] {
                let changed = change(purpose, granted);
                match purpose.basis() {
                    Basis::Consent => assert_eq!(changed, Ok(Decision { purpose, granted })),
                    Basis::Contract => assert_eq!(changed, Err(PrivacyRefusal::NotOptional)),
                }
            }
            assert_eq!(Purpose::parse(purpose.as_str()), Some(purpose));
        }
        assert_eq!(Purpose::parse("ads"), None);
    }

    #[test]
    fn deletion_waits_for_open_orders_and_a_successor() {
        assert_eq!(may_delete(&Holds::default()), Ok(()));
        let open = Holds {
            open_orders: 1,
            ..Holds::default()
        };
        assert_eq!(may_delete(&open), Err(PrivacyRefusal::OpenOrders));
        let owner = Holds {
            sole_owner_of: vec!["HTX".into()],
            ..Holds::default()
        };
        assert_eq!(may_delete(&owner), Err(PrivacyRefusal::SoleOwner));
    }

    #[test]
    fn every_kept_row_has_a_period() {
        assert!(Kept::ALL.iter().all(|k| k.days() >= 0));
        assert!(Kept::Audit.days() >= 365);
    }
}
