//! The search box: any text never panics; the query is cut to its limits; highlighting a text
//! for it keeps every character of the text; the one-typo test is symmetric.
#![no_main]

use app::search::{
    highlight::highlight,
    query::{MAX_QUERY_CHARS, MAX_WORDS, analyze, within_one_edit},
};
use libfuzzer_sys::fuzz_target;

// Input: the query, a new line, the text to highlight (a product name, say).
fuzz_target!(|input: &str| {
    let (query, text) = input.split_once('\n').unwrap_or((input, input));
    let analyzed = analyze(query);
    assert!(analyzed.text.chars().count() <= MAX_QUERY_CHARS);
    assert!(analyzed.words.len() <= MAX_WORDS);
    let marked = highlight(text, &analyzed);
    let joined: String = marked.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(joined, text);
    if let [a, b, ..] = analyzed.words.as_slice() {
        assert_eq!(
            within_one_edit(&a.folded, &b.folded),
            within_one_edit(&b.folded, &a.folded)
        );
    }
});
