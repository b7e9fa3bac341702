//! Rebuilds the crate when a migration is added: `sqlx::migrate!` embeds the files of
//! `migrations/`, and cargo does not otherwise notice a new file in that directory.
//! It generates nothing.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
