//! The commune officer's page: producer applications from their communes, to approve or reject.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::{
    auth::{texts::AccountTexts, views::Application},
    i18n::use_locale,
    pages::{
        account::{CsrfField, FormErrorNotice},
        diary_texts::DiaryTexts,
        gate::{Gate, gate},
        seller_texts::SellerTexts,
    },
};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OfficerData {
    pub applications: Vec<Application>,
    /// Lots awaiting a stamp: (id, code, producer, public path).
    pub lots: Vec<(String, String, String, String)>,
    pub listings: Vec<crate::seller::PendingListing>,
}

#[server(prefix = "/fn")]
pub async fn get_officer_page() -> Result<Gate<OfficerData>, ServerFnError> {
    use crate::pages::gate::require;
    // The page is for officers (of any commune) and administrators; each row is scoped below.
    let (actor, cx) = match require("/can-bo", |a| {
        if a.is_officer() || a.admin {
            Ok(())
        } else {
            Err(crate::auth::Denied::Forbidden)
        }
    })? {
        Ok(found) => found,
        Err(gate) => return Ok(gate),
    };
    let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
    let load = async {
        let applications = crate::db::producers::pending(&cx.db, scope).await?;
        let lots = crate::db::traceability::unverified_lots(&cx.db, scope).await?;
        let listings = crate::db::listings::pending(&cx.db, scope).await?;
        Ok::<_, sqlx::Error>(OfficerData {
            applications,
            lots,
            listings,
        })
    };
    load.await
        .map(Gate::Allowed)
        .map_err(|e| cx.failed("loading the officer page", e))
}

#[component]
pub fn OfficerPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_officer_page());
    gate(data, |d| view! { <OfficerView data=d/> })
}

#[component]
fn OfficerView(data: OfficerData) -> impl IntoView {
    let locale = use_locale();
    let t = AccountTexts::of(locale);
    let texts = locale.texts();
    let ok = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("ok"))
        .and_then(|ok| match ok.as_str() {
            "approved" => Some(t.approved_notice),
            "rejected" => Some(t.rejected_notice),
            "verified" => Some(DiaryTexts::of(locale).verified_notice),
            _ => None,
        });
    view! {
        <Title text=t.officer_title/>
        <main class="page narrow">
            <h1>{t.officer_title}</h1>
            <FormErrorNotice/>
            <crate::pages::seller::SellerNotice/>
            {ok.map(|text| view! { <p class="notice ok" role="status">{text}</p> })}
            <h2>{t.applications_queue}</h2>
            {data.applications.is_empty().then(|| view! { <p>{t.no_pending}</p> })}
            <ul class="queue">
                {data.applications.into_iter().map(|a| {
                    let action = format!("/can-bo/don/{}", a.id);
                    let date = a.applied_at.get(..10).unwrap_or_default().to_owned();
                    view! {
                        <li class="queue-item">
                            <h3>{a.name}</h3>
                            <p>{(texts.producer_kind)(&a.kind)} " · " {a.commune_name}</p>
                            <p class="muted">{(t.applied_by)(&a.applicant, &date)}</p>
                            <ApproveOrReject action field="decision"/>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h2 id="san-pham">{SellerTexts::of(locale).listings_queue}</h2>
            {data.listings.is_empty().then(|| view! { <p>{SellerTexts::of(locale).no_pending_listings}</p> })}
            <ul class="queue">
                {data.listings.into_iter().map(|l| {
                    let s = SellerTexts::of(locale);
                    let action = format!("/can-bo/san-pham/{}", l.id);
                    let date = crate::pages::orders::local_time(&l.since);
                    view! {
                        <li class="queue-item">
                            <h3>{l.name}</h3>
                            <p>{l.producer_name} " · " {l.commune_name}</p>
                            <p class="muted">{(s.counts)(l.variants, l.photos)} " · " {date}</p>
                            <ApproveOrReject action field="action"/>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h2 id="lots">{DiaryTexts::of(locale).verify_heading}</h2>
            {data.lots.is_empty().then(|| view! { <p>{DiaryTexts::of(locale).no_unverified}</p> })}
            <ul class="queue">
                {data.lots.into_iter().map(|(id, code, producer, path)| view! {
                    <li class="queue-item">
                        <a href=path><code>{code}</code></a> " · " {producer}
                        <form method="post" action=format!("/can-bo/lo/{id}/xac-nhan") class="inline">
                            <CsrfField/>
                            <button type="submit" class="button">{DiaryTexts::of(locale).verify_button}</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
        </main>
    }
}

/// The officer's two answers to a request: approve, or refuse with a reason its sender sees.
/// `field` names the form field the handler reads the answer from.
#[component]
fn ApproveOrReject(action: String, field: &'static str) -> impl IntoView {
    let t = AccountTexts::of(use_locale());
    view! {
        <form method="post" action=action.clone() class="inline">
            <CsrfField/>
            <input type="hidden" name=field value="approve"/>
            <button type="submit" class="button">{t.approve_button}</button>
        </form>
        <form method="post" action=action class="stack">
            <CsrfField/>
            <input type="hidden" name=field value="reject"/>
            <label>{t.reason_label} <input name="reason" required maxlength="500"/></label>
            <button type="submit" class="button secondary">{t.reject_button}</button>
        </form>
    }
}
