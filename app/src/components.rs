//! Pieces several pages show.

use leptos::prelude::*;

use crate::{
    catalog::model::{CommuneSummary, ProductCard},
    i18n::{Locale, Texts},
};

/// "Xã Khoái Châu", "Phường Phố Hiến" (or "Commune …", "Ward …" in English).
pub fn commune_name(kind: &str, name: &str, t: &Texts) -> String {
    let prefix = match kind {
        "phuong" => t.ward,
        "dac_khu" => t.special_zone,
        _ => t.commune,
    };
    format!("{prefix} {name}")
}

/// "500 g", "1 kg", "2,5 kg".
pub fn weight_label(grams: i64) -> String {
    if grams >= 1000 && grams % 100 == 0 {
        let tenths = grams / 100;
        if tenths % 10 == 0 {
            format!("{} kg", tenths / 10)
        } else {
            format!("{},{} kg", tenths / 10, tenths % 10)
        }
    } else {
        format!("{grams} g")
    }
}

/// OCOP stars with a spoken label.
#[component]
pub fn Stars(stars: u8, locale: Locale) -> impl IntoView {
    let label = (locale.texts().stars_label)(stars);
    view! { <span class="stars" role="img" aria-label=label.clone() title=label>{"★".repeat(usize::from(stars))}</span> }
}

/// A product in a grid of cards; in search results its name shows which words matched.
#[component]
pub fn ProductCardView(
    product: ProductCard,
    locale: Locale,
    #[prop(optional)] highlighted: Option<Vec<crate::search::model::Marked>>,
) -> impl IntoView {
    let t = locale.texts();
    let price = product
        .price_label(locale.money())
        .map(|p| (t.from_price)(&p));
    let stars = product.stars.map(|s| view! { <Stars stars=s locale/> });
    let href = format!("/san-pham/{}", product.slug);
    view! {
        <li class="card">
            {product.photo.map(|ph| view! {
                <img src=ph.src srcset=ph.srcset sizes="(max-width: 600px) 100vw, 320px"
                     width=ph.width height=ph.height alt=ph.alt loading="lazy" decoding="async"/>
            })}
            <div class="card-body">
                <h3><a href=href>{match highlighted {
                    Some(parts) => view! { <MarkedText parts/> }.into_any(),
                    None => product.name.into_any(),
                }}</a></h3>
                {stars}
                <p class="where">{product.producer} " · " {product.commune}</p>
                {price.map(|p| view! { <p class="price">{p}</p> })}
            </div>
        </li>
    }
}

/// A name with its matched words in `<mark>`; the text is escaped like any other.
#[component]
pub fn MarkedText(parts: Vec<crate::search::model::Marked>) -> impl IntoView {
    parts
        .into_iter()
        .map(|part| {
            if part.hit {
                view! { <mark>{part.text}</mark> }.into_any()
            } else {
                part.text.into_any()
            }
        })
        .collect_view()
}

/// A story in the safe formatting language of `domain::rich_text`, as elements (never raw HTML).
#[component]
pub fn RichText(text: String) -> impl IntoView {
    use crate::domain::rich_text::{Block, Span, parse};
    let spans = |spans: Vec<Span>| {
        spans
            .into_iter()
            .map(|s| match (s.bold, s.italic) {
                (true, true) => view! { <strong><em>{s.text}</em></strong> }.into_any(),
                (true, false) => view! { <strong>{s.text}</strong> }.into_any(),
                (false, true) => view! { <em>{s.text}</em> }.into_any(),
                (false, false) => s.text.into_any(),
            })
            .collect_view()
    };
    parse(&text)
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(s) => view! { <p>{spans(s)}</p> }.into_any(),
            Block::List(items) => view! {
                <ul>{items.into_iter().map(|s| view! { <li>{spans(s)}</li> }).collect_view()}</ul>
            }
            .into_any(),
        })
        .collect_view()
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

/// A `<textarea>` refilled with what was typed or stored. Its content is raw text to the HTML
/// parser (only `</textarea` ends it) and Leptos writes a textarea's children unescaped on the
/// server, so a value holding `</textarea><b>` would become markup: every textarea is drawn
/// here, its value escaped by the one helper for raw-text contexts. The leading new line is
/// the one the parser drops, so a value that starts with a new line keeps it.
#[component]
pub fn TextArea(
    name: &'static str,
    #[prop(into)] value: String,
    rows: u32,
    maxlength: u32,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional)] describedby: Option<&'static str>,
) -> impl IntoView {
    let content = format!("\n{}", crate::security::escape_text(&value));
    view! {
        <textarea id=id name=name rows=rows maxlength=maxlength aria-describedby=describedby inner_html=content></textarea>
    }
}
