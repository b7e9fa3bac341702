//! Deployment strategies (api.md §12.4) and the step plan each expands to, with the
//! original's step names (create canary, route traffic N%, monitor, gradual rollout,
//! finish; provision green, switch traffic; batch 1/3 …). Pure values and arithmetic;
//! must never read a clock or decide a transition (that is `decide`).

/// A rolling-update bound: a replica count or a percentage of the replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Count(u32),
    Percent(u32),
}

impl Bound {
    /// The bound in replicas; surge rounds up, unavailable rounds down (Kubernetes).
    pub fn replicas(self, replicas: u32, round_up: bool) -> u32 {
        match self {
            Self::Count(n) => n,
            Self::Percent(p) => {
                let scaled = u64::from(replicas) * u64::from(p);
                let whole = if round_up {
                    scaled.div_ceil(100)
                } else {
                    scaled / 100
                };
                u32::try_from(whole).unwrap_or(u32::MAX)
            }
        }
    }
}

/// One step of an Argo-style canary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanaryStep {
    SetWeight(u8),
    /// A pause; `None` waits for `:resume`.
    Pause(Option<u32>),
    Analysis,
}

/// How a canary shifts traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Canary {
    /// Argo style: explicit steps.
    Steps(Vec<CanaryStep>),
    /// Flagger style: `step_weight` increments up to `max_weight` (the original's
    /// `target_percent`), each followed by an analysis.
    Weights { step_weight: u8, max_weight: u8 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    Rolling {
        max_surge: Bound,
        max_unavailable: Bound,
    },
    BlueGreen {
        scale_down_delay_seconds: u32,
        pre_promotion_analysis: bool,
        post_promotion_analysis: bool,
    },
    Canary(Canary),
}

impl Strategy {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Rolling { .. } => "rolling",
            Self::BlueGreen { .. } => "blue_green",
            Self::Canary(_) => "canary",
        }
    }

    /// Why the strategy cannot run, if it cannot.
    pub fn invalid(&self) -> Option<&'static str> {
        match self {
            Self::Rolling {
                max_surge,
                max_unavailable,
            } => {
                let zero = |b: &Bound| matches!(b, Bound::Count(0) | Bound::Percent(0));
                if zero(max_surge) && zero(max_unavailable) {
                    return Some("max_surge and max_unavailable cannot both be 0");
                }
                let over = |b: &Bound| matches!(b, Bound::Percent(p) if *p > 100);
                (over(max_surge) || over(max_unavailable)).then_some("a percentage is at most 100%")
            }
            Self::BlueGreen { .. } => None,
            Self::Canary(Canary::Steps(steps)) => {
                if steps.is_empty() {
                    return Some("a canary needs at least one step");
                }
                steps
                    .iter()
                    .any(|s| matches!(s, CanaryStep::SetWeight(w) if *w > 100))
                    .then_some("set_weight is at most 100")
            }
            Self::Canary(Canary::Weights {
                step_weight,
                max_weight,
            }) => {
                if *step_weight == 0 || *max_weight == 0 {
                    Some("step_weight and max_weight must be positive")
                } else if *max_weight > 100 || step_weight > max_weight {
                    Some("step_weight ≤ max_weight ≤ 100")
                } else {
                    None
                }
            }
        }
    }
}

/// What a planned step does when the runner reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Create the canary / provision green: new replicas, no traffic yet.
    Provision,
    /// Route `n`% of the traffic to the new revision.
    Weight(u8),
    Pause(Option<u32>),
    /// Run the analysis (where failures are injected).
    Analysis,
    /// Replace one batch of a rolling update.
    Batch {
        index: u32,
        of: u32,
    },
    /// Switch all traffic to green.
    Switch,
    /// Shift the rest of the traffic (canary's "gradual rollout").
    GradualRollout,
    /// Retire the old revision.
    Finish,
}

/// One step of the plan with its display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStep {
    pub name: String,
    pub action: Action,
}

fn step(name: impl Into<String>, action: Action) -> PlannedStep {
    PlannedStep {
        name: name.into(),
        action,
    }
}

/// The steps `strategy` expands to for `replicas` replicas; monitor steps of a rolling
/// update appear only when the deployment has an analysis.
pub fn plan(strategy: &Strategy, replicas: u32, has_analysis: bool) -> Vec<PlannedStep> {
    match strategy {
        Strategy::Rolling {
            max_surge,
            max_unavailable,
        } => {
            let per_batch = (max_surge.replicas(replicas, true)
                + max_unavailable.replicas(replicas, false))
            .max(1);
            let batches = replicas.div_ceil(per_batch).max(1);
            let mut steps: Vec<PlannedStep> = (1..=batches)
                .map(|i| {
                    step(
                        format!("batch {i}/{batches}"),
                        Action::Batch {
                            index: i,
                            of: batches,
                        },
                    )
                })
                .collect();
            if has_analysis {
                steps.insert(1, step("monitor", Action::Analysis));
            }
            steps
        }
        Strategy::BlueGreen {
            pre_promotion_analysis,
            ..
        } => {
            let mut steps = vec![step("provision green", Action::Provision)];
            if *pre_promotion_analysis {
                steps.push(step("monitor", Action::Analysis));
            }
            steps.push(step("switch traffic", Action::Switch));
            steps
        }
        Strategy::Canary(canary) => {
            let mut steps = vec![step("create canary", Action::Provision)];
            match canary {
                Canary::Steps(listed) => steps.extend(listed.iter().map(|s| match s {
                    CanaryStep::SetWeight(w) => {
                        step(format!("route traffic {w}%"), Action::Weight(*w))
                    }
                    CanaryStep::Pause(Some(d)) => {
                        step(format!("pause {d}s"), Action::Pause(Some(*d)))
                    }
                    CanaryStep::Pause(None) => step("pause", Action::Pause(None)),
                    CanaryStep::Analysis => step("monitor", Action::Analysis),
                })),
                Canary::Weights {
                    step_weight,
                    max_weight,
                } => {
                    let mut weight = 0u8;
                    while weight < *max_weight {
                        weight = weight.saturating_add(*step_weight).min(*max_weight);
                        steps.push(step(
                            format!("route traffic {weight}%"),
                            Action::Weight(weight),
                        ));
                        steps.push(step("monitor", Action::Analysis));
                    }
                }
            }
            steps.push(step("gradual rollout", Action::GradualRollout));
            steps.push(step("finish", Action::Finish));
            steps
        }
    }
}
