//! Prices as people type them ("150.000 ₫", "150,000"): never a panic, never a negative or
//! oversized amount, and the site's own Vietnamese and English formats read back to the same
//! amount. Multiplying by a quantity never overflows silently.
#![no_main]

use app::domain::money::{MoneyLocale, Vnd};
use libfuzzer_sys::fuzz_target;

// Input: the typed price, a new line, a quantity.
fuzz_target!(|input: &str| {
    let (text, quantity) = input.split_once('\n').unwrap_or((input, "1"));
    let quantity: i64 = quantity.trim().parse().unwrap_or(1);
    let Ok(price) = Vnd::parse(text) else {
        return;
    };
    assert!((0..=Vnd::MAX).contains(&price.dong()));
    for locale in [MoneyLocale::Vi, MoneyLocale::En] {
        assert_eq!(Vnd::parse(&price.format(locale)), Ok(price), "{locale:?}");
    }
    if let Ok(total) = price.checked_mul(quantity) {
        assert!((0..=Vnd::MAX).contains(&total.dong()));
    }
});
