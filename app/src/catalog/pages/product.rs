//! A product's page (`/san-pham/{slug}`): photos, variants and prices, the producer, the OCOP
//! certificate in force, the lots on sale, and more from the same commune.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    catalog::model::{ProductPage as ProductPageData, VariantView},
    components::{ProductCardView, Stars, commune_name, weight_label},
    diary::recall::page::ProductRecallBanner,
    i18n::{Locale, Texts, use_locale},
    pages::loaded_page,
    reviews::{
        texts::ReviewTexts,
        view::{ProductReviews, ProductReviewsSection, decimal_mark},
    },
    seo::{Canonical, absolute_url},
    shop::pages::cart::AddToCart,
};

/// The page's data and its schema.org JSON-LD; `None` when no public product has this slug.
#[server(prefix = "/fn")]
pub async fn get_product_page(
    slug: String,
    all_reviews: bool,
) -> Result<Option<(ProductPageData, ProductReviews, String)>, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    let fail = |e| cx.failed(&format!("loading a product page ({slug})"), e);
    // The server shares one; without it (a bare render) nothing is kept between pages.
    let related = use_context::<crate::catalog::storage::RelatedCache>().unwrap_or_default();
    let page =
        crate::catalog::storage::product_page_rated(&cx.db, &related, &slug, cx.today, cx.locale)
            .await
            .map_err(fail)?;
    let Some((p, rating)) = page else {
        return Ok(None);
    };
    let reviews = crate::reviews::view::product_reviews(&cx.db, &p.slug, rating, all_reviews)
        .await
        .map_err(fail)?;
    let origin =
        use_context::<crate::seo::PublicUrl>().map_or_else(String::new, |o| o.0.to_string());
    let json_ld = crate::catalog::structured_data::product_json_ld(&p, &reviews, &origin);
    Ok(Some((p, reviews, json_ld)))
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let page = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                query.read().get("danh-gia").as_deref() == Some("tat-ca"),
            )
        },
        |(slug, all)| get_product_page(slug, all),
    );
    loaded_page(
        page,
        move |(data, reviews, json_ld)| view! { <ProductView data reviews json_ld locale/> },
    )
}

