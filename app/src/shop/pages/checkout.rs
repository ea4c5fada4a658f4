//! Checkout (`/thanh-toan`): who receives the goods and where (province → commune, then the
//! street: the two-tier address), how to pay, and a summary of the orders it will create. The
//! form carries a fresh idempotency key, so a double tap on "Place order" orders once.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::{
    address::{
        model::ProvinceChoice,
        picker::{CommunePicker, ProvinceStep},
    },
    auth::pages::CsrfField,
    i18n::{Locale, use_locale},
    shop::{
        model::{CartView, LineProblem},
        pages::cart::ShopNotice,
        rules::{order::PaymentMethod, shipping::ShippingSource},
        texts::ShopTexts,
    },
};

/// Whether cards are accepted here (Stripe configured), provided by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CardsAccepted(pub bool);

/// Whether VNPay is accepted here (its merchant account configured), provided by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VnpayAccepted(pub bool);

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckoutData {
    pub cart: CartView,
    /// Every province and city of the country (34): the first step of the address.
    pub provinces: Vec<ProvinceChoice>,
    /// The province chosen in that step, if any, and its communes: never the whole country's.
    pub province: Option<String>,
    pub communes: Vec<(String, String)>,
    /// The commune already chosen (a refused submit): (code, "Phường X, Thành phố Y").
    pub chosen: Option<(String, String)>,
    pub methods: Vec<PaymentMethod>,
    pub idempotency_key: String,
    /// The signed-in buyer's name, as a default.
    pub name: String,
}

