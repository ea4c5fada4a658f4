use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_locale;

/// Shown for any path the site does not know, with a real 404 status.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let t = use_locale().texts();
    view! {
        <Title text=t.not_found_title/>
        <main class="page narrow">
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_body}</p>
            <p><a class="button" href="/">{t.back_home}</a></p>
        </main>
    }
}
