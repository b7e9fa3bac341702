//! Tidy: the rules of ARCHITECTURE.md that are mechanical, checked so they cannot drift.
//! Every Rust file opens with a `//!` saying what it is; the crate dependency boundaries
//! hold (read from each crate's own `Cargo.toml`, normal dependencies only).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The workspace root (devtools lives one level below it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("devtools has a parent")
        .to_path_buf()
}

/// Workspace member directories, from the root manifest.
fn members() -> Vec<String> {
    let manifest = read_toml(&root().join("Cargo.toml"));
    manifest["workspace"]["members"]
        .as_array()
        .expect("workspace members")
        .iter()
        .map(|m| m.as_str().expect("member path").to_owned())
        .collect()
}

fn read_toml(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    text.parse()
        .unwrap_or_else(|e| panic!("{path:?} is not TOML: {e}"))
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() && name != "target" && name != "node_modules" {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_rust_file_starts_with_a_module_comment() {
    let mut files = Vec::new();
    for member in members() {
        rust_files(&root().join(member), &mut files);
    }
    assert!(files.len() > 100, "found only {} files", files.len());
    let missing: Vec<String> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|p| p.strip_prefix(root()).unwrap_or(p).display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` header: {missing:#?}"
    );
}

/// The normal (not dev, not build) dependencies of the crate in `dir`.
fn dependencies(dir: &str) -> BTreeSet<String> {
    let manifest = read_toml(&root().join(dir).join("Cargo.toml"));
    manifest
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

const BINARIES: [&str; 4] = ["command-api", "query-api", "projector", "log-consumer"];

#[test]
fn domain_is_pure() {
    let extra: Vec<_> = dependencies("crates/domain")
        // foldhash: a pure hash function for the validity rule's per-aggregate table.
        // chrono-tz: the IANA zone data compiled in, for autoscaling schedules.
        .difference(&set(&[
            "chrono",
            "chrono-tz",
            "uuid",
            "thiserror",
            "foldhash",
        ]))
        .cloned()
        .collect();
    assert!(extra.is_empty(), "domain may not depend on {extra:?}");
}

#[test]
fn proto_depends_on_the_domain_and_prost_only() {
    let allowed = set(&[
        "domain",
        "prost",
        "prost-types",
        "chrono",
        "uuid",
        "thiserror",
    ]);
    let extra: Vec<_> = dependencies("proto")
        .difference(&allowed)
        .cloned()
        .collect();
    assert!(extra.is_empty(), "proto may not depend on {extra:?}");
}

#[test]
fn contract_is_types_only() {
    let allowed = set(&["utoipa", "serde", "serde_json", "uuid"]);
    let extra: Vec<_> = dependencies("crates/contract")
        .difference(&allowed)
        .cloned()
        .collect();
    assert!(extra.is_empty(), "contract may not depend on {extra:?}");
}

#[test]
fn platform_knows_nothing_of_the_domain() {
    let deps = dependencies("crates/platform");
    for forbidden in ["domain", "proto", "views"].iter().chain(&BINARIES) {
        assert!(
            !deps.contains(*forbidden),
            "platform depends on {forbidden}"
        );
    }
}

#[test]
fn views_know_the_domain_and_rows_only() {
    let deps = dependencies("crates/views");
    for forbidden in ["platform", "proto", "rdkafka", "actix-web"]
        .iter()
        .chain(&BINARIES)
    {
        assert!(!deps.contains(*forbidden), "views depends on {forbidden}");
    }
}

#[test]
fn no_binary_depends_on_another() {
    for binary in BINARIES {
        let deps = dependencies(binary);
        for other in BINARIES.iter().filter(|b| **b != binary) {
            assert!(!deps.contains(*other), "{binary} depends on {other}");
        }
    }
}

#[test]
fn query_api_never_touches_the_log() {
    let deps = dependencies("query-api");
    for forbidden in ["proto", "rdkafka"] {
        assert!(
            !deps.contains(forbidden),
            "query-api depends on {forbidden}"
        );
    }
}

/// log-consumer is a log sink: it reads `logs.*` and writes `log_lines` / `log_parked`
/// (see ARCHITECTURE.md, *log sink*); it never decodes the event log nor knows the domain.
#[test]
fn log_consumer_never_reads_the_event_log() {
    let deps = dependencies("log-consumer");
    for forbidden in ["proto", "domain"] {
        assert!(
            !deps.contains(forbidden),
            "log-consumer depends on {forbidden}"
        );
    }
}

/// The admin CLI reuses the projector's code paths (decode, validity rule, `project()`)
/// and `platform::kafka`; it never borrows from the other binaries, and no service
/// depends on it.
#[test]
fn the_cli_reuses_the_projector_and_nothing_depends_on_it() {
    let deps = dependencies("cli");
    assert!(
        deps.contains("projector"),
        "the CLI must use the projector's code paths"
    );
    for forbidden in ["command-api", "query-api", "log-consumer", "devtools"] {
        assert!(!deps.contains(forbidden), "cli depends on {forbidden}");
    }
    for binary in BINARIES {
        assert!(
            !dependencies(binary).contains("cli"),
            "{binary} depends on cli"
        );
    }
}
