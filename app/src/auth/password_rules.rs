//! What makes a password acceptable: long enough, not absurdly long, not one of the passwords
//! attackers try first, and not the user's own phone number or email.

use crate::domain::fold::fold;

pub const MIN_PASSWORD_CHARS: usize = 8;
/// Argon2 hashes any length, but nobody types more; a cap stops hashing megabytes.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Common passwords (global lists plus Vietnamese favourites), one per line, lower case.
const COMMON: &str = include_str!("common_passwords.txt");

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("too common")]
    Common,
    #[error("contains the login")]
    ContainsLogin,
}

/// Checks a new password. `login_key` is the phone (`+84…`) or email it would protect.
pub fn check_new_password(password: &str, login_key: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    if is_common(password) {
        return Err(PasswordProblem::Common);
    }
    let folded = fold(password);
    let login_core = login_key
        .strip_prefix("+84")
        .unwrap_or_else(|| login_key.split('@').next().unwrap_or(login_key));
    if login_core.len() >= 4 && folded.contains(&fold(login_core)) {
        return Err(PasswordProblem::ContainsLogin);
    }
    Ok(())
}

/// Whether the password, ignoring case, diacritics and spaces, is on the common list.
pub fn is_common(password: &str) -> bool {
    let folded: String = fold(password)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    COMMON.lines().any(|line| {
        let line = line.trim();
        !line.is_empty() && !line.starts_with('#') && line == folded
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(
            check_new_password("short", "+84912345678"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_new_password(&"x".repeat(129), "+84912345678"),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(
            check_new_password("12345678", "+84912345678"),
            Err(PasswordProblem::Common)
        );
        assert_eq!(
            check_new_password("Mật Khẩu 123", "+84912345678"),
            Err(PasswordProblem::Common),
            "diacritics and spaces do not hide a common password"
        );
        assert_eq!(
            check_new_password("xx912345678xx", "+84912345678"),
            Err(PasswordProblem::ContainsLogin)
        );
        assert_eq!(
            check_new_password("lan.nguyen2026", "lan.nguyen@example.vn"),
            Err(PasswordProblem::ContainsLogin)
        );
        assert_eq!(
            check_new_password("nhãn lồng chín đỏ", "+84912345678"),
            Ok(())
        );
        // Length counts characters, not bytes.
        assert_eq!(
            check_new_password("đường ạ", "+84912345678"),
            Err(PasswordProblem::TooShort)
        );
    }

    #[test]
    fn the_list_is_lower_case_and_folded() {
        for line in COMMON
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            assert_eq!(line, fold(line).replace(' ', ""), "{line:?}");
        }
    }
}
