//! `scale {cluster_id, node_pool_id, desired | delta}`: sets the pool's count (one keyed
//! cluster command per job). Refused without retry when the autoscaler owns the count
//! or the result leaves the pool's `[min_nodes, max_nodes]`.

use domain::job::ScaleTo;
use serde_json::json;
use uuid::Uuid;

use super::{Failure, Outcome, Run, cluster};

pub async fn run(ctx: &Run<'_>, cluster_id: Uuid, pool_id: Uuid, to: ScaleTo) -> Outcome {
    let pool = cluster::pool(ctx, cluster_id, pool_id).await?;
    if pool.auto_scale {
        return Err(Failure::fatal(
            "AUTOSCALED",
            "the pool's count is owned by its autoscaler",
        ));
    }
    let target = match to {
        ScaleTo::Desired(n) => i64::from(n),
        ScaleTo::Delta(d) => i64::from(pool.count) + i64::from(d),
    };
    let range = i64::from(pool.min_nodes)..=i64::from(pool.max_nodes);
    if !range.contains(&target) {
        return Err(Failure::fatal(
            "OUT_OF_RANGE",
            format!(
                "{target} nodes is outside the pool's {}..={}",
                pool.min_nodes, pool.max_nodes
            ),
        ));
    }
    let target = u32::try_from(target).unwrap_or_default();
    ctx.log(format!(
        "scaling pool {} from {} to {target}",
        pool.name, pool.count
    ));
    cluster::set_count(ctx, cluster_id, pool_id, target, "scale").await?;
    ctx.report.progress(50, "waiting for the pool");
    let settled = cluster::settled(ctx, cluster_id, pool_id).await?;
    Ok(json!({"node_pool_id": pool_id, "count": settled.count}))
}
