//! The review parts of pages: the order page's forms (one per delivered line), the product
//! page's list with its average, the producer's reviews with reply forms and the officers'
//! moderation list with hide forms. Plain forms posting to `server::reviews`; they work
//! without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{
    DONE, OFFICER_PAGE, REFUSED, SELLER_PAGE,
    rules::{Rating, ReviewRefusal, ReviewStatus},
    texts::{ReviewTexts, star_glyphs},
};
use crate::{
    auth::pages::CsrfField,
    i18n::{Locale, use_locale},
    pages::gate::{Gate, gate},
    photos::{AttachedPhoto, AttachedPhotos},
    shop::pages::orders::local_time,
};

/// A review as pages show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub id: String,
    pub order_line_id: String,
    pub product_name: String,
    pub product_slug: String,
    pub producer_name: String,
    pub stars: u8,
    pub body: String,
    /// "Hoa N." (see `rules::public_name`).
    pub author: String,
    /// RFC 3339.
    pub created_at: String,
    pub status: ReviewStatus,
    pub hidden_reason: Option<String>,
    pub reply: Option<String>,
    pub replied_at: Option<String>,
    pub photos: Vec<AttachedPhoto>,
}

/// A delivered order's line as its buyer reviews it, with its review if any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineToReview {
    pub line_id: String,
    pub product_name: String,
    pub review: Option<ReviewView>,
}

/// Reviews a product page lists before "see more".
pub const SHOWN: usize = 20;

/// A product's reviews as its page shows them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductReviews {
    pub rating: Rating,
    /// The newest published ones, at most [`SHOWN`] (all with `?danh-gia=tat-ca`).
    pub reviews: Vec<ReviewView>,
}

/// The decimal mark of `locale`: "4,6" in Vietnamese, "4.6" in English.
pub fn decimal_mark(locale: Locale) -> char {
    match locale {
        Locale::Vi => ',',
        Locale::En => '.',
    }
}

/// The notice a review form answered with (`?dg=…` or `?loi_dg=…`).
#[component]
fn ReviewNotice(t: &'static ReviewTexts) -> impl IntoView {
    let query = use_query_map().get_untracked();
    let refused = query
        .get(REFUSED)
        .and_then(|c| ReviewRefusal::parse(&c))
        .map(|r| (t.refusal)(r));
    let done = query.get(DONE).map(|d| match d.as_str() {
        "tra-loi" => t.replied,
        "an" => t.hidden,
        _ => t.reviewed,
    });
    view! {
        {refused.map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
        {done.map(|m| view! { <p class="notice" role="status">{m}</p> })}
    }
}

/// One review: stars, author, date, text, photos, the producer's reply.
#[component]
fn ReviewItem(
    review: ReviewView,
    t: &'static ReviewTexts,
    #[prop(optional)] with_product: bool,
) -> impl IntoView {
    view! {
        <article class="review" id=format!("r-{}", review.id)>
            <p class="review-head">
                <span class="review-stars" role="img" aria-label=(t.stars_label)(review.stars)>{star_glyphs(review.stars)}</span>
                " " <strong>{review.author.clone()}</strong>
                " · " <span class="verified">"✓ " {t.verified}</span>
                " · " <time datetime=review.created_at.clone()>{local_time(&review.created_at)}</time>
            </p>
            {with_product.then(|| view! {
                <p class="meta">{t.product} ": " <a href=format!("/san-pham/{}", review.product_slug)>{review.product_name.clone()}</a></p>
            })}
            {(review.status == ReviewStatus::Hidden).then(|| view! {
                <p class="notice">{(t.hidden_because)(review.hidden_reason.as_deref().unwrap_or_default())}</p>
            })}
            {(!review.body.is_empty()).then(|| view! { <p class="review-body">{review.body.clone()}</p> })}
            <AttachedPhotos photos=review.photos.clone()/>
            {review.reply.clone().map(|reply| view! {
                <blockquote class="review-reply">
                    <p class="meta">{(t.reply_from)(&review.producer_name)}</p>
                    <p>{reply}</p>
                </blockquote>
            })}
        </article>
    }
}

/// The product page's reviews: the average and count, then the reviews, newest first.
#[component]
pub fn ProductReviewsSection(data: ProductReviews, slug: String, locale: Locale) -> impl IntoView {
    let t = ReviewTexts::of(locale);
    let more = (data.rating.count as usize).saturating_sub(data.reviews.len());
    view! {
        <section aria-labelledby="reviews" class="reviews" id="danh-gia">
            <h2 id="reviews">{t.heading}</h2>
            {match data.rating.average_label(decimal_mark(locale)) {
                Some(avg) => view! {
                    <p class="rating-summary"><strong>{format!("{avg} ★")}</strong> " · " {(t.count)(data.rating.count)}</p>
                }.into_any(),
                None => view! { <p class="meta">{t.none}</p> }.into_any(),
            }}
            {data.reviews.into_iter().map(|r| view! { <ReviewItem review=r t/> }).collect_view()}
            {(more > 0).then(|| view! {
                <p><a href=format!("/san-pham/{slug}?danh-gia=tat-ca#danh-gia")>{(t.more)(more)}</a></p>
            })}
        </section>
    }
}

/// A product's reviews for its page: all of them with `all`, else the newest [`SHOWN`].
#[cfg(feature = "ssr")]
pub async fn product_reviews(
    db: &crate::db::Db,
    slug: &str,
    rating: super::rules::Rating,
    all: bool,
) -> Result<ProductReviews, sqlx::Error> {
    use super::storage::{LIST_LIMIT, Scope, list_at_most};
    // Most products have no review yet: then there is nothing to list (and no round trip).
    let reviews = if rating.count == 0 {
        vec![]
    } else {
        let limit = if all { LIST_LIMIT } else { SHOWN };
        list_at_most(db, Scope::Product(slug), limit).await?
    };
    Ok(ProductReviews { rating, reviews })
}

/// The order page's review part, for its buyer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderReviewsData {
    pub order_no: String,
    pub delivered: bool,
    pub lines: Vec<LineToReview>,
    /// The anti-forgery token for the multipart forms.
    pub csrf: String,
}

