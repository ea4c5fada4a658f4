//! One module per screen; each screen's server functions sit beside it.

pub mod gate;
pub mod not_found;
pub mod photo_upload;
pub mod refusal;

use leptos::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

use crate::{i18n::use_locale, pages::not_found::NotFound};

/// Shows a page whose data a resource loads: the page itself, the 404 page when the data does
/// not exist (`None`), or a message in the reader's language when loading failed.
pub fn loaded_page<T, V>(
    resource: Resource<Result<Option<T>, ServerFnError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    let t = use_locale().texts();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || {
                let render = render.clone();
                resource.get().map(|result| match result {
                    Ok(Some(data)) => render(data).into_any(),
                    Ok(None) => view! { <NotFound/> }.into_any(),
                    Err(_) => view! { <LoadFailed/> }.into_any(),
                })
            }}
        </Suspense>
    }
}

/// Said where a page's data could not be loaded (the database is down or failing), with a 503
/// status: monitors and caches must not take the page for a good one.
#[component]
pub fn LoadFailed() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
            if let Ok(wait) = http::HeaderValue::from_str("5") {
                resp.insert_header(http::header::RETRY_AFTER, wait);
            }
        }
    }
    let t = use_locale().texts();
    view! { <p class="error" role="alert">{t.load_failed}</p> }
}

/// GETs a same-origin JSON API path from an island (a plain fetch: a server function's client
/// would quadruple the wasm); `None` for a failed request or an unexpected body, which islands
/// treat as "nothing to show" since the forms work without them.
#[cfg(feature = "hydrate")]
pub async fn fetch_json<T: DeserializeOwned>(path: &str) -> Option<T> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let answer = JsFuture::from(web_sys::window()?.fetch_with_str(path))
        .await
        .ok()?;
    let response: web_sys::Response = answer.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let body = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    serde_json::from_str(&body).ok()
}

/// What every public page's server function needs, on the server.
#[cfg(feature = "ssr")]
pub struct PageContext {
    pub db: crate::db::Db,
    /// Today in Vietnam: decides which OCOP certificates are in force.
    pub today: chrono::NaiveDate,
    pub locale: crate::i18n::Locale,
}

#[cfg(feature = "ssr")]
impl PageContext {
    /// Fails at once, without waiting for the pool, while the database is known to be down.
    pub fn get() -> Result<Self, ServerFnError> {
        let db = use_context::<crate::db::Db>()
            .ok_or_else(|| ServerFnError::new("database not configured"))?;
        let locale = crate::i18n::request_locale();
        if db.known_unreachable() {
            return Err(ServerFnError::new(locale.texts().load_failed));
        }
        Ok(PageContext {
            db,
            today: crate::domain::time::vietnam_date(chrono::Utc::now()),
            locale,
        })
    }

    /// Logs what failed (with the cause) and tells the reader, in their language, only that it did.
    /// A database error is also recorded (a server that does not answer makes the next pages
    /// fail fast; a full disk shows in `/healthz`).
    pub fn failed(&self, what: &str, error: impl std::fmt::Display + 'static) -> ServerFnError {
        tracing::error!(%error, "{what} failed");
        if let Some(e) = (&error as &dyn std::any::Any).downcast_ref::<sqlx::Error>() {
            self.db.note_error(e);
        }
        ServerFnError::new(self.locale.texts().load_failed)
    }
}
