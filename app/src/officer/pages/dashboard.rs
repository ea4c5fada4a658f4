//! The commune officer's page: producer applications from their communes, to approve or reject.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::{
    auth::{
        pages::{CsrfField, FormErrorNotice},
        texts::AccountTexts,
        views::Application,
    },
    diary::texts::DiaryTexts,
    i18n::use_locale,
    officer::texts::OfficerTexts,
    pages::gate::{Gate, gate},
    seller::{identity::IdentityView, texts::SellerTexts},
};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OfficerData {
    pub applications: Vec<Application>,
    /// Lots awaiting a stamp: (id, code, producer, public path, stamp cleared by a correction).
    pub lots: Vec<(String, String, String, String, bool)>,
    pub listings: Vec<crate::seller::model::PendingListing>,
    pub certificates: Vec<crate::officer::model::OfficerCertificate>,
    pub certifiable: Vec<crate::officer::model::CertifiableProduct>,
    /// Today in Vietnam (YYYY-MM-DD): the issue date's default.
    pub today: String,
    /// The communes whose pages this officer edits: (id, name).
    pub communes: Vec<(String, String)>,
    /// Approved sellers whose identity waits for a check: (producer id, name, identity).
    pub identities: Vec<(String, String, IdentityView)>,
}

#[server(prefix = "/fn")]
pub async fn get_officer_page() -> Result<Gate<OfficerData>, ServerFnError> {
    use crate::pages::gate::{gated, require_officer};
    // The page is for officers (of any commune) and administrators; each row is scoped below.
    gated(require_officer("/can-bo"), |actor, cx| async move {
        let scope = (!actor.admin).then_some(actor.officer_of.as_slice());
        let load = async {
            let applications = crate::auth::producers::pending(&cx.db, scope).await?;
            let lots = crate::diary::trace_storage::unverified_lots(&cx.db, scope).await?;
            let listings = crate::seller::storage::pending(&cx.db, scope).await?;
            let certificates =
                crate::officer::storage::certificates::of_communes(&cx.db, scope, cx.today).await?;
            let certifiable =
                crate::officer::storage::certificates::certifiable(&cx.db, scope).await?;
            let identities = crate::seller::identity_storage::to_check(&cx.db, scope)
                .await?
                .into_iter()
                .map(|(id, name, _, view)| (id, name, view))
                .collect();
            Ok::<_, sqlx::Error>(OfficerData {
                identities,
                applications,
                lots,
                listings,
                certificates,
                certifiable,
                today: crate::domain::time::db_date(cx.today),
                communes: crate::officer::storage::commune_editor::communes_of(&cx.db, scope)
                    .await?,
            })
        };
        load.await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("loading the officer page", e))
    })
    .await
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
            "certificate" => Some(OfficerTexts::of(locale).recorded),
            _ => None,
        });
    view! {
        <Title text=t.officer_title/>
        <main class="page narrow">
            <h1>{t.officer_title}</h1>
            <FormErrorNotice/>
            <crate::seller::page::SellerNotice/>
            {ok.map(|text| view! { <p class="notice ok" role="status">{text}</p> })}
            <nav aria-label=OfficerTexts::of(locale).commune_pages class="chips">
                {data.communes.into_iter().map(|(id, name)| view! {
                    <a class="chip" href=format!("/can-bo/xa/{id}")>{OfficerTexts::of(locale).edit_page} " " {name}</a>
                }).collect_view()}
                <a class="chip" href="/can-bo/nhap">{OfficerTexts::of(locale).import_list}</a>
                <a class="chip" href="/can-bo/bao-cao">{OfficerTexts::of(locale).reports}</a>
                <a class="chip" href="/can-bo/thu-hoi">{crate::diary::recall::texts::RecallTexts::of(locale).report_link}</a>
                <a class="chip" href=crate::care::CALENDAR_PAGE>{crate::care::texts::CareTexts::of(locale).calendar_title}</a>
                <a class="chip" href=crate::forecast::PAGE>{crate::forecast::page::ForecastTexts::of(locale).title}</a>
            </nav>
            <h2>{t.applications_queue} " (" {data.applications.len()} ")"</h2>
            {data.applications.is_empty().then(|| view! { <p>{t.no_pending}</p> })}
            <ul class="queue">
                {data.applications.into_iter().map(|a| {
                    let action = format!("/can-bo/don/{}", a.id);
                    let date = a.applied_at.get(..10).unwrap_or_default().to_owned();
                    view! {
                        <li class="queue-item">
                            <h3>{a.name.clone()}</h3>
                            <p>{(texts.producer_kind)(&a.kind)} " · " {a.commune_name.clone()}</p>
                            <p class="muted">{(t.applied_by)(&a.applicant, &date)}</p>
                            <ApplicantIdentity application=a.clone()/>
                            <ApproveOrReject action field="decision"/>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <SellersToCheck sellers=data.identities/>
            <h2 id="san-pham">{SellerTexts::of(locale).listings_queue} " (" {data.listings.len()} ")"</h2>
            {data.listings.is_empty().then(|| view! { <p>{SellerTexts::of(locale).no_pending_listings}</p> })}
            <ul class="queue">
                {data.listings.into_iter().map(|l| {
                    let s = SellerTexts::of(locale);
                    let action = format!("/can-bo/san-pham/{}", l.id);
                    let date = crate::shop::pages::orders::local_time(&l.since);
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
            <h2 id="lots">{DiaryTexts::of(locale).verify_heading} " (" {data.lots.len()} ")"</h2>
            {data.lots.is_empty().then(|| view! { <p>{DiaryTexts::of(locale).no_unverified}</p> })}
            <ul class="queue">
                {data.lots.into_iter().map(|(id, code, producer, path, again)| view! {
                    <li class="queue-item">
                        <a href=path><code>{code}</code></a> " · " {producer}
                        {again.then(|| view! { " · " <strong>{DiaryTexts::of(locale).verify_again}</strong> })}
                        <form method="post" action=format!("/can-bo/lo/{id}/xac-nhan") class="inline">
                            <CsrfField/>
                            <button type="submit" class="button">{DiaryTexts::of(locale).verify_button}</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
            <Certificates certificates=data.certificates products=data.certifiable today=data.today/>
        </main>
    }
}

/// Certificates of the officer's communes: the ones that need attention first, then all of
/// them, and the form to record a new one.
#[component]
fn Certificates(
    certificates: Vec<crate::officer::model::OfficerCertificate>,
    products: Vec<crate::officer::model::CertifiableProduct>,
    today: String,
) -> impl IntoView {
    use crate::officer::rules::ocop::Standing;
    let locale = use_locale();
    let o = OfficerTexts::of(locale);
    let needs_attention: Vec<_> = certificates
        .iter()
        .filter(|c| {
            matches!(
                c.standing,
                Standing::ExpiringSoon { .. } | Standing::Expired
            )
        })
        .cloned()
        .collect();
    let row = move |c: crate::officer::model::OfficerCertificate| {
        let class = match c.standing {
            Standing::ExpiringSoon { .. } => "warn",
            Standing::Expired => "expired",
            _ => "",
        };
        view! {
            <tr class=class>
                <td><a href=format!("/san-pham/{}", c.product_slug)>{c.product_name}</a> <small>{c.commune_name}</small></td>
                <td>{"★".repeat(usize::from(c.stars))}</td>
                <td>{c.decision_no}</td>
                <td>{c.issued_on} " → " {c.expires_on}</td>
                <td>{(o.standing)(c.standing)}</td>
            </tr>
        }
    };
    let head = move || {
        view! {
            <thead><tr>{o.table_head.iter().map(|h| view! { <th>{*h}</th> }).collect_view()}</tr></thead>
        }
    };
    view! {
        <h2 id="chung-nhan">{o.certificates}</h2>
        <h3>{o.expiring_heading}</h3>
        {if needs_attention.is_empty() {
            view! { <p>{o.none_expiring}</p> }.into_any()
        } else {
            view! {
                <table class="sales-table certificates" role="alert">
                    {head()}
                    <tbody>{needs_attention.into_iter().map(row).collect_view()}</tbody>
                </table>
            }.into_any()
        }}
        {certificates.is_empty().then(|| view! { <p>{o.no_certificates}</p> })}
        {(!certificates.is_empty()).then(|| view! {
            <table class="sales-table certificates">
                {head()}
                <tbody>{certificates.into_iter().map(row).collect_view()}</tbody>
            </table>
        })}
        <h3>{o.record_heading}</h3>
        <form method="post" action="/can-bo/chung-nhan" class="stack">
            <CsrfField/>
            <label for="cert-product">{o.product}</label>
            <select id="cert-product" name="product_id" required>
                <option value="">{o.choose_product}</option>
                {products.into_iter().map(|p| view! {
                    <option value=p.id>{p.name} " — " {p.producer}</option>
                }).collect_view()}
            </select>
            <label for="cert-stars">{o.stars}</label>
            <select id="cert-stars" name="stars" required>
                <option value="3">"3 ★"</option>
                <option value="4">"4 ★"</option>
                <option value="5">"5 ★"</option>
            </select>
            <label for="cert-level">{o.level}</label>
            <select id="cert-level" name="level" required>
                <option value="province">{o.province}</option>
                <option value="national">{o.national}</option>
            </select>
            <label for="cert-decision">{o.decision}</label>
            <input id="cert-decision" name="decision_no" required maxlength="60" placeholder=o.decision_hint/>
            <label for="cert-issued">{o.issued_on}</label>
            <input id="cert-issued" name="issued_on" type="date" required value=today/>
            <label for="cert-expires">{o.expires_on}</label>
            <input id="cert-expires" name="expires_on" type="date" aria-describedby="cert-expires-hint"/>
            <small id="cert-expires-hint">{o.expires_hint}</small>
            <button type="submit" class="button">{o.record}</button>
        </form>
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

/// The legal identity an applicant gave, for the officer to check against their papers.
#[component]
fn ApplicantIdentity(application: Application) -> impl IntoView {
    let i = crate::seller::identity::IdentityTexts::of(use_locale());
    let Some(legal_name) = application.legal_name else {
        return view! { <p class="notice error">{i.none_given}</p> }.into_any();
    };
    let phone = application.phone.map(crate::domain::phone::readable);
    view! {
        <dl class="identity-facts">
            <dt>{i.legal_name}</dt><dd>{legal_name}</dd>
            <dt>{i.address}</dt><dd>{application.address_line}</dd>
            {phone.map(|p| view! { <dt>{i.phone}</dt><dd>{p}</dd> })}
            {application.tax_code.map(|c| view! { <dt>{i.tax_code}</dt><dd>{c}</dd> })}
            {application.registration_no.map(|c| view! { <dt>{i.registration}</dt><dd>{c}</dd> })}
        </dl>
    }
    .into_any()
}

/// Approved sellers whose identity changed (or was given after approval): to check.
#[component]
fn SellersToCheck(sellers: Vec<(String, String, IdentityView)>) -> impl IntoView {
    let i = crate::seller::identity::IdentityTexts::of(use_locale());
    (!sellers.is_empty()).then(|| view! {
        <h2 id="nguoi-ban">{i.to_check} " (" {sellers.len()} ")"</h2>
        <ul class="queue">
            {sellers.into_iter().map(|(id, name, v)| {
                let s = v.identity;
                let phone = s.phone_display();
                view! {
                    <li class="queue-item">
                        <h3>{name}</h3>
                        <dl class="identity-facts">
                            <dt>{i.legal_name}</dt><dd>{s.legal_name}</dd>
                            <dt>{i.address}</dt><dd>{s.address}</dd>
                            <dt>{i.phone}</dt><dd>{phone}</dd>
                            {(!s.tax_code.is_empty()).then(|| view! { <dt>{i.tax_code}</dt><dd>{s.tax_code.clone()}</dd> })}
                            {(!s.registration_no.is_empty()).then(|| view! { <dt>{i.registration}</dt><dd>{s.registration_no.clone()}</dd> })}
                        </dl>
                        <form method="post" action=format!("/can-bo/nguoi-ban/{id}/kiem-tra") class="inline">
                            <CsrfField/>
                            <button type="submit" class="button">{i.mark_checked}</button>
                        </form>
                    </li>
                }
            }).collect_view()}
        </ul>
    })
}
