//! The replay engine of `replay`, `cutover` and `verify`: reads ranges of the log with
//! `platform::kafka::range` and applies them with the projector's own `batch::apply`
//! (hence `project()`, the validity rule and the decode layer), into whichever schema's
//! pool it is given, exactly once per version thanks to that version's checkpoints. It
//! has no code path of its own for deciding or applying a record.

use std::collections::BTreeMap;

use indicatif::ProgressBar;
use platform::kafka::LogEntry;
use platform::kafka::range::RangeReader;
use projector::batch::Target;
use serde::Serialize;
use sqlx::MySqlPool;

/// Records read from Kafka per transaction.
const CHUNK: usize = 1_000;

/// Where to read from.
#[derive(Debug, Clone)]
pub struct Source {
    pub brokers: String,
    pub topic: String,
}

/// Per partition, `[from, end)`; `from` is raised to the target's checkpoint.
pub type Ranges = BTreeMap<i32, (i64, i64)>;

/// What a rebuild did, per partition and in total.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub read: u64,
    pub applied: u64,
    pub ignored: u64,
    pub parked: u64,
    /// The target's checkpoint per partition afterwards.
    pub checkpoints: BTreeMap<i32, i64>,
}

/// Applies `ranges` of `source` to the projection in `pool`, keeping only `aggregate`'s
/// records (and the writer claims its validity depends on) when given.
pub async fn run(
    pool: &MySqlPool,
    source: &Source,
    ranges: &Ranges,
    aggregate: Option<&str>,
    bar: &ProgressBar,
) -> anyhow::Result<Totals> {
    let stored = crate::versions::checkpoints(pool).await?;
    let ranges: Ranges = ranges
        .iter()
        .map(|(p, (from, end))| {
            let from = (*from).max(stored.get(p).copied().unwrap_or(0));
            (*p, (from.min(*end), *end))
        })
        .collect();
    bar.set_length(ranges.values().map(|(f, e)| (e - f).max(0) as u64).sum());
    let projection = projector::startup::projection();
    let target = Target::live(&projection);
    let mut totals = Totals::default();
    for (partition, (from, end)) in &ranges {
        if from >= end {
            continue;
        }
        let mut reader = open(source, *partition, *from, *end).await?;
        while let Some((back, chunk)) = next(reader).await? {
            reader = back;
            bar.inc(chunk.len() as u64);
            totals.read += chunk.len() as u64;
            let kept: Vec<LogEntry> = chunk
                .into_iter()
                .filter(|e| aggregate.is_none_or(|a| belongs_to(e, a)))
                .collect();
            if kept.is_empty() {
                continue;
            }
            let report = projector::batch::apply(pool, target, *partition, &kept).await?;
            totals.applied += report.applied;
            totals.ignored += report.ignored;
            totals.parked += report.parked;
        }
    }
    totals.checkpoints = crate::versions::checkpoints(pool).await?;
    Ok(totals)
}

/// Whether a record concerns `aggregate`: its own records, and every writer claim.
fn belongs_to(entry: &LogEntry, aggregate: &str) -> bool {
    matches!(entry.key.as_deref(), Some(k) if k == b"claim" || k == aggregate.as_bytes())
}

async fn open(source: &Source, partition: i32, from: i64, end: i64) -> anyhow::Result<RangeReader> {
    let (brokers, topic) = (source.brokers.clone(), source.topic.clone());
    tokio::task::spawn_blocking(move || RangeReader::open(&brokers, &topic, partition, from, end))
        .await?
}

/// The next chunk, read on a blocking thread (librdkafka's poll blocks).
async fn next(mut reader: RangeReader) -> anyhow::Result<Option<(RangeReader, Vec<LogEntry>)>> {
    tokio::task::spawn_blocking(move || Ok(reader.next_chunk(CHUNK)?.map(|chunk| (reader, chunk))))
        .await?
}

/// The ranges a selection reads, up to the high watermarks observed now.
pub async fn ranges(source: &Source, selection: &crate::args::Selection) -> anyhow::Result<Ranges> {
    let (brokers, topic) = (source.brokers.clone(), source.topic.clone());
    let since = selection.since.map(|t| t.timestamp_millis());
    let (marks, starts) = tokio::task::spawn_blocking(move || {
        let marks = platform::kafka::range::watermarks(&brokers, &topic)?;
        let starts = match since {
            Some(ms) => Some(platform::kafka::range::offsets_for_time(
                &brokers, &topic, ms,
            )?),
            None => None,
        };
        anyhow::Ok((marks, starts))
    })
    .await??;
    // An aggregate lives in one partition: murmur2 of its id, as everywhere else.
    let count = marks.len() as i32;
    let of_aggregate = selection
        .aggregate
        .as_ref()
        .map(|a| platform::kafka::partition_for(a.as_bytes(), count));
    let only = selection.partition.or(of_aggregate);
    Ok(marks
        .into_iter()
        .filter(|(p, _)| only.is_none_or(|o| o == *p))
        .map(|(p, (low, high))| {
            let from = starts
                .as_ref()
                .and_then(|s| s.get(&p).copied())
                .unwrap_or(low);
            (p, (from, high))
        })
        .collect())
}

/// Ranges from each partition's start to `ends` (the offsets to reach).
pub fn up_to(ends: &BTreeMap<i32, i64>) -> Ranges {
    ends.iter().map(|(p, end)| (*p, (0, *end))).collect()
}
