//! The producer's orders to fulfil (`/ban-hang/don-hang?trang-thai=…`, each opening the order
//! page where it is confirmed, shipped, delivered or cancelled) and the sales summary
//! (`/ban-hang/doanh-thu?tu=…&den=…`): revenue per week as a server-drawn SVG chart, per
//! product as a table, and the same as CSV.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    i18n::{Locale, use_locale},
    pages::gate::{Gate, gate},
    seller::{
        model::{FulfilOrder, SalesRow, SalesSummary},
        texts::SellerTexts,
    },
    shop::{pages::orders::local_time, rules::order::OrderStatus, texts::ShopTexts},
};

#[server(prefix = "/fn")]
pub async fn get_seller_orders(status: String) -> Result<Gate<Vec<FulfilOrder>>, ServerFnError> {
    use crate::pages::gate::{gated, require_producer_member};
    gated(
        require_producer_member("/ban-hang/don-hang"),
        |actor, cx| async move {
            let ids = actor.producer_ids();
            crate::shop::storage::orders::of_producers(&cx.db, &ids, OrderStatus::parse(&status))
                .await
                .map(Gate::Allowed)
                .map_err(|e| cx.failed("loading a producer's orders", e))
        },
    )
    .await
}

#[component]
pub fn SellerOrdersPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.read().get("trang-thai").unwrap_or_default(),
        get_seller_orders,
    );
    gate(data, move |orders| view! { <SellerOrders orders/> })
}

#[component]
fn SellerOrders(orders: Vec<FulfilOrder>) -> impl IntoView {
    let locale = use_locale();
    let t = SellerTexts::of(locale);
    let shop = ShopTexts::of(locale);
    let current = use_query_map().with_untracked(|q| q.get("trang-thai").unwrap_or_default());
    let filter = |value: &'static str, label: &'static str| {
        let href = if value.is_empty() {
            "/ban-hang/don-hang".to_owned()
        } else {
            format!("/ban-hang/don-hang?trang-thai={value}")
        };
        let here = current == value;
        view! { <a href=href class="chip" aria-current=here.then_some("page")>{label}</a> }
    };
    view! {
        <Title text=t.orders/>
        <main class="page narrow seller">
            <nav class="crumbs"><a href="/ban-hang">{t.shop_title}</a></nav>
            <h1>{t.orders}</h1>
            <nav class="chips">
                {filter("", t.all)}
                {OrderStatus::ALL.iter().map(|s| filter(s.as_str(), (shop.status)(*s))).collect_view()}
            </nav>
            {orders.is_empty().then(|| view! { <p>{t.no_orders}</p> })}
            <ul class="order-list">
                {orders.into_iter().map(|o| view! {
                    <li>
                        <a href=format!("/don-hang/{}", o.summary.order_no)><strong>{o.summary.order_no.clone()}</strong></a>
                        " · " {o.contact_name}
                        " · " {(t.items)(o.items)}
                        " · " {o.summary.total.format(locale.money())}
                        <span class=format!("status {}", o.summary.status.as_str())>{(shop.status)(o.summary.status)}</span>
                        <small>{(shop.method)(o.summary.payment_method)} " · " {(shop.payment_status)(o.summary.payment_status)} " · " {local_time(&o.summary.placed_at)}</small>
                    </li>
                }).collect_view()}
            </ul>
        </main>
    }
}

#[server(prefix = "/fn")]
pub async fn get_sales(from: String, to: String) -> Result<Gate<SalesSummary>, ServerFnError> {
    use crate::pages::gate::{gated, require_producer_member};
    gated(
        require_producer_member("/ban-hang/doanh-thu"),
        |actor, cx| async move {
            let ids = actor.producer_ids();
            let (from, to) = season(&from, &to, cx.today);
            crate::seller::sales_storage::summary(&cx.db, &ids, from, to)
                .await
                .map(Gate::Allowed)
                .map_err(|e| cx.failed("loading sales", e))
        },
    )
    .await
}

/// The season asked for; by default the twelve weeks up to today.
pub fn season(
    from: &str,
    to: &str,
    today: chrono::NaiveDate,
) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let parse = |t: &str| chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
    let to = parse(to).unwrap_or(today);
    let from = parse(from)
        .filter(|f| *f <= to && (to - *f).num_days() <= 366 * 2)
        .unwrap_or(to - chrono::Days::new(83));
    (from, to)
}

