//! `/tai-khoan/ma-truy-cap`: the account's farm tokens, a form to make one (shown once, right
//! after) and a button to revoke each.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::{PAGE, Scope, TokenRefusal, TokenView, texts::TokenTexts};
use crate::{
    auth::pages::CsrfField,
    i18n::use_locale,
    pages::gate::{Gate, gate},
    shop::pages::orders::local_time,
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensView {
    pub tokens: Vec<TokenView>,
    /// The producers the account may make tokens for: (id, name).
    pub producers: Vec<(String, String)>,
    /// The token the form just made, shown this once.
    pub fresh: Option<String>,
}

/// The token the form's answer left in the browser for this page, and the header that clears
/// it, so a reload or the back button does not show it again.
#[cfg(feature = "ssr")]
fn take_fresh_token() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let token = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == super::NEW_TOKEN_COOKIE)
        .map(|(_, v)| v.to_owned())
        .filter(|t| super::is_well_formed(t))?;
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        let clear = format!(
            "{}=; Path={PAGE}; Max-Age=0; HttpOnly; SameSite=Strict",
            super::NEW_TOKEN_COOKIE
        );
        if let Ok(value) = http::HeaderValue::from_str(&clear) {
            resp.append_header(http::header::SET_COOKIE, value);
        }
    }
    Some(token)
}

#[server(prefix = "/fn")]
pub async fn get_tokens() -> Result<Gate<TokensView>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    gated(require_signed_in(PAGE), |actor, cx| async move {
        let load = async {
            let tokens = super::storage::list(&cx.db, &actor.user_id).await?;
            let producers = super::storage::producers(&cx.db, &actor.user_id).await?;
            Ok::<_, sqlx::Error>((tokens, producers))
        };
        let (tokens, producers) = load
            .await
            .map_err(|e| cx.failed("loading farm tokens", e))?;
        Ok(Gate::Allowed(TokensView {
            tokens,
            producers,
            fresh: take_fresh_token(),
        }))
    })
    .await
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_tokens());
    gate(data, |view| view! { <Tokens view/> })
}

#[component]
fn Tokens(view: TokensView) -> impl IntoView {
    let t = TokenTexts::of(use_locale());
    let (ok, refused) = leptos_router::hooks::use_query_map().with_untracked(|q| {
        (
            q.get("ok"),
            q.get("loi").as_deref().and_then(TokenRefusal::from_code),
        )
    });
    let revoked = ok.as_deref() == Some("thu-hoi");
    let single = view.producers.len() == 1;
    let made = |v: &TokenView| local_time(&v.created_at);
    view! {
        <Title text=t.title/>
        <main class="page narrow farm-tokens">
            <h1>{t.title}</h1>
            <p>{t.intro}</p>
            {view.fresh.map(|token| view! {
                <section class="notice ok fresh-token" role="status">
                    <p>{t.created}</p>
                    <label for="fresh-token">{t.copy_now}</label>
                    <input id="fresh-token" type="text" readonly value=token class="token-value"/>
                </section>
            })}
            {revoked.then(|| view! { <p class="notice ok" role="status">{t.revoked}</p> })}
            {refused.map(|r| view! { <p class="notice error" role="alert">{(t.refusal)(r)}</p> })}
            {if view.tokens.is_empty() {
                view! { <p>{t.none}</p> }.into_any()
            } else {
                view! {
                    <ul class="token-list">
                        {view.tokens.iter().map(|v| {
                            let used = v.last_used_at.as_deref().map_or_else(|| t.never_used.to_owned(), local_time);
                            let action = format!("{PAGE}/{}/thu-hoi", v.id);
                            view! {
                                <li>
                                    <strong>{v.name.clone()}</strong>
                                    " — " {v.producer_name.clone()} " — " {(t.scope)(v.scope)}
                                    <br/>
                                    <small>{t.made} " " {made(v)} " · " {t.last_used} " " {used}</small>
                                    <form method="post" action=action class="inline">
                                        <CsrfField/>
                                        <button type="submit" class="button secondary">{t.revoke}</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {if view.producers.is_empty() {
                view! { <p>{t.not_a_member}</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=PAGE class="stack token-form">
                        <CsrfField/>
                        <label for="token-name">{t.name}</label>
                        <input id="token-name" name="name" required maxlength="60" placeholder=t.name_hint/>
                        {(!single).then(|| view! {
                            <label for="token-producer">{t.producer}</label>
                            <select id="token-producer" name="producer_id">
                                {view.producers.iter().map(|(id, name)| view! {
                                    <option value=id.clone()>{name.clone()}</option>
                                }).collect_view()}
                            </select>
                        })}
                        <fieldset>
                            <legend>{t.scope_label}</legend>
                            {Scope::ALL.iter().map(|&s| view! {
                                <label>
                                    <input type="radio" name="scope" value=s.as_str() checked=s == Scope::Read/>
                                    " " {(t.scope)(s)}
                                </label>
                            }).collect_view()}
                        </fieldset>
                        <button type="submit" class="button">{t.create}</button>
                    </form>
                }.into_any()
            }}
            <p><a href="/api/openapi.json">{t.api_doc}</a></p>
        </main>
    }
}
