//! Diagnosis events to and from the wire, schema version 1 (round trip: the tests below;
//! golden bytes: `tests/fixtures/events/diagnosis.txt`). Only the conversion.

use domain::diagnosis::{
    Change, DiagnosisEvent, Evidence, Insight, ObjectRef, Recommendation, Recorded, Severity,
    Trigger,
};
use prost::Message;

use crate::DecodeError;
use crate::codec::{Encoded, WireEvent, optional_uuid, payload, unknown, uuid};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

const SCHEMA_VERSION: u32 = 1;

impl WireEvent for DiagnosisEvent {
    const TYPES: &'static [(&'static str, u32)] = &[(DiagnosisEvent::RECORDED, SCHEMA_VERSION)];

    fn encode(&self) -> Encoded {
        let Self::Recorded(run) = self;
        (
            self.type_name().to_owned(),
            SCHEMA_VERSION,
            recorded_to_wire(run).encode_to_vec(),
        )
    }

    fn decode(event_type: &str, schema_version: u32, bytes: &[u8]) -> Result<Self, DecodeError> {
        if schema_version != SCHEMA_VERSION || event_type != DiagnosisEvent::RECORDED {
            return Err(unknown(event_type, schema_version));
        }
        let e: wire::DiagnosisRecorded = payload(bytes)?;
        Ok(Self::Recorded(recorded_from_wire(e)?))
    }
}

pub(crate) fn recorded_to_wire(run: &Recorded) -> wire::DiagnosisRecorded {
    let (operation_id, job_id) = match run.trigger {
        Trigger::Request { operation_id } => (operation_id.to_string(), String::new()),
        Trigger::Job { job_id } => (String::new(), job_id.to_string()),
    };
    wire::DiagnosisRecorded {
        id: run.id.to_string(),
        cluster_id: run.cluster_id.to_string(),
        owner: run.owner.clone(),
        requested_by: run.requested_by.clone(),
        operation_id,
        job_id,
        source: run.source.clone(),
        insights: run.insights.iter().map(insight_to_wire).collect(),
        at: Some(to_timestamp(run.at)),
    }
}

pub(crate) fn recorded_from_wire(e: wire::DiagnosisRecorded) -> Result<Recorded, DecodeError> {
    let trigger = match (
        optional_uuid(&e.operation_id, "operation_id")?,
        optional_uuid(&e.job_id, "job_id")?,
    ) {
        (Some(operation_id), None) => Trigger::Request { operation_id },
        (None, Some(job_id)) => Trigger::Job { job_id },
        _ => return Err(DecodeError::Invalid("operation_id")),
    };
    Ok(Recorded {
        id: uuid(&e.id, "id")?,
        cluster_id: uuid(&e.cluster_id, "cluster_id")?,
        owner: e.owner,
        requested_by: e.requested_by,
        trigger,
        source: e.source,
        insights: e
            .insights
            .into_iter()
            .map(insight_from_wire)
            .collect::<Result<_, _>>()?,
        at: from_timestamp(e.at.as_ref(), "at")?,
    })
}

fn insight_to_wire(i: &Insight) -> wire::DiagnosisInsight {
    wire::DiagnosisInsight {
        check: i.check.clone(),
        category: i.category.clone(),
        severity: i.severity.as_str().to_owned(),
        title: i.title.clone(),
        message: i.message.clone(),
        evidence: i.evidence.as_ref().map(|e| wire::DiagnosisEvidence {
            metric: e.metric.clone(),
            value: e.value,
            threshold: e.threshold,
            window: e.window.clone(),
        }),
        object_kind: i.object.kind.clone(),
        object_id: i.object.id.to_string(),
        object_name: i.object.name.clone(),
        action: i.recommendation.action.clone(),
        change: i.recommendation.change.as_ref().map(change_to_wire),
    }
}

fn insight_from_wire(i: wire::DiagnosisInsight) -> Result<Insight, DecodeError> {
    Ok(Insight {
        severity: Severity::parse(&i.severity).ok_or(DecodeError::Invalid("severity"))?,
        object: ObjectRef {
            kind: i.object_kind,
            id: uuid(&i.object_id, "object_id")?,
            name: i.object_name,
        },
        recommendation: Recommendation {
            action: i.action,
            change: i.change.map(change_from_wire).transpose()?,
        },
        evidence: i.evidence.map(|e| Evidence {
            metric: e.metric,
            value: e.value,
            threshold: e.threshold,
            window: e.window,
        }),
        check: i.check,
        category: i.category,
        title: i.title,
        message: i.message,
    })
}

fn change_to_wire(change: &Change) -> wire::DiagnosisChange {
    let mut c = wire::DiagnosisChange::default();
    match change {
        Change::ScalePool { pool_id, count } => {
            c.kind = "scale_pool".into();
            c.pool_id = pool_id.to_string();
            c.count = *count;
        }
        Change::RaiseMaxNodes { pool_id, max_nodes } => {
            c.kind = "raise_max_nodes".into();
            c.pool_id = pool_id.to_string();
            c.max_nodes = *max_nodes;
        }
        Change::EnableAutoscaling {
            pool_id,
            min_nodes,
            max_nodes,
        } => {
            c.kind = "enable_autoscaling".into();
            c.pool_id = pool_id.to_string();
            c.min_nodes = *min_nodes;
            c.max_nodes = *max_nodes;
        }
        Change::AddPool { name, size, count } => {
            c.kind = "add_pool".into();
            c.name.clone_from(name);
            c.size.clone_from(size);
            c.count = *count;
        }
    }
    c
}

fn change_from_wire(c: wire::DiagnosisChange) -> Result<Change, DecodeError> {
    let pool = |raw: &str| uuid(raw, "change.pool_id");
    Ok(match c.kind.as_str() {
        "scale_pool" => Change::ScalePool {
            pool_id: pool(&c.pool_id)?,
            count: c.count,
        },
        "raise_max_nodes" => Change::RaiseMaxNodes {
            pool_id: pool(&c.pool_id)?,
            max_nodes: c.max_nodes,
        },
        "enable_autoscaling" => Change::EnableAutoscaling {
            pool_id: pool(&c.pool_id)?,
            min_nodes: c.min_nodes,
            max_nodes: c.max_nodes,
        },
        "add_pool" => Change::AddPool {
            name: c.name,
            size: c.size,
            count: c.count,
        },
        _ => return Err(DecodeError::Invalid("change.kind")),
    })
}
