//! A lot's public traceability page, where the QR code on a box leads: `/01/{GTIN}/10/{lot}`
//! (GS1 Digital Link) for products with a GTIN, `/lo/{id}` for every lot.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::{
    components::commune_name,
    i18n::{Locale, use_locale},
    pages::loaded_page,
    seo::Canonical,
};

use super::{
    model::{LotTrace, PhiStatus, RegisterNote, TimelineEntry},
    recall::page::{LotRecallBanner, LotRecallPanel},
    register::{PhiSource, RegisterStatus},
    texts::DiaryTexts,
};

/// The lot's record; `None` when nothing this reader may see matches. `gtin` set: a GS1 Digital Link
/// lookup with `key` as the lot code; otherwise `key` is the lot id.
#[server(prefix = "/fn")]
pub async fn get_lot_page(
    key: String,
    gtin: Option<String>,
    printed: Option<String>,
) -> Result<Option<LotTrace>, ServerFnError> {
    use crate::diary::trace_storage::{LotKey, find_lot, lot_trace};
    let cx = crate::pages::PageContext::get()?;
    // A growing lot shows only to its producer's people and the commune's officers.
    let viewer = crate::auth::current_actor();
    let lookup = match gtin.as_deref() {
        Some(g) => match crate::diary::gs1::Gtin::parse(g) {
            Ok(gtin) => {
                let code = key.trim().to_ascii_uppercase();
                find_lot(
                    &cx.db,
                    LotKey::Gs1 {
                        gtin: gtin.as_str(),
                        lot_code: &code,
                    },
                    viewer.as_ref(),
                )
                .await
            }
            // A mistyped GTIN is a page that does not exist.
            Err(_) => Ok(None),
        },
        None => find_lot(&cx.db, LotKey::Id(&key), viewer.as_ref()).await,
    };
    let Some(found) = lookup.map_err(|e| cx.failed("finding a lot", e))? else {
        return Ok(None);
    };
    // A label's digest that does not parse is not compared (it proves nothing either way).
    let label = printed
        .as_deref()
        .and_then(crate::diary::anchors::Anchor::parse);
    let trace = lot_trace(&cx.db, &found.id, cx.locale, label.as_ref())
        .await
        .map_err(|e| cx.failed("loading a lot", e))?;
    // The register's notes on sprayings are for the producer's people and the officers.
    Ok(trace.map(|t| {
        if found.insider {
            t
        } else {
            crate::diary::trace_storage::for_outsiders(t)
        }
    }))
}

#[component]
pub fn LotPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    // The digest of the chain head printed on the label the QR code came from.
    let query = leptos_router::hooks::use_query_map();
    let page = Resource::new(
        move || {
            let printed = query.with(|q| q.get("c"));
            params.with(|p| match p.get("gtin") {
                Some(gtin) => (p.get("lot").unwrap_or_default(), Some(gtin), printed),
                None => (p.get("id").unwrap_or_default(), None, printed),
            })
        },
        |(key, gtin, printed)| get_lot_page(key, gtin, printed),
    );
    // The orders the lot went into, for its producer and officers (lot_sales).
    let orders = Resource::new(
        move || {
            params.with(|p| match p.get("gtin") {
                Some(gtin) => (p.get("lot").unwrap_or_default(), Some(gtin)),
                None => (p.get("id").unwrap_or_default(), None),
            })
        },
        |(key, gtin)| crate::lot_sales::lot_orders::get_lot_orders(key, gtin),
    );
    loaded_page(page, move |data| view! { <LotView data locale orders/> })
}

fn date(locale: Locale, d: chrono::NaiveDate) -> String {
    (locale.texts().date)(d)
}

