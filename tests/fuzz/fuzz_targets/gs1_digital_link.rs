//! GTINs, lot codes and the GS1 Digital Link path printed in a lot's QR code: never a panic; an
//! accepted GTIN has its check digit; the path of any accepted pair keeps its four segments
//! (a `/` in a lot code is encoded) and decodes back to the same GTIN and lot.
#![no_main]

use app::diary::gs1::{Gtin, LotCode, check_digit, digital_link_path};
use libfuzzer_sys::fuzz_target;

/// Percent-decoding, written here as the oracle (the site's router does its own).
fn decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// Input: a GTIN as typed, a new line, a lot code as typed.
fuzz_target!(|input: &str| {
    let (gtin_text, lot_text) = input.split_once('\n').unwrap_or((input, ""));
    let gtin = Gtin::parse(gtin_text);
    if let Ok(g) = &gtin {
        let digits = g.as_str();
        assert_eq!(digits.len(), 14, "{digits}");
        let (body, check) = digits.split_at(13);
        assert_eq!(check_digit(body).to_string(), check);
        assert_eq!(Gtin::parse(digits).as_ref(), Ok(g));
    }
    let lot = LotCode::parse(lot_text);
    if let Ok(l) = &lot {
        assert!((1..=LotCode::MAX_LEN).contains(&l.as_str().len()));
        assert_eq!(LotCode::parse(l.as_str()).as_ref(), Ok(l));
    }
    let (Ok(gtin), Ok(lot)) = (gtin, lot) else {
        return;
    };
    let path = digital_link_path(&gtin, lot.as_str());
    let segments: Vec<&str> = path.split('/').collect();
    assert_eq!(segments.len(), 5, "{path}");
    assert_eq!((segments[0], segments[1], segments[3]), ("", "01", "10"));
    assert_eq!(segments[2], gtin.as_str());
    let decoded = decode(segments[4]).expect("a well-formed percent encoding");
    assert_eq!(decoded, lot.as_str());
});
