//! Names unique per owner and resource type (api.md §2), across partitions: a resource
//! takes its name by reserving the `NameReservation` aggregate the name maps to, before
//! it is created or renamed, and confirms or releases it afterwards. The reservation may
//! live in a partition another instance serves; then the step goes to that owner over
//! the internal API (one hop, like forwarded commands). A retry of the same request
//! (same Idempotency-Key scope) gets the same holder back instead of a conflict.

use domain::name::ResourceName;
use domain::reservation::{NameReservation, ReservationCommand, reservation_id};
use platform::auth::{Principal, Role};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::internal::InternalClient;
use crate::writer::{Command, SubmitError, Writer};

/// One reservation step, as the internal API carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub verb: Verb,
    pub owner: String,
    pub kind: String,
    pub name: String,
    pub holder_id: Uuid,
    #[serde(default)]
    pub request_scope: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verb {
    Reserve,
    Confirm,
    Release,
}

/// The holder a step ended with (for a reserve: the new one, or the earlier one of a
/// retried request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOutcome {
    pub holder_id: Option<Uuid>,
}

#[derive(Clone)]
pub struct Names {
    writer: Writer,
    internal: InternalClient,
}

/// A name held for one request. `fresh` when this request took it, so the request's
/// failure may give it back; not fresh when a retry of the same request got an earlier
/// holder back — that holder may exist already and must keep its name whatever the retry
/// does (e.g. a reused Idempotency-Key with another body is refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserved {
    pub id: Uuid,
    pub fresh: bool,
}

impl Names {
    pub fn new(writer: Writer, internal: InternalClient) -> Self {
        Self { writer, internal }
    }

    /// Takes `name` for `holder`; `ALREADY_EXISTS` if another resource holds it.
    pub async fn reserve(
        &self,
        owner: &str,
        kind: &str,
        name: &ResourceName,
        holder: Uuid,
        request_scope: Option<&str>,
    ) -> Result<Uuid, SubmitError> {
        let step = Step {
            verb: Verb::Reserve,
            owner: owner.to_owned(),
            kind: kind.to_owned(),
            name: name.to_string(),
            holder_id: holder,
            request_scope: request_scope.map(str::to_owned),
        };
        let outcome = self.run(step).await?;
        Ok(outcome.holder_id.unwrap_or(holder))
    }

    /// [`Names::reserve`] for a newly minted `proposed` id, saying whether this request
    /// took the name or got an earlier holder back.
    pub async fn reserve_new(
        &self,
        owner: &str,
        kind: &str,
        name: &ResourceName,
        proposed: Uuid,
        request_scope: Option<&str>,
    ) -> Result<Reserved, SubmitError> {
        let id = self
            .reserve(owner, kind, name, proposed, request_scope)
            .await?;
        Ok(Reserved {
            id,
            fresh: id == proposed,
        })
    }

    pub async fn confirm(
        &self,
        owner: &str,
        kind: &str,
        name: &ResourceName,
        holder: Uuid,
    ) -> Result<(), SubmitError> {
        self.simple(Verb::Confirm, owner, kind, name, holder).await
    }

    pub async fn release(
        &self,
        owner: &str,
        kind: &str,
        name: &ResourceName,
        holder: Uuid,
    ) -> Result<(), SubmitError> {
        self.simple(Verb::Release, owner, kind, name, holder).await
    }

    async fn simple(
        &self,
        verb: Verb,
        owner: &str,
        kind: &str,
        name: &ResourceName,
        holder: Uuid,
    ) -> Result<(), SubmitError> {
        let step = Step {
            verb,
            owner: owner.to_owned(),
            kind: kind.to_owned(),
            name: name.to_string(),
            holder_id: holder,
            request_scope: None,
        };
        self.run(step).await.map(|_| ())
    }

    /// Runs a step here if this instance serves the reservation's partition, else at
    /// its owner.
    async fn run(&self, step: Step) -> Result<StepOutcome, SubmitError> {
        match self.run_here(&step).await {
            Err(SubmitError::NotOwned { partition }) => {
                self.internal.name_step(partition, &step).await
            }
            other => other,
        }
    }

    /// Runs a step on this instance only (the internal API's handler calls this).
    pub async fn run_here(&self, step: &Step) -> Result<StepOutcome, SubmitError> {
        let name = ResourceName::parse(&step.name).map_err(|_| SubmitError::NotFound("name"))?;
        let id = reservation_id(&step.owner, &step.kind, &name);
        let at = self.writer.clock().now();
        let command = match step.verb {
            Verb::Reserve => ReservationCommand::Reserve {
                owner: step.owner.clone(),
                kind: step.kind.clone(),
                name,
                holder_id: step.holder_id,
                request_scope: step.request_scope.clone(),
                at,
            },
            Verb::Confirm => ReservationCommand::Confirm {
                holder_id: step.holder_id,
                at,
            },
            Verb::Release => ReservationCommand::Release {
                holder_id: step.holder_id,
                at,
            },
        };
        let command_name = match step.verb {
            Verb::Reserve => "name_reservation.reserve",
            Verb::Confirm => "name_reservation.confirm",
            Verb::Release => "name_reservation.release",
        };
        let submission = Command::<NameReservation>::new(
            id,
            command,
            self.writer.id_beside(&id),
            system(),
            command_name,
        )
        .respond(
            |state: &NameReservation, _, _| domain::record::StoredResponse {
                status: 200,
                headers: Vec::new(),
                body: serde_json::to_vec(&json!({ "holder_id": state.holder_id() }))
                    .unwrap_or_default(),
            },
        );
        let accepted = self.writer.submit(submission).await?;
        let holder_id = accepted
            .state::<NameReservation>()
            .and_then(NameReservation::holder_id);
        Ok(StepOutcome { holder_id })
    }
}

/// The principal reconcilers and sagas act as.
pub fn system() -> Principal {
    Principal {
        id: "system:command-api".into(),
        role: Role::Admin,
    }
}
