//! The deployment row (table `deployment`): one row per deployment, a lossless copy of
//! that deployment's part of its cluster's `Deployments` state (its representation plus
//! `progressed_at`, JSON text), with the columns lists filter and sort on; and the
//! revision row, the same table read as a cluster's revisions. A deployment's state is a
//! fold of its own events only, so the projector folds each row through the domain's
//! `evolve` on a one-deployment ledger (`to_ledger` / `from_ledger`). Written only by the
//! projector; query-api reads it.

use chrono::{DateTime, Utc};
use contract::deployment as c;
use domain::deployment::strategy::plan;
use domain::deployment::{Deployment, Deployments, Kind, Spec, Step};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::{parse_run, parse_status, parse_step_status, parse_time, representation};
use crate::row::{Bound, from_json_text, json_text, to_value};

/// Every column of `deployment`, in the order of `DeploymentRow`.
pub const COLUMNS: &[&str] = &[
    "deployment_id",
    "ledger_id",
    "cluster_id",
    "owner",
    "revision",
    "image",
    "config_hash",
    "status",
    "is_active",
    "document",
    "version",
    "created_at",
    "updated_at",
];

/// The columns of a revision.
pub const REVISION_COLUMNS: &[&str] = &[
    "deployment_id",
    "cluster_id",
    "owner",
    "revision",
    "image",
    "config_hash",
    "is_active",
    "created_at",
];

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub struct DeploymentRow {
    pub deployment_id: Uuid,
    /// The cluster's `Deployments` aggregate.
    pub ledger_id: Uuid,
    pub cluster_id: Uuid,
    pub owner: String,
    pub revision: u32,
    pub image: String,
    pub config_hash: String,
    pub status: String,
    /// The succeeded deployment: the active revision.
    pub is_active: bool,
    /// `Document` (JSON text).
    pub document: String,
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub struct RevisionRow {
    pub deployment_id: Uuid,
    pub cluster_id: Uuid,
    pub owner: String,
    pub revision: u32,
    pub image: String,
    pub config_hash: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

impl RevisionRow {
    pub fn to_resource(&self) -> c::Revision {
        c::Revision {
            number: self.revision,
            deployment_id: self.deployment_id,
            image: self.image.clone(),
            config_hash: self.config_hash.clone(),
            created_at: crate::row::rfc3339(self.created_at),
            is_active: self.is_active,
        }
    }
}

/// What the row keeps of the deployment.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Document {
    representation: c::Deployment,
    progressed_at: DateTime<Utc>,
}

impl DeploymentRow {
    /// The row of deployment `d` of `ledger`.
    pub fn from_ledger(ledger: &Deployments, d: &Deployment) -> Self {
        let document = Document {
            representation: representation(ledger, d),
            progressed_at: d.progressed_at,
        };
        Self {
            deployment_id: d.id,
            ledger_id: ledger.id,
            cluster_id: ledger.cluster_id,
            owner: ledger.owner.clone(),
            revision: d.revision,
            image: d.spec.image.clone(),
            config_hash: d.spec.config_hash.clone(),
            status: d.status.as_str().into(),
            is_active: d.status == domain::deployment::Status::Succeeded,
            document: json_text(&document),
            version: d.version,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }

    /// Binds every column of `COLUMNS`, in that order.
    pub fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.deployment_id)
            .bind(self.ledger_id)
            .bind(self.cluster_id)
            .bind(&self.owner)
            .bind(self.revision)
            .bind(&self.image)
            .bind(&self.config_hash)
            .bind(&self.status)
            .bind(self.is_active)
            .bind(&self.document)
            .bind(self.version)
            .bind(self.created_at)
            .bind(self.updated_at)
    }

    /// The API representation.
    pub fn to_resource(&self) -> Value {
        from_json_text::<Document>(&self.document, "document")
            .map(|d| to_value(&d.representation))
            .unwrap_or(Value::Null)
    }

    /// A ledger holding only this deployment, to fold its next events into.
    pub fn to_ledger(&self) -> Result<Deployments, String> {
        let document: Document = from_json_text(&self.document, "document")?;
        Ok(Deployments {
            id: self.ledger_id,
            cluster_id: self.cluster_id,
            owner: self.owner.clone(),
            deployments: vec![deployment(&document)?],
            version: self.version,
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
        })
    }
}

