//! The internal API between command-api instances (never exposed outside the deployment
//! network, authenticated by the shared `writer.internal_token`): running one name
//! reservation step at the owner of the reservation's partition, a job's node-pool step at
//! the owner of the cluster's partition, a provider step (placement, reserve, release)
//! at the owner of the providers' partition, and asking the owner of a resource's
//! partition what it holds. One hop only: a request that lands on a
//! non-owner answers 503, so a stale ownership directory can never loop.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use platform::problem::Problem;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::jobs::pool_steps::{self, NotOwned, PoolStep, StepAnswer};
use crate::names::{Names, Step, StepOutcome};
use crate::ownership::Directory;
use crate::providers::steps::{self as provider_steps, Answer, Step as ProviderStep};
use crate::writer::{Peek, SubmitError, Writer};

/// What a name's holder looks like to the owner of its partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HolderStatus {
    /// The owner cannot say for certain yet (restoring, or a command is in flight).
    Uncertain,
    /// No such resource.
    Absent,
    /// The resource exists with this name; `live` is false once it is deleted.
    Holds { name: String, live: bool },
}

#[derive(Clone)]
pub struct InternalClient {
    directory: Directory,
    http: reqwest::Client,
    token: String,
}

impl InternalClient {
    pub fn new(directory: Directory, token: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Self {
            directory,
            http,
            token: token.to_owned(),
        })
    }

    pub async fn name_step(&self, partition: i32, step: &Step) -> Result<StepOutcome, SubmitError> {
        let url = self.owner_url(partition).await?;
        let answer = self
            .http
            .post(format!("{url}/internal/v1/name_steps"))
            .bearer_auth(&self.token)
            .json(step)
            .send()
            .await
            .map_err(|_| {
                SubmitError::Unavailable("the owner of the name's partition did not answer")
            })?;
        match answer.status().as_u16() {
            200 => answer.json().await.map_err(|_| {
                SubmitError::Unavailable("the owner of the name's partition answered garbage")
            }),
            409 => Err(SubmitError::Domain(
                domain::Rejection::new(
                    domain::RejectionKind::AlreadyExists,
                    "name",
                    format!("the name {} is already in use", step.name),
                )
                .meta("name", step.name.clone()),
            )),
            _ => Err(SubmitError::Unavailable(
                "the owner of the name's partition refused the step",
            )),
        }
    }

    /// Runs a job's pool step at the owner of the cluster's partition.
    pub async fn pool_step(
        &self,
        partition: i32,
        step: &PoolStep,
    ) -> Result<StepAnswer, SubmitError> {
        let url = self.owner_url(partition).await?;
        let answer = self
            .http
            .post(format!("{url}/internal/v1/pool_steps"))
            .bearer_auth(&self.token)
            .json(step)
            .send()
            .await
            .map_err(|_| SubmitError::Unavailable("the cluster's owner did not answer"))?;
        if answer.status().as_u16() != 200 {
            return Err(SubmitError::Unavailable(
                "the cluster's owner refused the step",
            ));
        }
        answer
            .json()
            .await
            .map_err(|_| SubmitError::Unavailable("the cluster's owner answered garbage"))
    }

    /// Runs a provider step at the owner of the providers' partition.
    pub async fn provider_step(
        &self,
        partition: i32,
        step: &ProviderStep,
    ) -> Result<Answer, SubmitError> {
        let url = self.owner_url(partition).await?;
        let answer = self
            .http
            .post(format!("{url}/internal/v1/provider_steps"))
            .bearer_auth(&self.token)
            .json(step)
            .send()
            .await
            .map_err(|_| SubmitError::Unavailable("the providers' owner did not answer"))?;
        if answer.status().as_u16() != 200 {
            return Err(SubmitError::Unavailable(
                "the providers' owner refused the step",
            ));
        }
        answer
            .json()
            .await
            .map_err(|_| SubmitError::Unavailable("the providers' owner answered garbage"))
    }

    pub async fn holder(
        &self,
        partition: i32,
        kind: &str,
        id: Uuid,
    ) -> Result<HolderStatus, SubmitError> {
        let url = self.owner_url(partition).await?;
        let answer = self
            .http
            .get(format!("{url}/internal/v1/holders/{kind}/{id}"))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|_| SubmitError::Unavailable("the holder's owner did not answer"))?;
        answer
            .json()
            .await
            .map_err(|_| SubmitError::Unavailable("the holder's owner answered garbage"))
    }

    async fn owner_url(&self, partition: i32) -> Result<String, SubmitError> {
        match self.directory.lookup(partition).await {
            Ok(Some(owner)) => Ok(owner.url),
            _ => Err(SubmitError::Unavailable(
                "no owner is known for the partition",
            )),
        }
    }
}

