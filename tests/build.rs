//! Variants that need a service this machine may not have are compiled in as real tests only
//! when the service is configured; otherwise they are reported as ignored (with the reason),
//! never as passed: the PostgreSQL variants (TEST_POSTGRES_URL) and the Meilisearch conformance
//! tests (MEILI_URL), and the photos in object storage (OCOP_TEST_S3, an S3 server's address).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(ocop_pg_tests)");
    println!("cargo::rustc-check-cfg=cfg(ocop_meili_tests)");
    println!("cargo::rerun-if-env-changed=TEST_POSTGRES_URL");
    println!("cargo::rustc-check-cfg=cfg(ocop_s3_tests)");
    println!("cargo::rerun-if-env-changed=MEILI_URL");
    println!("cargo::rerun-if-env-changed=OCOP_TEST_S3");
    if std::env::var_os("TEST_POSTGRES_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=ocop_pg_tests");
    }
    if std::env::var_os("MEILI_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=ocop_meili_tests");
    }
    if std::env::var_os("OCOP_TEST_S3").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=ocop_s3_tests");
    }
}
