//! `GET /api/v1/queues`: every queue that holds unfinished jobs or was paused, with its
//! depth (queued jobs), running jobs, the age of its oldest queued job, its capacity and
//! whether it is paused. Queues are shared by every owner, so these are totals. The
//! capacity is the one command-api enforces, as its instances publish it with their
//! worker pools on the status board (the smallest if they disagree); the default of
//! 100 only while none has published.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use contract::job::{Queue, QueueList};
use contract::observability::WorkerPool;
use platform::auth::Principal;
use platform::status::StatusBoard;
use sqlx::AssertSqlSafe;

use crate::error::QueryError;
use crate::state::AppState;

const DEFAULT_CAPACITY: u64 = 100;

type QueueRow = (String, i64, i64, Option<DateTime<Utc>>);

/// `GET /api/v1/queues`
pub async fn list(
    _principal: Principal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let sql = "SELECT queue, \
        CAST(SUM(status = 'queued') AS SIGNED), CAST(SUM(status = 'running') AS SIGNED), \
        MIN(CASE WHEN status = 'queued' THEN run_at END) \
        FROM job WHERE deleted = FALSE AND status IN ('queued', 'scheduled', 'running', 'retrying') \
        GROUP BY queue";
    let rows: Vec<QueueRow> = sqlx::query_as(AssertSqlSafe(sql))
        .fetch_all(&state.db)
        .await?;
    let paused: Vec<(String, bool)> = sqlx::query_as("SELECT name, paused FROM job_queue")
        .fetch_all(&state.db)
        .await?;
    let now = state.clock.now();
    let capacity = capacity(&state).await;
    let mut queues: BTreeMap<String, Queue> = BTreeMap::new();
    for (name, depth, running, oldest) in rows {
        queues.insert(
            name.clone(),
            queue(name, depth, running, oldest, now, capacity),
        );
    }
    for (name, is_paused) in paused {
        queues
            .entry(name.clone())
            .or_insert_with(|| queue(name, 0, 0, None, now, capacity))
            .paused = is_paused;
    }
    Ok(HttpResponse::Ok().json(QueueList {
        queues: queues.into_values().collect(),
    }))
}

fn queue(
    name: String,
    depth: i64,
    running: i64,
    oldest: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    capacity: u64,
) -> Queue {
    Queue {
        kind: "queue".into(),
        name,
        depth: u64::try_from(depth).unwrap_or_default(),
        capacity,
        running: u64::try_from(running).unwrap_or_default(),
        oldest_queued_age_seconds: oldest
            .map(|t| ((now - t).num_milliseconds().max(0) as f64) / 1000.0),
        paused: false,
    }
}

async fn capacity(state: &AppState) -> u64 {
    let board = StatusBoard::new(state.redis.clone(), &state.key_prefix);
    let pools: Vec<WorkerPool> = board.read("workers").await.unwrap_or_default();
    pools
        .iter()
        .map(|p| u64::from(p.queue_capacity))
        .min()
        .unwrap_or(DEFAULT_CAPACITY)
}
