//! Forwarding a command to the instance that serves its partition (architecture.md §4,
//! step 3), found in the ownership directory. One hop only: a forwarded request that
//! lands on a non-owner is answered 503, so a stale directory can never loop.

use actix_web::{HttpRequest, HttpResponse, web};
use opentelemetry::metrics::Counter;
use platform::problem::Problem;
use platform::relay::Relay;

use crate::ownership::Directory;
use crate::writer::Writer;

/// Marks a request that was already forwarded once; its value is the forwarder's id.
pub const FORWARDED_BY: &str = "cg-forwarded-by";

pub struct Forwarding {
    pub directory: Directory,
    pub relay: Relay,
    pub forwarded: Counter<u64>,
}

/// Sends the request on to the owner of `partition` and returns its answer unchanged.
pub async fn to_owner(
    req: &HttpRequest,
    body: web::Bytes,
    partition: i32,
    writer: &Writer,
    forwarding: &Forwarding,
) -> Result<HttpResponse, Problem> {
    let moved = || {
        Problem::unavailable(format!("partition {partition} is changing owner; retry"), 1)
            .meta("partition", partition)
    };
    if req.headers().contains_key(FORWARDED_BY) {
        return Err(moved());
    }
    let owner = match forwarding.directory.lookup(partition).await {
        Ok(Some(owner)) if owner.writer_id != writer.writer_id() => owner,
        Ok(_) => return Err(moved()),
        Err(error) => {
            tracing::warn!(
                error = format!("{error:#}"),
                "ownership directory unavailable"
            );
            return Err(moved());
        }
    };
    forwarding.forwarded.add(1, &[]);
    let extra = [(FORWARDED_BY, writer.writer_id())];
    forwarding.relay.send(&owner.url, req, body, &extra).await.map_err(|error| {
        tracing::warn!(%error, owner = owner.writer_id, "forwarding to the partition owner failed");
        moved()
    })
}
