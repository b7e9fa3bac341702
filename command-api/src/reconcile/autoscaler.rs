//! The node-pool autoscaler (api.md §13.2): for every enabled policy in the partitions
//! this instance serves — beside its cluster, the pool's nodes and their state — every
//! `evaluation_interval_seconds` of the injected clock it gathers the tick's inputs
//! (`autoscale_input`), runs `domain::autoscale::evaluate`, records the evaluation when
//! step 10 says so, and acts (step 9) with the cluster's `AutoscalePool` command under the
//! key `autoscale:{policy_id}:{tick}`, then `StartScaling`. Level-triggered: a scale whose
//! cluster operation ended is finished on the next pass (`success` when the pool reached
//! its target), and a pool whose `auto_scale`/bounds disagree with its policy (a crash
//! between the policy's and the pool's command) is brought in line. Must never scale a
//! pool except through commands, nor decide anything the tick did not.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Duration as Span, Utc};
use domain::autoscale::tick::{self, Decision, ScaleStatus, TickInput};
use domain::autoscale::{AutoscalingPolicy, Evaluation, PolicyCommand};
use domain::cluster::{Cluster, ClusterCommand, NodePool, PoolChanges};
use domain::record::StoredResponse;
use opentelemetry::KeyValue;
use opentelemetry::metrics::Counter;
use platform::metrics::Metrics;
use serde::Deserialize;
use uuid::Uuid;

use super::autoscale_input::{self, Gathered};
use crate::names::system;
use crate::telemetry::window::SampleWindow;
use crate::writer::{Command, IdempotencyRequest, Observed, Submission, Writer};

/// `[autoscaler]`.
#[derive(Debug, Clone, Deserialize)]
pub struct AutoscalerSettings {
    pub enabled: bool,
    /// How often the reconciler looks for due policies (each is evaluated on its own
    /// interval of the injected clock).
    pub tick_ms: u64,
}

impl Default for AutoscalerSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            tick_ms: 500,
        }
    }
}

/// `clustergenie_autoscaler_decisions_total{reason}`: ticks by what they did (a bounded
/// label: `scale_up`, `scale_down`, `hold` or the gate that held the tick).
#[derive(Clone)]
pub struct DecisionMetrics {
    decisions: Counter<u64>,
}

impl DecisionMetrics {
    pub fn new(metrics: &Metrics) -> Self {
        let meter = metrics.meter("command-api");
        Self {
            decisions: meter
                .u64_counter("clustergenie_autoscaler_decisions")
                .with_description("Autoscaler ticks by outcome.")
                .build(),
        }
    }

    fn count(&self, decision: &Decision) {
        let reason = match (&decision.scale, &decision.gate) {
            (Some(s), _) if s.to > s.from => "scale_up",
            (Some(_), _) => "scale_down",
            (None, Some(gate)) => gate.reason(),
            (None, None) => "hold",
        };
        self.decisions.add(1, &[KeyValue::new("reason", reason)]);
    }
}

pub struct Autoscaler {
    writer: Writer,
    window: SampleWindow,
    settings: AutoscalerSettings,
    metrics: DecisionMetrics,
    /// When each policy was last evaluated here (a tick is not always recorded).
    last_tick: HashMap<Uuid, DateTime<Utc>>,
}

impl Autoscaler {
    pub fn new(
        writer: Writer,
        window: SampleWindow,
        settings: AutoscalerSettings,
        metrics: DecisionMetrics,
    ) -> Self {
        Self {
            writer,
            window,
            settings,
            metrics,
            last_tick: HashMap::new(),
        }
    }

