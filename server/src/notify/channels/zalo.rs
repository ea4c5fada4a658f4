//! Zalo ZNS: a template message, approved by Zalo beforehand for each kind of notice, to the
//! Zalo account of a phone number. `POST /message/template` with the Official Account's
//! `access_token` header; the answer is `{"error": 0, "message", "data": {"msg_id"}}`, a
//! negative `error` when refused.
//!
//! Not confirmed in Zalo's public docs (so marked): which negative codes are final. We read
//! the ones in `classify` as permanent (bad phone, template, data, token, account) and the
//! rest as passing; whether Zalo refuses a repeated `tracking_id` (our fake answers it as the
//! first) is not documented either.

use std::collections::HashMap;

use app::notify::rules::NoticeKind;
use serde_json::{Value, json};

use super::{Outgoing, SendError, Sender};

pub const PRODUCTION: &str = "https://business.openapi.zalo.me";

#[derive(Clone)]
pub struct ZaloSettings {
    pub access_token: String,
    pub templates: HashMap<NoticeKind, String>,
    pub base: String,
}

impl std::fmt::Debug for ZaloSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZaloSettings")
            .field("templates", &self.templates)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

pub struct Zalo {
    settings: ZaloSettings,
    http: reqwest::Client,
}

impl Zalo {
    pub fn new(settings: ZaloSettings, http: reqwest::Client) -> Zalo {
        Zalo { settings, http }
    }

    pub fn has_template(&self, kind: NoticeKind) -> bool {
        self.settings.templates.contains_key(&kind)
    }
}

/// The template's parameters: every template of ours takes the same three.
pub fn template_data(title: &str, text: &str, link: &str) -> Value {
    json!({ "title": title, "text": text, "link": link })
}

/// The request body; tracking_id is the notice's id.
pub fn body(phone: &str, template_id: &str, data: Value, tracking_id: &str) -> Value {
    json!({
        "phone": phone,
        "template_id": template_id,
        "template_data": data,
        "tracking_id": tracking_id,
    })
}

/// `+84912345678` → `84912345678`.
pub fn zalo_phone(e164: &str) -> Option<String> {
    let digits = e164.strip_prefix("+84")?;
    (digits.len() >= 9 && digits.len() <= 10 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("84{digits}"))
}

pub fn classify(answer: &Value) -> Result<(), SendError> {
    let Some(code) = answer["error"].as_i64() else {
        return Err(SendError::Retryable(
            "Zalo answered without an error code".to_owned(),
        ));
    };
    let message = answer["message"].as_str().unwrap_or("");
    match code {
        0 => Ok(()),
        // Not confirmed in the public docs: -108 phone invalid, -109 template id invalid,
        // -112 template data invalid, -118 no Zalo account, -119 account cannot receive,
        // -124 access token invalid, -131 template not allowed for this OA.
        -108 | -109 | -112 | -118 | -119 | -124 | -131 => Err(SendError::Permanent(format!(
            "Zalo refused ({code}): {message}"
        ))),
        _ => Err(SendError::Retryable(format!(
            "Zalo failed ({code}): {message}"
        ))),
    }
}

impl Sender for Zalo {
    async fn send(&self, message: &Outgoing) -> Result<(), SendError> {
        let template = self
            .settings
            .templates
            .get(&message.kind)
            .ok_or_else(|| SendError::Permanent("no Zalo template for this kind".to_owned()))?;
        let phone = zalo_phone(&message.to)
            .ok_or_else(|| SendError::Permanent("not a Vietnamese mobile number".to_owned()))?;
        let data = template_data(&message.title, &message.text, &message.link);
        let response = self
            .http
            .post(format!(
                "{}/message/template",
                self.settings.base.trim_end_matches('/')
            ))
            .header("access_token", &self.settings.access_token)
            .json(&body(&phone, template, data, &message.id))
            .send()
            .await
            .map_err(SendError::from_http)?;
        let status = response.status();
        let text = response.text().await.map_err(SendError::from_http)?;
        if !status.is_success() {
            return Err(SendError::from_status(status, &text));
        }
        let answer: Value = serde_json::from_str(&text)
            .map_err(|_| SendError::Retryable("Zalo's answer is not JSON".to_owned()))?;
        classify(&answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_accepted_retried_or_refused() {
        assert_eq!(
            classify(&json!({"error": 0, "data": {"msg_id": "m"}})),
            Ok(())
        );
        assert!(matches!(
            classify(&json!({"error": -108})),
            Err(SendError::Permanent(_))
        ));
        assert!(matches!(
            classify(&json!({"error": -124})),
            Err(SendError::Permanent(_))
        ));
        assert!(matches!(
            classify(&json!({"error": -32})),
            Err(SendError::Retryable(_))
        ));
        assert!(matches!(
            classify(&json!({"message": "?"})),
            Err(SendError::Retryable(_))
        ));
    }

    #[test]
    fn the_body_carries_the_template_its_data_and_the_tracking_id() {
        let b = body(
            "84912345678",
            "231234",
            template_data("T", "X", "https://x.vn/a"),
            "n1",
        );
        assert_eq!(b["tracking_id"], "n1");
        assert_eq!(b["template_id"], "231234");
        assert_eq!(b["template_data"]["link"], "https://x.vn/a");
        assert_eq!(zalo_phone("+84912345678").as_deref(), Some("84912345678"));
        assert_eq!(zalo_phone("912345678"), None);
    }
}
