//! Generates Rust types (and the descriptor set the schema lock test reads) from the
//! schema under `schema/`, with the vendored protoc unless `PROTOC` is set. Must never
//! download anything.

use std::{env, error::Error, path::PathBuf};

fn main() -> Result<(), Box<dyn Error>> {
    if env::var_os("PROTOC").is_none() {
        let vendored = protoc_bin_vendored::protoc_bin_path()?;
        // Edition 2024 makes set_var unsafe; nothing else runs in this process yet.
        unsafe { env::set_var("PROTOC", vendored) };
    }
    let schema = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("schema");
    println!("cargo:rerun-if-changed={}", schema.display());
    let files = [
        "events.proto",
        "cluster.proto",
        "reservation.proto",
        "rate_limit_policy.proto",
        "job.proto",
        "queue.proto",
        "snapshot.proto",
        "metrics.proto",
        "diagnosis.proto",
        "autoscaling_policy.proto",
        "provider.proto",
        "deployment.proto",
    ]
    .map(|f| schema.join(f));
    // Each file too, not only the directory: a new schema file must rebuild every
    // variant of this crate, whatever the directory's own timestamp says.
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    // Ordered maps, so a record encodes to the same bytes every time. The descriptor set
    // is what `tests/schema_lock.rs` holds against `schema/schema.lock`.
    let descriptors = PathBuf::from(env::var("OUT_DIR")?).join("clustergenie.descriptors.bin");
    prost_build::Config::new()
        .btree_map(["."])
        .file_descriptor_set_path(descriptors)
        .compile_protos(&files, &[&schema])?;
    Ok(())
}
