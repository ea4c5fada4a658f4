//! Carriers (GHN, GHTK) against in-test fakes of their HTTP APIs: quotes, waybills, labels,
//! their refusals (bad token, address not served), a carrier that is slow (> 2 s) or down, and
//! callbacks verified by the shared secret each carrier's callback URL carries.

use std::time::{Duration, Instant};

use app::seller::carriers_storage::{self as storage, CarrierAccount, new_callback_secret};
use ocop_tests::{
    TestApp,
    browser::{Browser, location},
    db_test, delivery_address,
    ghn_fake::{self, Behaviour, GhnFake},
    ghtk_fake::{self, GhtkFake, nobody_listening},
    spawn_app_configured,
};
use server::shipping::{
    CallbackError, Carrier, CarrierError, CarrierSettings, Carriers, EventKind, Item, Label,
    Parcel, Place, WaybillRequest,
    ghn::{Ghn, GhnAccount, GhnDirectory},
    ghtk::{Ghtk, GhtkAccount},
    http_client,
};

fn place(province: &str, commune: &str, street: &str) -> Place {
    Place {
        province: province.into(),
        commune: commune.into(),
        street: street.into(),
    }
}

/// From a farm in Hưng Yên to a ward of Hồ Chí Minh City, written as the national list
/// writes them.
fn parcel(grams: i64, cod: i64) -> Parcel {
    Parcel {
        from: place("Tỉnh Hưng Yên", "Phường Phố Hiến", "12 Nguyễn Văn Linh"),
        to: place("Thành phố Hồ Chí Minh", "Phường Sài Gòn", "5 Lê Lợi"),
        weight_grams: grams,
        cod_amount: cod,
        declared_value: 300_000,
    }
}

fn waybill(order_no: &str, to: Place) -> WaybillRequest {
    WaybillRequest {
        order_no: order_no.into(),
        sender_name: "HTX Nhãn lồng Phố Hiến".into(),
        sender_phone: "0221386000".into(),
        recipient_name: "Nguyễn Thị Lan".into(),
        recipient_phone: "0912345678".into(),
        parcel: Parcel {
            to,
            ..parcel(1_200, 350_000)
        },
        items: vec![Item {
            name: "Nhãn lồng Hưng Yên 1 kg".into(),
            quantity: 1,
            weight_grams: 1_200,
        }],
    }
}

fn ghn(base: &str, token: &str) -> Ghn {
    Ghn::new(
        http_client(),
        base,
        GhnAccount {
            token: token.into(),
            shop_id: ghn_fake::SHOP_ID,
        },
        GhnDirectory::default(),
    )
}

fn ghtk(base: &str, token: &str) -> Ghtk {
    Ghtk::new(
        http_client(),
        base,
        GhtkAccount {
            token: token.into(),
        },
    )
}

#[tokio::test]
async fn ghn_quotes_creates_and_prints() {
    let fake = GhnFake::start().await;
    let carrier = ghn(&fake.base_url, ghn_fake::TOKEN);
    // 1,200 g: the first 500 g and two further.
    assert_eq!(carrier.quote(&parcel(1_200, 0)).await, Ok(32_000));
    // The province's wards are looked up once per process.
    let calls = fake.calls();
    assert_eq!(carrier.quote(&parcel(400, 0)).await, Ok(22_000));
    assert_eq!(fake.calls(), calls + 1, "master data is cached");

    let to = place("Hồ Chí Minh", "Phường Bến Nghé", "5 Lê Lợi");
    let made = carrier
        .create_waybill(&waybill("DH-1001", to))
        .await
        .unwrap();
    assert_eq!(made.tracking_no, "GHN00001");
    assert_eq!(made.fee, 32_000);
    let body = &fake.created()[0];
    assert_eq!(body["to_ward_code"], "20109", "found by its former name");
    assert_eq!(body["to_district_id"], 1442);
    assert_eq!(body["cod_amount"], 350_000);
    assert_eq!(body["weight"], 1_200);
    assert_eq!(body["client_order_code"], "DH-1001");
    assert_eq!(body["items"][0]["quantity"], 1);

    match carrier.label("GHN00001").await.unwrap() {
        Label::Url(url) => assert_eq!(
            url,
            format!(
                "{}/a5/public-api/printA5?token=print-GHN00001",
                fake.base_url
            )
        ),
        other => panic!("GHN prints through its page, not {other:?}"),
    }
}

