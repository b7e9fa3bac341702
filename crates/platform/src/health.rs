//! `/healthz` (the process answers) and `/readyz` (every dependency answers), shared by
//! the binaries. Readiness names each dependency so an operator sees which one is down.

use std::collections::BTreeMap;

use actix_web::HttpResponse;
use serde_json::json;

/// `GET /healthz`: the process is alive.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Builds the `/readyz` answer from named checks: 200 when all pass, else 503.
pub fn readiness(checks: BTreeMap<&'static str, bool>) -> HttpResponse {
    let ready = checks.values().all(|ok| *ok);
    let body = json!({
        "status": if ready { "ready" } else { "unavailable" },
        "checks": checks.iter().map(|(k, ok)| (*k, if *ok { "up" } else { "down" })).collect::<BTreeMap<_, _>>(),
    });
    if ready {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
