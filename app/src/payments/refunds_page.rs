//! `/quan-tri/hoan-tien`: payments owed back that are not back yet, for the province
//! administrator: provider refunds that failed (attempts, last error, next try) with a
//! Retry-now button (a plain form: works without JavaScript), and bank transfers the producer
//! still has to send back by hand.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{OpenRefund, rules::PaymentMethod, texts::RefundsTexts};
use crate::{
    auth::pages::CsrfField,
    i18n::use_locale,
    pages::gate::{Gate, gate},
    shop::pages::orders::local_time,
};

/// The page's path; the Retry form posts to `{PAGE}/{payment_id}/thu-lai`.
pub const PAGE: &str = "/quan-tri/hoan-tien";

#[server(prefix = "/fn")]
pub async fn get_open_refunds() -> Result<Gate<Vec<OpenRefund>>, ServerFnError> {
    use crate::{
        auth::{Action, authorize},
        pages::gate::{gated, require},
    };
    gated(
        require(PAGE, |a| authorize(Some(a), Action::Administer)),
        |_, cx| async move {
            super::storage::open_refunds(&cx.db)
                .await
                .map(Gate::Allowed)
                .map_err(|e| cx.failed("loading open refunds", e))
        },
    )
    .await
}

#[component]
pub fn RefundsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_open_refunds());
    gate(data, |list| view! { <RefundList list/> })
}

#[component]
fn RefundList(list: Vec<OpenRefund>) -> impl IntoView {
    let locale = use_locale();
    let t = RefundsTexts::of(locale);
    let outcome = use_query_map().with_untracked(|q| q.get("ok"));
    view! {
        <Title text=t.title/>
        <main class="page open-refunds">
            <h1>{t.title}</h1>
            <p>{t.intro}</p>
            {match outcome.as_deref() {
                Some("1") => Some(view! { <p class="notice ok" role="status">{t.retried}</p> }.into_any()),
                Some("0") => Some(view! { <p class="notice error" role="alert">{t.gone}</p> }.into_any()),
                _ => None,
            }}
            {list.is_empty().then(|| view! { <p>{t.empty}</p> })}
            {(!list.is_empty()).then(|| view! {
                <table>
                    <thead><tr>
                        <th scope="col">{t.order}</th>
                        <th scope="col">{t.method}</th>
                        <th scope="col">{t.amount}</th>
                        <th scope="col">{t.attempts}</th>
                        <th scope="col">{t.error}</th>
                        <th scope="col">{t.next_try}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|r| view! {
                            <tr>
                                <td><a href=format!("/don-hang/{}", r.order_no)>{r.order_no.clone()}</a></td>
                                <td>{(t.method_name)(r.method)}</td>
                                <td>{r.amount.format(locale.money())}</td>
                                <td>{r.attempts}</td>
                                <td>{r.last_error.unwrap_or_default()}</td>
                                <td>{r.next_try_at.as_deref().map(local_time).unwrap_or_default()}</td>
                                <td>
                                    {if r.method == PaymentMethod::BankTransfer {
                                        view! { <span class="meta">{t.by_hand}</span> }.into_any()
                                    } else {
                                        view! {
                                            <form method="post" action=format!("{PAGE}/{}/thu-lai", r.payment_id) class="inline">
                                                <CsrfField/>
                                                <button type="submit" class="button secondary">{t.retry}</button>
                                            </form>
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </main>
    }
}