#[component]
fn ProductView(
    data: ProductPageData,
    reviews: ProductReviews,
    json_ld: String,
    locale: Locale,
) -> impl IntoView {
    let t = locale.texts();
    let description: String = data.description.chars().take(160).collect();
    let og_image = data
        .photos
        .first()
        .map(|p| absolute_url(&p.src).unwrap_or_else(|| p.src.clone()));
    let canonical = format!("/san-pham/{}", data.slug);
    let canonical_back = canonical.clone();
    let commune_href = format!("/xa/{}", data.commune.slug);
    let producer_href = format!("/nha-san-xuat/{}", data.producer.slug);
    let recalls = data.recalls.clone();
    let producer_name = data.producer.name.clone();
    view! {
        <Title text=data.name.clone()/>
        <Meta name="description" content=description.clone()/>
        <Canonical path=canonical/>
        <Meta property="og:type" content="product"/>
        <Meta property="og:title" content=data.name.clone()/>
        <Meta property="og:description" content=description/>
        {og_image.map(|src| view! { <Meta property="og:image" content=src/> })}
        <script type="application/ld+json" inner_html=json_ld></script>
        <main class="page product">
            <nav class="crumbs" aria-label=t.breadcrumb>
                <a href="/xa">{t.communes_title}</a> " › "
                <a href=commune_href.clone()>{commune_name(&data.commune.kind, &data.commune.name, t)}</a>
            </nav>
            <ProductRecallBanner recalls producer=producer_name locale/>
            <div class="product-top">
                <ul class="gallery" aria-label=t.photos>
                    {data.photos.into_iter().enumerate().map(|(i, ph)| view! {
                        <li>
                            <img src=ph.src srcset=ph.srcset sizes="(max-width: 48rem) 100vw, 36rem"
                                 width=ph.width height=ph.height alt=ph.alt
                                 loading=if i == 0 { "eager" } else { "lazy" } decoding="async"/>
                        </li>
                    }).collect_view()}
                </ul>
                <div class="product-facts">
                    <h1>{data.name}</h1>
                    {data.certificate.clone().map(|c| view! { <Stars stars=c.stars locale/> })}
                    {reviews.rating.average_label(decimal_mark(locale)).map(|avg| view! {
                        <p class="rating-summary"><a href="#danh-gia"><strong>{format!("{avg} ★")}</strong> " · " {(ReviewTexts::of(locale).count)(reviews.rating.count)}</a></p>
                    })}
                    <p class="by">
                        <a href=producer_href>{data.producer.name.clone()}</a>
                        " · " {(t.producer_kind)(&data.producer.kind)}
                        " · " <a href=commune_href>{commune_name(&data.commune.kind, &data.commune.name, t)}</a>
                    </p>
                    {data.gi_name.map(|gi| view! { <p class="badge gi">{t.geographical_indication} ": " {gi}</p> })}
                    <Variants variants=data.variants back=canonical_back locale/>
                </div>
            </div>
            <section aria-labelledby="about">
                <h2 id="about">{t.about_product}</h2>
                <p>{data.description}</p>
                <p class="meta">{t.product_group} ": " {data.group}</p>
            </section>
            <section aria-labelledby="ocop">
                <h2 id="ocop">{t.ocop_certificate}</h2>
                {match data.certificate {
                    Some(c) => view! {
                        <p>
                            <Stars stars=c.stars locale/> " "
                            {(t.certificate_line)(&c.level, &c.decision_no, &(t.date)(c.issued_on), &(t.date)(c.expires_on))}
                        </p>
                    }.into_any(),
                    None => view! { <p class="meta">{t.no_certificate}</p> }.into_any(),
                }}
            </section>
            <ProductReviewsSection data=reviews slug=data.slug.clone() locale/>
            {(!data.lots.is_empty()).then(|| view! {
                <section aria-labelledby="lots">
                    <h2 id="lots">{t.lots_on_sale}</h2>
                    <ul class="lots">
                        {data.lots.into_iter().map(|lot| view! {
                            <li>
                                <a href=lot.path><strong>{t.lot} " " {lot.lot_code}</strong></a>
                                {lot.harvested_on.map(|d| view! { <span>{t.harvested} " " {(t.date)(d)}</span> })}
                                {lot.grade.map(|g| view! { <span>{g}</span> })}
                                {lot.verified.then(|| view! { <span class="verified">"✓ " {t.verified_by_officer}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!data.related.is_empty()).then(|| view! {
                <section aria-labelledby="related">
                    <h2 id="related">{t.more_from_commune}</h2>
                    <ul class="cards">
                        {data.related.into_iter().map(|p| view! { <ProductCardView product=p locale/> }).collect_view()}
                    </ul>
                </section>
            })}
        </main>
    }
}

#[component]
fn Variants(variants: Vec<VariantView>, back: String, locale: Locale) -> impl IntoView {
    let t = locale.texts();
    let shop = crate::shop::texts::ShopTexts::of(locale);
    view! {
        <table class="variants">
            <caption>{t.variants_heading}</caption>
            <thead><tr><th scope="col">{t.variant}</th><th scope="col">{t.price}</th><th scope="col">{t.availability}</th><th scope="col">{shop.cart}</th></tr></thead>
            <tbody>
                {variants.into_iter().map(|v| {
                    // "Túi 1 kg" already says its weight; "Hộp quà" does not.
                    let weight = v.net_weight_g.map(weight_label).filter(|w| !v.label.contains(w.as_str()));
                    view! {
                        <tr>
                            <th scope="row">{v.label} {weight.map(|w| view! { <small>" · " {w}</small> })}</th>
                            <td class="price">{v.price.format(locale.money())}</td>
                            <td>{stock_label(v.stock, t)}</td>
                            <td><AddToCart variant_id=v.id back=back.clone() in_stock={v.stock > 0} locale/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// "In stock", "Only 3 left", "Out of stock": enough to decide, without exposing exact stock.
fn stock_label(stock: i64, t: &Texts) -> String {
    match stock {
        s if s <= 0 => t.out_of_stock.to_owned(),
        s if s <= 10 => (t.only_left)(s),
        _ => t.in_stock.to_owned(),
    }
}
