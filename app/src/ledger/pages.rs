//! The ledger's pages: a producer's monthly statement (`/ban-hang/sao-ke?thang=YYYY-MM`, CSV at
//! `/ban-hang/sao-ke.csv`) and the administrator's settlement page (`/quan-tri/doi-soat`:
//! balances owed, the payout form, the month's withholding report, CSV at
//! `/quan-tri/khau-tru-thue.csv`). The server crate's `ledger` module has the forms and CSVs.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{
    model::Month,
    texts::{LedgerRefusal, LedgerTexts, percent},
};
use crate::{
    auth::pages::CsrfField,
    domain::money::Vnd,
    i18n::{Locale, use_locale},
    pages::gate::{Gate, gate},
    shop::pages::orders::local_time,
};

/// The statements of the producers the user works for, for one month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statements {
    pub month: Month,
    pub producers: Vec<(String, StatementView)>,
}

/// A statement, as the page needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementView {
    pub producer_name: String,
    pub opening: i64,
    pub lines: Vec<StatementLineView>,
    pub closing: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLineView {
    pub posted_at: String,
    pub kind: super::rules::EntryKind,
    pub order_no: Option<String>,
    pub reference: Option<String>,
    pub amount: i64,
}

/// The month in the query (`thang`), or this month in Vietnam.
pub fn month_or_now(query: &str) -> Month {
    Month::parse(query).unwrap_or_else(|_| Month::of(chrono::Utc::now()))
}

#[server(prefix = "/fn")]
pub async fn get_statements(month: String) -> Result<Gate<Statements>, ServerFnError> {
    use crate::pages::gate::{gated, require_producer_member};
    gated(
        require_producer_member("/ban-hang/sao-ke"),
        |actor, cx| async move {
            let month = month_or_now(&month);
            let load = async {
                let mut producers = vec![];
                for id in actor.producer_ids() {
                    if let Some(s) = super::storage::statement(&cx.db, id, month).await? {
                        producers.push((id.to_owned(), StatementView::from(s)));
                    }
                }
                Ok::<_, sqlx::Error>(Statements { month, producers })
            };
            load.await
                .map(Gate::Allowed)
                .map_err(|e| cx.failed("loading statements", e))
        },
    )
    .await
}

#[cfg(feature = "ssr")]
impl From<super::storage::Statement> for StatementView {
    fn from(s: super::storage::Statement) -> Self {
        StatementView {
            producer_name: s.producer_name,
            opening: s.opening,
            closing: s.closing,
            lines: s
                .lines
                .into_iter()
                .map(|l| StatementLineView {
                    posted_at: l.posted_at,
                    kind: l.kind,
                    order_no: l.order_no,
                    reference: l.reference,
                    amount: l.amount,
                })
                .collect(),
        }
    }
}

fn month_query() -> impl Fn() -> String + Send + Sync + 'static {
    let q = use_query_map();
    move || q.with(|q| q.get("thang").unwrap_or_default())
}

/// Signed dong: "−12.000 ₫" for a negative amount.
fn signed(d: i64, locale: Locale) -> String {
    let v = Vnd::new(d.checked_abs().unwrap_or(0))
        .map(|v| v.format(locale.money()))
        .unwrap_or_default();
    if d < 0 { format!("−{v}") } else { v }
}

#[component]
pub fn StatementPage() -> impl IntoView {
    let month = month_query();
    let data = Resource::new(month, get_statements);
    gate(data, |s| view! { <StatementsView statements=s/> })
}