fn deployment(document: &Document) -> Result<Deployment, String> {
    let r = &document.representation;
    let bad = |(pointer, reason): super::BodyError| format!("stored {pointer}: {reason}");
    let spec = Spec {
        image: r.revision.image.clone(),
        config_hash: r.revision.config_hash.clone(),
        replicas: r.revision.replicas,
        strategy: super::strategy(&r.strategy).map_err(bad)?,
        analysis: r
            .analysis
            .as_ref()
            .map(super::analysis)
            .transpose()
            .map_err(bad)?,
        auto_rollback: r.auto_rollback,
        progress_deadline_seconds: r.progress_deadline_seconds,
    };
    let planned = plan(&spec.strategy, spec.replicas, spec.analysis.is_some());
    if planned.len() != r.progress.steps.len() {
        return Err("stored steps do not match the plan".into());
    }
    let steps = planned
        .into_iter()
        .zip(&r.progress.steps)
        .map(|(planned, s)| {
            Ok(Step {
                planned,
                status: parse_step_status(&s.status)
                    .ok_or(format!("stored step status {}", s.status))?,
                message: s.message.clone(),
                started_at: s.started_at.as_deref().map(parse_time).transpose()?,
                finished_at: s.finished_at.as_deref().map(parse_time).transpose()?,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Deployment {
        id: r.id,
        revision: r.revision.number,
        kind: match r.deployment_kind.as_str() {
            "rollback" => Kind::Rollback,
            _ => Kind::Rollout,
        },
        rollback_of: r.rollback_of,
        spec,
        skip_analysis: r.skip_analysis,
        status: parse_status(&r.status).ok_or(format!("stored status {}", r.status))?,
        current_step: r.current_step,
        canary_weight: u8::try_from(r.canary_weight).map_err(|e| e.to_string())?,
        message: r.message.clone(),
        steps,
        analysis_runs: r
            .analysis_runs
            .iter()
            .map(parse_run)
            .collect::<Result<_, _>>()?,
        progressed_at: document.progressed_at,
        created_at: parse_time(&r.created_at)?,
        updated_at: parse_time(&r.updated_at)?,
        finished_at: r.finished_at.as_deref().map(parse_time).transpose()?,
        version: r.version,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::Aggregate;
    use domain::deployment::analysis::{default_analysis, judge};
    use domain::deployment::strategy::{Canary, Strategy};
    use domain::deployment::{DeploymentEvent as E, Started};

    use super::*;

    #[test]
    fn a_row_is_a_lossless_copy_of_its_deployment_at_every_event() {
        let at = |s: i64| {
            Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
                .single()
                .expect("t")
                + chrono::Duration::milliseconds(s * 1234)
        };
        let id = Uuid::from_u128(7);
        let spec = Spec {
            image: "web:2".into(),
            config_hash: "sha256:00".into(),
            replicas: 3,
            strategy: Strategy::Canary(Canary::Weights {
                step_weight: 25,
                max_weight: 50,
            }),
            analysis: Some(default_analysis()),
            auto_rollback: true,
            progress_deadline_seconds: 600,
        };
        let history = [
            E::Started(Box::new(Started {
                id: Uuid::from_u128(1),
                cluster_id: Uuid::from_u128(2),
                owner: "alice".into(),
                deployment_id: id,
                revision: 1,
                kind: Kind::Rollout,
                rollback_of: None,
                spec,
                skip_analysis: false,
                at: at(0),
            })),
            E::StepStarted {
                deployment_id: id,
                index: 0,
                at: at(1),
            },
            E::StepFinished {
                deployment_id: id,
                index: 0,
                message: "ok".into(),
                at: at(2),
            },
            E::StepFinished {
                deployment_id: id,
                index: 1,
                message: "ok".into(),
                at: at(3),
            },
            E::AnalysisRecorded {
                deployment_id: id,
                run: judge(
                    &default_analysis(),
                    &[vec![0.981_234_567; 4], vec![123.456; 4]],
                    Some(2),
                    at(4),
                ),
            },
            E::RollbackStarted {
                deployment_id: id,
                message: "aborted".into(),
                at: at(5),
            },
            E::RolledBack {
                deployment_id: id,
                at: at(6),
            },
        ];
        for n in 1..=history.len() {
            let ledger = Deployments::replay(&history[..n]);
            let d = ledger.get(id).expect("exists");
            let row = DeploymentRow::from_ledger(&ledger, d);
            let back = row.to_ledger().expect("reads back");
            assert_eq!(back.get(id), Some(d), "after {n} events");
        }
    }
}
