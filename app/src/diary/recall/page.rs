//! What recalls look like: the banners on the lot (and QR landing), product and order pages;
//! the recall form (lot page, farm diary, officer's page); the officer's page of one lot with
//! every affected order and the buyers' contacts (`/can-bo/thu-hoi/{lot id}`); and the recall
//! report for the authorities (`/can-bo/thu-hoi`, its CSV at `/can-bo/thu-hoi.csv`). The form
//! posts to `server::diary::recall` and works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::{
    LotRecall, RecallCase, RecallReportRow, RecalledLine, RecalledLot, texts::RecallTexts,
};
use crate::{
    auth::pages::CsrfField,
    diary::{
        form::DiaryRefusal,
        texts::{DiaryTexts, refusal_text},
    },
    i18n::{Locale, use_locale},
    pages::{
        gate::{Gate, gate, gate_or_404},
        refusal::Refusal,
    },
    shop::{pages::orders::local_time, rules::order::OrderStatus, texts::ShopTexts},
};

/// The `ok` code a successful recall comes back with.
pub const RECALLED_OK: &str = "thu-hoi";

/// Where the recall form goes back to: the field `tu` of the form, read by the handler. An
/// unknown value goes back to the lot's page (never to an address from the request).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecallFrom {
    /// The lot's public page (or its QR landing).
    Lot,
    /// The farmer's plot diary.
    Plot,
    /// The officer's page of the lot.
    Officer,
}

impl RecallFrom {
    pub fn code(self) -> &'static str {
        match self {
            RecallFrom::Lot => "lo",
            RecallFrom::Plot => "vuon",
            RecallFrom::Officer => "can-bo",
        }
    }

    pub fn parse(code: &str) -> RecallFrom {
        match code {
            "vuon" => RecallFrom::Plot,
            "can-bo" => RecallFrom::Officer,
            _ => RecallFrom::Lot,
        }
    }
}

/// The lot page's banner (the QR code leads there too): recalled, when, why, what to do.
#[component]
pub fn LotRecallBanner(recall: LotRecall, locale: Locale) -> impl IntoView {
    let t = RecallTexts::of(locale);
    let day = (locale.texts().date)(recall.recalled_on);
    view! {
        <section class="recall-banner" role="alert" aria-labelledby="recall">
            <h2 id="recall">"⚠ " {t.banner_title}</h2>
            <p>{(t.banner_when)(&day, &recall.reason)}</p>
            <p><strong>{(t.what_to_do)(
                &recall.producer_name,
                recall.producer_phone.as_deref().unwrap_or(""),
            )}</strong></p>
        </section>
    }
}

/// The product page's banner: its recalled lots, each linked to its page.
#[component]
pub fn ProductRecallBanner(
    recalls: Vec<RecalledLot>,
    producer: String,
    locale: Locale,
) -> impl IntoView {
    let t = RecallTexts::of(locale);
    let date = locale.texts().date;
    (!recalls.is_empty()).then(|| {
        view! {
            <section class="recall-banner" role="alert" aria-labelledby="recall">
                <h2 id="recall">"⚠ " {t.product_title}</h2>
                <ul>
                    {recalls.into_iter().map(|r| view! {
                        <li><a href=r.path>{(t.product_line)(&r.lot_code, &date(r.recalled_on), &r.reason)}</a></li>
                    }).collect_view()}
                </ul>
                <p><strong>{(t.product_what_to_do)(&producer)}</strong></p>
            </section>
        }
    })
}

/// The lines of an order with goods of a recalled lot; none for an order this reader may not
/// see (the order page itself says so).
#[server(prefix = "/fn")]
pub async fn get_order_recalls(order_no: String) -> Result<Vec<RecalledLine>, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    let fail = |e| cx.failed("loading an order's recalls", e);
    if crate::shop::pages::orders::order_reader(&cx, &order_no)
        .await
        .map_err(fail)?
        .is_none()
    {
        return Ok(Vec::new());
    }
    super::storage::order_recalls(&cx.db, &order_no)
        .await
        .map_err(fail)
}

