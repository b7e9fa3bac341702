//! Reads under a job: its attempts (one page, oldest first: a job has few), its log
//! lines (`?attempt=`, keyset pages by line id) and their SSE tail, which sends the lines
//! there are, then new ones as the projector commits them (woken by its change
//! notifications), and ends once the job is terminal. The job itself and the list are
//! served by the generic handlers. Never writes.

use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use contract::envelope::{Links, Meta};
use contract::job::{JobAttemptPage, LogLinePage};
use platform::auth::Principal;
use platform::kafka::partition_for;
use sqlx::AssertSqlSafe;
use uuid::Uuid;
use views::job::JobRow;
use views::job::attempt::{COLUMNS as ATTEMPT_COLUMNS, JobAttemptRow};
use views::job::log::{LogLineRow, SELECT_COLUMNS};

use super::resources::{Params, visible};
use crate::error::QueryError;
use crate::state::AppState;
use crate::store;

const DEFAULT_PAGE: u64 = 100;
const MAX_PAGE: u64 = 500;
/// How long the tail waits for a change before sending a keep-alive comment.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
const TERMINAL: [&str; 4] = ["succeeded", "failed", "dead", "cancelled"];

/// `GET /api/v1/jobs/{id}/attempts`
pub async fn attempts(
    principal: Principal,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let job = visible::<JobRow>(&state, &principal, &path).await?;
    let sql = format!(
        "SELECT {} FROM job_attempt WHERE job_id = ? ORDER BY attempt",
        ATTEMPT_COLUMNS.join(", ")
    );
    let rows: Vec<JobAttemptRow> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(job.job_id)
        .fetch_all(&state.db)
        .await?;
    let page = JobAttemptPage {
        meta: Meta {
            total: rows.len() as u64,
        },
        attempts: rows.iter().map(JobAttemptRow::to_resource).collect(),
        next_page_token: None,
        links: Links::default(),
    };
    Ok(HttpResponse::Ok().json(page))
}

/// Which lines of a job a request asks for.
struct LineQuery {
    job_id: Uuid,
    attempt: Option<u32>,
    after: u64,
}

impl LineQuery {
    fn parse(job_id: Uuid, params: &Params) -> Result<Self, QueryError> {
        let attempt = match params.get("attempt") {
            Some(raw) => Some(raw.parse::<u32>().map_err(|_| {
                QueryError::InvalidArgument("attempt must be a positive integer".into())
            })?),
            None => None,
        };
        let after = match params.get("page_token") {
            Some(raw) => raw
                .parse::<u64>()
                .map_err(|_| QueryError::InvalidPageToken)?,
            None => 0,
        };
        Ok(Self {
            job_id,
            attempt,
            after,
        })
    }

    fn condition(&self) -> String {
        let attempt = if self.attempt.is_some() {
            " AND attempt = ?"
        } else {
            ""
        };
        format!("job_id = ?{attempt}")
    }

    async fn count(&self, state: &AppState) -> Result<u64, QueryError> {
        let sql = format!("SELECT COUNT(*) FROM log_lines WHERE {}", self.condition());
        let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).bind(self.job_id);
        if let Some(attempt) = self.attempt {
            query = query.bind(attempt);
        }
        Ok(u64::try_from(query.fetch_one(&state.db).await?).unwrap_or_default())
    }

    async fn page(&self, state: &AppState, limit: u64) -> Result<Vec<LogLineRow>, QueryError> {
        let sql = format!(
            "SELECT {SELECT_COLUMNS} FROM log_lines WHERE {} AND id > ? ORDER BY id LIMIT ?",
            self.condition()
        );
        let mut query = sqlx::query_as::<_, LogLineRow>(AssertSqlSafe(sql)).bind(self.job_id);
        if let Some(attempt) = self.attempt {
            query = query.bind(attempt);
        }
        Ok(query
            .bind(self.after)
            .bind(limit)
            .fetch_all(&state.db)
            .await?)
    }
}

