//! Operation reads beyond the generic handlers: the long-poll `GET /operations/{id}:wait`
//! (returns when the operation is done or the timeout — at most 60 s — passes, woken by
//! the projector's progress on the operation's partition, so waiting costs no polling),
//! and `GET /droplets/{id}/operations`. Never writes.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use platform::auth::Principal;
use platform::kafka::partition_for;
use uuid::Uuid;
use views::droplet::DropletRow;
use views::operation::OperationRow;

use super::resources::{Params, respond_list, visible};
use crate::collection::Listed;
use crate::error::QueryError;
use crate::filter::{Bind, Condition};
use crate::state::AppState;
use crate::store;

/// The longest `:wait` (api.md §9).
const MAX_WAIT: Duration = Duration::from_secs(60);

/// `GET /api/v1/operations/{id}:wait?timeout=30s`
pub async fn wait(
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let id = Uuid::parse_str(&path).map_err(|_| QueryError::NotFound("operation"))?;
    let timeout = timeout(params.get("timeout").map(String::as_str))?;
    let deadline = tokio::time::Instant::now() + timeout;
    // Operation ids live in their target's partition: wait on that partition's progress.
    let partition = partition_for(id.to_string().as_bytes(), state.partitions);
    loop {
        let seen = state
            .feed
            .current(&[partition])
            .get(&partition)
            .copied()
            .unwrap_or(0);
        let row = store::find::<OperationRow>(&state.db, id)
            .await?
            .filter(|r| principal.can_see(&r.owner));
        match row {
            Some(row) if row.is_done() || tokio::time::Instant::now() >= deadline => {
                return Ok(answer(&row));
            }
            None if tokio::time::Instant::now() >= deadline => {
                return Err(QueryError::NotFound("operation"));
            }
            _ => {}
        }
        state.feed.changed_after(partition, seen, deadline).await;
    }
}

fn answer(row: &OperationRow) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.insert_header(("ETag", format!("\"{}\"", row.version)));
    if let Some(seconds) = Listed::retry_after(row) {
        response.insert_header(("Retry-After", seconds.to_string()));
    }
    response.json(row.to_resource())
}

/// `30s`, `2m`, `45` (seconds); capped at 60 s.
fn timeout(raw: Option<&str>) -> Result<Duration, QueryError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(Duration::from_secs(30));
    };
    let bad = || QueryError::InvalidArgument("timeout must look like 30s, 2m or 45".into());
    let (number, unit) = match raw.strip_suffix('s') {
        Some(n) => (n, 1),
        None => raw.strip_suffix('m').map_or((raw, 1), |n| (n, 60)),
    };
    let seconds: f64 = number.parse().map_err(|_| bad())?;
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(seconds * f64::from(unit)).min(MAX_WAIT))
}

/// `GET /api/v1/droplets/{id}/operations`
pub async fn of_droplet(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let droplet = visible::<DropletRow>(&state, &principal, &path).await?;
    let scope = vec![Condition::new(
        "target_id = ?",
        vec![Bind::Id(droplet.droplet_id)],
    )];
    let link = format!("/api/v1/droplets/{}/operations", droplet.droplet_id);
    respond_list::<OperationRow>(&req, &principal, &params, &state, scope, &link).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse_and_are_capped() {
        assert_eq!(timeout(None).unwrap(), Duration::from_secs(30));
        assert_eq!(timeout(Some("5s")).unwrap(), Duration::from_secs(5));
        assert_eq!(timeout(Some("2m")).unwrap(), MAX_WAIT);
        assert_eq!(timeout(Some("0.5")).unwrap(), Duration::from_millis(500));
        assert!(timeout(Some("-1s")).is_err());
        assert!(timeout(Some("soon")).is_err());
    }
}
