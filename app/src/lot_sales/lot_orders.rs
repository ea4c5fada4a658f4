//! The orders section of a lot's page: which orders took units from the lot (number, day,
//! status, units) and how many units are left, for the lot's producer, the officers of the
//! commune it grows in and administrators. Public visitors see nothing of it; no buyer's
//! contact is shown here.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    i18n::Locale,
    lot_sales::{model::LotOrder, texts::LotSalesTexts},
    shop::{pages::orders::local_time, texts::ShopTexts},
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotOrders {
    pub orders: Vec<LotOrder>,
    /// Units of the lot still on sale (none: never put on sale with units).
    pub units_left: Option<i64>,
}

/// The lot's orders when the reader may see them (`None` otherwise, and for no such lot). The
/// lot is looked up as its page is: `gtin` set, `key` is its code; otherwise its id.
#[server(prefix = "/fn")]
pub async fn get_lot_orders(
    key: String,
    gtin: Option<String>,
) -> Result<Option<LotOrders>, ServerFnError> {
    use crate::auth::{Action, authorize};
    use crate::diary::trace_storage::{LotKey, find_lot};
    let cx = crate::pages::PageContext::get()?;
    let Some(viewer) = crate::auth::current_actor() else {
        return Ok(None);
    };
    let code = key.trim().to_ascii_uppercase();
    let gtin = match gtin.as_deref().map(crate::diary::gs1::Gtin::parse) {
        Some(Ok(gtin)) => Some(gtin),
        // A mistyped GTIN is a page that does not exist.
        Some(Err(_)) => return Ok(None),
        None => None,
    };
    let lookup = match &gtin {
        Some(gtin) => LotKey::Gs1 {
            gtin: gtin.as_str(),
            lot_code: &code,
        },
        None => LotKey::Id(&key),
    };
    let fail = |e| cx.failed("loading a lot's orders", e);
    let Some(found) = find_lot(&cx.db, lookup, Some(&viewer))
        .await
        .map_err(fail)?
    else {
        return Ok(None);
    };
    let storage = crate::lot_sales::storage::lot_people(&cx.db, &found.id);
    let Some((producer_id, commune_id)) = storage.await.map_err(fail)? else {
        return Ok(None);
    };
    let action = Action::SeeLotSales {
        producer_id: &producer_id,
        commune_id: &commune_id,
    };
    if authorize(Some(&viewer), action).is_err() {
        return Ok(None);
    }
    let orders = crate::lot_sales::storage::orders_of_lot(&cx.db, &found.id)
        .await
        .map_err(fail)?;
    let units_left = crate::lot_sales::storage::units_left(&cx.db, &found.id)
        .await
        .map_err(fail)?;
    Ok(Some(LotOrders { orders, units_left }))
}

/// The lot page's orders section; nothing for a reader who may not see it.
#[component]
pub fn LotOrdersSection(
    orders: Resource<Result<Option<LotOrders>, ServerFnError>>,
    locale: Locale,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || orders.get().and_then(|r| r.ok().flatten()).map(|data| view! { <LotOrdersView data locale/> })}
        </Suspense>
    }
}

#[component]
fn LotOrdersView(data: LotOrders, locale: Locale) -> impl IntoView {
    let t = LotSalesTexts::of(locale);
    let shop = ShopTexts::of(locale);
    let sold: i64 = data
        .orders
        .iter()
        .filter(|o| !o.status.returns_stock())
        .map(|o| o.quantity)
        .sum();
    view! {
        <section aria-labelledby="lot-orders" class="lot-orders">
            <h2 id="lot-orders">{t.lot_orders_heading}</h2>
            <p class="meta">{t.lot_orders_intro}</p>
            <p>
                {data.units_left.map(|n| view! { {(t.units_left)(n)} " · " })}
                {(t.units_total)(sold)}
            </p>
            {if data.orders.is_empty() {
                view! { <p class="muted">{t.lot_orders_none}</p> }.into_any()
            } else {
                view! {
                    <table class="lot-order-list">
                        <thead><tr>
                            <th scope="col">{t.order_no}</th>
                            <th scope="col">{t.placed_on}</th>
                            <th scope="col">{t.status}</th>
                            <th scope="col" class="num">{t.quantity}</th>
                        </tr></thead>
                        <tbody>
                            {data.orders.into_iter().map(|o| view! {
                                <tr>
                                    <th scope="row"><a href=format!("/don-hang/{}", o.order_no)>{o.order_no.clone()}</a></th>
                                    <td>{local_time(&o.placed_at)}</td>
                                    <td><span class=format!("status {}", o.status.as_str())>{(shop.status)(o.status)}</span></td>
                                    <td class="num">{o.quantity}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
