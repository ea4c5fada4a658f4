//! Where photos' files are kept: the media folder in the data folder (the default), or an
//! S3-compatible bucket (`OCOP_MEDIA_URL=s3://bucket?endpoint=…&region=…`, credentials from the
//! usual `AWS_*` variables), which every app server sees. One interface for both
//! (`object_store`), keyed `photos/{photo id}/{width}.jpg`.
//!
//! Pages link to `/media/{key}` either way and the app serves the file from where it is kept:
//! a key never changes what it holds, so it is cached for a year (`immutable`), and the bucket
//! needs no public access.

use std::{path::PathBuf, sync::Arc};

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use object_store::{ObjectStore, PutPayload, path::Path as Key};

/// Where the photos are kept, as configured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum MediaSettings {
    /// `media/` in the data folder.
    #[default]
    Folder,
    /// An S3-compatible bucket.
    Bucket(BucketSettings),
}

/// An S3-compatible bucket (`OCOP_MEDIA_URL`).
#[derive(Clone, PartialEq, Eq)]
pub struct BucketSettings {
    pub bucket: String,
    /// The service's address (`endpoint=`, e.g. `https://s3.hn.example.vn`); none: AWS's.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// Keys given here (the tests); none: the `AWS_*` variables (or the host's role).
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for BucketSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BucketSettings")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("credentials", &self.credentials.as_ref().map(|_| "(set)"))
            .finish()
    }
}

/// Why `OCOP_MEDIA_URL` was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaUrlError {
    #[error("OCOP_MEDIA_URL must look like s3://bucket?endpoint=https://…&region=…")]
    NotS3,
    #[error("OCOP_MEDIA_URL: {0:?} is not a bucket name (3 to 63 of a-z, 0-9, '.' and '-')")]
    Bucket(String),
    #[error("OCOP_MEDIA_URL: endpoint {0:?} must be an http:// or https:// address")]
    Endpoint(String),
    #[error("OCOP_MEDIA_URL: unknown parameter {0:?} (endpoint and region are understood)")]
    Parameter(String),
}

impl MediaSettings {
    /// Reads `OCOP_MEDIA_URL` (none or empty: the media folder).
    pub fn parse(url: Option<&str>) -> Result<MediaSettings, MediaUrlError> {
        let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(MediaSettings::Folder);
        };
        let rest = url.strip_prefix("s3://").ok_or(MediaUrlError::NotS3)?;
        let (bucket, query) = rest.split_once('?').unwrap_or((rest, ""));
        let bucket = bucket.trim_end_matches('/');
        let valid = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && !bucket.starts_with(['.', '-'])
            && !bucket.ends_with(['.', '-']);
        if !valid {
            return Err(MediaUrlError::Bucket(bucket.to_owned()));
        }
        let mut settings = BucketSettings {
            bucket: bucket.to_owned(),
            endpoint: None,
            region: None,
            credentials: None,
        };
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match &*name {
                "endpoint" => {
                    let value = value.trim_end_matches('/');
                    if !(value.starts_with("https://") || value.starts_with("http://"))
                        || value.len() <= "https://".len()
                    {
                        return Err(MediaUrlError::Endpoint(value.to_owned()));
                    }
                    settings.endpoint = Some(value.to_owned());
                }
                "region" if !value.is_empty() => settings.region = Some(value.into_owned()),
                other => return Err(MediaUrlError::Parameter(other.to_owned())),
            }
        }
        Ok(MediaSettings::Bucket(settings))
    }
}

/// Reading or writing a photo's file failed.
#[derive(Debug, thiserror::Error)]
#[error("{place}: {source}")]
pub struct MediaError {
    place: Arc<str>,
    #[source]
    source: object_store::Error,
}

/// The photos' store, shared by every handler.
#[derive(Clone)]
pub struct Media {
    store: Arc<dyn ObjectStore>,
    /// For messages: the folder, or `s3://bucket`.
    place: Arc<str>,
    /// JPEG copies found without a WebP twin (stored before the twins existed): asked for
    /// directly, not after a missed read of the twin each time. At most [`NO_TWIN_KEPT`].
    no_twin: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
}

/// Keys remembered in [`Media::no_twin`] before it starts again (a few hundred KB).
const NO_TWIN_KEPT: usize = 10_000;

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media").field("place", &self.place).finish()
    }
}

