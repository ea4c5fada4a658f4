//! The producer's delivery fees, `/ban-hang/giao-hang`: for its own province, the neighbouring
//! provinces and the rest of the country, a fee for the first 500 g and for each further
//! 500 g, and the order value above which delivery is free. Posts to `server::seller::forms`.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::{
    auth::pages::CsrfField,
    i18n::use_locale,
    pages::gate::{Gate, gate},
    seller::{page::SellerNotice, texts::SellerTexts},
    shop::rules::shipping::ShippingTable,
};

/// One producer's table as the form shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProducerDelivery {
    pub id: String,
    pub name: String,
    pub table: ShippingTable,
    /// False while the producer charges its former flat fee (shown as the table it amounts to).
    pub own: bool,
}

#[server(prefix = "/fn")]
pub async fn get_delivery_page() -> Result<Gate<Vec<ProducerDelivery>>, ServerFnError> {
    use crate::pages::gate::{gated, require_signed_in};
    gated(
        require_signed_in("/ban-hang/giao-hang"),
        |actor, cx| async move {
            let ids = actor.producer_ids();
            let load = async {
                let mut list = Vec::new();
                for p in crate::auth::producers::of_user(&cx.db, &actor.user_id).await? {
                    if !ids.contains(&p.id.as_str()) {
                        continue;
                    }
                    if let Some((table, own)) =
                        crate::seller::shipping_storage::table(&cx.db, &p.id).await?
                    {
                        list.push(ProducerDelivery {
                            id: p.id,
                            name: p.name,
                            table,
                            own,
                        });
                    }
                }
                Ok::<_, sqlx::Error>(list)
            };
            load.await
                .map(Gate::Allowed)
                .map_err(|e| cx.failed("loading delivery fees", e))
        },
    )
    .await
}

#[component]
pub fn DeliveryPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_delivery_page());
    gate(data, |d| view! { <DeliveryView producers=d/> })
}

#[component]
fn DeliveryView(producers: Vec<ProducerDelivery>) -> impl IntoView {
    let locale = use_locale();
    let t = SellerTexts::of(locale);
    view! {
        <Title text=t.delivery_title/>
        <main class="page narrow seller">
            <h1>{t.delivery_title}</h1>
            <SellerNotice/>
            <p>{t.delivery_intro}</p>
            <p><a href="/ban-hang/van-chuyen">{crate::seller::carriers_page::CarrierTexts::of(locale).title}</a></p>
            {producers.is_empty().then(|| view! { <p>{t.not_member}</p> })}
            {producers.into_iter().map(|p| view! { <DeliveryForm producer=p/> }).collect_view()}
        </main>
    }
}

#[component]
fn DeliveryForm(producer: ProducerDelivery) -> impl IntoView {
    let t = SellerTexts::of(use_locale());
    let tb = producer.table;
    // Plain digits: what the buyer-facing pages format, the form takes back as typed.
    let amount = |v: crate::domain::money::Vnd| v.dong().to_string();
    let zones = [
        (t.zone_same, "same", tb.same_province),
        (t.zone_near, "near", tb.neighbouring),
        (t.zone_far, "far", tb.country),
    ];
    let id = producer.id.clone();
    view! {
        <form method="post" action="/ban-hang/giao-hang" class="stack delivery-fees">
            <h2>{producer.name}</h2>
            {(!producer.own).then(|| view! { <p class="muted">{t.delivery_former}</p> })}
            <CsrfField/>
            <input type="hidden" name="producer_id" value=producer.id/>
            {zones.into_iter().map(|(legend, key, zone)| {
                let first = format!("{key}-first-{id}");
                let next = format!("{key}-next-{id}");
                view! {
                    <fieldset>
                        <legend>{legend}</legend>
                        <label for=first.clone()>{t.fee_first}</label>
                        <input id=first name=format!("{key}_first") inputmode="numeric" required
                               value=amount(zone.first_500g)/>
                        <label for=next.clone()>{t.fee_next}</label>
                        <input id=next name=format!("{key}_next") inputmode="numeric" required
                               value=amount(zone.next_500g)/>
                    </fieldset>
                }
            }).collect_view()}
            <label for=format!("free-{id}")>{t.free_over}</label>
            <input id=format!("free-{id}") name="free_over" inputmode="numeric"
                   value=tb.free_over.map(amount).unwrap_or_default()/>
            <button type="submit" class="button">{t.save}</button>
        </form>
    }
}
