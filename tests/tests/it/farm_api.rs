//! The farm API for apps and sensors (#26): personal access tokens made and revoked on the
//! account page (shown once, stored hashed, scoped to one producer and to reading or writing,
//! last use shown, requests per minute bounded), and the plots and diary read and written with
//! them under the same rules as the forms.

use ocop_tests::{TestApp, browser::Browser, browser::location, db_test, spawn_seeded_app};
use serde_json::{Value, json};

use super::accounts::{member_of, sign_up};

const PAGE: &str = "/tai-khoan/ma-truy-cap";
pub(crate) const LONGAN_COOP: &str = "htx-nhan-long-song-hong-xanh";

/// A plot of the producer, and one of another producer.
pub(crate) async fn plots(app: &TestApp) -> (String, String) {
    let mine: String = sqlx::query_scalar(
        "SELECT pl.id FROM plots pl JOIN producers p ON p.id = pl.producer_id
          WHERE p.slug = $1 ORDER BY pl.name LIMIT 1",
    )
    .bind(LONGAN_COOP)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let other: String = sqlx::query_scalar(
        "SELECT pl.id FROM plots pl JOIN producers p ON p.id = pl.producer_id
          WHERE p.slug <> $1 ORDER BY pl.name LIMIT 1",
    )
    .bind(LONGAN_COOP)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    (mine, other)
}

/// Makes a token on the account page; the token the page shows that once.
pub(crate) async fn make_token(b: &Browser, name: &str, scope: &str) -> String {
    let r = b.submit(PAGE, &[("name", name), ("scope", scope)]).await;
    assert_eq!(location(&r), format!("{PAGE}?ok=tao"));
    let page = b.page(&format!("{PAGE}?ok=tao")).await;
    let at = page
        .find("value=\"ocopfarm_")
        .expect("the new token is shown")
        + 7;
    let token = page[at..at + 9 + 64].to_owned();
    // Shown once: the page after that has only its name.
    let again = b.page(PAGE).await;
    assert!(!again.contains(&token), "the token is shown only once");
    assert!(again.contains(name), "{again}");
    token
}

pub(crate) async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// `GET /api/v1/plots` with the token.
async fn plots_api(app: &TestApp, token: Option<&str>) -> (u16, Value) {
    call(app, reqwest::Method::GET, "/api/v1/plots", token, None).await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

fn spraying(on: &str) -> Value {
    json!({
        "kind": "spraying", "occurred_on": on, "input_name": "Kasumin 2SL",
        "active_ingredient": "Kasugamycin", "target": "Thán thư", "dose": "20 ml/bình 8 lít",
        "phi_days": 7, "note": "Trạm cảm biến báo ẩm độ cao"
    })
}

fn today() -> String {
    app::domain::time::vietnam_date(chrono::Utc::now()).to_string()
}

db_test!(a_device_reads_and_writes_the_diary_with_a_token, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member_of(&app, "0988 800 001", "Chị Lan", LONGAN_COOP).await;
    let (plot, _) = plots(&app).await;
    assert!(farmer.page("/tai-khoan").await.contains(PAGE));
    let token = make_token(&farmer, "Trạm đo ẩm vườn", "write").await;
    let stored: (String, Option<String>) =
        sqlx::query_as("SELECT token_hash, last_used_at FROM farm_tokens")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(!stored.0.contains(&token[9..]), "stored hashed");
    assert_eq!(stored.1, None);
    assert!(farmer.page(PAGE).await.contains("chưa dùng"));

    // The producer's plots, and one's log with its chain.
    let (status, list) = plots_api(&app, Some(&token)).await;
    assert_eq!(status, 200, "{list}");
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&plot.as_str()), "{list}");
    let coop: Vec<String> = sqlx::query_scalar(
        "SELECT pl.id FROM plots pl JOIN producers p ON p.id = pl.producer_id WHERE p.slug = $1",
    )
    .bind(LONGAN_COOP)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(ids.len(), coop.len(), "only the token's producer's plots");
    let entries_path = format!("/api/v1/plots/{plot}/entries");
    let (status, log) = call(
        &app,
        reqwest::Method::GET,
        &entries_path,
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, 200, "{log}");
    let before = log["entries"].as_array().unwrap().len();
    assert!(before > 0);
    assert_eq!(log["chain"]["intact"], true, "{}", log["chain"]);

    // A sensor's spraying report is written to the chain in the member's name.
    let (status, written) = call(
        &app,
        reqwest::Method::POST,
        &entries_path,
        Some(&token),
        Some(spraying(&today())),
    )
    .await;
    assert_eq!(status, 201, "{written}");
    assert_eq!(written["seq"], before as i64 + 1);
    let (_, log) = call(
        &app,
        reqwest::Method::GET,
        &entries_path,
        Some(&token),
        None,
    )
    .await;
    assert_eq!(log["entries"].as_array().unwrap().len(), before + 1);
    assert_eq!(log["chain"]["intact"], true);
    // The same pre-harvest rule as the form: a harvest inside the interval is refused, with
    // the same spraying and first safe day.
    let r = farmer
        .submit(
            &format!("/nong-trai/vuon/{plot}/lo"),
            &[("lot_code", "API-2026-01")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let lot: String =
        sqlx::query_scalar("SELECT id FROM harvest_lots WHERE lot_code = 'API-2026-01'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let safe =
        (app::domain::time::vietnam_date(chrono::Utc::now()) + chrono::Days::new(7)).to_string();
    let (status, refused) = call(
        &app,
        reqwest::Method::POST,
        &entries_path,
        Some(&token),
        Some(json!({"kind": "harvest", "occurred_on": today(), "lot_id": lot, "quantity_kg": 50})),
    )
    .await;
    assert_eq!(
        (status, code(&refused)),
        (409, "pre_harvest_interval"),
        "{refused}"
    );
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("not allowed before {safe}")) && message.contains("Kasumin 2SL"),
        "{message}"
    );
    let r = farmer
        .submit(
            &format!("/nong-trai/vuon/{plot}/ghi"),
            &[
                ("kind", "harvest"),
                ("occurred_on", &today()),
                ("lot_id", &lot),
                ("quantity_kg", "50"),
            ],
        )
        .await;
    let to = location(&r);
    assert!(
        to.contains("loi=phi") && to.contains(&format!("an_toan={safe}")) && to.contains("Kasumin"),
        "{to}"
    );
    let last_used: Option<String> = sqlx::query_scalar("SELECT last_used_at FROM farm_tokens")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(last_used.is_some());
    assert!(
        !farmer.page(PAGE).await.contains("chưa dùng"),
        "last use shown"
    );
});