#[component]
fn LotView(
    data: LotTrace,
    locale: Locale,
    orders: Resource<Result<Option<crate::lot_sales::lot_orders::LotOrders>, ServerFnError>>,
) -> impl IntoView {
    let t = DiaryTexts::of(locale);
    let texts = locale.texts();
    let title = match &data.product {
        Some(p) => format!("{} · {}", (t.trace_title)(&data.lot.code), p.name),
        None => (t.trace_title)(&data.lot.code),
    };
    let heading = data
        .product
        .as_ref()
        .map_or_else(|| data.plot.crop.clone(), |p| p.name.clone());
    let qr = format!("/lo/{}/qr", data.lot.id);
    let producer_href = format!("/nha-san-xuat/{}", data.producer.slug);
    let plot_commune = commune_name(&data.plot.commune.kind, &data.plot.commune.name, texts);
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=t.trace_intro/>
        <Canonical path=data.path.clone()/>
        <main class="page lot">
            <p class="eyebrow">{(t.trace_title)(&data.lot.code)}</p>
            <h1>{heading}</h1>
            {data.recall.clone().map(|recall| view! { <LotRecallBanner recall locale/> })}
            <LotRecallPanel lot_id=data.lot.id.clone()/>
            <p>{t.trace_intro}</p>
            <dl class="facts">
                {data.product.clone().map(|p| view! {
                    <dt>{t.product}</dt>
                    <dd>
                        <a href=format!("/san-pham/{}", p.slug)>{p.name}</a>
                        {p.variant.map(|v| view! { " · " {v} })}
                        {p.gi_name.map(|gi| view! { <span class="badge gi">{texts.geographical_indication} ": " {gi}</span> })}
                    </dd>
                    {p.gtin.map(|g| view! { <dt>"GTIN"</dt><dd><code>{g}</code></dd> })}
                })}
                <dt>{t.lot}</dt>
                <dd><code>{data.lot.code.clone()}</code> " · " {t.status_of(&data.lot.status)}</dd>
                <dt>{t.harvested_on}</dt>
                <dd>{match data.lot.harvested_on {
                    Some(d) => date(locale, d),
                    None => t.not_harvested.to_owned(),
                }}
                {data.lot.quantity_kg.map(|q| view! { " · " {(t.quantity)(q)} })}
                {data.lot.grade.clone().map(|g| view! { " · " {t.grade} " " {g} })}
                </dd>
                <dt>{t.producer}</dt>
                <dd>
                    <a href=producer_href>{data.producer.name.clone()}</a>
                    " · " {(texts.producer_kind)(&data.producer.kind)}
                </dd>
                <dt>{t.plot}</dt>
                <dd>
                    {data.plot.name.clone()} " · " {plot_commune}
                    " · " {t.crop} ": " {data.plot.crop.clone()}
                    {data.plot.area_m2.map(|a| view! { " · " {(t.area)(a)} })}
                </dd>
                {data.plot.growing_area_code.clone().map(|c| view! {
                    <dt>{t.growing_area_code}</dt><dd><code>{c}</code></dd>
                })}
            </dl>

            <section aria-labelledby="phi">
                <h2 id="phi">{t.phi_heading}</h2>
                <PhiLine phi=data.phi.clone() locale/>
            </section>

            <section aria-labelledby="verification">
                <h2 id="verification">{t.verification_heading}</h2>
                {match (data.verification.clone(), data.cleared_verification.clone()) {
                    (Some(v), _) => view! {
                        <p class="verified">"✓ " {(t.verified)(&v.officer_name, &date(locale, v.verified_on))}</p>
                    }.into_any(),
                    // Verified, then corrected: not verified now, and it says what happened.
                    (None, Some(c)) => view! {
                        <p class="notice" role="status">{(t.verification_cleared)(
                            &c.officer_name,
                            &date(locale, c.verified_on),
                            &date(locale, c.corrected_on),
                        )}</p>
                    }.into_any(),
                    (None, None) => view! { <p class="muted">{t.not_verified}</p> }.into_any(),
                }}
            </section>

            <section aria-labelledby="chain">
                <h2 id="chain">{t.chain_heading}</h2>
                {match data.chain.broken_at_seq {
                    None => view! { <p class="chain ok">"✓ " {(t.chain_intact)(data.chain.entries)}</p> }.into_any(),
                    Some(seq) => view! { <p class="chain broken" role="alert">"⚠ " {(t.chain_broken)(seq)}</p> }.into_any(),
                }}
                // A chain rewritten whole still checks: the heads seen earlier tell.
                {data.anchors.label.clone().map(|a| if a.holds {
                    view! { <p class="chain ok label-anchor">"✓ " {t.label_holds}</p> }.into_any()
                } else {
                    view! { <p class="chain broken label-anchor" role="alert">"⚠ " {(t.label_rewritten)(a.seq)}</p> }.into_any()
                })}
                {data.anchors.stamp.clone().map(|a| if a.holds {
                    view! { <p class="chain ok stamp-anchor">"✓ " {(t.stamp_holds)(a.seq)}</p> }.into_any()
                } else {
                    view! { <p class="chain broken stamp-anchor" role="alert">"⚠ " {(t.stamp_rewritten)(a.seq)}</p> }.into_any()
                })}
                {data.anchors.head_digest.clone().map(|d| view! {
                    <p class="meta">{t.head_digest} ": " <code>{d}</code>
                        " · " <a href="/api/v1/checkpoints">{t.checkpoints_link}</a></p>
                })}
            </section>

            <section aria-labelledby="timeline">
                <h2 id="timeline">{t.timeline}</h2>
                <Timeline entries=data.timeline.clone() locale correct_href=None/>
            </section>

            <crate::lot_sales::lot_orders::LotOrdersSection orders locale/>

            <section aria-labelledby="qr" class="qr">
                <h2 id="qr">{t.qr_heading}</h2>
                <img src=format!("{qr}.svg") width="160" height="160" alt=t.qr_alt/>
                <p>
                    <a href=format!("{qr}.png") download="">{t.download_png}</a> " · "
                    <a href=format!("{qr}.svg") download="">{t.download_svg}</a>
                </p>
            </section>
        </main>
    }
}

