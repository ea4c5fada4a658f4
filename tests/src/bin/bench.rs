//! Measures the budgets of `shared/design/engineering.md` on this machine and prints one report.
//!
//! `scripts/bench` builds the release site first and runs this in release mode; the server runs
//! in this process on 127.0.0.1:0 against a fresh database holding the demo province plus
//! `--products` generated products. Every figure is printed next to a baseline measured the
//! same way (a small static file from the same server), so a slow machine shows as such.

use std::time::{Duration, Instant};

use clap::Parser;
use ocop_tests::{Engine, TestApp, fixtures, load, race, spawn_seeded_app};

// The server runs in this process: give it the allocator it has in production.
#[global_allocator]
static ALLOCATOR: server::Allocator = server::Allocator;

#[derive(Parser)]
#[command(about = "Benchmarks the marketplace's budgets and prints the figures")]
struct Args {
    /// Generated products added to the demo catalog.
    #[arg(long, default_value_t = 10_000)]
    products: usize,
    /// `sqlite`, or `postgres` (needs TEST_POSTGRES_URL).
    #[arg(long, default_value = "sqlite")]
    engine: String,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Products in the search engine benchmark (the catalog's documents, repeated).
    #[arg(long, default_value_t = 20_000)]
    search_products: usize,
    /// Seconds per load run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Products in the database for the start-up measurement (generated ones added up to it).
    #[arg(long, default_value_t = 20_000)]
    startup_products: usize,
    /// Only the photo figures (the pipeline, and parallel uploads through the server).
    #[arg(long)]
    photos_only: bool,
    /// Only the page audit (Lighthouse), on the demo province.
    #[arg(long)]
    audit_only: bool,
    /// Only the static baseline and the product page (with their CPU split), then stop.
    #[arg(long)]
    pages_only: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let engine = match args.engine.as_str() {
        "sqlite" => Engine::Sqlite,
        "postgres" => Engine::Postgres,
        other => anyhow::bail!("unknown engine {other:?}: use sqlite or postgres"),
    };
    println!("# Benchmark report");
    println!();
    println!("machine: {}", machine());
    println!(
        "engine: {}, connections: {}, {} s per run",
        args.engine, args.connections, args.seconds
    );
    println!();

    if args.audit_only {
        let mut app = spawn_seeded_app(engine).await;
        page_audit(&app).await?;
        app.shut_down().await?;
        return Ok(());
    }
    // First, while the process is still small: its peak memory then measures the photo alone.
    photo_pipeline()?;

    let mut app = spawn_seeded_app(engine).await;
    parallel_uploads(&app).await?;
    reset_timing(engine).await?;
    if args.photos_only {
        app.shut_down().await?;
        return Ok(());
    }
    let t = Instant::now();
    let slugs = fixtures::bulk_catalog(&app.db, args.products).await?;
    let public: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products WHERE status = 'approved'")
        .fetch_one(app.db.pool())
        .await?;
    println!(
        "catalog: {} generated products in {:.1} s ({} approved products in the database)",
        slugs.len(),
        t.elapsed().as_secs_f64(),
        public
    );
    println!();

    let product_paths: Vec<String> = slugs.iter().map(|s| format!("/san-pham/{s}")).collect();
    let duration = Duration::from_secs(args.seconds);
    // Warm the pools and caches so the first run is not penalised.
    load::run(
        &app.address,
        &product_paths,
        args.connections,
        Duration::from_secs(2),
    )
    .await;

    let baseline = load::run(
        &app.address,
        &["/favicon.svg".to_owned()],
        args.connections,
        duration,
    )
    .await;
    let cpu = CpuClock::now();
    let product = load::run(&app.address, &product_paths, args.connections, duration).await;
    let cpu = cpu.per_request(product.requests);

    println!("| what | req/s | p50 | p95 | p99 | max | failures | budget |");
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    row("baseline: static /favicon.svg", &baseline, "");
    row(
        "product page, random of the generated",
        &product,
        "≥ 1,500 req/s, p95 ≤ 20 ms",
    );
    println!();
    println!(
        "product page CPU per request: {:.2} ms in this process (server and load generator), {:.2} ms in PostgreSQL",
        cpu.0, cpu.1
    );
    println!();
    if args.pages_only {
        app.shut_down().await?;
        return Ok(());
    }

    search_engine(&app.db, args.search_products).await?;
    app.search_settled().await;
    let search_paths: Vec<String> = SEARCH_QUERIES
        .iter()
        .map(|q| format!("/api/v1/products?q={}", q.replace(' ', "+")))
        .collect();
    let api = load::run(&app.address, &search_paths, args.connections, duration).await;
    println!("| what | req/s | p50 | p95 | p99 | max | failures | budget |");
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    row(
        "search API /api/v1/products?q= (engine + cards from the database), the catalog above",
        &api,
        "",
    );
    println!();

    let weight = page_weight(&app.address, &product_paths[0]).await?;
    println!("product page over the wire (brotli as served, photos excluded):");
    for (what, bytes) in &weight {
        println!("  {what}: {bytes} B");
    }
    let total: usize = weight.iter().map(|(_, b)| b).sum();
    println!(
        "  total: {total} B ({:.1} KB; budget ≤ 200 KB)",
        total as f64 / 1000.0
    );
    println!();

    page_audit(&app).await?;
    checkout_race(&app).await?;
    startup(&mut app, args.startup_products).await?;
    Ok(())
}

/// Lighthouse on a phone profile (its default: a mid-range phone on slow 4G, simulated) for
/// the pages a buyer goes through. `scripts/bench` installs it and names it in `LIGHTHOUSE`;
/// without that the audit is skipped and says so.
async fn page_audit(app: &TestApp) -> anyhow::Result<()> {
    let Ok(lighthouse) = std::env::var("LIGHTHOUSE") else {
        println!("page audit: skipped (LIGHTHOUSE is not set; scripts/bench sets it)");
        println!();
        return Ok(());
    };
    let chrome = std::env::var("CHROME_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    // A buyer with the signature longan in the cart, for the checkout page.
    let buyer = ocop_tests::browser::Browser::new(&app.address);
    let variant: String = sqlx::query_scalar(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
          WHERE p.slug = 'nhan-long-hung-yen' ORDER BY v.position LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await?;
    let added = buyer
        .json(
            reqwest::Method::POST,
            "/api/v1/cart/items",
            Some(&serde_json::json!({"variant_id": variant, "quantity": 1})),
        )
        .await;
    anyhow::ensure!(added.status().is_success(), "cart add: {}", added.status());
    let commune: String = sqlx::query_scalar(
        "SELECT c.slug FROM communes c JOIN products p ON p.commune_id = c.id
          WHERE p.slug = 'nhan-long-hung-yen'",
    )
    .fetch_one(app.db.pool())
    .await?;
    let pages = [
        ("home", "/".to_owned(), None),
        ("product", "/san-pham/nhan-long-hung-yen".to_owned(), None),
        ("commune", format!("/xa/{commune}"), None),
        ("search", "/tim-kiem?q=nh%C3%A3n".to_owned(), None),
        (
            "checkout",
            "/thanh-toan".to_owned(),
            Some(buyer.cookie_header()),
        ),
    ];
    const CATEGORIES: [(&str, &str); 4] = [
        ("performance", "performance"),
        ("accessibility", "accessibility"),
        ("best-practices", "best practices"),
        ("seo", "SEO"),
    ];
    println!(
        "page audit: Lighthouse {}, phone profile (simulated slow 4G, 4x CPU slowdown); goal ≥ 95 in every category",
        lighthouse_version(&lighthouse)
    );
    println!();
    println!("| page | performance | accessibility | best practices | SEO | below 90 |");
    println!("|---|---:|---:|---:|---:|---|");
    for (name, path, cookie) in pages {
        let mut cmd = std::process::Command::new(&lighthouse);
        cmd.arg(format!("{}{path}", app.address))
            .args(["--output=json", "--output-path=stdout", "--quiet"])
            .arg("--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage")
            .arg(format!(
                "--only-categories={}",
                CATEGORIES.map(|(id, _)| id).join(",")
            ))
            .env("CHROME_PATH", &chrome);
        if let Some(cookie) = cookie {
            cmd.arg(format!(
                "--extra-headers={}",
                serde_json::json!({ "Cookie": cookie })
            ));
        }
        // The server answers Lighthouse from this process's runtime meanwhile.
        let out = tokio::task::spawn_blocking(move || cmd.output()).await??;
        anyhow::ensure!(
            out.status.success(),
            "lighthouse on {path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        let scores: Vec<String> = CATEGORIES
            .iter()
            .map(|(id, _)| {
                report["categories"][id]["score"]
                    .as_f64()
                    .map_or_else(|| "n/a".to_owned(), |s| format!("{:.0}", s * 100.0))
            })
            .collect();
        // What cost points, so the next step is plain from the report.
        let mut low: Vec<String> = report["audits"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, a)| {
                a["score"].as_f64().is_some_and(|s| s < 0.9)
                    && a["scoreDisplayMode"] != "informative"
                    && a["scoreDisplayMode"] != "manual"
                    && a["scoreDisplayMode"] != "notApplicable"
            })
            .map(|(id, a)| format!("{id} {:.0}", a["score"].as_f64().unwrap_or(0.0) * 100.0))
            .collect();
        low.sort();
        println!(
            "| {name} `{path}` | {} | {} |",
            scores.join(" | "),
            if low.is_empty() {
                "none".to_owned()
            } else {
                low.join(", ")
            }
        );
    }
    println!();
    Ok(())
}

fn lighthouse_version(bin: &str) -> String {
    std::process::Command::new(bin)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "(unknown version)".to_owned())
}

/// 200 buyers at once for the last 50 units of a demo product, through the JSON API.
async fn checkout_race(app: &TestApp) -> anyhow::Result<()> {
    let variant: String = sqlx::query_scalar(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
          WHERE p.slug = 'nhan-long-hung-yen' ORDER BY v.position LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await?;
    let r = race::checkout_race(app, &variant, 200, 50).await;
    println!(
        "checkout race: 200 concurrent buyers, 50 units: {} orders placed, {} refused out of stock, \
         {} other answers; stock left {}, units sold {}, in {:.0} ms (budget: exactly 50 orders, no oversell){}",
        r.placed,
        r.out_of_stock,
        r.other.len(),
        r.stock_left,
        r.sold,
        r.took.as_secs_f64() * 1000.0,
        if r.placed == 50 && r.sold == 50 && r.stock_left == 0 && r.other.is_empty() {
            ""
        } else {
            " — WRONG"
        }
    );
    println!();

    // Two variants of one producer, put in carts in opposite orders by every other buyer.
    let pair: Vec<String> = sqlx::query_scalar(
        "SELECT v.id FROM product_variants v JOIN products p ON p.id = v.product_id
          WHERE p.producer_id = (SELECT p2.producer_id FROM products p2
                                  JOIN product_variants v2 ON v2.product_id = p2.id
                                  WHERE v2.status = 'active' AND p2.status = 'approved'
                                  GROUP BY p2.producer_id HAVING COUNT(*) >= 2
                                  ORDER BY p2.producer_id LIMIT 1)
            AND v.status = 'active' AND p.status = 'approved'
          ORDER BY v.id LIMIT 2",
    )
    .fetch_all(app.db.pool())
    .await?;
    let pair: Vec<&str> = pair.iter().map(String::as_str).collect();
    let r = race::race_for(app, &pair, 100, 60, race::LineOrder::Alternating).await;
    println!(
        "opposite-order race: 100 buyers, the same two variants (60 units each) in opposite cart \
         orders: {} placed, {} refused out of stock, {} other answers, in {:.0} ms \
         (budget: 60 placed, 40 refused, no 5xx){}",
        r.placed,
        r.out_of_stock,
        r.other.len(),
        r.took.as_secs_f64() * 1000.0,
        if r.placed == 60 && r.out_of_stock == 40 && r.other.is_empty() {
            String::new()
        } else {
            format!(" — WRONG, e.g. {:?}", r.other.first())
        }
    );
    println!();

    let adds = race::concurrent_cart_adds(app, &variant, 200).await;
    println!(
        "cart adds: 200 new carts filled at once: {} added, {} other answers, in {:.0} ms \
         (budget: all added){}",
        adds.added,
        adds.other.len(),
        adds.took.as_secs_f64() * 1000.0,
        if adds.other.is_empty() {
            ""
        } else {
            " — WRONG"
        }
    );
    println!();
    Ok(())
}

/// Start-up with `total` products in the database and their search index on disk: from
/// building the application (migrations checked, index opened and checked against the
/// database) to its first healthy answer. The index must be kept, not rebuilt.
async fn startup(app: &mut TestApp, total: usize) -> anyhow::Result<()> {
    let count_public = |app: &TestApp| {
        let pool = app.db.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM products WHERE status = 'approved'")
                .fetch_one(&pool)
                .await
        }
    };
    // Let the indexer finish what earlier sections queued before adding more.
    app.search_settled().await;
    let public = count_public(app).await? as usize;
    if public < total {
        fixtures::bulk_catalog(&app.db, total - public).await?;
    }
    // The running server indexes what was added; restart once it has it all.
    let started = Instant::now();
    while app::search::sync::backlog(&app.db).await? > 0 {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(300),
            "the index did not catch up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let indexed_in = started.elapsed();
    let meta = app.settings.data_dir.join("search/meta.json");
    let before = std::fs::read(&meta).ok();

    let t = Instant::now();
    app.restart().await;
    let client = reqwest::Client::new();
    loop {
        let ok = client
            .get(format!("{}/healthz", app.address))
            .send()
            .await
            .map(|r| r.status().is_success())
            .unwrap_or(false);
        if ok {
            break;
        }
        anyhow::ensure!(t.elapsed() < Duration::from_secs(120), "no healthy answer");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let ready = t.elapsed();
    let kept = before.is_some() && std::fs::read(&meta).ok() == before;
    let health: serde_json::Value = client
        .get(format!("{}/healthz", app.address))
        .send()
        .await?
        .json()
        .await?;
    println!(
        "start-up: {} approved products ({} indexed by the running server in {:.1} s first), \
         ready in {:.2} s; index {} ({} documents) (budget ≤ 3 s, index kept)",
        count_public(app).await?,
        total.saturating_sub(public),
        indexed_in.as_secs_f64(),
        ready.as_secs_f64(),
        if kept { "kept" } else { "REBUILT" },
        health["search"]["documents"]
    );
    Ok(())
}

/// What buyers type, as-you-type prefixes included (each prefix of "nhan long" and "mat ong").
const SEARCH_QUERIES: &[&str] = &[
    "n",
    "nh",
    "nha",
    "nhan",
    "nhan ",
    "nhan l",
    "nhan lo",
    "nhan lon",
    "nhan long",
    "m",
    "ma",
    "mat",
    "mat o",
    "mat on",
    "mat ong",
    "nhãn lồng",
    "mật ong hoa nhãn",
    "gà đông tảo",
    "ga dong tao",
    "tuomg ban",
    "turmerik",
    "longan",
    "honey",
    "chieu coi",
    "kumquat",
    "tan hung",
    "khoai chau",
    "phuong nam",
    "banh cay",
    "ruou nep",
    "",
    "xyzzy",
];

/// The embedded engine alone, on `n` documents: index build time and size, then every query of
/// `SEARCH_QUERIES` (plus a filtered and a sorted variant) many times, one at a time.
async fn search_engine(db: &app::db::Db, n: usize) -> anyhow::Result<()> {
    use app::search::{
        engine::{EngineQuery, SearchEngine},
        model::{SearchFilters, SearchSort},
        query::analyze,
    };
    let today = app::domain::time::vietnam_date(chrono::Utc::now());
    let base = app::search::sync::all_documents(db, today).await?;
    anyhow::ensure!(!base.is_empty(), "no documents to index");
    let docs: Vec<_> = (0..n)
        .map(|i| {
            let mut d = base[i % base.len()].clone();
            d.id = format!("{}-{i}", d.id);
            d
        })
        .collect();
    let dir = tempfile::tempdir()?;
    let engine = server::search::embedded::Embedded::open(&dir.path().join("search"))?;
    let t = Instant::now();
    engine.rebuild(docs).await?;
    let build = t.elapsed();
    let size = dir_size(dir.path());
    println!(
        "search index (embedded): {n} products built in {:.2} s, {:.1} MB on disk",
        build.as_secs_f64(),
        size as f64 / 1e6
    );
    let mut queries = Vec::new();
    for q in SEARCH_QUERIES {
        queries.push(EngineQuery {
            text: analyze(q),
            filters: SearchFilters::default(),
            sort: SearchSort::Relevance,
            offset: 0,
            limit: 20,
        });
    }
    queries.push(EngineQuery {
        text: analyze("nhan"),
        filters: SearchFilters {
            commune: Some("tan-hung".into()),
            min_stars: Some(3),
            in_stock: true,
            ..Default::default()
        },
        sort: SearchSort::PriceAsc,
        offset: 20,
        limit: 20,
    });
    let mut times = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        for q in &queries {
            let t = Instant::now();
            let hits = engine.search_now(q)?;
            times.push(t.elapsed());
            std::hint::black_box(hits);
        }
    }
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "search queries (embedded, one at a time, {} runs of {} queries incl. as-you-type prefixes): \
         p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms (budget p95 ≤ 15 ms)",
        times.len(),
        queries.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(times[times.len() - 1])
    );
    println!();
    Ok(())
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn row(what: &str, r: &load::LoadReport, budget: &str) {
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!(
        "| {what} | {:.0} | {} | {} | {} | {} | {} | {budget} |",
        r.per_second(),
        ms(r.p50),
        ms(r.p95),
        ms(r.p99),
        ms(r.max),
        r.failures
    );
}

/// The document and every script, style sheet and wasm module it loads, as compressed bytes.
async fn page_weight(base: &str, path: &str) -> anyhow::Result<Vec<(String, usize)>> {
    let client = reqwest::Client::new();
    let html = client
        .get(format!("{base}{path}"))
        .send()
        .await?
        .text()
        .await?;
    let mut parts = vec![(path.to_owned(), compressed_len(&client, base, path).await?)];
    for asset in assets(&html) {
        parts.push((asset.clone(), compressed_len(&client, base, &asset).await?));
    }
    Ok(parts)
}

async fn compressed_len(client: &reqwest::Client, base: &str, path: &str) -> anyhow::Result<usize> {
    // reqwest is built without decompression here, so the body is what crossed the wire.
    let r = client
        .get(format!("{base}{path}"))
        .header("accept-encoding", "br")
        .send()
        .await?
        .error_for_status()?;
    Ok(r.bytes().await?.len())
}

/// Same-origin `/pkg/…` and style sheet URLs a page loads (the wasm module is named after the
/// script: `/pkg/ocop.js` loads `/pkg/ocop.wasm`).
fn assets(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\"", "from '", "import('"] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            let end = rest.find(['"', '\'']).unwrap_or(0);
            let url = &rest[..end];
            if url.starts_with("/pkg/") && !found.iter().any(|f| f == url) {
                found.push(url.to_owned());
            }
        }
    }
    let wasm: Vec<String> = found
        .iter()
        .filter_map(|u| u.strip_suffix(".js").map(|s| format!("{s}.wasm")))
        .collect();
    for w in wasm {
        if !found.contains(&w) {
            found.push(w);
        }
    }
    found
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {cpu}")
}