/// `GET /api/v1/jobs/{id}/logs?attempt=&page_size=&page_token=`, oldest first.
pub async fn logs(
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let job = visible::<JobRow>(&state, &principal, &path).await?;
    let query = LineQuery::parse(job.job_id, &params)?;
    let size = match params.get("page_size").map(|raw| raw.parse::<u64>()) {
        None | Some(Ok(0)) => DEFAULT_PAGE,
        Some(Ok(n)) => n.min(MAX_PAGE),
        Some(Err(_)) => {
            return Err(QueryError::InvalidArgument(
                "page_size must be a non-negative integer".into(),
            ));
        }
    };
    let total = query.count(&state).await?;
    let mut rows = query.page(&state, size + 1).await?;
    let more = rows.len() as u64 > size;
    rows.truncate(size as usize);
    let next = rows.last().filter(|_| more).map(|r| r.id.to_string());
    let link = next.as_ref().map(|token| {
        let attempt = query
            .attempt
            .map(|a| format!("&attempt={a}"))
            .unwrap_or_default();
        format!(
            "/api/v1/jobs/{}/logs?page_size={size}{attempt}&page_token={token}",
            job.job_id
        )
    });
    let page = LogLinePage {
        lines: rows.iter().map(LogLineRow::to_resource).collect(),
        next_page_token: next,
        meta: Meta { total },
        links: Links { next: link },
    };
    Ok(HttpResponse::Ok().json(page))
}

/// `GET /api/v1/jobs/{id}/logs:stream?attempt=` — `text/event-stream`: one `line` event
/// per line (its `id` is the line's), then `end` with the job's final status. A client
/// that reconnects with `Last-Event-ID` resumes after that line, so nothing is lost or
/// sent twice.
pub async fn stream(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let job = visible::<JobRow>(&state, &principal, &path).await?;
    let mut query = LineQuery::parse(job.job_id, &params)?;
    if let Some(after) = last_event_id(&req)? {
        query.after = after;
    }
    let partition = partition_for(job.job_id.to_string().as_bytes(), state.partitions);
    let tail = Tail {
        state: state.into_inner(),
        query,
        partition,
        done: false,
    };
    let events = futures::stream::unfold(tail, |mut tail| async move {
        if tail.done {
            return None;
        }
        let chunk = tail.next_chunk().await;
        Some((chunk, tail))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .streaming(events))
}

struct Tail {
    state: std::sync::Arc<AppState>,
    query: LineQuery,
    partition: i32,
    done: bool,
}

impl Tail {
    /// The next piece of the stream: new lines, the end, or a keep-alive comment.
    async fn next_chunk(&mut self) -> Result<Bytes, actix_web::Error> {
        let seen = self
            .state
            .feed
            .current(&[self.partition])
            .get(&self.partition)
            .copied()
            .unwrap_or_default();
        // The status is read before the lines: a job's last lines commit together with
        // its terminal status, so once the status reads terminal, the lines read after it
        // hold every line there will be. (Read the other way round, the end could be sent
        // with the last lines still unsent.)
        let job = store::find::<JobRow>(&self.state.db, self.query.job_id)
            .await
            .map_err(to_error)?;
        let status = job.map(|j| j.status).unwrap_or_else(|| "deleted".into());
        let lines = self.query.page(&self.state, 200).await.map_err(to_error)?;
        if let Some(last) = lines.last() {
            self.query.after = last.id;
            return Ok(Bytes::from(events_of(&lines)));
        }
        if TERMINAL.contains(&status.as_str()) || status == "deleted" {
            self.done = true;
            let data = serde_json::json!({ "status": status });
            return Ok(Bytes::from(format!("event: end\ndata: {data}\n\n")));
        }
        let deadline = tokio::time::Instant::now() + KEEP_ALIVE;
        self.state
            .feed
            .changed_after(self.partition, seen, deadline)
            .await;
        Ok(Bytes::from_static(b": waiting\n\n"))
    }
}

/// The line a reconnecting client saw last, from its `Last-Event-ID` header.
fn last_event_id(req: &HttpRequest) -> Result<Option<u64>, QueryError> {
    let Some(raw) = req.headers().get("last-event-id") else {
        return Ok(None);
    };
    raw.to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Some)
        .ok_or_else(|| {
            QueryError::InvalidArgument("Last-Event-ID must be an id this stream sent".into())
        })
}

fn events_of(lines: &[LogLineRow]) -> String {
    lines
        .iter()
        .map(|line| {
            let data = serde_json::to_string(&line.to_resource()).unwrap_or_default();
            format!("event: line\nid: {}\ndata: {data}\n\n", line.id)
        })
        .collect()
}

fn to_error(error: QueryError) -> actix_web::Error {
    actix_web::error::ErrorServiceUnavailable(error.to_string())
}