#[server(prefix = "/fn")]
pub async fn get_order_reviews(
    order_no: String,
) -> Result<Option<OrderReviewsData>, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    let fail = |e| cx.failed("loading an order's reviews", e);
    let Some(actor) = crate::auth::current_actor() else {
        return Ok(None);
    };
    let Some(keys) = crate::shop::storage::orders::keys(&cx.db, &order_no)
        .await
        .map_err(fail)?
    else {
        return Ok(None);
    };
    // Only the account that placed the order reviews it.
    if keys.buyer_user_id.as_deref() != Some(actor.user_id.as_str()) {
        return Ok(None);
    }
    let Some(order) = crate::shop::storage::orders::view(&cx.db, &order_no)
        .await
        .map_err(fail)?
    else {
        return Ok(None);
    };
    let delivered = order.status == crate::shop::rules::order::OrderStatus::Delivered;
    let lines = super::storage::order_lines(&cx.db, &order_no)
        .await
        .map_err(fail)?;
    if !delivered && lines.iter().all(|l| l.review.is_none()) {
        return Ok(None);
    }
    Ok(Some(OrderReviewsData {
        order_no,
        delivered,
        lines,
        csrf: crate::auth::csrf_token(),
    }))
}

/// The order page's reviews: a form per delivered line without one, the review otherwise.
#[component]
pub fn OrderReviews(order_no: String) -> impl IntoView {
    let locale = use_locale();
    let t = ReviewTexts::of(locale);
    let data = Resource::new(move || order_no.clone(), get_order_reviews);
    view! {
        <Suspense>
            {move || data.get().and_then(Result::ok).flatten().map(|d| view! {
                <section aria-labelledby="review-heading" class="reviews" id="danh-gia">
                    <h2 id="review-heading">{t.review_line}</h2>
                    <ReviewNotice t/>
                    {d.lines.into_iter().map(|line| {
                        match line.review {
                            Some(r) => view! {
                                <div class="review-line" id=format!("dg-{}", line.line_id)>
                                    <h3>{line.product_name} " · " {t.yours}</h3>
                                    <ReviewItem review=r t/>
                                </div>
                            }.into_any(),
                            None if d.delivered => view! {
                                <ReviewForm order_no=d.order_no.clone() line_id=line.line_id product=line.product_name csrf=d.csrf.clone() t/>
                            }.into_any(),
                            None => ().into_any(),
                        }
                    }).collect_view()}
                </section>
            })}
        </Suspense>
    }
}

