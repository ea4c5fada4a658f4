//! The producer's shop on a phone: `/ban-hang` (their listings, add one) and
//! `/ban-hang/san-pham/{id}` (edit the listing, its variants, prices and stock, its photos; send
//! it for review, archive it). Plain forms posting to `server::seller::forms`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::{
    auth::pages::CsrfField,
    components::TextArea,
    domain::product::{ProductStatus, SaleUnit},
    i18n::use_locale,
    officer::{form::OfficerRefusal, texts::OfficerTexts},
    pages::{
        gate::{Gate, gate, gate_or_404},
        photo_upload::{PhotoUpload, UploadTexts},
        refusal::{Refusal, from_pairs},
    },
    seller::{
        form::ListingRefusal,
        model::{ListingEdit, ListingSummary, VariantEdit},
        texts::SellerTexts,
    },
};

/// The confirmation or refusal a shop form sent back (`?ok`, `?loi`).
#[component]
pub fn SellerNotice() -> impl IntoView {
    let t = SellerTexts::of(use_locale());
    use_query_map().with_untracked(|q| {
        let pairs = || q.latest_values().map(|(k, v)| (k.as_ref(), v));
        if let Some(listing) = ListingRefusal::from_query(pairs()) {
            // The officer's and the administrator's forms share this notice: their reasons
            // first, then a listing's.
            let text = match from_pairs::<OfficerRefusal>(pairs()) {
                Ok(officer) => (OfficerTexts::of(use_locale()).error)(officer),
                Err(_) => (t.error)(listing),
            };
            return Some(view! { <p class="notice error" role="alert">{text}</p> }.into_any());
        }
        match q.get("ok").as_deref() {
            Some("1") => {
                Some(view! { <p class="notice ok" role="status">{t.saved}</p> }.into_any())
            }
            Some(REVIEW_AGAIN) => Some(
                view! { <p class="notice ok" role="status">{t.saved_for_review}</p> }.into_any(),
            ),
            Some(PHOTOS_ALREADY_THERE) => Some(
                view! { <p class="notice ok" role="status">{t.photos_already_there}</p> }
                    .into_any(),
            ),
            _ => None,
        }
    })
}

/// `?ok=` after an edit that took an approved listing back to review.
pub const REVIEW_AGAIN: &str = "duyet-lai";

/// `?ok=` after an upload of photos the listing shows already (sent again after a cut
/// connection): none was added, and the listing is as it was.
pub const PHOTOS_ALREADY_THERE: &str = "anh-da-co";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SellerData {
    /// (producer id, name) of the approved producers the user works for.
    pub producers: Vec<(String, String)>,
    /// Applied to sell, but no producer of theirs is approved.
    pub awaiting_approval: bool,
    pub listings: Vec<ListingSummary>,
    pub groups: Vec<(String, String)>,
    /// A producer of theirs has no complete legal identity yet (its listings cannot go for
    /// review).
    pub identity_missing: bool,
}

#[server(prefix = "/fn")]
pub async fn get_seller_page() -> Result<Gate<SellerData>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    gated(require_signed_in("/ban-hang"), |actor, cx| async move {
        let ids = actor.producer_ids();
        let load = async {
            let producers = crate::auth::producers::of_user(&cx.db, &actor.user_id).await?;
            let mut identity_missing = false;
            for id in &ids {
                let known = crate::seller::identity_storage::of_producer(&cx.db, id).await?;
                identity_missing |= known.is_some_and(|(_, identity)| identity.is_none());
            }
            Ok::<_, sqlx::Error>(SellerData {
                identity_missing,
                awaiting_approval: ids.is_empty() && !producers.is_empty(),
                // An applicant's producer is not theirs to sell for until an officer approves it.
                producers: producers
                    .into_iter()
                    .filter(|p| ids.contains(&p.id.as_str()))
                    .map(|p| (p.id, p.name))
                    .collect(),
                listings: crate::seller::storage::of_producers(&cx.db, &ids).await?,
                groups: crate::seller::storage::groups(&cx.db).await?,
            })
        };
        load.await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("loading the shop page", e))
    })
    .await
}

#[component]
pub fn SellerPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_seller_page());
    gate(data, |d| view! { <SellerView data=d/> })
}

