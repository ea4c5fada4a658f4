//! The plant-protection register on the diary's write path (#24): a spraying with a banned
//! active ingredient is refused, by the form and by the API, naming the ingredient and the
//! document, and nothing is written; an ingredient not registered for the plot's crop is
//! recorded with a warning the commune officer sees; a blank pre-harvest interval is filled in
//! from the register and the harvest gate holds to it.

use std::sync::Arc;

use app::diary::register::Register;
use ocop_tests::{
    Engine, TestApp, browser::Browser, db_test, spawn_app_configured, spawn_seeded_app,
};
use reqwest::Method;
use serde_json::{Value, json};

use super::{
    accounts::{member_of, officer_of_commune},
    traceability::{days_ago, entries, farmer, plot_with_lot, record},
};

const PRODUCER: &str = "htx-nhan-long-song-hong-xanh";

/// The shipped register with permitted-list rows for longan that exist only in these tests (the
/// shipped rows give no pre-harvest interval): Abamectin against two targets, with intervals of
/// 7 and 14 days on their labels, and Mancozeb with no interval given.
fn test_register() -> Arc<Register> {
    let rows = "ingredient,crop,target,phi_days,source,evidence\n\
        Abamectin,nhãn,nhện lông nhung,7,Test fixture (not a registration),tests\n\
        Abamectin,nhãn,sâu đục gân lá,14,Test fixture (not a registration),tests\n\
        Mancozeb,nhãn,sương mai,,Test fixture (not a registration),tests\n";
    Arc::new(
        Register::embedded()
            .unwrap()
            .with_permitted("test rows", rows)
            .unwrap(),
    )
}

/// The demo province on a server whose register has [`test_register`]'s rows.
async fn app_with_test_rows(engine: Engine) -> TestApp {
    let app = spawn_app_configured(engine, |s| s.plant_register = test_register()).await;
    app.seed().await;
    app
}

async fn post_entry(b: &Browser, plot: &str, body: Value) -> (u16, Value) {
    let r = b
        .json(
            Method::POST,
            &format!("/api/v1/plots/{plot}/entries"),
            Some(&body),
        )
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.expect("a JSON answer"))
}

/// (phi_days, phi_source, register_status, register_unlisted) of an entry.
async fn stored(app: &TestApp, plot: &str, seq: i64) -> (i64, String, String, Option<String>) {
    sqlx::query_as(
        "SELECT phi_days, phi_source, register_status, register_unlisted
           FROM cultivation_log_entries WHERE plot_id = $1 AND seq = $2",
    )
    .bind(plot)
    .bind(seq)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

db_test!(
    a_banned_spraying_is_refused_with_its_reason_by_form_and_api,
    |engine| {
        let app = spawn_seeded_app(engine).await;
        let b = farmer(&app, "0987 710 001", PRODUCER).await;
        let (plot, _) = plot_with_lot(&app, &b, PRODUCER).await;
        let on = days_ago(3);
        let spraying = |product: &'static str, active: &'static str| {
            vec![
                ("kind", "spraying"),
                ("occurred_on", on.as_str()),
                ("input_name", product),
                ("active_ingredient", active),
                ("phi_days", "7"),
            ]
        };

        // Taken off the permitted list by a decision: refused, naming it and the decision.
        let refused = record(&b, &plot, &spraying("Gramoxone 20SL", "Paraquat 276g/l")).await;
        assert!(
            refused.starts_with(&format!(
                "/nong-trai/vuon/{plot}?loi=banned&hoat_chat=Paraquat&"
            )),
            "{refused}"
        );
        let shown = b.page(&refused).await;
        assert!(
            shown.contains("hoạt chất Paraquat không còn được phép sử dụng tại Việt Nam")
                && shown.contains("QĐ 278/QĐ-BNN-BVTV ngày 08/02/2017"),
            "the refusal names the ingredient and the decision"
        );
        // The form still holds what was typed.
        assert!(shown.contains(r#"value="Paraquat 276g/l""#));
        b.set_cookie("lang", "en");
        assert!(
            b.page(&refused)
                .await
                .contains("the active ingredient Paraquat is no longer allowed in Viet Nam")
        );
        b.set_cookie("lang", "vi");

        // One banned ingredient in a mixture is enough; the appendix's own wording.
        let mixed = record(
            &b,
            &plot,
            &spraying("Hỗn hợp", "Abamectin 1.8% + Fipronil 5%"),
        )
        .await;
        assert!(mixed.contains("loi=banned&hoat_chat=Fipronil&"), "{mixed}");
        let appendix = record(&b, &plot, &spraying("Dipterex 90SP", "trichlorfon 90 SP")).await;
        assert!(
            appendix.contains("hoat_chat=Trichlorfon+%28Chlorophos%29"),
            "{appendix}"
        );
        let shown = b.page(&appendix).await;
        assert!(
            shown.contains("hoạt chất Trichlorfon (Chlorophos) bị cấm sử dụng tại Việt Nam")
                && shown.contains("Phụ lục II"),
            "the appendix is cited"
        );
        // A refusal URL naming an ingredient the register does not ban is no refusal.
        let made_up = b
            .page(&format!(
                "/nong-trai/vuon/{plot}?loi=banned&hoat_chat=Abamectin"
            ))
            .await;
        assert!(made_up.contains("Thông tin chưa đúng") && !made_up.contains("bị cấm sử dụng"));
        assert_eq!(
            entries(&app, &plot).await,
            0,
            "no refused spraying is written"
        );

        // The API refuses the same way, with the error shape of every API refusal.
        let (status, body) = post_entry(
            &b,
            &plot,
            json!({
                "kind": "spraying",
                "occurred_on": on,
                "input_name": "Roundup 480SL",
                "active_ingredient": "Glyphosate IPA salt 480 g/l",
                "phi_days": 7,
            }),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], "banned_ingredient");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("Glyphosate") && message.contains("1186/QĐ-BNN-BVTV"),
            "{message}"
        );
        assert_eq!(entries(&app, &plot).await, 0);

        // Who may write: the plot's producer's people only.
        let allowed = json!({
            "kind": "spraying",
            "occurred_on": on,
            "input_name": "Vertimec 1.8EC",
            "active_ingredient": "Abamectin 1.8EC",
            "phi_days": 7,
        });
        let (status, body) = post_entry(&Browser::new(&app.address), &plot, allowed.clone()).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (401, &json!("unauthorized"))
        );
        let other = member_of(&app, "0987 710 002", "Chị Lan", "ho-vuon-nhan-bai-khoai").await;
        let (status, body) = post_entry(&other, &plot, allowed.clone()).await;
        assert_eq!((status, &body["error"]["code"]), (403, &json!("forbidden")));
        let (status, _) = post_entry(&b, "no-such-plot", allowed.clone()).await;
        assert_eq!(status, 404);
        assert_eq!(entries(&app, &plot).await, 0);

        // An allowed ingredient is written; the shipped register has Abamectin on longan
        // (nhện lông nhung, TT 75/2025/TT-BNNMT Phụ lục I).
        let (status, body) = post_entry(&b, &plot, allowed).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["seq"], 1);
        assert_eq!(body["phi_days"], 7);
        assert_eq!(body["phi_source"], "label");
        assert_eq!(body["register"]["status"], "registered");
        assert_eq!(body["register"]["crop"], "nhãn lồng");
        assert_eq!(entries(&app, &plot).await, 1);
    }
);

