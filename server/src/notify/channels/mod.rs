//! The channels beyond the inbox (#22) behind one interface, [`Sender`]: send one rendered
//! message to one address, within [`TIMEOUT`], and say whether a failure is worth retrying.
//! Each channel is off until configured (see [`NotifySettings`]); the dispatcher marks a
//! notice for an unconfigured channel 'skipped'.

pub mod email;
pub mod sms;
pub mod zalo;

use std::{collections::HashMap, time::Duration};

use app::notify::{
    delivery::{Attempt, RetryPolicy},
    rules::{Channel, NoticeKind},
};

/// Every call to a provider is bounded by this: a stuck provider costs one slot of the
/// dispatcher for at most this long, then the notice is retried.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// One message, rendered, for one address.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// The notice's id: the idempotency key each provider is given (email Message-ID, eSMS
    /// RequestId, ZNS tracking_id), the same on every attempt.
    pub id: String,
    pub kind: NoticeKind,
    /// An email address, or a phone number in E.164 form (+84…).
    pub to: String,
    pub title: String,
    pub text: String,
    /// The absolute link to the notice's page.
    pub link: String,
    /// For an email that may be stopped (a notice that is not essential): the one-click
    /// unsubscribe link and the words before it.
    pub unsubscribe: Option<Unsubscribe>,
}

/// An email's way out (RFC 8058): the link (its page, and the target of the one-click POST).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsubscribe {
    pub url: String,
    pub label: String,
}

/// Why a send did not go through.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// A timeout, a 5xx, a refused connection, a rate limit: try again later.
    #[error("{0}")]
    Retryable(String),
    /// A bad address, a rejected template, refused credentials: trying again will not help.
    #[error("{0}")]
    Permanent(String),
}

impl SendError {
    /// From an HTTP client error: anything that never got an answer is worth retrying.
    pub fn from_http(e: reqwest::Error) -> SendError {
        if e.is_timeout() {
            SendError::Retryable("the provider did not answer in time".to_owned())
        } else if e.is_connect() {
            SendError::Retryable("the provider could not be reached".to_owned())
        } else if e.is_decode() {
            SendError::Retryable("the provider's answer could not be read".to_owned())
        } else {
            SendError::Retryable(format!("calling the provider failed: {e}"))
        }
    }

    /// From an HTTP status that is not a success.
    pub fn from_status(status: reqwest::StatusCode, body: &str) -> SendError {
        let body: String = body.chars().take(200).collect();
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            SendError::Retryable(format!("the provider answered {status}: {body}"))
        } else {
            SendError::Permanent(format!("the provider refused with {status}: {body}"))
        }
    }
}

/// What every channel does.
pub trait Sender {
    fn send(
        &self,
        message: &Outgoing,
    ) -> impl std::future::Future<Output = Result<(), SendError>> + Send;
}

/// How notices leave the site, and how patiently.
#[derive(Clone, Debug)]
pub struct NotifySettings {
    pub email: Option<email::EmailSettings>,
    pub sms: Option<sms::EsmsSettings>,
    pub zalo: Option<zalo::ZaloSettings>,
    /// How often the dispatcher looks for due notices.
    pub poll: Duration,
    /// How long a claimed notice is the claimer's; longer than [`TIMEOUT`], so a live
    /// dispatcher's claim never runs out mid-send.
    pub lease: Duration,
    pub retry: RetryPolicy,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            email: None,
            sms: None,
            zalo: None,
            poll: Duration::from_secs(2),
            lease: Duration::from_secs(60),
            retry: RetryPolicy::default(),
        }
    }
}

impl NotifySettings {
    /// Where a one-time code can go: email by SMTP; a phone by SMS, or by Zalo when approved
    /// templates for both kinds of code are set.
    pub fn code_channels(&self) -> app::auth::codes::CodeChannels {
        use app::notify::rules::NoticeKind;
        app::auth::codes::CodeChannels {
            email: self.email.is_some(),
            phone: self.sms.is_some()
                || self.zalo.as_ref().is_some_and(|z| {
                    [NoticeKind::ContactCode, NoticeKind::PasswordResetCode]
                        .iter()
                        .all(|kind| z.templates.contains_key(kind))
                }),
        }
    }
}

