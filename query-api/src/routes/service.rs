//! Service routes outside `/api/v1`: `/healthz`, `/readyz` (MariaDB and Redis) and the
//! SPA. They carry no authentication and never touch the read models' contents.

use std::collections::BTreeMap;
use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::{HttpResponse, web};
use platform::health::Check;

use crate::state::AppState;

/// `GET /readyz`: 200 when MariaDB and Redis answer, else 503 naming the one that does not.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let (db, redis) = tokio::join!(
        platform::db::ping(&state.db),
        platform::redis::ping(&state.redis)
    );
    platform::health::readiness(BTreeMap::from([
        ("mariadb", Check::from_bool(db, "MariaDB does not answer")),
        ("redis", Check::from_bool(redis, "Redis does not answer")),
    ]))
}

/// The SPA at `/`, with `index.html` for client-side routes; `None` if not built.
pub fn spa(web_dir: &str) -> Option<Files> {
    let root = PathBuf::from(web_dir);
    let index = root.join("index.html");
    if !index.is_file() {
        return None;
    }
    let fallback = fn_service(move |req: ServiceRequest| {
        let index = index.clone();
        async move {
            let (req, _) = req.into_parts();
            let response = NamedFile::open_async(&index).await?.into_response(&req);
            Ok(ServiceResponse::new(req, response))
        }
    });
    Some(
        Files::new("/", root)
            .index_file("index.html")
            .default_handler(fallback),
    )
}
