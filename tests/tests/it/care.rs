//! Planned care (#26): tasks per plot made by hand or from the crop's care calendar (the
//! shipped longan one, or the commune officer's own), late ones first, a task recorded as a
//! diary entry with its fields filled in, the pre-harvest interval's end as a task, reminders
//! through the notifications, and the farm API's tasks with token scopes.

use chrono::{Days, Utc};
use ocop_tests::{TestApp, browser::location, db_test, spawn_seeded_app};
use serde_json::json;

use super::accounts::{member_of, officer_of_commune};
use super::farm_api::{LONGAN_COOP, call, make_token, plots};

fn today() -> chrono::NaiveDate {
    app::domain::time::vietnam_date(Utc::now())
}

fn day(offset: i64) -> String {
    let t = today();
    if offset >= 0 {
        t.checked_add_days(Days::new(offset as u64)).unwrap()
    } else {
        t.checked_sub_days(Days::new(offset.unsigned_abs()))
            .unwrap()
    }
    .to_string()
}

async fn task_row(app: &TestApp, title: &str) -> (String, String, Option<String>) {
    sqlx::query_as("SELECT id, status, entry_id FROM care_tasks WHERE title = $1")
        .bind(title)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn tasks_of(app: &TestApp, plot: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM care_tasks WHERE plot_id = $1")
        .bind(plot)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

db_test!(
    a_farmer_plans_the_year_and_records_a_task_in_the_diary,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let farmer = member_of(&app, "0988 810 001", "Chị Lan", LONGAN_COOP).await;
        let (plot, other_plot) = plots(&app).await;
        let page_path = format!("/nong-trai/vuon/{plot}");
        let page = farmer.page(&page_path).await;
        assert!(page.contains("Việc cần làm"), "{page}");
        assert!(
            page.contains("Lập lịch cả năm (10 việc)"),
            "the shipped longan calendar"
        );

        // The calendar gives ten tasks; applying it again adds none.
        let base = format!("{page_path}/viec");
        let r = farmer.submit(&format!("{base}/lich"), &[]).await;
        assert_eq!(location(&r), format!("{page_path}?viec_them=10#viec"));
        let r = farmer.submit(&format!("{base}/lich"), &[]).await;
        assert_eq!(location(&r), format!("{page_path}?viec_them=0#viec"));
        assert_eq!(tasks_of(&app, &plot).await, 10);
        let page = farmer.page(&format!("{page_path}?viec_them=10")).await;
        assert!(page.contains("Đã thêm 10 việc theo lịch chăm sóc."));
        assert!(page.contains("Bao quả") && page.contains("Thu hoạch nhãn lồng"));

        // A task by hand, late by two days: it comes first, said late.
        let r = farmer
            .submit(
                &base,
                &[
                    ("kind", "irrigation"),
                    ("title", "Tưới rãnh sau đợt nắng"),
                    ("due_on", &day(-2)),
                    ("note", "Mỗi gốc 40 lít"),
                ],
            )
            .await;
        assert_eq!(location(&r), format!("{page_path}?viec_moi=1#viec"));
        assert!(
            farmer
                .page(&format!("{page_path}?viec_moi=1"))
                .await
                .contains("Đã thêm việc.")
        );
        let page = farmer.page(&page_path).await;
        let tasks = &page[page.find("id=\"viec\"").unwrap()..];
        let late = tasks.find("Tưới rãnh sau đợt nắng").unwrap();
        let calendar_task = tasks
            .find("Bao chùm quả khi quả bằng đầu ngón tay")
            .unwrap();
        assert!(late < calendar_task, "late tasks first");
        assert!(page.contains("Quá hạn 2 ngày"), "{page}");

        // Refusals name the field.
        let (d0, d1, d3) = (day(0), day(1), day(3));
        for (fields, code) in [
            (
                vec![
                    ("kind", "irrigation"),
                    ("title", " "),
                    ("due_on", d0.as_str()),
                ],
                "ten",
            ),
            (
                vec![("kind", "weeding"), ("title", "x"), ("due_on", d0.as_str())],
                "loai",
            ),
            (
                vec![
                    ("kind", "irrigation"),
                    ("title", "x"),
                    ("due_on", "hôm nay"),
                ],
                "ngay",
            ),
            (
                vec![
                    ("kind", "irrigation"),
                    ("title", "x"),
                    ("due_on", d3.as_str()),
                    ("due_until", d1.as_str()),
                ],
                "khoang",
            ),
        ] {
            let r = farmer.submit(&base, &fields).await;
            assert_eq!(location(&r), format!("{page_path}?loi_viec={code}#viec"));
        }
        let refused = farmer.page(&format!("{page_path}?loi_viec=ten")).await;
        assert!(refused.contains("Hãy nhập tên việc"));
        assert_eq!(tasks_of(&app, &plot).await, 11);

        // Recording it: the diary form comes filled in with its kind, today and its words.
        let (task_id, status, _) = task_row(&app, "Tưới rãnh sau đợt nắng").await;
        assert_eq!(status, "open");
        let form = farmer.page(&format!("{page_path}?viec={task_id}")).await;
        assert!(
            form.contains(&format!("name=\"task_id\" value=\"{task_id}\"")),
            "{form}"
        );
        assert!(
            form.contains("<option value=\"irrigation\" selected"),
            "kind filled in"
        );
        assert!(
            form.contains("Tưới rãnh sau đợt nắng. Mỗi gốc 40 lít"),
            "note filled in"
        );
        let entries_before: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM cultivation_log_entries WHERE plot_id = $1")
                .bind(&plot)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
        let r = farmer
            .submit(
                &format!("{page_path}/ghi"),
                &[
                    ("kind", "irrigation"),
                    ("occurred_on", &day(0)),
                    ("note", "Tưới rãnh sau đợt nắng. Mỗi gốc 40 lít"),
                    ("task_id", &task_id),
                ],
            )
            .await;
        assert!(
            location(&r).starts_with(&format!("{page_path}?ok=1")),
            "{}",
            location(&r)
        );
        let (_, status, entry) = task_row(&app, "Tưới rãnh sau đợt nắng").await;
        assert_eq!(status, "done");
        let seq: i64 = sqlx::query_scalar("SELECT seq FROM cultivation_log_entries WHERE id = $1")
            .bind(entry.unwrap())
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(seq, entries_before + 1);
        let page = farmer.page(&page_path).await;
        assert!(page.contains(&format!("Đã ghi: mục #{seq}")));
        assert!(!page.contains("Quá hạn 2 ngày"), "a done task is not late");
        assert!(page.contains("✓ "), "the chain is intact");

        // Skip and reopen a calendar task; a done one can be neither.
        let (bagging, _, _) = task_row(&app, "Bao quả").await;
        let r = farmer
            .submit(&format!("{base}/{bagging}/bo-qua"), &[])
            .await;
        assert_eq!(location(&r), format!("{page_path}#viec"));
        assert_eq!(task_row(&app, "Bao quả").await.1, "skipped");
        farmer
            .submit(&format!("{base}/{bagging}/mo-lai"), &[])
            .await;
        assert_eq!(task_row(&app, "Bao quả").await.1, "open");
        let r = farmer
            .submit(&format!("{base}/{task_id}/bo-qua"), &[])
            .await;
        assert_eq!(location(&r), format!("{page_path}?loi_viec=xong#viec"));
        assert_eq!(task_row(&app, "Tưới rãnh sau đợt nắng").await.1, "done");

        // Another producer's plot, and this plot's task in the hands of another producer's member.
        let r = farmer
            .submit(&format!("/nong-trai/vuon/{other_plot}/viec/lich"), &[])
            .await;
        assert_eq!(r.status(), 403);
        let stranger = member_of(&app, "0988 810 002", "Anh Tư", "ho-vuon-nhan-bai-khoai").await;
        let r = stranger
            .submit(&format!("{base}/{bagging}/bo-qua"), &[])
            .await;
        assert_eq!(r.status(), 403);
        assert_eq!(task_row(&app, "Bao quả").await.1, "open");

        // The pre-harvest interval's end: a spraying today with seven days shows as a task.
        let r = farmer
            .submit(
                &format!("{page_path}/ghi"),
                &[
                    ("kind", "spraying"),
                    ("occurred_on", &day(0)),
                    ("input_name", "Daconil 500SC"),
                    ("active_ingredient", "Chlorothalonil"),
                    ("target", "Thán thư"),
                    ("phi_days", "7"),
                ],
            )
            .await;
        assert!(location(&r).contains("ok=1"), "{}", location(&r));
        let page = farmer.page(&page_path).await;
        let safe = today()
            .checked_add_days(Days::new(7))
            .unwrap()
            .format("%d/%m/%Y")
            .to_string();
        assert!(
            page.contains(&format!("Được thu hoạch từ {safe}")),
            "{page}"
        );

        // Reminders: the task due tomorrow is reminded of once, to the producer's people; a
        // task due later is not yet, a done one never.
        farmer
            .submit(
                &base,
                &[
                    ("kind", "fertilising"),
                    ("title", "Bón kali"),
                    ("due_on", &day(1)),
                ],
            )
            .await;
        farmer
            .submit(
                &base,
                &[
                    ("kind", "pruning"),
                    ("title", "Tỉa tán"),
                    ("due_on", &day(5)),
                ],
            )
            .await;
        // Reminders wait for the morning in Vietnam: none at 05:00, then at 08:00.
        let at = |hour: u32| {
            (today().and_hms_opt(hour, 0, 0).unwrap() - chrono::Duration::hours(7)).and_utc()
        };
        let night = app::care::storage::remind_due(&app.db, today(), at(5))
            .await
            .unwrap();
        assert_eq!(night, 0);
        let now = at(8);
        let first = app::care::storage::remind_due(&app.db, today(), now)
            .await
            .unwrap();
        let again = app::care::storage::remind_due(&app.db, today(), now)
            .await
            .unwrap();
        assert_eq!(again, 0, "each task once");
        let reminded: Vec<String> = sqlx::query_scalar(
        "SELECT title FROM care_tasks WHERE plot_id = $1 AND reminded_at IS NOT NULL ORDER BY title",
    )
    .bind(&plot)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
        assert!(reminded.contains(&"Bón kali".to_owned()), "{reminded:?}");
        assert!(!reminded.contains(&"Tỉa tán".to_owned()));
        assert!(
            !reminded.contains(&"Tưới rãnh sau đợt nắng".to_owned()),
            "done: not reminded"
        );
        assert!(first >= 1);
        let inbox = farmer.page("/thong-bao").await;
        assert!(
            inbox.contains("Việc đến hạn ở") && inbox.contains("Bón kali"),
            "{inbox}"
        );
    }
);

db_test!(tasks_through_the_farm_api_with_token_scopes, |engine| {
    let app = spawn_seeded_app(engine).await;
    let farmer = member_of(&app, "0988 810 011", "Chị Lan", LONGAN_COOP).await;
    let (plot, other_plot) = plots(&app).await;
    let reader = make_token(&farmer, "Điện thoại xem", "read").await;
    let writer = make_token(&farmer, "Ứng dụng ghi", "write").await;
    let path = format!("/api/v1/plots/{plot}/tasks");
    let body = json!({"kind": "fruit_bagging", "title": "Bao quả lô A", "due_on": day(3),
                      "due_until": day(10), "note": "Túi giấy chuyên dụng"});

    let (status, answer) = call(
        &app,
        reqwest::Method::POST,
        &path,
        Some(&reader),
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (403, Some("insufficient_scope"))
    );
    let (status, answer) = call(&app, reqwest::Method::POST, &path, None, Some(body.clone())).await;
    assert_eq!(status, 401, "{answer}");
    let (status, created) = call(
        &app,
        reqwest::Method::POST,
        &path,
        Some(&writer),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, answer) = call(
        &app,
        reqwest::Method::POST,
        &path,
        Some(&writer),
        Some(json!({"kind": "fruit_bagging", "title": "", "due_on": day(3)})),
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (422, Some("invalid_task"))
    );
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("tên việc"),
        "{answer}"
    );
    // Another producer's plot does not exist for this token.
    let (status, _) = call(
        &app,
        reqwest::Method::GET,
        &format!("/api/v1/plots/{other_plot}/tasks"),
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(status, 404);

    let (status, list) = call(&app, reqwest::Method::GET, &path, Some(&reader), None).await;
    assert_eq!(status, 200, "{list}");
    let task = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.as_str())
        .unwrap();
    assert_eq!(task["status"], "open");
    assert_eq!(task["source"], "manual");
    assert_eq!(task["due_until"], day(10).as_str());

    // The entry posted for it closes it.
    let (status, recorded) = call(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/plots/{plot}/entries"),
        Some(&writer),
        Some(
            json!({"kind": "fruit_bagging", "occurred_on": day(0), "note": "Bao xong lô A",
                    "task_id": id}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{recorded}");
    let (_, list) = call(&app, reqwest::Method::GET, &path, Some(&reader), None).await;
    let task = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id.as_str())
        .unwrap();
    assert_eq!(task["status"], "done");
    assert_eq!(task["entry_seq"], recorded["seq"]);

    // The API document has both.
    let doc: serde_json::Value = reqwest::get(format!("{}/api/openapi.json", app.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tasks = &doc["paths"]["/api/v1/plots/{plot_id}/tasks"];
    assert!(
        tasks["get"].is_object() && tasks["post"].is_object(),
        "{tasks}"
    );
});

/// The officer of the longan cooperative's commune, one of another commune, a member of the
/// cooperative and its plot; phones `{prefix}1` to `{prefix}3`.
struct Cast {
    officer: ocop_tests::browser::Browser,
    elsewhere: ocop_tests::browser::Browser,
    farmer: ocop_tests::browser::Browser,
    plot: String,
}

async fn cast(app: &TestApp, prefix: &str) -> Cast {
    Cast {
        officer: officer_of_commune(app, &format!("{prefix}1"), "tan-hung").await,
        elsewhere: officer_of_commune(app, &format!("{prefix}2"), "khoai-chau").await,
        farmer: member_of(app, &format!("{prefix}3"), "Chị Lan", LONGAN_COOP).await,
        plot: plots(app).await.0,
    }
}

db_test!(commune_officers_keep_their_own_care_calendar, |engine| {
    let app = spawn_seeded_app(engine).await;
    let Cast {
        officer,
        elsewhere,
        farmer,
        plot,
    } = cast(&app, "0988 810 02").await;
    let commune: String = sqlx::query_scalar("SELECT commune_id FROM plots WHERE id = $1")
        .bind(&plot)
        .fetch_one(app.db.pool())
        .await
        .unwrap();

    let page = officer
        .page(&format!("/can-bo/lich-cham-soc?xa={commune}&cay=nhan"))
        .await;
    assert!(page.contains("Xã đang dùng lịch mẫu"), "{page}");
    assert!(
        page.contains("value=\"Bao quả\""),
        "the shipped steps to edit"
    );
    assert!(
        officer
            .page("/can-bo")
            .await
            .contains("/can-bo/lich-cham-soc")
    );

    let own = [
        ("commune_id", commune.as_str()),
        ("crop", "nhan"),
        ("kind.0", "pruning"),
        ("title.0", "Tỉa cành theo lịch xã"),
        ("month.0", "8"),
        ("day.0", "20"),
        ("window.0", "15"),
        ("note.0", ""),
        ("kind.1", "harvest"),
        ("title.1", "Thu hoạch theo lịch xã"),
        ("month.1", "7"),
        ("day.1", "20"),
        ("window.1", "25"),
        ("kind.2", ""),
        ("title.2", ""),
    ];
    // An officer of another commune may not; a half-filled row is refused with its reason.
    let r = elsewhere.submit("/can-bo/lich-cham-soc", &own).await;
    assert_eq!(r.status(), 403);
    let mut half = own.to_vec();
    half[9] = ("title.1", " ");
    let r = officer.submit("/can-bo/lich-cham-soc", &half).await;
    assert_eq!(
        location(&r),
        format!("/can-bo/lich-cham-soc?xa={commune}&cay=nhan&loi=ten")
    );
    let r = officer.submit("/can-bo/lich-cham-soc", &own).await;
    assert_eq!(
        location(&r),
        format!("/can-bo/lich-cham-soc?xa={commune}&cay=nhan&ok=luu")
    );
    let page = officer.page(&location(&r)).await;
    assert!(page.contains("Xã đang dùng lịch riêng.") && page.contains("Đã lưu lịch chăm sóc."));

    // The commune's farmers plan from it.
    let plot_page = farmer.page(&format!("/nong-trai/vuon/{plot}")).await;
    assert!(
        plot_page.contains("Lập lịch cả năm (2 việc)"),
        "{plot_page}"
    );
    assert!(plot_page.contains("theo lịch của cán bộ xã"));
    let r = farmer
        .submit(&format!("/nong-trai/vuon/{plot}/viec/lich"), &[])
        .await;
    assert!(location(&r).contains("viec_them=2"));
    assert_eq!(task_row(&app, "Thu hoạch theo lịch xã").await.1, "open");

    // Back to the model calendar.
    let r = officer
        .submit(
            "/can-bo/lich-cham-soc/mau",
            &[("commune_id", &commune), ("crop", "nhan")],
        )
        .await;
    assert!(location(&r).ends_with("ok=mau"));
    assert!(
        farmer
            .page(&format!("/nong-trai/vuon/{plot}"))
            .await
            .contains("Lập lịch cả năm (10 việc)")
    );
});

type CsvRow = (String, String, String, i64, i64);

/// The forecast's CSV as the officer downloads it, and its rows.
async fn forecast_csv(b: &ocop_tests::browser::Browser) -> (String, Vec<CsvRow>) {
    let r = b.get("/can-bo/du-bao.csv").await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    let rows = body
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].into(),
                f[1].into(),
                f[2].into(),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
            )
        })
        .collect();
    (body, rows)
}

