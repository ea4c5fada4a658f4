use app::diary::rules::{GENESIS_HASH, HashedFields, entry_hash};
use ocop_tests::{TABLES, TestApp, db_test, spawn_app, spawn_seeded_app};
use sqlx::FromRow;

async fn all_counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for table in TABLES {
        out.push((*table, app.count(table).await));
    }
    out
}

db_test!(seed_loads_the_demo_province_and_is_idempotent, |engine| {
    let app = spawn_app(engine).await;
    let first = app.seed().await;
    assert!(first.total() > 0);

    // Today's Hưng Yên: 104 commune-level units (93 xã, 11 phường) since 1 July 2025.
    assert_eq!(app.count("communes").await, 104);
    let (wards,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM communes WHERE kind = 'phuong'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(wards, 11);
    assert_eq!(app.count("product_groups").await, 6);
    assert_eq!(app.count("producers").await, 14);
    assert_eq!(app.count("products").await, 19);
    assert_eq!(app.count("photos").await, 19);
    assert_eq!(app.count("photo_derivatives").await, 19 * 3);
    assert!(app.count("product_variants").await >= 19);
    assert!(app.count("ocop_certificates").await >= 10);
    assert!(app.count("harvest_lots").await >= 3);
    assert!(app.count("cultivation_log_entries").await >= 30);
    assert_eq!(
        app.count("audit_log").await,
        1,
        "the load itself is audited"
    );

    // Former names stay searchable: Đông Tảo (of gà Đông Tảo) is now part of xã Hoàn Long.
    let (commune,): (String,) = sqlx::query_as(
        "SELECT c.name FROM commune_former_names f JOIN communes c ON c.id = f.commune_id WHERE f.name = 'Đông Tảo'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(commune, "Hoàn Long");

    // The photo files are on disk where the rows say.
    let (key,): (String,) =
        sqlx::query_as("SELECT storage_key FROM photo_derivatives ORDER BY storage_key LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        app.data_dir.path().join("media").join(&key).is_file(),
        "{key}"
    );

    let before = all_counts(&app).await;
    let second = app.seed().await;
    assert_eq!(second.total(), 0, "second run inserted: {second}");
    assert_eq!(
        all_counts(&app).await,
        before,
        "seeding twice must not duplicate anything"
    );
});

#[derive(FromRow)]
struct EntryRow {
    id: String,
    plot_id: String,
    lot_id: Option<String>,
    seq: i64,
    kind: String,
    occurred_on: String,
    input_name: Option<String>,
    active_ingredient: Option<String>,
    target: Option<String>,
    dose: Option<String>,
    phi_days: Option<i64>,
    quantity_kg: Option<i64>,
    note: String,
    corrects_id: Option<String>,
    recorded_by: Option<String>,
    recorded_at: String,
    prev_hash: String,
    entry_hash: String,
}

db_test!(seeded_diaries_are_intact_hash_chains, |engine| {
    let app = spawn_seeded_app(engine).await;
    let rows: Vec<EntryRow> =
        sqlx::query_as("SELECT * FROM cultivation_log_entries ORDER BY plot_id, seq")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    let mut prev_plot = String::new();
    let mut prev_hash = String::new();
    for r in &rows {
        if r.plot_id != prev_plot {
            assert_eq!(r.seq, 1, "a plot's diary starts at 1");
            prev_plot = r.plot_id.clone();
            prev_hash = GENESIS_HASH.to_owned();
        }
        assert_eq!(
            r.prev_hash, prev_hash,
            "entry {} links to the one before",
            r.id
        );
        let recomputed = entry_hash(
            &r.prev_hash,
            &HashedFields {
                id: &r.id,
                plot_id: &r.plot_id,
                lot_id: r.lot_id.as_deref(),
                seq: r.seq,
                kind: &r.kind,
                occurred_on: &r.occurred_on,
                input_name: r.input_name.as_deref(),
                active_ingredient: r.active_ingredient.as_deref(),
                target: r.target.as_deref(),
                dose: r.dose.as_deref(),
                phi_days: r.phi_days,
                quantity_kg: r.quantity_kg,
                note: &r.note,
                corrects_id: r.corrects_id.as_deref(),
                recorded_by: r.recorded_by.as_deref(),
                recorded_at: &r.recorded_at,
            },
        );
        assert_eq!(
            r.entry_hash, recomputed,
            "entry {} is unchanged since it was written",
            r.id
        );
        prev_hash = r.entry_hash.clone();
    }
    assert!(
        rows.iter()
            .any(|r| r.kind == "spraying" && r.phi_days.is_some())
    );
    assert!(
        rows.iter()
            .any(|r| r.kind == "harvest" && r.lot_id.is_some())
    );
});
