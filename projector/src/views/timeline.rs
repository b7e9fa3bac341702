//! The cluster timeline view (`cluster_event`): a row per event of a cluster and of each
//! of its nodes, with a one-line message written from the event's own facts. Node
//! membership is learned from the node's creation (`node_membership`), so later node
//! events find their cluster without reading another view. Append-only; it never
//! refuses a record.

use std::collections::HashMap;

use domain::cluster::{Cluster, ClusterEvent};
use domain::droplet::{Droplet, DropletEvent};
use futures::FutureExt;
use futures::future::BoxFuture;
use sqlx::{AssertSqlSafe, MySqlConnection};
use uuid::Uuid;
use views::timeline::{COLUMNS, ClusterEventRow};

use super::{Applicable, Candidate, View, ViewBatch, stored_ids};
use crate::error::RecordError;
use crate::kinds::events_of;
use crate::project::Change;

pub struct TimelineView;

impl View for TimelineView {
    fn name(&self) -> &'static str {
        "cluster_event"
    }

    fn owns(&self, _aggregate_type: &str) -> bool {
        false
    }

    fn begin(&self) -> Box<dyn ViewBatch> {
        Box::new(TimelineBatch::default())
    }
}

#[derive(Default)]
struct TimelineBatch {
    /// droplet id → cluster id, as stored and as learned in this batch.
    membership: HashMap<Uuid, Uuid>,
    new_members: Vec<(Uuid, Uuid)>,
    rows: Vec<ClusterEventRow>,
}

impl ViewBatch for TimelineBatch {
    fn load<'a>(
        &'a mut self,
        conn: &'a mut MySqlConnection,
        candidates: &'a [Candidate],
    ) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            let ids = stored_ids(candidates, <Droplet as domain::Aggregate>::NAME);
            let select = "SELECT droplet_id, cluster_id FROM node_membership WHERE droplet_id";
            let members: Vec<(Uuid, Uuid)> = platform::db::fetch_in(conn, select, &ids).await?;
            self.membership.extend(members);
            Ok(())
        }
        .boxed()
    }

    fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError> {
        let header = record.header;
        let owner = if header.owner.is_empty() {
            header.principal.clone()
        } else {
            header.owner.clone()
        };
        let operation_id = record.facts.first().map(|f| f.operation_id);
        let id = header.aggregate_id;
        let mut row =
            |index: usize, cluster_id: Uuid, kind: &str, event_type: &str, message: String, at| {
                self.rows.push(ClusterEventRow {
                    event_id: record
                        .event_ids
                        .get(index)
                        .copied()
                        .unwrap_or_else(Uuid::nil),
                    cluster_id,
                    owner: owner.clone(),
                    event_type: event_type.to_owned(),
                    subject_kind: kind.to_owned(),
                    subject_id: id,
                    message,
                    operation_id,
                    occurred_at: at,
                });
            };
        if let Some(events) = events_of::<Cluster>(record.events) {
            for (i, event) in events.iter().enumerate() {
                row(
                    i,
                    id,
                    "cluster",
                    event.type_name(),
                    cluster_message(event),
                    event.at(),
                );
            }
        } else if let Some(events) = events_of::<Droplet>(record.events) {
            for (i, event) in events.iter().enumerate() {
                if let DropletEvent::CreationRequested(c) = event
                    && let Some(node_of) = c.node_of
                {
                    self.membership.insert(id, node_of.cluster_id);
                    self.new_members.push((id, node_of.cluster_id));
                }
                if let Some(cluster_id) = self.membership.get(&id).copied() {
                    row(
                        i,
                        cluster_id,
                        "node",
                        event.type_name(),
                        node_message(event),
                        event.at(),
                    );
                }
            }
        }
        Ok(Vec::new())
    }

    fn flush<'a>(&'a mut self, conn: &'a mut MySqlConnection) -> BoxFuture<'a, sqlx::Result<()>> {
        async move {
            for chunk in self.new_members.chunks(200) {
                let sql = format!(
                    "INSERT IGNORE INTO node_membership (droplet_id, cluster_id) VALUES {}",
                    vec!["(?, ?)"; chunk.len()].join(", ")
                );
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for (droplet, cluster) in chunk {
                    query = query.bind(*droplet).bind(*cluster);
                }
                query.execute(&mut *conn).await?;
            }
            for chunk in self.rows.chunks(200) {
                let sql = format!(
                    "INSERT IGNORE INTO cluster_event ({}) VALUES {}",
                    COLUMNS.join(", "),
                    views::row::value_rows(COLUMNS.len(), chunk.len())
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

pub(crate) fn cluster_message(event: &ClusterEvent) -> String {
    use ClusterEvent as E;
    match event {
        E::Created(c) => format!(
            "Cluster {} created in {} with {} node pool(s)",
            c.name,
            c.region,
            c.pools.len()
        ),
        E::Renamed { name, .. } => format!("Cluster renamed to {name}"),
        E::TagsChanged { .. } => "Tags changed".into(),
        E::PoolAdded { pool, .. } => format!(
            "Node pool {} added with {} node(s) of {}",
            pool.name, pool.count, pool.size_slug
        ),
        E::PoolUpdated {
            auto_scale,
            min_nodes,
            max_nodes,
            ..
        } => {
            format!("Node pool updated (auto_scale {auto_scale}, {min_nodes}..{max_nodes} nodes)")
        }
        E::PoolScaleRequested { from, to, .. } => {
            format!("Node pool scaling from {from} to {to} node(s)")
        }
        E::PoolDeletionRequested { .. } => "Node pool deletion requested".into(),
        E::PoolDeleted { .. } => "Node pool deleted".into(),
        E::NodeRemovalRequested { replace, .. } => {
            if *replace {
                "Node replacement requested".into()
            } else {
                "Node removal requested".into()
            }
        }
        E::NodeRemoved { .. } => "Node removed".into(),
        E::OperationCompleted { .. } => "Operation completed".into(),
        E::BecameRunning { .. } => "Cluster is running".into(),
        E::Degraded { message, .. } => format!("Cluster degraded: {message}"),
        E::Recovered { .. } => "Cluster recovered".into(),
        E::Failed { message, .. } => format!("Cluster failed: {message}"),
        E::DeletionRequested { .. } => "Cluster deletion requested".into(),
        E::Deleted { .. } => "Cluster deleted".into(),
        E::CancelRequested { .. } => "Cancellation requested".into(),
        E::OperationCancelled { reason, .. } => format!("Operation cancelled: {reason}"),
        E::NameReleased { name, .. } => format!("Name {name} released"),
        E::DemandSet { demand, .. } => format!(
            "Simulated demand set to {}% ({})",
            demand.level,
            demand.profile.as_str()
        ),
    }
}

fn node_message(event: &DropletEvent) -> String {
    use DropletEvent as E;
    match event {
        E::CreationRequested(c) => format!("Node {} requested ({})", c.name, c.size_slug),
        E::Provisioned { ipv4, .. } => format!("Node running at {ipv4}"),
        E::ProvisioningFailed { reason, .. } => format!("Node failed to provision: {reason}"),
        E::DrainStarted { .. } => "Node draining".into(),
        E::DeletionRequested { .. } => "Node deletion started".into(),
        E::Deleted { .. } => "Node deleted".into(),
        other => format!("Node event {}", other.type_name()),
    }
}
