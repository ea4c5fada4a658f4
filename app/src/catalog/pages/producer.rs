//! A producer's page (`/nha-san-xuat/{slug}`): who they are, where, and their products.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::{
    catalog::model::ProducerPage as ProducerPageData,
    components::{ProductCardView, commune_name},
    i18n::{Locale, use_locale},
    pages::loaded_page,
    seo::Canonical,
};

/// An active producer's page; `None` for an unknown slug.
#[server(prefix = "/fn")]
pub async fn get_producer_page(slug: String) -> Result<Option<ProducerPageData>, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    crate::catalog::storage::producer_page(&cx.db, &slug, cx.today, cx.locale)
        .await
        .map_err(|e| cx.failed(&format!("loading a producer page ({slug})"), e))
}

#[component]
pub fn ProducerPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_producer_page,
    );
    loaded_page(page, move |data| view! { <ProducerView data locale/> })
}

#[component]
fn ProducerView(data: ProducerPageData, locale: Locale) -> impl IntoView {
    let t = locale.texts();
    let description: String = data.description.chars().take(160).collect();
    let commune = commune_name(&data.commune.kind, &data.commune.name, t);
    view! {
        <Title text=data.producer.name.clone()/>
        <Meta name="description" content=description/>
        <Canonical path=format!("/nha-san-xuat/{}", data.producer.slug)/>
        <header class="hero compact">
            <p class="eyebrow">{(t.producer_kind)(&data.producer.kind)}</p>
            <h1>{data.producer.name}</h1>
            <p><a href=format!("/xa/{}", data.commune.slug)>{commune}</a></p>
            <p class="story">{data.description}</p>
        </header>
        <main class="page">
            {data.seller.map(|s| view! { <SellerFacts seller=s/> })}
            <section aria-labelledby="products">
                <h2 id="products">{t.producer_products}</h2>
                {if data.products.is_empty() {
                    view! { <p class="empty">{t.no_products_yet}</p> }.into_any()
                } else {
                    view! {
                        <ul class="cards">
                            {data.products.into_iter().map(|p| view! { <ProductCardView product=p locale/> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </main>
    }
}

/// The seller's legal facts, as the law asks a marketplace to show them to buyers.
#[component]
fn SellerFacts(seller: crate::seller::identity::IdentityView) -> impl IntoView {
    let i = crate::seller::identity::IdentityTexts::of(use_locale());
    let s = seller.identity;
    let phone = s.phone_display();
    let tel = format!("tel:{}", s.phone);
    let checked = seller.checked_at.map(|at| {
        let day = at.get(..10).unwrap_or_default().to_owned();
        view! { <p class="muted">"✓ " {i.checked} " " {day}</p> }
    });
    view! {
        <section class="seller-facts" aria-labelledby="seller-facts">
            <h2 id="seller-facts">{i.seller_heading}</h2>
            <dl class="identity-facts">
                <dt>{i.legal_name}</dt><dd>{s.legal_name}</dd>
                <dt>{i.address}</dt><dd>{s.address}</dd>
                <dt>{i.phone}</dt><dd><a href=tel>{phone}</a></dd>
                {(!s.tax_code.is_empty()).then(|| view! { <dt>{i.tax_code}</dt><dd>{s.tax_code.clone()}</dd> })}
                {(!s.registration_no.is_empty()).then(|| view! { <dt>{i.registration}</dt><dd>{s.registration_no.clone()}</dd> })}
            </dl>
            {checked}
        </section>
    }
}