#[tokio::test]
async fn ghn_refusals_are_typed() {
    let fake = GhnFake::start().await;
    assert_eq!(
        ghn(&fake.base_url, "wrong").quote(&parcel(500, 0)).await,
        Err(CarrierError::BadCredentials)
    );
    let carrier = ghn(&fake.base_url, ghn_fake::TOKEN);
    // A ward GHN does not know.
    let mut far = parcel(500, 0);
    far.to = place("Hồ Chí Minh", "Phường Không Có", "1 Đường A");
    assert!(matches!(
        carrier.quote(&far).await,
        Err(CarrierError::NotServed(_))
    ));
    // A province GHN does not list.
    far.to = place("Lai Châu", "Phường Tân Phong", "1 Đường A");
    assert!(matches!(
        carrier.quote(&far).await,
        Err(CarrierError::NotServed(_))
    ));
    // GHN's own refusal of the order (a bad phone number), in its message.
    let mut bad = waybill(
        "DH-1002",
        place("Hồ Chí Minh", "Phường Sài Gòn", "5 Lê Lợi"),
    );
    bad.recipient_phone = "0912".into();
    assert_eq!(
        carrier.create_waybill(&bad).await,
        Err(CarrierError::Refused(
            "Số điện thoại người nhận không hợp lệ".into()
        ))
    );
    fake.set(Behaviour::Failing);
    assert!(matches!(
        ghn(&fake.base_url, ghn_fake::TOKEN)
            .quote(&parcel(500, 0))
            .await,
        Err(CarrierError::Unavailable(_))
    ));
}

#[tokio::test]
async fn ghtk_quotes_creates_and_prints() {
    let fake = GhtkFake::start().await;
    let carrier = ghtk(&fake.base_url, ghtk_fake::TOKEN);
    assert_eq!(carrier.quote(&parcel(1_200, 0)).await, Ok(32_500));
    let to = place("Thành phố Hồ Chí Minh", "Phường Sài Gòn", "5 Lê Lợi");
    let made = carrier
        .create_waybill(&waybill("DH-2001", to.clone()))
        .await
        .unwrap();
    assert_eq!(made.tracking_no, "S1.A1.17373471");
    assert_eq!(made.fee, 32_500, "GHTK's string amount is read");
    let order = &fake.created()[0]["order"];
    assert_eq!(order["id"], "DH-2001");
    assert_eq!(order["pick_money"], 350_000);
    assert_eq!(order["ward"], "Phường Sài Gòn");
    assert_eq!(order["province"], "Thành phố Hồ Chí Minh");
    assert_eq!(fake.created()[0]["products"][0]["weight"], 1.2);

    match carrier.label("S1.A1.17373471").await.unwrap() {
        Label::Pdf(pdf) => assert!(pdf.starts_with(b"%PDF")),
        other => panic!("GHTK answers the PDF, not {other:?}"),
    }
    assert_eq!(
        carrier.label("S1.A1.1").await,
        Err(CarrierError::Refused("Không tìm thấy đơn hàng".into()))
    );
    // The same order again: GHTK refuses the duplicate id.
    assert!(matches!(
        carrier.create_waybill(&waybill("DH-2001", to)).await,
        Err(CarrierError::Refused(m)) if m.contains("tồn tại")
    ));
}

#[tokio::test]
async fn ghtk_refusals_are_typed() {
    let fake = GhtkFake::start().await;
    assert_eq!(
        ghtk(&fake.base_url, "wrong").quote(&parcel(500, 0)).await,
        Err(CarrierError::BadCredentials)
    );
    let carrier = ghtk(&fake.base_url, ghtk_fake::TOKEN);
    let mut far = parcel(500, 0);
    far.to = place(ghtk_fake::NOT_SERVED, "Phường Tân Phong", "1 Đường A");
    assert!(matches!(
        carrier.quote(&far).await,
        Err(CarrierError::NotServed(_))
    ));
    assert!(matches!(
        carrier
            .create_waybill(&waybill("DH-2002", far.to.clone()))
            .await,
        Err(CarrierError::NotServed(_))
    ));
    fake.set(Behaviour::Failing);
    assert!(matches!(
        carrier.quote(&parcel(500, 0)).await,
        Err(CarrierError::Unavailable(_))
    ));
}

