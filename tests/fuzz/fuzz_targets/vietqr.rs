//! VietQR payloads: reading any text never panics; a payload the site builds for any account,
//! amount and note that it accepts reads back to that account and amount, with a valid checksum.
#![no_main]

use app::{domain::money::Vnd, shop::rules::vietqr::{self, BankAccount}};
use libfuzzer_sys::fuzz_target;

// Input: lines of a payload to read, then a BIN, an account, a name, an amount and a note.
fuzz_target!(|input: &str| {
    let mut lines = input.split('\n');
    let mut next = || lines.next().unwrap_or_default();
    let (raw, bin, account, name, dong, purpose) = (next(), next(), next(), next(), next(), next());
    let _ = vietqr::parse(raw);
    let dong: u64 = dong.trim().parse().unwrap_or(0);

    let Ok(bank) = BankAccount::new(bin, account, name) else {
        return;
    };
    let Ok(amount) = Vnd::new((dong % (Vnd::MAX as u64 + 1)) as i64) else {
        return;
    };
    let Ok(payload) = vietqr::payload(&bank, amount, purpose) else {
        return;
    };
    let parsed = vietqr::parse(&payload).expect("the site's own payload reads back");
    assert_eq!(parsed.bin, bank.bin());
    assert_eq!(parsed.account, bank.account());
    assert_eq!(parsed.amount, Some(amount));
    assert!(parsed.dynamic);
    assert_eq!(
        parsed.purpose.as_deref(),
        Some(vietqr::sanitise_purpose(purpose).as_str())
    );
});
