//! The node-pool reconciler (api.md §12.2): for every cluster of the partitions this
//! instance serves — its nodes live in the same partition — it drives each pool's node
//! droplets toward the pool's count (creating them under unique names, draining then
//! deleting extras, removing and replacing the nodes users named), cascades a cluster's
//! deletion, derives the cluster's status from its nodes, reports goals reached back to
//! the cluster, and releases names clusters gave up. It counts nodes from the droplets
//! themselves, never from a list kept on the side, and acts only through commands.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::catalog;
use domain::cluster::{
    Cluster, ClusterCommand, ClusterStatus, NodePool, OperationScope, PoolStatus,
};
use domain::droplet::{Droplet, DropletCommand, DropletStatus, NodeOf, Origin};
use domain::name::ResourceName;
use domain::record::StoredResponse;
use uuid::Uuid;

use super::droplets::system_command;
use super::submit_all;
use crate::config::NodePoolSettings;
use crate::names::{Names, system};
use crate::providers::Providers;
use crate::workflows::droplets::{self as droplet_flow, NewDroplet};
use crate::writer::{Command, Observed, Submission, Writer};

/// The image nodes boot.
const NODE_IMAGE: &str = "debian-12-x64";

pub struct NodePoolReconciler {
    writer: Writer,
    names: Names,
    providers: Providers,
    settings: NodePoolSettings,
    /// Consecutive passes each cluster has been short of running nodes.
    short_passes: HashMap<Uuid, u32>,
}

/// One cluster and its nodes as a pass sees them.
struct View<'a> {
    cluster: &'a Cluster,
    nodes: Vec<&'a Observed<Droplet>>,
    now: DateTime<Utc>,
}

/// What a pass wants done for one cluster.
#[derive(Default)]
struct Plan {
    commands: Vec<Submission>,
    creates: Vec<NewDroplet>,
}

impl NodePoolReconciler {
    pub fn new(
        writer: Writer,
        names: Names,
        providers: Providers,
        settings: NodePoolSettings,
    ) -> Self {
        Self {
            writer,
            names,
            providers,
            settings,
            short_passes: HashMap::new(),
        }
    }

    pub async fn run(mut self, mut shutdown: platform::shutdown::Shutdown) {
        let mut ticks = tokio::time::interval(Duration::from_millis(self.settings.tick_ms.max(10)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.wait() => return,
                _ = ticks.tick() => self.pass().await,
            }
        }
    }

    /// One pass over every served partition.
    pub async fn pass(&mut self) {
        let now = self.writer.clock().now();
        let mut plan = Plan::default();
        let mut releases = Vec::new();
        for partition in 0..self.writer.partitions() {
            let clusters = self
                .writer
                .observe_partition::<Cluster>(partition, &|c: &Cluster| {
                    c.status != Some(ClusterStatus::Deleted) || !c.names_to_release.is_empty()
                });
            if clusters.is_empty() {
                continue;
            }
            // Only the nodes of these clusters: those of deleted clusters stay out of the
            // copy, however many accumulate.
            let ids: HashSet<Uuid> = clusters.iter().map(|c| c.state.id).collect();
            let nodes = self
                .writer
                .observe_partition::<Droplet>(partition, &|d: &Droplet| {
                    d.cluster_id().is_some_and(|id| ids.contains(&id))
                });
            let mut by_cluster: HashMap<Uuid, Vec<&Observed<Droplet>>> = HashMap::new();
            for node in &nodes {
                if let Some(id) = node.state.cluster_id() {
                    by_cluster.entry(id).or_default().push(node);
                }
            }
            for cluster in clusters.iter().filter(|c| !c.pending) {
                releases.extend(
                    cluster
                        .state
                        .names_to_release
                        .iter()
                        .map(|n| (cluster.state.clone(), n.clone())),
                );
                let view = View {
                    cluster: &cluster.state,
                    nodes: by_cluster.remove(&cluster.state.id).unwrap_or_default(),
                    now,
                };
                self.plan_cluster(&view, &mut plan);
            }
        }
        submit_all(&self.writer, plan.commands).await;
        self.create_nodes(plan.creates).await;
        self.release_names(releases).await;
    }

    fn plan_cluster(&mut self, view: &View<'_>, plan: &mut Plan) {
        let cluster = view.cluster;
        match cluster.status {
            Some(ClusterStatus::Deleting) => self.plan_deletion(view, plan),
            Some(
                ClusterStatus::Provisioning | ClusterStatus::Running | ClusterStatus::Degraded,
            ) => {
                for pool in &cluster.pools {
                    self.plan_pool(view, pool, plan);
                }
                self.plan_status(view, plan);
                self.plan_cancel(view, plan);
            }
            _ => {}
        }
    }

