//! Argon2id password hashes (OWASP's recommended parameters: 19 MiB, 2 passes, 1 lane), computed
//! on the blocking pool so a sign-in never stalls other requests, and at most one per core at a
//! time: forty sign-ins at once queue for the cores instead of taking every core and 40 × 19 MiB.

use std::sync::LazyLock;

use tokio::sync::{Semaphore, SemaphorePermit};

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes running at once: one per core.
static HASHING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));

/// How long a request waits for a free core before it is answered "busy".
const QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Every core has been hashing passwords for longer than [`QUEUE_WAIT`].
#[derive(Debug, thiserror::Error)]
#[error("too many passwords are being checked at once")]
pub struct Busy;

async fn permit() -> Result<SemaphorePermit<'static>, Busy> {
    match tokio::time::timeout(QUEUE_WAIT, HASHING.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(Busy),
    }
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of a new password.
pub async fn hash(password: String) -> anyhow::Result<String> {
    let permit = permit().await?;
    tokio::task::spawn_blocking(move || {
        // Held until the hash is done, even if the request gave up waiting for it.
        let _permit = permit;
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await?
}

/// Whether `password` matches `stored`. With no stored hash (unknown account, or one without a
/// password) a dummy hash is checked anyway, so the answer takes as long either way and does
/// not reveal which accounts exist.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Busy> {
    let permit = permit().await?;
    Ok(tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY.to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .unwrap_or(false))
}

/// A hash of a random password nobody knows, with the same parameters as real ones.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Pk1b5J2hWcM1x3bW1Yl1c0b0QfVn4b8gI0nZk3Y0yqY";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash("nhãn lồng chín đỏ".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify("nhãn lồng chín đỏ".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("nhan long chin do".into(), Some(h)).await.unwrap());
        assert!(!verify("anything".into(), None).await.unwrap());
        assert!(PasswordHash::new(DUMMY).is_ok(), "the dummy hash parses");
    }
}