#[tokio::test]
async fn a_slow_carrier_is_given_up_after_two_seconds() {
    let (ghn_fake, ghtk_fake) = (GhnFake::start().await, GhtkFake::start().await);
    ghn_fake.set(Behaviour::Slow);
    ghtk_fake.set(Behaviour::Slow);
    let started = Instant::now();
    let answer = ghn(&ghn_fake.base_url, ghn_fake::TOKEN)
        .quote(&parcel(500, 0))
        .await;
    assert!(
        matches!(answer, Err(CarrierError::Unavailable(_))),
        "{answer:?}"
    );
    let started_ghtk = Instant::now();
    let answer = ghtk(&ghtk_fake.base_url, ghtk_fake::TOKEN)
        .create_waybill(&waybill("DH-3001", parcel(500, 0).to))
        .await;
    assert!(
        matches!(answer, Err(CarrierError::Unavailable(_))),
        "{answer:?}"
    );
    let (first, second) = (started_ghtk - started, started_ghtk.elapsed());
    for took in [first, second] {
        assert!(
            took >= Duration::from_millis(1_900) && took < Duration::from_millis(2_900),
            "gave up after {took:?}"
        );
    }
}

#[tokio::test]
async fn a_carrier_that_is_down_is_unavailable() {
    let base = nobody_listening().await;
    assert!(matches!(
        ghn(&base, ghn_fake::TOKEN).quote(&parcel(500, 0)).await,
        Err(CarrierError::Unavailable(_))
    ));
    assert!(matches!(
        ghtk(&base, ghtk_fake::TOKEN).label("S1.A1.1").await,
        Err(CarrierError::Unavailable(_))
    ));
}

#[tokio::test]
async fn callbacks_are_verified_and_typed() {
    let secret = "cb-secret-0123456789";
    let g = ghn("http://127.0.0.1:9", ghn_fake::TOKEN);
    let body = GhnFake::callback("GHN00001", "delivered", "2026-12-02T03:52:50.158Z");
    let event = g
        .parse_callback(secret, Some(secret), body.as_bytes())
        .unwrap();
    assert_eq!(event.tracking_no, "GHN00001");
    assert_eq!(event.kind, EventKind::Delivered);
    assert_eq!(event.status_text, "delivered");
    assert_eq!(event.at.to_rfc3339(), "2026-12-02T03:52:50.158+00:00");
    for presented in [None, Some(""), Some("cb-secret-012345678"), Some("nope")] {
        assert_eq!(
            g.parse_callback(secret, presented, body.as_bytes()),
            Err(CallbackError::Unverified)
        );
    }
    assert!(matches!(
        g.parse_callback(secret, Some(secret), b"{\"OrderCode\": 1}"),
        Err(CallbackError::Malformed(_))
    ));
    for (status, kind) in [
        ("picked", EventKind::Shipped),
        ("delivering", EventKind::Shipped),
        ("returned", EventKind::Returned),
        ("cancel", EventKind::Cancelled),
        ("ready_to_pick", EventKind::Noted),
    ] {
        let body = GhnFake::callback("GHN00001", status, "2026-12-02T03:52:50Z");
        let event = g
            .parse_callback(secret, Some(secret), body.as_bytes())
            .unwrap();
        assert_eq!(event.kind, kind, "{status}");
    }

    let t = ghtk("http://127.0.0.1:9", ghtk_fake::TOKEN);
    let body = GhtkFake::callback("S1.A1.17373471", 5, "2026-12-02T10:18:39+07:00");
    let event = t
        .parse_callback(secret, Some(secret), body.as_bytes())
        .unwrap();
    assert_eq!(event.tracking_no, "S1.A1.17373471");
    assert_eq!(event.kind, EventKind::Delivered);
    assert_eq!(event.status_text, "5 · Đã giao hàng/Chưa đối soát");
    assert_eq!(event.at.to_rfc3339(), "2026-12-02T03:18:39+00:00");
    assert_eq!(
        t.parse_callback(secret, Some("wrong"), body.as_bytes()),
        Err(CallbackError::Unverified)
    );
    for (status, kind) in [
        (3, EventKind::Shipped),
        (21, EventKind::Returned),
        (-1, EventKind::Cancelled),
        (2, EventKind::Noted),
    ] {
        let body = GhtkFake::callback("S1.A1.17373471", status, "2026-12-02T10:18:39+07:00");
        let event = t
            .parse_callback(secret, Some(secret), body.as_bytes())
            .unwrap();
        assert_eq!(event.kind, kind, "{status}");
    }
}

