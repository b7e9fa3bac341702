//! The deployment runner (api.md §12.4, features.md §2.10): on the injected clock, every
//! deployment in progress in the partitions this instance serves is moved one transition
//! when its next step is due — `step_delay_ms` (a seeded draw in the range, per
//! deployment and version) after its last event — through the aggregate's commands under
//! the keys `deploy:{id}:{step}`: begin, complete a step, record an analysis run (metrics
//! drawn from a seeded RNG; failures injected at analysis steps only, at `failure_rate`),
//! finish a promotion or a rollback, expire past `progress_deadline_seconds`.
//! Level-triggered: what is next and when it is due is read from the state alone, so a
//! restart resumes from events; a manual `:abort` always wins because the aggregate
//! refuses the runner's report about a step that is no longer current. Never decides a
//! transition itself.

use std::hash::BuildHasher;
use std::time::Duration;

use chrono::{DateTime, Duration as Span, Utc};
use domain::deployment::analysis::{Analysis, MetricName, default_analysis};
use domain::deployment::strategy::{Action, Strategy};
use domain::deployment::{Deployment, DeploymentCommand as C, Deployments, Status};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;
use uuid::Uuid;

use super::answer;
use crate::names::system;
use crate::writer::{Command, IdempotencyRequest, Writer};

/// `[deployments]`.
#[derive(Debug, Clone, Deserialize)]
pub struct DeploymentSettings {
    pub enabled: bool,
    /// How often the runner looks for due deployments.
    pub tick_ms: u64,
    /// `[min, max]` of the simulated time a step takes (the original: 800–1400 ms).
    pub step_delay_ms: [u64; 2],
    /// The share of analysis runs whose metrics are drawn from a failing signal.
    pub failure_rate: f64,
    pub seed: u64,
}

impl Default for DeploymentSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            tick_ms: 200,
            step_delay_ms: [800, 1400],
            failure_rate: 0.0,
            seed: 42,
        }
    }
}

pub struct Runner {
    writer: Writer,
    settings: DeploymentSettings,
}

/// What the runner does next for one deployment, and the step key it does it under.
struct Move {
    command: C,
    step: String,
}

impl Runner {
    pub fn new(writer: Writer, settings: DeploymentSettings) -> Self {
        Self { writer, settings }
    }