impl Media {
    /// Opens the store `settings` name; `folder` is the media folder (created when missing).
    pub fn open(settings: &MediaSettings, folder: PathBuf) -> anyhow::Result<Media> {
        use anyhow::Context as _;
        match settings {
            MediaSettings::Folder => {
                std::fs::create_dir_all(&folder)
                    .with_context(|| format!("creating the media folder {}", folder.display()))?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(&folder)
                    .with_context(|| format!("opening the media folder {}", folder.display()))?
                    // A deleted photo's folder goes with its last file.
                    .with_automatic_cleanup(true);
                Ok(Media {
                    store: Arc::new(store),
                    place: folder.display().to_string().into(),
                    no_twin: Default::default(),
                })
            }
            MediaSettings::Bucket(b) => {
                let mut builder = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(&b.bucket)
                    // Bucket names with dots, and self-hosted services, need path-style URLs.
                    .with_virtual_hosted_style_request(false);
                if let Some(endpoint) = &b.endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"));
                }
                if let Some(region) = &b.region {
                    builder = builder.with_region(region);
                }
                if let Some((key, secret)) = &b.credentials {
                    builder = builder
                        .with_access_key_id(key)
                        .with_secret_access_key(secret);
                }
                let store = builder
                    .build()
                    .with_context(|| format!("opening the photo bucket s3://{}", b.bucket))?;
                Ok(Media {
                    store: Arc::new(store),
                    place: format!("s3://{}", b.bucket).into(),
                    no_twin: Default::default(),
                })
            }
        }
    }

    fn known_without_twin(&self, key: &str) -> bool {
        self.no_twin
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(key)
    }

    fn remember_without_twin(&self, key: &str) {
        let mut keys = self
            .no_twin
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if keys.len() >= NO_TWIN_KEPT {
            keys.clear();
        }
        keys.insert(key.to_owned());
    }

    fn error(&self, source: object_store::Error) -> MediaError {
        MediaError {
            place: self.place.clone(),
            source,
        }
    }

    /// Stores `bytes` under `key` (whole: a reader never sees part of a file).
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), MediaError> {
        self.store
            .put(&Key::from(key), PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    /// The file under `key`, whole; `None` when there is none.
    pub async fn read(&self, key: &str) -> Result<Option<Vec<u8>>, MediaError> {
        match self.store.get(&Key::from(key)).await {
            Ok(found) => Ok(Some(
                found.bytes().await.map_err(|e| self.error(e))?.to_vec(),
            )),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Removes the file under `key`; one already gone is no error.
    pub async fn delete(&self, key: &str) -> Result<(), MediaError> {
        match self.store.delete(&Key::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Every key under `prefix` (e.g. `photos/`), for a backup.
    pub async fn keys(&self, prefix: &str) -> Result<Vec<String>, MediaError> {
        let prefix = Key::from(prefix);
        let mut listed = self.store.list(Some(&prefix));
        let mut keys = Vec::new();
        while let Some(meta) = listed.next().await {
            keys.push(meta.map_err(|e| self.error(e))?.location.to_string());
        }
        keys.sort_unstable();
        Ok(keys)
    }

    /// Whether the store answers (the bucket exists and the keys are accepted): read at start-up,
    /// so a wrong bucket or key stops the server with a message rather than failing uploads.
    pub async fn check(&self) -> Result<(), MediaError> {
        // A listing, not a HEAD: a HEAD of a missing bucket is a bare 404, like a missing key.
        self.store
            .list_with_delimiter(Some(&Key::from("photos")))
            .await
            .map(|_| ())
            .map_err(|e| self.error(e))
    }
}

/// Whether `key` may name a stored file: what the site writes (`photos/{id}/{width}.jpg`) has
/// only these characters; anything else (`..`, a leading `/`, an encoded byte) is not asked for.
pub(crate) fn servable(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 200
        && !key.starts_with('/')
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_'))
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit_once('.').map(|(_, ext)| ext) {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("png") => "image/png",
        Some("avif") => "image/avif",
        _ => "application/octet-stream",
    }
}

/// `GET /media/{*key}`: the file, from the folder or the bucket, cached for a year.
pub async fn serve(
    State(media): State<Media>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !servable(&key) {
        return StatusCode::NOT_FOUND.into_response();
    }
    // A JPEG copy's WebP twin, for a browser that accepts WebP (all current ones do); photos
    // stored before the twins existed have none, and the JPEG answers.
    let twin = super::store::webp_key(&key);
    let webp = twin
        .as_ref()
        .filter(|_| accepts_webp(&headers) && !media.known_without_twin(&key));
    let mut found = None;
    let mut twin_missing = false;
    if let Some(webp) = webp {
        match media.store.get(&Key::from(webp.as_str())).await {
            Ok(f) => found = Some((f, webp.as_str())),
            Err(object_store::Error::NotFound { .. }) => twin_missing = true,
            Err(e) => {
                tracing::error!(error = %media.error(e), key = %webp, "reading a photo failed");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }
    let (found, served) = match found {
        Some(found) => found,
        None => match media.store.get(&Key::from(key.as_str())).await {
            Ok(f) => {
                // Only a photo that exists is remembered: probes for made-up keys are not.
                if twin_missing {
                    media.remember_without_twin(&key);
                }
                (f, key.as_str())
            }
            Err(object_store::Error::NotFound { .. }) => {
                return StatusCode::NOT_FOUND.into_response();
            }
            Err(e) => {
                tracing::error!(error = %media.error(e), %key, "reading a photo failed");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        },
    };
    let etag = found
        .meta
        .e_tag
        .as_deref()
        .map(|t| format!("\"{}\"", t.trim_matches('"')))
        .and_then(|t| HeaderValue::from_str(&t).ok());
    let mut response = if etag.is_some() && headers.get(header::IF_NONE_MATCH) == etag.as_ref() {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let size = found.meta.size;
        let mut response = Body::from_stream(found.into_stream()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(served)),
        );
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(size));
        response
    };
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    if let Some(etag) = etag {
        h.insert(header::ETAG, etag);
    }
    if twin.is_some() {
        // Caches keep the JPEG and the WebP apart.
        h.insert(header::VARY, HeaderValue::from_static("accept"));
    }
    response
}

/// Whether the request's `Accept` names WebP (browsers that do send `image/webp` for images).
fn accepts_webp(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut params = part.split(';');
            params
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("image/webp"))
                && !params.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(name: &str, endpoint: Option<&str>, region: Option<&str>) -> MediaSettings {
        MediaSettings::Bucket(BucketSettings {
            bucket: name.into(),
            endpoint: endpoint.map(Into::into),
            region: region.map(Into::into),
            credentials: None,
        })
    }

    #[test]
    fn media_urls() {
        assert_eq!(MediaSettings::parse(None), Ok(MediaSettings::Folder));
        assert_eq!(MediaSettings::parse(Some("  ")), Ok(MediaSettings::Folder));
        assert_eq!(
            MediaSettings::parse(Some("s3://ocop-photos")),
            Ok(bucket("ocop-photos", None, None))
        );
        assert_eq!(
            MediaSettings::parse(Some(
                "s3://ocop.photos/?endpoint=https%3A%2F%2Fs3.hn.example.vn%2F&region=hn-1"
            )),
            Ok(bucket(
                "ocop.photos",
                Some("https://s3.hn.example.vn"),
                Some("hn-1")
            ))
        );
        assert_eq!(
            MediaSettings::parse(Some(
                "s3://b12?endpoint=http://127.0.0.1:9000&region=us-east-1"
            )),
            Ok(bucket(
                "b12",
                Some("http://127.0.0.1:9000"),
                Some("us-east-1")
            ))
        );
        assert_eq!(
            MediaSettings::parse(Some("/srv/photos")),
            Err(MediaUrlError::NotS3)
        );
        assert_eq!(
            MediaSettings::parse(Some("https://bucket.s3.example")),
            Err(MediaUrlError::NotS3)
        );
        for bad in [
            "s3://",
            "s3://ab",
            "s3://Photos",
            "s3://-photos",
            "s3://a_b_c",
        ] {
            assert!(
                matches!(
                    MediaSettings::parse(Some(bad)),
                    Err(MediaUrlError::Bucket(_))
                ),
                "{bad}"
            );
        }
        assert_eq!(
            MediaSettings::parse(Some("s3://photos?endpoint=s3.example")),
            Err(MediaUrlError::Endpoint("s3.example".into()))
        );
        assert_eq!(
            MediaSettings::parse(Some("s3://photos?acl=public")),
            Err(MediaUrlError::Parameter("acl".into()))
        );
    }

    #[test]
    fn only_what_the_site_writes_is_served() {
        assert!(servable(
            "photos/0193a4b2-7c1d-7e00-8000-000000000001/640.jpg"
        ));
        for bad in [
            "",
            "/etc/passwd",
            "photos/../../etc/passwd",
            "photos/./x.jpg",
            "photos//x.jpg",
            "photos/x.jpg/",
            "photos/%2e%2e/x",
            "photos/ảnh.jpg",
            "photos/x.jpg?y",
        ] {
            assert!(!servable(bad), "{bad:?}");
        }
        assert!(!servable(&"a".repeat(201)));
        assert_eq!(content_type("photos/x/640.jpg"), "image/jpeg");
        let accept = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT, HeaderValue::from_static(v));
            accepts_webp(&h)
        };
        assert!(accept(
            "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
        ));
        assert!(accept("image/WebP;q=0.5"));
        assert!(!accept("image/webp;q=0"));
        assert!(
            !accept("image/*,*/*;q=0.8"),
            "a wildcard is no promise of WebP"
        );
        assert!(!accept("image/webpx"));
        assert!(!accepts_webp(&HeaderMap::new()));
        assert_eq!(content_type("photos/x/640.webp"), "image/webp");
        assert_eq!(content_type("photos/x/README"), "application/octet-stream");
    }
}
