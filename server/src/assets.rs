//! The site's `/pkg` files (the islands' script and wasm, the stylesheet) under names that carry
//! a hash of their content, so a browser keeps them a year without asking again
//! (`Cache-Control: immutable`) and a new build is fetched under new names.
//!
//! The names are worked out when the server starts, from the files `cargo leptos build` wrote,
//! so every build (release, the tests', a container's) is served the same way without a hash
//! file beside the binary. The script and its wasm share one hash (wasm-bindgen's glue only
//! works with the wasm it was made with). The plain names (`/pkg/ocop.css`) still answer,
//! revalidated each time, for what names them (the VNPay return page, bookmarks, crawlers).

use std::{collections::HashMap, path::Path, sync::Arc};

use axum::{
    body::Bytes,
    extract::{Path as UrlPath, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

/// Hex digits of the hash in a name: 64 bits, ample against collisions between builds.
const HASH_DIGITS: usize = 16;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "public, no-cache";

struct File {
    bytes: Bytes,
    content_type: &'static str,
    /// Quoted, for `ETag` and `If-None-Match`.
    etag: HeaderValue,
    immutable: bool,
}

/// The `/pkg` files by name, hashed and plain.
#[derive(Clone)]
pub struct Assets {
    files: Arc<HashMap<String, File>>,
    /// `ocop.<hash>`: what `HydrationScripts` puts before `.js` and `.wasm`.
    pub script_stem: String,
    /// `/pkg/ocop.<hash>.css`.
    pub stylesheet: String,
}

impl Assets {
    /// Reads `{site_root}/{pkg_dir}/{name}.js`, `.wasm` and `.css`. `None` when the site is
    /// not built (a server run with `cargo run`, most tests): pages keep the plain names,
    /// which the static files' fallback serves if they appear later.
    pub fn load(site_root: &Path, pkg_dir: &str, name: &str) -> Option<Self> {
        let dir = site_root.join(pkg_dir);
        let read = |ext: &str| std::fs::read(dir.join(format!("{name}.{ext}"))).ok();
        let (js, wasm, css) = (read("js")?, read("wasm")?, read("css")?);
        Some(Self::from_files(pkg_dir, name, js, wasm, css))
    }

    fn from_files(pkg_dir: &str, name: &str, js: Vec<u8>, wasm: Vec<u8>, css: Vec<u8>) -> Self {
        let script_hash = hash(&[&js, &wasm]);
        let css_hash = hash(&[&css]);
        let mut files = HashMap::new();
        let mut add = |file: String, bytes: &Bytes, content_type, hash: &str, immutable| {
            let etag = HeaderValue::from_str(&format!("\"{hash}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("\"\""));
            files.insert(
                file,
                File {
                    bytes: bytes.clone(),
                    content_type,
                    etag,
                    immutable,
                },
            );
        };
        let (js, wasm, css) = (Bytes::from(js), Bytes::from(wasm), Bytes::from(css));
        for (ext, bytes, content_type, hash) in [
            ("js", &js, "text/javascript", &script_hash),
            ("wasm", &wasm, "application/wasm", &script_hash),
            ("css", &css, "text/css", &css_hash),
        ] {
            add(
                format!("{name}.{hash}.{ext}"),
                bytes,
                content_type,
                hash,
                true,
            );
            add(format!("{name}.{ext}"), bytes, content_type, hash, false);
        }
        Assets {
            files: Arc::new(files),
            script_stem: format!("{name}.{script_hash}"),
            stylesheet: format!("/{pkg_dir}/{name}.{css_hash}.css"),
        }
    }
}

fn hash(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        // The length first: ("ab", "c") and ("a", "bc") must not hash alike.
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let mut hex = app::domain::hex::hex(&h.finalize());
    hex.truncate(HASH_DIGITS);
    hex
}

/// `GET /pkg/{file}`: a hashed name for a year, a plain one revalidated; an unknown name
/// (an older build's hash) is 404 and not cached, so the next build's page gets through.
pub async fn serve(
    State(assets): State<Assets>,
    UrlPath(file): UrlPath<String>,
    request: HeaderMap,
) -> Response {
    let Some(f) = assets.files.get(&file) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        )
            .into_response();
    };
    let cache = HeaderValue::from_static(if f.immutable { IMMUTABLE } else { REVALIDATE });
    if request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v == f.etag)
    {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::CACHE_CONTROL, cache),
                (header::ETAG, f.etag.clone()),
            ],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(f.content_type),
            ),
            (header::CACHE_CONTROL, cache),
            (header::ETAG, f.etag.clone()),
        ],
        f.bytes.clone(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assets(js: &str, wasm: &str, css: &str) -> Assets {
        Assets::from_files("pkg", "ocop", js.into(), wasm.into(), css.into())
    }

    #[test]
    fn names_follow_the_content() {
        let a = assets("js", "wasm", "css");
        assert!(a.script_stem.starts_with("ocop."));
        assert_eq!(a.script_stem.len(), "ocop.".len() + HASH_DIGITS);
        assert!(a.stylesheet.starts_with("/pkg/ocop.") && a.stylesheet.ends_with(".css"));
        for name in [
            format!("{}.js", a.script_stem),
            format!("{}.wasm", a.script_stem),
            a.stylesheet.trim_start_matches("/pkg/").to_owned(),
            "ocop.js".into(),
            "ocop.css".into(),
        ] {
            assert!(a.files.contains_key(&name), "{name}");
        }
        // A new stylesheet renames the stylesheet only; a new wasm renames the script too.
        let b = assets("js", "wasm", "css2");
        assert_eq!(a.script_stem, b.script_stem);
        assert_ne!(a.stylesheet, b.stylesheet);
        let c = assets("js", "wasm2", "css");
        assert_ne!(a.script_stem, c.script_stem);
        assert_eq!(a.stylesheet, c.stylesheet);
        // Where one file ends and the next begins is part of the hash.
        assert_ne!(assets("jsw", "asm", "css").script_stem, a.script_stem);
    }
}