db_test!(
    a_token_reaches_only_its_producer_and_scope_until_revoked,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let farmer = member_of(&app, "0988 800 002", "Anh Tú", LONGAN_COOP).await;
        let (plot, other_plot) = plots(&app).await;
        let reader = make_token(&farmer, "App xem nhật ký", "read").await;
        let writer = make_token(&farmer, "App ghi nhật ký", "write").await;
        let entries = format!("/api/v1/plots/{plot}/entries");
        let entry = Some(spraying(&today()));

        // A read token reads, and cannot write.
        let (status, _) = call(&app, reqwest::Method::GET, &entries, Some(&reader), None).await;
        assert_eq!(status, 200);
        let (status, body) = call(
            &app,
            reqwest::Method::POST,
            &entries,
            Some(&reader),
            entry.clone(),
        )
        .await;
        assert_eq!((status, code(&body)), (403, "insufficient_scope"), "{body}");
        // Another producer's plot does not exist for a token.
        for token in [&reader, &writer] {
            let path = format!("/api/v1/plots/{other_plot}/entries");
            let (status, body) = call(&app, reqwest::Method::GET, &path, Some(token), None).await;
            assert_eq!((status, code(&body)), (404, "not_found"), "{body}");
            let (status, _) = call(
                &app,
                reqwest::Method::POST,
                &path,
                Some(token),
                entry.clone(),
            )
            .await;
            assert_eq!(status, 404);
        }
        // No token, a malformed one, an unknown one: 401.
        let unknown = format!("ocopfarm_{}", "0".repeat(64));
        for token in [None, Some("ocopfarm_x"), Some(unknown.as_str())] {
            let (status, body) = plots_api(&app, token).await;
            assert_eq!(
                (status, code(&body)),
                (401, "unauthorized"),
                "{token:?} {body}"
            );
        }
        // Nothing was written by the refused calls.
        assert_eq!(
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM cultivation_log_entries WHERE note = 'Trạm cảm biến báo ẩm độ cao'"
            )
            .fetch_one(app.db.pool())
            .await
            .unwrap(),
            0
        );

        // Revoked on the account page: refused from then on; another account cannot revoke it.
        let id: String = sqlx::query_scalar("SELECT id FROM farm_tokens WHERE scope = 'write'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        let stranger =
            member_of(&app, "0988 800 003", "Người khác", "ho-vuon-nhan-bai-khoai").await;
        let r = stranger.submit(&format!("{PAGE}/{id}/thu-hoi"), &[]).await;
        assert_eq!(r.status(), 404);
        let (status, _) = plots_api(&app, Some(&writer)).await;
        assert_eq!(status, 200, "still works");
        let r = farmer.submit(&format!("{PAGE}/{id}/thu-hoi"), &[]).await;
        assert_eq!(location(&r), format!("{PAGE}?ok=thu-hoi"));
        let (status, body) = call(
            &app,
            reqwest::Method::POST,
            &entries,
            Some(&writer),
            entry.clone(),
        )
        .await;
        assert_eq!((status, code(&body)), (401, "unauthorized"), "{body}");
        assert!(!farmer.page(PAGE).await.contains("App ghi nhật ký"));

        // Leaving the producer ends the member's tokens.
        sqlx::query("DELETE FROM producer_members WHERE user_id = (SELECT user_id FROM farm_tokens LIMIT 1)")
            .execute(app.db.pool())
            .await
            .unwrap();
        let (status, _) = plots_api(&app, Some(&reader)).await;
        assert_eq!(status, 401);
    }
);

