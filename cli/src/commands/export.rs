//! `clustergenie export`: writes a range of a topic (all of it, or `--partition`,
//! `--aggregate`, `--since` / `--until`) to a record file in the fixture format
//! (`platform::kafka::fixture`), partition by partition in offset order. Read-only.

use std::io::Write;
use std::path::Path;

use platform::kafka::range::{RangeReader, offsets_for_time};
use serde_json::json;

use super::Context;
use crate::args::Selection;
use crate::output::Summary;
use crate::rebuild::{self, Source};

pub async fn run(
    ctx: &Context,
    out: &Path,
    topic: Option<String>,
    selection: &Selection,
    until: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> anyhow::Result<Summary> {
    let source = Source {
        topic: topic.unwrap_or_else(|| ctx.settings.kafka.events_topic()),
        ..ctx.source()
    };
    let mut ranges = rebuild::ranges(&source, selection).await?;
    if let Some(until) = until {
        let (brokers, topic) = (source.brokers.clone(), source.topic.clone());
        let ms = until.timestamp_millis();
        let ends =
            tokio::task::spawn_blocking(move || offsets_for_time(&brokers, &topic, ms)).await??;
        for (p, (_, end)) in &mut ranges {
            *end = (*end).min(ends.get(p).copied().unwrap_or(*end));
        }
    }
    let total: i64 = ranges.values().map(|(f, e)| (e - f).max(0)).sum();
    let bar = ctx.progress.bar(total as u64, "export");
    let aggregate = selection.aggregate.clone();
    let path = out.to_path_buf();
    let written = tokio::task::spawn_blocking(move || -> anyhow::Result<u64> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let mut written = 0;
        for (p, (from, end)) in ranges {
            if from >= end {
                continue;
            }
            let mut reader = RangeReader::open(&source.brokers, &source.topic, p, from, end)?;
            while let Some(chunk) = reader.next_chunk(1_000)? {
                bar.inc(chunk.len() as u64);
                let kept = chunk.iter().filter(|e| {
                    aggregate.as_deref().is_none_or(|a| {
                        matches!(e.key.as_deref(), Some(k) if k == b"claim" || k == a.as_bytes())
                    })
                });
                for entry in kept {
                    platform::kafka::fixture::write(&mut file, [entry])?;
                    written += 1;
                }
            }
        }
        file.flush()?;
        bar.finish_and_clear();
        Ok(written)
    })
    .await??;
    Ok(Summary::ok(
        format!("exported {written} records to {}", out.display()),
        json!({"command": "export", "records": written, "file": out}),
    ))
}