/// The page's `?tu=` and `?den=` (as typed; the server function reads and bounds them), to
/// drive a resource that reloads when they change.
pub(crate) fn period_query() -> impl Fn() -> (String, String) + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        let q = query.read();
        (
            q.get("tu").unwrap_or_default(),
            q.get("den").unwrap_or_default(),
        )
    }
}

#[component]
pub fn SalesPage() -> impl IntoView {
    let data = Resource::new(period_query(), |(from, to)| get_sales(from, to));
    gate(data, |s| view! { <Sales summary=s/> })
}

#[component]
fn Sales(summary: SalesSummary) -> impl IntoView {
    let locale = use_locale();
    let t = SellerTexts::of(locale);
    let money = locale.money();
    let (from, to) = (summary.from.to_string(), summary.to.to_string());
    let csv = format!("/ban-hang/doanh-thu.csv?tu={from}&den={to}");
    view! {
        <Title text=t.sales/>
        <main class="page narrow seller">
            <nav class="crumbs"><a href="/ban-hang">{t.shop_title}</a></nav>
            <h1>{t.sales}</h1>
            <form method="get" action="/ban-hang/doanh-thu" class="inline">
                <label>{t.from} <input type="date" name="tu" value=from.clone()/></label>
                <label>{t.to} <input type="date" name="den" value=to.clone()/></label>
                <button type="submit" class="button secondary">{t.show}</button>
            </form>
            <p class="grand-total">
                {t.revenue} ": " <strong>{summary.revenue.format(money)}</strong>
                " · " {t.order_count} ": " <strong>{summary.orders}</strong>
            </p>
            <h2>{t.per_week}</h2>
            <BarChart bars=summary.weeks.clone() label=(t.chart_label)(&from, &to) tick=week_tick locale/>
            // The chart shows the empty weeks; the table lists the weeks that sold.
            <SalesTable rows=summary.weeks.into_iter().filter(|w| w.orders > 0).collect() first=t.week_of locale/>
            <h2>{t.per_product}</h2>
            <SalesTable rows=summary.products first=t.per_product locale/>
            <p><a class="button secondary" href=csv download="">{t.download_csv}</a></p>
        </main>
    }
}

/// A week's tick: "17/11" for the week of 2025-11-17.
fn week_tick(label: &str) -> String {
    label.get(8..10).unwrap_or("").to_owned() + "/" + label.get(5..7).unwrap_or("")
}

/// Revenue per period (weeks, months) as bars, drawn on the server: no chart library in the
/// page. `tick` shortens a row's label under its bar.
#[component]
pub fn BarChart(
    bars: Vec<SalesRow>,
    label: String,
    tick: fn(&str) -> String,
    locale: Locale,
) -> impl IntoView {
    let weeks = bars;
    const W: i64 = 640;
    const H: i64 = 220;
    const BASE: i64 = 190;
    let max = weeks
        .iter()
        .map(|w| w.revenue.dong())
        .max()
        .unwrap_or(0)
        .max(1);
    let n = weeks.len().max(1) as i64;
    let slot = W / n;
    let bar = (slot * 7 / 10).max(2);
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=label preserveAspectRatio="none">
            <line x1="0" y1=BASE x2=W y2=BASE class="axis"/>
            {weeks.into_iter().enumerate().map(|(i, w)| {
                let h = w.revenue.dong() * (BASE - 10) / max;
                let x = i as i64 * slot + (slot - bar) / 2;
                let title = format!("{}: {}", w.label, w.revenue.format(locale.money()));
                let day = tick(&w.label);
                view! {
                    <g>
                        <title>{title}</title>
                        <rect x=x y=BASE - h width=bar height=h class="bar"/>
                        {(n <= 16 || i % 2 == 0).then(|| view! {
                            <text x=x + bar / 2 y=H - 8 text-anchor="middle">{day}</text>
                        })}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

#[component]
pub fn SalesTable(rows: Vec<SalesRow>, first: &'static str, locale: Locale) -> impl IntoView {
    let t = SellerTexts::of(locale);
    view! {
        <table class="sales-table">
            <thead><tr>
                <th scope="col">{first}</th><th scope="col">{t.order_count}</th>
                <th scope="col">{t.units}</th><th scope="col">{t.revenue}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <th scope="row">{r.label}</th><td>{r.orders}</td><td>{r.units}</td>
                        <td class="price">{r.revenue.format(locale.money())}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