/// What a holder of `kind` with `id` is, as far as this instance knows.
pub fn holder_status(writer: &Writer, kind: &str, id: &Uuid) -> Result<HolderStatus, SubmitError> {
    let held = writer.peek_with(id, |state| {
        (state.kind() == kind && state.exists())
            .then(|| state.held_name())
            .flatten()
    });
    match held {
        Peek::NotOwned { partition } => Err(SubmitError::NotOwned { partition }),
        Peek::Uncertain => Ok(HolderStatus::Uncertain),
        Peek::Absent => Ok(HolderStatus::Absent),
        Peek::Present((name, live)) => Ok(HolderStatus::Holds { name, live }),
    }
}

/// The shared secret of the internal API, as a digest.
pub struct InternalToken(pub [u8; 32]);

impl InternalToken {
    pub fn new(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }

    fn check(&self, req: &HttpRequest) -> Result<(), Problem> {
        let presented = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| <[u8; 32]>::from(Sha256::digest(t.as_bytes())));
        match presented {
            Some(digest) if digest == self.0 => Ok(()),
            _ => Err(Problem::unauthenticated()),
        }
    }
}

/// `POST /internal/v1/name_steps`
pub async fn name_step(
    req: HttpRequest,
    token: web::Data<InternalToken>,
    names: web::Data<Names>,
    step: web::Json<Step>,
) -> Result<HttpResponse, Problem> {
    token.check(&req)?;
    match names.run_here(&step).await {
        Ok(outcome) => Ok(HttpResponse::Ok().json(outcome)),
        Err(error) => Err(crate::error::problem(&error)),
    }
}

/// `POST /internal/v1/pool_steps`
pub async fn pool_step(
    req: HttpRequest,
    token: web::Data<InternalToken>,
    writer: web::Data<Writer>,
    step: web::Json<PoolStep>,
) -> Result<HttpResponse, Problem> {
    token.check(&req)?;
    match pool_steps::run_here(&writer, &step).await {
        Ok(answer) => Ok(HttpResponse::Ok().json(answer)),
        Err(NotOwned(partition)) => {
            Err(crate::error::problem(&SubmitError::NotOwned { partition }))
        }
    }
}

/// `POST /internal/v1/provider_steps`
pub async fn provider_step(
    req: HttpRequest,
    token: web::Data<InternalToken>,
    writer: web::Data<Writer>,
    step: web::Json<ProviderStep>,
) -> Result<HttpResponse, Problem> {
    token.check(&req)?;
    match provider_steps::run_here(&writer, &step).await {
        Ok(answer) => Ok(HttpResponse::Ok().json(answer)),
        Err(error) => Err(crate::error::problem(&error)),
    }
}

/// `GET /internal/v1/holders/{kind}/{id}`
pub async fn holder(
    req: HttpRequest,
    token: web::Data<InternalToken>,
    writer: web::Data<Writer>,
    path: web::Path<(String, Uuid)>,
) -> Result<HttpResponse, Problem> {
    token.check(&req)?;
    let (kind, id) = path.into_inner();
    match holder_status(&writer, &kind, &id) {
        Ok(status) => Ok(HttpResponse::Ok().json(status)),
        Err(error) => Err(crate::error::problem(&error)),
    }
}
