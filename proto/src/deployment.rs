//! Deployment events to and from the wire, schema version 1 (api.md §12.4), and the
//! spec and analysis-run conversions shared with the state codec. Enums and conditions
//! travel as text; a text this codec does not know is a `DecodeError`, never a default.

use domain::deployment::analysis::{
    Analysis, AnalysisRun, Condition, Metric, MetricName, MetricOutcome, Verdict,
};
use domain::deployment::strategy::{Bound, Canary, CanaryStep, Strategy};
use domain::deployment::{DeploymentEvent as E, Kind, Spec, Started};
use prost::Message;
use uuid::Uuid;

use crate::DecodeError;
use crate::codec::{Encoded, WireEvent, id_text, optional_uuid, payload, unknown, uuid};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

impl WireEvent for E {
    const TYPES: &'static [(&'static str, u32)] = &[
        ("deployment.started", SCHEMA_VERSION),
        ("deployment.step_started", SCHEMA_VERSION),
        ("deployment.step_finished", SCHEMA_VERSION),
        ("deployment.analysis_recorded", SCHEMA_VERSION),
        ("deployment.paused", SCHEMA_VERSION),
        ("deployment.resumed", SCHEMA_VERSION),
        ("deployment.promotion_started", SCHEMA_VERSION),
        ("deployment.succeeded", SCHEMA_VERSION),
        ("deployment.superseded", SCHEMA_VERSION),
        ("deployment.rollback_started", SCHEMA_VERSION),
        ("deployment.rolled_back", SCHEMA_VERSION),
        ("deployment.failed", SCHEMA_VERSION),
        ("deployment.cancelled", SCHEMA_VERSION),
    ];

    fn encode(&self) -> Encoded {
        (
            self.type_name().to_owned(),
            SCHEMA_VERSION,
            encode_payload(self),
        )
    }

    fn decode(event_type: &str, schema_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        if schema_version != SCHEMA_VERSION {
            return Err(unknown(event_type, schema_version));
        }
        match event_type {
            "deployment.started" => started(payload(bytes)?),
            "deployment.step_started" | "deployment.step_finished" => {
                let e: wire::DeploymentStepEvent = payload(bytes)?;
                let deployment_id = uuid(&e.deployment_id, "deployment_id")?;
                let at = from_timestamp(e.at.as_ref(), "at")?;
                Ok(if event_type == "deployment.step_started" {
                    E::StepStarted {
                        deployment_id,
                        index: e.index,
                        at,
                    }
                } else {
                    E::StepFinished {
                        deployment_id,
                        index: e.index,
                        message: e.message,
                        at,
                    }
                })
            }
            "deployment.analysis_recorded" => {
                let e: wire::DeploymentAnalysisRecorded = payload(bytes)?;
                Ok(E::AnalysisRecorded {
                    deployment_id: uuid(&e.deployment_id, "deployment_id")?,
                    run: run_from_wire(e.run.ok_or(DecodeError::Missing("run"))?)?,
                })
            }
            other => change(other, payload(bytes)?),
        }
    }
}

fn started(e: wire::DeploymentStarted) -> Result<E, DecodeError> {
    Ok(E::Started(Box::new(Started {
        id: uuid(&e.id, "id")?,
        cluster_id: uuid(&e.cluster_id, "cluster_id")?,
        owner: e.owner,
        deployment_id: uuid(&e.deployment_id, "deployment_id")?,
        revision: e.revision,
        kind: kind_from(&e.kind)?,
        rollback_of: optional_uuid(&e.rollback_of, "rollback_of")?,
        spec: spec_from_wire(e.spec)?,
        skip_analysis: e.skip_analysis,
        at: from_timestamp(e.at.as_ref(), "at")?,
    })))
}

fn change(event_type: &str, e: wire::DeploymentChange) -> Result<E, DecodeError> {
    let deployment_id = uuid(&e.deployment_id, "deployment_id")?;
    let at = from_timestamp(e.at.as_ref(), "at")?;
    let message = e.message;
    Ok(match event_type {
        "deployment.paused" => E::Paused {
            deployment_id,
            message,
            at,
        },
        "deployment.resumed" => E::Resumed { deployment_id, at },
        "deployment.promotion_started" => E::PromotionStarted {
            deployment_id,
            message,
            at,
        },
        "deployment.succeeded" => E::Succeeded { deployment_id, at },
        "deployment.superseded" => E::Superseded {
            deployment_id,
            by: uuid(&e.by, "by")?,
            at,
        },
        "deployment.rollback_started" => E::RollbackStarted {
            deployment_id,
            message,
            at,
        },
        "deployment.rolled_back" => E::RolledBack { deployment_id, at },
        "deployment.failed" => E::Failed {
            deployment_id,
            message,
            at,
        },
        "deployment.cancelled" => E::Cancelled {
            deployment_id,
            message,
            at,
        },
        other => return Err(unknown(other, SCHEMA_VERSION)),
    })
}

fn change_bytes(
    deployment_id: Uuid,
    message: &str,
    at: chrono::DateTime<chrono::Utc>,
    by: Option<Uuid>,
) -> Vec<u8> {
    wire::DeploymentChange {
        deployment_id: deployment_id.to_string(),
        message: message.to_owned(),
        at: Some(to_timestamp(at)),
        by: id_text(by),
    }
    .encode_to_vec()
}

