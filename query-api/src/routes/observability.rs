//! `GET /api/v1/observability/{partitions,projection,workers}`: runtime state assembled
//! from the status snapshots the other services publish to Redis (`platform::status`),
//! so any query-api instance answers without calling command-api or the projector.
//! Snapshots are hints: a partition nobody reports is `unowned`, and a missing snapshot
//! is an empty list, never an error. Reads only.

use actix_web::{HttpResponse, web};
use contract::observability::{PartitionOwnership, Partitions, Projection, ProjectionLag, Workers};
use platform::auth::Principal;
use platform::status::StatusBoard;

use crate::error::QueryError;
use crate::state::AppState;

fn board(state: &AppState) -> StatusBoard {
    StatusBoard::new(state.redis.clone(), &state.key_prefix)
}

/// Redis down is a 503 like any dependency outage, not a 500.
fn unreachable(error: anyhow::Error) -> QueryError {
    tracing::warn!(error = format!("{error:#}"), "status board unreachable");
    QueryError::Unavailable("the status board (Redis) is unreachable".into())
}

/// `GET /api/v1/observability/partitions`: one row per partition of the log.
pub async fn partitions(
    _principal: Principal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let reports: Vec<Partitions> = board(&state)
        .read("partitions")
        .await
        .map_err(unreachable)?;
    let reported = reports.into_iter().flat_map(|r| r.partitions).collect();
    Ok(HttpResponse::Ok().json(Partitions {
        partitions: merge_ownership(state.partitions, reported),
    }))
}

/// Per partition, the report that matters: a serving one over any other, then the
/// highest epoch; partitions nobody reports are `unowned`.
fn merge_ownership(count: i32, reported: Vec<PartitionOwnership>) -> Vec<PartitionOwnership> {
    let rank = |p: &PartitionOwnership| (p.phase == "serving", p.epoch, p.next_offset);
    (0..count)
        .map(|partition| {
            reported
                .iter()
                .filter(|r| r.partition == partition)
                .max_by_key(|r| rank(r))
                .cloned()
                .unwrap_or(PartitionOwnership {
                    partition,
                    owner: None,
                    epoch: 0,
                    phase: "unowned".into(),
                    next_offset: 0,
                    published_at: None,
                })
        })
        .collect()
}

/// `GET /api/v1/observability/projection`: checkpoint and lag per partition, from
/// every projector instance's latest probe.
pub async fn projection(
    _principal: Principal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let reports: Vec<Projection> = board(&state)
        .read("projection")
        .await
        .map_err(unreachable)?;
    let published_at = reports.iter().filter_map(|r| r.published_at.clone()).max();
    let mut rows: Vec<ProjectionLag> = reports.into_iter().flat_map(|r| r.partitions).collect();
    rows.sort_by_key(|r| (r.partition, std::cmp::Reverse(r.checkpoint)));
    rows.dedup_by_key(|r| r.partition);
    Ok(HttpResponse::Ok().json(Projection {
        projection: views::PROJECTION.to_owned(),
        partitions: rows,
        published_at,
    }))
}

/// `GET /api/v1/observability/workers`: each command-api instance's job worker pool.
pub async fn workers(
    _principal: Principal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let mut instances: Vec<contract::observability::WorkerPool> =
        board(&state).read("workers").await.map_err(unreachable)?;
    instances.sort_by(|a, b| a.instance.cmp(&b.instance));
    Ok(HttpResponse::Ok().json(Workers { instances }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(partition: i32, owner: &str, epoch: u64, phase: &str) -> PartitionOwnership {
        PartitionOwnership {
            partition,
            owner: Some(owner.into()),
            epoch,
            phase: phase.into(),
            next_offset: 5,
            published_at: None,
        }
    }

    #[test]
    fn the_serving_report_wins_and_silent_partitions_are_unowned() {
        let merged = merge_ownership(
            3,
            vec![
                report(0, "old", 4, "fenced"),
                report(0, "new", 3, "serving"),
                report(1, "a", 1, "restoring"),
            ],
        );
        assert_eq!(merged[0].owner.as_deref(), Some("new"));
        assert_eq!(merged[1].phase, "restoring");
        assert_eq!(
            (merged[2].phase.as_str(), merged[2].owner.clone()),
            ("unowned", None)
        );
    }
}
