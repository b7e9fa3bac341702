//! HTTP routes of command-api, in one table (`table()`): it registers them and tells the
//! OpenAPI test which routes exist. Each handler reads top to bottom: authorise → parse
//! → build the command → submit (or forward to the partition's owner) → respond. No
//! handler touches Kafka or state directly.

pub mod autoscaling;
pub mod body;
pub mod clusters;
pub mod common;
pub mod demand;
pub mod deployments;
pub mod diagnoses;
pub mod droplets;
pub mod forward;
pub mod input;
pub mod jobs;
pub mod metadata;
pub mod metrics;
pub mod node_pools;
pub mod operations;
pub mod providers;
pub mod queues;
pub mod rate_limits;
pub mod respond;

use actix_web::http::Method;
use actix_web::{Route, web};

/// One route: method, path pattern (actix syntax) and handler.
pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    pub route: Route,
}

fn route(method: Method, path: &'static str, route: Route) -> ApiRoute {
    ApiRoute {
        method,
        path,
        route,
    }
}

/// Every public route of command-api.
pub fn table() -> Vec<ApiRoute> {
    use Method as M;
    vec![
        route(
            M::POST,
            "/api/v1/droplets",
            web::post().to(droplets::create),
        ),
        route(
            M::PATCH,
            "/api/v1/droplets/{id}",
            web::patch().to(droplets::patch),
        ),
        route(
            M::DELETE,
            "/api/v1/droplets/{id}",
            web::delete().to(droplets::delete),
        ),
        route(
            M::POST,
            "/api/v1/droplets/{id}/actions",
            web::post().to(droplets::action),
        ),
        route(
            M::POST,
            "/api/v1/clusters",
            web::post().to(clusters::create),
        ),
        route(
            M::PATCH,
            "/api/v1/clusters/{id}",
            web::patch().to(clusters::patch),
        ),
        route(
            M::DELETE,
            "/api/v1/clusters/{id}",
            web::delete().to(clusters::delete),
        ),
        route(
            M::POST,
            "/api/v1/clusters/{id}/node_pools",
            web::post().to(node_pools::add),
        ),
        route(
            M::PATCH,
            "/api/v1/clusters/{id}/node_pools/{pool_id}",
            web::patch().to(node_pools::patch),
        ),
        route(
            M::DELETE,
            "/api/v1/clusters/{id}/node_pools/{pool_id}",
            web::delete().to(node_pools::delete),
        ),
        route(
            M::DELETE,
            "/api/v1/clusters/{id}/node_pools/{pool_id}/nodes/{node_id}",
            web::delete().to(node_pools::remove_node),
        ),
        route(M::PUT, demand::ROUTE, web::put().to(demand::put)),
        route(M::POST, metrics::PUSH_ROUTE, web::post().to(metrics::push)),
        route(M::POST, diagnoses::ROUTE, web::post().to(diagnoses::run)),
        route(
            M::POST,
            "/api/v1/operations/{id:[^/:]+}:cancel",
            web::post().to(operations::cancel),
        ),
        route(
            M::PUT,
            "/api/v1/rate_limit_policies/default",
            web::put().to(rate_limits::put_default),
        ),
        route(
            M::PUT,
            "/api/v1/users/{id}/rate_limit_policy",
            web::put().to(rate_limits::put_user),
        ),
        route(
            M::DELETE,
            "/api/v1/users/{id}/rate_limit_policy",
            web::delete().to(rate_limits::delete_user),
        ),
        route(M::POST, "/api/v1/jobs", web::post().to(jobs::create)),
        route(
            M::POST,
            "/api/v1/jobs/{id:[^/:]+}:cancel",
            web::post().to(jobs::cancel),
        ),
        route(
            M::POST,
            "/api/v1/jobs/{id:[^/:]+}:retry",
            web::post().to(jobs::retry),
        ),
        route(
            M::DELETE,
            "/api/v1/jobs/{id}",
            web::delete().to(jobs::delete),
        ),
        route(
            M::POST,
            autoscaling::CREATE_ROUTE,
            web::post().to(autoscaling::create),
        ),
        route(
            M::POST,
            autoscaling::EVALUATE_ROUTE,
            web::post().to(autoscaling::evaluate),
        ),
        route(
            M::PATCH,
            autoscaling::ITEM_ROUTE,
            web::patch().to(autoscaling::patch),
        ),
        route(
            M::DELETE,
            autoscaling::ITEM_ROUTE,
            web::delete().to(autoscaling::delete),
        ),
        route(
            M::POST,
            providers::COLLECTION_ROUTE,
            web::post().to(providers::create),
        ),
        route(
            M::PATCH,
            providers::ITEM_ROUTE,
            web::patch().to(providers::patch),
        ),
        route(
            M::DELETE,
            providers::ITEM_ROUTE,
            web::delete().to(providers::delete),
        ),
        route(
            M::POST,
            providers::SIMULATE_ROUTE,
            web::post().to(providers::simulate),
        ),
        route(
            M::POST,
            deployments::START_ROUTE,
            web::post().to(deployments::start),
        ),
        route(
            M::POST,
            deployments::ROLLBACK_ROUTE,
            web::post().to(deployments::rollback),
        ),
        route(
            M::POST,
            deployments::PAUSE_ROUTE,
            web::post().to(deployments::pause),
        ),
        route(
            M::POST,
            deployments::RESUME_ROUTE,
            web::post().to(deployments::resume),
        ),
        route(
            M::POST,
            deployments::PROMOTE_ROUTE,
            web::post().to(deployments::promote),
        ),
        route(
            M::POST,
            deployments::ABORT_ROUTE,
            web::post().to(deployments::abort),
        ),
        route(
            M::POST,
            deployments::CANCEL_ROUTE,
            web::post().to(deployments::cancel),
        ),
        route(
            M::POST,
            "/api/v1/queues/{name:[^/:]+}:pause",
            web::post().to(queues::pause),
        ),
        route(
            M::POST,
            "/api/v1/queues/{name:[^/:]+}:resume",
            web::post().to(queues::resume),
        ),
    ]
}

/// Registers the public routes, grouped by path so that an unknown method on a known
/// path is a 405, and the internal API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut by_path: Vec<(&'static str, Vec<Route>)> = Vec::new();
    for api in table() {
        match by_path.iter_mut().find(|(path, _)| *path == api.path) {
            Some((_, routes)) => routes.push(api.route),
            None => by_path.push((api.path, vec![api.route])),
        }
    }
    for (path, routes) in by_path {
        let mut resource =
            web::resource(path).default_service(web::to(platform::service::method_not_allowed));
        for route in routes {
            resource = resource.route(route);
        }
        cfg.service(resource);
    }
    cfg.route(
        "/internal/v1/name_steps",
        web::post().to(crate::internal::name_step),
    )
    .route(
        "/internal/v1/pool_steps",
        web::post().to(crate::internal::pool_step),
    )
    .route(
        "/internal/v1/provider_steps",
        web::post().to(crate::internal::provider_step),
    )
    .route(
        "/internal/v1/holders/{kind}/{id}",
        web::get().to(crate::internal::holder),
    );
}
