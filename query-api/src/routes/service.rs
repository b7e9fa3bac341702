//! What query-api serves outside `/api/v1`: the SPA and the API documentation (health,
//! readiness and metrics come from the shared app builder). They carry no authentication
//! and never touch the read models' contents.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use utoipa_swagger_ui::SwaggerUi;

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

/// Swagger UI at `/swagger-ui/` over the OpenAPI document at `/api-docs/openapi.json`.
pub fn docs(spec: contract::openapi::Document) -> SwaggerUi {
    SwaggerUi::new("/swagger-ui/{_:.*}").url("/api-docs/openapi.json", spec)
}
