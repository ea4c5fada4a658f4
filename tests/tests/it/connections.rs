//! Connections cannot hold the server: a silent one is closed after the idle timeout, one that
//! dribbles its headers after the header timeout, and past the connection cap new ones wait
//! their turn while the server keeps answering. (The timeouts are set small here; the waits
//! below are generous bounds, not measurements.)

use std::time::Duration;

use ocop_tests::{Engine, TestApp, browser::location, spawn_app_configured};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

const GENEROUS: Duration = Duration::from_secs(20);

fn host(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (end of stream or reset); false if it is still
/// open after `limit`. Returns what was read meanwhile.
async fn closed_by_server(
    tcp: &mut (impl AsyncReadExt + Unpin),
    limit: Duration,
) -> (bool, String) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, tcp.read(&mut buf)).await {
            Err(_) => return (false, String::from_utf8_lossy(&seen).into_owned()),
            Ok(Ok(0) | Err(_)) => return (true, String::from_utf8_lossy(&seen).into_owned()),
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

/// Sends one request and reads its response head (the body of /healthz is small).
async fn healthz_on(tcp: &mut TcpStream, host: &str) -> String {
    tcp.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    read_response_head(tcp, GENEROUS)
        .await
        .expect("an answer to /healthz")
}

/// The response head, or `None` if none came within `limit`.
async fn read_response_head(tcp: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match tokio::time::timeout_at(deadline, tcp.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&seen).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_are_closed_after_the_idle_timeout() {
    // A long header timeout: only the idle timeout can close these.
    let app = spawn_app_configured(Engine::Sqlite, |s| {
        s.limits.idle_timeout = Duration::from_secs(1);
        s.limits.header_timeout = Duration::from_secs(600);
    })
    .await;
    let host = host(&app);
    // Connected, never a byte.
    let mut silent = TcpStream::connect(&host).await.unwrap();
    // One request answered, then silence on the kept-alive connection.
    let mut kept_alive = TcpStream::connect(&host).await.unwrap();
    let head = healthz_on(&mut kept_alive, &host).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        closed_by_server(&mut silent, GENEROUS).await.0,
        "a connection that never sent a byte is still open after {GENEROUS:?}"
    );
    assert!(
        closed_by_server(&mut kept_alive, GENEROUS).await.0,
        "an idle kept-alive connection is still open after {GENEROUS:?}"
    );
    // The server itself is fine.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_dribbled_a_byte_at_a_time_are_cut_off() {
    // A long idle timeout: bytes keep coming, only the header timeout can close this.
    let app = spawn_app_configured(Engine::Sqlite, |s| {
        s.limits.idle_timeout = Duration::from_secs(600);
        s.limits.header_timeout = Duration::from_secs(1);
    })
    .await;
    let host = host(&app);
    let tcp = TcpStream::connect(&host).await.unwrap();
    let (mut read, mut write) = tcp.into_split();
    let head = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Slow: ");
    let dribbler = tokio::spawn(async move {
        for byte in head.bytes().chain(std::iter::repeat(b'a')).take(400) {
            if write.write_all(&[byte]).await.is_err() {
                return true; // the server closed it
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    });
    let (closed, answer) = closed_by_server(&mut read, GENEROUS).await;
    dribbler.abort();
    assert!(
        closed,
        "a client dribbling its headers is still connected after {GENEROUS:?}"
    );
    assert!(
        !answer.contains("200 OK"),
        "the request was never served: {answer}"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_wait_their_turn() {
    let mut app = spawn_app_configured(Engine::Sqlite, |s| {
        s.limits.max_connections = 3;
        s.limits.idle_timeout = Duration::from_secs(600);
        s.limits.header_timeout = Duration::from_secs(600);
    })
    .await;
    let host = host(&app);
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(&host).await.unwrap());
    }
    // The fourth is queued behind the three (the listen queue is first come, first served).
    let mut fourth = TcpStream::connect(&host).await.unwrap();
    fourth
        .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    assert_eq!(
        read_response_head(&mut fourth, Duration::from_millis(700)).await,
        None,
        "a connection over the cap was served"
    );
    // One of the three leaves: the fourth's turn.
    drop(held.pop());
    let head = read_response_head(&mut fourth, GENEROUS)
        .await
        .expect("served once a connection closed");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    drop(fourth);
    drop(held.pop());
    // A fresh client is answered as ever.
    assert_eq!(app.get("/healthz").await.status(), 200);
    // Shutting down does not wait for the silent connection still held to time out.
    let stopped = tokio::time::timeout(GENEROUS, app.shut_down()).await;
    assert!(
        matches!(stopped, Ok(Ok(()))),
        "the server stopped with a silent connection open: {stopped:?}"
    );
    drop(held);
}

/// Reads one whole response (its body framed by `Content-Length`) and returns its head.
async fn read_response(tcp: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + GENEROUS;
    loop {
        if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&seen[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or_else(|| panic!("a response framed by its length: {head}"));
            if seen.len() >= end + 4 + length {
                assert_eq!(seen.len(), end + 4 + length, "nothing past the response");
                return head;
            }
        }
        match tokio::time::timeout_at(deadline, tcp.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
            other => panic!("the response was cut short ({other:?}): {seen:?}"),
        }
    }
}

/// The head of an upload of `length` bytes that the forgery check refuses before reading it
/// (no session, no token).
fn refused_upload_head(host: &str, length: usize) -> String {
    format!(
        "POST /nong-trai/ghi/00000000-0000-0000-0000-000000000000/anh HTTP/1.1\r\nHost: {host}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {length}\r\n\r\n"
    )
}

/// A request answered before its body was read (a refusal, a photo over the limit) has the
/// rest of its body read and thrown away. Closing with unread bytes makes the kernel reset the
/// connection, and a client still sending, such as a browser uploading a farmer's 30 MB
/// photo, then shows "connection reset" instead of the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_answered_before_it_was_read_is_still_received_to_its_end() {
    let app = spawn_app_configured(Engine::Sqlite, |_| {}).await;
    let host = host(&app);
    let mut tcp = TcpStream::connect(&host).await.unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let chunks = 128; // 8 MiB, far more than the socket buffers hold
    tcp.write_all(refused_upload_head(&host, chunks * chunk.len()).as_bytes())
        .await
        .unwrap();
    tcp.write_all(&chunk).await.unwrap();
    let head = read_response(&mut tcp).await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    for i in 1..chunks {
        tcp.write_all(&chunk)
            .await
            .unwrap_or_else(|e| panic!("the server stopped reading at chunk {i}: {e}"));
    }
    // Received to its end, the connection serves the next request.
    tcp.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let head = read_response(&mut tcp).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
}

/// ...but only for a while: a body that never ends cannot hold the connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unread_body_that_never_ends_is_cut_off() {
    let app = spawn_app_configured(Engine::Sqlite, |s| {
        s.limits.linger = Duration::from_secs(1);
    })
    .await;
    let host = host(&app);
    let mut tcp = TcpStream::connect(&host).await.unwrap();
    tcp.write_all(refused_upload_head(&host, 1 << 40).as_bytes())
        .await
        .unwrap();
    let head = read_response(&mut tcp).await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    let (mut read, mut write) = tcp.into_split();
    let sender = tokio::spawn(async move {
        let chunk = vec![b'x'; 16 * 1024];
        loop {
            if write.write_all(&chunk).await.is_err() {
                return; // the server closed it
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let (closed, _) = closed_by_server(&mut read, GENEROUS).await;
    sender.abort();
    assert!(
        closed,
        "an endless body still held the connection after {GENEROUS:?}"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
}

/// Once the unread body has all come, the connection is idle again: its idle timeout counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_received_to_its_end_leaves_the_connection_to_its_idle_timeout() {
    let app = spawn_app_configured(Engine::Sqlite, |s| {
        s.limits.idle_timeout = Duration::from_secs(1);
        s.limits.linger = Duration::from_secs(600);
    })
    .await;
    let host = host(&app);
    let mut tcp = TcpStream::connect(&host).await.unwrap();
    let body = vec![b'x'; 256 * 1024];
    tcp.write_all(refused_upload_head(&host, body.len()).as_bytes())
        .await
        .unwrap();
    tcp.write_all(&body).await.unwrap();
    let head = read_response(&mut tcp).await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    assert!(
        closed_by_server(&mut tcp, GENEROUS).await.0,
        "an idle connection was still open after {GENEROUS:?}"
    );
}

/// A client that stops sending the unread body is not waited for (nginx's
/// `lingering_timeout`), nor is one still sending when the server stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unread_body_is_given_up_when_it_stalls_or_the_server_stops() {
    let mut app = spawn_app_configured(Engine::Sqlite, |s| {
        s.limits.idle_timeout = Duration::from_secs(600);
        s.limits.header_timeout = Duration::from_secs(600);
        s.limits.linger = Duration::from_secs(600);
    })
    .await;
    let host = host(&app);
    let refused = |length| {
        let host = host.clone();
        async move {
            let mut tcp = TcpStream::connect(&host).await.unwrap();
            tcp.write_all(refused_upload_head(&host, length).as_bytes())
                .await
                .unwrap();
            tcp.write_all(&[b'x'; 1024]).await.unwrap();
            let head = read_response(&mut tcp).await;
            assert!(head.starts_with("HTTP/1.1 403"), "{head}");
            tcp
        }
    };
    let mut stalled = refused(1 << 20).await;
    assert!(
        closed_by_server(&mut stalled, GENEROUS).await.0,
        "a stalled body held the connection for {GENEROUS:?}"
    );

    let (_read, mut write) = refused(1 << 40).await.into_split();
    let sender = tokio::spawn(async move {
        while write.write_all(&[b'x'; 1024]).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let stopped = tokio::time::timeout(GENEROUS, app.shut_down()).await;
    sender.abort();
    assert!(
        matches!(stopped, Ok(Ok(()))),
        "a body still coming held the shutdown: {stopped:?}"
    );
}

/// A client that waits for "100 Continue" is not asked for a body nobody will read: the
/// refusal comes without it and the connection is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_awaiting_100_continue_is_not_asked_for_when_refused() {
    let app = spawn_app_configured(Engine::Sqlite, |s| {
        s.limits.idle_timeout = Duration::from_secs(600);
        s.limits.linger = Duration::from_secs(600);
    })
    .await;
    let host = host(&app);
    let mut tcp = TcpStream::connect(&host).await.unwrap();
    let head = refused_upload_head(&host, 1 << 20).replacen(
        "\r\n\r\n",
        "\r\nExpect: 100-continue\r\n\r\n",
        1,
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let (closed, answer) = closed_by_server(&mut tcp, GENEROUS).await;
    assert!(closed, "still open after {GENEROUS:?}: {answer}");
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(!answer.contains("100 Continue"), "{answer}");
}

/// Sends a POST by hand: its head, then its body in `pieces` pieces with `gap` before each (a
/// weak phone line), stopping before piece `stop_after` if given (the signal lost); returns
/// the connection to read the answer from.
async fn post_over_a_weak_line(
    app: &TestApp,
    path_and_query: &str,
    cookies: &str,
    (content_type, body): (String, Vec<u8>),
    pieces: usize,
    gap: Duration,
    stop_after: Option<usize>,
) -> TcpStream {
    let host = host(app);
    let mut tcp = TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST {path_and_query} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookies}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    for (i, piece) in body.chunks(body.len().div_ceil(pieces)).enumerate() {
        if stop_after == Some(i) {
            break;
        }
        tokio::time::sleep(gap).await;
        tcp.write_all(piece).await.unwrap();
    }
    tcp
}

/// A photo coming up a weak phone line takes longer in all than any other request may, but
/// keeps coming: it is stored. Under the one request timeout it was cut off with a 503 however
/// steadily it came (30 s in production: 15 MB over a weak 3G signal takes minutes). An upload
/// that stops coming is still cut off, and any other request still has the request timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_upload_is_stored_and_a_silent_one_is_cut_off() {
    let app = spawn_app_configured(Engine::Sqlite, |s| {
        // Well above what signing up takes on a busy machine (a password hash).
        s.limits.request_timeout = Duration::from_secs(5);
        s.limits.upload_silence = Duration::from_secs(4);
        s.limits.upload_min_bytes = 1024;
    })
    .await;
    app.seed().await;
    let farmer = crate::seller::member(&app, "0988 300 011", crate::seller::LONGAN_COOP).await;
    let id =
        crate::seller::create_listing(&app, &farmer, crate::seller::LONGAN_COOP, "Nhãn lồng").await;
    farmer.get("/dang-nhap").await;
    let token = farmer.cookie("ocop_csrf").expect("an anti-forgery cookie");
    let upload = format!("/ban-hang/san-pham/{id}/anh?csrf={token}");
    let photo = server::photos::samples::jpeg(800, 600);
    assert!(
        photo.len() >= 8 * 1024,
        "each piece brings the least an upload must"
    );
    let form =
        || ocop_tests::browser::multipart(&[("alt", "Chùm nhãn")], &[("anh", "nhan.jpg", &photo)]);
    let cookies = farmer.cookie_header();
    let photos = app.count("photos").await;

    // Eight seconds in all, a piece every second: well over the request timeout.
    let slow = Duration::from_secs(1);
    let mut tcp = post_over_a_weak_line(&app, &upload, &cookies, form(), 8, slow, None).await;
    let head = read_response(&mut tcp).await;
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    assert!(head.contains("?ok=1"), "{head}");
    assert_eq!(
        app.count("photos").await,
        photos + 1,
        "the slow photo is stored"
    );

    // Half the photo, then nothing: refused once the silence is over (the handler counts a
    // body cut short as too large), nothing stored.
    let quick = Duration::from_millis(10);
    let mut tcp = post_over_a_weak_line(&app, &upload, &cookies, form(), 8, quick, Some(4)).await;
    let head = read_response(&mut tcp).await;
    assert!(head.contains("loi=photo_size"), "{head}");
    assert_eq!(
        app.count("photos").await,
        photos + 1,
        "nothing more is stored"
    );

    // Any other request keeps the request timeout: a form sent as slowly is answered 503.
    let language = (
        "application/x-www-form-urlencoded".to_owned(),
        format!("csrf={token}&lang=en&next=%2F").into_bytes(),
    );
    let mut tcp = post_over_a_weak_line(&app, "/lang", &cookies, language, 8, slow, None).await;
    let head = read_response(&mut tcp).await;
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
}

/// One account cannot take the upload slots for itself: an upload keeps its connection for as
/// long as it brings 16 KiB every 30 s, and the slots are a quarter of the connections. Past
/// its share an account's upload is answered 429, through the site or its farm tokens
/// (another farmer's still goes through), and a turn is given back when its upload ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_account_has_at_most_two_uploads_going() {
    let app = spawn_app_configured(Engine::Sqlite, |_| {}).await;
    app.seed().await;
    let coop = crate::seller::LONGAN_COOP;
    let farmer = crate::seller::member(&app, "0988 300 021", coop).await;
    let other = crate::seller::member(&app, "0988 300 022", coop).await;
    let id = crate::seller::create_listing(&app, &farmer, coop, "Nhãn lồng").await;
    farmer.get("/dang-nhap").await;
    let token = farmer.cookie("ocop_csrf").expect("an anti-forgery cookie");
    let path = format!("/ban-hang/san-pham/{id}/anh");
    let photo = server::photos::samples::jpeg(800, 600);
    let files: &[(&str, &str, &[u8])] = &[("anh", "nhan.jpg", &photo)];
    let form = || ocop_tests::browser::multipart(&[], files);
    let (cookies, upload) = (farmer.cookie_header(), format!("{path}?csrf={token}"));

    // Two uploads coming slowly: half of each sent, the rest held back.
    let gap = Duration::from_millis(200);
    let mut held = Vec::new();
    for _ in 0..server::deadline::UPLOADS_PER_CALLER {
        held.push(post_over_a_weak_line(&app, &upload, &cookies, form(), 8, gap, Some(4)).await);
    }
    let r = farmer.upload(&path, &[], files).await;
    assert_eq!(r.status(), 429, "a third upload of the same account");
    assert_eq!(r.headers()["retry-after"], "30");
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("đang tải ảnh lên ở trang hoặc máy khác")
    );
    let r = other.upload(&path, &[], files).await;
    assert!(
        location(&r).ends_with("?ok=1#anh"),
        "another farmer's upload: {r:?}"
    );
    // The same account through a farm token (the diary's photo API): its third too.
    let device = crate::farm_api::make_token(&farmer, "Điện thoại vườn", "write").await;
    let (content_type, body) = form();
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/entries/any/photos", app.address))
        .bearer_auth(&device)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        429,
        "an upload through the account's farm token"
    );
    let refusal: serde_json::Value = r.json().await.unwrap();
    assert_eq!(refusal["error"]["code"], "uploads_in_progress", "{refusal}");

    // One of the two is abandoned: once the server has seen it go, the farmer uploads again.
    held.pop();
    let another = server::photos::samples::jpeg(600, 800);
    let mut tries = 0;
    let answer = loop {
        let r = farmer
            .upload(&path, &[], &[("anh", "nhan-2.jpg", &another)])
            .await;
        tries += 1;
        if r.status() != 429 || tries == 100 {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(location(&answer).ends_with("?ok=1#anh"), "{answer:?}");
    drop(held);
}