#[component]
fn StatementsView(statements: Statements) -> impl IntoView {
    let locale = use_locale();
    let t = LedgerTexts::of(locale);
    let month = statements.month.to_string();
    view! {
        <Title text=t.statement_title/>
        <main class="page narrow seller">
            <h1>{t.statement_title}</h1>
            <p>{t.statement_intro}</p>
            <form method="get" action="/ban-hang/sao-ke" class="inline">
                <label>{t.month}" "<input type="month" name="thang" value=month.clone()/></label>
                <button type="submit" class="button secondary">{t.show}</button>
            </form>
            {statements.producers.into_iter().map(|(id, s)| {
                let csv = format!("/ban-hang/sao-ke.csv?thang={month}&co_so={id}");
                view! {
                    <section class="statement">
                        <h2>{s.producer_name.clone()}</h2>
                        <p>{t.opening}": "<strong>{signed(s.opening, locale)}</strong></p>
                        {if s.lines.is_empty() {
                            view! { <p>{t.no_entries}</p> }.into_any()
                        } else {
                            view! {
                                <table class="sales-table statement-table">
                                    <thead><tr>
                                        <th scope="col">{t.date}</th><th scope="col">{t.entry}</th>
                                        <th scope="col">{t.order}</th><th scope="col">{t.reference}</th>
                                        <th scope="col">{t.amount}</th>
                                    </tr></thead>
                                    <tbody>
                                        {s.lines.into_iter().map(|l| view! {
                                            <tr>
                                                <td>{local_time(&l.posted_at)}</td>
                                                <td>{(t.kind)(l.kind)}</td>
                                                <td>{l.order_no.map(|no| view! { <a href=format!("/don-hang/{no}")>{no.clone()}</a> })}</td>
                                                <td>{l.reference}</td>
                                                <td class="price">{signed(l.amount, locale)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                        <p>{t.closing}": "<strong>{signed(s.closing, locale)}</strong></p>
                        <p><a class="button secondary" href=csv download="">{t.download_csv}</a></p>
                    </section>
                }
            }).collect_view()}
        </main>
    }
}

/// The administrator's settlement page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    pub month: Month,
    /// (producer id, name, owed).
    pub balances: Vec<(String, String, i64)>,
    /// (producer name, revenue, VAT, PIT).
    pub withholding: Vec<(String, i64, i64, i64)>,
    /// Basis points: fee, VAT, PIT.
    pub rates: (u16, u16, u16),
}

#[server(prefix = "/fn")]
pub async fn get_settlement(month: String) -> Result<Gate<Settlement>, ServerFnError> {
    use crate::pages::gate::{gated, require};
    gated(
        require("/quan-tri/doi-soat", |a| {
            crate::auth::authorize(Some(a), crate::auth::Action::Administer)
        }),
        |_, cx| async move {
            let month = month_or_now(&month);
            let load = async {
                let rates = super::storage::rates(&cx.db).await?;
                let balances = super::storage::balances(&cx.db).await?;
                let withholding = super::storage::withholding_report(&cx.db, month).await?;
                Ok::<_, sqlx::Error>(Settlement {
                    month,
                    balances: balances
                        .into_iter()
                        .map(|b| (b.producer_id, b.producer_name, b.owed))
                        .collect(),
                    withholding: withholding
                        .into_iter()
                        .map(|w| (w.producer_name, w.revenue, w.vat, w.pit))
                        .collect(),
                    rates: (
                        rates.marketplace_fee.basis_points(),
                        rates.vat.basis_points(),
                        rates.pit.basis_points(),
                    ),
                })
            };
            load.await
                .map(Gate::Allowed)
                .map_err(|e| cx.failed("loading the settlement page", e))
        },
    )
    .await
}

#[component]
pub fn SettlementPage() -> impl IntoView {
    let month = month_query();
    let data = Resource::new(month, get_settlement);
    gate(data, |s| view! { <SettlementView settlement=s/> })
}

#[component]
fn SettlementView(settlement: Settlement) -> impl IntoView {
    let locale = use_locale();
    let t = LedgerTexts::of(locale);
    let month = settlement.month.to_string();
    let (fee, vat, pit) = settlement.rates;
    let notice = use_query_map().with_untracked(|q| {
        if let Some(r) = q.get("loi").as_deref().and_then(LedgerRefusal::parse) {
            Some(view! { <p class="notice error" role="alert">{(t.refusal)(r)}</p> }.into_any())
        } else {
            q.get("ok")
                .map(|_| view! { <p class="notice ok" role="status">{t.saved}</p> }.into_any())
        }
    });
    let csv = format!("/quan-tri/khau-tru-thue.csv?thang={month}");
    view! {
        <Title text=t.settlement_title/>
        <main class="page admin">
            <h1>{t.settlement_title}</h1>
            {notice}
            <p>{(t.settlement_intro)(&percent(fee, locale), &percent(vat, locale), &percent(pit, locale))}</p>
            {if settlement.balances.is_empty() {
                view! { <p>{t.no_balances}</p> }.into_any()
            } else {
                view! {
                    <table class="sales-table balances">
                        <thead><tr>
                            <th scope="col">{t.producer}</th><th scope="col">{t.owed}</th><th scope="col">{t.pay_out}</th>
                        </tr></thead>
                        <tbody>
                            {settlement.balances.into_iter().map(|(id, name, owed)| view! {
                                <tr>
                                    <th scope="row">{name}</th>
                                    <td class="price">{signed(owed, locale)}</td>
                                    <td>
                                        <form method="post" action="/quan-tri/doi-soat/chi-tra" class="inline">
                                            <CsrfField/>
                                            <input type="hidden" name="producer_id" value=id/>
                                            <label>{t.payout_amount}" "<input name="amount" inputmode="numeric" required size="12"/></label>
                                            <label>{t.payout_ref}" "<input name="reference" required maxlength="64" size="14"/></label>
                                            <button type="submit" class="button secondary">{t.pay_out}</button>
                                        </form>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <h2>{t.withholding_title}</h2>
            <form method="get" action="/quan-tri/doi-soat" class="inline">
                <label>{t.month}" "<input type="month" name="thang" value=month.clone()/></label>
                <button type="submit" class="button secondary">{t.show}</button>
            </form>
            {if settlement.withholding.is_empty() {
                view! { <p>{t.no_withholding}</p> }.into_any()
            } else {
                view! {
                    <table class="sales-table withholding">
                        <thead><tr>
                            <th scope="col">{t.producer}</th><th scope="col">{t.revenue}</th>
                            <th scope="col">{t.vat}</th><th scope="col">{t.pit}</th>
                        </tr></thead>
                        <tbody>
                            {settlement.withholding.into_iter().map(|(name, revenue, vat, pit)| view! {
                                <tr>
                                    <th scope="row">{name}</th>
                                    <td class="price">{signed(revenue, locale)}</td>
                                    <td class="price">{signed(vat, locale)}</td>
                                    <td class="price">{signed(pit, locale)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <p><a class="button secondary" href=csv download="">{t.download_csv}</a></p>
        </main>
    }
}
