//! The PostgreSQL variants of the database tests are compiled in as real tests only when
//! TEST_POSTGRES_URL is set; otherwise they are reported as ignored (with the reason), never as
//! passed.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(ocop_pg_tests)");
    println!("cargo::rerun-if-env-changed=TEST_POSTGRES_URL");
    if std::env::var_os("TEST_POSTGRES_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=ocop_pg_tests");
    }
}
