//! The communes directory (`/xa`) and each commune's page (`/xa/{slug}`).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    catalog::model::{CommunePage as CommunePageData, CommuneSummary},
    components::{CommuneItem, ProductCardView},
    i18n::{Locale, use_locale},
    pages::loaded_page,
    seo::Canonical,
};

/// Communes whose current or former name matches `q` (with or without diacritics).
#[server(prefix = "/fn")]
pub async fn list_communes(q: String) -> Result<Vec<CommuneSummary>, ServerFnError> {
    // Longer than any commune name: nothing to find, and nothing to fold at length.
    let q: String = q.chars().take(100).collect();
    let cx = crate::pages::PageContext::get()?;
    crate::catalog::storage::list_communes(&cx.db, &q)
        .await
        .map_err(|e| cx.failed("listing communes", e))
}

/// A commune's page; `None` when no active commune has this slug.
#[server(prefix = "/fn")]
pub async fn get_commune_page(slug: String) -> Result<Option<CommunePageData>, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    crate::catalog::storage::commune_page(&cx.db, &slug, cx.today, cx.locale)
        .await
        .map_err(|e| cx.failed(&format!("loading a commune page ({slug})"), e))
}

#[component]
pub fn CommunesDirectory() -> impl IntoView {
    let locale = use_locale();
    let t = locale.texts();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let communes = Resource::new(q, list_communes);
    view! {
        <Title text=t.communes_title/>
        <Meta name="description" content=t.communes_description/>
        <Canonical path="/xa"/>
        <main class="page">
            <h1>{t.communes_title}</h1>
            // A plain GET form: filtering works without JavaScript.
            <form method="get" action="/xa" class="filter" role="search">
                <label for="commune-q">{t.commune_filter_label}</label>
                <input id="commune-q" type="search" name="q" value=q maxlength="100"
                       placeholder=t.commune_filter_placeholder autocomplete="off"/>
                <button type="submit" class="button">{t.filter_button}</button>
            </form>
            <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
                {move || communes.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p class="empty">{t.no_commune_matches}</p> }.into_any(),
                    Ok(list) => view! {
                        <p class="count">{(t.commune_count)(list.len())}</p>
                        <ul class="communes">
                            {list.into_iter().map(|c| view! { <CommuneItem commune=c locale/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(_) => view! { <crate::pages::LoadFailed/> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn CommunePage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_commune_page,
    );
    loaded_page(page, move |data| view! { <CommuneView data locale/> })
}

#[component]
fn CommuneView(data: CommunePageData, locale: Locale) -> impl IntoView {
    let t = locale.texts();
    let title = data.commune.full_name(t);
    let description = if data.story.is_empty() {
        t.communes_description.to_owned()
    } else {
        crate::domain::rich_text::plain(&data.story)
    };
    let former = (!data.commune.former_names.is_empty()).then(|| {
        format!(
            "{}: {}",
            t.former_names,
            data.commune.former_names.join(", ")
        )
    });
    let has_products = data.signature.is_some() || !data.products.is_empty();
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description/>
        <Canonical path=format!("/xa/{}", data.commune.slug)/>
        <header class="hero compact">
            <p class="eyebrow"><a href="/xa">{t.communes_title}</a></p>
            <h1>{title}</h1>
            {former.map(|f| view! { <p class="former">{f}</p> })}
            {data.cover.clone().map(|ph| view! {
                <img class="cover" src=ph.src srcset=ph.srcset sizes="(max-width: 900px) 100vw, 900px"
                     width=ph.width height=ph.height alt=ph.alt fetchpriority="high"/>
            })}
            {(!data.story.is_empty()).then(|| view! { <div class="story"><crate::components::RichText text=data.story.clone()/></div> })}
        </header>
        <main class="page">
            {data.signature.map(|p| view! {
                <section aria-labelledby="signature">
                    <h2 id="signature">{t.signature_product}</h2>
                    <ul class="cards featured"><ProductCardView product=p locale/></ul>
                </section>
            })}
            {(!data.products.is_empty()).then(|| view! {
                <section aria-labelledby="products">
                    <h2 id="products">{t.other_products}</h2>
                    <ul class="cards">
                        {data.products.into_iter().map(|p| view! { <ProductCardView product=p locale/> }).collect_view()}
                    </ul>
                </section>
            })}
            {(!has_products).then(|| view! { <p class="empty">{t.no_products_yet}</p> })}
            {(!data.producers.is_empty()).then(|| view! {
                <section aria-labelledby="producers">
                    <h2 id="producers">{t.producers_heading}</h2>
                    <ul class="producers">
                        {data.producers.into_iter().map(|p| view! {
                            <li>
                                <strong>{p.name}</strong>
                                <span class="kind">{(t.producer_kind)(&p.kind)}</span>
                                <span class="count">{(t.product_count)(p.product_count)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </main>
    }
}