fn encode_payload(event: &E) -> Vec<u8> {
    let id = event.deployment_id();
    let at = event.at();
    match event {
        E::Started(s) => wire::DeploymentStarted {
            id: s.id.to_string(),
            cluster_id: s.cluster_id.to_string(),
            owner: s.owner.clone(),
            deployment_id: s.deployment_id.to_string(),
            revision: s.revision,
            kind: kind_text(s.kind).to_owned(),
            rollback_of: id_text(s.rollback_of),
            spec: Some(spec_to_wire(&s.spec)),
            skip_analysis: s.skip_analysis,
            at: Some(to_timestamp(s.at)),
        }
        .encode_to_vec(),
        E::StepStarted { index, .. } => step_bytes(id, *index, "", at),
        E::StepFinished { index, message, .. } => step_bytes(id, *index, message, at),
        E::AnalysisRecorded { run, .. } => wire::DeploymentAnalysisRecorded {
            deployment_id: id.to_string(),
            run: Some(run_to_wire(run)),
        }
        .encode_to_vec(),
        E::Superseded { by, .. } => change_bytes(id, "", at, Some(*by)),
        E::Paused { message, .. }
        | E::PromotionStarted { message, .. }
        | E::RollbackStarted { message, .. }
        | E::Failed { message, .. }
        | E::Cancelled { message, .. } => change_bytes(id, message, at, None),
        E::Resumed { .. } | E::Succeeded { .. } | E::RolledBack { .. } => {
            change_bytes(id, "", at, None)
        }
    }
}

fn step_bytes(
    deployment_id: Uuid,
    index: u32,
    message: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<u8> {
    wire::DeploymentStepEvent {
        deployment_id: deployment_id.to_string(),
        index,
        message: message.to_owned(),
        at: Some(to_timestamp(at)),
    }
    .encode_to_vec()
}

pub(crate) fn kind_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Rollout => "rollout",
        Kind::Rollback => "rollback",
    }
}

pub(crate) fn kind_from(text: &str) -> Result<Kind, DecodeError> {
    match text {
        "rollout" => Ok(Kind::Rollout),
        "rollback" => Ok(Kind::Rollback),
        _ => Err(DecodeError::Invalid("kind")),
    }
}

// ---- The spec. ----

fn bound_text(bound: Bound) -> String {
    match bound {
        Bound::Count(n) => n.to_string(),
        Bound::Percent(p) => format!("{p}%"),
    }
}

fn bound_from(text: &str) -> Result<Bound, DecodeError> {
    let invalid = DecodeError::Invalid("bound");
    match text.strip_suffix('%') {
        Some(p) => p.parse().map(Bound::Percent).map_err(|_| invalid),
        None => text.parse().map(Bound::Count).map_err(|_| invalid),
    }
}

fn strategy_to_wire(strategy: &Strategy) -> wire::DeploymentStrategy {
    let mut w = wire::DeploymentStrategy {
        r#type: strategy.type_name().to_owned(),
        ..wire::DeploymentStrategy::default()
    };
    match strategy {
        Strategy::Rolling {
            max_surge,
            max_unavailable,
        } => {
            w.max_surge = bound_text(*max_surge);
            w.max_unavailable = bound_text(*max_unavailable);
        }
        Strategy::BlueGreen {
            scale_down_delay_seconds,
            pre_promotion_analysis,
            post_promotion_analysis,
        } => {
            w.scale_down_delay_seconds = *scale_down_delay_seconds;
            w.pre_promotion_analysis = *pre_promotion_analysis;
            w.post_promotion_analysis = *post_promotion_analysis;
        }
        Strategy::Canary(Canary::Steps(steps)) => {
            w.steps = steps
                .iter()
                .map(|s| match s {
                    CanaryStep::SetWeight(weight) => wire::DeploymentCanaryStep {
                        kind: "set_weight".into(),
                        weight: u32::from(*weight),
                        duration_seconds: None,
                    },
                    CanaryStep::Pause(duration) => wire::DeploymentCanaryStep {
                        kind: "pause".into(),
                        weight: 0,
                        duration_seconds: *duration,
                    },
                    CanaryStep::Analysis => wire::DeploymentCanaryStep {
                        kind: "analysis".into(),
                        weight: 0,
                        duration_seconds: None,
                    },
                })
                .collect();
        }
        Strategy::Canary(Canary::Weights {
            step_weight,
            max_weight,
        }) => {
            w.step_weight = u32::from(*step_weight);
            w.max_weight = u32::from(*max_weight);
        }
    }
    w
}

fn percent(value: u32, field: &'static str) -> Result<u8, DecodeError> {
    u8::try_from(value).map_err(|_| DecodeError::Invalid(field))
}

