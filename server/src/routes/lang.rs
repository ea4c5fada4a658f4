//! `POST /lang`: the language switch. A plain form post, so it works without JavaScript; the
//! choice is kept in a cookie for a year and the reader goes back to the page they were on.

use app::i18n::{LANG_COOKIE, Locale};
use axum::{
    Form,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LanguageChoice {
    lang: String,
    /// The page to return to; only a path on this site is followed.
    next: Option<String>,
}

pub async fn set_language(Form(choice): Form<LanguageChoice>) -> Response {
    let Some(locale) = Locale::from_code(&choice.lang) else {
        return (
            StatusCode::BAD_REQUEST,
            "Ngôn ngữ không được hỗ trợ. / Unsupported language.",
        )
            .into_response();
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.code()
    );
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, local_path(choice.next.as_deref())),
            (header::SET_COOKIE, cookie),
        ],
    )
        .into_response()
}

/// `next` if it is a path on this site; the home page otherwise (no open redirect).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control) =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            local_path(Some("/xa/tan-hung?trang=2")),
            "/xa/tan-hung?trang=2"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "/a\r\nSet-Cookie: x=1",
            "",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
