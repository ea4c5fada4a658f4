//! Stopping and limits: a shutdown lets the request in flight finish (nothing a buyer sent is
//! lost), then refuses new connections; oversized bodies are refused with 413, not read.

use ocop_tests::{db_test, spawn_seeded_app};
use std::io::{Read, Write};

db_test!(shutdown_finishes_the_request_in_flight, |engine| {
    let mut app = spawn_seeded_app(engine).await;
    let variant: String = sqlx::query_scalar(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
         WHERE p.status = 'approved' AND v.stock > 0 ORDER BY v.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let body = format!(r#"{{"variant_id":"{variant}","quantity":2}}"#);
    let host = app.address.trim_start_matches("http://").to_owned();
    // A plain blocking socket (written from its own thread), to control when each byte goes.
    let mut tcp = std::net::TcpStream::connect(&host).unwrap();
    // Headers and half the body now; the rest after the shutdown has begun.
    let head = format!(
        "POST /api/v1/cart/items HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (first, rest) = body.split_at(body.len() / 2);
    tcp.write_all(head.as_bytes()).unwrap();
    tcp.write_all(first.as_bytes()).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let address = app.address.clone();
    let rest = rest.to_owned();
    let finish = async {
        // The shutdown has begun by now; the request is still being received.
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        tokio::task::spawn_blocking(move || {
            tcp.write_all(rest.as_bytes()).unwrap();
            let mut answer = String::new();
            tcp.read_to_string(&mut answer).unwrap();
            answer
        })
        .await
        .unwrap()
    };
    let (stopped, answer) = tokio::join!(app.shut_down(), finish);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("cart_token"), "{answer}");
    stopped.expect("served until stopped, without an error");
    // The server closed its pool on the way out; look with a connection of our own.
    let db = app::db::Db::connect(&app.test_db.url).await.unwrap();
    let (quantity,): (i64,) =
        sqlx::query_as("SELECT quantity FROM cart_items WHERE variant_id = $1")
            .bind(&variant)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(quantity, 2, "the request's write was committed");
    db.close().await;
    assert!(
        reqwest::get(format!("{address}/healthz")).await.is_err(),
        "no new connections after the stop"
    );
});

/// The answer to an oversized body: 413, or — when the server answered before the client had
/// finished sending, and closed the connection — the client's write failing. Either way the body
/// was refused unread.
async fn refused_unread(request: reqwest::RequestBuilder) {
    match request.send().await {
        Ok(r) => assert_eq!(r.status(), 413),
        Err(e) => assert!(e.is_request(), "{e}"),
    }
}

db_test!(oversized_bodies_are_refused, |engine| {
    let app = spawn_seeded_app(engine).await;
    let big_form = format!("name={}", "x".repeat(2 * 1024 * 1024));
    refused_unread(
        app.client
            .post(format!("{}/thanh-toan", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(big_form),
    )
    .await;
    let big_json = format!(r#"{{"name":"{}"}}"#, "x".repeat(3 * 1024 * 1024));
    refused_unread(
        app.client
            .post(format!("{}/api/v1/checkout", app.address))
            .header("content-type", "application/json")
            .body(big_json),
    )
    .await;
    assert_eq!(app.count("checkouts").await, 0);
    // Just under the limits, the same requests are read and answered on their merits. A new
    // client: the server closed the connections it refused, and a pooled one could be reused
    // just as it closes (the client's race, not the server's answer).
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/checkout", app.address))
        .header("content-type", "application/json")
        .body(format!(r#"{{"name":"{}"}}"#, "x".repeat(1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        422,
        "a small body is parsed, then refused for what it says"
    );
});
