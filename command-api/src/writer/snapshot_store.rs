//! Where partition snapshots live: the compacted topic `<prefix>cluster-events.snapshots`,
//! partition p holding the snapshots of partition p of the log. A snapshot is written as
//! chunk records (key `<snapshot id>/<index>`, at most `CHUNK_BYTES` each, under Kafka's
//! record limit), then a manifest (key `manifest/<partition>`) naming the snapshot id,
//! covered offset, claim, chunk count, length and SHA-256; only then are the previous
//! snapshot's chunks tombstoned. Loading reads the partition to its end and verifies the
//! newest manifest's chunks; anything missing or corrupt is an error the caller answers
//! with a full replay. It never decides what a snapshot contains.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use proto::snapshot::{
    Manifest, PartitionImage, decode_image, decode_manifest, encode_image, encode_manifest,
};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Chunk size: well under Kafka's default 1 MB `max.message.bytes`.
pub const CHUNK_BYTES: usize = 512 * 1024;
const MANIFEST_PREFIX: &str = "manifest/";
const LOAD_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(200);
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// A verified snapshot read back from the topic.
#[derive(Debug)]
pub struct Loaded {
    pub manifest: Manifest,
    pub image: PartitionImage,
}

#[derive(Clone)]
pub struct SnapshotStore {
    brokers: String,
    topic: String,
    producer: FutureProducer,
}

/// A consumer for loading snapshots, one per rebalance: a client per partition cost a
/// bootstrap and a metadata round trip each (1.8 s of a 12-partition start on an empty
/// topic), while one kept for the process's life could sit in reconnect backoff after a
/// broker restart, just when every partition must be loaded again.
pub struct SnapshotReader {
    topic: String,
    consumer: BaseConsumer,
}

fn manifest_key(partition: i32) -> String {
    format!("{MANIFEST_PREFIX}{partition}")
}

fn chunk_key(snapshot_id: Uuid, index: u32) -> String {
    format!("{snapshot_id}/{index}")
}

impl SnapshotStore {
    /// A store on `topic` with its own producer, so large chunks never queue in front of
    /// commands.
    pub fn new(brokers: &str, topic: &str) -> anyhow::Result<Self> {
        Ok(Self {
            brokers: brokers.to_owned(),
            topic: topic.to_owned(),
            producer: platform::kafka::producer(brokers)?,
        })
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Writes `image` (chunks, then its manifest), then tombstones `previous`'s chunks.
    pub async fn save(
        &self,
        image: &PartitionImage,
        previous: Option<&Manifest>,
        taken_at: DateTime<Utc>,
    ) -> anyhow::Result<Manifest> {
        let partition = image.coverage.partition;
        let (manifest, chunks) = chunked(image, Uuid::now_v7(), taken_at)?;
        let snapshot_id = manifest.snapshot_id;
        for (index, chunk) in chunks.iter().enumerate() {
            let key = chunk_key(snapshot_id, u32::try_from(index)?);
            self.send(partition, &key, Some(chunk)).await?;
        }
        self.send(
            partition,
            &manifest_key(partition),
            Some(&encode_manifest(&manifest)),
        )
        .await?;
        if let Some(previous) = previous.filter(|p| p.snapshot_id != snapshot_id) {
            for index in 0..previous.chunk_count {
                self.send(partition, &chunk_key(previous.snapshot_id, index), None)
                    .await?;
            }
        }
        Ok(manifest)
    }

    async fn send(&self, partition: i32, key: &str, value: Option<&[u8]>) -> anyhow::Result<()> {
        let mut record = FutureRecord::<str, [u8]>::to(&self.topic)
            .partition(partition)
            .key(key);
        if let Some(value) = value {
            record = record.payload(value);
        }
        self.producer
            .send(record, SEND_TIMEOUT)
            .await
            .map_err(|(error, _)| error)
            .with_context(|| format!("writing snapshot record {key}"))?;
        Ok(())
    }

    /// A reader for the loads of one rebalance.
    pub fn reader(&self) -> anyhow::Result<SnapshotReader> {
        let consumer = platform::kafka::consumer_config(&self.brokers, "command-api-snapshots")
            // A bulk read to a known end, not an idle reader: a long poll left in flight
            // at one partition's end delays the next partition's first fetch.
            .set("fetch.wait.max.ms", "10")
            .create()?;
        Ok(SnapshotReader {
            topic: self.topic.clone(),
            consumer,
        })
    }

    /// The newest snapshot of `partition` through a reader of its own (tests, tools).
    pub fn load_blocking(&self, partition: i32) -> anyhow::Result<Option<Loaded>> {
        self.reader()?.load(partition)
    }
}

impl SnapshotReader {
    /// The newest snapshot of `partition`, verified; `Ok(None)` when there is none.
    /// Blocking: it polls a consumer (call it from the reader thread or `spawn_blocking`).
    pub fn load(&self, partition: i32) -> anyhow::Result<Option<Loaded>> {
        let records = self.read_partition(partition)?;
        let mut manifest = None;
        let mut chunks: HashMap<Uuid, BTreeMap<u32, Vec<u8>>> = HashMap::new();
        for (key, value) in records {
            if key.starts_with(MANIFEST_PREFIX) {
                if let Some(value) = value {
                    manifest = Some(decode_manifest(&value).context("manifest cannot be decoded")?);
                }
                continue;
            }
            let Some((id, index)) = parse_chunk_key(&key) else {
                continue;
            };
            match value {
                Some(value) => {
                    chunks.entry(id).or_default().insert(index, value);
                }
                None => {
                    if let Some(c) = chunks.get_mut(&id) {
                        c.remove(&index);
                    }
                }
            }
        }
        let Some(manifest) = manifest else {
            return Ok(None);
        };
        let parts = chunks.remove(&manifest.snapshot_id).unwrap_or_default();
        let image = verify(&manifest, &parts)?;
        Ok(Some(Loaded { manifest, image }))
    }