/// A 12-megapixel camera JPEG (4000 × 3000) through the upload pipeline: the time to its
/// published copies, and how far the process's peak memory rose meanwhile.
fn photo_pipeline() -> anyhow::Result<()> {
    use server::photos::{pipeline, samples};
    let upload = samples::with_exif_orientation(&samples::jpeg(4000, 3000));
    let before = peak_rss_kb();
    let t = Instant::now();
    let copies = pipeline::process(&upload).map_err(|e| anyhow::anyhow!("{e}"))?;
    let elapsed = t.elapsed();
    let after = peak_rss_kb();
    println!(
        "photo: 12 MP JPEG ({:.1} MB) to {} copies (JPEG and WebP each) in {:.2} s, peak memory +{} MB (budget ≤ 2 s, ≤ 300 MB)",
        upload.len() as f64 / 1e6,
        copies.len(),
        elapsed.as_secs_f64(),
        after.saturating_sub(before) / 1024
    );
    let sizes: Vec<String> = copies
        .iter()
        .map(|c| {
            format!(
                "{} px: JPEG {} B, WebP {} B ({:+.0}%)",
                c.width,
                c.jpeg.len(),
                c.webp.len(),
                (c.webp.len() as f64 / c.jpeg.len() as f64 - 1.0) * 100.0
            )
        })
        .collect();
    println!("photo copies: {}", sizes.join("; "));
    println!();
    Ok(())
}

