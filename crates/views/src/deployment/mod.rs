//! Deployments between the domain and the contract (api.md §12.4): a strategy or analysis
//! body read into the domain's values with every bad field as a JSON pointer, a
//! deployment as its representation (and back, for the lossless row), and a cluster's
//! revisions. The one place these shapes are converted; must never decide anything.

pub mod row;
use contract::deployment as c;
use domain::deployment::analysis::{
    Analysis, AnalysisRun, Condition, DEFAULT_FAILURE_LIMIT, DEFAULT_INTERVAL_SECONDS, Metric,
    MetricName, MetricOutcome, Verdict,
};
use domain::deployment::strategy::{Bound, Canary, CanaryStep, Strategy};
use domain::deployment::{Deployment, Deployments, Kind, Status, StepStatus};
use serde_json::Value;

use crate::row::rfc3339;

/// A field the body got wrong: (JSON pointer, reason).
pub type BodyError = (String, String);

fn error(pointer: impl Into<String>, reason: impl Into<String>) -> BodyError {
    (pointer.into(), reason.into())
}

fn bound(value: Option<&Value>, pointer: &str) -> Result<Bound, BodyError> {
    match value {
        None => Ok(Bound::Percent(25)),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Bound::Count)
            .ok_or_else(|| error(pointer, "a replica count or a percentage like \"25%\"")),
        Some(Value::String(text)) => {
            let parsed = match text.strip_suffix('%') {
                Some(p) => p.parse().ok().map(Bound::Percent),
                None => text.parse().ok().map(Bound::Count),
            };
            parsed.ok_or_else(|| error(pointer, "a replica count or a percentage like \"25%\""))
        }
        Some(_) => Err(error(
            pointer,
            "a replica count or a percentage like \"25%\"",
        )),
    }
}

fn weight(value: u32, pointer: String) -> Result<u8, BodyError> {
    u8::try_from(value)
        .ok()
        .filter(|w| *w <= 100)
        .ok_or_else(|| error(pointer, "a percentage from 0 to 100"))
}

fn canary_step(step: &c::CanaryStepBody, index: usize) -> Result<CanaryStep, BodyError> {
    let pointer = format!("/strategy/steps/{index}");
    match (step.set_weight, &step.pause, &step.analysis) {
        (Some(w), None, None) => Ok(CanaryStep::SetWeight(weight(
            w,
            format!("{pointer}/set_weight"),
        )?)),
        (None, Some(pause), None) => Ok(CanaryStep::Pause(pause.duration_seconds)),
        (None, None, Some(_)) => Ok(CanaryStep::Analysis),
        _ => Err(error(pointer, "exactly one of set_weight, pause, analysis")),
    }
}

/// A strategy body as the domain's strategy.
pub fn strategy(body: &c::StrategyBody) -> Result<Strategy, BodyError> {
    let strategy = match body.strategy_type.as_str() {
        "rolling" => Strategy::Rolling {
            max_surge: bound(body.max_surge.as_ref(), "/strategy/max_surge")?,
            max_unavailable: bound(body.max_unavailable.as_ref(), "/strategy/max_unavailable")?,
        },
        "blue_green" => Strategy::BlueGreen {
            scale_down_delay_seconds: body.scale_down_delay_seconds.unwrap_or(600),
            pre_promotion_analysis: body.pre_promotion_analysis.is_some(),
            post_promotion_analysis: body.post_promotion_analysis.is_some(),
        },
        "canary" => match (&body.steps, body.step_weight, body.max_weight) {
            (Some(steps), None, None) => Strategy::Canary(Canary::Steps(
                steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| canary_step(s, i))
                    .collect::<Result<_, _>>()?,
            )),
            (None, Some(step), Some(max)) => Strategy::Canary(Canary::Weights {
                step_weight: weight(step, "/strategy/step_weight".into())?,
                max_weight: weight(max, "/strategy/max_weight".into())?,
            }),
            _ => {
                return Err(error(
                    "/strategy",
                    "a canary has either steps or step_weight and max_weight",
                ));
            }
        },
        _ => return Err(error("/strategy/type", "rolling, blue_green or canary")),
    };
    match strategy.invalid() {
        Some(reason) => Err(error("/strategy", reason)),
        None => Ok(strategy),
    }
}

