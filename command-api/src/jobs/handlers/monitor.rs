//! `monitor {cluster_id}`: evaluates the cluster's health (`domain::telemetry::health`,
//! the rule `GET /clusters/{id}/health` serves) over the recent samples this instance
//! holds in its sample window, and stores it as the job's result — the same
//! representation the route answers — with one log line per issue. Writes no command:
//! a retried attempt just evaluates again.

use chrono::Duration;
use domain::telemetry::health::{self, DEFAULT_WINDOW_SECONDS};
use uuid::Uuid;
use views::telemetry::render_health;

use super::cluster::owned_cluster;
use super::{Failure, Outcome, Run};

pub async fn run(ctx: &Run<'_>, cluster_id: Uuid) -> Outcome {
    owned_cluster(ctx, cluster_id).await?;
    let now = ctx.now();
    let window = Duration::seconds(DEFAULT_WINDOW_SECONDS);
    let latest = ctx.window.latest(cluster_id, now - window);
    let evaluated = health::evaluate(&latest, now, window);
    let rendered = render_health(cluster_id, &evaluated, now, DEFAULT_WINDOW_SECONDS);
    for issue in &rendered.issues {
        ctx.log(format!("{}: {}", issue.severity, issue.message));
    }
    ctx.log(format!(
        "health of cluster {cluster_id}: {} from {} node sample(s)",
        rendered.status,
        latest.len()
    ));
    ctx.report
        .progress(100, format!("health {}", rendered.status));
    serde_json::to_value(&rendered).map_err(|e| Failure::fatal("INTERNAL", e.to_string()))
}
