//! An SMTP server for the tests, on a real socket (127.0.0.1:0): it speaks enough SMTP for a
//! client to deliver (EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT; no TLS, no AUTH)
//! and records every message it accepts. It can refuse recipients for good (550) or for now
//! (451), to exercise the dispatcher's two kinds of failure.

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

/// One accepted message.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body, CRLF lines, dot-stuffing undone).
    pub data: String,
}

impl Received {
    /// A header's raw value (the first of that name), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    /// The decoded body of the first part of this content type (`text/plain`, `text/html`).
    pub fn part(&self, content_type: &str) -> Option<String> {
        let marker = format!("Content-Type: {content_type}");
        let start = self.data.find(&marker)?;
        let part = &self.data[start..];
        let (head, rest) = part.split_once("\r\n\r\n")?;
        let body = rest.split("\r\n--").next()?;
        let encoding = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Transfer-Encoding: "))
            .unwrap_or("7bit")
            .trim()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => base64_decode(&body.replace("\r\n", "")),
            "quoted-printable" => quoted_printable_decode(body),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8(bytes).ok()
    }
}

fn quoted_printable_decode(text: &str) -> Vec<u8> {
    let text = text.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = vec![];
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        let Some(v) = ALPHABET.iter().position(|a| *a == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// What the sink answers to RCPT TO.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Recipients {
    #[default]
    Accept,
    /// 451: try again later.
    Defer,
    /// 550: no such mailbox.
    Refuse,
}

#[derive(Clone)]
pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    recipients: Arc<Mutex<Recipients>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the SMTP sink");
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let sink = SmtpSink {
            url,
            received: Arc::default(),
            recipients: Arc::default(),
        };
        let shared = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let sink = shared.clone();
                tokio::spawn(async move {
                    let _ = sink.session(socket).await;
                });
            }
        });
        sink
    }

    pub fn set(&self, recipients: Recipients) {
        *self.recipients.lock().unwrap() = recipients;
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    async fn session(&self, socket: tokio::net::TcpStream) -> std::io::Result<()> {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
        let (mut from, mut to) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_owned();
            let upper = command.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
            } else if upper.starts_with("HELO") {
                b"250 sink.test\r\n"
            } else if upper.starts_with("MAIL FROM:") {
                from = command[10..].trim().to_owned();
                to.clear();
                b"250 OK\r\n"
            } else if upper.starts_with("RCPT TO:") {
                let recipients = *self.recipients.lock().unwrap();
                match recipients {
                    Recipients::Accept => {
                        to.push(command[8..].trim().to_owned());
                        b"250 OK\r\n"
                    }
                    Recipients::Defer => b"451 4.3.0 Try again later\r\n",
                    Recipients::Refuse => b"550 5.1.1 No such mailbox\r\n",
                }
            } else if upper == "DATA" {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                    data.push_str(unstuffed);
                }
                self.received.lock().unwrap().push(Received {
                    from: from.clone(),
                    to: to.clone(),
                    data,
                });
                b"250 OK queued\r\n"
            } else if upper == "RSET" {
                from.clear();
                to.clear();
                b"250 OK\r\n"
            } else if upper == "NOOP" {
                b"250 OK\r\n"
            } else if upper == "QUIT" {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            } else {
                b"502 Command not implemented\r\n"
            };
            write.write_all(reply).await?;
        }
    }
}
