//! Deployment commands (api.md §11, §12.4): start a rollout (`202` with the deployment,
//! the LRO, and its `Location`; IK), roll back to an earlier revision (`202`; IK,
//! **If-Match required** on the cluster's ETag), and steer one (`:pause`, `:resume`,
//! `:promote`, `:abort`, `:cancel`: `200` with the deployment). Everything lives in the
//! cluster's partition, so each request is served or forwarded like one for its cluster.
//! The aggregate decides every transition, and one writer decides them all, so two
//! concurrent starts can never both win.

use actix_web::{HttpRequest, HttpResponse, web};
use contract::deployment::{RollbackDeployment, StartDeployment};
use domain::cluster::Cluster;
use domain::deployment::{
    DEFAULT_PROGRESS_DEADLINE_SECONDS, DeploymentCommand as C, Deployments, RollbackTarget, Spec,
};
use platform::auth::Principal;
use platform::problem::{FieldError, Problem};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::body;
use super::common::{self, Services, finish, forward_to, parse_id, settled};
use crate::deployments::{answer, holder, ledger_id};
use crate::error;
use crate::preconditions;
use crate::writer::{Command, SubmitError};

pub const START_ROUTE: &str = "/api/v1/clusters/{id}/deployments";
pub const ROLLBACK_ROUTE: &str = "/api/v1/clusters/{id}/deployments:rollback";
pub const PAUSE_ROUTE: &str = "/api/v1/deployments/{id:[^/:]+}:pause";
pub const RESUME_ROUTE: &str = "/api/v1/deployments/{id:[^/:]+}:resume";
pub const PROMOTE_ROUTE: &str = "/api/v1/deployments/{id:[^/:]+}:promote";
pub const ABORT_ROUTE: &str = "/api/v1/deployments/{id:[^/:]+}:abort";
pub const CANCEL_ROUTE: &str = "/api/v1/deployments/{id:[^/:]+}:cancel";

const DEFAULT_REPLICAS: u32 = 3;

fn field_problem(pointer: &str, reason: impl Into<String>) -> Problem {
    Problem::validation(vec![FieldError::new(
        format!("#{pointer}"),
        "INVALID_FIELD",
        reason.into(),
    )])
}

fn read<T: serde::de::DeserializeOwned>(object: &Map<String, Value>) -> Result<T, Problem> {
    serde_json::from_value(Value::Object(object.clone()))
        .map_err(|e| field_problem("", e.to_string()))
}

/// The cluster, visible and live, on the instance serving its partition.
enum Target {
    Here(Box<Cluster>),
    Elsewhere(i32),
}

async fn cluster(services: &Services, principal: &Principal, id: Uuid) -> Result<Target, Problem> {
    match settled::<Cluster>(services, &id).await {
        Ok(c) if principal.can_see(&c.owner) && c.is_live() => Ok(Target::Here(Box::new(c))),
        Ok(_) => Err(Problem::not_found("cluster")),
        Err(SubmitError::NotOwned { partition }) => Ok(Target::Elsewhere(partition)),
        Err(e) if e.is_not_found() => Err(Problem::not_found("cluster")),
        Err(e) => Err(error::problem(&e)),
    }
}

/// A canonical hash of the deployment's `config` (serde_json maps are sorted).
fn config_hash(config: Option<&Value>) -> String {
    let bytes =
        serde_json::to_vec(config.unwrap_or(&Value::Object(Map::new()))).unwrap_or_default();
    let digest = hex::encode(Sha256::digest(&bytes));
    format!("sha256:{}", &digest[..16])
}

fn spec(body: &StartDeployment) -> Result<Spec, Problem> {
    let as_problem =
        |(pointer, reason): views::deployment::BodyError| field_problem(&pointer, reason);
    if body.image.trim().is_empty() {
        return Err(field_problem("/image", "is required"));
    }
    let replicas = body.replicas.unwrap_or(DEFAULT_REPLICAS);
    if replicas == 0 {
        return Err(field_problem("/replicas", "at least 1"));
    }
    Ok(Spec {
        image: body.image.trim().to_owned(),
        config_hash: config_hash(body.config.as_ref()),
        replicas,
        strategy: views::deployment::strategy(&body.strategy).map_err(as_problem)?,
        analysis: body
            .analysis
            .as_ref()
            .map(views::deployment::analysis)
            .transpose()
            .map_err(as_problem)?,
        auto_rollback: body.auto_rollback.unwrap_or(true),
        progress_deadline_seconds: body
            .progress_deadline_seconds
            .unwrap_or(DEFAULT_PROGRESS_DEADLINE_SECONDS),
    })
}