#[component]
fn ReviewForm(
    order_no: String,
    line_id: String,
    product: String,
    csrf: String,
    t: &'static ReviewTexts,
) -> impl IntoView {
    let action = format!("/don-hang/{order_no}/danh-gia/{line_id}?csrf={csrf}");
    let id = |what: &str| format!("{what}-{line_id}");
    view! {
        <form method="post" enctype="multipart/form-data" action=action class="stack review-form" id=id("dg")>
            <h3>{t.review_line} ": " {product}</h3>
            <fieldset class="star-input">
                <legend>{t.stars_legend}</legend>
                {(1..=5u8).rev().map(|n| view! {
                    <label>
                        <input type="radio" name="stars" value=n.to_string() required checked=n == 5/>
                        <span aria-hidden="true">{star_glyphs(n)}</span>
                        <span class="visually-hidden">{(t.stars_label)(n)}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <label for=id("text")>{t.text_label}</label>
            <textarea id=id("text") name="text" rows="4" maxlength="2000"></textarea>
            <p class="hint">{t.text_hint}</p>
            <label for=id("photos")>{t.photos_label}</label>
            <input id=id("photos") type="file" name="anh" accept="image/jpeg,image/png,image/webp" multiple/>
            <p class="hint">{t.photos_hint}</p>
            <button type="submit" class="button">{t.submit}</button>
        </form>
    }
}

/// The reviews a producer's people or officers see on their page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewList {
    pub reviews: Vec<ReviewView>,
}

#[server(prefix = "/fn")]
pub async fn get_seller_reviews() -> Result<Gate<ReviewList>, ServerFnError> {
    use crate::pages::gate::{gated, require_producer_member};
    gated(
        require_producer_member(SELLER_PAGE),
        |actor, cx| async move {
            let ids: Vec<String> = actor
                .producer_ids()
                .into_iter()
                .map(str::to_owned)
                .collect();
            super::storage::list(&cx.db, super::storage::Scope::Producers(&ids))
                .await
                .map(|reviews| Gate::Allowed(ReviewList { reviews }))
                .map_err(|e| cx.failed("loading a producer's reviews", e))
        },
    )
    .await
}

/// `/ban-hang/danh-gia`: the reviews of the producer's products, a reply form on each without
/// a reply.
#[component]
pub fn SellerReviewsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_seller_reviews());
    gate(data, |list| view! { <SellerReviews list/> })
}

#[component]
fn SellerReviews(list: ReviewList) -> impl IntoView {
    let locale = use_locale();
    let t = ReviewTexts::of(locale);
    let seller = crate::seller::texts::SellerTexts::of(locale);
    view! {
        <Title text=t.seller_title/>
        <main class="page narrow seller reviews">
            <nav class="crumbs"><a href="/ban-hang">{seller.shop_title}</a></nav>
            <h1>{t.seller_title}</h1>
            <p>{t.seller_intro}</p>
            <ReviewNotice t/>
            {list.reviews.is_empty().then(|| view! { <p>{t.none}</p> })}
            {list.reviews.into_iter().map(|r| {
                let id = r.id.clone();
                let open = r.reply.is_none() && r.status == ReviewStatus::Published;
                view! {
                    <ReviewItem review=r t with_product=true/>
                    {open.then(|| view! {
                        <form method="post" action=format!("{SELLER_PAGE}/{id}/tra-loi") class="stack">
                            <CsrfField/>
                            <label for=format!("reply-{id}")>{t.reply_label}</label>
                            <textarea id=format!("reply-{id}") name="reply" rows="3" maxlength="1000" required></textarea>
                            <button type="submit" class="button">{t.reply_submit}</button>
                        </form>
                    })}
                }
            }).collect_view()}
        </main>
    }
}

#[server(prefix = "/fn")]
pub async fn get_officer_reviews() -> Result<Gate<ReviewList>, ServerFnError> {
    use crate::pages::gate::{gated, require_officer};
    gated(require_officer(OFFICER_PAGE), |actor, cx| async move {
        let scope = if actor.admin {
            super::storage::Scope::Communes(None)
        } else {
            super::storage::Scope::Communes(Some(&actor.officer_of))
        };
        super::storage::list(&cx.db, scope)
            .await
            .map(|reviews| Gate::Allowed(ReviewList { reviews }))
            .map_err(|e| cx.failed("loading reviews to moderate", e))
    })
    .await
}

/// `/can-bo/danh-gia`: recent reviews of the officer's communes' producers, a hide form (with
/// its required reason) on each shown one.
#[component]
pub fn OfficerReviewsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_officer_reviews());
    gate(data, |list| view! { <OfficerReviews list/> })
}

#[component]
fn OfficerReviews(list: ReviewList) -> impl IntoView {
    let locale = use_locale();
    let t = ReviewTexts::of(locale);
    view! {
        <Title text=t.officer_title/>
        <main class="page narrow officer reviews">
            <nav class="crumbs"><a href="/can-bo">{crate::auth::texts::AccountTexts::of(locale).officer_title}</a></nav>
            <h1>{t.officer_title}</h1>
            <p>{t.officer_intro}</p>
            <ReviewNotice t/>
            {list.reviews.is_empty().then(|| view! { <p>{t.none}</p> })}
            {list.reviews.into_iter().map(|r| {
                let id = r.id.clone();
                let shown = r.status == ReviewStatus::Published;
                view! {
                    <ReviewItem review=r t with_product=true/>
                    {if shown {
                        view! {
                            <form method="post" action=format!("{OFFICER_PAGE}/{id}/an") class="stack">
                                <CsrfField/>
                                <label for=format!("reason-{id}")>{t.reason_label}</label>
                                <input id=format!("reason-{id}") name="reason" required maxlength="500"/>
                                <button type="submit" class="button danger">{t.hide_submit}</button>
                            </form>
                        }.into_any()
                    } else {
                        view! { <p class="status hidden">{t.status_hidden}</p> }.into_any()
                    }}
                }
            }).collect_view()}
        </main>
    }
}