/// The pre-harvest interval, as a sentence.
#[component]
pub fn PhiLine(phi: PhiStatus, locale: Locale) -> impl IntoView {
    let t = DiaryTexts::of(locale);
    let text = match (&phi.binding_spraying, phi.safe_from, phi.respected) {
        (Some(s), Some(safe), Some(respected)) => {
            let f = if respected {
                t.phi_respected
            } else {
                t.phi_not_respected
            };
            f(
                &s.product_name,
                &date(locale, s.sprayed_on),
                s.phi_days,
                &date(locale, safe),
            )
        }
        (_, Some(safe), None) => (t.safe_from)(&date(locale, safe)),
        (None, None, Some(_)) => t.phi_none.to_owned(),
        _ => t.safe_now.to_owned(),
    };
    let class = if phi.respected == Some(false) {
        "phi warn"
    } else {
        "phi"
    };
    view! { <p class=class>{text}</p> }
}

/// What the plant-protection register said about a spraying when it was recorded.
#[component]
fn RegisterLine(note: RegisterNote, locale: Locale) -> impl IntoView {
    let t = DiaryTexts::of(locale);
    match RegisterStatus::parse(&note.status) {
        Some(RegisterStatus::Unregistered) => view! {
            <p class="register warn" role="note">
                "⚠ " {(t.register_unregistered)(&note.unregistered.join(", "), &note.crop)}
            </p>
        }
        .into_any(),
        Some(RegisterStatus::Registered) => view! {
            <p class="register ok small">"✓ " {(t.register_registered)(&note.crop)}</p>
        }
        .into_any(),
        Some(RegisterStatus::CropNotListed) => view! {
            <p class="register muted small">{(t.register_crop_not_listed)(&note.crop)}</p>
        }
        .into_any(),
        // The database allows no other status.
        None => ().into_any(),
    }
}

