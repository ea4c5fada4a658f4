//! `/tai-khoan/thong-bao`: which notices an account gets by email, SMS and Zalo. The inbox gets
//! every notice whatever is chosen (essential ones cannot be silenced there); the other channels
//! reach only verified contacts. Only the choices that differ from the defaults
//! (`NoticeKind::default_on`) are stored, so a better default later reaches everyone who kept it.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::{
    rules::{Channel, NoticeKind},
    texts::NotifyTexts,
};
use crate::{
    auth::pages::CsrfField,
    i18n::use_locale,
    pages::gate::{Gate, gate},
};

/// The page and its form handler.
pub const PAGE: &str = "/tai-khoan/thong-bao";

/// The kinds an account chooses for: one-time codes go to the address they were asked for,
/// whatever the settings, so they are not a choice.
pub fn chosen_kinds() -> impl Iterator<Item = NoticeKind> {
    NoticeKind::ALL
        .iter()
        .copied()
        .filter(|k| !k.carries_secret())
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

/// The rows to store for a form's choices: (kind, channel, on) where it differs from the default.
pub fn differences(on: &[(NoticeKind, Channel)]) -> Vec<(NoticeKind, Channel, bool)> {
    chosen_kinds()
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
    pub async fn load(db: &Db, user_id: &str) -> Result<PreferencesView, sqlx::Error> {
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
        let rows = chosen_kinds()
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
                address: phone,
            },
            rows,
        })
    }

    /// Replaces the account's choices with `on` (everything else off), in one transaction.
    #[tracing::instrument(skip_all)]
    pub async fn save(
        db: &Db,
        user_id: &str,
        on: &[(NoticeKind, Channel)],
    ) -> Result<(), sqlx::Error> {
        let mut tx = db.begin_write().await?;
        sqlx::query(CLEAR).bind(user_id).execute(&mut *tx).await?;
        for (kind, channel, enabled) in differences(on) {
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
        CLEAR = "DELETE FROM notification_preferences WHERE user_id = $1";
        /// `save`.
        INSERT = "INSERT INTO notification_preferences (user_id, kind, channel, enabled) VALUES ($1, $2, $3, $4)";
    }
}

#[server(prefix = "/fn")]
pub async fn get_preferences() -> Result<Gate<PreferencesView>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    gated(require_signed_in(PAGE), |actor, cx| async move {
        storage::load(&cx.db, &actor.user_id)
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
        let stored = differences(&on);
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
        let defaults: Vec<_> = chosen_kinds()
            .flat_map(|k| CHOSEN_CHANNELS.map(|c| (k, c)))
            .filter(|(k, c)| k.default_on(*c))
            .collect();
        assert!(differences(&defaults).is_empty());
    }
}