/// Photos uploaded four at once through the server (as a commune officer's cover photo): the
/// security review's 50 MP PNG (under 1 MB of file), then 12 MP phone JPEGs. How far the
/// process's peak memory rose above what it held before each batch.
async fn parallel_uploads(app: &TestApp) -> anyhow::Result<()> {
    use ocop_tests::browser::Browser;
    use server::photos::samples;
    let officer = Browser::new(&app.address);
    let password = "đo bộ nhớ ảnh song song";
    let r = officer
        .submit(
            "/dang-ky",
            &[
                ("name", "Cán bộ đo"),
                ("login", "0988 399 001"),
                ("password", password),
                ("password_again", password),
            ],
        )
        .await;
    anyhow::ensure!(r.status() == 303, "signing up: {}", r.status());
    sqlx::query(
        "INSERT INTO commune_officers (user_id, commune_id, created_at)
         SELECT u.id, c.id, '2026-11-27T00:00:00.000Z' FROM users u, communes c
          WHERE u.phone = '+84988399001' AND c.slug = 'pho-hien'",
    )
    .execute(app.db.pool())
    .await?;
    let commune: String = sqlx::query_scalar("SELECT id FROM communes WHERE slug = 'pho-hien'")
        .fetch_one(app.db.pool())
        .await?;
    let path = format!("/can-bo/xa/{commune}/anh");
    // The phone photos first: memory freed after a batch may stay with the process.
    for (what, file) in [
        ("12 MP JPEG", samples::jpeg(4000, 3000)),
        ("50 MP PNG", samples::black_png(8000, 6250)),
    ] {
        // The peak so far is forgotten (Linux): only this batch's counts.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let before = peak_rss_kb();
        let t = Instant::now();
        let files = [("anh", "photo", &file[..])];
        let uploads = (0..4).map(|_| officer.upload(&path, &[], &files));
        let answers: Vec<String> = futures::future::join_all(uploads)
            .await
            .iter()
            .map(|r| {
                let to = ocop_tests::browser::location(r);
                match to.split_once("loi=") {
                    Some((_, code)) => code.trim_end_matches("#anh-bia").to_owned(),
                    None if r.status().is_redirection() => "stored".to_owned(),
                    None => r.status().to_string(),
                }
            })
            .collect();
        let peak = peak_rss_kb();
        println!(
            "4 parallel uploads of a {what} ({:.2} MB): {} in {:.2} s, peak memory {} MB (+{} MB)",
            file.len() as f64 / 1e6,
            answers.join(", "),
            t.elapsed().as_secs_f64(),
            peak / 1024,
            peak.saturating_sub(before) / 1024
        );
    }
    println!();
    Ok(())
}

