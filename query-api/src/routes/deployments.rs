//! Deployment reads (api.md §11, §12.4): a cluster's deployments and revisions (the
//! generic keyset lists scoped to one visible cluster, newest first) and one deployment
//! (`GET /deployments/{id}`, also under its cluster). Unknown or someone else's cluster
//! or deployment → 404. Never writes.

use actix_web::http::header::ETAG;
use actix_web::{HttpRequest, HttpResponse, web};
use platform::auth::Principal;
use views::cluster::ClusterRow;
use views::deployment::row::{DeploymentRow, RevisionRow};

use super::resources::{Params, respond_under_cluster, visible, wait_requested};
use crate::error::QueryError;
use crate::state::AppState;

pub const LIST_ROUTE: &str = "/api/v1/clusters/{id}/deployments";
pub const CLUSTER_ITEM_ROUTE: &str = "/api/v1/clusters/{id}/deployments/{dep_id}";
pub const ITEM_ROUTE: &str = "/api/v1/deployments/{id}";
pub const REVISIONS_ROUTE: &str = "/api/v1/clusters/{id}/revisions";

/// `GET /api/v1/clusters/{id}/deployments`
pub async fn list(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let cluster = visible::<ClusterRow>(&state, &principal, &path).await?;
    respond_under_cluster::<DeploymentRow>(
        &req,
        &principal,
        &params.into_inner(),
        &state,
        &cluster,
        "deployments",
    )
    .await
}

/// `GET /api/v1/clusters/{id}/revisions`
pub async fn revisions(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let cluster = visible::<ClusterRow>(&state, &principal, &path).await?;
    respond_under_cluster::<RevisionRow>(
        &req,
        &principal,
        &params.into_inner(),
        &state,
        &cluster,
        "revisions",
    )
    .await
}

fn one(deployment: &DeploymentRow) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((ETAG, format!("\"{}\"", deployment.version)))
        .json(deployment.to_resource())
}

/// `GET /api/v1/deployments/{id}`
pub async fn get(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    wait_requested(&req, &state).await?;
    let deployment = visible::<DeploymentRow>(&state, &principal, &path).await?;
    Ok(one(&deployment))
}

/// `GET /api/v1/clusters/{id}/deployments/{dep_id}`
pub async fn get_under_cluster(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    wait_requested(&req, &state).await?;
    let (cluster_id, deployment_id) = path.into_inner();
    let cluster = visible::<ClusterRow>(&state, &principal, &cluster_id).await?;
    let deployment = visible::<DeploymentRow>(&state, &principal, &deployment_id).await?;
    if deployment.cluster_id != cluster.cluster_id {
        return Err(QueryError::NotFound("deployment"));
    }
    Ok(one(&deployment))
}
