//! The Content-Security-Policy of every page: scripts only with this response's nonce (Leptos
//! puts it on its hydration scripts) and what they load, WebAssembly allowed, everything else
//! from this site; no framing (clickjacking), no plugins, no `<base>` tricks. Forms may post
//! here, and the card checkout redirects to Stripe's hosted page. The farm pages' service
//! worker (`/sw.js`) and the web-app manifest come from this site only.

/// The policy for a page rendered with `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         worker-src 'self'; manifest-src 'self'; \
         form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'; \
         base-uri 'none'; object-src 'none'"
    )
}

/// The policy for everything that is not a page (JSON, images, files): nothing may run.
/// Escapes text for an HTML text context (`&`, `<`, `>`), for the few places where a library
/// writes our text into the page unescaped.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

pub const NON_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Sets the page's policy on the response being rendered (server only).
pub fn apply_page_policy() {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        let Some(nonce) = leptos::nonce::use_nonce() else {
            return;
        };
        let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
            return;
        };
        if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_need_the_nonce_and_nothing_frames_the_site() {
        let p = page_policy("abc123");
        assert!(p.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'"));
        assert!(!p.contains("unsafe-inline"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(p.contains("object-src 'none'"));
        assert!(p.contains("worker-src 'self'") && p.contains("manifest-src 'self'"));
    }
}