    /// Every (key, value) of the snapshots partition, oldest first, up to its end now.
    fn read_partition(&self, partition: i32) -> anyhow::Result<Vec<(String, Option<Vec<u8>>)>> {
        let consumer = &self.consumer;
        let (low, high) =
            consumer.fetch_watermarks(&self.topic, partition, Duration::from_secs(10))?;
        if high <= low {
            return Ok(Vec::new());
        }
        let mut assignment = TopicPartitionList::new();
        assignment.add_partition_offset(&self.topic, partition, Offset::Beginning)?;
        consumer.assign(&assignment)?;
        let deadline = std::time::Instant::now() + LOAD_TIMEOUT;
        let mut records = Vec::new();
        loop {
            anyhow::ensure!(
                std::time::Instant::now() < deadline,
                "reading snapshots timed out"
            );
            let Some(message) = consumer.poll(POLL) else {
                continue;
            };
            let message = message?;
            let key = String::from_utf8_lossy(message.key().unwrap_or_default()).into_owned();
            records.push((key, message.payload().map(<[u8]>::to_vec)));
            if message.offset() + 1 >= high {
                return Ok(records);
            }
        }
    }
}

/// An image as the records that store it: its manifest and its chunks, in order.
pub fn chunked(
    image: &PartitionImage,
    snapshot_id: Uuid,
    taken_at: DateTime<Utc>,
) -> anyhow::Result<(Manifest, Vec<Vec<u8>>)> {
    let bytes = encode_image(image);
    let chunks: Vec<Vec<u8>> = bytes.chunks(CHUNK_BYTES).map(<[u8]>::to_vec).collect();
    let manifest = Manifest {
        snapshot_id,
        coverage: image.coverage.clone(),
        claim: image.claim.clone(),
        chunk_count: u32::try_from(chunks.len())?,
        sha256: hex::encode(Sha256::digest(&bytes)),
        byte_length: bytes.len() as u64,
        taken_at,
    };
    Ok((manifest, chunks))
}

fn parse_chunk_key(key: &str) -> Option<(Uuid, u32)> {
    let (id, index) = key.split_once('/')?;
    Some((Uuid::parse_str(id).ok()?, index.parse().ok()?))
}

/// Joins a manifest's chunks and checks them against it: every chunk present, length
/// and SHA-256 equal, the image covering what the manifest says.
pub fn verify(
    manifest: &Manifest,
    chunks: &BTreeMap<u32, Vec<u8>>,
) -> anyhow::Result<PartitionImage> {
    let mut bytes = Vec::with_capacity(usize::try_from(manifest.byte_length).unwrap_or(0));
    for index in 0..manifest.chunk_count {
        let chunk = chunks.get(&index).with_context(|| {
            format!(
                "chunk {index} of snapshot {} is missing",
                manifest.snapshot_id
            )
        })?;
        bytes.extend_from_slice(chunk);
    }
    anyhow::ensure!(
        bytes.len() as u64 == manifest.byte_length,
        "snapshot length differs from its manifest"
    );
    anyhow::ensure!(
        hex::encode(Sha256::digest(&bytes)) == manifest.sha256,
        "snapshot checksum differs from its manifest"
    );
    let image = decode_image(&bytes).context("snapshot cannot be decoded")?;
    anyhow::ensure!(
        image.coverage == manifest.coverage,
        "snapshot covers other records than its manifest says"
    );
    Ok(image)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proto::snapshot::{Coverage, EncodedState};

    use super::*;

    /// An image of about 1.7 MB: several chunks.
    fn big_image() -> PartitionImage {
        let aggregates = (0..3000u128)
            .map(|n| EncodedState {
                id: Uuid::from_u128(n),
                aggregate_type: "droplet".into(),
                state_version: 1,
                bytes: vec![(n % 251) as u8; 500],
            })
            .collect();
        PartitionImage {
            coverage: Coverage {
                topic: "t.cluster-events".into(),
                partition: 3,
                partition_count: 12,
                next_offset: 9000,
            },
            claim: None,
            highest_epoch: 4,
            versions: (0..3000u128).map(|n| (Uuid::from_u128(n), 2)).collect(),
            aggregates,
            quarantined: Vec::new(),
            completed_keys: Vec::new(),
        }
    }

    fn stored() -> (Manifest, BTreeMap<u32, Vec<u8>>) {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 2, 23, 0, 0)
            .single()
            .expect("time");
        let (manifest, chunks) = chunked(&big_image(), Uuid::from_u128(77), at).expect("chunks");
        let chunks = chunks
            .into_iter()
            .enumerate()
            .map(|(i, c)| (i as u32, c))
            .collect();
        (manifest, chunks)
    }