fn condition(text: &str, pointer: String) -> Result<Condition, BodyError> {
    Condition::parse(text).ok_or_else(|| error(pointer, "a condition like \"result >= 0.95\""))
}

/// An analysis body as the domain's analysis.
pub fn analysis(body: &c::AnalysisBody) -> Result<Analysis, BodyError> {
    if body.metrics.is_empty() {
        return Err(error("/analysis/metrics", "at least one metric"));
    }
    let metrics = body
        .metrics
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let pointer = format!("/analysis/metrics/{i}");
            Ok::<_, BodyError>(Metric {
                name: MetricName::parse(&m.name).ok_or_else(|| {
                    error(format!("{pointer}/name"), "success_rate or latency_p99_ms")
                })?,
                interval_seconds: m.interval_seconds.unwrap_or(DEFAULT_INTERVAL_SECONDS),
                count: m.count,
                success_condition: condition(
                    &m.success_condition,
                    format!("{pointer}/success_condition"),
                )?,
                failure_condition: m
                    .failure_condition
                    .as_deref()
                    .map(|f| condition(f, format!("{pointer}/failure_condition")))
                    .transpose()?,
                failure_limit: m.failure_limit.unwrap_or(DEFAULT_FAILURE_LIMIT),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Analysis { metrics })
}

fn bound_value(bound: Bound) -> Value {
    match bound {
        Bound::Count(n) => Value::from(n),
        Bound::Percent(p) => Value::from(format!("{p}%")),
    }
}

/// The domain's strategy as its body, every default filled in.
pub fn strategy_body(strategy: &Strategy) -> c::StrategyBody {
    let mut body = c::StrategyBody {
        strategy_type: strategy.type_name().into(),
        ..c::StrategyBody::default()
    };
    let object = || Some(Value::Object(serde_json::Map::new()));
    match strategy {
        Strategy::Rolling {
            max_surge,
            max_unavailable,
        } => {
            body.max_surge = Some(bound_value(*max_surge));
            body.max_unavailable = Some(bound_value(*max_unavailable));
        }
        Strategy::BlueGreen {
            scale_down_delay_seconds,
            pre_promotion_analysis,
            post_promotion_analysis,
        } => {
            body.scale_down_delay_seconds = Some(*scale_down_delay_seconds);
            body.pre_promotion_analysis = pre_promotion_analysis.then(object).flatten();
            body.post_promotion_analysis = post_promotion_analysis.then(object).flatten();
        }
        Strategy::Canary(Canary::Steps(steps)) => {
            body.steps = Some(
                steps
                    .iter()
                    .map(|s| match s {
                        CanaryStep::SetWeight(w) => c::CanaryStepBody {
                            set_weight: Some(u32::from(*w)),
                            ..c::CanaryStepBody::default()
                        },
                        CanaryStep::Pause(d) => c::CanaryStepBody {
                            pause: Some(c::PauseBody {
                                duration_seconds: *d,
                            }),
                            ..c::CanaryStepBody::default()
                        },
                        CanaryStep::Analysis => c::CanaryStepBody {
                            analysis: object(),
                            ..c::CanaryStepBody::default()
                        },
                    })
                    .collect(),
            );
        }
        Strategy::Canary(Canary::Weights {
            step_weight,
            max_weight,
        }) => {
            body.step_weight = Some(u32::from(*step_weight));
            body.max_weight = Some(u32::from(*max_weight));
        }
    }
    body
}

/// The domain's analysis as its body, every default filled in.
pub fn analysis_body(analysis: &Analysis) -> c::AnalysisBody {
    c::AnalysisBody {
        metrics: analysis
            .metrics
            .iter()
            .map(|m| c::MetricBody {
                name: m.name.as_str().into(),
                interval_seconds: Some(m.interval_seconds),
                count: m.count,
                success_condition: m.success_condition.text(),
                failure_condition: m.failure_condition.map(|f| f.text()),
                failure_limit: Some(m.failure_limit),
            })
            .collect(),
    }
}

pub fn kind_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Rollout => "rollout",
        Kind::Rollback => "rollback",
    }
}

