//! `diagnose {cluster_id}`: runs the rule engine over the cluster (as the route does) and
//! records the diagnosis in the cluster's partition, under an id that is a function of
//! the job, so a retried attempt records nothing new. Its result names the diagnosis and
//! its insight counts. The cluster's partition must be served by this instance; on
//! another instance the attempt fails retryably (no internal diagnose step yet).

use domain::diagnosis::{Severity, Trigger};
use platform::auth::{Principal, Role};
use serde_json::json;
use uuid::Uuid;

use super::cluster::owned_cluster;
use super::{Failure, Outcome, Run};
use crate::diagnosis::{self, Run as DiagnosisRun};

pub async fn run(ctx: &Run<'_>, cluster_id: Uuid) -> Outcome {
    let cluster = owned_cluster(ctx, cluster_id).await?;
    let now = ctx.now();
    let insights = diagnosis::insights(ctx.writer, ctx.window, &cluster, now);
    let count = |s: Severity| insights.iter().filter(|i| i.severity == s).count();
    let counts = json!({
        "error": count(Severity::Error),
        "warning": count(Severity::Warning),
        "suggestion": count(Severity::Suggestion),
    });
    let id = diagnosis::id_for_job(ctx.writer, ctx.job.id, cluster_id);
    let run = DiagnosisRun {
        id,
        trigger: Trigger::Job { job_id: ctx.job.id },
        command_id: ctx.job.id,
        source: diagnosis::RULES,
        insights,
        at: now,
    };
    let owner = Principal {
        id: ctx.job.owner.clone(),
        role: Role::Member,
    };
    let submission = diagnosis::submission(&cluster, owner, run, None, None);
    ctx.writer
        .submit(submission)
        .await
        .map_err(|error| Failure::retryable("UNAVAILABLE", error.to_string()))?;
    ctx.report.progress(100, "diagnosis recorded");
    ctx.log(format!(
        "diagnosis {id} of cluster {cluster_id} recorded: {counts}"
    ));
    Ok(json!({
        "cluster_id": cluster_id,
        "diagnosis_id": id,
        "location": diagnosis::location(cluster_id, id),
        "counts": counts,
    }))
}
