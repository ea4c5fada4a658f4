//! Random tokens for cookies, and how they are stored.

use app::domain::hex::hex;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// 32 random bytes from the operating system, as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What the database keeps of a session token: its SHA-256, so a copy of the database cannot
/// be replayed as cookies.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A well-formed token: exactly what [`random_token`] makes. Anything else in a cookie is
/// ignored without a database query.
pub fn is_well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A six-digit one-time code from the operating system's random source, every code equally
/// likely: 20 random bits are drawn again while they are a million or more (taking them modulo
/// a million would favour the low codes).
pub fn random_code() -> app::auth::codes::Code {
    loop {
        if let Some(code) = app::auth::codes::Code::from_random(OsRng.next_u32() >> 12) {
            return code;
        }
    }
}
