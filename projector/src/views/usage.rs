//! The usage view (api.md §14): `usage_interval`, the runs billing meters. A run opens at
//! `droplet.provisioned` (size, vcpus, owner, name, region and cluster membership from
//! the droplet's state, folded with the domain's own `evolve` onto the stored row), is
//! split at `droplet.resized` and `droplet.migrated` (closed, and a new run opened at the
//! new size or provider) and closes at
//! `droplet.deleted`; powering off changes nothing, so off time bills. The opening
//! event's id keys a run and the closing one is kept, so a record applied twice writes
//! nothing twice. Copies facts only: it never prices anything and never refuses a record
//! (the droplet's state view does that).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use domain::Aggregate;
use domain::droplet::{Droplet, DropletEvent};
use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::{AssertSqlSafe, MySqlConnection};
use uuid::Uuid;
use views::StateRow;
use views::billing::{COLUMNS, TABLE, UsageIntervalRow};
use views::droplet::DropletRow;

use super::state::load_many;
use super::{Applicable, Candidate, View, ViewBatch, stored_ids};
use crate::error::RecordError;
use crate::kinds::events_of;
use crate::project::Change;

const CHUNK: usize = 200;

pub struct UsageView;

impl View for UsageView {
    fn name(&self) -> &'static str {
        "usage"
    }

    fn owns(&self, _aggregate_type: &str) -> bool {
        false
    }

    fn begin(&self) -> Box<dyn ViewBatch> {
        Box::new(UsageBatch::default())
    }
}

/// The provider a droplet is placed with (after the event), stored with each of its runs
/// so query-api prices the run at that provider's override, if any.
pub fn provider_of(droplet: &Droplet) -> Option<String> {
    droplet.provider.clone()
}

#[derive(Default)]
struct UsageBatch {
    droplets: HashMap<Uuid, Droplet>,
    /// Every run of the batch's droplets, stored or new, by opening event.
    runs: BTreeMap<Uuid, UsageIntervalRow>,
    /// Events already metered (that opened or closed a run): applied again, they are skipped.
    seen: HashSet<Uuid>,
    /// Runs to write.
    touched: HashSet<Uuid>,
}

impl ViewBatch for UsageBatch {
    fn load<'a>(
        &'a mut self,
        conn: &'a mut MySqlConnection,
        candidates: &'a [Candidate],
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let ids = stored_ids(candidates, Droplet::NAME);
            if ids.is_empty() {
                return Ok(());
            }
            for row in load_many::<DropletRow>(conn, &ids).await? {
                // A row that cannot be read back is parked by the state view.
                if let Ok(droplet) = row.to_state() {
                    self.droplets.insert(row.droplet_id, droplet);
                }
            }
            let select = format!(
                "SELECT {} FROM {TABLE} WHERE droplet_id",
                COLUMNS.join(", ")
            );
            let runs: Vec<UsageIntervalRow> = platform::db::fetch_in(conn, &select, &ids).await?;
            for row in runs {
                self.seen.insert(row.event_id);
                self.seen.extend(row.closed_by);
                self.runs.insert(row.event_id, row);
            }
            Ok(())
        }
        .boxed()
    }

    fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError> {
        let Some(events) = events_of::<Droplet>(record.events) else {
            return Ok(Vec::new());
        };
        let id = record.header.aggregate_id;
        let mut droplet = self.droplets.remove(&id).unwrap_or_default();
        for (index, event) in events.iter().enumerate() {
            droplet = droplet.evolve(event);
            let Some(event_id) = record.event_ids.get(index).copied() else {
                continue;
            };
            if self.seen.insert(event_id) {
                self.meter(&droplet, event, event_id);
            }
        }
        self.droplets.insert(id, droplet);
        Ok(Vec::new())
    }

    fn flush<'a>(&'a mut self, conn: &'a mut MySqlConnection) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let rows: Vec<&UsageIntervalRow> = self
                .runs
                .values()
                .filter(|r| self.touched.contains(&r.event_id))
                .collect();
            for chunk in rows.chunks(CHUNK) {
                let sql = format!(
                    "INSERT INTO {TABLE} ({}) VALUES {} ON DUPLICATE KEY UPDATE \
                     name = VALUES(name), end_time = VALUES(end_time), closed_by = VALUES(closed_by)",
                    COLUMNS.join(", "),
                    views::row::value_rows(COLUMNS.len(), chunk.len()),
                );
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for row in chunk {
                    query = row.bind(query);
                }
                query.execute(&mut *conn).await?;
            }
            Ok(())
        }
        .boxed()
    }
}

impl UsageBatch {
    /// One new event of `droplet` (already folded in): opens, splits, closes or renames
    /// its running run.
    fn meter(&mut self, droplet: &Droplet, event: &DropletEvent, event_id: Uuid) {
        match event {
            DropletEvent::Provisioned { at, .. } if self.running(droplet.id).is_none() => {
                self.open(droplet, event_id, *at);
            }
            // A new size or a new provider (a new price): the run is split there.
            DropletEvent::Resized { at, .. } | DropletEvent::Migrated { at, .. }
                if self.close(droplet.id, event_id, *at) =>
            {
                self.open(droplet, event_id, *at);
            }
            DropletEvent::Deleted { at, .. } => {
                self.close(droplet.id, event_id, *at);
            }
            DropletEvent::Renamed { name, .. } => {
                if let Some(run) = self.running(droplet.id) {
                    run.name = name.to_string();
                    let key = run.event_id;
                    self.touched.insert(key);
                }
            }
            _ => {}
        }
    }

    fn running(&mut self, droplet_id: Uuid) -> Option<&mut UsageIntervalRow> {
        self.runs
            .values_mut()
            .find(|r| r.droplet_id == droplet_id && r.end_time.is_none())
    }

    fn open(&mut self, droplet: &Droplet, event_id: Uuid, at: DateTime<Utc>) {
        let row = UsageIntervalRow {
            event_id,
            droplet_id: droplet.id,
            owner: droplet.owner.clone(),
            name: droplet.name.to_string(),
            region: droplet.region.clone(),
            size_slug: droplet.size_slug.clone(),
            vcpus: droplet.vcpus,
            provider: provider_of(droplet),
            cluster_id: droplet.cluster_id(),
            node_pool_id: droplet.node_pool_id(),
            start_time: at,
            end_time: None,
            closed_by: None,
        };
        self.touched.insert(event_id);
        self.runs.insert(event_id, row);
    }

    /// Ends the droplet's running run at `at`; whether there was one.
    fn close(&mut self, droplet_id: Uuid, event_id: Uuid, at: DateTime<Utc>) -> bool {
        let Some(run) = self.running(droplet_id) else {
            return false;
        };
        run.end_time = Some(at);
        run.closed_by = Some(event_id);
        let key = run.event_id;
        self.touched.insert(key);
        true
    }
}