    pub async fn run(mut self, shutdown: platform::shutdown::Shutdown) {
        let tick = Duration::from_millis(self.settings.tick_ms);
        let mut ticks = tokio::time::interval(tick.max(Duration::from_millis(10)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut shutdown = shutdown;
        loop {
            tokio::select! {
                () = shutdown.wait() => return,
                _ = ticks.tick() => self.pass().await,
            }
        }
    }

    /// One pass over every enabled policy of the served partitions.
    pub async fn pass(&mut self) {
        for partition in 0..self.writer.partitions() {
            let policies = self
                .writer
                .observe_partition::<AutoscalingPolicy>(partition, &|p: &AutoscalingPolicy| {
                    p.is_live() && p.enabled()
                });
            for policy in policies.iter().filter(|p| !p.pending) {
                self.reconcile(policy).await;
            }
        }
    }

    async fn reconcile(&mut self, observed: &Observed<AutoscalingPolicy>) {
        let state = &observed.state;
        let Some(policy) = state.policy.as_ref() else {
            return;
        };
        let cluster_id = policy.target.cluster_id;
        let Some(cluster) = self
            .writer
            .observe_partition::<Cluster>(observed.partition, &|c: &Cluster| c.id == cluster_id)
            .into_iter()
            .find(|c| !c.pending && c.state.is_live())
        else {
            return;
        };
        let cluster = cluster.state;
        let Some(pool) = cluster.pool(policy.target.node_pool_id) else {
            return;
        };
        if let Some(sync) = self.pool_sync(state, &cluster, pool) {
            self.submit(sync).await;
            return;
        }
        if let Some(finish) = self.finish_scaling(state, &cluster, pool) {
            self.submit(finish).await;
            return;
        }
        let now = self.writer.clock().now();
        if !self.due(state, now) {
            return;
        }
        self.last_tick.insert(state.id, now);
        let gathered =
            autoscale_input::gather(&self.writer, &self.window, state, &cluster, pool, None, now);
        let decision = tick::evaluate(&input(state, &gathered, now));
        self.metrics.count(&decision);
        self.act(state, &cluster, pool, &decision, now).await;
    }

    /// Whether `interval` has passed since the last tick (here, or recorded).
    fn due(&self, state: &AutoscalingPolicy, now: DateTime<Utc>) -> bool {
        let interval = state
            .policy
            .as_ref()
            .map_or(15, |p| p.evaluation_interval_seconds);
        let last = self
            .last_tick
            .get(&state.id)
            .copied()
            .max(state.status.last_evaluated_at);
        last.is_none_or(|at| now >= at + Span::seconds(i64::from(interval)))
    }

    /// The pool's `auto_scale` and bounds as its policy says, when they differ.
    fn pool_sync(
        &self,
        state: &AutoscalingPolicy,
        cluster: &Cluster,
        pool: &NodePool,
    ) -> Option<Submission> {
        let policy = state.policy.as_ref()?;
        let in_line = pool.auto_scale
            && pool.min_nodes == policy.min_nodes
            && pool.max_nodes == policy.max_nodes;
        (!in_line && !cluster.locked()).then(|| pool_bounds(&self.writer, cluster, pool.id, policy))
    }

    /// `FinishScaling` for a scale whose cluster operation is no longer pending.
    fn finish_scaling(
        &self,
        state: &AutoscalingPolicy,
        cluster: &Cluster,
        pool: &NodePool,
    ) -> Option<Submission> {
        let operation_id = state
            .scaling_operation
            .filter(|_| state.scale_in_flight())?;
        if cluster.pending_operation.as_ref().map(|p| p.id) == Some(operation_id) {
            return None;
        }
        let target = state.scale_events.last().map(|e| e.to);
        let status = if target == Some(pool.count) {
            ScaleStatus::Success
        } else {
            ScaleStatus::Error
        };
        let command = PolicyCommand::FinishScaling {
            operation_id,
            status,
            at: self.writer.clock().now(),
        };
        Some(policy_command(
            &self.writer,
            state,
            command,
            "autoscaling_policy.finish_scaling",
        ))
    }

    async fn act(
        &self,
        state: &AutoscalingPolicy,
        cluster: &Cluster,
        pool: &NodePool,
        decision: &Decision,
        now: DateTime<Utc>,
    ) {
        let policy = state.policy.as_ref().expect("a live policy");
        if decision.record {
            let log = views::autoscaling::decision(state.id, policy, pool.count, decision, now);
            let evaluation = Evaluation {
                current_nodes: pool.count,
                desired_nodes: decision.desired,
                recommendation: decision.recommendation_to_record.count,
                conditions: decision.conditions,
                log: serde_json::to_string(&log).unwrap_or_default(),
                at: now,
            };
            let command = PolicyCommand::RecordEvaluation(evaluation);
            self.submit(policy_command(
                &self.writer,
                state,
                command,
                "autoscaling_policy.record_evaluation",
            ))
            .await;
        }
        let Some(scale) = decision.scale else {
            return;
        };
        let operation_id = self.writer.id_beside(&cluster.id);
        let key = tick::idempotency_key(state.id, now);
        let command = ClusterCommand::AutoscalePool {
            pool_id: pool.id,
            count: scale.to,
            operation_id,
            at: now,
        };
        let submission = Command::<Cluster>::new(
            cluster.id,
            command,
            operation_id,
            system(),
            "node_pool.scale",
        )
        .idempotency(Some(IdempotencyRequest {
            scope: key.clone(),
            fingerprint: key.clone(),
            key,
        }))
        .respond(|_, _, _| no_content());
        if self.writer.submit(submission).await.is_err() {
            tracing::debug!(policy = %state.id, "autoscaler scale not accepted; next tick decides again");
            return;
        }
        let start = PolicyCommand::StartScaling {
            operation_id,
            from: scale.from,
            to: scale.to,
            reason: scale.reason,
            at: now,
        };
        self.submit(policy_command(
            &self.writer,
            state,
            start,
            "autoscaling_policy.start_scaling",
        ))
        .await;
    }

    async fn submit(&self, submission: Submission) {
        super::submit_all(&self.writer, vec![submission]).await;
    }
}

/// The tick's input over gathered values.
pub fn input<'a>(
    state: &'a AutoscalingPolicy,
    gathered: &'a Gathered,
    now: DateTime<Utc>,
) -> TickInput<'a> {
    TickInput {
        policy: state.policy.as_ref().expect("a live policy"),
        pool_count: gathered.pool_count,
        nodes: &gathered.nodes,
        pool_samples: &gathered.pool_samples,
        scale_in_flight: gathered.scale_in_flight,
        recommendations: &state.recommendations,
        scale_events: &state.scale_events,
        now,
        price_monthly_micro: gathered.price_monthly_micro,
    }
}

