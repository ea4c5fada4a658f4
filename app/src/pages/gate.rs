//! Pages behind a role: the server function decides (with [`crate::auth::authorize`]), the page
//! shows the content, a 403 page, or sends a visitor to sign in.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{auth::texts::AccountTexts, i18n::use_locale};

/// A gated page's data, or why there is none.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Gate<T> {
    Allowed(T),
    /// Signed in without the needed role.
    Forbidden,
    /// Not signed in: the response is a redirect to the sign-in page.
    SignIn,
}

/// The signed-in actor and the page context, or the [`Gate`] to answer with (after setting a
/// redirect to the sign-in page that returns to `back`).
#[cfg(feature = "ssr")]
pub fn require_signed_in<T>(
    back: &str,
) -> Result<Result<(crate::auth::Actor, super::PageContext), Gate<T>>, ServerFnError> {
    let cx = super::PageContext::get()?;
    match crate::auth::current_actor() {
        Some(actor) => Ok(Ok((actor, cx))),
        None => {
            let next: String = form_urlencoded_path(back);
            leptos_axum::redirect(&format!("/dang-nhap?next={next}"));
            // `redirect` sets only the Location header while a page renders; the status too.
            if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                resp.set_status(http::StatusCode::FOUND);
            }
            Ok(Err(Gate::SignIn))
        }
    }
}

/// A gated page's data: `page` runs with the actor and the page context when `access` (one of
/// the `require…` below) lets the request through; otherwise the [`Gate`] it stopped at is the
/// answer. Pages write only what they show, not the stop.
#[cfg(feature = "ssr")]
pub async fn gated<T, Fut>(
    access: Result<Result<(crate::auth::Actor, super::PageContext), Gate<T>>, ServerFnError>,
    page: impl FnOnce(crate::auth::Actor, super::PageContext) -> Fut,
) -> Result<Gate<T>, ServerFnError>
where
    Fut: std::future::Future<Output = Result<Gate<T>, ServerFnError>>,
{
    match access? {
        Ok((actor, cx)) => page(actor, cx).await,
        Err(stop) => Ok(stop),
    }
}

/// Like [`require_signed_in`], then checks `action` against the policy.
#[cfg(feature = "ssr")]
pub fn require<T>(
    back: &str,
    action: impl FnOnce(&crate::auth::Actor) -> Result<(), crate::auth::Denied>,
) -> Result<Result<(crate::auth::Actor, super::PageContext), Gate<T>>, ServerFnError> {
    Ok(match require_signed_in(back)? {
        Ok((actor, cx)) => match action(&actor) {
            Ok(()) => Ok((actor, cx)),
            Err(_) => Err(Gate::Forbidden),
        },
        Err(gate) => Err(gate),
    })
}

/// Like [`require_signed_in`], for commune officers (of any commune) and administrators; each
/// page scopes its rows to the officer's communes.
#[cfg(feature = "ssr")]
pub fn require_officer<T>(
    back: &str,
) -> Result<Result<(crate::auth::Actor, super::PageContext), Gate<T>>, ServerFnError> {
    require(back, |a| {
        if a.is_officer() || a.admin {
            Ok(())
        } else {
            Err(crate::auth::Denied::Forbidden)
        }
    })
}

/// Like [`require_signed_in`], for pages of people who work for an approved producer (403
/// otherwise: an applicant sees the application's state on the account page).
#[cfg(feature = "ssr")]
pub fn require_producer_member<T>(
    back: &str,
) -> Result<Result<(crate::auth::Actor, super::PageContext), Gate<T>>, ServerFnError> {
    require(back, |a| {
        if !a.works_for_a_producer() {
            Err(crate::auth::Denied::Forbidden)
        } else {
            Ok(())
        }
    })
}

#[cfg(feature = "ssr")]
fn form_urlencoded_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Renders a gated page's resource.
pub fn gate<T, V>(
    resource: Resource<Result<Gate<T>, ServerFnError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    let locale = use_locale();
    let texts = locale.texts();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{texts.loading}</p> }>
            {move || {
                let render = render.clone();
                resource.get().map(|result| match result {
                    Ok(Gate::Allowed(data)) => render(data).into_any(),
                    Ok(Gate::Forbidden) => view! { <Forbidden/> }.into_any(),
                    Ok(Gate::SignIn) => {
                        let t = AccountTexts::of(locale);
                        view! { <main class="page narrow"><p><a href="/dang-nhap">{t.sign_in}</a></p></main> }.into_any()
                    }
                    Err(_) => view! { <crate::pages::LoadFailed/> }.into_any(),
                })
            }}
        </Suspense>
    }
}

/// 403: signed in, but without the role the page needs.
#[component]
pub fn Forbidden() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::FORBIDDEN);
        }
    }
    let t = AccountTexts::of(use_locale());
    view! {
        <Title text=t.forbidden_title/>
        <main class="page narrow">
            <h1>{t.forbidden_title}</h1>
            <p>{t.forbidden_body}</p>
            <p><a class="button" href="/tai-khoan">{t.account}</a></p>
        </main>
    }
}

/// A gated page about one record: [`gate`], with the not-found page when the record is absent.
pub fn gate_or_404<T, V>(
    resource: Resource<Result<Gate<Option<T>>, ServerFnError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    gate(resource, move |found| match found {
        Some(data) => render(data).into_any(),
        None => view! { <crate::pages::not_found::NotFound/> }.into_any(),
    })
}
