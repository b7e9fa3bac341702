//! Running a diagnosis on the command side (api.md §15): `facts.rs` gathers one cluster's
//! facts from the write model of its partition and the in-memory `SampleWindow`; this
//! file runs the rule engine over them and builds the one command that records the result
//! as a `Diagnosis` aggregate in the cluster's partition — for the route
//! (`routes/diagnoses.rs`, operation `cluster.diagnose`) and the `diagnose` job alike.
//! Decides nothing itself: the rules are `domain::diagnosis`.

pub mod facts;
pub mod llm;

use chrono::{DateTime, Utc};
use domain::cluster::Cluster;
use domain::diagnosis::{Diagnosis, DiagnosisCommand, Insight, Recorded, Trigger};
use platform::auth::Principal;
use uuid::Uuid;
use views::diagnosis::DiagnosisRow;

use crate::routes::respond;
use crate::telemetry::window::SampleWindow;
use crate::writer::{Command, IdempotencyRequest, Submission, Writer};

/// Who wrote the insights: the rule engine, or a language model (`llm.rs`).
pub const RULES: &str = "rules";
pub const LLM: &str = "llm";

/// The rule engine's insights for `cluster` now.
pub fn insights(
    writer: &Writer,
    window: &SampleWindow,
    cluster: &Cluster,
    now: DateTime<Utc>,
) -> Vec<Insight> {
    domain::diagnosis::diagnose(&facts::gather(writer, window, cluster, now))
}

/// The model's insights when the LLM path is on and answers well, else the rule engine's;
/// with who wrote them.
pub async fn insights_with(
    llm: Option<&llm::Llm>,
    writer: &Writer,
    window: &SampleWindow,
    cluster: &Cluster,
    now: DateTime<Utc>,
) -> (&'static str, Vec<Insight>) {
    let facts = facts::gather(writer, window, cluster, now);
    let rules = domain::diagnosis::diagnose(&facts);
    let Some(llm) = llm else {
        return (RULES, rules);
    };
    match llm.insights(&facts, &rules).await {
        Ok(insights) => (LLM, insights),
        Err(error) => {
            tracing::warn!(%error, cluster_id = %cluster.id, "LLM diagnosis failed; the rule engine's stands");
            (RULES, rules)
        }
    }
}

/// The path of one diagnosis.
pub fn location(cluster_id: Uuid, id: Uuid) -> String {
    format!("/api/v1/clusters/{cluster_id}/diagnoses/{id}")
}

/// One run to record.
pub struct Run {
    pub id: Uuid,
    pub trigger: Trigger,
    /// The operation id of a request; the job id of a job (the command's id either way).
    pub command_id: Uuid,
    /// `rules` or `llm`.
    pub source: &'static str,
    pub insights: Vec<Insight>,
    pub at: DateTime<Utc>,
}

/// The command recording `run` for `cluster`, answered `202` with the diagnosis and its
/// (finished) operation.
pub fn submission(
    cluster: &Cluster,
    principal: Principal,
    run: Run,
    idempotency: Option<IdempotencyRequest>,
    correlation: Option<String>,
) -> Submission {
    let by = principal.id.clone();
    let location = location(cluster.id, run.id);
    let command = DiagnosisCommand::Record(Recorded {
        id: run.id,
        cluster_id: cluster.id,
        owner: cluster.owner.clone(),
        requested_by: principal.id.clone(),
        trigger: run.trigger,
        source: run.source.into(),
        insights: run.insights,
        at: run.at,
    });
    Command::<Diagnosis>::new(
        run.id,
        command,
        run.command_id,
        principal,
        "cluster.diagnose",
    )
    .idempotency(idempotency)
    .correlated(correlation)
    .respond(move |state, events, command_id| {
        respond::accepted_row::<DiagnosisRow>(state, events, command_id, &by, location)
    })
}

/// The id of the diagnosis job `job_id` records for `cluster_id`: a pure function of the
/// job, so a retried attempt meets the diagnosis its first attempt recorded (a no-op), and
/// in the cluster's partition, so the writer that decides it holds the cluster.
pub fn id_for_job(writer: &Writer, job_id: Uuid, cluster_id: Uuid) -> Uuid {
    let partition = writer.partition_of(&cluster_id);
    (0u32..)
        .map(|n| Uuid::new_v5(&job_id, &n.to_be_bytes()))
        .find(|id| writer.partition_of(id) == partition)
        .unwrap_or(job_id)
}
