//! Phone numbers as people type them: never a panic, and whatever is accepted reads back the
//! same from both forms the site prints (the stored `+84…` and the dialled `09… … …`).
#![no_main]

use app::domain::phone::PhoneVn;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(phone) = PhoneVn::parse(text) else {
        return;
    };
    let e164 = phone.e164();
    assert!(e164.len() == 12 && e164.starts_with("+84"), "{e164}");
    assert_eq!(PhoneVn::parse(&e164).as_ref(), Ok(&phone));
    assert_eq!(PhoneVn::parse(&phone.display()).as_ref(), Ok(&phone));
});
