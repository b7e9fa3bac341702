//! Deployments in command-api (api.md §12.4): where a cluster's `Deployments` aggregate
//! lives (beside its cluster: the first UUIDv5 of `"<cluster_id>/deployments/<n>"` in the
//! cluster's partition, and every deployment id is drawn in that partition too, so a
//! request about a deployment is served or forwarded like one about its cluster), finding
//! the aggregate that holds a deployment, the `Deployment` answer, and the check before
//! `DELETE /clusters/{id}`. `runner.rs` moves deployments along. Never decides a
//! transition: the aggregate does.

pub mod runner;

use domain::deployment::{DeploymentCommand, Deployments, Status};
use domain::record::StoredResponse;
use platform::problem::{Code, Problem};
use uuid::Uuid;

use crate::error;
use crate::routes::common::Services;
use crate::writer::{Command, Observed, Writer};

const NAMESPACE: Uuid = Uuid::from_u128(0x6f1d_3c4e_8a2b_4d5e_9f60_7182_93a4_b5c6);

/// The id of `cluster_id`'s deployments aggregate, in the cluster's partition.
pub fn ledger_id(writer: &Writer, cluster_id: Uuid) -> Uuid {
    let partition = writer.partition_of(&cluster_id);
    (0u32..)
        .map(|n| {
            Uuid::new_v5(
                &NAMESPACE,
                format!("{cluster_id}/deployments/{n}").as_bytes(),
            )
        })
        .find(|id| writer.partition_of(id) == partition)
        .expect("some n lands in every partition")
}

/// The aggregate holding deployment `deployment_id`, if this instance serves its
/// partition and the deployment exists.
pub fn holder(writer: &Writer, deployment_id: Uuid) -> Option<Observed<Deployments>> {
    let partition = writer.partition_of(&deployment_id);
    writer
        .observe_partition::<Deployments>(partition, &|d: &Deployments| {
            d.get(deployment_id).is_some()
        })
        .into_iter()
        .next()
}

/// The answer of a deployment command: the deployment after it, with `Location` on a
/// `202`.
pub fn answer(
    deployment_id: Uuid,
    status: u16,
) -> impl FnOnce(&Deployments, &[domain::deployment::DeploymentEvent], Uuid) -> StoredResponse
+ Send
+ 'static {
    move |state, _, _| {
        let Some(deployment) = state.get(deployment_id) else {
            return StoredResponse {
                status: 404,
                headers: Vec::new(),
                body: Vec::new(),
            };
        };
        let body = views::row::to_value(&views::deployment::representation(state, deployment));
        let mut headers = vec![("ETag".into(), format!("\"{}\"", deployment.version))];
        if status == 202 {
            headers.push((
                "Location".into(),
                format!("/api/v1/deployments/{deployment_id}"),
            ));
        }
        StoredResponse {
            status,
            headers,
            body: serde_json::to_vec(&body).unwrap_or_default(),
        }
    }
}

/// Before `DELETE /clusters/{id}`: a deployment in progress refuses the delete
/// (`409 FAILED_PRECONDITION`) unless `force`, which cancels it first (one that is
/// already promoting or rolling back finishes by itself). Only the partition's owner
/// knows the deployments: elsewhere this finds none and the delete is forwarded.
pub async fn clear_for_cluster_delete(
    services: &Services,
    cluster_id: Uuid,
    force: bool,
) -> Result<(), Problem> {
    let writer = &services.writer;
    let ledger = ledger_id(writer, cluster_id);
    let Some(observed) = writer
        .observe_partition::<Deployments>(writer.partition_of(&ledger), &|d: &Deployments| {
            d.id == ledger
        })
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let Some(running) = observed.state.in_progress() else {
        return Ok(());
    };
    if !force {
        return Err(Problem::of(Code::FailedPrecondition)
            .detail(
                "a deployment is in progress on the cluster; cancel it first or pass ?force=true",
            )
            .meta("deployment_id", running.id.to_string()));
    }
    if !matches!(
        running.status,
        Status::Pending | Status::Progressing | Status::Paused
    ) {
        return Ok(());
    }
    let command = DeploymentCommand::Cancel {
        deployment_id: running.id,
        at: writer.clock().now(),
    };
    let submission = Command::<Deployments>::new(
        ledger,
        command,
        writer.id_beside(&ledger),
        crate::names::system(),
        "deployment.cancel",
    )
    .respond(answer(running.id, 200));
    writer
        .submit(submission)
        .await
        .map(|_| ())
        .map_err(|e| error::problem(&e))
}
