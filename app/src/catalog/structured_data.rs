//! schema.org data for search engines and link previews (Zalo, Facebook).

use serde_json::json;

use crate::{catalog::model::ProductPage, reviews::view::ProductReviews};

/// A schema.org `Product` with one `Offer` per variant, priced in VND. Safe to place inside a
/// `<script>` element: no `<`, `>` or `&` occurs in the output.
/// URLs are absolute on the public origin `origin` (no trailing slash). With published reviews
/// it carries their `aggregateRating` and the reviews the page shows.
pub fn product_json_ld(p: &ProductPage, reviews: &ProductReviews, origin: &str) -> String {
    let offers: Vec<_> = p
        .variants
        .iter()
        .map(|v| {
            json!({
                "@type": "Offer",
                "name": v.label,
                "price": v.price.dong().to_string(),
                "priceCurrency": "VND",
                "availability": if v.stock > 0 { "https://schema.org/InStock" } else { "https://schema.org/OutOfStock" },
            })
        })
        .collect();
    let mut product = json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": p.name,
        "description": p.description,
        "url": format!("{origin}/san-pham/{}", p.slug),
        "image": p.photos.iter().map(|ph| format!("{origin}{}", ph.src)).collect::<Vec<_>>(),
        "brand": { "@type": "Organization", "name": p.producer.name },
        "offers": offers,
    });
    if let Some(c) = &p.certificate {
        product["award"] = json!(format!("OCOP {}★ ({})", c.stars, c.decision_no));
    }
    if let Some(average) = reviews.rating.average() {
        product["aggregateRating"] = json!({
            "@type": "AggregateRating",
            "ratingValue": format!("{average:.1}"),
            "reviewCount": reviews.rating.count,
            "bestRating": 5,
            "worstRating": 1,
        });
        product["review"] = reviews
            .reviews
            .iter()
            .map(|r| {
                json!({
                    "@type": "Review",
                    "author": { "@type": "Person", "name": r.author },
                    "datePublished": r.created_at.get(..10).unwrap_or(&r.created_at),
                    "reviewRating": {
                        "@type": "Rating",
                        "ratingValue": r.stars,
                        "bestRating": 5,
                        "worstRating": 1,
                    },
                    "reviewBody": r.body,
                })
            })
            .collect();
    }
    script_safe(&product.to_string())
}

/// Escapes the characters that mean something to an HTML parser inside `<script>` (`</script>`,
/// `<!--`) as JSON unicode escapes, which a JSON parser reads back as the same text.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
