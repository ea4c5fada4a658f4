//! `/tai-khoan/thong-bao`: which notices an account gets by email, SMS and Zalo. The inbox gets
//! every notice whatever is chosen (essential ones cannot be silenced there); the other channels
//! reach only verified contacts. Only the choices that differ from the defaults
//! (`NoticeKind::default_on`) are stored, so a better default later reaches everyone who kept it.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::{
    rules::{Channel, NoticeKind, Roles},
    texts::NotifyTexts,
};
use crate::{
    auth::pages::CsrfField,
    i18n::use_locale,
    pages::gate::{Gate, gate},
};

/// The page and its form handler.
pub const PAGE: &str = "/tai-khoan/thong-bao";

/// The kinds an account with `roles` chooses for: those that concern it (a buyer is not asked
/// about listings). One-time codes go to the address they were asked for, whatever the
/// settings, so they are not a choice.
pub fn chosen_kinds(roles: Roles) -> impl Iterator<Item = NoticeKind> {
    NoticeKind::ALL
        .iter()
        .copied()
        .filter(move |k| !k.carries_secret() && k.concerns(roles))
}

/// The roles behind an account's choices.
pub fn roles_of(actor: &crate::auth::actor::Actor) -> Roles {
    Roles {
        seller: !actor.member_of.is_empty(),
        officer: !actor.officer_of.is_empty(),
    }
}

/// The channels an account chooses among (the inbox is not a choice).
pub const CHOSEN_CHANNELS: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Zalo];

/// One contact of the account as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactView {
    pub address: Option<String>,
    pub verified: bool,
}

/// One kind of notice and, per channel, whether it is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferenceRow {
    pub kind: NoticeKind,
    pub channels: Vec<(Channel, bool)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferencesView {
    pub email: ContactView,
    pub phone: ContactView,
    pub rows: Vec<PreferenceRow>,
}

/// The checkbox of `kind` on `channel`.
pub fn field(kind: NoticeKind, channel: Channel) -> String {
    format!("{}.{}", kind.as_str(), channel.as_str())
}

/// What a submitted form switched on: every (kind, channel) whose checkbox came back. Unknown
/// fields (the CSRF token, anything forged) are ignored; a missing box is off.
pub fn chosen_from_form(fields: &[(String, String)]) -> Vec<(NoticeKind, Channel)> {
    let mut on: Vec<(NoticeKind, Channel)> = fields
        .iter()
        .filter_map(|(name, _)| {
            let (kind, channel) = name.split_once('.')?;
            let kind = NoticeKind::parse(kind).filter(|k| !k.carries_secret())?;
            let channel = Channel::parse(channel).filter(|c| CHOSEN_CHANNELS.contains(c))?;
            Some((kind, channel))
        })
        .collect();
    on.sort_unstable();
    on.dedup();
    on
}

/// The rows to store for a form's choices among the kinds it showed (`roles`): (kind, channel,
/// on) where it differs from the default.
pub fn differences(on: &[(NoticeKind, Channel)], roles: Roles) -> Vec<(NoticeKind, Channel, bool)> {
    chosen_kinds(roles)
        .flat_map(|kind| CHOSEN_CHANNELS.map(|channel| (kind, channel)))
        .filter_map(|(kind, channel)| {
            let chosen = on.contains(&(kind, channel));
            (chosen != kind.default_on(channel)).then_some((kind, channel, chosen))
        })
        .collect()
}

#[cfg(feature = "ssr")]
pub mod storage {
    use super::*;
    use crate::db::Db;

