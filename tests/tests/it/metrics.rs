//! `/metrics` (#28): the Prometheus text an operator's scraper reads, only with the token or on
//! the separate address; requests by route and status, the pool, the outboxes, orders.

use ocop_tests::{db_test, spawn_app_configured};
use std::collections::BTreeSet;

const TOKEN: &str = "metrics-token-for-tests";

/// Every line is a comment or `name{labels} value`, and every series' family was announced by
/// a `# TYPE` line before it.
fn check_text_format(body: &str) {
    let mut typed = BTreeSet::new();
    for line in body.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            typed.insert(name.to_owned());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("series and value");
        value
            .parse::<f64>()
            .unwrap_or_else(|_| panic!("not a number: {line}"));
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| typed.contains(*f)))
            .unwrap_or(name);
        assert!(typed.contains(family), "no # TYPE before {line}");
        if let Some(labels) = series.strip_prefix(name) {
            assert!(
                labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')),
                "{line}"
            );
        }
    }
}

/// The value of the series written exactly so.
fn value(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

db_test!(
    the_token_holder_reads_requests_pool_outboxes_and_orders,
    |engine| {
        let app = spawn_app_configured(engine, |s| {
            s.metrics.token = Some(TOKEN.to_owned());
            // OCOP_DB_CONNECTIONS, read back below.
            s.limits.db_connections = Some(3);
        })
        .await;
        app.seed().await;
        let slug: String = sqlx::query_scalar(
            "SELECT slug FROM products WHERE status = 'approved' ORDER BY slug LIMIT 1",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        for _ in 0..3 {
            assert_eq!(app.get(&format!("/san-pham/{slug}")).await.status(), 200);
        }
        assert_eq!(app.get("/san-pham/khong-co-that").await.status(), 404);
        app.guest_buys(&slug, 1, "metrics-order-0001").await;
        let total: i64 = sqlx::query_scalar("SELECT total_vnd FROM orders")
            .fetch_one(app.db.pool())
            .await
            .unwrap();

        // Without the token, or with another: refused, saying how.
        let none = app.get("/metrics").await;
        assert_eq!(none.status(), 401);
        assert_eq!(none.headers()["www-authenticate"], "Bearer");
        let body: serde_json::Value = none.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
        let wrong = app
            .client
            .get(format!("{}/metrics", app.address))
            .bearer_auth("metrics-token-for-test")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);

        let answer = app
            .client
            .get(format!("{}/metrics", app.address))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert_eq!(
            answer.headers()["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        let body = answer.text().await.unwrap();
        check_text_format(&body);
        let product = r#"method="GET",route="/san-pham/{slug}""#;
        assert_eq!(
            value(
                &body,
                &format!(r#"ocop_http_request_duration_seconds_count{{{product},status="200"}}"#)
            ),
            Some(3.0),
            "{body}"
        );
        assert_eq!(
            value(
                &body,
                &format!(
                    r#"ocop_http_request_duration_seconds_bucket{{{product},status="200",le="+Inf"}}"#
                )
            ),
            Some(3.0)
        );
        assert_eq!(
            value(
                &body,
                &format!(r#"ocop_http_request_duration_seconds_count{{{product},status="404"}}"#)
            ),
            Some(1.0)
        );
        // The refused scrapes are counted too, under their route.
        assert_eq!(
            value(
                &body,
                r#"ocop_http_request_duration_seconds_count{method="GET",route="/metrics",status="401"}"#
            ),
            Some(2.0)
        );
        // The scrape itself is in flight.
        assert_eq!(value(&body, "ocop_http_requests_in_flight"), Some(1.0));
        assert!(value(&body, r#"ocop_db_connections{state="idle"}"#).is_some());
        assert_eq!(value(&body, "ocop_db_connections_max"), Some(3.0));
        assert_eq!(value(&body, "ocop_metrics_database_up"), Some(1.0));
        assert_eq!(value(&body, "ocop_orders_placed_total"), Some(1.0));
        assert_eq!(value(&body, r#"ocop_orders{status="placed"}"#), Some(1.0));
        assert_eq!(
            value(&body, r#"ocop_orders_value_vnd{status="placed"}"#),
            Some(total as f64)
        );
        assert!(value(&body, r#"ocop_outbox_depth{outbox="search"}"#).is_some());
        assert!(
            value(
                &body,
                r#"ocop_outbox_oldest_seconds{outbox="notifications"}"#
            )
            .is_some()
        );
        assert!(value(&body, "ocop_notifications_given_up").is_some());
        // Paths never asked for are not labels: one series for all unknown pages.
        assert!(!body.contains("khong-co-that"), "{body}");
    }
);

db_test!(
    without_a_token_metrics_live_only_on_their_own_address,
    |engine| {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let bind: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let app = spawn_app_configured(engine, |s| s.metrics.bind = Some(bind)).await;
        assert_eq!(app.get("/metrics").await.status(), 404);
        assert_eq!(app.get("/").await.status(), 200);
        let answer = app
            .client
            .get(format!("http://{bind}/metrics"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let body = answer.text().await.unwrap();
        check_text_format(&body);
        // The site's requests, counted on the site's own address.
        assert_eq!(
            value(
                &body,
                r#"ocop_http_request_duration_seconds_count{method="GET",route="/",status="200"}"#
            ),
            Some(1.0),
            "{body}"
        );
        assert_eq!(value(&body, "ocop_orders_placed_total"), Some(0.0));
    }
);
