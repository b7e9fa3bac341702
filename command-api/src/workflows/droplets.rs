//! Creating and renaming droplets under unique names. Used by `POST /droplets`,
//! `PATCH /droplets/{id}`, the rename action and the node-pool reconciler (nodes are
//! droplets too), so every droplet name is taken the same way.

use domain::catalog::Size;
use domain::droplet::{CreateDroplet, Droplet, DropletCommand, NodeOf};
use domain::name::ResourceName;
use platform::auth::Principal;
use uuid::Uuid;
use views::droplet::DropletRow;

use super::under_name;
use crate::names::{Names, Reserved};
use crate::routes::respond;
use crate::writer::{Accepted, Command, IdempotencyRequest, SubmitError, Writer};

/// A droplet to create in `partition`.
pub struct NewDroplet {
    pub owner: String,
    pub name: ResourceName,
    pub region: String,
    pub size: Size,
    pub image: String,
    pub tags: Vec<String>,
    pub node_of: Option<NodeOf>,
    pub partition: i32,
    pub principal: Principal,
    pub idempotency: Option<IdempotencyRequest>,
    pub correlation: Option<String>,
}

/// Reserves the name (a retried request gets its earlier droplet back), creates the
/// droplet, confirms the name — or releases it if the droplet was refused.
pub async fn create(
    writer: &Writer,
    names: &Names,
    new: NewDroplet,
) -> Result<Accepted, SubmitError> {
    let reserved = reserve(writer, names, &new).await?;
    create_reserved(writer, names, new, reserved).await
}

/// Reserves the droplet's name; returns the droplet id that holds it (a fresh one, or
/// the one a retry of the same request reserved before).
pub async fn reserve(
    writer: &Writer,
    names: &Names,
    new: &NewDroplet,
) -> Result<Reserved, SubmitError> {
    let fresh = writer.id_in_partition(new.partition);
    let scope = new.idempotency.as_ref().map(|i| i.scope.as_str());
    names
        .reserve_new(&new.owner, "droplet", &new.name, fresh, scope)
        .await
}

/// Creates droplet `id`, whose name is reserved, then confirms or releases the name.
pub async fn create_reserved(
    writer: &Writer,
    names: &Names,
    new: NewDroplet,
    reserved: Reserved,
) -> Result<Accepted, SubmitError> {
    let id = reserved.id;
    let (owner, name) = (new.owner.clone(), new.name.clone());
    under_name(names, &owner, "droplet", &name, reserved, async || {
        let operation_id = writer.id_beside(&id);
        let command = DropletCommand::Create(CreateDroplet {
            id,
            owner: new.owner,
            name: new.name,
            region: new.region,
            size: new.size,
            image: new.image,
            tags: new.tags,
            node_of: new.node_of,
            operation_id,
            at: writer.clock().now(),
        });
        let principal = new.principal.id.clone();
        let submission =
            Command::<Droplet>::new(id, command, operation_id, new.principal, "droplet.create")
                .idempotency(new.idempotency)
                .correlated(new.correlation)
                .respond(move |state, events, command_id| {
                    respond::accepted_row::<DropletRow>(
                        state,
                        events,
                        command_id,
                        &principal,
                        location(state.id),
                    )
                });
        writer.submit(submission).await
    })
    .await
}

pub fn location(id: Uuid) -> String {
    format!("/api/v1/droplets/{id}")
}
