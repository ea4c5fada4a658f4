//! Verified contacts and the self-service password reset (#22), through the real server on
//! both databases. A code is kept only as a hash; the tests read it where its recipient would:
//! the pending message the dispatcher sends (the notification row's params).

use chrono::Duration;
use ocop_tests::{
    TestApp,
    browser::{Browser, location},
    db_test, spawn_app, spawn_app_held,
};

use crate::accounts::{PASSWORD, sign_up, user_id};

pub(crate) const NEW_PASSWORD: &str = "vải thiều Lục Ngạn 2026";

/// The code in the newest pending message of `kind` to `address`, as the phone or mailbox
/// would show it (a reset code is written just after the answer: it is waited for).
async fn code_sent_to(app: &TestApp, address: &str, kind: &str) -> String {
    let mut params = None;
    for _ in 0..100 {
        params = sqlx::query_scalar(
            "SELECT params FROM notifications WHERE address = $1 AND kind = $2 AND status = 'pending'
              ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(address)
        .bind(kind)
        .fetch_optional(app.db.pool())
        .await
        .unwrap();
        if params.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let params: String = params.unwrap_or_else(|| panic!("no {kind} reached {address}"));
    let json: serde_json::Value = serde_json::from_str(&params).unwrap();
    json["code"].as_str().unwrap().to_owned()
}

/// Messages of `kind` written for `address`.
async fn messages_to(app: &TestApp, address: &str, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE address = $1 AND kind = $2")
        .bind(address)
        .bind(kind)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// A code that is not `code` (same length, one digit changed).
fn other_than(code: &str) -> String {
    let last = code.chars().last().unwrap().to_digit(10).unwrap();
    format!("{}{}", &code[..5], (last + 1) % 10)
}

async fn verified_at(app: &TestApp, user: &str, column: &str) -> Option<String> {
    sqlx::query_scalar(&format!("SELECT {column} FROM users WHERE id = $1"))
        .bind(user)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn tries(app: &TestApp, address: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT tries FROM verification_codes WHERE address = $1
          ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(address)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn send_code(b: &Browser, contact: &str) -> String {
    location(
        &b.submit("/tai-khoan/xac-minh/gui", &[("contact", contact)])
            .await,
    )
}

async fn type_code(b: &Browser, contact: &str, code: &str) -> String {
    location(
        &b.submit(
            "/tai-khoan/xac-minh",
            &[("contact", contact), ("code", code)],
        )
        .await,
    )
}

/// Signs up with `email` (a code goes to it at once) and verifies it; the browser stays
/// signed in.
pub(crate) async fn verified_email_account(app: &TestApp, email: &str) -> Browser {
    let b = sign_up(app, email, "Chị Lan").await;
    let code = code_sent_to(app, email, "contact_code").await;
    assert_eq!(
        type_code(&b, "email", &code).await,
        "/tai-khoan?ok=da-xac-minh#lien-he"
    );
    // The next code to this address (a reset) may go only a minute after this one.
    app.state.clock.advance(Duration::seconds(61));
    b
}

db_test!(a_contact_is_verified_by_the_code_sent_to_it, |engine| {
    let app = spawn_app_held(engine).await;
    let email = "lan.nguyen@example.vn";
    let b = sign_up(&app, email, "Chị Lan").await;
    let user = user_id(&app, email).await;
    // The sign-up sent the first code; the page says so and offers another.
    let page = b.page("/tai-khoan?ok=ma-da-gui").await;
    assert!(
        page.contains("Chưa xác minh")
            && page.contains("Gửi mã xác minh")
            && page.contains("Đã gửi mã"),
        "{page}"
    );
    assert_eq!(verified_at(&app, &user, "email_verified_at").await, None);
    assert_eq!(messages_to(&app, email, "contact_code").await, 1);
    // Another at once is refused: a minute between codes to one address.
    let r = send_code(&b, "email").await;
    assert!(r.starts_with("/tai-khoan?loi=cho-gui-lai&giay="), "{r}");
    assert_eq!(messages_to(&app, email, "contact_code").await, 1);
    let code = code_sent_to(&app, email, "contact_code").await;
    assert_eq!(code.len(), 6);
    // The table keeps a hash, never the digits.
    let stored: String =
        sqlx::query_scalar("SELECT code_hash FROM verification_codes WHERE address = $1")
            .bind(email)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(stored.len(), 64);
    assert!(!stored.contains(&code));
    // No message in the inbox: a code goes only to the address it verifies.
    let inbox: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE recipient_user_id = $1 AND channel = 'inbox'",
    )
    .bind(&user)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(inbox, 0);

    // Not six digits: refused, not counted.
    assert_eq!(
        type_code(&b, "email", "12ab56").await,
        "/tai-khoan?loi=ma-khong-hop-le#lien-he"
    );
    assert_eq!(tries(&app, email).await, 0);
    // Wrong: counted.
    assert_eq!(
        type_code(&b, "email", &other_than(&code)).await,
        "/tai-khoan?loi=ma-sai&con=4#lien-he"
    );
    assert_eq!(tries(&app, email).await, 1);
    let page = b.page("/tai-khoan?loi=ma-sai&con=4").await;
    assert!(page.contains("Mã không đúng. Còn 4 lần thử."), "{page}");
    // Another account's contact cannot be verified with it.
    let other = sign_up(&app, "0912000111", "Anh Nam").await;
    assert_eq!(
        type_code(&other, "email", &code).await,
        "/tai-khoan?loi=chua-co-ma#lien-he"
    );

    // Right: verified, and the page says so.
    assert_eq!(
        type_code(&b, "email", &format!(" {} {} ", &code[..3], &code[3..])).await,
        "/tai-khoan?ok=da-xac-minh#lien-he"
    );
    assert!(
        verified_at(&app, &user, "email_verified_at")
            .await
            .is_some()
    );
    let page = b.page("/tai-khoan").await;
    assert!(
        page.contains("Đã xác minh") && !page.contains("Gửi mã xác minh"),
        "{page}"
    );
    // Used once only.
    assert_eq!(
        type_code(&b, "email", &code).await,
        "/tai-khoan?loi=ma-da-dung#lien-he"
    );
    // Nothing more to send to a verified contact; a contact the account lacks is refused.
    assert_eq!(
        send_code(&b, "email").await,
        "/tai-khoan?ok=da-xac-minh#lien-he"
    );
    assert_eq!(messages_to(&app, email, "contact_code").await, 1);
    assert_eq!(
        send_code(&b, "phone").await,
        "/tai-khoan?loi=khong-co-lien-he#lien-he"
    );
    assert_eq!(
        send_code(&b, "fax").await,
        "/tai-khoan?loi=khong-co-lien-he#lien-he"
    );
    // Visitors are sent to sign in.
    let visitor = Browser::new(&app.address);
    assert!(
        location(
            &visitor
                .submit("/tai-khoan/xac-minh/gui", &[("contact", "email")])
                .await
        )
        .starts_with("/dang-nhap")
    );
});

db_test!(
    five_wrong_tries_kill_a_code_an_expired_one_is_refused_and_resends_are_limited,
    |engine| {
        let app = spawn_app_held(engine).await;
        // The sign-up sends the first code.
        let b = sign_up(&app, "0912 345 001", "Anh Ba").await;
        let phone = "+84912345001";
        let user = user_id(&app, phone).await;
        let code = code_sent_to(&app, phone, "contact_code").await;
        let channel: String = sqlx::query_scalar(
            "SELECT channel FROM notifications WHERE address = $1 AND kind = 'contact_code'",
        )
        .bind(phone)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(channel, "sms");
        for left in (0..5).rev() {
            assert_eq!(
                type_code(&b, "phone", &other_than(&code)).await,
                format!("/tai-khoan?loi=ma-sai&con={left}#lien-he")
            );
        }
        assert_eq!(tries(&app, phone).await, 5);
        // The right code, too late: the code is dead (after the throttle's wait).
        app.state.clock.advance(Duration::seconds(31));
        assert_eq!(
            type_code(&b, "phone", &code).await,
            "/tai-khoan?loi=ma-het-luot#lien-he"
        );
        assert_eq!(verified_at(&app, &user, "phone_verified_at").await, None);

        // A new code, not within a minute of the last one.
        let r = send_code(&b, "phone").await;
        assert!(r.starts_with("/tai-khoan?loi=cho-gui-lai&giay="), "{r}");
        assert_eq!(messages_to(&app, phone, "contact_code").await, 1);
        app.state.clock.advance(Duration::seconds(30));
        assert_eq!(
            send_code(&b, "phone").await,
            "/tai-khoan?ok=ma-da-gui#lien-he"
        );
        let second = code_sent_to(&app, phone, "contact_code").await;
        // Ten minutes on, it has expired.
        app.state.clock.advance(Duration::minutes(10));
        assert_eq!(
            type_code(&b, "phone", &second).await,
            "/tai-khoan?loi=ma-het-han#lien-he"
        );
        assert_eq!(verified_at(&app, &user, "phone_verified_at").await, None);

        // At most five codes an hour to one address: two sent so far.
        for _ in 0..3 {
            app.state.clock.advance(Duration::seconds(61));
            assert_eq!(
                send_code(&b, "phone").await,
                "/tai-khoan?ok=ma-da-gui#lien-he"
            );
        }
        app.state.clock.advance(Duration::seconds(61));
        let r = send_code(&b, "phone").await;
        assert!(r.starts_with("/tai-khoan?loi=cho-gui-lai&giay="), "{r}");
        assert_eq!(messages_to(&app, phone, "contact_code").await, 5);
        // The newest code still verifies.
        let newest = code_sent_to(&app, phone, "contact_code").await;
        app.state.clock.advance(Duration::minutes(2));
        assert_eq!(
            type_code(&b, "phone", &newest).await,
            "/tai-khoan?ok=da-xac-minh#lien-he"
        );
        assert!(
            verified_at(&app, &user, "phone_verified_at")
                .await
                .is_some()
        );
    }
);

/// A page with what differs by request blanked: the anti-forgery token, the script nonce (also
/// in `crossorigin`), and the address typed (also URL-encoded in the language switch's link).
fn normalised(page: &str, csrf: &str, login: &str) -> String {
    let encoded = login.replace('@', "%40");
    let mut out = page
        .replace(csrf, "CSRF")
        .replace(&encoded, "LOGIN")
        .replace(login, "LOGIN");
    for attribute in ["nonce=\"", "crossorigin=\""] {
        let mut from = 0;
        while let Some(i) = out[from..].find(attribute) {
            let start = from + i + attribute.len();
            let end = start + out[start..].find('"').unwrap();
            out.replace_range(start..end, "NONCE");
            from = start;
        }
    }
    out
}

/// Asks for a reset code from a fresh browser; the redirect and the page it leads to.
async fn ask_reset(app: &TestApp, login: &str) -> (u16, String, String, String) {
    let b = Browser::new(&app.address);
    let r = b.submit("/quen-mat-khau", &[("login", login)]).await;
    let status = r.status().as_u16();
    let to = location(&r);
    let page = b.page(&to).await;
    (status, to, page, b.cookie("ocop_csrf").unwrap())
}

db_test!(
    the_reset_answer_is_the_same_for_every_address_and_only_a_verified_one_gets_a_code,
    |engine| {
        let app = spawn_app_held(engine).await;
        verified_email_account(&app, "an@example.vn").await;
        sign_up(&app, "binh@example.vn", "Anh Bình").await;

        let (s1, to1, page1, csrf1) = ask_reset(&app, "An@Example.vn ").await;
        let (s2, to2, page2, csrf2) = ask_reset(&app, "khong-co-ai@example.vn").await;
        let (s3, to3, page3, csrf3) = ask_reset(&app, "binh@example.vn").await;
        assert_eq!((s1, s2, s3), (303, 303, 303));
        assert_eq!(to1, "/quen-mat-khau/ma?login=an%40example.vn");
        assert_eq!(to2, to1.replace("an%40", "khong-co-ai%40"));
        assert_eq!(to3, to1.replace("an%40", "binh%40"));
        assert!(page1.contains("Nếu có tài khoản với số điện thoại hoặc email đã xác minh này"));
        let known = normalised(&page1, &csrf1, "an@example.vn");
        assert_eq!(known, normalised(&page2, &csrf2, "khong-co-ai@example.vn"));
        assert_eq!(known, normalised(&page3, &csrf3, "binh@example.vn"));

        // Written after the answer: waited for (the others were asked after it).
        code_sent_to(&app, "an@example.vn", "password_reset_code").await;
        assert_eq!(
            messages_to(&app, "an@example.vn", "password_reset_code").await,
            1
        );
        assert_eq!(
            messages_to(&app, "khong-co-ai@example.vn", "password_reset_code").await,
            0
        );
        assert_eq!(
            messages_to(&app, "binh@example.vn", "password_reset_code").await,
            0,
            "an unverified contact gets nothing"
        );
        // Typing a code for an address without one reads as any wrong code.
        let b = Browser::new(&app.address);
        let r = b
            .submit(
                "/quen-mat-khau/ma",
                &[
                    ("login", "khong-co-ai@example.vn"),
                    ("code", "123456"),
                    ("password", NEW_PASSWORD),
                    ("password_again", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            location(&r),
            "/quen-mat-khau/ma?login=khong-co-ai%40example.vn&loi=ma-khong-dung"
        );
        // A bad address is said so, whoever has it.
        let r = b.submit("/quen-mat-khau", &[("login", "an@")]).await;
        assert_eq!(location(&r), "/quen-mat-khau?login=an%40&loi=bad-email");
    }
);

async fn reset(b: &Browser, login: &str, code: &str, password: &str) -> String {
    location(
        &b.submit(
            "/quen-mat-khau/ma",
            &[
                ("login", login),
                ("code", code),
                ("password", password),
                ("password_again", password),
            ],
        )
        .await,
    )
}

async fn signs_in(app: &TestApp, login: &str, password: &str) -> bool {
    let b = Browser::new(&app.address);
    let r = b
        .submit("/dang-nhap", &[("login", login), ("password", password)])
        .await;
    location(&r) == "/tai-khoan"
}

db_test!(
    a_reset_sets_the_new_password_and_ends_every_session,
    |engine| {
        let app = spawn_app_held(engine).await;
        let email = "hoa@example.vn";
        let old = verified_email_account(&app, email).await;
        let user = user_id(&app, email).await;
        assert!(signs_in(&app, email, PASSWORD).await, "a second session");
        let sessions = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
                .bind(&user)
                .fetch_one(app.db.pool())
                .await
                .unwrap()
        };
        assert_eq!(sessions().await, 2);

        let (_, to, _, _) = ask_reset(&app, email).await;
        let code = code_sent_to(&app, email, "password_reset_code").await;
        let b = Browser::new(&app.address);
        let page = b.page(&to).await;
        assert!(page.contains("name=\"code\""), "{page}");
        // The password rules apply.
        assert_eq!(
            reset(&b, email, &code, "12345678").await,
            "/quen-mat-khau/ma?login=hoa%40example.vn&loi=password-common"
        );
        // A wrong code counts a try and changes nothing.
        assert_eq!(
            reset(&b, email, &other_than(&code), NEW_PASSWORD).await,
            "/quen-mat-khau/ma?login=hoa%40example.vn&loi=ma-khong-dung"
        );
        assert_eq!(tries(&app, email).await, 1);
        assert_eq!(sessions().await, 2);
        assert!(signs_in(&app, email, PASSWORD).await);
        assert_eq!(sessions().await, 3);

        assert_eq!(
            reset(&b, email, &code, NEW_PASSWORD).await,
            "/dang-nhap?ok=mat-khau-moi&login=hoa%40example.vn"
        );
        assert_eq!(sessions().await, 0, "every session ended");
        let r = old.get("/tai-khoan").await;
        assert!(
            location(&r).starts_with("/dang-nhap"),
            "the old session is signed out"
        );
        let page = b
            .page("/dang-nhap?ok=mat-khau-moi&login=hoa%40example.vn")
            .await;
        assert!(page.contains("Đã đặt mật khẩu mới"), "{page}");
        assert!(
            !signs_in(&app, email, PASSWORD).await,
            "the old password no longer works"
        );
        assert!(
            signs_in(&app, email, NEW_PASSWORD).await,
            "the new one does"
        );
        // The code worked once.
        assert_eq!(
            reset(&b, email, &code, "another pass 2026").await,
            "/quen-mat-khau/ma?login=hoa%40example.vn&loi=ma-khong-dung"
        );
        assert!(signs_in(&app, email, NEW_PASSWORD).await);
    }
);

db_test!(five_wrong_reset_codes_kill_the_code, |engine| {
    let app = spawn_app_held(engine).await;
    let email = "cuc@example.vn";
    verified_email_account(&app, email).await;
    ask_reset(&app, email).await;
    let code = code_sent_to(&app, email, "password_reset_code").await;
    let b = Browser::new(&app.address);
    for _ in 0..5 {
        assert_eq!(
            reset(&b, email, &other_than(&code), NEW_PASSWORD).await,
            "/quen-mat-khau/ma?login=cuc%40example.vn&loi=ma-khong-dung"
        );
    }
    assert_eq!(tries(&app, email).await, 5);
    assert_eq!(
        reset(&b, email, &code, NEW_PASSWORD).await,
        "/quen-mat-khau/ma?login=cuc%40example.vn&loi=ma-khong-dung"
    );
    assert!(
        signs_in(&app, email, PASSWORD).await,
        "the password is unchanged"
    );
    // An expired code too.
    app.state.clock.advance(Duration::seconds(61));
    ask_reset(&app, email).await;
    let fresh = code_sent_to(&app, email, "password_reset_code").await;
    app.state.clock.advance(Duration::minutes(10));
    assert_eq!(
        reset(&b, email, &fresh, NEW_PASSWORD).await,
        "/quen-mat-khau/ma?login=cuc%40example.vn&loi=ma-khong-dung"
    );
    assert!(signs_in(&app, email, PASSWORD).await);
});

async fn change_contact(b: &Browser, value: &str, current: &str) -> String {
    location(
        &b.submit(
            "/tai-khoan/lien-he",
            &[("value", value), ("current", current)],
        )
        .await,
    )
}

db_test!(
    a_changed_contact_is_unverified_until_its_own_code_is_typed,
    |engine| {
        let app = spawn_app_held(engine).await;
        let b = verified_email_account(&app, "mai@example.vn").await;
        let user = user_id(&app, "mai@example.vn").await;
        sign_up(&app, "0912 777 001", "Người khác").await;

        // The current password is asked; another account's phone cannot be taken.
        assert_eq!(
            change_contact(&b, "0912 777 002", "sai mật khẩu").await,
            "/tai-khoan?loi=wrong-current-password#lien-he"
        );
        assert_eq!(
            change_contact(&b, "0912 777 001", PASSWORD).await,
            "/tai-khoan?loi=lien-he-da-dung#lien-he"
        );
        assert_eq!(
            change_contact(&b, "12345", PASSWORD).await,
            "/tai-khoan?loi=bad-phone#lien-he"
        );
        // A phone added: unverified, and its code sent at once; the email stays verified.
        assert_eq!(
            change_contact(&b, "0912 777 002", PASSWORD).await,
            "/tai-khoan?ok=da-doi-lien-he-ma#lien-he"
        );
        assert_eq!(messages_to(&app, "+84912777002", "contact_code").await, 1);
        assert_eq!(verified_at(&app, &user, "phone_verified_at").await, None);
        assert!(
            verified_at(&app, &user, "email_verified_at")
                .await
                .is_some()
        );
        let page = b.page("/tai-khoan").await;
        assert!(
            page.contains("0912 777 002") || page.contains("0912777002"),
            "{page}"
        );
        assert!(page.contains("Chưa xác minh") && page.contains("Đã xác minh"));

        // A code sent to the phone does not verify the new email.
        let phone_code = code_sent_to(&app, "+84912777002", "contact_code").await;
        assert_eq!(
            change_contact(&b, "moi@example.vn", PASSWORD).await,
            "/tai-khoan?ok=da-doi-lien-he-ma#lien-he"
        );
        assert_eq!(
            verified_at(&app, &user, "email_verified_at").await,
            None,
            "changing the email clears its verified time"
        );
        // The new email got its own code: the phone's is wrong for it.
        assert_eq!(messages_to(&app, "moi@example.vn", "contact_code").await, 1);
        assert_eq!(
            type_code(&b, "email", &phone_code).await,
            "/tai-khoan?loi=ma-sai&con=4#lien-he"
        );
        assert_eq!(
            type_code(&b, "phone", &phone_code).await,
            "/tai-khoan?ok=da-xac-minh#lien-he"
        );
        assert!(
            verified_at(&app, &user, "phone_verified_at")
                .await
                .is_some()
        );
        // The old email no longer signs in or gets reset codes; the new one signs in.
        assert!(!signs_in(&app, "mai@example.vn", PASSWORD).await);
        assert!(signs_in(&app, "moi@example.vn", PASSWORD).await);
        assert!(signs_in(&app, "0912777002", PASSWORD).await);
        app.state.clock.advance(Duration::seconds(61));
        ask_reset(&app, "mai@example.vn").await;
        // The verified phone gets one, by SMS.
        ask_reset(&app, "0912 777 002").await;
        code_sent_to(&app, "+84912777002", "password_reset_code").await;
        assert_eq!(
            messages_to(&app, "mai@example.vn", "password_reset_code").await,
            0
        );
        assert_eq!(
            messages_to(&app, "+84912777002", "password_reset_code").await,
            1
        );
    }
);

db_test!(
    without_a_channel_a_contact_stays_unverified_and_the_pages_say_why,
    |engine| {
        // Nothing set up: the embedded default.
        let app = spawn_app(engine).await;
        let b = sign_up(&app, "0912 888 001", "Chị Đào").await;
        let user = user_id(&app, "+84912888001").await;
        assert_eq!(messages_to(&app, "+84912888001", "contact_code").await, 0);
        let page = b.page("/tai-khoan").await;
        assert!(
            page.contains("Chưa xác minh")
                && page.contains("Trang chưa gửi được mã tới liên hệ này")
                && !page.contains("Gửi mã xác minh"),
            "{page}"
        );
        assert_eq!(
            send_code(&b, "phone").await,
            "/tai-khoan?loi=khong-gui-duoc#lien-he"
        );
        assert_eq!(messages_to(&app, "+84912888001", "contact_code").await, 0);
        assert_eq!(verified_at(&app, &user, "phone_verified_at").await, None);
        // The forgotten-password page says a code cannot be sent, for every login alike.
        let visitor = Browser::new(&app.address);
        let page = visitor.page("/quen-mat-khau").await;
        assert!(
            page.contains("chưa gửi được mã đặt lại mật khẩu") && page.contains("quản trị viên"),
            "{page}"
        );
        let r = visitor
            .submit("/quen-mat-khau", &[("login", "0912 888 001")])
            .await;
        assert_eq!(
            location(&r),
            "/quen-mat-khau?login=0912+888+001&loi=khong-gui-duoc"
        );
        assert_eq!(
            messages_to(&app, "+84912888001", "password_reset_code").await,
            0
        );
    }
);
