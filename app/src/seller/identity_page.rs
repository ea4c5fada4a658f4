//! `/ban-hang/thong-tin-phap-ly`: each producer's legal identity, one form per producer the
//! member works for. Posts to `server::seller::identity`.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use super::identity::{IdentityRefusal, IdentityTexts, IdentityView, PAGE, is_organisation};
use crate::{
    auth::pages::CsrfField,
    domain::product::ProducerKind,
    i18n::use_locale,
    pages::{
        gate::{Gate, gate},
        refusal::Refusal,
    },
    shop::pages::orders::local_time,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentityForm {
    pub producer_id: String,
    pub producer_name: String,
    pub kind: ProducerKind,
    pub current: Option<IdentityView>,
}

#[server(prefix = "/fn")]
pub async fn get_identity_page() -> Result<Gate<Vec<IdentityForm>>, ServerFnError> {
    use crate::pages::gate::{gated, require_producer_member};
    gated(require_producer_member(PAGE), |actor, cx| async move {
        let load = async {
            let mut forms = Vec::new();
            let ids = actor.producer_ids();
            let mine = crate::auth::producers::of_user(&cx.db, &actor.user_id).await?;
            // An applicant's producer is not theirs to edit until approved (its identity was
            // given with the application).
            for p in mine.into_iter().filter(|p| ids.contains(&p.id.as_str())) {
                if let Some((kind, current)) =
                    super::identity_storage::of_producer(&cx.db, &p.id).await?
                {
                    forms.push(IdentityForm {
                        producer_id: p.id,
                        producer_name: p.name,
                        kind,
                        current,
                    });
                }
            }
            Ok::<_, sqlx::Error>(forms)
        };
        load.await
            .map(Gate::Allowed)
            .map_err(|e| cx.failed("loading sellers' identities", e))
    })
    .await
}

#[component]
pub fn IdentityPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_identity_page());
    gate(data, |forms| view! { <Identities forms/> })
}

#[component]
fn Identities(forms: Vec<IdentityForm>) -> impl IntoView {
    let t = IdentityTexts::of(use_locale());
    let (saved, refused) = leptos_router::hooks::use_query_map().with_untracked(|q| {
        (
            q.get("ok").is_some(),
            IdentityRefusal::from_query(q.latest_values().map(|(k, v)| (k.as_ref(), v))),
        )
    });
    view! {
        <Title text=t.title/>
        <main class="page narrow seller-identity">
            <h1>{t.title}</h1>
            <p>{t.intro}</p>
            {saved.then(|| view! { <p class="notice ok" role="status">{t.saved}</p> })}
            {refused.map(|r| view! { <p class="notice error" role="alert">{t.refusal(r)}</p> })}
            {forms.into_iter().map(|f| view! { <IdentityFields form=f/> }).collect_view()}
        </main>
    }
}

/// The identity inputs; also part of the application form on the account page.
#[component]
pub fn IdentityInputs(
    current: Option<IdentityView>,
    organisation: bool,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let t = IdentityTexts::of(use_locale());
    let c = current.map(|c| c.identity);
    let value = move |f: fn(&super::identity::SellerIdentity) -> String| {
        c.as_ref().map(f).unwrap_or_default()
    };
    let required = !optional;
    view! {
        <label for="id-legal-name">{t.legal_name}</label>
        <input id="id-legal-name" name="legal_name" maxlength="200" required=required value=value(|i| i.legal_name.clone())/>
        <label for="id-address">{t.address}</label>
        <input id="id-address" name="address" maxlength="300" required=required value=value(|i| i.address.clone())/>
        <label for="id-phone">{t.phone}</label>
        <input id="id-phone" name="phone" type="tel" inputmode="tel" maxlength="20" required=required value=value(|i| i.phone_display())/>
        <label for="id-tax">{t.tax_code}</label>
        <input id="id-tax" name="tax_code" inputmode="numeric" maxlength="16" value=value(|i| i.tax_code.clone())/>
        <small>{t.tax_help}</small>
        <label for="id-registration">{t.registration}</label>
        <input id="id-registration" name="registration_no" maxlength="40" required=required && organisation value=value(|i| i.registration_no.clone())/>
        <small>{t.registration_help}</small>
    }
}

#[component]
fn IdentityFields(form: IdentityForm) -> impl IntoView {
    let t = IdentityTexts::of(use_locale());
    let status = match form.current.as_ref() {
        None => view! { <p class="notice error">{t.missing}</p> }.into_any(),
        Some(IdentityView {
            checked_at: Some(at),
            ..
        }) => view! { <p class="muted">{t.checked} " " {local_time(at)}</p> }.into_any(),
        Some(_) => view! { <p class="muted">{t.unchecked}</p> }.into_any(),
    };
    view! {
        <section class="identity">
            <h2>{form.producer_name}</h2>
            {status}
            <form method="post" action=format!("{PAGE}/{}", form.producer_id) class="stack">
                <CsrfField/>
                <IdentityInputs current=form.current.clone() organisation=is_organisation(form.kind)/>
                <button type="submit" class="button">{t.save}</button>
            </form>
        </section>
    }
}