    /// A deleting cluster: every node goes; once none is left, the cluster is deleted.
    fn plan_deletion(&self, view: &View<'_>, plan: &mut Plan) {
        let remaining = remove_all(&view.nodes, plan, |node| {
            Some(self.delete_node(node, view.now))
        });
        if remaining == 0 {
            plan.commands.push(self.cluster_command(
                view.cluster,
                ClusterCommand::CompleteDeletion { at: view.now },
                "cluster.deleted",
            ));
        }
    }

    fn plan_pool(&self, view: &View<'_>, pool: &NodePool, plan: &mut Plan) {
        let nodes: Vec<&Observed<Droplet>> = view
            .nodes
            .iter()
            .copied()
            .filter(|n| n.state.node_pool_id() == Some(pool.id))
            .collect();
        if pool.status == PoolStatus::Deleting {
            return self.plan_pool_deletion(view, pool, &nodes, plan);
        }
        let removing = |id: &Uuid| pool.removing.iter().any(|r| r.node_id == *id);
        let mut serving: Vec<&Observed<Droplet>> = Vec::new();
        for node in &nodes {
            let d = &node.state;
            match d.status {
                _ if node.pending && d.is_live() && !d.draining && !removing(&d.id) => {
                    serving.push(node)
                }
                _ if node.pending => {}
                Some(DropletStatus::Error) => plan.commands.push(self.delete_node(d, view.now)),
                Some(DropletStatus::New) if self.stuck(d, view.now) => {
                    plan.commands.push(self.delete_node(d, view.now))
                }
                Some(DropletStatus::New | DropletStatus::Active | DropletStatus::Off)
                    if removing(&d.id) =>
                {
                    let skip = pool
                        .removing
                        .iter()
                        .any(|r| r.node_id == d.id && r.skip_drain);
                    plan.commands
                        .extend(self.drain_then_delete(d, skip, view.now));
                }
                Some(DropletStatus::New | DropletStatus::Active | DropletStatus::Off)
                    if d.draining =>
                {
                    plan.commands
                        .extend(self.drain_then_delete(d, false, view.now));
                }
                Some(DropletStatus::New | DropletStatus::Active | DropletStatus::Off) => {
                    serving.push(node)
                }
                _ => {}
            }
        }
        let count = pool.count as usize;
        if serving.len() < count {
            for _ in serving.len()..count {
                plan.creates.push(self.new_node(view.cluster, pool));
            }
        } else if serving.len() > count {
            for extra in extras(&serving, serving.len() - count) {
                plan.commands
                    .extend(self.drain_then_delete(&extra.state, false, view.now));
            }
        }
        self.plan_pool_goal(view, pool, &nodes, &serving, plan);
    }

    /// Reports the pool's pending operation done when its goal is reached.
    fn plan_pool_goal(
        &self,
        view: &View<'_>,
        pool: &NodePool,
        nodes: &[&Observed<Droplet>],
        serving: &[&Observed<Droplet>],
        plan: &mut Plan,
    ) {
        let cluster = view.cluster;
        let Some(pending) = cluster
            .pending_operation
            .as_ref()
            .filter(|p| !p.cancel_requested)
        else {
            return;
        };
        let running = serving
            .iter()
            .filter(|n| n.state.status == Some(DropletStatus::Active) && !n.pending)
            .count();
        let settled = running == pool.count as usize && serving.len() == pool.count as usize;
        let done = match cluster.pending_scope {
            Some(OperationScope::Pool(id)) if id == pool.id => {
                settled && cluster.status != Some(ClusterStatus::Provisioning)
            }
            Some(OperationScope::Node { pool_id, node_id }) if pool_id == pool.id => {
                let gone = nodes
                    .iter()
                    .find(|n| n.state.id == node_id)
                    .is_none_or(|n| {
                        matches!(
                            n.state.status,
                            Some(DropletStatus::Deleted | DropletStatus::Purged)
                        )
                    });
                gone && settled
            }
            _ => false,
        };
        if done {
            plan.commands
                .push(self.complete(cluster, pending.id, view.now));
        }
    }

    fn plan_pool_deletion(
        &self,
        view: &View<'_>,
        pool: &NodePool,
        nodes: &[&Observed<Droplet>],
        plan: &mut Plan,
    ) {
        let remaining = remove_all(nodes, plan, |node| {
            self.drain_then_delete(node, false, view.now)
        });
        let cluster = view.cluster;
        let deleting_this =
            matches!(cluster.pending_scope, Some(OperationScope::Pool(id)) if id == pool.id);
        if remaining == 0
            && deleting_this
            && let Some(pending) = &cluster.pending_operation
        {
            plan.commands
                .push(self.complete(cluster, pending.id, view.now));
        }
    }

