//! `report RUN_DIR OUT.json`: reads one `make bench` run directory, prints the table of
//! every target next to its figure, baseline, ratio and verdict, and writes the results
//! document. It reports; it never fails a run because a target was missed.

use std::path::PathBuf;

use anyhow::Context;
use bench::results::Run;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().context("usage: report RUN_DIR OUT.json")?);
    let out = PathBuf::from(args.next().context("usage: report RUN_DIR OUT.json")?);
    let run = Run::read(&dir)?;
    let lines = run.lines();
    bench::table::print(&lines);
    let document = run.document(&lines);
    std::fs::write(&out, serde_json::to_string_pretty(&document)? + "\n")
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}
