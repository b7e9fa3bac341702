//! Diagnosis reads under a cluster (api.md §11, §15): the history
//! (`GET /clusters/{id}/diagnoses`, the generic keyset list scoped to the cluster, newest
//! first) and one diagnosis (`GET /clusters/{id}/diagnoses/{diag_id}`). Both answer 404
//! for an unknown or someone else's cluster, and one for a diagnosis of another cluster.

use actix_web::http::header::ETAG;
use actix_web::{HttpRequest, HttpResponse, web};
use platform::auth::Principal;
use views::StateRow;
use views::cluster::ClusterRow;
use views::diagnosis::DiagnosisRow;

use super::resources::{Params, respond_under_cluster, visible, wait_requested};
use crate::error::QueryError;
use crate::state::AppState;

/// `GET /api/v1/clusters/{id}/diagnoses` (paging, `filter`, `order_by=completed_at`).
pub async fn list(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let cluster = visible::<ClusterRow>(&state, &principal, &path).await?;
    respond_under_cluster::<DiagnosisRow>(
        &req,
        &principal,
        &params.into_inner(),
        &state,
        &cluster,
        "diagnoses",
    )
    .await
}

/// `GET /api/v1/clusters/{id}/diagnoses/{diag_id}`
pub async fn get(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    wait_requested(&req, &state).await?;
    let (cluster_id, diagnosis_id) = path.into_inner();
    let cluster = visible::<ClusterRow>(&state, &principal, &cluster_id).await?;
    let diagnosis = visible::<DiagnosisRow>(&state, &principal, &diagnosis_id).await?;
    if diagnosis.cluster_id != cluster.cluster_id {
        return Err(QueryError::NotFound("diagnosis"));
    }
    Ok(HttpResponse::Ok()
        .insert_header((ETAG, format!("\"{}\"", diagnosis.version)))
        .json(StateRow::to_resource(&diagnosis)))
}
