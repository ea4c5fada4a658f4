//! Receiving photos from a multipart form (several files from a phone at once): each file is
//! read up to the size limit, processed off the async threads, and stored with what it
//! illustrates. A refused file stops the upload with its reason; files already stored stay.

use axum::extract::Multipart;

use super::{
    pipeline,
    store::{self, Target},
};
use crate::startup::AppState;

#[derive(Debug)]
pub enum UploadError {
    /// The reason's code for the form (`photo_size`, `photo_format`, …).
    Refused(&'static str),
    Internal(String),
}

/// Reads the form's `alt` text (put it before the files) and `anh` files; returns how many
/// photos were stored.
pub async fn receive(
    state: &AppState,
    mut form: Multipart,
    target: Target<'_>,
    uploaded_by: &str,
) -> Result<usize, UploadError> {
    let media = state.settings.media_dir();
    let mut alt = String::new();
    let mut stored = 0;
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            // A cut connection or a body over the route's limit.
            Err(_) => return Err(UploadError::Refused("photo_size")),
        };
        match field.name() {
            Some("alt") => {
                alt = field
                    .text()
                    .await
                    .unwrap_or_default()
                    .trim()
                    .chars()
                    .take(200)
                    .collect();
            }
            Some("anh") => {
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) if bytes.len() + chunk.len() > pipeline::MAX_BYTES => {
                            return Err(UploadError::Refused("photo_size"));
                        }
                        Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                        Ok(None) => break,
                        Err(_) => return Err(UploadError::Refused("photo_size")),
                    }
                }
                if bytes.is_empty() {
                    continue; // the file input was left empty
                }
                let copies =
                    match tokio::task::spawn_blocking(move || pipeline::process(&bytes)).await {
                        Ok(Ok(c)) => c,
                        Ok(Err(e)) => return Err(UploadError::Refused(e.code())),
                        Err(e) => return Err(UploadError::Internal(e.to_string())),
                    };
                store::save_photo(&state.db, &media, target, uploaded_by, &alt, &copies)
                    .await
                    .map_err(|e| UploadError::Internal(e.to_string()))?;
                stored += 1;
            }
            _ => {}
        }
    }
    Ok(stored)
}
