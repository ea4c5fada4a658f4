//! Pieces several pages show.

use leptos::prelude::*;

use crate::{
    catalog::{CommuneSummary, ProductCard},
    i18n::Locale,
};

/// A product in a grid of cards.
#[component]
pub fn ProductCardView(product: ProductCard, locale: Locale) -> impl IntoView {
    let t = locale.texts();
    let price = product
        .price_label(locale.money())
        .map(|p| (t.from_price)(&p));
    let stars = product.stars.map(|s| {
        let label = (t.stars_label)(s);
        view! { <span class="stars" aria-label=label.clone() title=label>{"★".repeat(usize::from(s))}</span> }
    });
    view! {
        <li class="card">
            {product.photo.map(|ph| view! {
                <img src=ph.src srcset=ph.srcset sizes="(max-width: 600px) 100vw, 320px"
                     width=ph.width height=ph.height alt=ph.alt loading="lazy" decoding="async"/>
            })}
            <div class="card-body">
                <h3>{product.name}</h3>
                {stars}
                <p class="where">{product.producer} " · " {product.commune}</p>
                {price.map(|p| view! { <p class="price">{p}</p> })}
            </div>
        </li>
    }
}

/// A commune in a list, linking to its page.
#[component]
pub fn CommuneItem(commune: CommuneSummary, locale: Locale) -> impl IntoView {
    let t = locale.texts();
    let former = (!commune.former_names.is_empty())
        .then(|| format!("{}: {}", t.former_names, commune.former_names.join(", ")));
    view! {
        <li>
            <a href=format!("/xa/{}", commune.slug)><strong>{commune.full_name(t)}</strong></a>
            <span class="count">{(t.product_count)(commune.product_count)}</span>
            {former.map(|f| view! { <small>{f}</small> })}
        </li>
    }
}
