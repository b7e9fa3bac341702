//! `monitor {cluster_id}`: a placeholder until monitoring exists — it records that it ran
//! for the cluster, as its result.

use serde_json::json;
use uuid::Uuid;

use super::{Outcome, Run};

pub async fn run(ctx: &Run<'_>, what: &str, cluster_id: Uuid) -> Outcome {
    ctx.report.progress(100, format!("{what} recorded"));
    ctx.log(format!(
        "{what} of cluster {cluster_id}: not built yet, placeholder result"
    ));
    Ok(json!({
        "cluster_id": cluster_id,
        "placeholder": true,
        "summary": format!("{what} is not built yet"),
    }))
}
