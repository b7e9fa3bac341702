//! `clustergenie import`: produces a record file (the fixture format) into a topic, each
//! record to its recorded partition, in file order, with its key, headers and timestamp.
//! The topic must be empty (`--create P` makes it, with the event log's settings), so
//! the records keep their recorded offsets and the live log (whose only writer is
//! command-api) can never be appended to by mistake.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use platform::config::KafkaSettings;
use platform::kafka::TopicSpec;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::FutureRecord;
use serde_json::json;

use super::Context;
use crate::output::Summary;

pub async fn run(
    ctx: &Context,
    input: &Path,
    topic: &str,
    create: Option<i32>,
) -> anyhow::Result<Summary> {
    let file =
        std::fs::File::open(input).with_context(|| format!("cannot open {}", input.display()))?;
    let entries = platform::kafka::fixture::read(std::io::BufReader::new(file))?;
    let brokers = ctx.settings.kafka.brokers.clone();
    if let Some(partitions) = create {
        let settings = KafkaSettings {
            partitions,
            ..ctx.settings.kafka.clone()
        };
        let spec = TopicSpec {
            name: topic.to_owned(),
            ..TopicSpec::events(&settings)
        };
        platform::kafka::ensure_topics(&brokers, &[spec]).await?;
    }
    let (b, t) = (brokers.clone(), topic.to_owned());
    let marks =
        tokio::task::spawn_blocking(move || platform::kafka::range::watermarks(&b, &t)).await??;
    anyhow::ensure!(
        marks.values().all(|(_, high)| *high == 0),
        "topic {topic} is not empty: import only into a fresh topic"
    );
    let needed = entries.iter().map(|e| e.partition + 1).max().unwrap_or(0);
    anyhow::ensure!(
        needed as usize <= marks.len(),
        "topic {topic} has {} partitions; the file needs {needed}",
        marks.len()
    );
    let producer = platform::kafka::producer(&brokers)?;
    let bar = ctx.progress.bar(entries.len() as u64, "import");
    let mut moved = 0u64;
    for entry in &entries {
        let mut headers = OwnedHeaders::new();
        for (key, value) in &entry.headers {
            headers = headers.insert(Header {
                key,
                value: Some(value.as_slice()),
            });
        }
        let mut record = FutureRecord::<Vec<u8>, Vec<u8>>::to(topic)
            .partition(entry.partition)
            .headers(headers);
        if let Some(key) = &entry.key {
            record = record.key(key);
        }
        if let Some(value) = &entry.value {
            record = record.payload(value);
        }
        if let Some(ts) = entry.timestamp_ms {
            record = record.timestamp(ts);
        }
        let delivery = producer
            .send(record, Duration::from_secs(10))
            .await
            .map_err(|(e, _)| e)
            .context("a record was not delivered")?;
        if delivery.offset != entry.offset {
            moved += 1;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(Summary::ok(
        format!(
            "imported {} records into {topic} ({moved} at another offset than recorded)",
            entries.len()
        ),
        json!({"command": "import", "records": entries.len(), "topic": topic, "offsets_changed": moved}),
    ))
}
