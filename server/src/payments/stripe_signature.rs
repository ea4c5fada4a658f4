//! Stripe webhook signatures: proof that an event came from Stripe and was not replayed.
//!
//! Stripe sends `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=…][,v0=…]`, the
//! HMAC keyed with the endpoint's signing secret over `"<t>.<raw body>"`. Several `v1` entries
//! appear while a secret is being rolled; any one matching is enough. `v0` and unknown schemes
//! are ignored. The timestamp bounds replays: an authentic event is refused once it is older (or
//! further in the future) than the tolerance.
//!
//! The header is attacker-controlled input, so nothing here panics on it.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

type HmacSha256 = Hmac<Sha256>;

/// Why a webhook was refused. Only the `code` goes back to the caller; the detail is for logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header has no timestamp or no v1 signature")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the Stripe-Signature timestamp is outside the tolerance")]
    Stale,
    #[error("no v1 signature in the Stripe-Signature header matches")]
    Mismatch,
}

impl SignatureError {
    /// A stable machine-readable name, for responses and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::Missing => "signature_missing",
            SignatureError::Malformed => "signature_malformed",
            SignatureError::Stale => "signature_stale",
            SignatureError::Mismatch => "signature_mismatch",
        }
    }
}

/// HMAC-SHA256 over `"<t>.<body>"`, `t` spelled exactly as in the header.
fn mac(secret: &str, t: &str, raw_body: &[u8]) -> [u8; 32] {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(raw_body);
    mac.finalize().into_bytes().into()
}

/// A `Stripe-Signature` header value for `raw_body` sent at `t`, as Stripe would write it.
pub fn sign(raw_body: &[u8], secret: &str, t: i64) -> String {
    let t = t.to_string();
    let signature = app::domain::hex::hex(&mac(secret, &t, raw_body));
    format!("t={t},v1={signature}")
}