fn no_content() -> StoredResponse {
    StoredResponse {
        status: 204,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// A command of the autoscaler on its policy. Only `StartScaling` goes without the
/// version the pass saw: the pass's own evaluation may have moved it, and the domain
/// already refuses a second scale in flight.
fn policy_command(
    writer: &Writer,
    state: &AutoscalingPolicy,
    command: PolicyCommand,
    name: &'static str,
) -> Submission {
    let expected =
        (!matches!(command, PolicyCommand::StartScaling { .. })).then_some(state.version);
    Command::<AutoscalingPolicy>::new(
        state.id,
        command,
        writer.id_beside(&state.id),
        system(),
        name,
    )
    .expecting(expected)
    .respond(|_, _, _| no_content())
}

/// The cluster command that puts `pool_id` under `policy`: `auto_scale` on, its bounds.
pub fn pool_bounds(
    writer: &Writer,
    cluster: &Cluster,
    pool_id: Uuid,
    policy: &domain::autoscale::Policy,
) -> Submission {
    let operation_id = writer.id_beside(&cluster.id);
    let changes = PoolChanges {
        auto_scale: Some(true),
        min_nodes: Some(policy.min_nodes),
        max_nodes: Some(policy.max_nodes),
        ..PoolChanges::default()
    };
    let command = ClusterCommand::UpdatePool {
        pool_id,
        changes,
        operation_id,
        at: writer.clock().now(),
    };
    Command::<Cluster>::new(
        cluster.id,
        command,
        operation_id,
        system(),
        "node_pool.update",
    )
    .respond(|_, _, _| no_content())
}
