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