/// The diary entries, oldest first; with `correct_href`, each has a link to correct it.
#[component]
pub fn Timeline(
    entries: Vec<TimelineEntry>,
    locale: Locale,
    correct_href: Option<String>,
) -> impl IntoView {
    let t = DiaryTexts::of(locale);
    if entries.is_empty() {
        return view! { <p class="muted">{t.no_entries}</p> }.into_any();
    }
    view! {
        <ol class="timeline">
            {entries.into_iter().map(|e| {
                let superseded = e.corrected_by_seq.is_some();
                let ingredient_label = if e.kind == "fertilising" { t.npk } else { t.active_ingredient };
                let correct = correct_href.clone().filter(|_| !superseded).map(|base| {
                    format!("{base}?sua={}#ghi", e.id)
                });
                // Shown in Vietnam time, as every date on the site.
                let recorded = chrono::DateTime::parse_from_rfc3339(&e.recorded_at)
                    .map(|at| at.with_timezone(&crate::domain::time::vietnam_offset())
                        .format("%d/%m/%Y %H:%M").to_string())
                    .unwrap_or_default();
                view! {
                    <li class=if superseded { "entry superseded" } else { "entry" } id=format!("e{}", e.seq)>
                        <p class="entry-head">
                            <span class="seq">"#" {e.seq}</span> " "
                            <time datetime=e.occurred_on.to_string()>{date(locale, e.occurred_on)}</time> " · "
                            <strong>{t.kind_of(&e.kind)}</strong>
                            {e.lot_code.clone().map(|c| view! { " · " {(t.for_lot)(&c)} })}
                        </p>
                        <ul class="entry-fields">
                            {e.input_name.clone().map(|v| view! { <li>{t.input_name} ": " {v}</li> })}
                            {e.active_ingredient.clone().map(|v| view! { <li>{ingredient_label} ": " {v}</li> })}
                            {e.target.clone().map(|v| view! { <li>{t.target} ": " {v}</li> })}
                            {e.dose.clone().map(|v| view! { <li>{t.dose} ": " {v}</li> })}
                            {e.phi_days.map(|d| view! {
                                <li>{(t.phi_days)(d)}
                                    {(e.phi_source.as_deref() == Some(PhiSource::Register.as_str())).then(|| view! {
                                        " (" <span class="from-register">{t.phi_from_register}</span> ")"
                                    })}
                                </li>
                            })}
                            {e.quantity_kg.map(|q| view! { <li>{(t.quantity)(q)}</li> })}
                        </ul>
                        {e.register.clone().map(|r| view! { <RegisterLine note=r locale/> })}
                        {(!e.note.is_empty()).then(|| view! { <p class="note">{e.note.clone()}</p> })}
                        {(!e.photos.is_empty()).then(|| view! {
                            <ul class="entry-photos">
                                {e.photos.clone().into_iter().map(|ph| view! {
                                    <li><img src=ph.src srcset=ph.srcset sizes="10rem" width=ph.width height=ph.height alt=ph.alt loading="lazy"/></li>
                                }).collect_view()}
                            </ul>
                        })}
                        <p class="muted small">
                            {e.corrects_seq.map(|s| view! { <a href=format!("#e{s}")>{(t.corrects)(s)}</a> " · " })}
                            {e.corrected_by_seq.map(|s| view! { <a href=format!("#e{s}")>{(t.corrected_by)(s)}</a> " · " })}
                            {(t.recorded_at)(&recorded)}
                            {correct.map(|href| view! { " · " <a href=href>{t.correct}</a> })}
                        </p>
                        {correct_href.is_some().then(|| view! {
                            // Multipart bodies are not read by the forgery check: the token rides in the query.
                            <details class="add-photo"><summary>{t.add_photos}</summary>
                            <form method="post" enctype="multipart/form-data" class="stack"
                                  action=format!("/nong-trai/ghi/{}/anh?csrf={}", e.id, crate::auth::csrf_token())>
                                <label>{t.photo_alt_label} <input name="alt" maxlength="200"/></label>
                                <input type="file" name="anh" accept="image/jpeg,image/png,image/webp" multiple required/>
                                <button type="submit" class="button secondary">{t.add_photos}</button>
                            </form>
                            </details>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}