#[component]
fn SellerView(data: SellerData) -> impl IntoView {
    let locale = use_locale();
    let t = SellerTexts::of(locale);
    if data.producers.is_empty() {
        return view! {
            <Title text=t.shop_title/>
            <main class="page narrow">
                <h1>{t.shop_title}</h1>
                <p>{if data.awaiting_approval { t.awaiting_approval } else { t.not_member }}</p>
                <p><a class="button" href="/tai-khoan">{t.apply}</a></p>
            </main>
        }
        .into_any();
    }
    view! {
        <Title text=t.shop_title/>
        <main class="page narrow seller">
            <h1>{t.shop_title}</h1>
            <SellerNotice/>
            <nav class="seller-nav">
                <a class="button secondary" href="/ban-hang/don-hang">{t.orders}</a>
                <a class="button secondary" href="/ban-hang/doanh-thu">{t.sales}</a>
                <a class="button secondary" href="/ban-hang/doi-soat-cod">{crate::seller::cod_page::CodTexts::of(locale).title}</a>
                <a class="button secondary" href="/ban-hang/giao-hang">{t.delivery_title}</a>
                <a class="button secondary" href="/ban-hang/van-chuyen">{crate::seller::carriers_page::CarrierTexts::of(locale).title}</a>
                <a class="button secondary" href="/nong-trai">{crate::diary::texts::DiaryTexts::of(locale).farm_title}</a>
                <a class="button secondary" href="/ban-hang/chuyen-khoan">{crate::bank_feed::page::QueueTexts::of(locale).title}</a>
                <a class="button secondary" href="/ban-hang/sao-ke">{crate::ledger::texts::LedgerTexts::of(locale).statement_title}</a>
                <a class="button secondary" href=crate::seller::identity::PAGE>{crate::seller::identity::IdentityTexts::of(locale).title}</a>
            </nav>
            {data.identity_missing.then(|| {
                let i = crate::seller::identity::IdentityTexts::of(locale);
                view! {
                    <p class="notice error" role="alert">
                        {i.missing} " " <a href=crate::seller::identity::PAGE>{i.fill_in}</a>
                    </p>
                }
            })}
            <h2>{t.listings}</h2>
            {data.listings.is_empty().then(|| view! { <p>{t.no_listings}</p> })}
            <ul class="queue listings">
                {data.listings.into_iter().map(|l| view! {
                    <li class="queue-item">
                        <h3><a href=format!("/ban-hang/san-pham/{}", l.id)>{l.name}</a></h3>
                        <p>
                            <span class=format!("status {}", l.status.as_str())>{(t.status)(l.status)}</span>
                            " · " {(t.counts)(l.variants, l.photos)}
                        </p>
                        {l.status_reason.filter(|_| l.status == ProductStatus::Rejected).map(|r| view! { <p class="notice error">{(t.reason)(&r)}</p> })}
                    </li>
                }).collect_view()}
            </ul>
            <details class="add" open=true>
                <summary>{t.new_listing}</summary>
                <ProductFields action="/ban-hang/san-pham".to_owned() producers=data.producers groups=data.groups listing=None/>
            </details>
        </main>
    }
    .into_any()
}