/// The configured channels, ready to send.
pub struct Channels {
    email: Option<email::Email>,
    sms: Option<sms::Esms>,
    zalo: Option<zalo::Zalo>,
}

impl Channels {
    pub fn new(settings: &NotifySettings) -> anyhow::Result<Channels> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .build()?;
        Ok(Channels {
            email: settings.email.as_ref().map(email::Email::new).transpose()?,
            sms: settings
                .sms
                .clone()
                .map(|s| sms::Esms::new(s, http.clone())),
            zalo: settings.zalo.clone().map(|s| zalo::Zalo::new(s, http)),
        })
    }

    /// Sends `message` by `channel`, as the dispatcher records it.
    pub async fn send(&self, channel: Channel, message: &Outgoing) -> Attempt {
        let sent = match channel {
            Channel::Inbox => return Attempt::Sent,
            Channel::Email => match &self.email {
                Some(email) => email.send(message).await,
                None => return Attempt::NotConfigured,
            },
            Channel::Sms => match &self.sms {
                Some(sms) => sms.send(message).await,
                None => return Attempt::NotConfigured,
            },
            Channel::Zalo => match &self.zalo {
                // A kind with no approved template cannot go by Zalo.
                Some(zalo) if zalo.has_template(message.kind) => zalo.send(message).await,
                _ => return Attempt::NotConfigured,
            },
        };
        match sent {
            Ok(()) => Attempt::Sent,
            Err(SendError::Retryable(e)) => Attempt::Retryable(e),
            Err(SendError::Permanent(e)) => Attempt::Permanent(e),
        }
    }
}

/// The notice settings from the environment (`SMTP_URL`, `ESMS_*`, `ZALO_ZNS_*`).
#[derive(Debug, Default, clap::Args)]
pub struct NotifyArgs {
    /// SMTP server for notices by email: smtp://user:pass@host:587 (STARTTLS with
    /// ?tls=required), smtps://user:pass@host:465 (TLS). Unset: no email.
    #[arg(long, env = "SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,
    /// The sender of notices by email: "Đặc sản Hưng Yên <no-reply@example.vn>".
    #[arg(long, env = "SMTP_FROM", global = true)]
    pub smtp_from: Option<String>,
    /// eSMS.vn API key; with ESMS_SECRET_KEY and ESMS_BRANDNAME, turns SMS on.
    #[arg(long, env = "ESMS_API_KEY", hide_env_values = true, global = true)]
    pub esms_api_key: Option<String>,
    #[arg(long, env = "ESMS_SECRET_KEY", hide_env_values = true, global = true)]
    pub esms_secret_key: Option<String>,
    /// The registered sender name SMS come from.
    #[arg(long, env = "ESMS_BRANDNAME", global = true)]
    pub esms_brandname: Option<String>,
    /// Another base URL for eSMS (a test double); default https://rest.esms.vn.
    #[arg(long, env = "ESMS_API_BASE", global = true, hide = true)]
    pub esms_api_base: Option<String>,
    /// Zalo Official Account access token for ZNS; with ZALO_ZNS_TEMPLATES, turns Zalo on.
    #[arg(
        long,
        env = "ZALO_ZNS_ACCESS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub zalo_zns_access_token: Option<String>,
    /// The approved ZNS template for each kind of notice: kind:id,kind:id (e.g.
    /// listing_approved:231234). A kind without one is not sent by Zalo.
    #[arg(long, env = "ZALO_ZNS_TEMPLATES", global = true)]
    pub zalo_zns_templates: Option<String>,
    /// Another base URL for Zalo's API (a test double); default https://business.openapi.zalo.me.
    #[arg(long, env = "ZALO_ZNS_API_BASE", global = true, hide = true)]
    pub zalo_zns_api_base: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl NotifyArgs {
    pub fn settings(&self) -> anyhow::Result<NotifySettings> {
        let email = match (given(&self.smtp_url), given(&self.smtp_from)) {
            (Some(url), Some(from)) => Some(email::EmailSettings { url, from }),
            (None, None) => None,
            _ => anyhow::bail!("email needs both SMTP_URL and SMTP_FROM (or neither)"),
        };
        let sms = match (
            given(&self.esms_api_key),
            given(&self.esms_secret_key),
            given(&self.esms_brandname),
        ) {
            (Some(api_key), Some(secret_key), Some(brandname)) => Some(sms::EsmsSettings {
                api_key,
                secret_key,
                brandname,
                base: given(&self.esms_api_base).unwrap_or_else(|| sms::PRODUCTION.to_owned()),
            }),
            (None, None, None) => None,
            _ => anyhow::bail!(
                "SMS needs ESMS_API_KEY, ESMS_SECRET_KEY and ESMS_BRANDNAME (or none of them)"
            ),
        };
        let zalo = match given(&self.zalo_zns_access_token) {
            Some(access_token) => Some(zalo::ZaloSettings {
                access_token,
                templates: parse_templates(
                    given(&self.zalo_zns_templates).as_deref().unwrap_or(""),
                )
                .map_err(anyhow::Error::msg)?,
                base: given(&self.zalo_zns_api_base).unwrap_or_else(|| zalo::PRODUCTION.to_owned()),
            }),
            None => None,
        };
        Ok(NotifySettings {
            email,
            sms,
            zalo,
            ..NotifySettings::default()
        })
    }
}

/// `listing_approved:231234,listing_refused:231235` → each kind's template id.
pub fn parse_templates(text: &str) -> Result<HashMap<NoticeKind, String>, String> {
    let mut templates = HashMap::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (kind, id) = item
            .split_once(':')
            .ok_or_else(|| format!("ZALO_ZNS_TEMPLATES: {item:?} is not kind:template_id"))?;
        let kind = NoticeKind::parse(kind.trim())
            .ok_or_else(|| format!("ZALO_ZNS_TEMPLATES: {kind:?} is not a kind of notice"))?;
        let id = id.trim();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("ZALO_ZNS_TEMPLATES: {id:?} is not a template id"));
        }
        templates.insert(kind, id.to_owned());
    }
    Ok(templates)
}

