//! The cart (`/gio-hang`): lines grouped per producer (one order each), quantities, delivery
//! fees, and why a line cannot be ordered. Plain forms posting to `server::shop::forms`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    auth::pages::CsrfField,
    i18n::{Locale, use_locale},
    pages::refusal::Refusal,
    shop::{
        form::ShopRefusal,
        model::{CartLine, CartView, LineProblem},
        texts::ShopTexts,
    },
};

#[server(prefix = "/fn")]
pub async fn get_cart_page() -> Result<CartView, ServerFnError> {
    let cx = crate::pages::PageContext::get()?;
    match crate::auth::current_cart_owner() {
        Some(owner) => crate::shop::storage::cart::view(&cx.db, &owner, cx.locale, None)
            .await
            .map_err(|e| cx.failed("loading a cart", e)),
        None => Ok(CartView::default()),
    }
}

#[component]
pub fn CartPage() -> impl IntoView {
    let locale = use_locale();
    let t = ShopTexts::of(locale);
    let cart = Resource::new(|| (), |_| get_cart_page());
    view! {
        <Title text=t.cart_title/>
        <main class="page shop">
            <h1>{t.cart_title}</h1>
            <ShopNotice/>
            <Suspense fallback=move || view! { <p class="loading">{locale.texts().loading}</p> }>
                {move || cart.get().map(|r| match r {
                    Ok(cart) => view! { <CartBody cart locale/> }.into_any(),
                    Err(_) => view! { <crate::pages::LoadFailed/> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// The confirmation or refusal a shop form sent back (`?ok`, `?loi`, `?moi`).
#[component]
pub fn ShopNotice() -> impl IntoView {
    let t = ShopTexts::of(use_locale());
    let query = use_query_map();
    query.with_untracked(|q| {
        let pairs = q.latest_values().map(|(k, v)| (k.as_ref(), v));
        if let Some(refusal) = ShopRefusal::from_query(pairs) {
            return Some(
                view! { <p class="notice error" role="alert">{(t.error)(refusal)}</p> }.into_any(),
            );
        }
        let ok = match (
            q.get("ok").as_deref(),
            q.get("moi").is_some(),
            q.get("the").as_deref(),
        ) {
            (Some("added"), _, _) => t.added,
            (Some(_), _, _) => t.saved,
            (_, true, _) => t.placed_new,
            (_, _, Some("ok")) => t.card_returned,
            (_, _, Some(_)) => t.card_cancelled,
            _ => return None,
        };
        Some(view! { <p class="notice ok" role="status">{ok}</p> }.into_any())
    })
}

#[component]
fn CartBody(cart: CartView, locale: Locale) -> impl IntoView {
    let t = ShopTexts::of(locale);
    if cart.is_empty() {
        return view! {
            <p>{t.cart_empty}</p>
            <p><a class="button" href="/xa">{t.browse}</a></p>
        }
        .into_any();
    }
    let ready = cart.ready();
    let money = locale.money();
    view! {
        {(cart.groups.len() > 1).then(|| view! { <p class="meta">{t.one_order_each}</p> })}
        {cart.groups.into_iter().map(|g| view! {
            <section class="cart-group">
                <h2>{(t.sold_by)(&g.producer_name)}</h2>
                <ul class="cart-lines">
                    {g.lines.into_iter().map(|line| view! { <CartLineRow line locale/> }).collect_view()}
                </ul>
                <dl class="totals">
                    <dt>{t.subtotal}</dt><dd>{g.subtotal.format(money)}</dd>
                    <dt>{t.shipping}</dt><dd>{g.shipping.format(money)} " " <small>{t.shipping_farthest}</small></dd>
                    <dt>{t.total}</dt><dd>{g.total.format(money)}</dd>
                </dl>
            </section>
        }).collect_view()}
        <p class="grand-total">{t.grand_total} ": " <strong>{cart.total.format(money)}</strong></p>
        {if ready {
            view! { <p><a class="button" href="/thanh-toan">{t.to_checkout}</a></p> }.into_any()
        } else {
            view! { <p class="notice error" role="alert">{t.fix_cart}</p> }.into_any()
        }}
    }
    .into_any()
}

#[component]
fn CartLineRow(line: CartLine, locale: Locale) -> impl IntoView {
    let t = ShopTexts::of(locale);
    // Few left: say so before it becomes a problem.
    let low = (line.problem.is_none() && line.stock <= 10).then(|| (t.problem_short)(line.stock));
    let problem = line.problem.map(|p| match p {
        LineProblem::OutOfStock => t.problem_out.to_owned(),
        LineProblem::NotEnough => (t.problem_short)(line.stock),
        LineProblem::Unavailable => t.problem_unavailable.to_owned(),
        LineProblem::OnlySameProvince => t.problem_same_province.to_owned(),
        LineProblem::OnlyNeighbouringProvinces => t.problem_neighbours.to_owned(),
    });
    let has_problem = problem.is_some();
    let href = format!("/san-pham/{}", line.product_slug);
    let quantity_id = format!("q-{}", line.variant_id);
    view! {
        <li class="cart-line" class:problem=has_problem>
            <p class="line-name">
                <a href=href>{line.product_name}</a> " · " {line.variant_label}
            </p>
            <p class="line-price">
                {line.unit_price.format(locale.money())} " × " {line.quantity} " = "
                <strong>{line.line_total.format(locale.money())}</strong>
            </p>
            {problem.map(|p| view! { <p class="line-problem" role="alert">{p}</p> })}
            {low.map(|l| view! { <p class="meta">{l}</p> })}
            <form method="post" action="/gio-hang/sua" class="inline quantity">
                <CsrfField/>
                <input type="hidden" name="variant_id" value=line.variant_id.clone()/>
                <label for=quantity_id.clone()>{t.quantity}</label>
                <input id=quantity_id type="number" name="quantity" min="0" max="99" inputmode="numeric"
                       value=line.quantity.min(99).to_string() required/>
                <button type="submit" class="button secondary">{t.update}</button>
            </form>
            <form method="post" action="/gio-hang/sua" class="inline">
                <CsrfField/>
                <input type="hidden" name="variant_id" value=line.variant_id/>
                <input type="hidden" name="quantity" value="0"/>
                <button type="submit" class="link-button">{t.remove}</button>
            </form>
        </li>
    }
}

/// The "add to cart" form of one variant on a product page.
#[component]
pub fn AddToCart(
    variant_id: String,
    back: String,
    in_stock: bool,
    locale: Locale,
) -> impl IntoView {
    let t = ShopTexts::of(locale);
    let id = format!("add-{variant_id}");
    view! {
        <form method="post" action="/gio-hang/them" class="add-to-cart">
            <CsrfField/>
            <input type="hidden" name="variant_id" value=variant_id/>
            <input type="hidden" name="back" value=back/>
            <label for=id.clone() class="visually-hidden">{t.quantity}</label>
            <input id=id type="number" name="quantity" value="1" min="1" max="99" inputmode="numeric" disabled=!in_stock/>
            <button type="submit" disabled=!in_stock>{t.add_to_cart}</button>
        </form>
    }
}