db_test!(a_producer_keeps_its_carrier_accounts, |engine| {
    let app = ocop_tests::spawn_seeded_app(engine).await;
    let (producer_id,): (String,) = sqlx::query_as("SELECT id FROM producers ORDER BY id LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (province, commune) = delivery_address(&app.db).await;
    let secret = new_callback_secret();
    let mut account = CarrierAccount {
        producer_id: producer_id.clone(),
        carrier: "ghn".into(),
        token: ghn_fake::TOKEN.into(),
        shop_id: Some(ghn_fake::SHOP_ID),
        pick_name: "HTX Nhãn lồng Phố Hiến".into(),
        pick_phone: "0221386000".into(),
        pick_province_code: province,
        pick_commune_code: commune,
        pick_street: "12 Nguyễn Văn Linh".into(),
        enabled: false,
        callback_secret: secret.clone(),
    };
    storage::save(&app.db, &account, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        storage::enabled(&app.db, &producer_id, "ghn")
            .await
            .unwrap(),
        None,
        "saved but not enabled"
    );
    account.enabled = true;
    account.token = "ghn-token-new".into();
    // Saving again keeps the secret the carrier's callback URL carries.
    account.callback_secret = new_callback_secret();
    storage::save(&app.db, &account, chrono::Utc::now())
        .await
        .unwrap();
    let (stored, place) = storage::enabled(&app.db, &producer_id, "ghn")
        .await
        .unwrap()
        .expect("enabled now");
    assert_eq!(stored.token, "ghn-token-new");
    assert_eq!(stored.callback_secret, secret);
    assert_eq!(place.province, "Hưng Yên");
    assert_eq!(place.commune, "Phố Hiến");
    assert!(
        !format!("{stored:?}").contains("ghn-token-new"),
        "never logged whole"
    );

    // GHN without its shop id, or an unknown carrier, is refused by the database.
    let mut bad = account.clone();
    bad.carrier = "ghtk".into();
    bad.shop_id = None;
    bad.callback_secret = new_callback_secret();
    storage::save(&app.db, &bad, chrono::Utc::now())
        .await
        .unwrap();
    for (carrier, shop_id) in [("ghn", None), ("vnpost", None)] {
        let mut refused = account.clone();
        refused.producer_id = producer_id.clone();
        refused.carrier = carrier.into();
        refused.shop_id = shop_id;
        refused.callback_secret = new_callback_secret();
        if carrier == "ghn" {
            sqlx::query("DELETE FROM producer_carriers WHERE carrier = 'ghn'")
                .execute(app.db.pool())
                .await
                .unwrap();
        }
        assert!(
            storage::save(&app.db, &refused, chrono::Utc::now())
                .await
                .is_err(),
            "{carrier} refused"
        );
    }
    let all = storage::for_producer(&app.db, &producer_id).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].0.carrier, "ghtk");
});

#[tokio::test]
async fn a_stored_account_calls_its_carrier() {
    let (ghn_fake, ghtk_fake) = (GhnFake::start().await, GhtkFake::start().await);
    let carriers = Carriers::new(&CarrierSettings::with_bases(
        Some(ghn_fake.base_url.clone()),
        Some(ghtk_fake.base_url.clone()),
    ));
    let mut account = CarrierAccount {
        producer_id: "p".into(),
        carrier: "ghn".into(),
        token: ghn_fake::TOKEN.into(),
        shop_id: Some(ghn_fake::SHOP_ID),
        pick_name: "HTX".into(),
        pick_phone: "0221386000".into(),
        pick_province_code: "33".into(),
        pick_commune_code: "12345".into(),
        pick_street: "12 Nguyễn Văn Linh".into(),
        enabled: true,
        callback_secret: new_callback_secret(),
    };
    let ghn = carriers.for_account(&account).expect("a GHN account");
    assert_eq!(ghn.name(), "ghn");
    assert_eq!(ghn.quote(&parcel(500, 0)).await, Ok(22_000));
    account.shop_id = None;
    assert!(
        carriers.for_account(&account).is_none(),
        "GHN needs its shop id"
    );
    account.carrier = "ghtk".into();
    account.token = ghtk_fake::TOKEN.into();
    let ghtk = carriers.for_account(&account).expect("a GHTK account");
    assert_eq!(ghtk.quote(&parcel(500, 0)).await, Ok(30_000));
    account.carrier = "vnpost".into();
    assert!(carriers.for_account(&account).is_none());
}

