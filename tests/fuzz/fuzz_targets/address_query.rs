//! What buyers type into the address picker, and the codes API clients send: never a panic, at
//! most `MAX_WORDS` folded words, and a code accepted reads back as itself.
#![no_main]

use app::address::rules::{
    CommuneCode, MAX_WORDS, ProvinceCode, matches, query_words, rank, search_key,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let words = query_words(text);
    assert!(words.len() <= MAX_WORDS);
    assert!(words.iter().all(|w| !w.is_empty() && !w.contains(' ')));
    let key = search_key(text, "Hồ Chí Minh", "79", &[text.to_owned()]);
    let _ = matches(&key, &words);
    let _ = rank(text, &words);
    if let Ok(code) = ProvinceCode::parse(text) {
        assert_eq!(code.as_str(), text);
    }
    if let Ok(code) = CommuneCode::parse(text) {
        assert_eq!(code.as_str(), text);
    }
});
