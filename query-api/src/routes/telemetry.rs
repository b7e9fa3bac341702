//! Telemetry reads under a cluster: its samples (`GET /clusters/{id}/metrics`, the
//! generic keyset list scoped to the cluster) and its derived health
//! (`GET /clusters/{id}/health`, `domain::telemetry::health` over `metric_latest`, so
//! O(nodes)). Both answer 404 for an unknown or someone else's cluster, and never write.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Duration;
use domain::telemetry::MetricType;
use domain::telemetry::health::{self, Latest};
use platform::auth::Principal;
use serde::Deserialize;
use views::cluster::ClusterRow;
use views::telemetry::{LATEST_OF_CLUSTER, LatestRow, MetricSampleRow, render_health};

use super::resources::{Params, respond_under_cluster, visible};
use crate::error::QueryError;
use crate::state::AppState;

/// `[node_metrics]` of query-api's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct HealthSettings {
    /// Samples older than this do not count for health.
    pub health_window_seconds: i64,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            health_window_seconds: health::DEFAULT_WINDOW_SECONDS,
        }
    }
}

/// `GET /api/v1/clusters/{id}/metrics` (`?type=`, `?since=`, paging).
pub async fn metrics(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let cluster = visible::<ClusterRow>(&state, &principal, &path).await?;
    let params = params.into_inner();
    if let Some(raw) = params
        .get("type")
        .filter(|t| MetricType::parse(t).is_none())
    {
        return Err(QueryError::InvalidArgument(format!(
            "type {raw:?} is not one of cpu, memory, disk, network"
        )));
    }
    respond_under_cluster::<MetricSampleRow>(&req, &principal, &params, &state, &cluster, "metrics")
        .await
}

/// `GET /api/v1/clusters/{id}/health`
pub async fn health(
    principal: Principal,
    path: web::Path<String>,
    state: web::Data<AppState>,
    settings: Option<web::Data<HealthSettings>>,
) -> Result<HttpResponse, QueryError> {
    let cluster = visible::<ClusterRow>(&state, &principal, &path).await?;
    let window_seconds = settings
        .map_or_else(HealthSettings::default, |s| s.get_ref().clone())
        .health_window_seconds
        .max(1);
    let rows: Vec<LatestRow> = sqlx::query_as(LATEST_OF_CLUSTER)
        .bind(cluster.cluster_id)
        .fetch_all(&state.db)
        .await
        .map_err(|e| QueryError::Internal(e.into()))?;
    let latest: Vec<Latest> = rows
        .into_iter()
        .filter_map(|r| {
            Some(Latest {
                node_id: r.node_id,
                metric: MetricType::parse(&r.metric_type)?,
                value: r.value,
                sampled_at: r.sampled_at,
            })
        })
        .collect();
    let now = state.clock.now();
    let evaluated = health::evaluate(&latest, now, Duration::seconds(window_seconds));
    Ok(HttpResponse::Ok().json(render_health(
        cluster.cluster_id,
        &evaluated,
        now,
        window_seconds,
    )))
}