/// The order page's banner, on the lines from a recalled lot (a section of its own).
#[component]
pub fn OrderRecalls(order_no: String) -> impl IntoView {
    let locale = use_locale();
    let lines = Resource::new(move || order_no.clone(), get_order_recalls);
    view! {
        <Suspense fallback=|| ()>
            {move || lines.get().map(|r| r.ok().filter(|l| !l.is_empty()).map(|l| view! {
                <OrderRecallBanner lines=l locale/>
            }))}
        </Suspense>
    }
}

#[component]
fn OrderRecallBanner(lines: Vec<RecalledLine>, locale: Locale) -> impl IntoView {
    let t = RecallTexts::of(locale);
    let date = locale.texts().date;
    view! {
        <section class="recall-banner" role="alert" aria-labelledby="recall">
            <h2 id="recall">"⚠ " {t.order_title}</h2>
            <ul>
                {lines.into_iter().map(|l| {
                    let item = format!("{} · {}", l.product_name, l.variant_label);
                    view! {
                        <li class="recalled-line">
                            <p><a href=l.lot_path.clone()>{(t.order_line)(&item, l.quantity, &l.lot_code)}</a></p>
                            <p>{(t.banner_when)(&date(l.recalled_on), &l.reason)}</p>
                            <p><strong>{(t.what_to_do)(&l.producer_name, l.producer_phone.as_deref().unwrap_or(""))}</strong></p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The recall form: a required reason, posted to `/lo/{id}/thu-hoi`; `from` says where it
/// comes back.
#[component]
pub fn RecallForm(lot_id: String, from: RecallFrom) -> impl IntoView {
    let t = RecallTexts::of(use_locale());
    view! {
        <details class="recall">
            <summary>{t.form_heading}</summary>
            <form method="post" action=format!("/lo/{lot_id}/thu-hoi") class="stack">
                <CsrfField/>
                <input type="hidden" name="tu" value=from.code()/>
                <p class="meta">{t.form_intro}</p>
                <label for=format!("reason-{lot_id}")>{t.reason_label}</label>
                <textarea id=format!("reason-{lot_id}") name="reason" required
                          maxlength=super::MAX_REASON rows="3" placeholder=t.reason_hint></textarea>
                <button type="submit" class="button danger">{t.submit}</button>
            </form>
        </details>
    }
}

/// What the recall form sent back (`?ok=thu-hoi`, or a diary refusal), in the reader's
/// language.
#[component]
pub fn RecallNotice() -> impl IntoView {
    let locale = use_locale();
    use_query_map().with_untracked(|q| {
        if q.get("ok").as_deref() == Some(RECALLED_OK) {
            let text = RecallTexts::of(locale).recalled_notice;
            return Some(view! { <p class="notice ok" role="status">{text}</p> }.into_any());
        }
        let refusal = DiaryRefusal::from_query(q.latest_values().map(|(k, v)| (k.as_ref(), v)))?;
        let text = refusal_text(&refusal, locale);
        Some(view! { <p class="notice error" role="alert">{text}</p> }.into_any())
    })
}

/// What the lot page offers this reader about recalling the lot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallPanel {
    /// The form: the reader may recall, and the lot can be.
    pub form: bool,
    /// The link to the officer's page of the lot (officers and administrators).
    pub officer: bool,
}

#[server(prefix = "/fn")]
pub async fn get_recall_panel(lot_id: String) -> Result<Option<RecallPanel>, ServerFnError> {
    use crate::auth::{Action, authorize};
    // Visitors are never offered anything: no query for them.
    let Some(actor) = crate::auth::current_actor() else {
        return Ok(None);
    };
    let cx = crate::pages::PageContext::get()?;
    let Some((producer_id, commune_id, status)) = super::storage::parties(&cx.db, &lot_id)
        .await
        .map_err(|e| cx.failed("loading a lot's recall rights", e))?
    else {
        return Ok(None);
    };
    let may = authorize(
        Some(&actor),
        Action::RecallLot {
            producer_id: &producer_id,
            commune_id: &commune_id,
        },
    )
    .is_ok();
    let officer = authorize(
        Some(&actor),
        Action::ActInCommune {
            commune_id: &commune_id,
        },
    )
    .is_ok();
    let recallable = super::recallable(&status);
    Ok((may || officer).then_some(RecallPanel {
        form: may && recallable,
        officer,
    }))
}

/// The lot page's recall part, for those who may recall the lot: the notice of what the form
/// did, the form while the lot can be recalled, and for officers the link to its orders.
#[component]
pub fn LotRecallPanel(lot_id: String) -> impl IntoView {
    let id = lot_id.clone();
    let panel = Resource::new(move || id.clone(), get_recall_panel);
    let t = RecallTexts::of(use_locale());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let lot_id = lot_id.clone();
                panel.get().map(|r| r.ok().flatten().map(|p| view! {
                    <section class="recall-panel" aria-label=t.form_heading>
                        <RecallNotice/>
                        {p.officer.then(|| view! {
                            <p><a href=format!("/can-bo/thu-hoi/{lot_id}")>{t.affected_link}</a></p>
                        })}
                        {p.form.then(|| view! { <RecallForm lot_id=lot_id.clone() from=RecallFrom::Lot/> })}
                    </section>
                }))
            }}
        </Suspense>
    }
}

/// The officer's page of a lot: `None` for no such lot; officers of the commune it grows in
/// and administrators only (its buyers' contacts are theirs to use).
#[server(prefix = "/fn")]
pub async fn get_recall_case(id: String) -> Result<Gate<Option<RecallCase>>, ServerFnError> {
    use crate::{
        auth::{Action, authorize},
        pages::gate::{gated, require_officer},
    };
    let back = format!("/can-bo/thu-hoi/{id}");
    gated(require_officer(&back), |actor, cx| async move {
        let Some((commune_id, case)) = super::storage::recall_case(&cx.db, &id, cx.locale)
            .await
            .map_err(|e| cx.failed("loading a recall", e))?
        else {
            return Ok(Gate::Allowed(None));
        };
        let commune_id = &commune_id;
        if authorize(Some(&actor), Action::ActInCommune { commune_id }).is_err() {
            return Ok(Gate::Forbidden);
        }
        Ok(Gate::Allowed(Some(case)))
    })
    .await
}

#[component]
pub fn RecallCasePage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_recall_case,
    );
    gate_or_404(data, |c| view! { <RecallCaseView case=c/> })
}