    /// An account's contacts and its choice for every kind and channel.
    #[tracing::instrument(skip_all)]
    pub async fn load(
        db: &Db,
        user_id: &str,
        roles: Roles,
    ) -> Result<PreferencesView, sqlx::Error> {
        let (phone, email, phone_verified, email_verified): (
            Option<String>,
            Option<String>,
            i64,
            i64,
        ) = sqlx::query_as(CONTACTS)
            .bind(user_id)
            .fetch_one(db.pool())
            .await?;
        let stored: Vec<(String, String, i64)> = sqlx::query_as(STORED)
            .bind(user_id)
            .fetch_all(db.pool())
            .await?;
        let rows = chosen_kinds(roles)
            .map(|kind| PreferenceRow {
                kind,
                channels: CHOSEN_CHANNELS
                    .iter()
                    .map(|&channel| {
                        let on = stored
                            .iter()
                            .find(|(k, c, _)| k == kind.as_str() && c == channel.as_str())
                            .map(|(_, _, on)| *on != 0)
                            .unwrap_or_else(|| kind.default_on(channel));
                        (channel, on)
                    })
                    .collect(),
            })
            .collect();
        Ok(PreferencesView {
            email: ContactView {
                verified: email.is_some() && email_verified != 0,
                address: email,
            },
            phone: ContactView {
                verified: phone.is_some() && phone_verified != 0,
                // As people read and dial it, not as stored.
                address: phone.map(crate::domain::phone::readable),
            },
            rows,
        })
    }

    /// Replaces the account's choices for the kinds its form showed (`roles`) with `on`
    /// (everything else there off), in one transaction. Kinds it did not show keep their
    /// choices, for the day the account takes that role.
    #[tracing::instrument(skip_all)]
    pub async fn save(
        db: &Db,
        user_id: &str,
        roles: Roles,
        on: &[(NoticeKind, Channel)],
    ) -> Result<(), sqlx::Error> {
        let mut tx = db.begin_write().await?;
        for kind in chosen_kinds(roles) {
            sqlx::query(CLEAR)
                .bind(user_id)
                .bind(kind.as_str())
                .execute(&mut *tx)
                .await?;
        }
        for (kind, channel, enabled) in differences(on, roles) {
            sqlx::query(INSERT)
                .bind(user_id)
                .bind(kind.as_str())
                .bind(channel.as_str())
                .bind(i64::from(enabled))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    crate::db::statements! {
        /// `load`.
        CONTACTS = "SELECT phone, email,
                CASE WHEN phone_verified_at IS NULL THEN 0 ELSE 1 END,
                CASE WHEN email_verified_at IS NULL THEN 0 ELSE 1 END
            FROM users WHERE id = $1";
        /// `load`.
        STORED = "SELECT kind, channel, enabled FROM notification_preferences WHERE user_id = $1";
        /// `save`.
        CLEAR = "DELETE FROM notification_preferences WHERE user_id = $1 AND kind = $2";
        /// `save`.
        INSERT = "INSERT INTO notification_preferences (user_id, kind, channel, enabled) VALUES ($1, $2, $3, $4)";
    }
}

#[server(prefix = "/fn")]
pub async fn get_preferences() -> Result<Gate<PreferencesView>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    gated(require_signed_in(PAGE), |actor, cx| async move {
        storage::load(&cx.db, &actor.user_id, roles_of(&actor))
            .await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("loading notification preferences", e))
    })
    .await
}

#[component]
pub fn PreferencesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_preferences());
    gate(data, |view| view! { <PreferencesForm view/> })
}