    /// The cluster's derived status (api.md §12.2): running once every pool runs its
    /// count, degraded after a shortfall lasting more than two passes, failed if
    /// provisioning takes too long.
    fn plan_status(&mut self, view: &View<'_>, plan: &mut Plan) {
        let cluster = view.cluster;
        let short: Vec<String> = cluster
            .pools
            .iter()
            .filter(|p| p.status != PoolStatus::Deleting)
            .filter_map(|pool| {
                let running = view
                    .nodes
                    .iter()
                    .filter(|n| n.state.node_pool_id() == Some(pool.id))
                    .filter(|n| n.state.status == Some(DropletStatus::Active) && !n.state.draining)
                    .count() as u32;
                let wanted = pool.count.min(pool.max_nodes.max(1));
                (running < wanted)
                    .then(|| format!("pool {} has {running} of {wanted} nodes running", pool.name))
            })
            .collect();
        let passes = {
            let passes = self.short_passes.entry(cluster.id).or_default();
            *passes = if short.is_empty() { 0 } else { *passes + 1 };
            *passes
        };
        let command = match cluster.status {
            Some(ClusterStatus::Provisioning) if short.is_empty() => Some((
                ClusterCommand::MarkRunning { at: view.now },
                "cluster.running",
            )),
            Some(ClusterStatus::Provisioning) if self.too_long(cluster, view.now) => Some((
                ClusterCommand::MarkFailed {
                    message: "the nodes did not come up in time".into(),
                    at: view.now,
                },
                "cluster.failed",
            )),
            Some(ClusterStatus::Running) if passes > 2 => Some((
                ClusterCommand::MarkDegraded {
                    message: short.join("; "),
                    at: view.now,
                },
                "cluster.degraded",
            )),
            Some(ClusterStatus::Degraded) if short.is_empty() => Some((
                ClusterCommand::MarkRecovered { at: view.now },
                "cluster.recovered",
            )),
            Some(ClusterStatus::Degraded)
                if passes > 2 && short.join("; ") != cluster.status_message =>
            {
                Some((
                    ClusterCommand::MarkDegraded {
                        message: short.join("; "),
                        at: view.now,
                    },
                    "cluster.degraded",
                ))
            }
            _ => None,
        };
        if let Some((command, name)) = command {
            plan.commands
                .push(self.cluster_command(cluster, command, name));
        }
    }

    /// A requested cancel the cluster can still honour: a creation or a pool change.
    fn plan_cancel(&self, view: &View<'_>, plan: &mut Plan) {
        let cluster = view.cluster;
        let Some(pending) = cluster
            .pending_operation
            .as_ref()
            .filter(|p| p.cancel_requested)
        else {
            return;
        };
        let settle_count = match cluster.pending_scope {
            Some(OperationScope::Pool(pool_id)) => Some(
                view.nodes
                    .iter()
                    .filter(|n| {
                        n.state.node_pool_id() == Some(pool_id)
                            && n.state.is_live()
                            && !n.state.draining
                    })
                    .count() as u32,
            ),
            Some(OperationScope::Cluster) if pending.op_type == "cluster.create" => None,
            _ => return,
        };
        let command = ClusterCommand::ConfirmCancel {
            operation_id: pending.id,
            settle_count,
            at: view.now,
        };
        plan.commands
            .push(self.cluster_command(cluster, command, "cluster.operation_cancelled"));
    }

    fn stuck(&self, node: &Droplet, now: DateTime<Utc>) -> bool {
        node.created_at.is_some_and(|at| {
            (now - at).num_seconds() > self.settings.node_provision_timeout_s as i64
        })
    }

    fn too_long(&self, cluster: &Cluster, now: DateTime<Utc>) -> bool {
        cluster.created_at.is_some_and(|at| {
            (now - at).num_seconds() > self.settings.cluster_provision_timeout_s as i64
        })
    }

    /// Drains a node first (unless skipped), and deletes it once drained long enough.
    fn drain_then_delete(
        &self,
        node: &Droplet,
        skip_drain: bool,
        now: DateTime<Utc>,
    ) -> Option<Submission> {
        if !skip_drain && !node.draining && node.status != Some(DropletStatus::New) {
            return Some(system_command(
                &self.writer,
                node,
                DropletCommand::Drain { at: now },
                "droplet.drain",
            ));
        }
        let drained = node
            .updated_at
            .is_some_and(|at| (now - at).num_milliseconds() >= self.settings.drain_ms as i64);
        (skip_drain || !node.draining || drained).then(|| self.delete_node(node, now))
    }

