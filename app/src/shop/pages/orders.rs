//! The buyer's orders (`/don-hang`), one order (`/don-hang/{order_no}`: status, history, how to
//! pay, and — for its producer or officer — the buttons that move it on), and the guest's way
//! in with the order number and phone (`/tra-cuu-don-hang`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::{
    auth::pages::CsrfField,
    domain::money::Vnd,
    i18n::{Locale, use_locale},
    pages::loaded_page,
    shop::{
        model::{OrderSummary, OrderView},
        pages::cart::ShopNotice,
        rules::{
            order::{OrderStatus, PaymentMethod, PaymentStatus},
            shipment::{CarrierName, MAX_PARCEL_GRAMS},
        },
        texts::ShopTexts,
    },
};

/// `2026-11-27T03:15:00Z` as Vietnamese wall-clock time: `10:15 27/11/2026`.
pub fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&crate::domain::time::vietnam_offset())
                .format("%H:%M %d/%m/%Y")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_owned())
}

#[server(prefix = "/fn")]
pub async fn get_orders_page() -> Result<Vec<OrderSummary>, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    let user = crate::auth::current_actor().map(|a| a.user_id);
    let guest = crate::auth::current_guest_cart().map(|g| g.0);
    if user.is_none() && guest.is_none() {
        return Ok(vec![]);
    }
    crate::shop::storage::orders::of_buyer(&cx.db, user.as_deref(), guest.as_deref())
        .await
        .map_err(|e| cx.failed("loading orders", e))
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let locale = use_locale();
    let t = ShopTexts::of(locale);
    let orders = Resource::new(|| (), |_| get_orders_page());
    view! {
        <Title text=t.orders_title/>
        <main class="page shop">
            <h1>{t.orders_title}</h1>
            <ShopNotice/>
            <Suspense fallback=move || view! { <p class="loading">{locale.texts().loading}</p> }>
                {move || orders.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p>{t.no_orders}</p> }.into_any(),
                    Ok(list) => view! { <OrderList list locale/> }.into_any(),
                    Err(_) => view! { <crate::pages::LoadFailed/> }.into_any(),
                })}
            </Suspense>
            <p><a href="/tra-cuu-don-hang">{t.lookup_title}</a></p>
        </main>
    }
}