    #[test]
    fn a_big_image_is_chunked_under_the_record_limit_and_reassembled() {
        let (manifest, chunks) = stored();
        assert!(manifest.chunk_count >= 3, "{} chunks", manifest.chunk_count);
        assert!(chunks.values().all(|c| c.len() <= CHUNK_BYTES));
        assert_eq!(verify(&manifest, &chunks).expect("verifies"), big_image());
    }

    #[test]
    fn a_missing_or_corrupt_chunk_or_a_foreign_manifest_is_refused() {
        let (manifest, chunks) = stored();
        let mut missing = chunks.clone();
        missing.remove(&1);
        assert!(verify(&manifest, &missing).is_err());
        let mut corrupt = chunks.clone();
        corrupt.get_mut(&2).expect("chunk")[10] ^= 0xff;
        assert!(verify(&manifest, &corrupt).is_err());
        let mut foreign = manifest;
        foreign.coverage.next_offset += 1;
        assert!(verify(&foreign, &chunks).is_err());
    }

    #[test]
    fn chunk_keys_parse_back() {
        let id = Uuid::from_u128(5);
        assert_eq!(parse_chunk_key(&chunk_key(id, 12)), Some((id, 12)));
        assert_eq!(parse_chunk_key("manifest/3"), None);
    }
}
