//! What every page shares: the header with the site name and the language switch.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::{
    auth::pages::{AccountLink, CsrfField},
    i18n::use_locale,
};

/// The site header. The language switch is a plain form (it works without JavaScript): the
/// server sets the `lang` cookie and sends the reader back to the page they were on.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let locale = use_locale();
    let t = locale.texts();
    let other = locale.other();
    let search = crate::search::texts::SearchTexts::of(locale);
    let location = use_location();
    // The router gives the query without its `?` (a search page must come back with its query).
    let here = move || {
        let search = location.search.get();
        let query = search.trim_start_matches('?');
        let path = location.pathname.get();
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">{t.site_name}</a>
            <form method="get" action="/tim-kiem" role="search" class="header-search">
                <label for="header-q" class="visually-hidden">{search.label}</label>
                <input id="header-q" type="search" name="q" maxlength="200" placeholder=search.placeholder/>
                <button type="submit">{search.submit}</button>
            </form>
            <a class="cart-link" href="/gio-hang">{crate::shop::texts::ShopTexts::of(locale).cart}</a>
            <AccountLink/>
            <form method="post" action="/lang" class="lang-switch">
                <CsrfField/>
                <input type="hidden" name="lang" value=other.code()/>
                <input type="hidden" name="next" value=here/>
                <button type="submit" lang=other.code() aria-label=format!("{}: {}", t.switch_label, other.texts().lang_name)>
                    {other.texts().lang_name}
                </button>
            </form>
        </header>
    }
}