/// A seeded server whose carriers are the fakes.
async fn app_with_fakes(engine: ocop_tests::Engine, ghn: &GhnFake, ghtk: &GhtkFake) -> TestApp {
    let (ghn, ghtk) = (ghn.base_url.clone(), ghtk.base_url.clone());
    let app = spawn_app_configured(engine, move |s| {
        s.carriers = CarrierSettings::with_bases(Some(ghn), Some(ghtk));
    })
    .await;
    app.seed().await;
    app
}

async fn submit(b: &Browser, f: Vec<(&'static str, String)>) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.submit("/ban-hang/van-chuyen", &pairs).await
}

db_test!(an_owner_sets_up_its_carrier_on_the_page, |engine| {
    let (ghn, ghtk) = (GhnFake::start().await, GhtkFake::start().await);
    let app = app_with_fakes(engine, &ghn, &ghtk).await;
    let slug = "htx-nhan-long-song-hong-xanh";
    let producer_id: String = sqlx::query_scalar("SELECT id FROM producers WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let owner = crate::accounts::member_of(&app, "0988 200 001", "Anh Hùng", slug).await;
    let page = owner.page("/ban-hang/van-chuyen").await;
    assert!(page.contains("Đơn vị vận chuyển") && page.contains("Mã token API"));
    assert!(
        !page.contains("/api/v1/carriers/"),
        "no callback URL before an account"
    );
    assert!(
        owner
            .page("/ban-hang/giao-hang")
            .await
            .contains(r#"href="/ban-hang/van-chuyen""#),
        "linked from the delivery fees"
    );

    let (province, commune) = delivery_address(&app.db).await;
    let form = |token: &'static str, shop_id: &'static str, enabled: bool| {
        let mut f = vec![
            ("producer_id", producer_id.clone()),
            ("carrier", "ghn".to_owned()),
            ("token", token.to_owned()),
            ("shop_id", shop_id.to_owned()),
            ("pick_name", "HTX Nhãn lồng Sông Hồng".to_owned()),
            ("pick_phone", "0912 386 000".to_owned()),
            ("province_id", province.clone()),
            ("commune_id", commune.clone()),
            ("street", "12 Nguyễn Văn Linh".to_owned()),
        ];
        if enabled {
            f.push(("enabled", "on".to_owned()));
        }
        f
    };
    let back = format!("/ban-hang/van-chuyen?producer_id={producer_id}&carrier=ghn");
    let stored = || async {
        storage::for_producer(&app.db, &producer_id)
            .await
            .unwrap()
            .into_iter()
            .map(|(a, _)| a)
            .find(|a| a.carrier == "ghn")
    };

    // A field that is not one says which; nothing is saved.
    let r = submit(&owner, form(ghn_fake::TOKEN, "không biết", true)).await;
    assert_eq!(location(&r), format!("{back}&loi=shop_id"));
    let r = submit(&owner, form("", "885123", true)).await;
    assert_eq!(
        location(&r),
        format!("{back}&loi=token"),
        "a first save needs a token"
    );
    assert!(stored().await.is_none());

    // GHN refuses the token: saved, switched off, and the page says so.
    let r = submit(&owner, form("ghn-token-wrong-000", "885123", true)).await;
    assert_eq!(location(&r), format!("{back}&loi=credentials"));
    let account = stored().await.expect("saved");
    assert!(!account.enabled, "saved switched off");
    let page = owner.page(&location(&r)).await;
    assert!(page.contains("từ chối mã token"), "said in Vietnamese");

    // The right token: checked with GHN, saved on; the page masks it and shows the callback URL.
    let r = submit(&owner, form(ghn_fake::TOKEN, "885123", true)).await;
    assert_eq!(location(&r), format!("{back}&ok=1"));
    let account = stored().await.unwrap();
    assert!(account.enabled);
    assert_eq!(account.token, ghn_fake::TOKEN);
    assert_eq!(account.shop_id, Some(ghn_fake::SHOP_ID));
    let page = owner.page(&back).await;
    assert!(!page.contains(ghn_fake::TOKEN), "never shown whole");
    assert!(page.contains(&storage::masked(ghn_fake::TOKEN)));
    let callback = format!(
        "https://dacsan.example/api/v1/carriers/ghn/callback/{producer_id}?token={}",
        account.callback_secret
    );
    assert!(page.contains(&callback), "the callback URL to register");

    // Saved again with the token left empty: the stored one is kept, and so is the secret.
    let r = submit(&owner, form("", "885123", true)).await;
    assert_eq!(location(&r), format!("{back}&ok=1"));
    let again = stored().await.unwrap();
    assert_eq!(again.token, ghn_fake::TOKEN);
    assert_eq!(again.callback_secret, account.callback_secret);

    // GHN down: saved as asked, said to be unchecked.
    ghn.set(Behaviour::Failing);
    let r = submit(&owner, form("", "885123", true)).await;
    assert_eq!(location(&r), format!("{back}&loi=unreachable"));
    assert!(stored().await.unwrap().enabled);
    ghn.set(Behaviour::Normal);

    // GHTK's callback URL carries the secret as `hash`.
    let mut f = form(ghtk_fake::TOKEN, "", true);
    f[1].1 = "ghtk".to_owned();
    let r = submit(&owner, f).await;
    let ghtk_back = format!("/ban-hang/van-chuyen?producer_id={producer_id}&carrier=ghtk");
    assert_eq!(location(&r), format!("{ghtk_back}&ok=1"));
    let page = owner.page(&ghtk_back).await;
    assert!(page.contains(&format!(
        "https://dacsan.example/api/v1/carriers/ghtk/callback/{producer_id}?hash="
    )));

    // Another producer's owner, this producer's staff and an officer may not change it.
    let other =
        crate::accounts::member_of(&app, "0988 200 002", "Chị Mai", "tht-ong-mat-bai-quang").await;
    assert_eq!(
        submit(&other, form("x-token-000000", "1", true))
            .await
            .status(),
        403
    );
    let staff =
        crate::accounts::member_of(&app, "0988 200 003", "Em Tú", "tht-ong-mat-bai-quang").await;
    let staff_key = app::auth::login::LoginId::parse("0988 200 003")
        .unwrap()
        .key();
    sqlx::query("UPDATE producer_members SET role = 'staff', producer_id = $1 WHERE user_id = $2")
        .bind(&producer_id)
        .bind(crate::accounts::user_id(&app, &staff_key).await)
        .execute(app.db.pool())
        .await
        .unwrap();
    let staff_page = staff.page("/ban-hang/van-chuyen").await;
    assert!(
        staff_page.contains("Chỉ chủ cơ sở"),
        "staff see, owners change"
    );
    assert!(!staff_page.contains(r#"name="token""#));
    assert_eq!(
        submit(&staff, form("x-token-000000", "1", true))
            .await
            .status(),
        403
    );
    let officer = crate::accounts::sign_up(&app, "0988 200 004", "Cán bộ xã").await;
    let key = app::auth::login::LoginId::parse("0988 200 004")
        .unwrap()
        .key();
    let (commune_id,): (String,) = sqlx::query_as("SELECT commune_id FROM producers WHERE id = $1")
        .bind(&producer_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    crate::accounts::make_officer(
        &app,
        &crate::accounts::user_id(&app, &key).await,
        &commune_id,
    )
    .await;
    assert!(
        !officer.page(&back).await.contains(&account.callback_secret),
        "officers do not see it"
    );
    assert_eq!(
        submit(&officer, form("x-token-000000", "1", true))
            .await
            .status(),
        403
    );
    assert_eq!(
        stored().await.unwrap().token,
        ghn_fake::TOKEN,
        "nothing changed"
    );
});
