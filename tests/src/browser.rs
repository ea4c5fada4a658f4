//! A minimal browser for form journeys: keeps cookies, sends the anti-forgery token with every
//! form like the site's own pages do, and does not follow redirects (tests look at them).

use std::{collections::HashMap, sync::Mutex};

use reqwest::{Response, header};

pub struct Browser {
    pub address: String,
    client: reqwest::Client,
    cookies: Mutex<HashMap<String, String>>,
}

impl Browser {
    pub fn new(address: &str) -> Browser {
        Browser {
            address: address.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A fresh connection per request: the server closes a connection whose upload
                // it refused unread, and reusing one being closed fails the next request.
                .pool_max_idle_per_host(0)
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("HTTP client"),
            cookies: Mutex::new(HashMap::new()),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    /// The `Cookie` header this browser sends (the page audit hands it to Lighthouse).
    pub fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&self, response: &Response) {
        let mut jar = self.cookies.lock().unwrap();
        for value in response.headers().get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let first = text.split(';').next().unwrap_or("");
            if let Some((name, value)) = first.split_once('=') {
                if value.is_empty() || text.contains("Max-Age=0") {
                    jar.remove(name);
                } else {
                    jar.insert(name.to_owned(), value.to_owned());
                }
            }
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        let r = self
            .client
            .get(format!("{}{path}", self.address))
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.remember(&r);
        r
    }

    pub async fn page(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("page body")
    }

    /// Posts a form as the site's pages do: with the `csrf` field (fetching a page first when
    /// this browser has no token yet).
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        if self.cookie("ocop_csrf").is_none() {
            self.get("/dang-nhap").await;
        }
        let token = self.cookie("ocop_csrf").expect("an anti-forgery cookie");
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &token));
        self.post_raw(path, &all, &[]).await
    }

    /// Uploads files as a `multipart/form-data` form does (`(field, file name, bytes)`), with
    /// the anti-forgery token in the query as the site's upload forms carry it.
    pub async fn upload(
        &self,
        path: &str,
        texts: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Response {
        if self.cookie("ocop_csrf").is_none() {
            self.get("/dang-nhap").await;
        }
        let token = self.cookie("ocop_csrf").expect("an anti-forgery cookie");
        let (content_type, body) = multipart(texts, files);
        let sep = if path.contains('?') { '&' } else { '?' };
        let r = self
            .client
            .post(format!("{}{path}{sep}csrf={token}", self.address))
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .expect("upload");
        self.remember(&r);
        r
    }

    /// Sends a JSON request to the API with this browser's cookies.
    pub async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address))
            .header(header::COOKIE, self.cookie_header());
        if let Some(body) = body {
            request = request.json(body);
        }
        let r = request.send().await.expect("API request");
        self.remember(&r);
        r
    }

    /// Posts exactly these fields and headers (for forgery tests).
    pub async fn post_raw(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let body: String = form_body(fields);
        let mut request = self
            .client
            .post(format!("{}{path}", self.address))
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let r = request.send().await.expect("POST");
        self.remember(&r);
        r
    }
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where a redirect goes.
pub fn location(r: &Response) -> String {
    r.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// A multipart form of `texts` (name, value) and `files` (name, file name, bytes), as a
/// browser sends it: its `Content-Type` and its body.
pub fn multipart(texts: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----ocop-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in texts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
