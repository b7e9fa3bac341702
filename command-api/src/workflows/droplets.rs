//! Creating and renaming droplets under unique names, placed on a provider. Used by
//! `POST /droplets`, `PATCH /droplets/{id}`, the rename action and the node-pool
//! reconciler (nodes are droplets too), so every droplet name is taken, and every
//! droplet placed, the same way: reserve the name → place (reserve a provider slot, in
//! the providers' partition) → create → confirm the name; a refused create gives the
//! slot and the name back.

use domain::catalog::Size;
use domain::droplet::{CreateDroplet, Droplet, DropletCommand, NodeOf};
use domain::name::ResourceName;
use domain::provider::Criteria;
use platform::auth::Principal;
use uuid::Uuid;
use views::droplet::DropletRow;

use super::{appended_nothing, under_name};
use crate::names::{Names, Reserved};
use crate::providers::{Placed, Providers};
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
    /// The preferred provider and the class filter of placement.
    pub preferred_provider: Option<String>,
    pub provider_class: Option<String>,
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
    providers: &Providers,
    new: NewDroplet,
) -> Result<Accepted, SubmitError> {
    let reserved = reserve(writer, names, &new).await?;
    create_reserved(writer, names, providers, new, reserved).await
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
    providers: &Providers,
    new: NewDroplet,
    reserved: Reserved,
) -> Result<Accepted, SubmitError> {
    let id = reserved.id;
    let (owner, name) = (new.owner.clone(), new.name.clone());
    under_name(names, &owner, "droplet", &name, reserved, async || {
        let criteria = Criteria {
            region: Some(new.region.clone()),
            class: new.provider_class.clone(),
            preferred: new.preferred_provider.clone(),
            avoid: Vec::new(),
        };
        let placed = providers.place(&criteria, id).await?;
        let result = submit_create(writer, id, new, placed.as_ref()).await;
        if let (Some(placed), Err(error)) = (&placed, &result) {
            give_back(providers, placed, id, error).await;
        }
        result
    })
    .await
}

/// Gives back a slot this request took when the create certainly appended nothing; a
/// slot whose droplet maybe exists stays, for the sweep to settle once it knows.
async fn give_back(providers: &Providers, placed: &Placed, id: Uuid, error: &SubmitError) {
    if !placed.fresh || !appended_nothing(error) {
        return;
    }
    if let Err(error) = providers.release(&placed.provider, id).await {
        tracing::debug!(%error, "releasing a slot failed; the reservation sweep will");
    }
}

async fn submit_create(
    writer: &Writer,
    id: Uuid,
    new: NewDroplet,
    placed: Option<&Placed>,
) -> Result<Accepted, SubmitError> {
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
        provider: placed.map(|p| p.provider.clone()),
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
}

pub fn location(id: Uuid) -> String {
    format!("/api/v1/droplets/{id}")
}