#[component]
fn OrderList(list: Vec<OrderSummary>, locale: Locale) -> impl IntoView {
    let t = ShopTexts::of(locale);
    view! {
        <ul class="order-list">
            {list.into_iter().map(|o| view! {
                <li>
                    <a href=format!("/don-hang/{}", o.order_no)><strong>{o.order_no.clone()}</strong></a>
                    " · " {o.producer_name}
                    " · " {o.total.format(locale.money())}
                    <span class=format!("status {}", o.status.as_str())>{(t.status)(o.status)}</span>
                    <small>{local_time(&o.placed_at)}</small>
                    {(o.payment_method == PaymentMethod::Vnpay && o.status == OrderStatus::Placed && o.payment_status == PaymentStatus::Pending).then(|| view! {
                        " " <a class="button vnpay" href=format!("/thanh-toan/vnpay/{}", o.order_no)>{crate::payments::texts::PAY_WITH_VNPAY}</a>
                    })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// The order and the reader's side of it: `buyer`, `producer` or `officer`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrderPageData {
    pub order: OrderView,
    pub party: String,
    /// A buyer without the account the order was placed from (a guest browser): cancelling
    /// asks for the phone again.
    pub guest: bool,
    /// For its producer and officers: sending it through a carrier's account.
    pub waybill: Option<WaybillPanel>,
}

/// The order page's carrier part, for the producer and officers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WaybillPanel {
    /// The carriers the producer has an enabled account with; empty: only the manual form.
    pub carriers: Vec<CarrierName>,
    /// From the variants' net weights.
    pub weight_grams: i64,
    /// The order's total for cash on delivery, 0 when paid.
    pub cod_default: i64,
    pub cod_max: i64,
    /// A waybill made here: its fee and the cash to collect; the label can be printed.
    pub made: Option<(i64, i64)>,
}

/// Who reads the order `order_no` on a page: its party, and whether that is a guest buyer.
/// `None` for someone else's order: it does not exist, as far as this reader can tell.
#[cfg(feature = "ssr")]
pub async fn order_reader(
    cx: &crate::pages::PageContext,
    order_no: &str,
) -> Result<Option<(crate::shop::rules::order::Party, bool)>, sqlx::Error> {
    use crate::shop::rules::order::Party;
    let Some(keys) = crate::shop::storage::orders::keys(&cx.db, order_no).await? else {
        return Ok(None);
    };
    let actor = crate::auth::current_actor();
    let guest = crate::auth::current_guest_cart();
    let party = crate::shop::storage::orders::party_of(
        &cx.db,
        &keys,
        actor.as_ref(),
        guest.as_ref().map(|g| g.0.as_str()),
    )
    .await?;
    Ok(party.map(|party| {
        let guest = party == Party::Buyer
            && (actor.as_ref().map(|a| a.user_id.as_str()) != keys.buyer_user_id.as_deref()
                || keys.buyer_user_id.is_none());
        (party, guest)
    }))
}

#[server(prefix = "/fn")]
pub async fn get_order_page(order_no: String) -> Result<Option<OrderPageData>, ServerFnError> {
    use crate::shop::rules::order::Party;
    let cx = crate::pages::PageContext::get()?;
    let fail = |e| cx.failed("loading an order", e);
    let Some((party, guest)) = order_reader(&cx, &order_no).await.map_err(fail)? else {
        return Ok(None);
    };
    let order = crate::shop::storage::orders::view(&cx.db, &order_no)
        .await
        .map_err(fail)?;
    let waybill = if matches!(party, Party::Producer | Party::Officer) {
        waybill_panel(&cx.db, &order_no).await.map_err(fail)?
    } else {
        None
    };
    Ok(order.map(|order| OrderPageData {
        waybill,
        order,
        party: match party {
            Party::Producer => "producer",
            // Carriers and the system never read pages; named for completeness.
            Party::Officer | Party::System | Party::Carrier => "officer",
            Party::Buyer => "buyer",
        }
        .to_owned(),
        guest,
    }))
}

#[cfg(feature = "ssr")]
async fn waybill_panel(
    db: &crate::db::Db,
    order_no: &str,
) -> Result<Option<WaybillPanel>, sqlx::Error> {
    use crate::shop::storage::shipments;
    let Some(d) = shipments::draft(db, order_no).await? else {
        return Ok(None);
    };
    let carriers = shipments::enabled_carriers(db, &d.producer_id)
        .await?
        .iter()
        .filter_map(|c| CarrierName::parse(c))
        .collect();
    Ok(Some(WaybillPanel {
        carriers,
        weight_grams: d.weight_grams(),
        cod_default: d.default_cod(),
        cod_max: d.total_vnd,
        made: d
            .from_waybill
            .then(|| (d.fee_vnd.unwrap_or_default(), d.cod_vnd.unwrap_or_default())),
    }))
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("order_no").unwrap_or_default(),
        get_order_page,
    );
    loaded_page(data, move |d| view! { <OrderDetail data=d locale/> })
}

#[component]
fn OrderDetail(data: OrderPageData, locale: Locale) -> impl IntoView {
    let t = ShopTexts::of(locale);
    let money = locale.money();
    let o = data.order;
    let fulfils = data.party != "buyer";
    let producer = data.party == "producer";
    let guest = data.guest;
    let action = format!("/don-hang/{}/trang-thai", o.order_no);
    let (carriers, weight_grams, cod_default, cod_max, made) = match data.waybill {
        Some(w) => (w.carriers, w.weight_grams, w.cod_default, w.cod_max, w.made),
        None => (vec![], 0, 0, 0, None),
    };
    let title = (t.order_title)(&o.order_no);
    let progress = OrderStatus::PROGRESS;
    let reached = progress.iter().position(|s| *s == o.status);
    let can_cancel = match data.party.as_str() {
        "buyer" => o.status == OrderStatus::Placed,
        _ => matches!(o.status, OrderStatus::Placed | OrderStatus::Confirmed),
    };
    let awaiting_transfer = o.payment_method == PaymentMethod::BankTransfer
        && o.payment_status == PaymentStatus::Pending
        && matches!(o.status, OrderStatus::Placed | OrderStatus::Confirmed);
    view! {
        <Title text=title.clone()/>
        <main class="page shop narrow">
            <nav class="crumbs">
                {if fulfils {
                    view! { <a href="/ban-hang/don-hang">{crate::seller::texts::SellerTexts::of(locale).orders}</a> }.into_any()
                } else {
                    view! { <a href="/don-hang">{t.orders_title}</a> }.into_any()
                }}
            </nav>
            <h1>{title}</h1>
            <ShopNotice/>
            <crate::diary::recall::page::OrderRecalls order_no=o.order_no.clone()/>
            <p>
                <span class=format!("status {}", o.status.as_str())>{(t.status)(o.status)}</span>
                " · " {(t.payment_status)(o.payment_status)}
                " · " {t.placed_at} " " {local_time(&o.placed_at)}
            </p>
            {reached.map(|at| view! {
                <ol class="progress">
                    {progress.iter().enumerate().map(|(i, s)| view! {
                        <li class:done=i <= at aria-current=(i == at).then_some("step")>{(t.status)(*s)}</li>
                    }).collect_view()}
                </ol>
            })}
            {o.cancel_reason.clone().map(|r| view! { <p class="notice">{t.cancel_reason} ": " {(t.history_note)(&r)}</p> })}
            {o.carrier.clone().map(|c| view! {
                <p>{t.carrier} ": " {c} {o.tracking_no.clone().map(|n| view! { " · " {t.tracking_no} ": " <strong>{n}</strong> })}</p>
            })}
            <section class="payment" aria-labelledby="pay">
                <h2 id="pay">{t.payment} ": " {(t.method)(o.payment_method)}</h2>
                {match (o.payment_method, &o.transfer, &o.card_payment_url) {
                    (PaymentMethod::Cod, _, _) if matches!(o.status, OrderStatus::Placed | OrderStatus::Confirmed | OrderStatus::Shipped) =>
                        view! { <p>{(t.pay_cod)(&o.total.format(money))}</p> }.into_any(),
                    (PaymentMethod::BankTransfer, Some(tr), _) => view! {
                        <p>{t.pay_transfer}</p>
                        <img class="vietqr" src=tr.qr_path.clone() alt=t.qr_alt width="240" height="240"/>
                        <dl>
                            <dt>{t.bank}</dt><dd>{match &tr.bank_name {
                                Some(name) => format!("{name} ({})", tr.bank_bin),
                                None => tr.bank_bin.clone(),
                            }}</dd>
                            <dt>{t.account_no}</dt><dd><strong>{tr.account_no.clone()}</strong></dd>
                            <dt>{t.account_name}</dt><dd>{tr.account_name.clone()}</dd>
                            <dt>{t.amount}</dt><dd><strong>{o.total.format(money)}</strong></dd>
                            <dt>{t.transfer_content}</dt><dd><strong>{tr.purpose.clone()}</strong></dd>
                        </dl>
                    }.into_any(),
                    (PaymentMethod::Vnpay, _, _) if o.status == OrderStatus::Placed && o.payment_status == PaymentStatus::Pending => view! {
                        <p><a class="button vnpay" href=format!("/thanh-toan/vnpay/{}", o.order_no)>{crate::payments::texts::PAY_WITH_VNPAY}</a></p>
                    }.into_any(),
                    (PaymentMethod::Card, _, _) if o.status == OrderStatus::Placed && o.payment_status == PaymentStatus::Pending => view! {
                        <form method="post" action=format!("/don-hang/{}/the", o.order_no)>
                            <CsrfField/>
                            <button type="submit" class="button">{t.pay_card}</button>
                        </form>
                    }.into_any(),
                    _ => ().into_any(),
                }}
                {o.pay_by.clone().map(|at| view! { <p class="meta">{(t.pay_by)(&local_time(&at))}</p> })}
            </section>
            <section aria-labelledby="items">
                <h2 id="items">{(t.sold_by)(&o.producer_name)}</h2>
                <ul class="cart-lines">
                    {o.lines.into_iter().map(|l| view! {
                        <li>
                            <p class="line-name">{l.product_name.clone()} " · " {l.variant_label}</p>
                            <p class="line-price">{l.unit_price.format(money)} " × " {l.quantity} " = " <strong>{l.line_total.format(money)}</strong></p>
                            <crate::lot_sales::views::LineLots product=l.product_name lots=l.lots locale/>
                        </li>
                    }).collect_view()}
                </ul>
                <dl class="totals">
                    <dt>{t.subtotal}</dt><dd>{o.subtotal.format(money)}</dd>
                    <dt>{t.shipping}</dt><dd>{o.shipping.format(money)}</dd>
                    <dt>{t.total}</dt><dd><strong>{o.total.format(money)}</strong></dd>
                </dl>
                <p>{t.deliver_to} ": " {o.contact_name} " · " {o.contact_phone} " · " {o.address}</p>
                <p><a href=format!("/don-hang/{}/bien-nhan", o.order_no)>{t.receipt_link}</a></p>
            </section>
            {(!fulfils).then(|| view! { <crate::reviews::view::OrderReviews order_no=o.order_no.clone()/> })}
            <section aria-labelledby="history">
                <h2 id="history">{t.history}</h2>
                <ol class="history">
                    {o.history.into_iter().map(|h| view! {
                        <li>
                            <time datetime=h.at.clone()>{local_time(&h.at)}</time> " · "
                            <strong>{(t.status)(h.status)}</strong>
                            {(!h.note.is_empty()).then(|| view! { " · " {(t.history_note)(&h.note)} })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
            <crate::returns::view::OrderReturns order_no=o.order_no.clone()/>
            {fulfils.then(|| view! {
                <section class="fulfil" aria-labelledby="fulfil">
                    <h2 id="fulfil">{t.producer_actions}</h2>
                    {producer.then(|| view! {
                        <p><a class="button secondary" href=crate::lot_sales::packing_slip::slip_path(&o.order_no)>{crate::lot_sales::texts::LotSalesTexts::of(locale).slip_link}</a></p>
                    })}
                    {(o.payment_method == PaymentMethod::BankTransfer && o.payment_status == PaymentStatus::Refunding).then(|| view! {
                        <form method="post" action=format!("/don-hang/{}/hoan-tien", o.order_no) class="stack refund">
                            <h3>{crate::payments::texts::REFUND_BY_HAND}</h3>
                            <CsrfField/>
                            <label for="refund-reference">{crate::payments::texts::REFUND_REFERENCE}</label>
                            <input id="refund-reference" name="reference" required maxlength="100"/>
                            <button type="submit" class="button">{crate::payments::texts::REFUND_RECORD}</button>
                        </form>
                    })}
                    {(o.status == OrderStatus::Placed).then(|| view! {
                        <form method="post" action=action.clone()>
                            <CsrfField/><input type="hidden" name="action" value="confirm"/>
                            <button type="submit" class="button">{t.confirm}</button>
                        </form>
                    })}
                    {made.map(|(fee, cod)| view! {
                        <p>
                            {t.carrier_fee} ": " {Vnd::new(fee).map(|v| v.format(money)).unwrap_or_default()}
                            " · " {t.cod_amount} ": " {Vnd::new(cod).map(|v| v.format(money)).unwrap_or_default()}
                        </p>
                        {(o.status == OrderStatus::Confirmed).then(|| view! { <p class="notice">{t.waiting_pickup}</p> })}
                        <p><a class="button" href=format!("/don-hang/{}/nhan", o.order_no)>{t.print_label}</a></p>
                    })}
                    {(o.status == OrderStatus::Confirmed && made.is_none() && !carriers.is_empty()).then(|| view! {
                        <form method="post" action=format!("/don-hang/{}/van-don", o.order_no) class="stack waybill">
                            <h3>{t.waybill_title}</h3>
                            <p class="meta">{t.waybill_intro}</p>
                            <CsrfField/>
                            <label for="waybill-carrier">{t.carrier}</label>
                            <select id="waybill-carrier" name="carrier">
                                {carriers.iter().map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
                            </select>
                            <label for="weight">{t.parcel_weight}</label>
                            <input id="weight" name="weight_grams" type="number" inputmode="numeric" min="1" max=MAX_PARCEL_GRAMS required value=weight_grams/>
                            <label for="cod">{t.cod_amount}</label>
                            <input id="cod" name="cod_vnd" type="number" inputmode="numeric" min="0" max=cod_max required value=cod_default/>
                            <button type="submit" class="button">{t.create_waybill}</button>
                        </form>
                    })}
                    {(o.status == OrderStatus::Confirmed && made.is_none()).then(|| view! {
                        <form method="post" action=action.clone() class="stack">
                            {(!carriers.is_empty()).then(|| view! { <h3>{t.manual_ship}</h3> })}
                            <CsrfField/><input type="hidden" name="action" value="ship"/>
                            <label for="carrier">{t.carrier}</label>
                            <input id="carrier" name="carrier" required maxlength="200"/>
                            <label for="tracking">{t.tracking_no}</label>
                            <input id="tracking" name="tracking_no" maxlength="200"/>
                            <button type="submit" class="button">{t.ship}</button>
                        </form>
                    })}
                    {(o.status == OrderStatus::Shipped).then(|| view! {
                        <form method="post" action=action.clone()>
                            <CsrfField/><input type="hidden" name="action" value="deliver"/>
                            <button type="submit" class="button">{t.deliver}</button>
                        </form>
                    })}
                    {awaiting_transfer.then(|| view! {
                        <form method="post" action=action.clone()>
                            <CsrfField/><input type="hidden" name="action" value="paid"/>
                            <button type="submit" class="button">{t.mark_paid}</button>
                        </form>
                    })}
                </section>
            })}
            {can_cancel.then(|| view! {
                <details class="cancel">
                    <summary>{t.cancel}</summary>
                    <form method="post" action=action.clone() class="stack">
                        <CsrfField/><input type="hidden" name="action" value="cancel"/>
                        <label for="reason">{t.cancel_reason}</label>
                        <input id="reason" name="reason" required maxlength="200"/>
                        {guest.then(|| view! {
                            <label for="cancel-phone">{t.cancel_phone}</label>
                            <input id="cancel-phone" name="phone" type="tel" inputmode="tel" required autocomplete="tel" placeholder=t.phone_hint/>
                        })}
                        <button type="submit" class="button danger">{t.cancel}</button>
                    </form>
                </details>
            })}
        </main>
    }
}

#[component]
pub fn LookupPage() -> impl IntoView {
    let t = ShopTexts::of(use_locale());
    view! {
        <Title text=t.lookup_title/>
        <main class="page shop narrow">
            <h1>{t.lookup_title}</h1>
            <ShopNotice/>
            <p>{t.lookup_intro}</p>
            <form method="post" action="/tra-cuu-don-hang" class="stack">
                <CsrfField/>
                <label for="order_no">{t.order_no}</label>
                <input id="order_no" name="order_no" required maxlength="20" autocapitalize="characters" placeholder="DH…"/>
                <label for="phone">{t.phone}</label>
                <input id="phone" name="phone" type="tel" inputmode="tel" required placeholder=t.phone_hint/>
                <button type="submit" class="button">{t.open_order}</button>
            </form>
        </main>
    }
}
