//! The diary's signed daily checkpoints (#24, `app::diary::anchors`): every day one server
//! signs every plot's chain head with an Ed25519 key kept outside the database
//! (`OCOP_SIGNING_KEY`, made by `ocop keygen`) and keeps the signed document; anyone may
//! download them (`GET /api/v1/checkpoints`, `GET /api/v1/checkpoints/{day}`) and later hand one
//! back (`POST /api/v1/checkpoints/verify`) to see which plots' diaries were rewritten since.

use app::diary::anchors::{self, Checkpoint, Standing, storage};
use axum::{
    Json,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::api::{ApiContext, ApiError};
use crate::startup::AppState;

/// The signing key: a 32-byte Ed25519 seed, given as 64 hex digits. Its `Debug` hides it.
#[derive(Clone)]
pub struct SigningKey {
    seed: [u8; 32],
    public_hex: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &self.public_hex)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    pub fn parse(hex: &str) -> Result<SigningKey, String> {
        let bytes = from_hex(hex.trim())
            .filter(|b| b.len() == 32)
            .ok_or("OCOP_SIGNING_KEY must be 64 hex digits (make one with `ocop keygen`)")?;
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&bytes);
        let pair = Ed25519KeyPair::from_seed_unchecked(&seed)
            .map_err(|_| "OCOP_SIGNING_KEY is not an Ed25519 seed".to_owned())?;
        Ok(SigningKey {
            seed,
            public_hex: app::domain::hex::hex(pair.public_key().as_ref()),
        })
    }

    /// A new key from the operating system's random source: (seed hex, public key hex).
    pub fn generate() -> Result<(String, String), String> {
        use ring::rand::SecureRandom;
        let mut seed = [0u8; 32];
        ring::rand::SystemRandom::new()
            .fill(&mut seed)
            .map_err(|_| "no random source".to_owned())?;
        let key = SigningKey::parse(&app::domain::hex::hex(&seed))?;
        Ok((app::domain::hex::hex(&seed), key.public_hex))
    }

    pub fn public_hex(&self) -> &str {
        &self.public_hex
    }

    fn sign(&self, body: &str) -> String {
        // The seed parsed when the key was made, so this cannot fail.
        match Ed25519KeyPair::from_seed_unchecked(&self.seed) {
            Ok(pair) => app::domain::hex::hex(pair.sign(body.as_bytes()).as_ref()),
            Err(_) => String::new(),
        }
    }
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Whether `signature` (hex) is `public_key`'s (hex) over `body`.
pub fn signature_holds(public_key: &str, body: &str, signature: &str) -> bool {
    match (from_hex(public_key), from_hex(signature)) {
        (Some(key), Some(sig)) => UnparsedPublicKey::new(&ED25519, key)
            .verify(body.as_bytes(), &sig)
            .is_ok(),
        _ => false,
    }
}

/// Signs today's checkpoint (Vietnam's day) if no server has yet. `Ok(false)`: nothing to do
/// (no key, or already signed).
pub async fn sign_today(state: &AppState) -> Result<bool, sqlx::Error> {
    let Some(key) = &state.settings.signing_key else {
        return Ok(false);
    };
    let now = state.clock.now();
    let day = app::domain::time::vietnam_date(now);
    if storage::has_day(&state.db, &day.to_string()).await? {
        return Ok(false);
    }
    let checkpoint = Checkpoint {
        day,
        heads: storage::heads(&state.db).await?,
    };
    let body = checkpoint.body();
    let signed = storage::Signed {
        day: day.to_string(),
        signature: key.sign(&body),
        public_key: key.public_hex().to_owned(),
        body,
    };
    storage::record(&state.db, &signed, &app::domain::time::db_timestamp(now)).await
}

/// A checkpoint as published and as handed back.
#[derive(Debug, Serialize, Deserialize)]
pub struct CheckpointFile {
    pub algorithm: String,
    pub day: String,
    /// The signed bytes: JSON of the day and every plot's head (`seq`, `hash`).
    pub body: String,
    pub signature: String,
    pub public_key: String,
}

impl From<storage::Signed> for CheckpointFile {
    fn from(s: storage::Signed) -> Self {
        CheckpointFile {
            algorithm: "Ed25519".to_owned(),
            day: s.day,
            body: s.body,
            signature: s.signature,
            public_key: s.public_key,
        }
    }
}