#[component]
fn PreferencesForm(view: PreferencesView) -> impl IntoView {
    let locale = use_locale();
    let t = NotifyTexts::of(locale);
    let saved = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("ok").as_deref() == Some("1"));
    let contact = |label: &'static str, c: &ContactView| {
        let state = match (&c.address, c.verified) {
            (None, _) => t.contact_missing.to_owned(),
            (Some(a), true) => format!("{a} — {}", t.contact_verified),
            (Some(a), false) => format!("{a} — {}", t.contact_unverified),
        };
        view! { <li><strong>{label}</strong> ": " {state}</li> }
    };
    view! {
        <Title text=t.preferences_title/>
        <main class="page narrow preferences">
            <h1>{t.preferences_title}</h1>
            {saved.then(|| view! { <p class="notice ok" role="status">{t.preferences_saved}</p> })}
            <p>{t.preferences_intro}</p>
            <ul>
                {contact(t.email, &view.email)}
                {contact(t.phone, &view.phone)}
            </ul>
            <form method="post" action=PAGE>
                <CsrfField/>
                <table class="preferences-table">
                    <thead>
                        <tr>
                            <th scope="col">{t.kind_heading}</th>
                            <th scope="col">{t.inbox}</th>
                            {CHOSEN_CHANNELS.map(|c| view! { <th scope="col">{(t.channel)(c)}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {view.rows.into_iter().map(|row| {
                            let kind = row.kind;
                            view! {
                                <tr>
                                    <th scope="row">{(t.kind)(kind)}</th>
                                    <td>{t.always}</td>
                                    {row.channels.into_iter().map(|(channel, on)| {
                                        let name = field(kind, channel);
                                        let label = format!("{} — {}", (t.kind)(kind), (t.channel)(channel));
                                        view! {
                                            <td><input type="checkbox" name=name value="1" checked=on aria-label=label/></td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <button type="submit" class="button">{t.save}</button>
            </form>
            <p><a href="/thong-bao">{t.title}</a></p>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_keeps_only_real_choices_and_stores_only_differences() {
        let form = vec![
            ("_csrf".to_owned(), "x".to_owned()),
            (
                field(NoticeKind::OrderShipped, Channel::Zalo),
                "1".to_owned(),
            ),
            (
                field(NoticeKind::OrderShipped, Channel::Zalo),
                "1".to_owned(),
            ),
            (
                field(NoticeKind::OrderShipped, Channel::Inbox),
                "1".to_owned(),
            ),
            ("order_shipped.fax".to_owned(), "1".to_owned()),
            ("nope.email".to_owned(), "1".to_owned()),
        ];
        let on = chosen_from_form(&form);
        assert_eq!(on, vec![(NoticeKind::OrderShipped, Channel::Zalo)]);
        let seller = Roles {
            seller: true,
            officer: false,
        };
        let stored = differences(&on, seller);
        // Zalo switched on for one kind; every default-on box left empty is stored off.
        assert!(stored.contains(&(NoticeKind::OrderShipped, Channel::Zalo, true)));
        assert!(stored.contains(&(NoticeKind::OrderShipped, Channel::Email, false)));
        assert!(stored.contains(&(NoticeKind::CertificateExpiring, Channel::Email, false)));
        assert!(
            !stored
                .iter()
                .any(|(k, c, _)| *k == NoticeKind::CertificateExpiring && *c == Channel::Sms)
        );
        // The defaults themselves store nothing.
        let defaults: Vec<_> = chosen_kinds(seller)
            .flat_map(|k| CHOSEN_CHANNELS.map(|c| (k, c)))
            .filter(|(k, c)| k.default_on(*c))
            .collect();
        assert!(differences(&defaults, seller).is_empty());
    }

    #[test]
    fn each_account_is_asked_only_about_what_concerns_it() {
        let kinds = |seller, officer| -> Vec<NoticeKind> {
            chosen_kinds(Roles { seller, officer }).collect()
        };
        let buyer = kinds(false, false);
        assert!(buyer.contains(&NoticeKind::OrderShipped));
        assert!(
            buyer.contains(&NoticeKind::ApplicationApproved),
            "anyone may apply"
        );
        for kind in [
            NoticeKind::ListingApproved,
            NoticeKind::OrderPlaced,
            NoticeKind::CertificateExpiring,
        ] {
            assert!(!buyer.contains(&kind), "{kind:?}");
        }
        let officer = kinds(false, true);
        assert!(officer.contains(&NoticeKind::CertificateExpired));
        assert!(!officer.contains(&NoticeKind::ListingRefused));
        let seller = kinds(true, false);
        assert!(seller.contains(&NoticeKind::OrderPlaced));
        assert!(seller.contains(&NoticeKind::CertificateExpiring));
        // A buyer's form leaves the seller's kinds alone: nothing stored for them.
        assert!(
            differences(&[], Roles::default())
                .iter()
                .all(|(k, _, _)| k.concerns(Roles::default()))
        );
        // Codes are never a choice.
        assert!(kinds(true, true).iter().all(|k| !k.carries_secret()));
    }
}