/// Text safe inside HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_read_per_kind_and_bad_ones_refused() {
        let t = parse_templates(" listing_approved:231234 , listing_refused:99").unwrap();
        assert_eq!(t[&NoticeKind::ListingApproved], "231234");
        assert_eq!(t[&NoticeKind::ListingRefused], "99");
        assert_eq!(t.len(), 2);
        assert!(parse_templates("").unwrap().is_empty());
        assert!(
            parse_templates("lottery_won:1")
                .unwrap_err()
                .contains("not a kind")
        );
        assert!(
            parse_templates("listing_approved")
                .unwrap_err()
                .contains("kind:template_id")
        );
        assert!(
            parse_templates("listing_approved:abc")
                .unwrap_err()
                .contains("template id")
        );
    }

    #[test]
    fn half_configured_channels_are_refused_at_start() {
        let args = NotifyArgs {
            smtp_url: Some("smtp://127.0.0.1:25".into()),
            ..Default::default()
        };
        assert!(
            args.settings()
                .unwrap_err()
                .to_string()
                .contains("SMTP_FROM")
        );
        let args = NotifyArgs {
            esms_api_key: Some("k".into()),
            ..Default::default()
        };
        assert!(
            args.settings()
                .unwrap_err()
                .to_string()
                .contains("ESMS_SECRET_KEY")
        );
        let none = NotifyArgs::default().settings().unwrap();
        assert!(none.email.is_none() && none.sms.is_none() && none.zalo.is_none());
    }

    #[test]
    fn statuses_split_into_retryable_and_permanent() {
        use reqwest::StatusCode;
        for s in [502, 503, 500, 429] {
            assert!(matches!(
                SendError::from_status(StatusCode::from_u16(s).unwrap(), ""),
                SendError::Retryable(_)
            ));
        }
        for s in [400, 401, 403, 404, 422] {
            assert!(matches!(
                SendError::from_status(StatusCode::from_u16(s).unwrap(), ""),
                SendError::Permanent(_)
            ));
        }
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape_html("<b>\"Tôm\" & 'cá'</b>"),
            "&lt;b&gt;&quot;Tôm&quot; &amp; &#39;cá&#39;&lt;/b&gt;"
        );
    }
}
