//! Creating and renaming clusters under unique names, like droplets.

use domain::cluster::{Cluster, ClusterCommand, CreateCluster};
use platform::auth::Principal;
use uuid::Uuid;
use views::cluster::ClusterRow;

use super::under_name;
use crate::names::Names;
use crate::routes::input::clusters::CreateInput;
use crate::routes::respond;
use crate::writer::{Accepted, Command, IdempotencyRequest, SubmitError, Writer};

/// Reserves the name, creates the cluster with its pools in `partition`, confirms.
pub async fn create(
    writer: &Writer,
    names: &Names,
    input: CreateInput,
    partition: i32,
    principal: Principal,
    idempotency: Option<IdempotencyRequest>,
    correlation: Option<String>,
) -> Result<Accepted, SubmitError> {
    let owner = principal.id.clone();
    let fresh = writer.id_in_partition(partition);
    let scope = idempotency.as_ref().map(|i| i.scope.as_str());
    let reserved = names
        .reserve_new(&owner, "cluster", &input.name, fresh, scope)
        .await?;
    let id = reserved.id;
    let name = input.name.clone();
    under_name(names, &owner, "cluster", &name, reserved, async || {
        let operation_id = writer.id_beside(&id);
        let command = ClusterCommand::Create(CreateCluster {
            id,
            owner: owner.clone(),
            name: input.name,
            region: input.region.slug.to_owned(),
            kube_version: input.kube_version,
            pools: input.pools,
            tags: input.tags,
            operation_id,
            at: writer.clock().now(),
        });
        let by = principal.id.clone();
        let submission =
            Command::<Cluster>::new(id, command, operation_id, principal, "cluster.create")
                .idempotency(idempotency)
                .correlated(correlation)
                .respond(move |state, events, command_id| {
                    respond::accepted_row::<ClusterRow>(
                        state,
                        events,
                        command_id,
                        &by,
                        location(state.id),
                    )
                });
        writer.submit(submission).await
    })
    .await
}

pub fn location(id: Uuid) -> String {
    format!("/api/v1/clusters/{id}")
}
