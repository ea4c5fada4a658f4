//! `/ban-hang/don-hang/{order_no}/phieu-dong-goi`: a printable packing slip of one order for
//! its producer's people — each line, its quantity and the lots it is taken from (code, harvest
//! day, units from each), so the right boxes go in the parcel. Anyone else finds no such page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::{
    i18n::{Locale, use_locale},
    lot_sales::{model::PackingSlip, texts::LotSalesTexts},
    pages::gate::{Gate, gate_or_404},
    shop::{pages::orders::local_time, texts::ShopTexts},
};

/// The path of an order's packing slip.
pub fn slip_path(order_no: &str) -> String {
    format!("/ban-hang/don-hang/{order_no}/phieu-dong-goi")
}

#[server(prefix = "/fn")]
pub async fn get_packing_slip(
    order_no: String,
) -> Result<Gate<Option<PackingSlip>>, ServerFnError> {
    use crate::auth::{Action, authorize};
    use crate::pages::gate::{gated, require_signed_in};
    let back = slip_path(&order_no);
    gated(require_signed_in(&back), |actor, cx| async move {
        if order_no.len() > 40 {
            return Ok(Gate::Allowed(None));
        }
        let found = crate::lot_sales::storage::packing_slip(&cx.db, &order_no)
            .await
            .map_err(|e| cx.failed("loading a packing slip", e))?;
        // Another producer's order, or someone else's: as if there were none.
        Ok(Gate::Allowed(found.and_then(|(producer_id, slip)| {
            let producer_id = producer_id.as_str();
            authorize(Some(&actor), Action::FulfilOrders { producer_id })
                .is_ok()
                .then_some(slip)
        })))
    })
    .await
}

#[component]
pub fn PackingSlipPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("order_no").unwrap_or_default(),
        get_packing_slip,
    );
    gate_or_404(data, move |slip| view! { <Slip slip locale/> })
}

#[component]
fn Slip(slip: PackingSlip, locale: Locale) -> impl IntoView {
    let t = LotSalesTexts::of(locale);
    let shop = ShopTexts::of(locale);
    let texts = locale.texts();
    let title = (t.slip_title)(&slip.order_no);
    view! {
        <Title text=title.clone()/>
        <Meta name="robots" content="noindex"/>
        <main class="page narrow packing-slip">
            <p class="no-print">
                <a href=format!("/don-hang/{}", slip.order_no)>{(shop.order_title)(&slip.order_no)}</a>
                " · " {t.slip_print}
            </p>
            <h1>{title}</h1>
            <p class="meta">
                <strong>{slip.producer_name.clone()}</strong>
                " · " {t.slip_order} " " <strong>{slip.order_no.clone()}</strong>
                " · " {shop.placed_at} " " {local_time(&slip.placed_at)}
                " · " <span class=format!("status {}", slip.status.as_str())>{(shop.status)(slip.status)}</span>
            </p>
            <p>{t.slip_to} ": " <strong>{slip.contact_name.clone()}</strong> " · " {slip.address.clone()}</p>
            <table class="slip-lines">
                <thead><tr>
                    <th scope="col">{t.slip_product}</th>
                    <th scope="col" class="num">{t.slip_quantity}</th>
                    <th scope="col">{t.slip_lots}</th>
                </tr></thead>
                <tbody>
                    {slip.lines.into_iter().map(|l| {
                        let unassigned = l.unassigned();
                        view! {
                            <tr>
                                <th scope="row">{l.product_name} " · " {l.variant_label}</th>
                                <td class="num">{l.quantity}</td>
                                <td>
                                    <ul class="slip-lots">
                                        {l.lots.into_iter().map(|lot| view! {
                                            <li class="slip-lot">
                                                {t.slip_lot} " " <code>{lot.code}</code>
                                                {lot.harvested_on.map(|d| view! { " · " {t.slip_harvested} " " {(texts.date)(d)} })}
                                                " · " <strong>{lot.quantity}</strong>
                                            </li>
                                        }).collect_view()}
                                        {(unassigned > 0).then(|| view! {
                                            <li class="slip-unassigned">{(t.slip_unassigned)(unassigned)}</li>
                                        })}
                                    </ul>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </main>
    }
}
