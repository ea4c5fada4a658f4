//! Checkout (`/thanh-toan`): who receives the goods and where (province → commune, then the
//! street: the two-tier address), how to pay, and a summary of the orders it will create. The
//! form carries a fresh idempotency key, so a double tap on "Place order" orders once.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    auth::pages::CsrfField,
    i18n::{Locale, use_locale},
    shop::{
        model::{CartView, ProvinceChoice},
        pages::cart::ShopNotice,
        rules::order::PaymentMethod,
        texts::ShopTexts,
    },
};

/// Whether cards are accepted here (Stripe configured), provided by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CardsAccepted(pub bool);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckoutData {
    pub cart: CartView,
    pub provinces: Vec<ProvinceChoice>,
    pub methods: Vec<PaymentMethod>,
    pub idempotency_key: String,
    /// The signed-in buyer's name, as a default.
    pub name: String,
}

#[server(prefix = "/fn")]
pub async fn get_checkout_page() -> Result<CheckoutData, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    let cart = match crate::auth::current_cart_owner() {
        Some(owner) => crate::shop::storage::cart::view(&cx.db, &owner, cx.locale)
            .await
            .map_err(|e| cx.failed("loading a cart", e))?,
        None => CartView::default(),
    };
    let communes = crate::shop::storage::cart::delivery_communes(&cx.db)
        .await
        .map_err(|e| cx.failed("loading communes", e))?;
    let mut provinces: Vec<ProvinceChoice> = vec![];
    for (province_id, province, commune_id, kind, name) in communes {
        let label = crate::components::commune_name(&kind, &name, cx.locale.texts());
        match provinces.last_mut() {
            Some(p) if p.id == province_id => p.communes.push((commune_id, label)),
            _ => provinces.push(ProvinceChoice {
                id: province_id,
                name: province,
                communes: vec![(commune_id, label)],
            }),
        }
    }
    let cards = use_context::<CardsAccepted>().is_some_and(|c| c.0);
    let methods = PaymentMethod::ALL
        .iter()
        .copied()
        .filter(|m| *m != PaymentMethod::Card || cards)
        .collect();
    Ok(CheckoutData {
        cart,
        provinces,
        methods,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        name: crate::auth::current_actor()
            .map(|a| a.display_name)
            .unwrap_or_default(),
    })
}

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let locale = use_locale();
    let t = ShopTexts::of(locale);
    let data = Resource::new(|| (), |_| get_checkout_page());
    view! {
        <Title text=t.checkout_title/>
        <main class="page shop narrow">
            <h1>{t.checkout_title}</h1>
            <ShopNotice/>
            <Suspense fallback=move || view! { <p class="loading">{locale.texts().loading}</p> }>
                {move || data.get().map(|r| match r {
                    Ok(d) if d.cart.is_empty() => view! {
                        <p>{t.cart_empty}</p>
                        <p><a class="button" href="/xa">{t.browse}</a></p>
                    }.into_any(),
                    Ok(d) => view! { <CheckoutForm data=d locale/> }.into_any(),
                    Err(_) => view! { <crate::pages::LoadFailed/> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn CheckoutForm(data: CheckoutData, locale: Locale) -> impl IntoView {
    let t = ShopTexts::of(locale);
    let money = locale.money();
    // A refused submit comes back with what was typed.
    let typed = use_query_map().get_untracked();
    let keep = |key: &str, default: &str| typed.get(key).unwrap_or_else(|| default.to_owned());
    let name = keep("name", &data.name);
    let phone = keep("phone", "");
    let street = keep("street", "");
    let commune = keep("commune_id", "");
    let method = keep("payment_method", "cod");
    let single_province = data.provinces.len() == 1;
    view! {
        <section class="order-summary" aria-label=t.total>
            <ul>
                {data.cart.groups.iter().map(|g| view! {
                    <li>
                        {(t.sold_by)(&g.producer_name)} ": " {g.subtotal.format(money)}
                        " + " {t.shipping} " " {g.shipping.format(money)}
                    </li>
                }).collect_view()}
            </ul>
            <p class="grand-total">{t.grand_total} ": " <strong>{data.cart.total.format(money)}</strong></p>
            {(!data.cart.ready()).then(|| view! { <p class="notice error" role="alert">{t.fix_cart} " " <a href="/gio-hang">{t.cart}</a></p> })}
        </section>
        <form method="post" action="/thanh-toan" class="stack checkout">
            <CsrfField/>
            <input type="hidden" name="idempotency_key" value=data.idempotency_key/>
            <fieldset>
                <legend>{t.contact}</legend>
                <label for="name">{t.name}</label>
                <input id="name" name="name" autocomplete="name" required maxlength="100" value=name/>
                <label for="phone">{t.phone}</label>
                <input id="phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" required
                       placeholder=t.phone_hint value=phone/>
            </fieldset>
            <fieldset>
                <legend>{t.address}</legend>
                <label for="province">{t.province}</label>
                <select id="province" name="province_id" required>
                    {data.provinces.iter().map(|p| view! {
                        <option value=p.id.clone() selected=single_province>{p.name.clone()}</option>
                    }).collect_view()}
                </select>
                <label for="commune">{t.commune}</label>
                <select id="commune" name="commune_id" required>
                    <option value="">{t.choose_commune}</option>
                    {data.provinces.into_iter().map(|p| view! {
                        <optgroup label=p.name>
                            {p.communes.into_iter().map(|(id, label)| {
                                let selected = id == commune;
                                view! { <option value=id selected=selected>{label}</option> }
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
                <label for="street">{t.street}</label>
                <input id="street" name="street" autocomplete="street-address" required maxlength="200"
                       placeholder=t.street_hint value=street/>
            </fieldset>
            <fieldset>
                <legend>{t.payment}</legend>
                {data.methods.into_iter().map(|m| {
                    let id = format!("pay-{}", m.as_str());
                    view! {
                        <div class="choice">
                            <input type="radio" id=id.clone() name="payment_method" value=m.as_str()
                                   checked=method == m.as_str() required/>
                            <label for=id>{(t.method)(m)} <small>{(t.method_hint)(m)}</small></label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button">{t.place_order}</button>
        </form>
    }
}
