// The catalogs are compiled in by `static_loader!`, which does not tell Cargo
// about files added later; watch the whole folder so a new `.ftl` rebuilds.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