db_test!(a_tokens_requests_per_minute_are_bounded, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member_of(&app, "0988 800 004", "Chị Hoa", LONGAN_COOP).await;
    let token = make_token(&farmer, "Cảm biến lỗi", "read").await;
    let mut refused = None;
    for i in 0..130 {
        let (status, body) = plots_api(&app, Some(&token)).await;
        if status != 200 {
            refused = Some((i, status, code(&body).to_owned()));
            break;
        }
    }
    assert_eq!(refused, Some((120, 429, "rate_limited".to_owned())));
    // Another token of the same account is counted apart.
    let other = make_token(&farmer, "Cảm biến mới", "read").await;
    let (status, _) = plots_api(&app, Some(&other)).await;
    assert_eq!(status, 200);
});

db_test!(the_token_form_refuses_bad_fields_with_a_reason, |engine| {
    let app = spawn_seeded_app(engine).await;
    let buyer = sign_up(&app, "0988 800 005", "Người mua").await;
    // A buyer who sells nothing is told why there is no form.
    assert!(
        buyer
            .page(PAGE)
            .await
            .contains("Chỉ thành viên của một cơ sở đã được duyệt")
    );
    let r = buyer
        .submit(PAGE, &[("name", "App"), ("scope", "read")])
        .await;
    assert_eq!(location(&r), format!("{PAGE}?loi=co-so"));
    let farmer = member_of(&app, "0988 800 006", "Chị Mai", LONGAN_COOP).await;
    for (fields, loi) in [
        (vec![("name", "  "), ("scope", "read")], "ten"),
        (
            vec![("name", &"x".repeat(61)[..]), ("scope", "read")],
            "ten-dai",
        ),
        (vec![("name", "App"), ("scope", "admin")], "quyen"),
        (
            vec![
                ("name", "App"),
                ("scope", "read"),
                ("producer_id", "khong-co"),
            ],
            "co-so",
        ),
    ] {
        let r = farmer.submit(PAGE, &fields).await;
        assert_eq!(location(&r), format!("{PAGE}?loi={loi}"), "{fields:?}");
    }
    assert!(
        farmer
            .page(&format!("{PAGE}?loi=ten"))
            .await
            .contains("Hãy đặt tên cho thiết bị dùng mã.")
    );
    assert_eq!(app.count("farm_tokens").await, 0);
    // Not signed in: to the sign-in page.
    let visitor = Browser::new(&app.address);
    let r = visitor
        .submit(PAGE, &[("name", "App"), ("scope", "read")])
        .await;
    assert!(location(&r).starts_with("/dang-nhap"), "{}", location(&r));
    // The API document describes the farm endpoints and their token.
    let doc: Value = reqwest::get(format!("{}/api/openapi.json", app.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/plots"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/plots/{plot_id}/entries"]["get"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["farm_token"]["scheme"],
        "bearer"
    );
});

db_test!(an_entry_sent_again_is_stored_once, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member_of(&app, "0988 800 007", "Anh Nam", LONGAN_COOP).await;
    let (plot, _) = plots(&app).await;
    let token = make_token(&farmer, "Điện thoại", "write").await;
    let path = format!("/api/v1/plots/{plot}/entries");
    let with_id = |id: &str| {
        let mut entry = spraying(&today());
        entry["client_id"] = json!(id);
        Some(entry)
    };
    let stored = |id: &'static str| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM cultivation_log_entries WHERE client_id = $1",
            )
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
        }
    };

    // Sent, then sent again after a lost answer: one entry, the same seq.
    let (first, body) = call(
        &app,
        reqwest::Method::POST,
        &path,
        Some(&token),
        with_id("phone-0001"),
    )
    .await;
    assert_eq!((first, &body["resent"]), (201, &json!(false)), "{body}");
    let (again, resent) = call(
        &app,
        reqwest::Method::POST,
        &path,
        Some(&token),
        with_id("phone-0001"),
    )
    .await;
    assert_eq!((again, &resent["resent"]), (200, &json!(true)), "{resent}");
    assert_eq!(resent["seq"], body["seq"]);
    assert_eq!(stored("phone-0001").await, 1);

    // Two copies arriving at once (a phone and its retry): one entry, both told its seq.
    let send = || {
        call(
            &app,
            reqwest::Method::POST,
            &path,
            Some(&token),
            with_id("phone-0002"),
        )
    };
    let ((a, a_body), (b, b_body)) = tokio::join!(send(), send());
    let mut statuses = [a, b];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 201], "{a_body} {b_body}");
    assert_eq!(a_body["seq"], b_body["seq"]);
    assert_eq!(stored("phone-0002").await, 1);
    // The chain holds every entry once and is intact.
    let (_, log) = call(&app, reqwest::Method::GET, &path, Some(&token), None).await;
    assert_eq!(log["chain"]["intact"], true, "{}", log["chain"]);
    let seqs: Vec<i64> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());

    // A malformed id is refused.
    let (status, body) = call(
        &app,
        reqwest::Method::POST,
        &path,
        Some(&token),
        with_id("có dấu"),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "invalid_entry"), "{body}");
});

