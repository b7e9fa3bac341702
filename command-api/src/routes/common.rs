//! What every command handler shares: the services it talks to, running a submission
//! (or forwarding the request to the partition's owner), reading request metadata
//! (request id, trace context) and path ids. Nothing here decides anything.

use std::time::Duration;

use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use domain::name::ResourceName;
use platform::auth::Principal;
use platform::problem::{Code, Problem};
use uuid::Uuid;

use super::forward::{self, Forwarding};
use super::respond;
use crate::names::Names;
use crate::providers::Providers;
use crate::workflows;
use crate::writer::{Accepted, Peek, Submission, SubmitError, Writer};

/// The services a command handler uses.
pub struct Services {
    pub writer: Writer,
    pub forwarding: Forwarding,
    pub names: Names,
    pub providers: Providers,
}

/// Submits, forwarding the whole request to the owner when another instance serves
/// the aggregate's partition.
pub async fn run(
    req: &HttpRequest,
    raw: web::Bytes,
    services: &Services,
    submission: Submission,
) -> Result<HttpResponse, Problem> {
    let result = services.writer.submit(submission).await;
    finish(req, raw, services, result).await
}

pub async fn forward_to(
    req: &HttpRequest,
    raw: web::Bytes,
    partition: i32,
    services: &Services,
) -> Result<HttpResponse, Problem> {
    forward::to_owner(req, raw, partition, &services.writer, &services.forwarding).await
}

/// The HTTP answer of several accepted commands of one request: the body built from
/// their stored answers, the positions merged into one consistency token.
pub fn merged(accepted: &[Accepted], body: serde_json::Value) -> HttpResponse {
    let token =
        platform::consistency::ConsistencyToken::of(accepted.iter().filter_map(|a| a.position));
    let response = domain::record::StoredResponse {
        status: 202,
        headers: Vec::new(),
        body: serde_json::to_vec(&body).unwrap_or_default(),
    };
    respond::http(&response, Some(&token), accepted.iter().all(|a| a.replayed))
}

/// A path id; anything but a UUID names nothing.
pub fn parse_id(raw: &str, kind: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(raw).map_err(|_| Problem::not_found(kind))
}

pub fn header(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions()
        .get::<platform::request_id::RequestId>()
        .map(|r| r.0.clone())
}

/// The request's correlation id (its request id), for the batch header. The trace
/// context is the writer's business: it records the current span's.
pub fn correlation(req: &HttpRequest) -> Option<String> {
    request_id(req)
}

/// A dangerous mutation must carry `If-Match` (api.md §6); `*` satisfies it.
pub fn require_if_match(req: &HttpRequest) -> Result<Option<u64>, Problem> {
    if !req.headers().contains_key("if-match") {
        return Err(Problem::of(Code::PreconditionRequired)
            .detail("send If-Match with the version you saw (or * for any version)"));
    }
    Ok(crate::preconditions::expected_version(req))
}

/// The aggregate as the write model knows it for certain, waiting briefly while a
/// command for it is in flight.
pub async fn settled<A: domain::Aggregate>(
    services: &Services,
    id: &Uuid,
) -> Result<A, SubmitError> {
    for _ in 0..50 {
        match services.writer.peek::<A>(id) {
            Peek::Present(state) => return Ok(state),
            Peek::Absent => return Err(SubmitError::NotFound(A::NAME)),
            Peek::NotOwned { partition } => return Err(SubmitError::NotOwned { partition }),
            // A poll interval while a command is read back, not synchronisation.
            Peek::Uncertain => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    Err(SubmitError::Unavailable("the resource is busy; retry"))
}

/// Runs a rename of aggregate `id` to `name` through `submit`, under a reservation of the
/// new name. Needs the owner, so it reads the write model first (an aggregate served
/// elsewhere is forwarded as a whole); the current name needs no reservation.
async fn renaming<A: domain::Aggregate>(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    name: &ResourceName,
    submit: impl AsyncFnOnce() -> Result<Accepted, SubmitError>,
) -> Result<Accepted, SubmitError> {
    let current = settled::<A>(services, &id).await?;
    if !principal.can_see(current.owner()) {
        return Err(SubmitError::NotFound(A::NAME));
    }
    if current.held_name().is_some_and(|(held, _)| held == name) {
        return submit().await;
    }
    workflows::rename(&services.names, current.owner(), A::NAME, id, name, submit).await
}

/// Submits `submission` for aggregate `id`, under a reservation of `rename_to` when the
/// command renames it.
pub async fn submit_renaming<A: domain::Aggregate>(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    rename_to: Option<ResourceName>,
    submission: Submission,
) -> Result<Accepted, SubmitError> {
    let writer = &services.writer;
    match rename_to {
        Some(name) => {
            renaming::<A>(services, principal, id, &name, async || {
                writer.submit(submission).await
            })
            .await
        }
        None => writer.submit(submission).await,
    }
}

/// Answers, forwarding to the partition's owner when another instance serves it.
pub async fn finish(
    req: &HttpRequest,
    raw: web::Bytes,
    services: &Services,
    result: Result<Accepted, SubmitError>,
) -> Result<HttpResponse, Problem> {
    match result {
        Err(SubmitError::NotOwned { partition }) => forward_to(req, raw, partition, services).await,
        result => respond::outcome(result),
    }
}