/// How many checkpoints the list gives (about a year; each is also at its own address).
const LISTED: i64 = 400;

/// `GET /api/v1/checkpoints`: the site's public key and the newest checkpoints.
pub async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let signed = storage::list(&state.db, LISTED)
        .await
        .context("listing checkpoints")?;
    let files: Vec<CheckpointFile> = signed.into_iter().map(Into::into).collect();
    Ok(Json(json!({
        "algorithm": "Ed25519",
        "public_key": state.settings.signing_key.as_ref().map(SigningKey::public_hex),
        "checkpoints": files,
    }))
    .into_response())
}

/// `GET /api/v1/checkpoints/{day}`: one day's checkpoint, as a file to keep.
pub async fn one(
    State(state): State<AppState>,
    Path(day): Path<String>,
) -> Result<Response, ApiError> {
    let day = day.trim_end_matches(".json");
    let parsed = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|_| ApiError::not_found("no checkpoint for that day (use YYYY-MM-DD)"))?;
    let signed = storage::of_day(&state.db, &parsed.to_string())
        .await
        .context("reading a checkpoint")?
        .ok_or_else(|| ApiError::not_found(format!("no checkpoint was signed on {parsed}")))?;
    let disposition = format!("attachment; filename=\"ocop-checkpoint-{parsed}.json\"");
    Ok((
        [(header::CONTENT_DISPOSITION, disposition)],
        Json(CheckpointFile::from(signed)),
    )
        .into_response())
}

/// `POST /api/v1/checkpoints/verify`: a checkpoint kept from earlier, against the diaries now.
/// Its signature must hold for the key it names; the answer says whether that key is this
/// site's, and for each plot whether the entry it named still has the same hash.
pub async fn verify(
    State(state): State<AppState>,
    Json(file): Json<CheckpointFile>,
) -> Result<Response, ApiError> {
    if !signature_holds(&file.public_key, &file.body, &file.signature) {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "bad_signature",
            "the signature does not hold for this body and public key",
        ));
    }
    let checkpoint: Checkpoint = serde_json::from_str(&file.body)
        .map_err(|_| ApiError::bad_request("the body is not a checkpoint"))?;
    let chains = storage::chains(&state.db, checkpoint.heads.keys().map(String::as_str))
        .await
        .context("reading the diaries' chains")?;
    let compared = anchors::compare(&checkpoint, &chains);
    let rewritten = compared
        .iter()
        .filter(|(_, _, s)| *s == Standing::Rewritten)
        .count();
    let plots: Vec<_> = compared
        .into_iter()
        .map(|(plot_id, seq, standing)| json!({"plot_id": plot_id, "seq": seq, "standing": standing}))
        .collect();
    let ours = state
        .settings
        .signing_key
        .as_ref()
        .is_some_and(|k| k.public_hex() == file.public_key.to_ascii_lowercase());
    Ok(Json(json!({
        "day": checkpoint.day,
        "signature_valid": true,
        "signed_by_this_site": ours,
        "rewritten": rewritten,
        "plots": plots,
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_signs_and_only_its_signature_holds() {
        let (seed, public) = SigningKey::generate().unwrap();
        let key = SigningKey::parse(&seed).unwrap();
        assert_eq!(key.public_hex(), public);
        assert!(
            !format!("{key:?}").contains(&seed),
            "the seed never reaches a log"
        );
        let sig = key.sign("{\"day\":\"2026-12-01\"}");
        assert_eq!(sig.len(), 128);
        assert!(signature_holds(&public, "{\"day\":\"2026-12-01\"}", &sig));
        assert!(!signature_holds(&public, "{\"day\":\"2026-12-02\"}", &sig));
        let (_, other) = SigningKey::generate().unwrap();
        assert!(!signature_holds(&other, "{\"day\":\"2026-12-01\"}", &sig));
        assert!(!signature_holds("zz", "x", &sig));
        for bad in ["", "abc", &"g".repeat(64), &"a".repeat(62)] {
            assert!(SigningKey::parse(bad).is_err(), "{bad:?}");
        }
    }
}
