//! The QR code of a lot, as SVG (for print) and PNG (for messaging apps): it encodes the lot's
//! absolute traceability URL, its GS1 Digital Link when the product has a GTIN.

use app::{
    auth::Actor,
    diary::trace_storage::{LotKey, find_lot, lot_address_of},
};
use axum::{
    Extension,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use qrcode::{EcLevel, QrCode, render::svg};

use crate::startup::AppState;

/// Why no QR code could be made.
enum QrError {
    NoSuchLot,
    Unavailable,
    Encoding,
}

impl IntoResponse for QrError {
    fn into_response(self) -> Response {
        match self {
            QrError::NoSuchLot => {
                (StatusCode::NOT_FOUND, "Không tìm thấy lô. / No such lot.").into_response()
            }
            QrError::Unavailable => StatusCode::SERVICE_UNAVAILABLE.into_response(),
            QrError::Encoding => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
}

/// The QR code of a lot's absolute URL, with whether the lot is public. A growing lot's code
/// is drawn only for those who may see the lot (its producer's label sheet). Medium error
/// correction: a label survives a scratch or a fold and the code stays small.
async fn lot_code(
    state: &AppState,
    id: &str,
    viewer: Option<&Actor>,
) -> Result<(QrCode, bool), QrError> {
    let unavailable = |e: sqlx::Error| {
        tracing::error!(error = %e, "loading a lot for its QR code failed");
        QrError::Unavailable
    };
    let found = find_lot(&state.db, LotKey::Id(id), viewer)
        .await
        .map_err(unavailable)?
        .ok_or(QrError::NoSuchLot)?;
    let path = lot_address_of(&state.db, &found.id)
        .await
        .map_err(unavailable)?
        .ok_or(QrError::NoSuchLot)?;
    // The chain head's digest at printing rides along: a later rewrite of the diary shows on
    // the page this code opens (`diary::anchors`).
    let head = app::diary::anchors::storage::head_of_lot(&state.db, &found.id)
        .await
        .map_err(unavailable)?;
    let url = match head {
        Some(head) => format!("{}{path}?c={}", state.public_url, head.digest()),
        None => format!("{}{path}", state.public_url),
    };
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map(|qr| (qr, found.public))
        .map_err(|e| {
            tracing::error!(error = %e, "encoding a QR code failed");
            QrError::Encoding
        })
}

/// A published lot's code may sit in shared caches; a growing lot's must not (a cache would
/// hand it to the public).
fn cache(public: bool) -> &'static str {
    if public {
        "public, max-age=3600"
    } else {
        "private, no-store"
    }
}

fn render_svg(qr: &QrCode) -> String {
    qr.render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build()
}

/// Any text (a VietQR payload) as a QR code in SVG, medium error correction.
pub(crate) fn svg_of(text: &str) -> Result<String, qrcode::types::QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map(|qr| render_svg(&qr))
}

#[tracing::instrument(skip_all, fields(lot = %id))]
pub async fn svg(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(id): Path<String>,
) -> Response {
    let (qr, public) = match lot_code(&state, &id, actor.as_deref()).await {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let image = render_svg(&qr);
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, cache(public)),
        ],
        image,
    )
        .into_response()
}

#[tracing::instrument(skip_all, fields(lot = %id))]
pub async fn png(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(id): Path<String>,
) -> Response {
    let (qr, public) = match lot_code(&state, &id, actor.as_deref()).await {
        Ok(q) => q,
        Err(e) => return e.into_response(),
    };
    let image = qr
        .render::<image::Luma<u8>>()
        .min_dimensions(400, 400)
        .quiet_zone(true)
        .build();
    let mut bytes = std::io::Cursor::new(Vec::new());
    if let Err(e) = image.write_to(&mut bytes, image::ImageFormat::Png) {
        tracing::error!(error = %e, "encoding a QR PNG failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, cache(public)),
        ],
        bytes.into_inner(),
    )
        .into_response()
}
