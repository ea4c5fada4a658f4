//! `/ban-hang/doi-soat-cod?tu=…&den=…`: the producer's cash on delivery reconciliation — per
//! cash-on-delivery order a carrier carried, the cash it was to collect, what it reports
//! collected and the difference; rows with a difference or no report stand out. The same as
//! CSV at `/ban-hang/doi-soat-cod.csv` (server crate, `seller::forms::cod_csv`).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    domain::money::Vnd,
    i18n::{Locale, use_locale},
    pages::gate::{Gate, gate},
    seller::{
        cod::{CodCheck, CodReport},
        sales_page::period_query,
        texts::SellerTexts,
    },
    shop::{pages::orders::local_time, rules::shipment::CarrierName, texts::ShopTexts},
};

/// The page's words, in both languages.
pub struct CodTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub order: &'static str,
    pub carrier: &'static str,
    pub tracking_no: &'static str,
    pub status: &'static str,
    pub expected: &'static str,
    pub collected: &'static str,
    pub difference: &'static str,
    pub total: &'static str,
    pub none: &'static str,
    pub not_reported: &'static str,
    pub in_transit: &'static str,
    pub returned: &'static str,
    pub flagged: fn(usize) -> String,
}

impl CodTexts {
    pub fn of(locale: Locale) -> &'static CodTexts {
        match locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }

    /// What the difference column says for a row.
    pub fn check(&self, check: CodCheck, money: impl Fn(i64) -> String) -> String {
        match check {
            CodCheck::Matches => money(0),
            CodCheck::Differs(d) if d > 0 => format!("+{}", money(d)),
            CodCheck::Differs(d) => format!("−{}", money(-d)),
            CodCheck::NotReported => self.not_reported.to_owned(),
            CodCheck::InTransit => self.in_transit.to_owned(),
            CodCheck::Returned => self.returned.to_owned(),
        }
    }
}

static VI: CodTexts = CodTexts {
    title: "Đối soát tiền thu hộ (COD)",
    intro: "Các đơn thanh toán khi nhận hàng gửi qua đơn vị vận chuyển, theo ngày tạo vận đơn: tiền phải thu, tiền đơn vị vận chuyển báo đã thu và chênh lệch.",
    order: "Đơn hàng",
    carrier: "Đơn vị vận chuyển",
    tracking_no: "Mã vận đơn",
    status: "Trạng thái",
    expected: "Phải thu",
    collected: "Đã báo thu",
    difference: "Chênh lệch",
    total: "Tổng",
    none: "Không có đơn thu hộ nào gửi qua đơn vị vận chuyển trong khoảng này.",
    not_reported: "Đã giao, chưa báo thu",
    in_transit: "Đang giao",
    returned: "Hoàn về, không thu",
    flagged: |n| format!("{n} đơn cần kiểm tra (lệch tiền hoặc chưa báo thu)."),
};

static EN: CodTexts = CodTexts {
    title: "Cash on delivery reconciliation",
    intro: "Cash-on-delivery orders sent through a carrier, by the day the waybill was made: the cash to collect, what the carrier reports collected, and the difference.",
    order: "Order",
    carrier: "Carrier",
    tracking_no: "Tracking no.",
    status: "Status",
    expected: "To collect",
    collected: "Reported collected",
    difference: "Difference",
    total: "Total",
    none: "No cash-on-delivery order was sent through a carrier in this period.",
    not_reported: "Delivered, not reported",
    in_transit: "On its way",
    returned: "Returned, nothing to collect",
    flagged: |n| format!("{n} orders to check (a difference, or no report)."),
};

#[server(prefix = "/fn")]
pub async fn get_cod_report(from: String, to: String) -> Result<Gate<CodReport>, ServerFnError> {
    use crate::pages::gate::{gated, require_producer_member};
    gated(
        require_producer_member("/ban-hang/doi-soat-cod"),
        |actor, cx| async move {
            let ids = actor.producer_ids();
            let (from, to) = crate::seller::sales_page::season(&from, &to, cx.today);
            crate::seller::cod_storage::report(&cx.db, &ids, from, to)
                .await
                .map(Gate::Allowed)
                .map_err(|e| cx.failed("loading the COD reconciliation", e))
        },
    )
    .await
}

#[component]
pub fn CodPage() -> impl IntoView {
    let data = Resource::new(period_query(), |(from, to)| get_cod_report(from, to));
    gate(data, |r| view! { <Cod report=r/> })
}

#[component]
fn Cod(report: CodReport) -> impl IntoView {
    let locale = use_locale();
    let t = CodTexts::of(locale);
    let seller = SellerTexts::of(locale);
    let shop = ShopTexts::of(locale);
    let money = move |d: i64| {
        Vnd::new(d.abs())
            .map(|v| v.format(locale.money()))
            .unwrap_or_default()
    };
    let (from, to) = (report.from.to_string(), report.to.to_string());
    let csv = format!("/ban-hang/doi-soat-cod.csv?tu={from}&den={to}");
    let signed = move |d: i64| match d {
        d if d < 0 => format!("−{}", money(d)),
        d if d > 0 => format!("+{}", money(d)),
        _ => money(0),
    };
    view! {
        <Title text=t.title/>
        <main class="page narrow seller">
            <nav class="crumbs"><a href="/ban-hang">{seller.shop_title}</a></nav>
            <h1>{t.title}</h1>
            <p>{t.intro}</p>
            <form method="get" action="/ban-hang/doi-soat-cod" class="inline">
                <label>{seller.from} <input type="date" name="tu" value=from.clone()/></label>
                <label>{seller.to} <input type="date" name="den" value=to.clone()/></label>
                <button type="submit" class="button secondary">{seller.show}</button>
            </form>
            {(report.flagged > 0).then(|| view! { <p class="notice" role="status">{(t.flagged)(report.flagged)}</p> })}
            {if report.rows.is_empty() {
                view! { <p>{t.none}</p> }.into_any()
            } else {
                view! {
                    <table class="sales-table cod-table">
                        <thead><tr>
                            <th scope="col">{t.order}</th><th scope="col">{t.carrier}</th>
                            <th scope="col">{t.tracking_no}</th><th scope="col">{t.status}</th>
                            <th scope="col">{t.expected}</th><th scope="col">{t.collected}</th>
                            <th scope="col">{t.difference}</th>
                        </tr></thead>
                        <tbody>
                            {report.rows.into_iter().map(|r| view! {
                                <tr class:stands-out=r.check.stands_out()>
                                    <th scope="row">
                                        <a href=format!("/don-hang/{}", r.order_no)>{r.order_no.clone()}</a>
                                        <small>{local_time(&r.sent_at)}</small>
                                    </th>
                                    <td>{CarrierName::parse(&r.carrier).map_or(r.carrier.clone(), |c| c.label().to_owned())}</td>
                                    <td>{r.tracking_no}</td>
                                    <td>{(shop.status)(r.status)}</td>
                                    <td class="price">{money(r.expected)}</td>
                                    <td class="price">{r.collected.map(money).unwrap_or_default()}</td>
                                    <td class="price">{t.check(r.check, money)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                        <tfoot><tr>
                            <th scope="row" colspan="4">{t.total}</th>
                            <td class="price">{money(report.expected)}</td>
                            <td class="price">{money(report.collected)}</td>
                            <td class="price">{signed(report.difference)}</td>
                        </tr></tfoot>
                    </table>
                }.into_any()
            }}
            <p><a class="button secondary" href=csv download="">{seller.download_csv}</a></p>
        </main>
    }
}