db_test!(officers_see_the_harvest_coming_week_by_week, |engine| {
    let app = spawn_seeded_app(engine).await;
    let Cast {
        officer,
        elsewhere,
        farmer,
        plot,
    } = cast(&app, "0988 810 03").await;
    let area: i64 = sqlx::query_scalar("SELECT area_m2 FROM plots WHERE id = $1")
        .bind(&plot)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    // The demo's last longan season is harvested: nothing is coming yet.
    let page = officer.page("/can-bo/du-bao").await;
    assert!(page.contains("Dự báo sản lượng thu hoạch"), "{page}");
    assert!(page.contains("0 vườn có dự báo"), "{page}");
    assert!(officer.page("/can-bo").await.contains("/can-bo/du-bao"));

    // The farmer girdles the orchard today: the harvest is expected 210–250 days on.
    let r = farmer
        .submit(
            &format!("/nong-trai/vuon/{plot}/ghi"),
            &[
                ("kind", "flower_induction"),
                ("occurred_on", &day(0)),
                ("note", "Khoanh cành"),
            ],
        )
        .await;
    assert!(location(&r).contains("ok=1"));
    let (body, rows) = forecast_csv(&officer).await;
    assert!(
        body.starts_with("\u{feff}commune,crop,week_start,expected_kg,plots\r\n"),
        "{body}"
    );
    assert!(!rows.is_empty(), "{body}");
    assert!(
        rows.iter()
            .all(|r| r.0 == "Tân Hưng" && r.1 == "nhan" && r.4 == 1),
        "{body}"
    );
    let total: i64 = rows.iter().map(|r| r.3).sum();
    let expected = area * 12 / 10;
    assert!(
        (total - expected).abs() <= rows.len() as i64,
        "{total} of {expected}"
    );
    let first_week = rows.iter().map(|r| r.2.clone()).min().unwrap();
    let earliest = today()
        .checked_add_days(Days::new(210 - 7))
        .unwrap()
        .to_string();
    assert!(first_week >= earliest, "{first_week} before {earliest}");
    let page = officer.page("/can-bo/du-bao").await;
    assert!(
        page.contains("1 vườn có dự báo") && page.contains("Nhãn"),
        "{page}"
    );

    // A harvest window the farmer plans comes first: the whole crop falls in its two weeks.
    let monday = app::forecast::rules::week_of(today().checked_add_days(Days::new(224)).unwrap());
    let sunday = monday.checked_add_days(Days::new(13)).unwrap();
    farmer
        .submit(
            &format!("/nong-trai/vuon/{plot}/viec"),
            &[
                ("kind", "harvest"),
                ("title", "Thu hoạch nhãn lồng"),
                ("due_on", &monday.to_string()),
                ("due_until", &sunday.to_string()),
            ],
        )
        .await;
    let (body, rows) = forecast_csv(&officer).await;
    let weeks: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(
        weeks,
        [
            monday.to_string(),
            monday.checked_add_days(Days::new(7)).unwrap().to_string()
        ],
        "{body}"
    );
    assert_eq!(rows[0].3, (expected as f64 / 2.0).round() as i64);

    // Another commune's officer sees none of it; a farmer may not look.
    let (_, rows) = forecast_csv(&elsewhere).await;
    assert!(rows.iter().all(|r| r.0 != "Tân Hưng"));
    assert_eq!(farmer.get("/can-bo/du-bao.csv").await.status(), 403);
    assert_eq!(farmer.get("/can-bo/du-bao").await.status(), 403);
});