/// `POST /api/v1/entries/{id}/photos` with a farm token: `anh` files in `multipart/form-data`.
async fn photos_api(app: &TestApp, entry: &str, token: &str, files: &[&[u8]]) -> (u16, Value) {
    let boundary = "----ocop-api-test-4b1d";
    let mut body = Vec::new();
    for (i, bytes) in files.iter().enumerate() {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"anh\"; filename=\"anh{i}.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/entries/{entry}/photos", app.address))
        .bearer_auth(token)
        .header(
            reqwest::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn entry_photos(app: &TestApp, entry: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM cultivation_log_photos WHERE entry_id = $1")
        .bind(entry)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

// The phone's offline queue (#26): an entry's answer names it, its photos follow through the
// API, and a photo (or the whole entry with its photos) sent again is stored once.
db_test!(an_entrys_photos_go_through_the_api_once, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member_of(&app, "0988 800 008", "Chị Thu", LONGAN_COOP).await;
    let (plot, other_plot) = plots(&app).await;
    let token = make_token(&farmer, "Điện thoại của Thu", "write").await;
    let reader = make_token(&farmer, "Xem nhật ký", "read").await;
    let path = format!("/api/v1/plots/{plot}/entries");
    let mut entry = spraying(&today());
    entry["client_id"] = json!("queue-0001");
    let (status, first) = call(
        &app,
        reqwest::Method::POST,
        &path,
        Some(&token),
        Some(entry.clone()),
    )
    .await;
    assert_eq!(status, 201, "{first}");
    let id = first["id"].as_str().expect("the entry's id").to_owned();
    let (status, again) = call(
        &app,
        reqwest::Method::POST,
        &path,
        Some(&token),
        Some(entry),
    )
    .await;
    assert_eq!((status, &again["id"]), (200, &json!(id)), "{again}");

    let photo = server::photos::samples::jpeg(800, 600);
    let other = server::photos::samples::jpeg(640, 480);
    let (status, body) = photos_api(&app, &id, &token, &[&photo]).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!((&body["stored"], &body["photos"]), (&json!(1), &json!(1)));
    // Sent again (the answer was lost): nothing new.
    let (status, body) = photos_api(&app, &id, &token, &[&photo]).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!((&body["stored"], &body["photos"]), (&json!(0), &json!(1)));
    // Two copies at once, with a new photo: still one of each.
    let others: [&[u8]; 1] = [&other];
    let ((a, _), (b, _)) = tokio::join!(
        photos_api(&app, &id, &token, &others),
        photos_api(&app, &id, &token, &others)
    );
    assert_eq!((a, b), (201, 201));
    assert_eq!(entry_photos(&app, &id).await, 2);
    let files: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM photos p JOIN cultivation_log_photos c ON c.photo_id = p.id
          WHERE c.entry_id = $1",
    )
    .bind(&id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(files, 2);

    // The signed-in page sends them with its anti-forgery token; without it, refused.
    let r = farmer
        .upload(
            &format!("/api/v1/entries/{id}/photos"),
            &[],
            &[("anh", "vuon.jpg", &server::photos::samples::jpeg(500, 400))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(entry_photos(&app, &id).await, 3);
    let bare = reqwest::Client::new()
        .post(format!("{}/api/v1/entries/{id}/photos", app.address))
        .header(
            reqwest::header::COOKIE,
            format!("ocop_session={}", farmer.cookie("ocop_session").unwrap()),
        )
        .header(
            reqwest::header::CONTENT_TYPE,
            "multipart/form-data; boundary=x",
        )
        .body("--x--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(
        bare.status().as_u16(),
        415,
        "a form from elsewhere is refused"
    );

    // Not a photo: refused with the reason, as the pages word it.
    let (status, body) = photos_api(&app, &id, &token, &[b"not a picture"]).await;
    assert_eq!((status, code(&body)), (422, "photo_format"), "{body}");
    assert!(
        body["error"]["shown"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{body}"
    );
    // A read token may not add photos; another producer's entry is as good as absent.
    let (status, body) = photos_api(&app, &id, &reader, &[&photo]).await;
    assert_eq!((status, code(&body)), (403, "insufficient_scope"), "{body}");
    let foreign: String =
        sqlx::query_scalar("SELECT id FROM cultivation_log_entries WHERE plot_id = $1 LIMIT 1")
            .bind(&other_plot)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let (status, _) = photos_api(&app, &foreign, &token, &[&photo]).await;
    assert_eq!(status, 404);
    let (status, _) = photos_api(&app, "no-such-entry", &token, &[&photo]).await;
    assert_eq!(status, 404);
});

// A refused entry says why in the words of the farm pages (the phone shows it against the
// entry it had queued), in the language of the `lang` cookie.
db_test!(a_refused_entry_carries_the_pages_reason, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member_of(&app, "0988 800 009", "Anh Hải", LONGAN_COOP).await;
    let (plot, _) = plots(&app).await;
    let r = farmer
        .submit(
            &format!("/nong-trai/vuon/{plot}/lo"),
            &[("lot_code", "OFF-2026-01")],
        )
        .await;
    assert!(location(&r).contains("ok=1"), "{}", location(&r));
    let lot: String =
        sqlx::query_scalar("SELECT id FROM harvest_lots WHERE lot_code = 'OFF-2026-01'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let path = format!("/api/v1/plots/{plot}/entries");
    let r = farmer
        .json(reqwest::Method::POST, &path, Some(&spraying(&today())))
        .await;
    assert_eq!(r.status().as_u16(), 201);
    let harvest = json!({"kind": "harvest", "occurred_on": today(), "lot_id": lot,
                         "quantity_kg": 40, "client_id": "queue-harvest"});
    let r = farmer
        .json(reqwest::Method::POST, &path, Some(&harvest))
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let body: Value = r.json().await.unwrap();
    assert_eq!(code(&body), "pre_harvest_interval");
    let shown = body["error"]["shown"].as_str().unwrap_or_default();
    assert!(
        shown.contains("Kasumin 2SL") && shown.contains("cách ly"),
        "{body}"
    );
    farmer.set_cookie("lang", "en");
    let r = farmer
        .json(reqwest::Method::POST, &path, Some(&harvest))
        .await;
    let body: Value = r.json().await.unwrap();
    let shown = body["error"]["shown"].as_str().unwrap_or_default();
    assert!(
        shown.contains("Kasumin 2SL") && !shown.contains("cách ly"),
        "{body}"
    );
    // Nothing was stored under the refused entry's id.
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cultivation_log_entries WHERE client_id = 'queue-harvest'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(stored, 0);
});
