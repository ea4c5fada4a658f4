//! The text rule at the door: every path segment, query parameter, form field and JSON string
//! of every request is checked against `app::domain::text` before any handler (or database)
//! sees it. A request carrying a control or invisible character is refused with 400 naming the
//! field: JSON `{"error":{"code":"invalid_text",…}}` on the API, a short page elsewhere.
//! Without this, PostgreSQL refuses NUL (a 503 for the client's fault) and SQLite stores it.
//! Multipart uploads are checked where their text fields are read (`photos::upload`).

use app::domain::text::{Hidden, hidden};
use axum::{
    body::{Body, Bytes, to_bytes},
    extract::Request,
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use percent_encoding::percent_decode_str;

use crate::api::ApiError;

/// The largest form or JSON body read here; the handlers' own limits are not larger.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Where the refused character was.
#[derive(Debug, PartialEq, Eq)]
struct Refusal {
    field: String,
    problem: Problem,
}

#[derive(Debug, PartialEq, Eq)]
enum Problem {
    Hidden(Hidden),
    /// Percent-escapes that do not decode to UTF-8.
    NotUtf8,
}

pub async fn refuse_hidden_text(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    if let Some(refusal) = check_uri(req.uri().path(), req.uri().query()) {
        return refuse(api, refusal);
    }
    let content_type = content_type(&req);
    let json = content_type.starts_with("application/json");
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    if !json && !form {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else {
        return too_large(api);
    };
    let refusal = if json {
        check_json(&bytes)
    } else {
        check_form(&bytes)
    };
    match refusal {
        Some(refusal) => refuse(api, refusal),
        None => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    }
}

/// The request's `Content-Type`, lower-cased ("" when absent or not text).
pub fn content_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn check_uri(path: &str, query: Option<&str>) -> Option<Refusal> {
    let decoded = match percent_decode_str(path).decode_utf8() {
        Ok(p) => p,
        Err(_) => {
            return Some(Refusal {
                field: "path".to_owned(),
                problem: Problem::NotUtf8,
            });
        }
    };
    if let Some(h) = hidden(&decoded) {
        return Some(Refusal {
            field: "path".to_owned(),
            problem: Problem::Hidden(h),
        });
    }
    query.and_then(|q| check_form(q.as_bytes()))
}

/// `a=1&b=2` pairs (a query string or a form body). Invalid UTF-8 is replaced by the decoder
/// with U+FFFD, which is visible and harmless.
fn check_form(bytes: &[u8]) -> Option<Refusal> {
    form_urlencoded::parse(bytes).find_map(|(name, value)| {
        hidden(&name).or_else(|| hidden(&value)).map(|h| Refusal {
            field: name.chars().filter(|c| !c.is_control()).take(60).collect(),
            problem: Problem::Hidden(h),
        })
    })
}

/// Every string and key of a JSON body. A body that is not JSON is left to the handler's
/// extractor, which says what is wrong with it.
fn check_json(bytes: &Bytes) -> Option<Refusal> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    walk(&value, &mut String::new())
}

fn walk(value: &serde_json::Value, at: &mut String) -> Option<Refusal> {
    let found = |field: &str, h| {
        Some(Refusal {
            field: if field.is_empty() { "body" } else { field }.to_owned(),
            problem: Problem::Hidden(h),
        })
    };
    match value {
        serde_json::Value::String(s) => hidden(s).and_then(|h| found(at, h)),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = at.len();
            at.push_str(&format!("[{i}]"));
            let r = walk(item, at);
            at.truncate(len);
            r
        }),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            if let Some(h) = hidden(key) {
                return found(at, h);
            }
            let len = at.len();
            if !at.is_empty() {
                at.push('.');
            }
            at.push_str(key);
            let r = walk(item, at);
            at.truncate(len);
            r
        }),
        _ => None,
    }
}

fn refuse(api: bool, refusal: Refusal) -> Response {
    let Refusal { field, problem } = refusal;
    if api {
        let message = match problem {
            Problem::Hidden(h) => format!("`{field}` contains {h}; send plain text"),
            Problem::NotUtf8 => format!("`{field}` is not valid UTF-8"),
        };
        return ApiError::new(StatusCode::BAD_REQUEST, "invalid_text", message).into_response();
    }
    let (vi, en) = match problem {
        Problem::Hidden(Hidden::Control(c)) => (
            format!("ký tự điều khiển (U+{:04X})", u32::from(c)),
            format!("a control character (U+{:04X})", u32::from(c)),
        ),
        Problem::Hidden(Hidden::Invisible(c)) => (
            format!("ký tự ẩn (U+{:04X})", u32::from(c)),
            format!("an invisible character (U+{:04X})", u32::from(c)),
        ),
        Problem::NotUtf8 => ("mã không hợp lệ".to_owned(), "invalid encoding".to_owned()),
    };
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "Ô “{field}” có {vi}. Hãy xoá nó (thường do dán từ nơi khác) rồi gửi lại.\n\
             The field “{field}” contains {en}. Remove it (often pasted from elsewhere) and send again.\n"
        ),
    )
        .into_response()
}

fn too_large(api: bool) -> Response {
    if api {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is over {MAX_BODY_BYTES} bytes"),
        )
        .into_response();
    }
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        "Biểu mẫu quá lớn. / Form too large.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: Option<Refusal>) -> Option<String> {
        r.map(|r| r.field)
    }

    #[test]
    fn paths_and_queries() {
        assert_eq!(check_uri("/san-pham/nhan-long", Some("q=nh%C3%A3n")), None);
        assert_eq!(
            field(check_uri("/san-pham/a%00b", None)),
            Some("path".into())
        );
        assert_eq!(field(check_uri("/san-pham/%FF", None)), Some("path".into()));
        assert_eq!(
            field(check_uri("/tim-kiem", Some("trang=1&q=a%E2%80%8Bb"))),
            Some("q".into())
        );
    }

    #[test]
    fn forms_name_the_field() {
        assert_eq!(check_form(b"name=Hoa&street=12+ph%E1%BB%91"), None);
        assert_eq!(
            check_form(b"name=Hoa&street=12%0D%0Aph%E1%BB%91"),
            None,
            "line breaks are text"
        );
        assert_eq!(
            field(check_form(b"name=Hoa&street=%E2%80%AE12")),
            Some("street".into())
        );
    }

    #[test]
    fn json_strings_and_keys_anywhere() {
        let check = |s: &str| field(check_json(&Bytes::from(s.to_owned())));
        assert_eq!(check(r#"{"name":"Hoa","items":[{"id":"v1"}]}"#), None);
        assert_eq!(check(r#"{"name":"Ho\u0000a"}"#), Some("name".into()));
        assert_eq!(
            check(r#"{"items":[{"id":"v1"},{"id":"\u200b"}]}"#),
            Some("items[1].id".into())
        );
        assert_eq!(check(r#"{"a\u0000":1}"#), Some("body".into()));
        assert_eq!(check(r#""\u0007""#), Some("body".into()));
        assert_eq!(check("not json"), None, "left to the extractor");
    }
}