#[component]
fn RecallCaseView(case: RecallCase) -> impl IntoView {
    let locale = use_locale();
    let t = RecallTexts::of(locale);
    let d = DiaryTexts::of(locale);
    let shop = ShopTexts::of(locale);
    let date = locale.texts().date;
    let title = (t.case_title)(&case.lot_code);
    let lot_id = case.lot_id.clone();
    let recallable = super::recallable(&case.status);
    view! {
        <Title text=title.clone()/>
        <main class="page recall-case">
            <nav class="crumbs">
                <a href="/can-bo">{crate::auth::texts::AccountTexts::of(locale).officer_title}</a> " › "
                <a href="/can-bo/thu-hoi">{t.report_title}</a>
            </nav>
            <h1>{title}</h1>
            <RecallNotice/>
            <dl class="facts">
                <dt>{d.lot}</dt>
                <dd><a href=case.lot_path.clone()><code>{case.lot_code.clone()}</code></a> " · " {d.status_of(&case.status)}</dd>
                {case.product.clone().map(|p| view! { <dt>{d.product}</dt><dd>{p}</dd> })}
                <dt>{d.producer}</dt><dd>{case.producer_name.clone()}</dd>
                <dt>{d.plot}</dt>
                <dd>{case.plot.clone().map(|p| format!("{p} · ")).unwrap_or_default()} {case.commune.clone()}</dd>
                <dt>{d.harvested_on}</dt>
                <dd>{case.harvested_on.map_or_else(|| d.not_harvested.to_owned(), date)}</dd>
            </dl>
            {match case.recall.clone() {
                Some(r) => view! {
                    <section class="recall-banner" aria-labelledby="recall">
                        <h2 id="recall">"⚠ " {t.banner_title}</h2>
                        <p>{t.reason_label} ": " {r.reason}</p>
                        <p>{(t.recalled_by)(&r.recalled_by, &local_time(&r.recalled_at))}</p>
                        <p>{(t.units_withdrawn)(r.units_withdrawn)}</p>
                    </section>
                }.into_any(),
                None => view! {
                    <p class="muted">{t.not_recalled}</p>
                    {recallable.then(|| view! { <RecallForm lot_id=lot_id.clone() from=RecallFrom::Officer/> })}
                }.into_any(),
            }}
            <section aria-labelledby="orders">
                <h2 id="orders">{t.orders_heading} " (" {case.orders.len()} ")"</h2>
                <p class="meta">{t.orders_intro}</p>
                {if case.orders.is_empty() {
                    view! { <p>{t.no_orders}</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll">
                        <table class="sales-table affected-orders">
                            <thead><tr>{t.orders_head.iter().map(|h| view! { <th>{*h}</th> }).collect_view()}</tr></thead>
                            <tbody>
                                {case.orders.into_iter().map(|o| view! {
                                    <tr>
                                        <td><a href=format!("/don-hang/{}", o.order_no)>{o.order_no.clone()}</a></td>
                                        <td>{OrderStatus::parse(&o.status).map_or("", shop.status)}</td>
                                        <td>{o.buyer_name}</td>
                                        <td><a href=format!("tel:{}", o.phone)>{o.phone.clone()}</a></td>
                                        <td>{o.email.unwrap_or_default()}</td>
                                        <td>{o.address}</td>
                                        <td>{o.quantity}</td>
                                        <td>{local_time(&o.placed_at)}</td>
                                        <td>{if o.reached_buyer { t.yes } else { t.no }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any()
                }}
            </section>
        </main>
    }
}

/// The recall report: officers see their communes, administrators every commune.
#[server(prefix = "/fn")]
pub async fn get_recall_report() -> Result<Gate<Vec<RecallReportRow>>, ServerFnError> {
    use crate::pages::gate::{gated, require_officer};
    gated(require_officer("/can-bo/thu-hoi"), |actor, cx| async move {
        let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
        super::storage::report(&cx.db, scope, cx.locale)
            .await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("building the recall report", e))
    })
    .await
}

#[component]
pub fn RecallReportPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_recall_report());
    gate(data, |rows| view! { <RecallReportView rows/> })
}

#[component]
fn RecallReportView(rows: Vec<RecallReportRow>) -> impl IntoView {
    let locale = use_locale();
    let t = RecallTexts::of(locale);
    let date = locale.texts().date;
    view! {
        <Title text=t.report_title/>
        <main class="page recall-report">
            <nav class="crumbs">
                <a href="/can-bo">{crate::auth::texts::AccountTexts::of(locale).officer_title}</a>
            </nav>
            <h1>{t.report_title}</h1>
            <p>{t.report_intro}</p>
            <p><a class="button secondary" href="/can-bo/thu-hoi.csv" download="">{t.report_csv}</a></p>
            {if rows.is_empty() {
                view! { <p>{t.report_empty}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="sales-table recalls">
                        <thead><tr>{t.report_head.iter().map(|h| view! { <th>{*h}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr>
                                    <td><code>{r.lot_code}</code></td>
                                    <td>{r.product.unwrap_or_default()}</td>
                                    <td>{r.producer}</td>
                                    <td>{r.plot.map(|p| format!("{p} · ")).unwrap_or_default()} {r.commune}</td>
                                    <td>{r.harvested_on.map(date).unwrap_or_default()}</td>
                                    <td>{r.reason}</td>
                                    <td>{r.recalled_by}</td>
                                    <td>{local_time(&r.recalled_at)}</td>
                                    <td>{r.units_withdrawn}</td>
                                    <td>{r.units_sold}</td>
                                    <td>{r.orders}</td>
                                    <td>{r.buyers}</td>
                                    <td><a href=format!("/can-bo/thu-hoi/{}", r.lot_id)>{t.affected_link}</a></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </main>
    }
}
