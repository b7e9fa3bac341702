//! Reads under a cluster: its node pools (from the cluster row) with their nodes (from
//! the droplet table: counts are never kept twice), one pool, and the timeline. The
//! cluster itself is served by the generic handlers. Never writes.

use actix_web::{HttpRequest, HttpResponse, web};
use contract::cluster::{NodeCounts, NodePool};
use contract::envelope::{Links, Meta, NodePoolPage};
use platform::auth::Principal;
use uuid::Uuid;
use views::cluster::{ClusterRow, PoolRecord, pool_resource};
use views::droplet::DropletRow;
use views::timeline::ClusterEventRow;

use super::resources::{Params, respond_list, visible};
use crate::error::QueryError;
use crate::filter::{Bind, Condition};
use crate::state::AppState;

/// `GET /api/v1/clusters/{id}/node_pools`
pub async fn pools(
    principal: Principal,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let cluster = visible::<ClusterRow>(&state, &principal, &path).await?;
    let nodes = nodes_of(&state, cluster.cluster_id).await?;
    let pools: Vec<NodePool> = cluster
        .pool_records()
        .iter()
        .map(|p| with_nodes(cluster.cluster_id, p, &nodes))
        .collect();
    let total = pools.len() as u64;
    Ok(HttpResponse::Ok().json(NodePoolPage {
        node_pools: pools,
        next_page_token: None,
        meta: Meta { total },
        links: Links::default(),
    }))
}

/// `GET /api/v1/clusters/{id}/node_pools/{pool_id}`
pub async fn pool(
    principal: Principal,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let cluster = visible::<ClusterRow>(&state, &principal, &path.0).await?;
    let pool_id = Uuid::parse_str(&path.1).map_err(|_| QueryError::NotFound("node_pool"))?;
    let pool = cluster
        .pool_records()
        .into_iter()
        .find(|p| p.id == pool_id)
        .ok_or(QueryError::NotFound("node_pool"))?;
    let nodes = nodes_of(&state, cluster.cluster_id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", format!("\"{}\"", cluster.version)))
        .json(with_nodes(cluster.cluster_id, &pool, &nodes)))
}

/// `GET /api/v1/clusters/{id}/events` (`?since=`, a shortcut of the collection).
pub async fn events(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let cluster = visible::<ClusterRow>(&state, &principal, &path).await?;
    let scope = vec![Condition::new(
        "cluster_id = ?",
        vec![Bind::Id(cluster.cluster_id)],
    )];
    let mut params = params.into_inner();
    params
        .entry("order_by".into())
        .or_insert_with(|| "occurred_at asc".into());
    let link = format!("/api/v1/clusters/{}/events", cluster.cluster_id);
    respond_list::<ClusterEventRow>(&req, &principal, &params, &state, scope, &link).await
}

/// Every node droplet of a cluster that is not gone, oldest first.
async fn nodes_of(state: &AppState, cluster_id: Uuid) -> Result<Vec<DropletRow>, QueryError> {
    let sql = format!(
        "SELECT {} FROM droplet WHERE cluster_id = ? AND status NOT IN ('deleted', 'purged') ORDER BY created_at, droplet_id",
        views::row::column_list::<DropletRow>()
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(cluster_id)
        .fetch_all(&state.db)
        .await?)
}

/// A pool with its nodes and their counts by state.
fn with_nodes(cluster_id: Uuid, pool: &PoolRecord, nodes: &[DropletRow]) -> NodePool {
    let mine: Vec<&DropletRow> = nodes
        .iter()
        .filter(|n| n.node_pool_id == Some(pool.id))
        .collect();
    let running = mine.iter().filter(|n| n.node_state() == "running").count();
    let mut resource = pool_resource(cluster_id, pool);
    resource.node_counts = Some(NodeCounts {
        total: count(mine.len()),
        running: count(running),
        desired: pool.count,
    });
    resource.nodes = Some(mine.iter().map(|n| n.to_node()).collect());
    resource
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