fn run_view(run: &AnalysisRun) -> c::AnalysisRunView {
    c::AnalysisRunView {
        step: run.step,
        result: run.result.as_str().into(),
        metrics: run
            .metrics
            .iter()
            .map(|m| c::MetricResult {
                name: m.name.as_str().into(),
                value: m.value,
                success_condition: m.success_condition.clone(),
                passed: m.passed,
            })
            .collect(),
        at: rfc3339(run.at),
    }
}

/// One deployment of `cluster` as its representation.
pub fn representation(cluster: &Deployments, d: &Deployment) -> c::Deployment {
    c::Deployment {
        kind: "deployment".into(),
        id: d.id,
        cluster_id: cluster.cluster_id,
        revision: c::RevisionRef {
            number: d.revision,
            image: d.spec.image.clone(),
            config_hash: d.spec.config_hash.clone(),
            replicas: d.spec.replicas,
        },
        deployment_kind: kind_text(d.kind).into(),
        rollback_of: d.rollback_of,
        strategy: strategy_body(&d.spec.strategy),
        analysis: d.spec.analysis.as_ref().map(analysis_body),
        auto_rollback: d.spec.auto_rollback,
        skip_analysis: d.skip_analysis,
        progress_deadline_seconds: d.spec.progress_deadline_seconds,
        status: d.status.as_str().into(),
        current_step: d.current_step,
        canary_weight: u32::from(d.canary_weight),
        message: d.message.clone(),
        progress: c::Progress {
            steps: d
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| c::DeploymentStep {
                    index: u32::try_from(i).unwrap_or(u32::MAX),
                    name: s.planned.name.clone(),
                    status: s.status.as_str().into(),
                    message: s.message.clone(),
                    started_at: s.started_at.map(rfc3339),
                    finished_at: s.finished_at.map(rfc3339),
                })
                .collect(),
        },
        analysis_runs: d.analysis_runs.iter().map(run_view).collect(),
        created_at: rfc3339(d.created_at),
        updated_at: rfc3339(d.updated_at),
        finished_at: d.finished_at.map(rfc3339),
        version: d.version,
    }
}

/// The cluster's revisions, newest first; the active one is the succeeded deployment's.
pub fn revisions(cluster: &Deployments) -> Vec<c::Revision> {
    let mut revisions: Vec<c::Revision> = cluster
        .deployments
        .iter()
        .map(|d| c::Revision {
            number: d.revision,
            deployment_id: d.id,
            image: d.spec.image.clone(),
            config_hash: d.spec.config_hash.clone(),
            created_at: rfc3339(d.created_at),
            is_active: d.status == Status::Succeeded,
        })
        .collect();
    revisions.sort_by_key(|r| std::cmp::Reverse(r.number));
    revisions
}

pub(crate) fn parse_status(text: &str) -> Option<Status> {
    use Status as S;
    [
        S::Pending,
        S::Progressing,
        S::Paused,
        S::Promoting,
        S::Succeeded,
        S::RollingBack,
        S::RolledBack,
        S::Failed,
        S::Cancelled,
        S::Superseded,
    ]
    .into_iter()
    .find(|s| s.as_str() == text)
}

pub(crate) fn parse_step_status(text: &str) -> Option<StepStatus> {
    use StepStatus as S;
    [S::Pending, S::Running, S::Succeeded, S::Failed, S::Skipped]
        .into_iter()
        .find(|s| s.as_str() == text)
}

pub(crate) fn parse_run(run: &c::AnalysisRunView) -> Result<AnalysisRun, String> {
    let result = match run.result.as_str() {
        "successful" => Verdict::Successful,
        "failed" => Verdict::Failed,
        "inconclusive" => Verdict::Inconclusive,
        other => return Err(format!("stored analysis result {other}")),
    };
    Ok(AnalysisRun {
        step: run.step,
        result,
        metrics: run
            .metrics
            .iter()
            .map(|m| {
                Ok(MetricOutcome {
                    name: MetricName::parse(&m.name).ok_or(format!("stored metric {}", m.name))?,
                    value: m.value,
                    success_condition: m.success_condition.clone(),
                    passed: m.passed,
                })
            })
            .collect::<Result<_, String>>()?,
        at: parse_time(&run.at)?,
    })
}

pub(crate) fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("stored time {text}: {e}"))
}