/// 64 hex digits (either case) to 32 bytes; anything else is `None`.
fn decode_signature(text: &str) -> Option<[u8; 32]> {
    fn nibble(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// Checks a `Stripe-Signature` header against the raw request body (the bytes as received,
/// before any JSON parsing). `now_unix` is passed in so tests control the clock; Stripe's
/// libraries use a tolerance of 300 seconds.
///
/// An empty secret never verifies: it would mean the endpoint was deployed unconfigured, and
/// anyone could compute the HMAC.
pub fn verify(
    header: &str,
    raw_body: &[u8],
    secret: &str,
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mut timestamp: Option<&str> = None;
    let mut signatures: Vec<[u8; 32]> = Vec::new();
    for item in header.split(',').map(str::trim) {
        if item.is_empty() {
            continue;
        }
        let (key, value) = item.split_once('=').ok_or(SignatureError::Malformed)?;
        match key.trim() {
            "t" if timestamp.is_some() => return Err(SignatureError::Malformed),
            "t" => timestamp = Some(value.trim()),
            "v1" => {
                signatures.push(decode_signature(value.trim()).ok_or(SignatureError::Malformed)?)
            }
            // v0 (test-mode legacy) and schemes Stripe may add later.
            _ => {}
        }
    }
    let Some(t_text) = timestamp else {
        return Err(SignatureError::Missing);
    };
    if signatures.is_empty() {
        return Err(SignatureError::Missing);
    }
    // Digits only: `i64::from_str` would also take a sign, which Stripe never writes.
    if t_text.is_empty() || !t_text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignatureError::Malformed);
    }
    let t: i64 = t_text.parse().map_err(|_| SignatureError::Malformed)?;

    // The signature first, so `Stale` always means an authentic but replayed or delayed event.
    let expected = mac(secret, t_text, raw_body);
    // Every candidate is compared, so the time taken says nothing about which one matched.
    let matched = signatures
        .iter()
        .fold(Choice::from(0), |any, given| any | expected.ct_eq(given));
    if secret.is_empty() || !bool::from(matched) {
        return Err(SignatureError::Mismatch);
    }
    if now_unix.saturating_sub(t) > tolerance_secs || t.saturating_sub(now_unix) > tolerance_secs {
        return Err(SignatureError::Stale);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &str = "whsec_test";
    const BODY: &[u8] = br#"{"id":"evt_1"}"#;
    const T: i64 = 1_700_000_000;
    const TOLERANCE: i64 = 300;
    // Computed independently in Python:
    // hmac.new(b'whsec_test', b'1700000000.{"id":"evt_1"}', hashlib.sha256).hexdigest()
    const KNOWN_V1: &str = "c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925";
    // The same with the key b'whsec_other'.
    const OTHER_SECRET_V1: &str =
        "d8d091c76b586cff4dbd317fc47ebddff4b86de3ce18d3c03753c3c1901d475a";

    fn check(header: &str, body: &[u8], secret: &str, now: i64) -> Result<(), SignatureError> {
        verify(header, body, secret, now, TOLERANCE)
    }

    #[test]
    fn signs_the_known_vector() {
        assert_eq!(sign(BODY, SECRET, T), format!("t={T},v1={KNOWN_V1}"));
        assert_eq!(
            sign(BODY, "whsec_other", T),
            format!("t={T},v1={OTHER_SECRET_V1}")
        );
    }

    #[test]
    fn accepts_the_known_vector() {
        assert_eq!(
            check(&format!("t={T},v1={KNOWN_V1}"), BODY, SECRET, T),
            Ok(())
        );
        // Upper-case hex, spaces after commas and a v0 entry are tolerated.
        let header = format!("t={T}, v1={}, v0=abc", KNOWN_V1.to_uppercase());
        assert_eq!(check(&header, BODY, SECRET, T), Ok(()));
    }

    #[test]
    fn refuses_old_and_future_timestamps_beyond_the_tolerance() {
        let header = sign(BODY, SECRET, T);
        assert_eq!(check(&header, BODY, SECRET, T + 299), Ok(()));
        assert_eq!(check(&header, BODY, SECRET, T + 300), Ok(()));
        assert_eq!(
            check(&header, BODY, SECRET, T + 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(check(&header, BODY, SECRET, T - 299), Ok(()));
        assert_eq!(
            check(&header, BODY, SECRET, T - 301),
            Err(SignatureError::Stale)
        );
        // Extreme clocks neither overflow nor pass.
        assert_eq!(
            check(&header, BODY, SECRET, i64::MIN),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            check(&header, BODY, SECRET, i64::MAX),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn refuses_the_wrong_secret_or_a_changed_body() {
        let header = format!("t={T},v1={KNOWN_V1}");
        assert_eq!(
            check(&header, BODY, "whsec_other", T),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check(&header, br#"{"id":"evt_2"}"#, SECRET, T),
            Err(SignatureError::Mismatch)
        );
        for i in 0..BODY.len() {
            let mut body = BODY.to_vec();
            body[i] ^= 1;
            assert_eq!(
                check(&header, &body, SECRET, T),
                Err(SignatureError::Mismatch)
            );
        }
        // The timestamp is signed too: moving it breaks the signature.
        let moved = format!("t={},v1={KNOWN_V1}", T + 1);
        assert_eq!(
            check(&moved, BODY, SECRET, T),
            Err(SignatureError::Mismatch)
        );
        // So is its spelling: a leading zero is a different signed payload.
        let padded = format!("t=0{T},v1={KNOWN_V1}");
        assert_eq!(
            check(&padded, BODY, SECRET, T),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn an_empty_secret_never_verifies() {
        let header = sign(BODY, "", T);
        assert_eq!(check(&header, BODY, "", T), Err(SignatureError::Mismatch));
    }

    #[test]
    fn any_matching_v1_is_enough() {
        // While a secret is rolled, Stripe signs with the old and the new one.
        let header = format!("t={T},v1={OTHER_SECRET_V1},v1={KNOWN_V1}");
        assert_eq!(check(&header, BODY, SECRET, T), Ok(()));
        assert_eq!(check(&header, BODY, "whsec_other", T), Ok(()));
        assert_eq!(
            check(&header, BODY, "whsec_third", T),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn refuses_garbage_headers_with_the_right_code() {
        let v1 = KNOWN_V1;
        let cases = [
            ("", SignatureError::Missing),
            (",,", SignatureError::Missing),
            ("t=1700000000", SignatureError::Missing),
            (&format!("v1={v1}"), SignatureError::Missing),
            (&format!("t=1700000000,v0={v1}"), SignatureError::Missing),
            ("garbage", SignatureError::Malformed),
            (&format!("t=,v1={v1}"), SignatureError::Malformed),
            (&format!("t=-5,v1={v1}"), SignatureError::Malformed),
            (&format!("t=+1700000000,v1={v1}"), SignatureError::Malformed),
            (&format!("t=17e8,v1={v1}"), SignatureError::Malformed),
            (
                &format!("t=99999999999999999999,v1={v1}"),
                SignatureError::Malformed,
            ),
            (
                &format!("t=1700000000,t=1700000000,v1={v1}"),
                SignatureError::Malformed,
            ),
            ("t=1700000000,v1=xyz", SignatureError::Malformed),
            (
                &format!("t=1700000000,v1={}", &v1[..63]),
                SignatureError::Malformed,
            ),
            (
                &format!("t=1700000000,v1={}g", &v1[..63]),
                SignatureError::Malformed,
            ),
            (
                &format!("t=1700000000,v1={v1}00"),
                SignatureError::Malformed,
            ),
            (
                &format!("t=1700000000,v1={}é", &v1[..62]),
                SignatureError::Malformed,
            ),
            (&format!("t=1700000000,{v1}"), SignatureError::Malformed),
        ];
        for (header, expected) in cases {
            assert_eq!(check(header, BODY, SECRET, T), Err(expected), "{header}");
        }
    }

    #[test]
    fn codes_are_stable() {
        assert_eq!(SignatureError::Missing.code(), "signature_missing");
        assert_eq!(SignatureError::Malformed.code(), "signature_malformed");
        assert_eq!(SignatureError::Stale.code(), "signature_stale");
        assert_eq!(SignatureError::Mismatch.code(), "signature_mismatch");
    }

    proptest! {
        #[test]
        fn signed_bodies_verify(
            body in prop::collection::vec(any::<u8>(), 0..200),
            secret in "\\PC{1,40}",
            t in 0i64..=4_000_000_000,
            skew in -TOLERANCE..=TOLERANCE,
        ) {
            prop_assert_eq!(verify(&sign(&body, &secret, t), &body, &secret, t + skew, TOLERANCE), Ok(()));
        }

        #[test]
        fn garbage_headers_are_refused_without_panicking(header in "\\PC{0,200}", now in any::<i64>()) {
            prop_assert!(verify(&header, BODY, SECRET, now, TOLERANCE).is_err());
        }

        #[test]
        fn header_like_garbage_is_refused_without_panicking(
            header in "((t|v1|v0|x)=[0-9a-fA-F+-]{0,70}|=|,| ){0,8}",
            now in any::<i64>(),
            tolerance in any::<i64>(),
        ) {
            let _ = verify(&header, BODY, SECRET, now, tolerance);
        }
    }
}
