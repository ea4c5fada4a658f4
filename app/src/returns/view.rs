//! The order page's return part (the request form, its steps and deadline, each party's
//! buttons) and the lists of requests for producers, commune officers and the marketplace.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    OrderReturn, ReturnCase,
    rules::{Refusal, ReturnStatus, Wanted},
    texts::{ReturnTexts, day},
};
use crate::{
    auth::pages::CsrfField,
    i18n::{Locale, use_locale},
    pages::gate::{Gate, gate},
    photos::AttachedPhotos,
};

/// The order page's query flag of a refused step (`?tra_loi=<code>`) and of a recorded one.
pub const REFUSED: &str = "tra_loi";
pub const DONE: &str = "tra_ok";

/// The return part of an order this reader may see; nothing for anyone else.
#[server(prefix = "/fn")]
pub async fn get_order_return(order_no: String) -> Result<Option<OrderReturn>, ServerFnError> {
    use crate::shop::rules::order::Party;
    let cx = crate::pages::PageContext::get()?;
    let fail = |e| cx.failed("loading an order's return", e);
    let Some((party, _)) = crate::shop::pages::orders::order_reader(&cx, &order_no)
        .await
        .map_err(fail)?
    else {
        return Ok(None);
    };
    let Some(keys) = crate::shop::storage::orders::keys(&cx.db, &order_no)
        .await
        .map_err(fail)?
    else {
        return Ok(None);
    };
    let party = match party {
        Party::Buyer => "buyer",
        Party::Producer => "producer",
        _ => "officer",
    };
    let admin = crate::auth::current_actor().is_some_and(|a| a.admin);
    super::storage::for_order(&cx.db, &keys.id, party, admin, chrono::Utc::now())
        .await
        .map(Some)
        .map_err(fail)
}

/// The order page's section (after its history).
#[component]
pub fn OrderReturns(order_no: String) -> impl IntoView {
    let locale = use_locale();
    let no = order_no.clone();
    let data = Resource::new(move || no.clone(), get_order_return);
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().and_then(|r| r.ok().flatten()).map(|r| view! {
                <ReturnSection data=r order_no=order_no.clone() locale/>
            })}
        </Suspense>
    }
}

#[component]
fn ReturnSection(data: OrderReturn, order_no: String, locale: Locale) -> impl IntoView {
    let t = ReturnTexts::of(locale);
    let query = use_query_map();
    let refused = query.with_untracked(|q| q.get(REFUSED).and_then(|c| Refusal::parse(&c)));
    let done = query.with_untracked(|q| q.get(DONE).is_some());
    let ask = format!("/don-hang/{order_no}/tra-hang");
    let step = format!("/don-hang/{order_no}/tra-hang/buoc");
    if data.case.is_none() && data.open_until.is_none() && refused.is_none() {
        return ().into_any();
    }
    view! {
        <section class="returns" id="tra-hang" aria-labelledby="returns">
            <h2 id="returns">{t.heading}</h2>
            {refused.map(|r| view! { <p class="notice error" role="alert">{(t.refusal)(r)}</p> })}
            {done.then(|| view! { <p class="notice ok" role="status">{t.done}</p> })}
            {data.open_until.clone().map(|until| view! {
                // Multipart (photos): the anti-forgery token travels in the query.
                <form method="post" enctype="multipart/form-data" action=format!("{ask}?csrf={}", crate::auth::csrf_token()) class="stack return-ask">
                    <h3>{t.ask_title}</h3>
                    <p class="hint">{(t.ask_until)(&day(&until))}</p>
                    <fieldset>
                        <legend>{t.wanted_label}</legend>
                        {Wanted::ALL.iter().map(|w| view! {
                            <label><input type="radio" name="wanted" value=w.as_str() required/> " " {(t.wanted)(*w)}</label>
                        }).collect_view()}
                    </fieldset>
                    <label for="return-reason">{t.reason_label}</label>
                    <textarea id="return-reason" name="reason" required maxlength="1000"></textarea>
                    <label for="return-items">{t.items_label}</label>
                    <input id="return-items" name="items" maxlength="300" placeholder=t.items_hint/>
                    <label for="return-photos">{t.photos_label}</label>
                    <input id="return-photos" type="file" name="anh" accept="image/jpeg,image/png,image/webp" multiple/>
                    <p class="hint">{t.photos_hint}</p>
                    <button type="submit" class="button">{t.send}</button>
                </form>
            })}
            {data.case.map(|c| view! { <CaseDetail case=c party=data.party.clone() admin=data.admin action=step.clone() locale/> })}
        </section>
    }
    .into_any()
}

