//! The home page: the province, its communes' signature products, and the communes to explore.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::{
    catalog::model::{CommuneSummary, ProvinceOverview},
    components::{CommuneItem, ProductCardView},
    i18n::{Locale, use_locale},
    seo::Canonical,
};

/// The province as the home page shows it, in the reader's language; `None` before any data is
/// loaded.
#[server(prefix = "/fn")]
pub async fn get_province_overview() -> Result<Option<ProvinceOverview>, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    crate::catalog::storage::province_overview(&cx.db, cx.today, cx.locale)
        .await
        .map_err(|e| cx.failed("loading the province overview", e))
}

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let t = locale.texts();
    let overview = Resource::new(|| (), |_| get_province_overview());
    view! {
        <Title text=""/>
        <Meta name="description" content=t.home_description/>
        <Canonical path="/"/>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || overview.get().map(|result| match result {
                Ok(Some(province)) => view! { <Province province locale/> }.into_any(),
                Ok(None) => view! { <EmptyProvince/> }.into_any(),
                Err(_) => view! { <crate::pages::LoadFailed/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Province(province: ProvinceOverview, locale: Locale) -> impl IntoView {
    let t = locale.texts();
    let stats = (t.stats)(
        province.communes.len(),
        province.producer_count,
        province.product_count,
    );
    let communes_with_products: Vec<CommuneSummary> = province
        .communes
        .into_iter()
        .filter(|c| c.product_count > 0)
        .collect();
    view! {
        <header class="hero">
            <p class="eyebrow">{t.eyebrow}</p>
            <h1>{t.specialties_of} " " {province.name}</h1>
            <p class="tagline">{province.tagline}</p>
            <p class="story">{province.story}</p>
            <p class="stats">{stats}</p>
        </header>
        <main class="page">
            <section aria-labelledby="signature">
                <h2 id="signature">{t.signature_heading}</h2>
                <ul class="cards">
                    {province.signature_products.into_iter().map(|p| view! { <ProductCardView product=p locale/> }).collect_view()}
                </ul>
            </section>
            <section aria-labelledby="communes">
                <h2 id="communes">{t.communes_heading}</h2>
                <ul class="communes">
                    {communes_with_products.into_iter().map(|c| view! { <CommuneItem commune=c locale/> }).collect_view()}
                </ul>
                <p><a class="button" href="/xa">{t.all_communes}</a></p>
            </section>
        </main>
    }
}

#[component]
fn EmptyProvince() -> impl IntoView {
    let t = use_locale().texts();
    view! {
        <main class="page narrow">
            <h1>{t.empty_title}</h1>
            <p>{t.empty_body} " " <code>"ocop seed"</code>"."</p>
        </main>
    }
}
