//! Providers and placement on the command side (features.md §2.8). Every provider lives
//! in the partition of `"providers"` (like a job queue in `"queue/<name>"`), so one
//! writer sees them all and decides every reservation: placement reads that one write
//! model and reserves through the `Provider` aggregate. A step runs here when this
//! instance serves that partition, else once at its owner over the internal API
//! (`POST /internal/v1/provider_steps`). `Providers` is the client sagas and reconcilers
//! use; `steps` is what the owner runs; `sweep` releases reservations whose droplet never
//! came to be.

pub mod steps;
pub mod sweep;

use domain::provider::Criteria;
use domain::rejection::{Rejection, RejectionKind};
use platform::kafka::partition_for;
use platform::problem::{FieldError, Problem};
use uuid::Uuid;

use crate::internal::InternalClient;
use crate::writer::{SubmitError, Writer};
use steps::{Answer, Step};

/// The partition every provider lives in.
pub fn partition(writer: &Writer) -> i32 {
    partition_for(b"providers", writer.partitions())
}

/// A new provider's id: in the providers' partition.
pub fn new_id(writer: &Writer) -> Uuid {
    writer.id_in_partition(partition(writer))
}

/// Where placement put a droplet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub provider: String,
    pub reasons: Vec<String>,
    /// This request took the slot (so its failure gives it back).
    pub fresh: bool,
}

#[derive(Clone)]
pub struct Providers {
    writer: Writer,
    internal: InternalClient,
}

impl Providers {
    pub fn new(writer: Writer, internal: InternalClient) -> Self {
        Self { writer, internal }
    }

    /// Places `droplet_id` and reserves its slot; `None` when no provider is registered
    /// (the droplet is then created without one). `NO_CAPACITY` when none fits.
    pub async fn place(
        &self,
        criteria: &Criteria,
        droplet_id: Uuid,
    ) -> Result<Option<Placed>, SubmitError> {
        let step = Step::Place {
            criteria: criteria.into(),
            droplet_id,
        };
        match self.run(step).await? {
            Answer::NoProviders => Ok(None),
            answer => placed(answer).map(Some),
        }
    }

    /// What placement would choose now, reserving nothing.
    pub async fn simulate(&self, criteria: &Criteria) -> Result<Placed, SubmitError> {
        let step = Step::Simulate {
            criteria: criteria.into(),
        };
        match self.run(step).await? {
            Answer::NoProviders => Err(no_capacity(vec!["no provider is registered".into()])),
            answer => placed(answer),
        }
    }

    /// Reserves a slot on the named provider (serving `region`, when given).
    pub async fn reserve(
        &self,
        provider: &str,
        droplet_id: Uuid,
        region: Option<&str>,
    ) -> Result<Placed, SubmitError> {
        let step = Step::Reserve {
            provider: provider.to_owned(),
            droplet_id,
            region: region.map(str::to_owned),
        };
        placed(self.run(step).await?)
    }

    /// Gives the droplet's slot on the named provider back (idempotent).
    pub async fn release(&self, provider: &str, droplet_id: Uuid) -> Result<(), SubmitError> {
        let step = Step::Release {
            provider: provider.to_owned(),
            droplet_id,
        };
        self.run(step).await.map(|_| ())
    }

    async fn run(&self, step: Step) -> Result<Answer, SubmitError> {
        match steps::run_here(&self.writer, &step).await {
            Err(SubmitError::NotOwned { partition }) => {
                self.internal.provider_step(partition, &step).await
            }
            other => other,
        }
    }
}

fn placed(answer: Answer) -> Result<Placed, SubmitError> {
    match answer {
        Answer::Placed {
            provider,
            reasons,
            fresh,
        } => Ok(Placed {
            provider,
            reasons,
            fresh,
        }),
        Answer::NoRoom { reasons } => Err(no_capacity(reasons)),
        Answer::UnknownProvider { provider } => Err(SubmitError::Domain(
            Rejection::new(
                RejectionKind::Invalid,
                "provider",
                format!("provider {provider} does not exist"),
            )
            .meta("provider", provider),
        )),
        Answer::Unfit { detail } => Err(SubmitError::Domain(Rejection::new(
            RejectionKind::Invalid,
            "provider",
            detail,
        ))),
        Answer::NoProviders | Answer::Released => Err(SubmitError::Unavailable(
            "the providers' owner answered another step",
        )),
    }
}

fn no_capacity(reasons: Vec<String>) -> SubmitError {
    let detail = reasons
        .last()
        .cloned()
        .unwrap_or_else(|| "no provider has a free slot".into());
    SubmitError::Domain(
        Rejection::new(RejectionKind::NoCapacity, "provider", detail)
            .meta("reasons", domain::rejection::Meta::List(reasons)),
    )
}

/// The problem of a placement failure: a provider the body named that does not exist or
/// cannot serve it is a field error at `pointer` (422); the rest as usual.
pub fn problem(error: &SubmitError, pointer: &str) -> Problem {
    match error {
        SubmitError::Domain(r) if r.resource == "provider" && r.kind == RejectionKind::Invalid => {
            let code = if r.detail.ends_with("does not exist") {
                "UNKNOWN_PROVIDER"
            } else {
                "UNFIT_PROVIDER"
            };
            Problem::validation(vec![FieldError::new(pointer, code, r.detail.clone())])
        }
        other => crate::error::problem(other),
    }
}