fn strategy_from_wire(w: wire::DeploymentStrategy) -> Result<Strategy, DecodeError> {
    Ok(match w.r#type.as_str() {
        "rolling" => Strategy::Rolling {
            max_surge: bound_from(&w.max_surge)?,
            max_unavailable: bound_from(&w.max_unavailable)?,
        },
        "blue_green" => Strategy::BlueGreen {
            scale_down_delay_seconds: w.scale_down_delay_seconds,
            pre_promotion_analysis: w.pre_promotion_analysis,
            post_promotion_analysis: w.post_promotion_analysis,
        },
        "canary" if w.steps.is_empty() => Strategy::Canary(Canary::Weights {
            step_weight: percent(w.step_weight, "step_weight")?,
            max_weight: percent(w.max_weight, "max_weight")?,
        }),
        "canary" => Strategy::Canary(Canary::Steps(
            w.steps
                .iter()
                .map(|s| match s.kind.as_str() {
                    "set_weight" => Ok(CanaryStep::SetWeight(percent(s.weight, "weight")?)),
                    "pause" => Ok(CanaryStep::Pause(s.duration_seconds)),
                    "analysis" => Ok(CanaryStep::Analysis),
                    _ => Err(DecodeError::Invalid("steps.kind")),
                })
                .collect::<Result<_, _>>()?,
        )),
        _ => return Err(DecodeError::Invalid("strategy.type")),
    })
}

fn condition(text: &str, field: &'static str) -> Result<Condition, DecodeError> {
    Condition::parse(text).ok_or(DecodeError::Invalid(field))
}

fn analysis_to_wire(analysis: &Analysis) -> wire::DeploymentAnalysis {
    wire::DeploymentAnalysis {
        metrics: analysis
            .metrics
            .iter()
            .map(|m| wire::DeploymentMetric {
                name: m.name.as_str().to_owned(),
                interval_seconds: m.interval_seconds,
                count: m.count,
                success_condition: m.success_condition.text(),
                failure_condition: m.failure_condition.map(|c| c.text()).unwrap_or_default(),
                failure_limit: m.failure_limit,
            })
            .collect(),
    }
}

fn analysis_from_wire(w: wire::DeploymentAnalysis) -> Result<Analysis, DecodeError> {
    let metrics = w
        .metrics
        .iter()
        .map(|m| {
            Ok(Metric {
                name: MetricName::parse(&m.name).ok_or(DecodeError::Invalid("metric.name"))?,
                interval_seconds: m.interval_seconds,
                count: m.count,
                success_condition: condition(&m.success_condition, "success_condition")?,
                failure_condition: if m.failure_condition.is_empty() {
                    None
                } else {
                    Some(condition(&m.failure_condition, "failure_condition")?)
                },
                failure_limit: m.failure_limit,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    Ok(Analysis { metrics })
}

pub(crate) fn spec_to_wire(spec: &Spec) -> wire::DeploymentSpec {
    wire::DeploymentSpec {
        image: spec.image.clone(),
        config_hash: spec.config_hash.clone(),
        replicas: spec.replicas,
        strategy: Some(strategy_to_wire(&spec.strategy)),
        analysis: spec.analysis.as_ref().map(analysis_to_wire),
        auto_rollback: spec.auto_rollback,
        progress_deadline_seconds: spec.progress_deadline_seconds,
    }
}

pub(crate) fn spec_from_wire(spec: Option<wire::DeploymentSpec>) -> Result<Spec, DecodeError> {
    let spec = spec.ok_or(DecodeError::Missing("spec"))?;
    Ok(Spec {
        image: spec.image,
        config_hash: spec.config_hash,
        replicas: spec.replicas,
        strategy: strategy_from_wire(spec.strategy.ok_or(DecodeError::Missing("strategy"))?)?,
        analysis: spec.analysis.map(analysis_from_wire).transpose()?,
        auto_rollback: spec.auto_rollback,
        progress_deadline_seconds: spec.progress_deadline_seconds,
    })
}

// ---- Analysis runs. ----

pub(crate) fn run_to_wire(run: &AnalysisRun) -> wire::DeploymentAnalysisRun {
    wire::DeploymentAnalysisRun {
        step: run.step,
        result: run.result.as_str().to_owned(),
        metrics: run
            .metrics
            .iter()
            .map(|m| wire::DeploymentMetricOutcome {
                name: m.name.as_str().to_owned(),
                value: m.value,
                success_condition: m.success_condition.clone(),
                passed: m.passed,
            })
            .collect(),
        at: Some(to_timestamp(run.at)),
    }
}

pub(crate) fn run_from_wire(w: wire::DeploymentAnalysisRun) -> Result<AnalysisRun, DecodeError> {
    let result = match w.result.as_str() {
        "successful" => Verdict::Successful,
        "failed" => Verdict::Failed,
        "inconclusive" => Verdict::Inconclusive,
        _ => return Err(DecodeError::Invalid("result")),
    };
    let metrics = w
        .metrics
        .into_iter()
        .map(|m| {
            Ok(MetricOutcome {
                name: MetricName::parse(&m.name).ok_or(DecodeError::Invalid("metric.name"))?,
                value: m.value,
                success_condition: m.success_condition,
                passed: m.passed,
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    Ok(AnalysisRun {
        step: w.step,
        result,
        metrics,
        at: from_timestamp(w.at.as_ref(), "at")?,
    })
}
