//! The `ocop` binary as an operator runs it: exit codes and messages.

use std::process::{Command, Output};

fn ocop(args: &[&str], data_dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ocop"))
        .args(args)
        .env("OCOP_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env("OCOP_LOG_FORMAT", "text")
        .output()
        .expect("running the ocop binary")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_bad_database_url_is_a_clear_error_and_a_failing_exit() {
    let dir = tempfile::tempdir().unwrap();
    let out = ocop(
        &[
            "migrate",
            "--database-url",
            "mysql://root:pw@localhost/ocop",
        ],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("is not supported: use sqlite://PATH or postgres://"),
        "{err}"
    );
    assert!(!err.contains(":pw@"), "passwords stay hidden: {err}");
}

#[test]
fn an_unreachable_database_is_a_clear_error_and_a_failing_exit() {
    let dir = tempfile::tempdir().unwrap();
    let out = ocop(
        &[
            "migrate",
            "--database-url",
            "postgres://ocop@127.0.0.1:1/ocop",
        ],
        dir.path(),
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot open the database at postgres://ocop@127.0.0.1:1/ocop"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn migrate_then_seed_twice_on_the_default_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = ocop(&["migrate"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        dir.path().join("ocop.db").is_file(),
        "the default database lives in the data dir"
    );

    let first = ocop(&["seed"], dir.path());
    assert!(first.status.success(), "{}", stderr(&first));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("communes 104"), "{stdout}");

    let second = ocop(&["seed"], dir.path());
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(String::from_utf8_lossy(&second.stdout).contains("nothing inserted"));
}

/// `ocop serve` on an empty database: migrates, loads the demo, serves, and stops cleanly on
/// SIGTERM (what a service manager sends).
#[test]
fn serve_loads_the_demo_into_an_empty_database_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};

    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocop"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("OCOP_DATA_DIR", dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("OCOP_NO_DEMO")
        .env("OCOP_LOG_FORMAT", "text")
        .env("LEPTOS_SITE_ROOT", dir.path().join("site"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starting ocop serve");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = String::new();
    let address = loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("server ended before serving:\n{log}"))
            .unwrap();
        log.push_str(&line);
        log.push('\n');
        if let Some(rest) = line.split("serving address=").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    assert!(log.contains("demo data loaded"), "{log}");

    // Keep reading the log so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let get = |path: &str| {
        rt.block_on(async {
            let resp = reqwest::get(format!("http://{address}{path}"))
                .await
                .unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        })
    };
    let (status, home) = get("/");
    assert_eq!(status, 200);
    assert!(home.contains("Nhãn lồng Hưng Yên"), "{home}");
    let (status, health) = get("/healthz");
    assert_eq!(status, 200);
    assert!(health.contains(r#""status":"ok""#), "{health}");

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "a clean exit after SIGTERM, got {status}");
}

#[test]
fn create_admin_reads_the_password_from_stdin_and_checks_it() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let run = |password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ocop"))
            .args([
                "create-admin",
                "--login",
                "0912 345 678",
                "--name",
                "Chị Hoa",
            ])
            .env("OCOP_DATA_DIR", dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("OCOP_ADMIN_PASSWORD")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = run("12345678");
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("too common"), "{}", stderr(&weak));

    let ok = run("quan tri tinh hung yen");
    assert!(ok.status.success(), "{}", stderr(&ok));
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        out.contains("0912 345 678 is a province administrator"),
        "{out}"
    );
    // Running it again makes no second account.
    assert!(run("quan tri tinh hung yen").status.success());
}
