//! Marking the words of a product name that matched the query. Done here, on the words the
//! engine was given, so both engines highlight the same way; the page escapes the text as usual
//! (no HTML is ever built from it).

use super::{model::Marked, query::Analyzed};
use crate::domain::fold::fold;

/// `text` cut into runs, each marked when it is a word the query matched.
pub fn highlight(text: &str, query: &Analyzed) -> Vec<Marked> {
    let mut out: Vec<Marked> = Vec::new();
    let mut push = |piece: &str, hit: bool| match out.last_mut() {
        Some(last) if last.hit == hit => last.text.push_str(piece),
        _ => out.push(Marked {
            text: piece.to_owned(),
            hit,
        }),
    };
    let mut rest = text;
    while !rest.is_empty() {
        let word_len = rest
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(rest.len(), |(i, _)| i);
        if word_len == 0 {
            let c = rest.chars().next().map_or(1, char::len_utf8);
            push(&rest[..c], false);
            rest = &rest[c..];
            continue;
        }
        let word = &rest[..word_len];
        let folded = fold(word).replace(' ', "");
        let hit = query.words.iter().any(|w| w.matches(&folded).is_some());
        push(word, hit);
        rest = &rest[word_len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::analyze;

    fn marked(text: &str, q: &str) -> String {
        highlight(text, &analyze(q))
            .into_iter()
            .map(|m| {
                if m.hit {
                    format!("[{}]", m.text)
                } else {
                    m.text
                }
            })
            .collect()
    }

    #[test]
    fn marks_whole_words_typos_and_the_prefix() {
        assert_eq!(
            marked("Nhãn lồng Hưng Yên", "nhan long"),
            "[Nhãn] [lồng] Hưng Yên"
        );
        assert_eq!(
            marked("Gà Đông Tảo thả vườn", "dong ta"),
            "Gà [Đông] [Tảo] thả vườn"
        );
        assert_eq!(marked("Tương Bần", "tuomg"), "[Tương] Bần");
        assert_eq!(marked("Tương Bần", ""), "Tương Bần");
    }

    #[test]
    fn keeps_every_character() {
        let text = "Tour Phố Hiến – mùa nhãn <b>";
        let joined: String = highlight(text, &analyze("pho nhan"))
            .into_iter()
            .map(|m| m.text)
            .collect();
        assert_eq!(joined, text);
    }
}