/// The checkout page's data; `province` and `commune` are the codes chosen so far (the query).
#[server(prefix = "/fn")]
pub async fn get_checkout_page(
    province: Option<String>,
    commune: Option<String>,
) -> Result<CheckoutData, ServerFnError> {
    use crate::address::{
        rules::{CommuneCode, ProvinceCode},
        storage as address,
    };
    let cx = crate::pages::PageContext::get()?;
    // A code that is not one (a hand-typed URL) is no choice yet.
    let province = province.and_then(|p| ProvinceCode::parse(&p).ok());
    let quoter = use_context::<crate::shop::quotes::Quoter>();
    let chosen_commune = commune.as_deref().and_then(|c| CommuneCode::parse(c).ok());
    let cart = match (
        crate::auth::current_cart_owner(),
        &province,
        &chosen_commune,
        quoter,
    ) {
        // The commune is chosen: the producers' carriers quote their parcels.
        (Some(owner), Some(p), Some(c), Some(quoter)) => {
            let to = crate::shop::quotes::Destination {
                province: p.clone(),
                commune: c.clone(),
                street: String::new(),
            };
            crate::shop::storage::cart::view_to(&cx.db, &owner, cx.locale, &to, &quoter)
                .await
                .map_err(|e| cx.failed("loading a cart", e))?
        }
        (Some(owner), ..) => {
            crate::shop::storage::cart::view(&cx.db, &owner, cx.locale, province.as_ref())
                .await
                .map_err(|e| cx.failed("loading a cart", e))?
        }
        (None, ..) => CartView::default(),
    };
    let provinces = address::provinces(&cx.db)
        .await
        .map_err(|e| cx.failed("loading provinces", e))?
        .iter()
        .map(|p| ProvinceChoice::of(p, cx.locale))
        .collect();
    let communes = match &province {
        Some(p) => address::communes_of(&cx.db, p)
            .await
            .map_err(|e| cx.failed("loading communes", e))?,
        None => Vec::new(),
    };
    let chosen = match (&province, commune.and_then(|c| CommuneCode::parse(&c).ok())) {
        (Some(p), Some(c)) => match address::lookup(&cx.db, p, &c)
            .await
            .map_err(|e| cx.failed("finding a commune", e))?
        {
            address::Lookup::Found(c) => Some((
                c.code.to_string(),
                format!("{}, {}", c.label(cx.locale), c.province.label(cx.locale)),
            )),
            _ => None,
        },
        _ => None,
    };
    let cards = use_context::<CardsAccepted>().is_some_and(|c| c.0);
    let vnpay = use_context::<VnpayAccepted>().is_some_and(|c| c.0);
    let methods = PaymentMethod::ALL
        .iter()
        .copied()
        .filter(|m| *m != PaymentMethod::Card || cards)
        .filter(|m| *m != PaymentMethod::Vnpay || vnpay)
        .collect();
    Ok(CheckoutData {
        cart,
        provinces,
        province: province.map(|p| p.to_string()),
        communes: communes
            .iter()
            .map(|c| (c.code.to_string(), c.label(cx.locale)))
            .collect(),
        chosen,
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
    let query = use_query_map();
    let data = Resource::new(
        move || query.with(|q| (q.get("province_id"), q.get("commune_id"))),
        |(province, commune)| get_checkout_page(province, commune),
    );
    view! {
        <Title text=t.checkout_title/>
        <Meta name="description" content=t.checkout_description/>
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
    let method = keep("payment_method", "cod");
    // The province step carries what was typed so far back to this page.
    let carried: Vec<(String, String)> = ["name", "phone", "street", "payment_method"]
        .into_iter()
        .filter_map(|k| typed.get(k).map(|v| (k.to_owned(), v)))
        .collect();
    view! {
        <section class="order-summary" aria-label=t.total>
            <ul>
                {data.cart.groups.iter().map(|g| {
                    let not_delivered: Vec<String> = g.lines.iter().filter_map(|l| {
                        let why = match l.problem? {
                            LineProblem::OnlySameProvince => t.problem_same_province,
                            LineProblem::OnlyNeighbouringProvinces => t.problem_neighbours,
                            _ => return None,
                        };
                        Some(format!("{} · {}: {why}", l.product_name, l.variant_label))
                    }).collect();
                    view! {
                        <li>
                            {(t.sold_by)(&g.producer_name)} ": " {g.subtotal.format(money)}
                            " + " {t.shipping} " " {g.shipping.format(money)}
                            " " <small class="shipping-source" data-source=g.shipping_source.as_str()>{
                                if !data.cart.delivery_known {
                                    t.shipping_farthest.to_owned()
                                } else {
                                    match g.shipping_source {
                                        ShippingSource::Table => t.shipping_estimated.to_owned(),
                                        ShippingSource::Free => t.shipping_free.to_owned(),
                                        ShippingSource::Ghn => (t.shipping_quoted)("GHN"),
                                        ShippingSource::Ghtk => (t.shipping_quoted)("GHTK"),
                                    }
                                }
                            }</small>
                            {(!not_delivered.is_empty()).then(|| view! {
                                <ul class="line-problems">
                                    {not_delivered.into_iter().map(|p| view! { <li class="notice error">{p}</li> }).collect_view()}
                                </ul>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="grand-total">{t.grand_total} ": " <strong>{data.cart.total.format(money)}</strong></p>
            {(!data.cart.ready()).then(|| view! { <p class="notice error" role="alert">{t.fix_cart} " " <a href="/gio-hang">{t.cart}</a></p> })}
        </section>
        <section class="stack checkout-address" aria-label=t.address>
            <ProvinceStep action="/thanh-toan" provinces=data.provinces chosen=data.province.clone()
                          keep=carried locale/>
        </section>
        <form method="post" action="/thanh-toan" class="stack checkout">
            <CsrfField/>
            <input type="hidden" name="idempotency_key" value=data.idempotency_key/>
            // What this page shows: placing never costs more than that without showing it again.
            <input type="hidden" name="shown_total_vnd" value=data.cart.total.dong().to_string()/>
            <fieldset>
                <legend>{t.address}</legend>
                <CommunePicker province=data.province communes=data.communes chosen=data.chosen
                               vi=locale == Locale::Vi/>
                <label for="street">{t.street}</label>
                <input id="street" name="street" autocomplete="street-address" required maxlength="200"
                       placeholder=t.street_hint value=street/>
            </fieldset>
            <fieldset>
                <legend>{t.contact}</legend>
                <label for="name">{t.name}</label>
                <input id="name" name="name" autocomplete="name" required maxlength="100" value=name/>
                <label for="phone">{t.phone}</label>
                <input id="phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" required
                       placeholder=t.phone_hint value=phone/>
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
            <crate::privacy::page::OrderNotice/>
            <button type="submit" class="button">{t.place_order}</button>
        </form>
    }
}