/// The process's peak resident memory so far (Linux `VmHWM`), in KiB; 0 elsewhere.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The forgotten-password answer for addresses that have a verified account and for addresses
/// nobody has, interleaved, through the real server (#22): whether its time tells one from the
/// other. Each address is asked once from its own client address (behind a trusted proxy), so
/// no throttle answers instead and every known address really gets a code.
async fn reset_timing(engine: Engine) -> anyhow::Result<()> {
    use app::auth::{login::LoginId, storage};
    const N: usize = 300;
    let app = ocop_tests::spawn_app_configured(engine, |s| {
        s.notify = ocop_tests::held_channels();
        s.trusted_proxies = server::config::TrustedProxies::parse("127.0.0.1").expect("loopback");
    })
    .await;
    for i in 0..N {
        let login = LoginId::parse(&format!("co.{i}@example.vn"))?;
        let id = storage::create_user(&app.db, &login, "Có", "not-a-hash", false, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        sqlx::query("UPDATE users SET email_verified_at = '2026-12-01T00:00:00Z' WHERE id = $1")
            .bind(&id)
            .execute(app.db.pool())
            .await?;
    }
    let browser = ocop_tests::browser::Browser::new(&app.address);
    browser.page("/quen-mat-khau").await;
    let csrf = browser.cookie("ocop_csrf").expect("an anti-forgery cookie");
    let (mut known, mut unknown) = (Vec::with_capacity(N), Vec::with_capacity(N));
    for i in 0..N {
        for (n, address, into) in [
            (2 * i, format!("co.{i}@example.vn"), &mut known),
            (2 * i + 1, format!("khong.{i}@example.vn"), &mut unknown),
        ] {
            let client = format!("10.{}.{}.1", n / 250, n % 250);
            // The code written after one answer must not slow the next one measured.
            tokio::time::sleep(Duration::from_millis(5)).await;
            let t = Instant::now();
            let r = browser
                .post_raw(
                    "/quen-mat-khau",
                    &[("login", address.as_str()), ("csrf", csrf.as_str())],
                    &[("x-forwarded-for", client.as_str())],
                )
                .await;
            into.push(t.elapsed());
            anyhow::ensure!(r.status() == 303, "{address}: {}", r.status());
        }
    }
    // Every known address got its code (written after the answer).
    let mut sent = 0;
    for _ in 0..100 {
        sent = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE kind = 'password_reset_code'",
        )
        .fetch_one(app.db.pool())
        .await?;
        if sent == N as i64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::ensure!(
        sent == N as i64,
        "{sent} codes written for {N} known addresses"
    );
    let quantile = |v: &mut Vec<Duration>, q: f64| {
        v.sort_unstable();
        v[((v.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0
    };
    println!("POST /quen-mat-khau, {N} addresses each, interleaved (ms):");
    println!("| address | p50 | p95 |");
    println!("|---|---:|---:|");
    for (what, v) in [
        ("a verified account's (a code is sent)", &mut known),
        ("nobody's", &mut unknown),
    ] {
        let (p50, p95) = (quantile(v, 0.5), quantile(v, 0.95));
        println!("| {what} | {p50:.2} | {p95:.2} |");
    }
    println!();
    Ok(())
}

/// CPU time spent by this process and by PostgreSQL's processes between two points, so a slow
/// page can be told apart: our code (and the load generator beside it) or the database.
struct CpuClock {
    own: f64,
    postgres: f64,
}

impl CpuClock {
    fn now() -> Self {
        let postgres = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                std::fs::read_to_string(e.path().join("comm")).is_ok_and(|c| c.trim() == "postgres")
            })
            .filter_map(|e| cpu_seconds(&e.path().join("stat")))
            .sum();
        Self {
            own: cpu_seconds(std::path::Path::new("/proc/self/stat")).unwrap_or(0.0),
            postgres,
        }
    }

    /// Milliseconds per request: (this process, PostgreSQL). A PostgreSQL backend that ended in
    /// between takes its time with it, so that figure is a floor.
    fn per_request(self, requests: usize) -> (f64, f64) {
        let after = Self::now();
        let n = requests.max(1) as f64;
        (
            (after.own - self.own) * 1000.0 / n,
            (after.postgres - self.postgres).max(0.0) * 1000.0 / n,
        )
    }
}

/// utime + stime of a `/proc/<pid>/stat`, in seconds (Linux counts them in 1/100 s ticks).
fn cpu_seconds(stat: &std::path::Path) -> Option<f64> {
    let text = std::fs::read_to_string(stat).ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}
