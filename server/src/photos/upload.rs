//! Receiving photos from a multipart form (several files from a phone at once): each file is
//! read up to the size limit, processed off the async threads within the decoding budget
//! (`photos::budget`), and stored with what it illustrates. A refused file stops the upload
//! with its reason; files already stored stay.

use axum::{
    extract::Multipart,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{
    pipeline::{self, Derivative, PhotoError},
    store::{self, Target},
};
use crate::startup::AppState;

/// Why a photo was refused; shown as its form code (`photo_size`, `photo_format`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoRefusal {
    /// The file itself (a body cut short or over the limit counts as too large).
    Photo(PhotoError),
    /// The description holds a control or invisible character.
    Alt,
}

impl PhotoRefusal {
    /// `photo_size`, `photo_format`, `photo_pixels`, `photo_corrupt` or `photo_alt`.
    pub fn code(self) -> &'static str {
        match self {
            PhotoRefusal::Photo(e) => e.code(),
            PhotoRefusal::Alt => "photo_alt",
        }
    }
}

impl std::fmt::Display for PhotoRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug)]
pub enum UploadError {
    Refused(PhotoRefusal),
    /// No decoding slot freed up in time (see `photos::budget`): our load, not the file.
    Busy,
    Internal(String),
}

/// The answer to [`UploadError::Busy`]: 503, and when to send the photos again.
pub fn busy() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "30")],
        "Máy chủ đang xử lý nhiều ảnh, hãy thử lại sau ít phút. / The server is processing many photos, please try again in a few minutes.",
    )
        .into_response()
}

/// Reads one file field up to the size limit (a body cut short counts as too large).
pub async fn read_file(
    field: &mut axum::extract::multipart::Field<'_>,
) -> Result<Vec<u8>, UploadError> {
    let too_large = || UploadError::Refused(PhotoRefusal::Photo(PhotoError::TooLarge));
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) if bytes.len() + chunk.len() > pipeline::MAX_BYTES => {
                return Err(too_large());
            }
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => return Ok(bytes),
            Err(_) => return Err(too_large()),
        }
    }
}

/// Decodes, checks and re-encodes one file (metadata stripped) within the decoding budget.
pub async fn process(state: &AppState, bytes: Vec<u8>) -> Result<Vec<Derivative>, UploadError> {
    // The file is read before waiting: a slow phone must not hold a slot while it sends. The
    // slot goes with the work, so it is held until decoding ends even if the request is
    // abandoned meanwhile.
    let Some(slot) = state.photo_budget.enter().await else {
        return Err(UploadError::Busy);
    };
    let work = move || {
        let _slot = slot;
        pipeline::process(&bytes)
    };
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(e)) => Err(UploadError::Refused(PhotoRefusal::Photo(e))),
        Err(e) => Err(UploadError::Internal(e.to_string())),
    }
}

/// A form of short text fields and up to a number of photos (`anh` files), read whole before
/// any photo is decoded: a file past the limit is refused without spending the decoding
/// budget, and the texts can be checked before the photos are.
#[derive(Debug)]
pub struct PhotoForm {
    texts: Vec<(&'static str, String)>,
    files: Vec<Vec<u8>>,
}

/// Why a [`PhotoForm`] was not read.
#[derive(Debug)]
pub enum PhotoFormError {
    /// More photos than the form takes.
    TooMany,
    /// A file too large, or a body cut short or over the route's limit.
    Upload(UploadError),
}

impl PhotoForm {
    /// Reads the text fields named in `fields` (others are ignored) and up to `max_photos`
    /// non-empty `anh` files.
    pub async fn read(
        form: &mut Multipart,
        fields: &[&'static str],
        max_photos: usize,
    ) -> Result<PhotoForm, PhotoFormError> {
        let too_large = || {
            PhotoFormError::Upload(UploadError::Refused(PhotoRefusal::Photo(
                PhotoError::TooLarge,
            )))
        };
        let mut read = PhotoForm {
            texts: Vec::new(),
            files: Vec::new(),
        };
        loop {
            let mut field = match form.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => return Ok(read),
                Err(_) => return Err(too_large()),
            };
            let name = field.name().unwrap_or_default();
            if name == "anh" {
                let bytes = read_file(&mut field)
                    .await
                    .map_err(PhotoFormError::Upload)?;
                if bytes.is_empty() {
                    continue; // the file input was left empty
                }
                if read.files.len() == max_photos {
                    return Err(PhotoFormError::TooMany);
                }
                read.files.push(bytes);
            } else if let Some(&name) = fields.iter().find(|f| **f == name) {
                let text = field.text().await.map_err(|_| too_large())?;
                read.texts.push((name, text));
            }
        }
    }

    /// The text sent as `name` (the last one, if sent twice); empty when none was.
    pub fn text(&self, name: &str) -> &str {
        self.texts
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, t)| t.as_str())
    }

    pub fn photo_count(&self) -> usize {
        self.files.len()
    }

    /// Decodes, checks and re-encodes every photo (see [`process`]), in the order sent.
    pub async fn process(self, state: &AppState) -> Result<Vec<Vec<Derivative>>, UploadError> {
        let mut photos = Vec::with_capacity(self.files.len());
        for bytes in self.files {
            photos.push(process(state, bytes).await?);
        }
        Ok(photos)
    }
}

/// What [`receive`] did with the files sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// Photos stored.
    pub stored: usize,
    /// Photos the entry or listing had already, not stored again (see `store::save_photo`).
    pub repeated: usize,
}

/// Reads the form's `alt` text (put it before the files) and `anh` files, storing each.
pub async fn receive(
    state: &AppState,
    mut form: Multipart,
    target: Target<'_>,
    uploaded_by: &str,
) -> Result<Received, UploadError> {
    let media = &state.media;
    let mut alt = String::new();
    let mut received = Received::default();
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            // A cut connection or a body over the route's limit.
            Err(_) => {
                return Err(UploadError::Refused(PhotoRefusal::Photo(
                    PhotoError::TooLarge,
                )));
            }
        };
        match field.name() {
            Some("alt") => {
                let text = field.text().await.unwrap_or_default();
                // Multipart bodies pass the boundary's check unread: the text rule is here.
                if app::domain::text::hidden(&text).is_some() {
                    return Err(UploadError::Refused(PhotoRefusal::Alt));
                }
                alt = text.trim().chars().take(200).collect();
            }
            Some("anh") => {
                let bytes = read_file(&mut field).await?;
                if bytes.is_empty() {
                    continue; // the file input was left empty
                }
                let copies = process(state, bytes).await?;
                let (_, new) =
                    store::save_photo(&state.db, media, target, uploaded_by, &alt, &copies)
                        .await
                        .map_err(|e| UploadError::Internal(e.to_string()))?;
                if new {
                    received.stored += 1;
                } else {
                    received.repeated += 1;
                }
            }
            _ => {}
        }
    }
    Ok(received)
}
