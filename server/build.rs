// The demo data file is embedded with include_str!; Cargo tracks it, but be explicit.
fn main() {
    println!("cargo:rerun-if-changed=seed/hung_yen.json");
}
