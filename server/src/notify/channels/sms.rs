//! SMS through eSMS.vn's JSON API (`SendMultipleMessage_V4_post_json`): one Unicode SMS with the
//! notice's title and link, from the registered brand name, customer-care type.
//!
//! From eSMS's published documentation: the fields below, and CodeResult "100" = accepted. Not
//! confirmed there (so treated cautiously, and marked so): the meaning of each other code (we
//! read 99 as a passing fault and the ones listed in `classify` as permanent), and whether a
//! repeated RequestId is refused or answered as the first one (our fake answers it as the first).

use serde_json::{Value, json};

use super::{Outgoing, SendError, Sender};

pub const PRODUCTION: &str = "https://rest.esms.vn";
pub const PATH: &str = "/MainService.svc/json/SendMultipleMessage_V4_post_json/";

#[derive(Clone)]
pub struct EsmsSettings {
    pub api_key: String,
    pub secret_key: String,
    pub brandname: String,
    pub base: String,
}

impl std::fmt::Debug for EsmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsmsSettings")
            .field("brandname", &self.brandname)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

pub struct Esms {
    settings: EsmsSettings,
    http: reqwest::Client,
}

impl Esms {
    pub fn new(settings: EsmsSettings, http: reqwest::Client) -> Esms {
        Esms { settings, http }
    }
}

/// An SMS's text: short, the title and the link (the text is on the page).
pub fn render(title: &str, link: &str) -> String {
    format!("{title}. {link}")
}

/// `+84912345678` → `84912345678`, as eSMS takes it; anything but a Vietnamese number is refused.
pub fn esms_phone(e164: &str) -> Option<String> {
    let digits = e164.strip_prefix("+84")?;
    (digits.len() >= 9 && digits.len() <= 10 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("84{digits}"))
}

/// The request body; RequestId is the notice's id, so eSMS can tell a resend from a new SMS.
pub fn body(settings: &EsmsSettings, phone: &str, content: &str, request_id: &str) -> Value {
    json!({
        "ApiKey": settings.api_key,
        "SecretKey": settings.secret_key,
        "Phone": phone,
        "Content": content,
        "Brandname": settings.brandname,
        // 2: customer care, from a brand name.
        "SmsType": "2",
        "IsUnicode": "1",
        "RequestId": request_id,
    })
}

/// eSMS's answer: `Ok` when accepted.
pub fn classify(answer: &Value) -> Result<(), SendError> {
    let code = match &answer["CodeResult"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(SendError::Retryable(
                "eSMS answered without a CodeResult".to_owned(),
            ));
        }
    };
    let message = answer["ErrorMessage"].as_str().unwrap_or("");
    match code.as_str() {
        "100" => Ok(()),
        // Not confirmed in the public docs: 101 authentication, 102 account locked, 104
        // brand name not registered, 118 bad SMS type, 119 advertising brand name,
        // 131/146 content or template not allowed. Anything else (99 = unknown fault, 103 =
        // balance) is retried until the give-up time.
        "101" | "102" | "104" | "118" | "119" | "131" | "146" => Err(SendError::Permanent(
            format!("eSMS refused ({code}): {message}"),
        )),
        _ => Err(SendError::Retryable(format!(
            "eSMS failed ({code}): {message}"
        ))),
    }
}

impl Sender for Esms {
    async fn send(&self, message: &Outgoing) -> Result<(), SendError> {
        let phone = esms_phone(&message.to)
            .ok_or_else(|| SendError::Permanent("not a Vietnamese mobile number".to_owned()))?;
        let content = render(&message.title, &message.link);
        let url = format!("{}{PATH}", self.settings.base.trim_end_matches('/'));
        let response = self
            .http
            .post(url)
            .json(&body(&self.settings, &phone, &content, &message.id))
            .send()
            .await
            .map_err(SendError::from_http)?;
        let status = response.status();
        let text = response.text().await.map_err(SendError::from_http)?;
        if !status.is_success() {
            return Err(SendError::from_status(status, &text));
        }
        let answer: Value = serde_json::from_str(&text)
            .map_err(|_| SendError::Retryable("eSMS's answer is not JSON".to_owned()))?;
        classify(&answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_sent_in_esms_form() {
        assert_eq!(esms_phone("+84912345678").as_deref(), Some("84912345678"));
        assert_eq!(esms_phone("0912345678"), None);
        assert_eq!(esms_phone("+14155550100"), None);
        assert_eq!(esms_phone("+84912a45678"), None);
    }

    #[test]
    fn answers_are_accepted_retried_or_refused() {
        assert_eq!(
            classify(&json!({"CodeResult": "100", "SMSID": "x"})),
            Ok(())
        );
        assert!(matches!(
            classify(&json!({"CodeResult": "99"})),
            Err(SendError::Retryable(_))
        ));
        assert!(matches!(
            classify(&json!({"CodeResult": "101"})),
            Err(SendError::Permanent(_))
        ));
        assert!(matches!(
            classify(&json!({"CodeResult": 104})),
            Err(SendError::Permanent(_))
        ));
        assert!(matches!(classify(&json!({})), Err(SendError::Retryable(_))));
    }

    #[test]
    fn the_body_carries_the_request_id_and_the_short_text() {
        let s = EsmsSettings {
            api_key: "k".into(),
            secret_key: "s".into(),
            brandname: "OCOP".into(),
            base: PRODUCTION.into(),
        };
        let text = render("“Nhãn” đã được duyệt", "https://x.vn/a");
        assert_eq!(text, "“Nhãn” đã được duyệt. https://x.vn/a");
        let b = body(&s, "84912345678", &text, "n1");
        assert_eq!(b["RequestId"], "n1");
        assert_eq!(b["Phone"], "84912345678");
        assert_eq!(b["Brandname"], "OCOP");
        assert_eq!(b["IsUnicode"], "1");
    }
}