    fn delete_node(&self, node: &Droplet, now: DateTime<Utc>) -> Submission {
        let command = DropletCommand::Delete {
            operation_id: self.writer.id_beside(&node.id),
            origin: Origin::NodePool,
            at: now,
        };
        system_command(&self.writer, node, command, "droplet.delete")
    }

    fn new_node(&self, cluster: &Cluster, pool: &NodePool) -> NewDroplet {
        let suffix = &Uuid::new_v4().simple().to_string()[..6];
        let raw = format!("{}-{}-{suffix}", cluster.name, pool.name);
        let name = ResourceName::parse(&raw)
            .or_else(|_| ResourceName::parse(&format!("node-{suffix}")))
            .expect("a generated node name is valid");
        // A pool's size was checked against the catalog when the pool was made.
        let size = catalog::find_size(&pool.size_slug)
            .copied()
            .unwrap_or(catalog::SIZES[0]);
        NewDroplet {
            owner: cluster.owner.clone(),
            name,
            region: cluster.region.clone(),
            size,
            image: NODE_IMAGE.into(),
            tags: pool.tags.clone(),
            node_of: Some(NodeOf {
                cluster_id: cluster.id,
                node_pool_id: pool.id,
            }),
            preferred_provider: None,
            provider_class: None,
            partition: self.writer.partition_of(&cluster.id),
            principal: system(),
            idempotency: None,
            correlation: None,
        }
    }

    async fn create_nodes(&self, creates: Vec<NewDroplet>) {
        let work = creates
            .into_iter()
            .map(|new| droplet_flow::create(&self.writer, &self.names, &self.providers, new));
        for error in futures::future::join_all(work)
            .await
            .into_iter()
            .filter_map(Result::err)
        {
            tracing::debug!(%error, "creating a node failed; will look again next pass");
        }
    }

    async fn release_names(&self, releases: Vec<(Cluster, ResourceName)>) {
        let now = self.writer.clock().now();
        let work = releases.into_iter().map(|(cluster, name)| async move {
            self.names
                .release(&cluster.owner, "cluster", &name, cluster.id)
                .await?;
            let command = ClusterCommand::MarkNameReleased { name, at: now };
            self.writer
                .submit(self.cluster_command(&cluster, command, "cluster.name_released"))
                .await
        });
        for error in futures::future::join_all(work)
            .await
            .into_iter()
            .filter_map(Result::err)
        {
            tracing::debug!(%error, "releasing a cluster's name failed; will retry next pass");
        }
    }

    /// Reports the cluster's pending operation `operation_id` finished.
    fn complete(&self, cluster: &Cluster, operation_id: Uuid, now: DateTime<Utc>) -> Submission {
        let command = ClusterCommand::CompleteOperation {
            operation_id,
            at: now,
        };
        self.cluster_command(cluster, command, "cluster.operation_completed")
    }

    fn cluster_command(
        &self,
        cluster: &Cluster,
        command: ClusterCommand,
        name: &'static str,
    ) -> Submission {
        Command::<Cluster>::new(
            cluster.id,
            command,
            self.writer.id_beside(&cluster.id),
            system(),
            name,
        )
        .expecting(Some(cluster.version))
        .respond(|_, _, _| StoredResponse {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        })
    }
}

/// The nodes to shed first: still provisioning before running, newest first.
/// Plans `remove` for every node not yet on its way out (and not waiting for a command
/// of its own); returns how many are not gone yet.
fn remove_all(
    nodes: &[&Observed<Droplet>],
    plan: &mut Plan,
    remove: impl Fn(&Droplet) -> Option<Submission>,
) -> usize {
    let mut remaining = 0;
    for node in nodes {
        match node.state.status {
            Some(DropletStatus::Deleted | DropletStatus::Purged) => {}
            Some(DropletStatus::Deleting) => remaining += 1,
            _ => {
                remaining += 1;
                if !node.pending {
                    plan.commands.extend(remove(&node.state));
                }
            }
        }
    }
    remaining
}

fn extras<'a>(serving: &[&'a Observed<Droplet>], n: usize) -> Vec<&'a Observed<Droplet>> {
    let mut ranked: Vec<&Observed<Droplet>> =
        serving.iter().copied().filter(|o| !o.pending).collect();
    ranked.sort_by_key(|o| {
        (
            o.state.status == Some(DropletStatus::Active),
            std::cmp::Reverse(o.state.created_at),
        )
    });
    ranked.into_iter().take(n).collect()
}
