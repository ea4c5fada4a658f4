//! `/tai-khoan/du-lieu`: a person's own data: download it, change optional consents, delete the
//! account. Plain forms; the handlers are in `server::privacy`.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::{
    rules::{PrivacyRefusal, Purpose},
    texts::PrivacyTexts,
};
use crate::{
    auth::pages::CsrfField,
    i18n::use_locale,
    legal::{documents::DocKind, texts::LegalTexts},
    pages::{
        gate::{Gate, gate},
        refusal::Refusal,
    },
    shop::pages::orders::local_time,
};

pub const PAGE: &str = "/tai-khoan/du-lieu";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataView {
    /// Per purpose: the decision in force and when (None: never asked).
    pub decisions: Vec<(Purpose, Option<(bool, String)>)>,
}

#[server(prefix = "/fn")]
pub async fn get_data_page() -> Result<Gate<DataView>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    gated(require_signed_in(PAGE), |actor, cx| async move {
        let rows = super::storage::consents(&cx.db, &actor.user_id)
            .await
            .map_err(|e| cx.failed("loading consents", e))?;
        let decisions = Purpose::ALL
            .into_iter()
            .map(|p| {
                let latest = rows.iter().find(|r| r.purpose == p);
                (p, latest.map(|r| (r.granted, r.at.clone())))
            })
            .collect();
        Ok(Gate::Allowed(DataView { decisions }))
    })
    .await
}

#[component]
pub fn DataPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_data_page());
    gate(data, |view| view! { <Data view/> })
}

#[component]
fn Data(view: DataView) -> impl IntoView {
    let locale = use_locale();
    let t = PrivacyTexts::of(locale);
    let legal = LegalTexts::of(locale);
    let (saved, refused) = leptos_router::hooks::use_query_map().with_untracked(|q| {
        (
            q.get("ok").is_some(),
            PrivacyRefusal::from_query(q.latest_values().map(|(k, v)| (k.as_ref(), v))),
        )
    });
    let choices = view
        .decisions
        .into_iter()
        .map(|(purpose, decision)| {
            let (name, use_) = legal.purpose(purpose);
            let state = match &decision {
                Some((true, at)) => format!("{} {} {}", t.granted, t.since, local_time(at)),
                Some((false, at)) => format!("{} {} {}", t.refused, t.since, local_time(at)),
                None if purpose.optional() => t.never.to_owned(),
                None => legal.contract.to_owned(),
            };
            let granted = decision.is_some_and(|(g, _)| g);
            let form = purpose.optional().then(|| {
                view! {
                    <form method="post" action=format!("{PAGE}/dong-y") class="inline">
                        <CsrfField/>
                        <input type="hidden" name="purpose" value=purpose.as_str()/>
                        <input type="hidden" name="granted" value=if granted { "0" } else { "1" }/>
                        <button type="submit" class=if granted { "button secondary" } else { "button" }>
                            {if granted { t.withdraw } else { t.grant }}
                        </button>
                    </form>
                }
            });
            view! {
                <li class="consent">
                    <strong>{name}</strong> " — " {use_}
                    <br/>
                    <small>{state}</small>
                    {form}
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=t.title/>
        <main class="page narrow my-data">
            <h1>{t.title}</h1>
            <p>{t.intro} " " <a href=DocKind::Privacy.path()>{t.policy_link}</a></p>
            {saved.then(|| view! { <p class="notice ok" role="status">{t.saved}</p> })}
            {refused.map(|r| view! { <p class="notice error" role="alert">{t.refusal(r)}</p> })}
            <section id="tai-ve">
                <h2>{t.download_title}</h2>
                <p>{t.download_help}</p>
                <p><a class="button" href=format!("{PAGE}.json") download="du-lieu-cua-toi.json">{t.download}</a></p>
            </section>
            <section id="dong-y">
                <h2>{t.choices_title}</h2>
                <ul class="consents">{choices}</ul>
                <p class="muted">{t.required_note}</p>
            </section>
            <section id="xoa">
                <h2>{t.delete_title}</h2>
                <p>{t.delete_help}</p>
                <p>{t.delete_kept}</p>
                <form method="post" action=format!("{PAGE}/xoa") class="stack">
                    <CsrfField/>
                    <label for="delete-password">{t.password}</label>
                    <input id="delete-password" type="password" name="password" required autocomplete="current-password"/>
                    <label><input type="checkbox" name="confirm" value="1" required/> " " {t.confirm}</label>
                    <button type="submit" class="button danger">{t.delete}</button>
                </form>
            </section>
        </main>
    }
}

/// On the sign-up form: what the account rests on (told, with the policy's version) and the one
/// optional purpose, unticked.
#[component]
pub fn SignUpChoices() -> impl IntoView {
    let locale = use_locale();
    let t = PrivacyTexts::of(locale);
    let legal = LegalTexts::of(locale);
    view! {
        <label class="consent-choice">
            <input type="checkbox" name="marketing" value="1"/>
            " " {t.marketing_signup}
        </label>
        <p class="hint">
            {t.signup_notice} " "
            <a href=DocKind::Privacy.path()>{legal.privacy}</a>
            {format!(" ({} {})", legal.version, super::rules::POLICY_VERSION)} ". "
            <a href=DocKind::Rules.path()>{legal.rules}</a>
        </p>
    }
}

/// Beside the order button: what the contact and address are used for, with the version.
#[component]
pub fn OrderNotice() -> impl IntoView {
    let locale = use_locale();
    let t = PrivacyTexts::of(locale);
    let legal = LegalTexts::of(locale);
    view! {
        <p class="hint order-privacy">
            {t.order_notice} " "
            <a href=DocKind::Privacy.path()>{legal.privacy}</a>
            {format!(" ({} {}). ", legal.version, super::rules::POLICY_VERSION)}
            <a href=DocKind::Terms.path()>{legal.terms}</a>
        </p>
    }
}
