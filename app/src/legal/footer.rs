//! The footer on every page: the documents' links (always, even when the database is down) and
//! who operates the site, with the Ministry's badge when the registration is on record.

use leptos::prelude::*;

use super::{documents::DocKind, operator::Operator, texts::LegalTexts};
use crate::i18n::use_locale;

#[server(prefix = "/fn")]
pub async fn get_operator() -> Result<Operator, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    let read = match use_context::<super::storage::OperatorCache>() {
        Some(cache) => cache.get(&cx.db).await,
        None => super::storage::operator(&cx.db).await,
    };
    read.map_err(|e| cx.failed("loading the operator's details", e))
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let t = LegalTexts::of(use_locale());
    // Blocking: the page is sent once the operator is known, so the footer is plain HTML on
    // every page, also those that stream (the sign-in forms) and without JavaScript.
    let operator = Resource::new_blocking(|| (), |_| get_operator());
    view! {
        <footer class="site-footer">
            <nav aria-label=t.footer_label class="footer-links">
                <a href=DocKind::Rules.path()>{t.rules}</a>
                <a href=DocKind::Privacy.path()>{t.privacy}</a>
                <a href=DocKind::Terms.path()>{t.terms}</a>
                <a href="/khieu-nai">{t.complaints}</a>
                <a href="/tai-khoan/du-lieu">{t.my_data}</a>
            </nav>
            <Suspense fallback=|| ()>
                {move || operator.get().map(|o| match o {
                    Ok(o) => view! { <OperatorBlock operator=o/> }.into_any(),
                    // The links above still serve; the details come back with the database.
                    Err(_) => ().into_any(),
                })}
            </Suspense>
        </footer>
    }
}

#[component]
fn OperatorBlock(operator: Operator) -> impl IntoView {
    let t = LegalTexts::of(use_locale());
    if !operator.is_set() {
        return view! { <p class="operator muted">{t.not_set}</p> }.into_any();
    }
    let line = |label: &'static str, value: String| {
        (!value.is_empty()).then(|| view! { <p>{label} ": " {value}</p> })
    };
    let badge = operator.badge().map(|(url, number)| {
        let url = url.to_owned();
        let number = number.to_owned();
        view! {
            <a class="moit-badge" href=url rel="noopener" target="_blank">
                <span class="moit-mark" aria-hidden="true">"✓"</span>
                <span>{t.badge}<small>{number}</small></span>
            </a>
        }
    });
    let ecommerce = (!operator.ecommerce_registration.is_empty() && badge.is_none())
        .then(|| operator.ecommerce_registration.clone());
    view! {
        <section class="operator" aria-label=t.operated_by>
            <div>
                <p><strong>{operator.name}</strong></p>
                <p>{operator.address}</p>
                {line(t.phone, operator.phone)}
                {line(t.email, operator.email)}
                {line(t.registration, operator.business_registration)}
                {line(t.representative, operator.representative)}
                {ecommerce.map(|n| line(t.ecommerce, n))}
            </div>
            {badge}
        </section>
    }
    .into_any()
}
