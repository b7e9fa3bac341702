//! The route table and the handlers that turn framework errors (bad query strings,
//! unknown routes, wrong methods) into problem documents. Resource handlers live in
//! their own modules; nothing here reads data.

pub mod droplets;
pub mod service;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use platform::problem::Problem;

use crate::forward;

/// Registers `/api/v1`: the relay for mutations first (its guard lets reads fall through),
/// then the read routes, then a 404 problem for everything else under `/api`.
pub fn api(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .service(
                web::resource("/{tail:.*}")
                    .guard(forward::is_mutation())
                    .to(forward::relay),
            )
            .service(
                web::resource("/droplets")
                    .route(web::get().to(droplets::list))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource("/droplets/{id}")
                    .route(web::get().to(droplets::get))
                    .default_service(web::to(method_not_allowed)),
            )
            .default_service(web::to(not_found)),
    )
    .service(web::scope("/api").default_service(web::to(not_found)));
}

/// Query strings that do not deserialize become 400 problems.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _| {
        Problem::invalid_argument(format!("the query string is not valid: {error}")).into()
    })
}

/// JSON bodies that do not deserialize become 400 problems.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|error, _| {
            Problem::invalid_argument(format!("the body is not valid JSON: {error}")).into()
        })
}

/// Path segments that do not deserialize become 404 problems.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| Problem::not_found("resource").into())
}

pub async fn not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    Problem::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "The resource does not exist",
    )
    .detail(format!("no route matches {}", req.path()))
    .error_response()
}

pub async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "The method is not allowed",
    )
    .detail(format!("{} is not supported here", req.method()))
    .meta("method", req.method().as_str())
    .error_response()
}
