//! Where a page finds the site's stylesheet. The server names `/pkg` files after a hash of
//! their content (see `server::assets`) and provides the name to every render; without a
//! built site (some tests) the plain name stands.

use std::sync::Arc;

/// The stylesheet's path, e.g. `/pkg/ocop.3f2a….css`.
#[derive(Clone, Debug)]
pub struct StylesheetHref(pub Arc<str>);

/// The stylesheet a page links.
pub fn stylesheet_href() -> String {
    leptos::prelude::use_context::<StylesheetHref>()
        .map_or_else(|| "/pkg/ocop.css".to_owned(), |h| h.0.to_string())
}
