//! The in-memory working set of one batch: what the batch's aggregates look like in the
//! store (first parked record, projected version, droplet state), loaded with one query
//! per table, changed by `project()` record by record, and written back with one
//! multi-row upsert per table in `flush`. It turns ~7 round trips per record into a
//! handful per batch; it never commits and never decides validity itself.

use std::collections::{BTreeMap, HashMap};

use domain::Aggregate;
use domain::droplet::Droplet;
use platform::kafka::LogEntry;
use proto::wire::log_record::Record;
use sqlx::MySqlConnection;
use uuid::Uuid;

use crate::error::RecordError;
use crate::{aggregates, parked, views};

#[derive(Default)]
pub struct Workspace {
    /// First parked record per aggregate that has one.
    parked: HashMap<String, u64>,
    /// Projected version per aggregate (absent = 0).
    versions: HashMap<String, u64>,
    /// Stored droplets, as loaded and then as folded; `Err` for a row that cannot be read.
    droplets: HashMap<Uuid, Result<Droplet, String>>,
    /// What `flush` must write: aggregate id → (type, partition, version).
    advanced: BTreeMap<String, (&'static str, i32, u64)>,
    changed_droplets: BTreeMap<Uuid, Droplet>,
}

impl Workspace {
    /// Loads everything the records' aggregates need.
    pub async fn load(
        conn: &mut MySqlConnection,
        projection: &str,
        records: &[Decoded<'_>],
    ) -> sqlx::Result<Self> {
        let ids = aggregate_ids(records);
        let uuids: Vec<Uuid> = ids
            .iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect();
        let droplets = views::droplet::load_many(&mut *conn, &uuids)
            .await?
            .into_iter()
            .map(|row| (row.droplet_id, row.to_state()))
            .collect();
        Ok(Self {
            parked: parked::first_for_many(&mut *conn, projection, &ids).await?,
            versions: aggregates::versions(&mut *conn, &ids).await?,
            droplets,
            ..Self::default()
        })
    }

    pub fn first_parked(&self, aggregate_id: &str) -> Option<u64> {
        self.parked.get(aggregate_id).copied()
    }

    pub fn note_parked(&mut self, aggregate_id: &str, parked_event_id: u64) {
        self.parked
            .entry(aggregate_id.to_owned())
            .or_insert(parked_event_id);
    }

    pub fn version(&self, aggregate_id: &str) -> u64 {
        self.versions.get(aggregate_id).copied().unwrap_or(0)
    }

    /// The stored (or already folded) droplet; a row that cannot be read parks the record.
    pub fn droplet(&self, id: Uuid) -> Result<Droplet, RecordError> {
        match self.droplets.get(&id) {
            Some(Ok(state)) => Ok(state.clone()),
            Some(Err(reason)) => Err(RecordError::park(reason)),
            None => Ok(Droplet::default()),
        }
    }

    /// Records a folded droplet and its aggregate's new version.
    pub fn put_droplet(&mut self, partition: i32, state: Droplet) {
        let id = state.id.to_string();
        self.versions.insert(id.clone(), state.version);
        self.advanced
            .insert(id, (Droplet::NAME, partition, state.version));
        self.droplets.insert(state.id, Ok(state.clone()));
        self.changed_droplets.insert(state.id, state);
    }

    /// Writes every change with one statement per table.
    pub async fn flush(&self, conn: &mut MySqlConnection) -> sqlx::Result<()> {
        views::droplet::upsert_many(&mut *conn, self.changed_droplets.values()).await?;
        aggregates::advance_many(conn, &self.advanced).await
    }
}

/// A record and what decoding it gave, decoded once per batch.
pub struct Decoded<'a> {
    pub entry: &'a LogEntry,
    pub record: Result<Record, String>,
}

impl<'a> Decoded<'a> {
    pub fn new(entry: &'a LogEntry) -> Self {
        let record = match entry.value.as_deref() {
            None => Err("record has no value".to_owned()),
            Some(value) => {
                proto::decode_record(value).map_err(|e| format!("undecodable record: {e}"))
            }
        };
        Self { entry, record }
    }

    /// The aggregate the record is about: its batch header's, else its key's.
    pub fn aggregate_id(&self) -> Option<String> {
        match &self.record {
            Ok(Record::Batch(batch)) => batch.header.as_ref().map(|h| h.aggregate_id.clone()),
            Ok(Record::Claim(_)) => None,
            Err(_) => {
                let key = std::str::from_utf8(self.entry.key.as_deref()?).ok()?;
                (key != "claim").then(|| key.to_owned())
            }
        }
    }
}

fn aggregate_ids(records: &[Decoded<'_>]) -> Vec<String> {
    let mut ids: Vec<String> = records.iter().filter_map(Decoded::aggregate_id).collect();
    ids.sort();
    ids.dedup();
    ids
}
