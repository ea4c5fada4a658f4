//! Email over SMTP (`lettre`): HTML with a plain-text alternative, subject = the notice's title.

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};

use lettre::message::header::{HeaderName, HeaderValue};

use super::{Outgoing, SendError, Sender, TIMEOUT, Unsubscribe, escape_html};

#[derive(Clone)]
pub struct EmailSettings {
    /// `smtp://user:pass@host:port` or `smtps://…`.
    pub url: String,
    pub from: String,
}

impl std::fmt::Debug for EmailSettings {
    // The URL carries the SMTP password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailSettings")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

pub struct Email {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The Message-ID's domain: the sender's.
    domain: String,
}

impl Email {
    pub fn new(settings: &EmailSettings) -> anyhow::Result<Email> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("SMTP_FROM is not an address: {e}"))?;
        let domain = from.email.domain().to_owned();
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url)
            .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?
            .timeout(Some(TIMEOUT))
            .build();
        Ok(Email {
            transport,
            from,
            domain,
        })
    }
}

/// An email's words: (subject, plain text, HTML); a way out at the foot when it may be stopped.
pub fn render(
    title: &str,
    text: &str,
    link: &str,
    unsubscribe: Option<&Unsubscribe>,
) -> (String, String, String) {
    let (plain_foot, html_foot) = match unsubscribe {
        Some(u) => (
            format!("\n{} {}\n", u.label, u.url),
            format!(
                "<hr><p style=\"font-size:12px\">{} <a href=\"{}\">{}</a></p>",
                escape_html(&u.label),
                escape_html(&u.url),
                escape_html(&u.url)
            ),
        ),
        None => (String::new(), String::new()),
    };
    let plain = format!("{title}\n\n{text}\n\n{link}\n{plain_foot}");
    let html = format!(
        "<!doctype html><html><body><h1 style=\"font-size:18px\">{}</h1><p>{}</p>\
         <p><a href=\"{}\">{}</a></p>{html_foot}</body></html>",
        escape_html(title),
        escape_html(text),
        escape_html(link),
        escape_html(link),
    );
    (title.to_owned(), plain, html)
}

/// The Message-ID of notice `id`: the same on every attempt, so a receiving system that
/// de-duplicates by Message-ID shows a resend once (not all do: see the README).
pub fn message_id(id: &str, domain: &str) -> String {
    format!("<notice-{id}@{domain}>")
}

impl Sender for Email {
    async fn send(&self, message: &Outgoing) -> Result<(), SendError> {
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|e| SendError::Permanent(format!("not an email address: {e}")))?;
        let (subject, plain, html) = render(
            &message.title,
            &message.text,
            &message.link,
            message.unsubscribe.as_ref(),
        );
        let mut mail = Message::builder();
        if let Some(u) = &message.unsubscribe {
            // RFC 8058: the mail client may stop this kind of email with one POST to the link.
            mail = mail
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{}>", u.url),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let mail = mail
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(message_id(&message.id, &self.domain)))
            .multipart(MultiPart::alternative_plain_html(plain, html))
            .map_err(|e| SendError::Permanent(format!("the email could not be built: {e}")))?;
        match self.transport.send(mail).await {
            Ok(_) => Ok(()),
            // 5xx from the server: the address or the message is refused for good.
            Err(e) if e.is_permanent() => Err(SendError::Permanent(format!("SMTP: {e}"))),
            Err(e) => Err(SendError::Retryable(format!("SMTP: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_has_the_title_the_text_and_the_link_escaped() {
        let (subject, plain, html) = render(
            "“Nhãn <lồng>” đã được duyệt",
            "A & B",
            "https://dacsan.example/ban-hang/san-pham/p1",
            None,
        );
        assert_eq!(subject, "“Nhãn <lồng>” đã được duyệt");
        assert!(
            plain.contains("A & B")
                && plain.contains("https://dacsan.example/ban-hang/san-pham/p1")
        );
        assert!(html.contains("“Nhãn &lt;lồng&gt;” đã được duyệt"));
        assert!(html.contains("A &amp; B"));
        assert!(html.contains("<a href=\"https://dacsan.example/ban-hang/san-pham/p1\">"));
        assert_eq!(message_id("n1", "example.vn"), "<notice-n1@example.vn>");
    }
}
