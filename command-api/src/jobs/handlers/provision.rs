//! `provision {cluster_id, node_pool_id, count}`: adds `count` nodes to the pool (one
//! keyed cluster command, so a retry never adds them twice) and waits for them to run.

use serde_json::json;
use uuid::Uuid;

use super::{Outcome, Run, cluster};

pub async fn run(ctx: &Run<'_>, cluster_id: Uuid, pool_id: Uuid, count: u32) -> Outcome {
    let pool = cluster::pool(ctx, cluster_id, pool_id).await?;
    let target = pool.count + count;
    ctx.report.progress(10, format!("adding {count} node(s)"));
    ctx.log(format!(
        "scaling pool {} from {} to {target}",
        pool.name, pool.count
    ));
    cluster::set_count(ctx, cluster_id, pool_id, target, "provision").await?;
    ctx.report.progress(50, "waiting for the nodes");
    let settled = cluster::settled(ctx, cluster_id, pool_id).await?;
    ctx.log(format!(
        "pool {} has {} node(s)",
        settled.name, settled.count
    ));
    Ok(json!({"node_pool_id": pool_id, "count": settled.count}))
}
