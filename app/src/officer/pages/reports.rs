//! `/can-bo/bao-cao?tu=YYYY-MM&den=YYYY-MM`: sales per month (a chart), per commune and per
//! product in the officer's communes (every commune for an administrator), OCOP products by
//! stars and standing, and the CSV of month × commune × product.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    i18n::{Locale, use_locale},
    officer::model::SalesReport,
    pages::gate::{Gate, gate},
    seller::sales_page::{BarChart, SalesTable},
};

#[server(prefix = "/fn")]
pub async fn get_report(from: String, to: String) -> Result<Gate<SalesReport>, ServerFnError> {
    use crate::pages::gate::{gated, require_officer};
    gated(require_officer("/can-bo/bao-cao"), |actor, cx| async move {
        let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
        let (first, last) = crate::officer::storage::reports::period(&from, &to, cx.today);
        crate::officer::storage::reports::sales_report(&cx.db, scope, first, last, cx.today)
            .await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("building a report", e))
    })
    .await
}

struct ReportTexts {
    title: &'static str,
    period: fn(&str, &str) -> String,
    from: &'static str,
    to: &'static str,
    show: &'static str,
    totals: fn(i64, &str) -> String,
    per_month: &'static str,
    chart: fn(&str, &str) -> String,
    per_commune: &'static str,
    per_product: &'static str,
    ocop: &'static str,
    ocop_head: [&'static str; 4],
    csv: &'static str,
}

static VI: ReportTexts = ReportTexts {
    title: "Báo cáo",
    period: |f, t| format!("Từ tháng {f} đến hết tháng {t}"),
    from: "Từ tháng",
    to: "Đến tháng",
    show: "Xem",
    totals: |n, r| format!("{n} đơn hàng, doanh thu {r} (không tính đơn đã hủy hoặc hoàn tiền)."),
    per_month: "Doanh thu theo tháng",
    chart: |f, t| format!("Doanh thu theo tháng, {f} – {t}"),
    per_commune: "Theo xã",
    per_product: "Theo sản phẩm",
    ocop: "Sản phẩm OCOP theo hạng sao",
    ocop_head: [
        "Hạng sao",
        "Còn hiệu lực",
        "Trong đó sắp hết hạn (90 ngày)",
        "Đã hết hạn",
    ],
    csv: "Tải CSV (tháng × xã × sản phẩm)",
};

static EN: ReportTexts = ReportTexts {
    title: "Reports",
    period: |f, t| format!("From {f} to the end of {t}"),
    from: "From month",
    to: "To month",
    show: "Show",
    totals: |n, r| format!("{n} orders, revenue {r} (cancelled and refunded orders excluded)."),
    per_month: "Revenue per month",
    chart: |f, t| format!("Revenue per month, {f} – {t}"),
    per_commune: "Per commune",
    per_product: "Per product",
    ocop: "OCOP products by stars",
    ocop_head: [
        "Stars",
        "In force",
        "Of which expiring within 90 days",
        "Expired",
    ],
    csv: "Download CSV (month × commune × product)",
};

fn texts(locale: Locale) -> &'static ReportTexts {
    match locale {
        Locale::Vi => &VI,
        Locale::En => &EN,
    }
}

/// "11/2026" under a month's bar.
fn month_tick(label: &str) -> String {
    format!(
        "{}/{}",
        label.get(5..7).unwrap_or(""),
        label.get(2..4).unwrap_or("")
    )
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let data = Resource::new(crate::seller::sales_page::period_query(), |(from, to)| {
        get_report(from, to)
    });
    gate(data, |r| view! { <ReportView report=r/> })
}

#[component]
fn ReportView(report: SalesReport) -> impl IntoView {
    let locale = use_locale();
    let t = texts(locale);
    let seller = crate::seller::texts::SellerTexts::of(locale);
    let from = report.from.format("%Y-%m").to_string();
    let to = report.to.format("%Y-%m").to_string();
    let csv = format!("/can-bo/bao-cao.csv?tu={from}&den={to}");
    view! {
        <Title text=t.title/>
        <main class="page">
            <nav class="crumbs"><a href="/can-bo">"← /can-bo"</a></nav>
            <h1>{t.title}</h1>
            <form method="get" action="/can-bo/bao-cao" class="inline-form">
                <label>{t.from} " " <input type="month" name="tu" value=from.clone()/></label>
                <label>{t.to} " " <input type="month" name="den" value=to.clone()/></label>
                <button type="submit" class="button secondary">{t.show}</button>
            </form>
            <p>{(t.period)(&from, &to)} " " {(t.totals)(report.orders, &report.revenue.format(locale.money()))}</p>
            <h2>{t.per_month}</h2>
            <BarChart bars=report.months.clone() label=(t.chart)(&from, &to) tick=month_tick locale/>
            <SalesTable rows=report.months.into_iter().filter(|m| m.orders > 0).collect() first=t.per_month locale/>
            <h2>{t.per_commune}</h2>
            <SalesTable rows=report.communes first=t.per_commune locale/>
            <h2>{t.per_product}</h2>
            <SalesTable rows=report.products first=seller.per_product locale/>
            <p><a class="button secondary" href=csv download="">{t.csv}</a></p>
            <h2>{t.ocop}</h2>
            <table class="sales-table">
                <thead><tr>{t.ocop_head.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {report.ocop.into_iter().map(|s| view! {
                        <tr>
                            <th scope="row">{"★".repeat(usize::from(s.stars))}</th>
                            <td>{s.in_force}</td><td>{s.expiring}</td><td>{s.expired}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </main>
    }
}