db_test!(
    an_unregistered_ingredient_is_recorded_with_a_warning_the_officer_sees,
    |engine| {
        let app = app_with_test_rows(engine).await;
        let b = farmer(&app, "0987 720 001", PRODUCER).await;
        let (plot, lot) = plot_with_lot(&app, &b, PRODUCER).await;

        // Not among longan's entries: recorded, and the confirmation says so.
        let to = record(
            &b,
            &plot,
            &[
                ("kind", "spraying"),
                ("occurred_on", &days_ago(30)),
                ("input_name", "Anvil 5SC"),
                ("active_ingredient", "Hexaconazole 5%"),
                ("target", "Thán thư"),
                ("phi_days", "7"),
            ],
        )
        .await;
        assert_eq!(
            to,
            format!("/nong-trai/vuon/{plot}?ok=1&ghi=1&chua_dang_ky=1#e1")
        );
        assert_eq!(
            stored(&app, &plot, 1).await,
            (
                7,
                "label".to_owned(),
                "unregistered".to_owned(),
                Some("Hexaconazole".to_owned())
            )
        );
        let confirmation = b.page(&to).await;
        assert!(
            confirmation.contains("Lưu ý: có hoạt chất chưa có trong danh mục thuốc được phép sử dụng cho cây trồng của vườn (ghi chép #1)"),
            "the farmer's confirmation warns"
        );
        let warning = "Cảnh báo: Hexaconazole không có trong các đăng ký cho cây nhãn lồng";
        assert!(
            confirmation.contains(warning),
            "the farmer's diary shows it"
        );

        // A registered one is recorded without a warning.
        let registered = record(
            &b,
            &plot,
            &[
                ("kind", "spraying"),
                ("occurred_on", &days_ago(28)),
                ("input_name", "Vertimec 1.8EC"),
                ("active_ingredient", "ABAMECTIN 1.8 EC"),
                ("phi_days", "7"),
            ],
        )
        .await;
        assert_eq!(registered, format!("/nong-trai/vuon/{plot}?ok=1#e2"));
        assert_eq!(stored(&app, &plot, 2).await.2, "registered");

        // The harvest publishes the lot; its commune's officer sees the warning there.
        record(
            &b,
            &plot,
            &[
                ("kind", "harvest"),
                ("occurred_on", &days_ago(10)),
                ("lot_id", &lot),
                ("quantity_kg", "500"),
            ],
        )
        .await;
        let officer = officer_of_commune(&app, "0987 720 002", "tan-hung").await;
        let officers_page = officer.page(&format!("/lo/{lot}")).await;
        assert!(
            officers_page.contains(warning),
            "the officer sees the warning"
        );
        assert!(
            officers_page
                .contains("Hoạt chất có trong danh mục thuốc được phép sử dụng cho cây nhãn lồng")
        );
        // A buyer sees the spraying, not the register's notes; nor do partner apps.
        let public = app.page(&format!("/lo/{lot}")).await;
        assert!(public.contains("Hexaconazole 5%") && !public.contains("Cảnh báo: Hexaconazole"));
        let api: Value = app
            .get(&format!("/api/v1/lots/{lot}"))
            .await
            .json()
            .await
            .unwrap();
        let sprayings: Vec<&Value> = api["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "spraying")
            .collect();
        assert_eq!(sprayings.len(), 2);
        assert!(sprayings.iter().all(|e| e["register"].is_null()));
        assert!(sprayings.iter().all(|e| e["phi_source"] == "label"));

        // The API records one too, and says so.
        let (status, body) = post_entry(
            &b,
            &plot,
            json!({
                "kind": "spraying",
                "occurred_on": days_ago(5),
                "input_name": "Hỗn hợp",
                "active_ingredient": "Abamectin 1.8% + Hexaconazole 5%",
                "phi_days": 10,
            }),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["register"]["status"], "unregistered");
        assert_eq!(body["register"]["unregistered"], json!(["Hexaconazole"]));
        assert_eq!(entries(&app, &plot).await, 4);
    }
);

db_test!(
    a_blank_interval_is_filled_from_the_register_and_the_harvest_waits_for_it,
    |engine| {
        let app = app_with_test_rows(engine).await;
        let b = farmer(&app, "0987 730 001", PRODUCER).await;
        let (plot, lot) = plot_with_lot(&app, &b, PRODUCER).await;
        let spraying = |active: &'static str| {
            vec![
                ("kind", "spraying".to_owned()),
                ("occurred_on", days_ago(20)),
                ("input_name", "Thuốc thử".to_owned()),
                ("active_ingredient", active.to_owned()),
            ]
        };
        let submit = async |f: Vec<(&'static str, String)>| {
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            record(&b, &plot, &refs).await
        };

        // No interval for one of the mixture's ingredients, or not registered: still refused.
        for active in ["Abamectin + Mancozeb", "Hexaconazole 5%"] {
            let refused = submit(spraying(active)).await;
            assert!(refused.contains("loi=spraying"), "{active}: {refused}");
        }
        assert_eq!(entries(&app, &plot).await, 0);

        // Abamectin on longan: the longest interval of its entries, 14 days, marked as such.
        let to = submit(spraying("Abamectin 1.8EC")).await;
        assert_eq!(
            to,
            format!("/nong-trai/vuon/{plot}?ok=1&ghi=1&cach_ly=14#e1")
        );
        assert_eq!(
            stored(&app, &plot, 1).await,
            (14, "register".to_owned(), "registered".to_owned(), None)
        );
        let page = b.page(&to).await;
        assert!(page.contains(
            "Thời gian cách ly để trống nên được điền theo danh mục đăng ký: 14 ngày (ghi chép #1)."
        ));
        assert!(page.contains("Thời gian cách ly 14 ngày"));
        assert!(page.contains(r#"class="from-register">theo danh mục đăng ký<"#));
        // The filled-in interval is the entry's own value: the chain checks out.
        assert!(
            page.contains("Nguyên vẹn: 1 ghi chép"),
            "the chain is intact"
        );

        // Sprayed 20 days ago with 14 days: 7 days ago is too early, 6 days ago is the day.
        let harvest = |days: u64| {
            vec![
                ("kind", "harvest".to_owned()),
                ("occurred_on", days_ago(days)),
                ("lot_id", lot.clone()),
                ("quantity_kg", "600".to_owned()),
            ]
        };
        let refused = submit(harvest(7)).await;
        assert!(refused.contains("loi=phi"), "{refused}");
        assert!(
            refused.contains(&format!("an_toan={}", days_ago(6))),
            "{refused}"
        );
        assert_eq!(entries(&app, &plot).await, 1);
        let harvested = submit(harvest(6)).await;
        assert_eq!(harvested, format!("/nong-trai/vuon/{plot}?ok=1#e2"));

        // The API fills a left-out interval the same way.
        let (status, body) = post_entry(
            &b,
            &plot,
            json!({
                "kind": "spraying",
                "occurred_on": days_ago(2),
                "input_name": "Vertimec 1.8EC",
                "active_ingredient": "abamectin 18 g/l",
            }),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["phi_days"], 14);
        assert_eq!(body["phi_source"], "register");
        assert_eq!(body["register"]["status"], "registered");
        let (status, body) = post_entry(
            &b,
            &plot,
            json!({
                "kind": "spraying",
                "occurred_on": days_ago(2),
                "input_name": "Anvil 5SC",
                "active_ingredient": "Hexaconazole",
            }),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["code"], "invalid_entry");
        assert_eq!(entries(&app, &plot).await, 3);
    }
);
