//! `/khieu-nai`: the complaints procedure and the form (anyone may file); `/khieu-nai/{ma}`: a
//! complaint's status for whoever holds its tracking number; `/quan-tri/khieu-nai`: the
//! administrators' list, each with a form to answer.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    ADMIN_COMPLAINTS, COMPLAINT_PAGE, Complaint,
    rules::{ComplaintCategory, ComplaintStatus, Refusal},
    texts::{ReturnTexts, day},
};
use crate::{
    auth::pages::CsrfField,
    i18n::use_locale,
    pages::gate::{Gate, gate},
};

#[component]
pub fn ComplaintPage() -> impl IntoView {
    let t = ReturnTexts::of(use_locale());
    let query = use_query_map();
    let refused = query.with_untracked(|q| q.get("loi").and_then(|c| Refusal::parse(&c)));
    let busy = query.with_untracked(|q| q.get("loi").as_deref() == Some("nhieu"));
    view! {
        <Title text=t.complaint_title/>
        <main class="page narrow complaints">
            <h1>{t.complaint_title}</h1>
            <p class="meta">{t.complaint_version}</p>
            <ol class="steps">
                {t.complaint_steps.iter().map(|s| view! { <li>{*s}</li> }).collect_view()}
            </ol>
            <p>{t.complaint_returns_hint}</p>
            {refused.map(|r| view! { <p class="notice error" role="alert">{(t.refusal)(r)}</p> })}
            {busy.then(|| view! { <p class="notice error" role="alert">{t.too_many}</p> })}
            <form method="post" action=COMPLAINT_PAGE class="stack">
                <CsrfField/>
                <label for="kn-name">{t.name_label}</label>
                <input id="kn-name" name="name" required maxlength="100" autocomplete="name"/>
                <label for="kn-contact">{t.contact_label}</label>
                <input id="kn-contact" name="contact" required maxlength="120"/>
                <label for="kn-order">{t.order_label}</label>
                <input id="kn-order" name="order_no" maxlength="40"/>
                <label for="kn-category">{t.category_label}</label>
                <select id="kn-category" name="category" required>
                    {ComplaintCategory::ALL.iter().map(|c| view! {
                        <option value=c.as_str()>{(t.category)(*c)}</option>
                    }).collect_view()}
                </select>
                <label for="kn-message">{t.message_label}</label>
                <textarea id="kn-message" name="message" required maxlength="3000"></textarea>
                <button type="submit" class="button">{t.file}</button>
            </form>
        </main>
    }
}

#[server(prefix = "/fn")]
pub async fn get_complaint(code: String) -> Result<Option<Complaint>, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    let Some(code) = super::rules::normalise_code(&code) else {
        return Ok(None);
    };
    super::storage::complaint(&cx.db, &code)
        .await
        .map_err(|e| cx.failed("loading a complaint", e))
}

#[component]
pub fn ComplaintStatusPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("ma").unwrap_or_default(),
        get_complaint,
    );
    crate::pages::loaded_page(data, |c| view! { <ComplaintStatusView c/> })
}

#[component]
fn ComplaintStatusView(c: Complaint) -> impl IntoView {
    let t = ReturnTexts::of(use_locale());
    let title = (t.track_title)(&c.code);
    let new = use_query_map().with_untracked(|q| q.get("moi").is_some());
    view! {
        <Title text=title.clone()/>
        <main class="page narrow complaints">
            <h1>{title}</h1>
            {new.then(|| view! { <p class="notice ok" role="status">{(t.filed)(&c.code)}</p> })}
            <p class="meta">{t.track_keep}</p>
            <p><strong class=format!("status {}", c.status.as_str())>{(t.complaint_status)(c.status)}</strong>
                " · " {(t.category)(c.category)} " · " {(t.filed_on)(&day(&c.created_at))}</p>
            {c.order_no.clone().map(|o| view! { <p>{t.order_label} ": " {o}</p> })}
            <p class="complaint-message">{c.message.clone()}</p>
            {c.answer.clone().map(|a| view! { <h2>{t.answer}</h2><p class="complaint-answer">{a}</p> })}
        </main>
    }
}

#[server(prefix = "/fn")]
pub async fn get_complaints() -> Result<Gate<Vec<Complaint>>, ServerFnError> {
    use crate::{
        auth::{Action, authorize},
        pages::gate::{gated, require},
    };
    gated(
        require(ADMIN_COMPLAINTS, |a| authorize(Some(a), Action::Administer)),
        |_, cx| async move {
            super::storage::complaints(&cx.db)
                .await
                .map(Gate::Allowed)
                .map_err(|e| cx.failed("loading complaints", e))
        },
    )
    .await
}

#[component]
pub fn ComplaintsAdminPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_complaints());
    gate(data, |list| view! { <ComplaintList list/> })
}

#[component]
fn ComplaintList(list: Vec<Complaint>) -> impl IntoView {
    let t = ReturnTexts::of(use_locale());
    let refused = use_query_map().with_untracked(|q| q.get("loi").and_then(|c| Refusal::parse(&c)));
    view! {
        <Title text=t.complaints_admin/>
        <main class="page complaints-admin">
            <h1>{t.complaints_admin}</h1>
            {refused.map(|r| view! { <p class="notice error" role="alert">{(t.refusal)(r)}</p> })}
            {list.is_empty().then(|| view! { <p>{t.none}</p> })}
            <ul class="complaint-list">
                {list.into_iter().map(|c| {
                    let open = !c.status.is_closed();
                    view! {
                        <li>
                            <p><a href=format!("{COMPLAINT_PAGE}/{}", c.code)>{c.code.clone()}</a>
                                " · " <strong>{(t.complaint_status)(c.status)}</strong>
                                " · " {(t.category)(c.category)} " · " {day(&c.created_at)}</p>
                            <p>{c.name.clone()} " · " {c.contact.clone()}
                                {c.order_no.clone().map(|o| view! { " · " {o} })}</p>
                            <p class="complaint-message">{c.message.clone()}</p>
                            {c.answer.clone().map(|a| view! { <p class="complaint-answer">{t.answer} ": " {a}</p> })}
                            {open.then(|| view! {
                                <form method="post" action=format!("{ADMIN_COMPLAINTS}/{}", c.code) class="stack">
                                    <CsrfField/>
                                    <select name="status">
                                        {[ComplaintStatus::InProgress, ComplaintStatus::Resolved, ComplaintStatus::Rejected].iter().map(|s| view! {
                                            <option value=s.as_str()>{(t.complaint_status)(*s)}</option>
                                        }).collect_view()}
                                    </select>
                                    <textarea name="answer" maxlength="3000" aria-label=t.answer></textarea>
                                    <button type="submit" class="button">{t.set_status}</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </main>
    }
}