/// `POST /api/v1/clusters/{id}/deployments`
pub async fn start(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let cluster_id = parse_id(&path, "cluster")?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let cluster = match cluster(&services, &principal, cluster_id).await? {
        Target::Here(c) => c,
        Target::Elsewhere(partition) => return forward_to(&req, raw, partition, &services).await,
    };
    let request: StartDeployment = read(&object)?;
    let spec = spec(&request)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, START_ROUTE, &Value::Object(object))?;
    let writer = &services.writer;
    let ledger = ledger_id(writer, cluster_id);
    let deployment_id = writer.id_beside(&cluster_id);
    let command = C::Start {
        id: ledger,
        cluster_id,
        owner: cluster.owner.clone(),
        deployment_id,
        spec,
        supersede: request.supersede.unwrap_or(false),
        at: writer.clock().now(),
    };
    let submission = Command::<Deployments>::new(
        ledger,
        command,
        writer.id_beside(&ledger),
        principal,
        "deployment.start",
    )
    .idempotency(idempotency)
    .correlated(common::correlation(&req))
    .respond(answer(deployment_id, 202));
    let result = writer.submit(submission).await;
    finish(&req, raw, &services, result).await
}

/// `POST /api/v1/clusters/{id}/deployments:rollback` (If-Match: the cluster's ETag).
pub async fn rollback(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let cluster_id = parse_id(&path, "cluster")?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let expected = common::require_if_match(&req)?;
    let cluster = match cluster(&services, &principal, cluster_id).await? {
        Target::Here(c) => c,
        Target::Elsewhere(partition) => return forward_to(&req, raw, partition, &services).await,
    };
    if let Some(version) = expected
        && version != cluster.version
    {
        return Err(error::problem(&SubmitError::PreconditionFailed {
            current_version: cluster.version,
        }));
    }
    let request: RollbackDeployment = read(&object)?;
    let target = match (request.to_revision, request.to_deployment_id) {
        (Some(_), Some(_)) => {
            return Err(field_problem(
                "/to_revision",
                "give to_revision or to_deployment_id, not both",
            ));
        }
        (Some(n), None) => RollbackTarget::Revision(n),
        (None, Some(id)) => RollbackTarget::Deployment(id),
        (None, None) => RollbackTarget::Previous,
    };
    let idempotency =
        preconditions::idempotency(&req, &principal, ROLLBACK_ROUTE, &Value::Object(object))?;
    let writer = &services.writer;
    let ledger = ledger_id(writer, cluster_id);
    let deployment_id = writer.id_beside(&cluster_id);
    let command = C::Rollback {
        id: ledger,
        cluster_id,
        owner: cluster.owner.clone(),
        deployment_id,
        target,
        skip_analysis: request.skip_analysis,
        at: writer.clock().now(),
    };
    let submission = Command::<Deployments>::new(
        ledger,
        command,
        writer.id_beside(&ledger),
        principal,
        "deployment.rollback",
    )
    .idempotency(idempotency)
    .correlated(common::correlation(&req))
    .respond(answer(deployment_id, 202));
    let result = writer.submit(submission).await;
    finish(&req, raw, &services, result).await
}

type Steer = fn(Uuid, chrono::DateTime<chrono::Utc>) -> C;

/// One of `:pause`, `:resume`, `:promote`, `:abort`, `:cancel`.
async fn steer(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
    name: &'static str,
    make: Steer,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let deployment_id = parse_id(&path, "deployment")?;
    let writer = &services.writer;
    let partition = writer.partition_of(&deployment_id);
    if !writer.serves(partition) {
        return forward_to(&req, web::Bytes::new(), partition, &services).await;
    }
    let Some(observed) = holder(writer, deployment_id) else {
        return Err(Problem::not_found("deployment"));
    };
    if !principal.can_see(&observed.state.owner) {
        return Err(Problem::not_found("deployment"));
    }
    let submission = Command::<Deployments>::new(
        observed.state.id,
        make(deployment_id, writer.clock().now()),
        writer.id_beside(&observed.state.id),
        principal,
        name,
    )
    .correlated(common::correlation(&req))
    .respond(answer(deployment_id, 200));
    let result = writer.submit(submission).await;
    finish(&req, web::Bytes::new(), &services, result).await
}

macro_rules! steering {
    ($handler:ident, $name:literal, $variant:ident) => {
        #[doc = concat!("`POST /api/v1/deployments/{id}:", stringify!($handler), "`")]
        pub async fn $handler(
            req: HttpRequest,
            path: web::Path<String>,
            principal: Principal,
            services: web::Data<Services>,
        ) -> Result<HttpResponse, Problem> {
            steer(
                req,
                path,
                principal,
                services,
                $name,
                |deployment_id, at| C::$variant { deployment_id, at },
            )
            .await
        }
    };
}

steering!(pause, "deployment.pause", Pause);
steering!(resume, "deployment.resume", Resume);
steering!(promote, "deployment.promote", Promote);
steering!(abort, "deployment.abort", Abort);
steering!(cancel, "deployment.cancel", Cancel);
