//! `sitemap.xml` and `robots.txt` for search engines. Only public pages are listed.

use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::startup::AppState;

pub async fn sitemap(State(state): State<AppState>) -> Response {
    let paths = match app::catalog::storage::public_paths(&state.db).await {
        Ok(paths) => paths,
        Err(e) => {
            tracing::error!(error = %e, "building the sitemap failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in paths {
        // Slugs are lowercase ASCII, but the origin is configuration: escape anyway.
        xml.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            xml_escape(&format!("{}{path}", state.public_url))
        ));
    }
    xml.push_str("</urlset>\n");
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

pub async fn robots(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "User-agent: *\nAllow: /\nDisallow: /fn/\nSitemap: {}/sitemap.xml\n",
            state.public_url
        ),
    )
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
