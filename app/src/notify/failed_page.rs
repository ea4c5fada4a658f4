//! `/quan-tri/thong-bao-loi`: the notices the dispatcher gave up on (a provider refused them,
//! or they were not sent in time), for the province administrator, each with a Retry button
//! (a plain form: works without JavaScript) that puts it back in line.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{delivery::FailedDelivery, texts::FailedTexts};
use crate::{
    auth::pages::CsrfField,
    i18n::use_locale,
    pages::gate::{Gate, gate},
    shop::pages::orders::local_time,
};

/// The page's path; the Retry form posts to `{PAGE}/{id}/gui-lai`.
pub const PAGE: &str = "/quan-tri/thong-bao-loi";

#[server(prefix = "/fn")]
pub async fn get_failed_deliveries() -> Result<Gate<Vec<FailedDelivery>>, ServerFnError> {
    use crate::{
        auth::{Action, authorize},
        pages::gate::{gated, require},
    };
    gated(
        require(PAGE, |a| authorize(Some(a), Action::Administer)),
        |_, cx| async move {
            super::delivery::failed(&cx.db)
                .await
                .map(Gate::Allowed)
                .map_err(|e| cx.failed("loading failed deliveries", e))
        },
    )
    .await
}

#[component]
pub fn FailedDeliveriesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_failed_deliveries());
    gate(data, |list| view! { <FailedList list/> })
}

#[component]
fn FailedList(list: Vec<FailedDelivery>) -> impl IntoView {
    let locale = use_locale();
    let t = FailedTexts::of(locale);
    let outcome = use_query_map().with_untracked(|q| q.get("ok"));
    view! {
        <Title text=t.title/>
        <main class="page failed-deliveries">
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
                        <th scope="col">{t.kind}</th>
                        <th scope="col">{t.channel}</th>
                        <th scope="col">{t.address}</th>
                        <th scope="col">{t.attempts}</th>
                        <th scope="col">{t.error}</th>
                        <th scope="col">{t.written}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        {list.into_iter().map(|f| view! {
                            <tr>
                                // The kind's name in the reader's language (its code if this
                                // version no longer knows it).
                                <td>{super::rules::NoticeKind::parse(&f.kind)
                                    .map(|k| (super::texts::NotifyTexts::of(locale).kind)(k).to_owned())
                                    .unwrap_or(f.kind)}</td>
                                <td>{(t.channel_name)(f.channel)}</td>
                                <td>{f.address}</td>
                                <td>{f.attempts}</td>
                                <td>{f.last_error}</td>
                                <td>{local_time(&f.created_at)}</td>
                                <td>
                                    <form method="post" action=format!("{PAGE}/{}/gui-lai", f.id) class="inline">
                                        <CsrfField/>
                                        <button type="submit" class="button secondary">{t.retry}</button>
                                    </form>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </main>
    }
}