    pub async fn run(self, mut shutdown: platform::shutdown::Shutdown) {
        let tick = Duration::from_millis(self.settings.tick_ms.max(10));
        let mut ticks = tokio::time::interval(tick);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.wait() => return,
                _ = ticks.tick() => self.pass().await,
            }
        }
    }

    /// One pass over every deployment in progress of the served partitions.
    pub async fn pass(&self) {
        for partition in 0..self.writer.partitions() {
            let ledgers = self
                .writer
                .observe_partition::<Deployments>(partition, &|d: &Deployments| {
                    d.in_progress().is_some()
                });
            for observed in ledgers.iter().filter(|o| !o.pending) {
                let ledger = &observed.state;
                let Some(deployment) = ledger.in_progress() else {
                    continue;
                };
                let now = self.writer.clock().now();
                if let Some(next) = self.next_move(deployment, now) {
                    self.submit(ledger.id, deployment.id, next).await;
                }
            }
        }
    }

    async fn submit(&self, ledger: Uuid, deployment_id: Uuid, next: Move) {
        let key = format!("deploy:{deployment_id}:{}", next.step);
        let submission = Command::<Deployments>::new(
            ledger,
            next.command,
            self.writer.id_beside(&ledger),
            system(),
            "deployment.advance",
        )
        .idempotency(Some(IdempotencyRequest {
            scope: key.clone(),
            fingerprint: key.clone(),
            key,
        }))
        .respond(answer(deployment_id, 200));
        if let Err(error) = self.writer.submit(submission).await {
            // Refused (a manual command moved it first) or unavailable: the next pass
            // reads the state again.
            tracing::debug!(%error, deployment = %deployment_id, "deployment step not accepted");
        }
    }

    /// The simulated time the deployment's next step takes, drawn from the seed, the
    /// deployment and how far it got (so a restart draws the same).
    fn step_delay(&self, d: &Deployment) -> Span {
        let [low, high] = self.settings.step_delay_ms;
        let mut rng = self.rng(d, "delay");
        let ms = if high > low {
            rng.random_range(low..=high)
        } else {
            low
        };
        Span::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX))
    }

    fn rng(&self, d: &Deployment, purpose: &str) -> StdRng {
        let hashed = foldhash::fast::FixedState::with_seed(self.settings.seed)
            .hash_one((d.id, d.version, purpose));
        StdRng::seed_from_u64(hashed)
    }

    fn next_move(&self, d: &Deployment, now: DateTime<Utc>) -> Option<Move> {
        let id = d.id;
        let due = now >= d.updated_at + self.step_delay(d);
        let moving = |command, step: String| Some(Move { command, step });
        match d.status {
            Status::Pending if due => moving(
                C::Begin {
                    deployment_id: id,
                    at: now,
                },
                "begin".into(),
            ),
            Status::Progressing | Status::Promoting if now >= d.deadline() => moving(
                C::Expire {
                    deployment_id: id,
                    at: now,
                },
                "expired".into(),
            ),
            Status::Progressing if due => {
                let index = d.current_step?;
                let step = d.current()?;
                if step.planned.action == Action::Analysis {
                    return moving(self.analysis(d, Some(index), now), index.to_string());
                }
                moving(
                    C::CompleteStep {
                        deployment_id: id,
                        index,
                        message: done_message(d, step.planned.action),
                        at: now,
                    },
                    index.to_string(),
                )
            }
            Status::Paused => {
                let index = d.current_step?;
                let ends = d.pause_ends_at()?;
                (now >= ends).then(|| Move {
                    command: C::CompleteStep {
                        deployment_id: id,
                        index,
                        message: "pause elapsed".into(),
                        at: now,
                    },
                    step: index.to_string(),
                })
            }
            Status::Promoting if due => {
                if post_analysis_due(d) {
                    return moving(
                        self.analysis(d, None, now),
                        "post-promotion-analysis".into(),
                    );
                }
                moving(
                    C::FinishPromotion {
                        deployment_id: id,
                        at: now,
                    },
                    "promoted".into(),
                )
            }
            Status::RollingBack if due => moving(
                C::FinishRollback {
                    deployment_id: id,
                    restored: true,
                    at: now,
                },
                "rolled-back".into(),
            ),
            _ => None,
        }
    }

    /// One analysis run's measurements over the simulated health signal: healthy unless
    /// this run draws a failure (`failure_rate`).
    fn analysis(&self, d: &Deployment, index: Option<u32>, now: DateTime<Utc>) -> C {
        let spec: Analysis = d.spec.analysis.clone().unwrap_or_else(default_analysis);
        let mut rng = self.rng(d, "analysis");
        let failing = rng.random::<f64>() < self.settings.failure_rate;
        let measured = spec
            .metrics
            .iter()
            .map(|metric| {
                (0..metric.measurements())
                    .map(|_| signal(&mut rng, metric.name, failing))
                    .collect()
            })
            .collect();
        C::RecordAnalysis {
            deployment_id: d.id,
            index,
            measured,
            at: now,
        }
    }
}

/// One measurement of the simulated signal.
fn signal(rng: &mut StdRng, metric: MetricName, failing: bool) -> f64 {
    match (metric, failing) {
        (MetricName::SuccessRate, false) => rng.random_range(0.97..=1.0),
        (MetricName::SuccessRate, true) => rng.random_range(0.5..0.85),
        (MetricName::LatencyP99Ms, false) => rng.random_range(80.0..300.0),
        (MetricName::LatencyP99Ms, true) => rng.random_range(700.0..1500.0),
    }
}

fn post_analysis_due(d: &Deployment) -> bool {
    matches!(
        d.spec.strategy,
        Strategy::BlueGreen {
            post_promotion_analysis: true,
            ..
        }
    ) && !d.skip_analysis
        && !d.analysis_runs.iter().any(|r| r.step.is_none())
}

/// The step's message once done, in the original's words.
fn done_message(d: &Deployment, action: Action) -> String {
    let image = &d.spec.image;
    match action {
        Action::Provision => format!("{} replicas of {image} ready", d.spec.replicas),
        Action::Weight(w) => format!("{w}% of traffic on {image}"),
        Action::Batch { index, of } => format!("batch {index} of {of} replaced with {image}"),
        Action::Switch => format!("all traffic switched to {image}"),
        Action::GradualRollout => format!("traffic shifted to {image}"),
        Action::Finish => "old revision scaled down".into(),
        Action::Pause(_) => "pause elapsed".into(),
        Action::Analysis => "analysis done".into(),
    }
}
