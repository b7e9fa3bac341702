//! The in-memory working set of one batch: the batch's records decoded once, what their
//! aggregates look like in the store (first parked record, projected version) and each
//! registered view's working set — loaded with one query per table, changed by
//! `project()` record by record, and written back with a few statements in `flush`. It
//! never commits and never decides validity itself.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use domain::operation::OperationFact;
use domain::record::Record;
use platform::kafka::LogEntry;
use sqlx::MySqlConnection;
use uuid::Uuid;

use crate::error::RecordError;
use crate::kinds::{DecodedEvents, KindCodec, Kinds};
use crate::project::Change;
use crate::views::{Applicable, Candidate, Projection, View, ViewBatch};
use crate::{aggregates, parked};

pub struct Workspace {
    /// First parked record per aggregate that has one.
    parked: HashMap<String, u64>,
    /// Projected version per aggregate (absent = 0).
    versions: HashMap<String, u64>,
    /// What `flush` must record: aggregate id → (type, partition, version).
    advanced: BTreeMap<String, (String, i32, u64)>,
    views: Vec<(std::sync::Arc<dyn View>, Box<dyn ViewBatch>)>,
}

impl Workspace {
    /// Loads everything the records' aggregates need.
    pub async fn load(
        conn: &mut MySqlConnection,
        projection: &Projection,
        name: &str,
        records: &[Decoded<'_>],
    ) -> sqlx::Result<Self> {
        let ids = aggregate_ids(records);
        // Versions first: the views' loads skip the aggregates never projected.
        let parked = parked::first_for_many(&mut *conn, name, &ids).await?;
        let versions = aggregates::versions(&mut *conn, &ids).await?;
        let candidates = candidates(records, &versions);
        let mut views = Vec::with_capacity(projection.views.len());
        for view in &projection.views {
            let mut batch = view.begin();
            batch.load(&mut *conn, &candidates).await?;
            views.push((view.clone(), batch));
        }
        Ok(Self {
            parked,
            versions,
            advanced: BTreeMap::new(),
            views,
        })
    }

    /// A workspace for parking only (the record-by-record fallback after a rejection).
    pub fn empty() -> Self {
        Self {
            parked: HashMap::new(),
            versions: HashMap::new(),
            advanced: BTreeMap::new(),
            views: Vec::new(),
        }
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

    /// Applies a valid record to every view: the views that own its aggregate type
    /// first (only they may refuse it), then the others.
    pub fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError> {
        let kind = record.header.aggregate_type.as_str();
        let mut changes = Vec::new();
        for owners in [true, false] {
            for (view, batch) in &mut self.views {
                if view.owns(kind) == owners {
                    changes.extend(batch.apply(record)?);
                }
            }
        }
        Ok(changes)
    }

    /// Records an aggregate's new version.
    pub fn advance(&mut self, aggregate_id: &str, kind: &str, partition: i32, version: u64) {
        self.versions.insert(aggregate_id.to_owned(), version);
        self.advanced.insert(
            aggregate_id.to_owned(),
            (kind.to_owned(), partition, version),
        );
    }

    /// Writes every change with a few statements per table.
    pub async fn flush(&mut self, conn: &mut MySqlConnection) -> sqlx::Result<()> {
        for (_, batch) in &mut self.views {
            batch.flush(&mut *conn).await?;
        }
        aggregates::advance_many(conn, &self.advanced).await
    }
}

/// A record and what decoding it gave, decoded once per batch.
pub struct Decoded<'a> {
    pub entry: &'a LogEntry,
    pub record: Result<Record, String>,
    /// For a batch: its events decoded by its aggregate type, or why they cannot be.
    pub prepared: Option<Result<Prepared, String>>,
}

/// A batch's events ready for the views.
pub struct Prepared {
    /// The codec the events were decoded with (their aggregate type's registration).
    pub kind: Arc<dyn KindCodec>,
    pub events: DecodedEvents,
    pub event_ids: Vec<Uuid>,
    pub facts: Vec<OperationFact>,
}

impl<'a> Decoded<'a> {
    pub fn new(entry: &'a LogEntry, kinds: &Kinds) -> Self {
        let record = match entry.value.as_deref() {
            None => Err("record has no value".to_owned()),
            Some(value) => {
                proto::decode_record(value).map_err(|e| format!("undecodable record: {e}"))
            }
        };
        let prepared = match &record {
            Ok(Record::Batch(batch)) => Some(prepare(batch, kinds)),
            _ => None,
        };
        Self {
            entry,
            record,
            prepared,
        }
    }

    /// The aggregate type the record is about: its batch header's, else the producer's
    /// `cg-aggregate-type` header (for records that do not decode).
    pub fn aggregate_type(&self) -> Option<String> {
        match &self.record {
            Ok(Record::Batch(batch)) => Some(batch.header.aggregate_type.clone()),
            Ok(Record::Claim(_)) => None,
            Err(_) => self
                .entry
                .headers
                .iter()
                .find(|(k, _)| k == "cg-aggregate-type")
                .and_then(|(_, v)| String::from_utf8(v.clone()).ok()),
        }
    }

    /// The aggregate the record is about: its batch header's, else its key's.
    pub fn aggregate_id(&self) -> Option<String> {
        match &self.record {
            Ok(Record::Batch(batch)) => Some(batch.header.aggregate_id.to_string()),
            Ok(Record::Claim(_)) => None,
            Err(_) => {
                let key = std::str::from_utf8(self.entry.key.as_deref()?).ok()?;
                (key != "claim").then(|| key.to_owned())
            }
        }
    }
}

fn prepare(batch: &domain::record::Batch, kinds: &Kinds) -> Result<Prepared, String> {
    let header = &batch.header;
    let kind = kinds
        .get(&header.aggregate_type)
        .ok_or_else(|| format!("unknown aggregate type {:?}", header.aggregate_type))?;
    let events = kind
        .decode(&batch.events)
        .map_err(|e| format!("undecodable event: {e}"))?;
    let facts = kind.facts(events.as_ref(), header.aggregate_id, &header.principal);
    Ok(Prepared {
        kind: Arc::clone(kind),
        events,
        event_ids: batch.events.iter().map(|e| e.event_id).collect(),
        facts,
    })
}

fn aggregate_ids(records: &[Decoded<'_>]) -> Vec<String> {
    let mut ids: Vec<String> = records.iter().filter_map(Decoded::aggregate_id).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// What the records are about, each marked with whether its aggregate was ever projected
/// (`versions` holds the projected versions above 0).
fn candidates(records: &[Decoded<'_>], versions: &HashMap<String, u64>) -> Vec<Candidate> {
    records
        .iter()
        .filter_map(|d| match (&d.record, &d.prepared) {
            (Ok(Record::Batch(batch)), Some(Ok(prepared))) => Some(Candidate {
                aggregate_type: batch.header.aggregate_type.clone(),
                aggregate_id: batch.header.aggregate_id,
                stored: versions
                    .get(&batch.header.aggregate_id.to_string())
                    .is_some_and(|v| *v > 0),
                operation_ids: prepared.facts.iter().map(|f| f.operation_id).collect(),
            }),
            _ => None,
        })
        .collect()
}
