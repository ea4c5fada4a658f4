//! `/don-hang/{order_no}/bien-nhan`: a printable receipt of one order for its buyer, its
//! producer and officers — who sold (name, kind, address, phone, tax code when it has one),
//! to whom, what, for how much, and how it was paid. Not a VAT invoice, and it says so.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::{
    i18n::{Locale, use_locale},
    pages::loaded_page,
    shop::{
        model::OrderView, pages::orders::local_time, rules::order::PaymentStatus, texts::ShopTexts,
    },
};

/// The seller as its receipts name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellerIdentity {
    pub name: String,
    /// `household`, `cooperative`, … (the producer kinds).
    pub kind: String,
    pub address_line: String,
    pub commune_kind: String,
    pub commune_name: String,
    pub province_name: String,
    /// As people read it (`0912 345 678`).
    pub phone: Option<String>,
    pub tax_code: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReceiptData {
    pub order: OrderView,
    pub seller: SellerIdentity,
    /// When the money arrived (RFC 3339), for a paid order.
    pub paid_at: Option<String>,
}

#[cfg(feature = "ssr")]
pub mod storage {
    use super::SellerIdentity;
    use crate::db::Db;

    /// The seller of `order_no`, and when its payment arrived.
    pub async fn seller_of(
        db: &Db,
        order_no: &str,
    ) -> Result<Option<(SellerIdentity, Option<String>)>, sqlx::Error> {
        type Row = (
            String,
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = sqlx::query_as(SELLER_OF)
            .bind(order_no)
            .fetch_optional(db.pool())
            .await?;
        Ok(row.map(
            |(
                name,
                kind,
                address_line,
                commune_kind,
                commune_name,
                province_name,
                phone,
                tax_code,
                paid_at,
            )| {
                let phone = phone.map(crate::domain::phone::readable);
                (
                    SellerIdentity {
                        name,
                        kind,
                        address_line,
                        commune_kind,
                        commune_name,
                        province_name,
                        phone,
                        tax_code: tax_code.filter(|t| !t.trim().is_empty()),
                    },
                    paid_at,
                )
            },
        ))
    }

    crate::db::statements! {
        /// `seller_of`: the producer, its commune and province, and the paid payment's time.
        SELLER_OF = "SELECT p.name, p.kind, p.address_line, c.kind, c.name, pr.name, p.phone, p.tax_code,
                (SELECT MAX(pay.paid_at) FROM payments pay
                  WHERE pay.order_id = o.id AND pay.paid_at IS NOT NULL)
             FROM orders o
             JOIN producers p ON p.id = o.producer_id
             JOIN communes c ON c.id = p.commune_id
             JOIN provinces pr ON pr.id = c.province_id
            WHERE o.order_no = $1";
    }
}

#[server(prefix = "/fn")]
pub async fn get_receipt(order_no: String) -> Result<Option<ReceiptData>, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    let fail = |e| cx.failed("loading a receipt", e);
    // The same readers as the order page: someone else's order does not exist.
    if super::orders::order_reader(&cx, &order_no)
        .await
        .map_err(fail)?
        .is_none()
    {
        return Ok(None);
    }
    let order = crate::shop::storage::orders::view(&cx.db, &order_no)
        .await
        .map_err(fail)?;
    let seller = storage::seller_of(&cx.db, &order_no).await.map_err(fail)?;
    Ok(order
        .zip(seller)
        .map(|(order, (seller, paid_at))| ReceiptData {
            order,
            seller,
            paid_at,
        }))
}

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("order_no").unwrap_or_default(),
        get_receipt,
    );
    loaded_page(data, move |d| view! { <Receipt data=d locale/> })
}

#[component]
fn Receipt(data: ReceiptData, locale: Locale) -> impl IntoView {
    let t = ShopTexts::of(locale);
    let texts = locale.texts();
    let money = locale.money();
    let ReceiptData {
        order: o,
        seller: s,
        paid_at,
    } = data;
    let title = (t.receipt_title)(&o.order_no);
    let commune = crate::components::commune_name(&s.commune_kind, &s.commune_name, texts);
    let address = [s.address_line.trim(), &commune, &s.province_name]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let paid = match (o.payment_status, paid_at) {
        (PaymentStatus::Paid | PaymentStatus::Refunded, Some(at)) => {
            (t.receipt_paid_at)(&local_time(&at))
        }
        _ => (t.payment_status)(o.payment_status).to_owned(),
    };
    view! {
        <Title text=title.clone()/>
        <Meta name="robots" content="noindex"/>
        <main class="page narrow receipt">
            <p class="no-print"><a href=format!("/don-hang/{}", o.order_no)>{(t.order_title)(&o.order_no)}</a></p>
            <h1>{title}</h1>
            <p class="meta">{t.placed_at} " " {local_time(&o.placed_at)}
                " · " <span class=format!("status {}", o.status.as_str())>{(t.status)(o.status)}</span></p>
            <section aria-labelledby="seller">
                <h2 id="seller">{t.receipt_seller}</h2>
                <dl>
                    <dt>{t.receipt_seller_name}</dt>
                    <dd><strong>{s.name}</strong> " (" {(texts.producer_kind)(&s.kind)} ")"</dd>
                    <dt>{t.receipt_address}</dt><dd>{address}</dd>
                    {s.phone.map(|p| view! { <dt>{t.receipt_phone}</dt><dd>{p}</dd> })}
                    {s.tax_code.map(|c| view! { <dt>{t.receipt_tax_code}</dt><dd>{c}</dd> })}
                </dl>
            </section>
            <section aria-labelledby="buyer">
                <h2 id="buyer">{t.receipt_buyer}</h2>
                <p>{o.contact_name} " · " {o.contact_phone}</p>
                <p>{o.address}</p>
            </section>
            <section aria-labelledby="lines">
                <h2 id="lines">{t.receipt_lines}</h2>
                <table class="receipt-lines">
                    <thead><tr>
                        <th scope="col">{t.receipt_item}</th>
                        <th scope="col" class="num">{t.receipt_quantity}</th>
                        <th scope="col" class="num">{t.receipt_unit_price}</th>
                        <th scope="col" class="num">{t.receipt_amount}</th>
                    </tr></thead>
                    <tbody>
                        {o.lines.into_iter().map(|l| view! {
                            <tr>
                                <th scope="row">{l.product_name} " · " {l.variant_label}</th>
                                <td class="num">{l.quantity}</td>
                                <td class="num">{l.unit_price.format(money)}</td>
                                <td class="num">{l.line_total.format(money)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr><th scope="row" colspan="3">{t.subtotal}</th><td class="num">{o.subtotal.format(money)}</td></tr>
                        <tr><th scope="row" colspan="3">{t.shipping}</th><td class="num">{o.shipping.format(money)}</td></tr>
                        <tr><th scope="row" colspan="3">{t.total}</th><td class="num"><strong>{o.total.format(money)}</strong></td></tr>
                    </tfoot>
                </table>
            </section>
            <p>{t.payment} ": " {(t.method)(o.payment_method)} " · " {paid}</p>
            <p class="hint">{t.receipt_not_invoice}</p>
            <p class="hint no-print">{t.receipt_print_hint}</p>
        </main>
    }
}
