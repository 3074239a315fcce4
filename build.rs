// `sqlx::migrate!` embeds `migrations/` at compile time; without this, a
// new or changed migration is not built in until some Rust file changes
// (what `sqlx migrate build-script` writes).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
