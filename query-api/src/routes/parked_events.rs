//! `GET /api/v1/observability/parked_events` (admin; 403 otherwise): the dead letters of
//! the live read models, oldest first, keyset-paged by parked record id — reason,
//! aggregate, position in the log, age and the records of the same aggregate queued
//! behind each. Reads `parked_event` only; retry and skip are the CLI's
//! (`clustergenie parked`), never an HTTP mutation.

use actix_web::{HttpRequest, HttpResponse, web};
use contract::envelope::{Links, Meta};
use contract::observability::ParkedEventPage;
use platform::auth::{Principal, Role};
use platform::problem::{Code, Problem};
use serde::Deserialize;
use views::parked::{ParkedEventRow, SELECT};

use crate::error::QueryError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ParkedQuery {
    pub page_size: Option<String>,
    pub page_token: Option<String>,
}

pub async fn list(
    principal: Principal,
    req: HttpRequest,
    query: web::Query<ParkedQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    if principal.role != Role::Admin {
        return Err(Problem::permission_denied(principal.role.as_str()).into());
    }
    let size = crate::listing::page_size(query.page_size.as_deref())?;
    let after = query.page_token.as_deref().map(decode_token).transpose()?;
    let sql = format!(
        "SELECT {SELECT} FROM parked_event p WHERE p.projection = ? AND p.parked_event_id > ? \
         ORDER BY p.parked_event_id LIMIT ?"
    );
    let mut rows: Vec<ParkedEventRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(views::PROJECTION)
        .bind(after.unwrap_or(0))
        .bind(size + 1)
        .fetch_all(&state.db)
        .await?;
    let more = rows.len() as u64 > size;
    rows.truncate(size as usize);
    let next = more
        .then(|| {
            rows.last()
                .map(|r| hex::encode(format!("p:{}", r.parked_event_id)))
        })
        .flatten();
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM parked_event WHERE projection = ?")
        .bind(views::PROJECTION)
        .fetch_one(&state.db)
        .await?;
    let links = Links {
        next: next
            .as_ref()
            .map(|t| format!("{}?page_size={size}&page_token={t}", req.path())),
    };
    Ok(HttpResponse::Ok().json(ParkedEventPage {
        parked_events: rows.iter().map(ParkedEventRow::to_contract).collect(),
        next_page_token: next,
        meta: Meta {
            total: total.max(0) as u64,
        },
        links,
    }))
}

/// The id a page token continues after.
fn decode_token(token: &str) -> Result<u64, QueryError> {
    hex::decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("p:")?.parse().ok())
        .ok_or_else(|| {
            Problem::of(Code::InvalidPageToken)
                .detail("the page token is not valid")
                .into()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_token_names_the_last_id_served() {
        assert_eq!(decode_token(&hex::encode("p:42")).ok(), Some(42));
        assert!(decode_token("zz").is_err());
        assert!(decode_token(&hex::encode("u:42")).is_err());
    }
}