/// The product form, blank (create) or filled in (edit).
#[component]
fn ProductFields(
    action: String,
    producers: Vec<(String, String)>,
    groups: Vec<(String, String)>,
    listing: Option<ListingEdit>,
) -> impl IntoView {
    let locale = use_locale();
    let t = SellerTexts::of(locale);
    let l = listing.clone();
    let get = move |f: fn(&ListingEdit) -> String| l.as_ref().map(f).unwrap_or_default();
    let group = get(|l| l.group_code.clone());
    let creating = listing.is_none();
    view! {
        <form method="post" action=action class="stack">
            <CsrfField/>
            {creating.then(|| view! {
                <label for="producer">{t.producer}</label>
                <select id="producer" name="producer_id" required>
                    {producers.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
            })}
            <label for="name_vi">{t.name_vi}</label>
            <input id="name_vi" name="name_vi" required minlength="2" maxlength="120" value=get(|l| l.name_vi.clone())/>
            <label for="name_en">{t.name_en}</label>
            <input id="name_en" name="name_en" maxlength="120" value=get(|l| l.name_en.clone())/>
            <label for="group">{t.group}</label>
            <select id="group" name="group_code" required>
                {groups.into_iter().map(|(code, name)| {
                    let selected = code == group;
                    view! { <option value=code selected=selected>{name}</option> }
                }).collect_view()}
            </select>
            <p class="muted">{t.origin_commune}</p>
            {(!creating).then(|| view! { <p class="muted">{t.review_again}</p> })}
            <label for="description_vi">{t.description_vi}</label>
            <TextArea id="description_vi" name="description_vi" rows=5 maxlength=5000 value=get(|l| l.description_vi.clone())/>
            <label for="description_en">{t.description_en}</label>
            <TextArea id="description_en" name="description_en" rows=3 maxlength=5000 value=get(|l| l.description_en.clone())/>
            <label for="gtin">{t.gtin}</label>
            <input id="gtin" name="gtin" inputmode="numeric" maxlength="20" placeholder=t.gtin_hint value=get(|l| l.gtin.clone().unwrap_or_default())/>
            <button type="submit" class="button">{if creating { t.create } else { t.save }}</button>
        </form>
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ListingPageData {
    pub listing: ListingEdit,
    pub groups: Vec<(String, String)>,
    pub csrf: String,
}

#[server(prefix = "/fn")]
pub async fn get_listing_page(id: String) -> Result<Gate<Option<ListingPageData>>, ServerFnError> {
    use crate::pages::gate::{gated, require};
    let back = format!("/ban-hang/san-pham/{id}");
    let cx = crate::pages::PageContext::get()?;
    let owner = crate::seller::storage::owner(&cx.db, &id)
        .await
        .map_err(|e| cx.failed("loading a listing", e))?;
    let Some((producer_id, _)) = owner else {
        return Ok(Gate::Allowed(None));
    };
    gated(
        require(&back, |a| {
            crate::auth::authorize(
                Some(a),
                crate::auth::Action::EditListings {
                    producer_id: &producer_id,
                },
            )
        }),
        |_, cx| async move {
            let listing = crate::seller::storage::listing(&cx.db, &id)
                .await
                .map_err(|e| cx.failed("loading a listing", e))?;
            let Some(listing) = listing else {
                return Ok(Gate::Allowed(None));
            };
            let groups = crate::seller::storage::groups(&cx.db)
                .await
                .map_err(|e| cx.failed("loading groups", e))?;
            Ok(Gate::Allowed(Some(ListingPageData {
                listing,
                groups,
                csrf: crate::auth::csrf_token(),
            })))
        },
    )
    .await
}

#[component]
pub fn ListingPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_listing_page,
    );
    gate_or_404(data, |d| view! { <ListingView data=d/> })
}

#[component]
fn ListingView(data: ListingPageData) -> impl IntoView {
    let locale = use_locale();
    let t = SellerTexts::of(locale);
    let l = data.listing.clone();
    let base = format!("/ban-hang/san-pham/{}", l.id);
    let status_action = format!("{base}/trang-thai");
    let variant_action = format!("{base}/bien-the");
    let reach = l.delivery_reach;
    let status = l.status;
    let upload = UploadTexts {
        choose: t.choose_photos.to_owned(),
        hint: t.photo_hint.to_owned(),
        alt: t.alt.to_owned(),
        alt_hint: t.alt_hint.to_owned(),
        submit: t.upload.to_owned(),
        uploading: t.uploading.to_owned(),
        dropped: t.upload_dropped.to_owned(),
        too_large: t.upload_too_large.to_owned(),
        too_much: t.upload_too_much.to_owned(),
        busy: t.upload_busy.to_owned(),
        elsewhere: t.upload_elsewhere.to_owned(),
        expired: t.upload_expired.to_owned(),
        failed: t.upload_failed.to_owned(),
    };
    view! {
        <Title text=l.name_vi.clone()/>
        <main class="page narrow seller">
            <nav class="crumbs"><a href="/ban-hang">{t.shop_title}</a></nav>
            <h1>{l.name_vi.clone()}</h1>
            <SellerNotice/>
            <p>
                <span class=format!("status {}", status.as_str())>{(t.status)(status)}</span>
                " — " {(t.status_hint)(status)}
            </p>
            {l.status_reason.clone().filter(|_| status == ProductStatus::Rejected).map(|r| view! { <p class="notice error">{(t.reason)(&r)}</p> })}
            {status.is_public().then(|| view! { <p><a href=format!("/san-pham/{}", l.slug)>{t.view_public}</a></p> })}
            <div class="status-actions">
                {matches!(status, ProductStatus::Draft | ProductStatus::Rejected).then(|| view! {
                    <form method="post" action=status_action.clone() class="inline">
                        <CsrfField/><input type="hidden" name="action" value="publish"/>
                        <button type="submit" class="button">{t.publish}</button>
                    </form>
                })}
                {(status == ProductStatus::Archived).then(|| view! {
                    <form method="post" action=status_action.clone() class="inline">
                        <CsrfField/><input type="hidden" name="action" value="restore"/>
                        <button type="submit" class="button secondary">{t.restore}</button>
                    </form>
                })}
            </div>

            <form method="post" action=format!("{base}/giao-hang") class="inline reach">
                <CsrfField/>
                <label for="reach">{t.reach_label}</label>
                <select id="reach" name="reach">
                    {crate::shop::rules::shipping::Reach::ALL.iter().map(|r| view! {
                        <option value=r.as_str() selected=*r == reach>{(t.reach)(*r)}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="button secondary">{t.save}</button>
            </form>

            <h2 id="bien-the">{t.variants}</h2>
            <ul class="queue">
                {l.variants.into_iter().map(|v| view! { <VariantForm action=variant_action.clone() variant=Some(v)/> }).collect_view()}
            </ul>
            <details class="add">
                <summary>{t.add_variant}</summary>
                <VariantForm action=variant_action.clone() variant=None/>
            </details>

            <h2 id="anh">{t.photos}</h2>
            {l.photos.is_empty().then(|| view! { <p class="muted">{t.no_photos}</p> })}
            <ul class="photo-list">
                {l.photos.into_iter().map(|p| {
                    let action = format!("{base}/anh/{}", p.id);
                    view! {
                        <li>
                            <img src=p.src alt=p.alt.clone() width="160" loading="lazy"/>
                            <form method="post" action=action.clone() class="inline">
                                <CsrfField/>
                                <input type="hidden" name="action" value="alt"/>
                                <label>{t.alt} <input name="alt" maxlength="200" value=p.alt/></label>
                                <button type="submit" class="button secondary">{t.save_alt}</button>
                            </form>
                            <div class="inline">
                                {["up", "down", "delete"].into_iter().map(|a| view! {
                                    <form method="post" action=action.clone()>
                                        <CsrfField/>
                                        <input type="hidden" name="action" value=a/>
                                        <button type="submit" class=if a == "delete" { "link-button danger" } else { "link-button" }>
                                            {match a { "up" => t.move_up, "down" => t.move_down, _ => t.delete }}
                                        </button>
                                    </form>
                                }).collect_view()}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <PhotoUpload action=format!("{base}/anh") csrf=data.csrf texts=upload/>

            <details class="add">
                <summary>{t.details}</summary>
                <ProductFields action=base.clone() producers=vec![] groups=data.groups listing=Some(data.listing)/>
            </details>
            {(status != ProductStatus::Archived).then(|| view! {
                <form method="post" action=status_action class="inline">
                    <CsrfField/><input type="hidden" name="action" value="archive"/>
                    <button type="submit" class="link-button danger">{t.archive}</button>
                </form>
            })}
        </main>
    }
}

/// One variant's form: edit an existing one (and stop selling it), or add one.
#[component]
fn VariantForm(action: String, variant: Option<VariantEdit>) -> impl IntoView {
    let t = SellerTexts::of(use_locale());
    let id = variant.as_ref().map(|v| v.id.clone()).unwrap_or_default();
    let prefix = if id.is_empty() {
        "new".to_owned()
    } else {
        id.clone()
    };
    let field = move |name: &str| format!("{name}-{prefix}");
    let v = variant.clone();
    let unit = v
        .as_ref()
        .map(|v| v.unit.clone())
        .unwrap_or_else(|| "kg".into());
    let archived = v.as_ref().is_some_and(|v| v.archived);
    let form = view! {
        <form method="post" action=action.clone() class="stack variant">
            <CsrfField/>
            <input type="hidden" name="variant_id" value=id.clone()/>
            {archived.then(|| view! { <p class="muted">{t.stopped}</p> })}
            <label for=field("label")>{t.variant_label}</label>
            <input id=field("label") name="label_vi" required maxlength="80" value=v.as_ref().map(|v| v.label_vi.clone())/>
            <label for=field("unit")>{t.unit}</label>
            <select id=field("unit") name="unit">
                {SaleUnit::ALL.iter().map(|u| {
                    let selected = u.as_str() == unit;
                    view! { <option value=u.as_str() selected=selected>{(t.unit_name)(u.as_str())}</option> }
                }).collect_view()}
            </select>
            <label for=field("weight")>{t.net_weight}</label>
            <input id=field("weight") name="net_weight_g" inputmode="numeric" value=v.as_ref().and_then(|v| v.net_weight_g).map(|g| g.to_string())/>
            <label for=field("price")>{t.price}</label>
            <input id=field("price") name="price" inputmode="numeric" required value=v.as_ref().map(|v| v.price.dong().to_string())/>
            <label for=field("stock")>{t.stock}</label>
            <input id=field("stock") name="stock" type="number" min="0" max="1000000" inputmode="numeric" required
                   value=v.as_ref().map_or_else(|| "0".to_owned(), |v| v.stock.to_string())/>
            <button type="submit" class="button">{if id.is_empty() { t.add_variant } else { t.save }}</button>
        </form>
    };
    match variant {
        None => form.into_any(),
        Some(v) => view! {
            <li class="queue-item">
                {form}
                {(!v.archived).then(|| view! {
                    <form method="post" action=action class="inline">
                        <CsrfField/>
                        <input type="hidden" name="variant_id" value=v.id.clone()/>
                        <input type="hidden" name="action" value="archive"/>
                        <input type="hidden" name="label_vi" value=""/>
                        <input type="hidden" name="unit" value=""/>
                        <input type="hidden" name="price" value=""/>
                        <input type="hidden" name="stock" value=""/>
                        <button type="submit" class="link-button danger">{t.stop_selling}</button>
                    </form>
                })}
            </li>
        }
        .into_any(),
    }
}
