//! Folding Vietnamese text to plain ASCII letters: "Đông Tảo" → "dong tao".
//!
//! Buyers type without diacritics on many phones, and URLs want ASCII. A hand-written table keeps
//! the browser bundle free of Unicode normalisation tables; combining marks (text typed in
//! decomposed form) are dropped too.

/// The base letter of a Vietnamese (or other common Latin) letter, lowercased.
pub fn fold_char(c: char) -> Option<char> {
    let base = match c {
        'a'..='z' | '0'..='9' => c,
        'A'..='Z' => c.to_ascii_lowercase(),
        'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ' | 'ẩ'
        | 'ẫ' | 'ậ' | 'À' | 'Á' | 'Ả' | 'Ã' | 'Ạ' | 'Ă' | 'Ằ' | 'Ắ' | 'Ẳ' | 'Ẵ' | 'Ặ' | 'Â'
        | 'Ầ' | 'Ấ' | 'Ẩ' | 'Ẫ' | 'Ậ' | 'ä' | 'å' | 'Ä' | 'Å' => 'a',
        'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'ê' | 'ề' | 'ế' | 'ể' | 'ễ' | 'ệ' | 'È' | 'É' | 'Ẻ' | 'Ẽ'
        | 'Ẹ' | 'Ê' | 'Ề' | 'Ế' | 'Ể' | 'Ễ' | 'Ệ' | 'ë' | 'Ë' => 'e',
        'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' | 'Ì' | 'Í' | 'Ỉ' | 'Ĩ' | 'Ị' | 'î' | 'ï' | 'Î' | 'Ï' => {
            'i'
        }
        'ò' | 'ó' | 'ỏ' | 'õ' | 'ọ' | 'ô' | 'ồ' | 'ố' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ờ' | 'ớ' | 'ở'
        | 'ỡ' | 'ợ' | 'Ò' | 'Ó' | 'Ỏ' | 'Õ' | 'Ọ' | 'Ô' | 'Ồ' | 'Ố' | 'Ổ' | 'Ỗ' | 'Ộ' | 'Ơ'
        | 'Ờ' | 'Ớ' | 'Ở' | 'Ỡ' | 'Ợ' | 'ö' | 'Ö' => 'o',
        'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' | 'Ù' | 'Ú' | 'Ủ' | 'Ũ'
        | 'Ụ' | 'Ư' | 'Ừ' | 'Ứ' | 'Ử' | 'Ữ' | 'Ự' | 'ü' | 'û' | 'Ü' | 'Û' => 'u',
        'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' | 'Ỳ' | 'Ý' | 'Ỷ' | 'Ỹ' | 'Ỵ' => 'y',
        'đ' | 'Đ' => 'd',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        _ => return None,
    };
    Some(base)
}

/// True for the combining diacritical marks of decomposed text (U+0300–U+036F).
fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Lowercases and strips Vietnamese diacritics; anything that is not a letter or digit is kept
/// as a single space so word boundaries survive. Leading and trailing space is trimmed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if is_combining_mark(c) {
            continue;
        }
        match fold_char(c) {
            Some(base) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(base);
            }
            None if c.is_alphanumeric() => {
                // Letters outside the table (e.g. other scripts) stay as they are.
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.extend(c.to_lowercase());
            }
            None => pending_space = true,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_letters() {
        assert_eq!(fold("Nhãn lồng Hưng Yên"), "nhan long hung yen");
        assert_eq!(fold("Gà Đông Tảo"), "ga dong tao");
        assert_eq!(fold("TƯƠNG BẦN"), "tuong ban");
        assert_eq!(fold("Mật ong hoa nhãn"), "mat ong hoa nhan");
    }

    #[test]
    fn drops_combining_marks_of_decomposed_text() {
        // "Tảo" typed as T + a + U+0309 (hook above) + o.
        assert_eq!(fold("Ta\u{0309}o"), "tao");
    }

    #[test]
    fn punctuation_becomes_single_spaces() {
        assert_eq!(fold("  Long nhãn -- sấy (khô)!  "), "long nhan say kho");
        assert_eq!(fold("!!!"), "");
    }

    proptest::proptest! {
        #[test]
        fn folding_is_idempotent_and_ascii_for_vietnamese(s in "[a-zA-ZàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐ0-9 ,.-]{0,40}") {
            let once = fold(&s);
            proptest::prop_assert!(once.is_ascii());
            proptest::prop_assert_eq!(fold(&once), once.clone());
        }
    }
}