#[component]
fn CaseDetail(
    case: ReturnCase,
    party: String,
    admin: bool,
    action: String,
    locale: Locale,
) -> impl IntoView {
    let t = ReturnTexts::of(locale);
    let s = case.status;
    let buyer = party == "buyer";
    let producer_turn = party == "producer" && s == ReturnStatus::Requested;
    let officer_turn = party == "officer" && s == ReturnStatus::WithOfficer;
    let admin_turn = admin && s == ReturnStatus::WithMarketplace;
    let escalate = buyer
        && (matches!(s, ReturnStatus::Refused | ReturnStatus::OfficerRejected)
            || (case.overdue && matches!(s, ReturnStatus::Requested | ReturnStatus::WithOfficer)));
    let escalate_label = match s {
        ReturnStatus::Requested | ReturnStatus::Refused => t.escalate_officer,
        _ => t.escalate_marketplace,
    };
    let button = |value: &'static str, label: &'static str| {
        view! { <button type="submit" name="action" value=value class="button secondary">{label}</button> }
    };
    view! {
        <div class="return-case">
            <p><strong class=format!("status {}", s.as_str())>{(t.status)(s)}</strong>
                {case.resolution.map(|r| view! { " · " {(t.resolution)(r)} })}</p>
            <p class="meta">{(t.asked_on)(&day(&case.created_at))} " · " {(t.wanted)(case.wanted)}</p>
            <p class="return-reason">{case.reason.clone()}</p>
            {(!case.items.is_empty()).then(|| view! { <p>{case.items.clone()}</p> })}
            <AttachedPhotos photos=case.photos.clone()/>
            {case.answer.clone().map(|a| view! { <p>{t.answer_label} ": " {a}</p> })}
            {s.awaits().zip(case.due_at.clone()).map(|(_, due)| view! {
                <p class="deadline"><strong>{(t.due)(s, &day(&due))}</strong></p>
            })}
            {(buyer && case.overdue).then(|| view! { <p class="notice">{t.overdue}</p> })}
            {escalate.then(|| view! {
                <form method="post" action=action.clone()>
                    <CsrfField/>
                    <button type="submit" name="action" value="escalate" class="button">{escalate_label}</button>
                </form>
            })}
            {producer_turn.then(|| view! {
                <form method="post" action=action.clone() class="stack">
                    <CsrfField/>
                    {button("accept_refund", t.accept_refund)}
                    {button("accept_replacement", t.accept_replacement)}
                    <label for="refuse-reason">{t.refuse_reason}</label>
                    <textarea id="refuse-reason" name="reason" maxlength="1000"></textarea>
                    {button("refuse", t.refuse)}
                </form>
            })}
            {(officer_turn || admin_turn).then(|| view! {
                <form method="post" action=action.clone() class="stack">
                    <CsrfField/>
                    {button("uphold_refund", t.uphold_refund)}
                    {button("uphold_replacement", t.uphold_replacement)}
                    <label for="decision-reason">{t.decision_reason}</label>
                    <textarea id="decision-reason" name="reason" maxlength="1000"></textarea>
                    {button("reject", t.reject)}
                </form>
            })}
        </div>
    }
}

/// Which list: the producer's, the commune officer's, the marketplace's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ListScope {
    Producer,
    Officer,
    Marketplace,
}

#[server(prefix = "/fn")]
pub async fn get_return_list(scope: ListScope) -> Result<Gate<Vec<ReturnCase>>, ServerFnError> {
    use super::storage::{Lister, listed};
    use super::{ADMIN_PAGE, OFFICER_PAGE, PRODUCER_PAGE};
    use crate::pages::gate::{gated, require, require_officer, require_producer_member};
    let now = chrono::Utc::now();
    let access = match scope {
        ListScope::Producer => require_producer_member(PRODUCER_PAGE),
        ListScope::Officer => require_officer(OFFICER_PAGE),
        ListScope::Marketplace => require(ADMIN_PAGE, |a| {
            crate::auth::authorize(Some(a), crate::auth::Action::Administer)
        }),
    };
    gated(access, |actor, cx| async move {
        let (lister, keys) = match scope {
            ListScope::Producer => (
                Lister::Producers,
                actor
                    .producer_ids()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            ),
            ListScope::Officer => (Lister::Communes, actor.officer_of.clone()),
            ListScope::Marketplace => (Lister::Marketplace, vec![]),
        };
        listed(&cx.db, lister, &keys, now)
            .await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("loading return requests", e))
    })
    .await
}

fn list_page(scope: ListScope) -> impl IntoView {
    let data = Resource::new(move || scope, get_return_list);
    gate(data, move |list| view! { <CaseList list scope/> })
}

#[component]
pub fn ProducerReturnsPage() -> impl IntoView {
    list_page(ListScope::Producer)
}

#[component]
pub fn OfficerReturnsPage() -> impl IntoView {
    list_page(ListScope::Officer)
}

#[component]
pub fn MarketplaceReturnsPage() -> impl IntoView {
    list_page(ListScope::Marketplace)
}

#[component]
fn CaseList(list: Vec<ReturnCase>, scope: ListScope) -> impl IntoView {
    let t = ReturnTexts::of(use_locale());
    let title = match scope {
        ListScope::Producer => t.producer_title,
        ListScope::Officer => t.officer_title,
        ListScope::Marketplace => t.admin_title,
    };
    view! {
        <Title text=title/>
        <main class="page returns-list">
            <h1>{title}</h1>
            {list.is_empty().then(|| view! { <p>{t.none}</p> })}
            <ul class="return-cases">
                {list.into_iter().map(|c| view! {
                    <li class:overdue=c.overdue>
                        <p><a href=format!("/don-hang/{}#tra-hang", c.order_no)>{t.order} " " {c.order_no.clone()}</a>
                            " · " {c.producer.clone()} " · " <strong>{(t.status)(c.status)}</strong></p>
                        <p>{(t.wanted)(c.wanted)} ": " {c.reason.clone()}</p>
                        {c.status.awaits().zip(c.due_at.clone()).map(|(_, due)| view! {
                            <p class="deadline">{(t.due)(c.status, &day(&due))}</p>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        </main>
    }
}
