//! Where the site is published, for the absolute URLs search engines and link previews need
//! (canonical links, `og:url`, `og:image`, JSON-LD).

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::{Link, Meta};

/// The public origin, e.g. `https://dacsan.hungyen.vn`, without a trailing slash. The server
/// provides it from `OCOP_PUBLIC_URL`, never from the request's Host header (which a client
/// controls).
#[derive(Clone, Debug)]
pub struct PublicUrl(pub Arc<str>);

impl PublicUrl {
    /// `path` (starting with `/`) on the public origin.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

/// `path` on the public origin, when the server provided one.
pub fn absolute_url(path: &str) -> Option<String> {
    use_context::<PublicUrl>().map(|origin| origin.absolute(path))
}

/// The page's canonical URL (`<link rel="canonical">` and `og:url`): one address per page, so a
/// shared link with `?utm=…` or `?q=…` ranks as the page itself.
#[component]
pub fn Canonical(#[prop(into)] path: String) -> impl IntoView {
    absolute_url(&path).map(|url| {
        view! {
            <Link rel="canonical" href=url.clone()/>
            <Meta property="og:url" content=url/>
        }
    })
}
