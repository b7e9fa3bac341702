//! The route table of query-api (`table()`): it registers the reads and tells the
//! OpenAPI test which routes exist. Mutations under `/api/v1` are relayed to command-api
//! first (the relay's guard lets reads fall through), except the few POSTs answered here
//! (`post`: pure computations such as estimates), registered before the relay; everything
//! else under `/api` that matches nothing is a 404 problem. Nothing here reads data itself.

pub mod autoscaling;
pub mod billing;
pub mod catalog;
pub mod clusters;
pub mod deployments;
pub mod diagnoses;
pub mod events;
pub mod jobs;
pub mod monitoring;
pub mod observability;
pub mod operations;
pub mod parked_events;
pub mod queues;
pub mod rate_limits;
pub mod resources;
pub mod service;
pub mod telemetry;

use actix_web::http::Method;
use actix_web::{Route, web};
use platform::ratelimit::status;
use views::autoscaling::row::AutoscalingPolicyRow;
use views::cluster::ClusterRow;
use views::droplet::DropletRow;
use views::job::JobRow;
use views::operation::OperationRow;
use views::provider::ProviderRow;

use crate::forward;

/// One route: method, path pattern (actix syntax) and handler.
pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    pub route: Route,
}

fn get(path: &'static str, route: Route) -> ApiRoute {
    ApiRoute {
        method: Method::GET,
        path,
        route,
    }
}

/// A POST query-api answers itself (a pure computation that records nothing), instead
/// of relaying it to command-api.
fn post(path: &'static str, route: Route) -> ApiRoute {
    ApiRoute {
        method: Method::POST,
        path,
        route,
    }
}

/// Every public read route of query-api.
pub fn table() -> Vec<ApiRoute> {
    use resources::{get as one, list};
    vec![
        get("/api/v1/regions", web::get().to(catalog::regions)),
        get("/api/v1/sizes", web::get().to(catalog::sizes)),
        get("/api/v1/images", web::get().to(catalog::images)),
        get("/api/v1/droplets", web::get().to(list::<DropletRow>)),
        get("/api/v1/droplets/{id}", web::get().to(one::<DropletRow>)),
        get(
            "/api/v1/droplets/{id}/operations",
            web::get().to(operations::of_droplet),
        ),
        get("/api/v1/clusters", web::get().to(list::<ClusterRow>)),
        get("/api/v1/clusters/{id}", web::get().to(one::<ClusterRow>)),
        get(
            "/api/v1/clusters/{id}/node_pools",
            web::get().to(clusters::pools),
        ),
        get(
            "/api/v1/clusters/{id}/node_pools/{pool_id}",
            web::get().to(clusters::pool),
        ),
        get(
            "/api/v1/clusters/{id}/events",
            web::get().to(clusters::events),
        ),
        get(
            "/api/v1/clusters/{id}/metrics",
            web::get().to(telemetry::metrics),
        ),
        get(
            "/api/v1/clusters/{id}/health",
            web::get().to(telemetry::health),
        ),
        get(
            "/api/v1/clusters/{id}/diagnoses",
            web::get().to(diagnoses::list),
        ),
        get(
            "/api/v1/clusters/{id}/diagnoses/{diag_id}",
            web::get().to(diagnoses::get),
        ),
        get("/api/v1/operations", web::get().to(list::<OperationRow>)),
        get(
            "/api/v1/operations/{id:[^/:]+}:wait",
            web::get().to(operations::wait),
        ),
        get(
            "/api/v1/operations/{id:[^/:]+}",
            web::get().to(one::<OperationRow>),
        ),
        get(
            "/api/v1/observability/partitions",
            web::get().to(observability::partitions),
        ),
        get(
            "/api/v1/observability/projection",
            web::get().to(observability::projection),
        ),
        get(
            "/api/v1/observability/workers",
            web::get().to(observability::workers),
        ),
        get(
            "/api/v1/observability/parked_events",
            web::get().to(parked_events::list),
        ),
        get(
            "/api/v1/observability/logs",
            web::get().to(monitoring::logs),
        ),
        get(
            "/api/v1/observability/grafana",
            web::get().to(monitoring::grafana),
        ),
        get("/api/v1/rate_limit", web::get().to(status::status)),
        get(
            "/api/v1/rate_limit_policies",
            web::get().to(rate_limits::list),
        ),
        get(
            "/api/v1/rate_limit_policies/default",
            web::get().to(rate_limits::get_default),
        ),
        get(
            "/api/v1/users/{id}/rate_limit_policy",
            web::get().to(rate_limits::get_user),
        ),
        get("/api/v1/jobs", web::get().to(list::<JobRow>)),
        get("/api/v1/jobs/{id:[^/:]+}", web::get().to(one::<JobRow>)),
        get("/api/v1/jobs/{id}/attempts", web::get().to(jobs::attempts)),
        get("/api/v1/jobs/{id}/logs", web::get().to(jobs::logs)),
        get("/api/v1/jobs/{id}/logs:stream", web::get().to(jobs::stream)),
        get("/api/v1/queues", web::get().to(queues::list)),
        get("/api/v1/providers", web::get().to(list::<ProviderRow>)),
        get("/api/v1/providers/{id}", web::get().to(one::<ProviderRow>)),
        get(
            "/api/v1/autoscaling_policies",
            web::get().to(list::<AutoscalingPolicyRow>),
        ),
        get(
            "/api/v1/autoscaling_policies/{id:[^/:]+}",
            web::get().to(one::<AutoscalingPolicyRow>),
        ),
        get(
            "/api/v1/autoscaling_policies/{id}/events",
            web::get().to(autoscaling::events),
        ),
        get(
            "/api/v1/autoscaling_policies/{id}/decisions",
            web::get().to(autoscaling::decisions),
        ),
        get("/api/v1/billing/usage", web::get().to(billing::usage)),
        get("/api/v1/billing/balance", web::get().to(billing::balance)),
        get("/api/v1/billing/invoices", web::get().to(billing::invoices)),
        get(
            "/api/v1/billing/invoices/{id}",
            web::get().to(billing::invoice),
        ),
        get(
            "/api/v1/clusters/{id}/cost",
            web::get().to(billing::cluster_cost),
        ),
        post(
            "/api/v1/billing/estimates",
            web::post().to(billing::create_estimate),
        ),
        get(deployments::LIST_ROUTE, web::get().to(deployments::list)),
        get(
            deployments::CLUSTER_ITEM_ROUTE,
            web::get().to(deployments::get_under_cluster),
        ),
        get(deployments::ITEM_ROUTE, web::get().to(deployments::get)),
        get(
            deployments::REVISIONS_ROUTE,
            web::get().to(deployments::revisions),
        ),
        get("/api/v1/events", web::get().to(events::list)),
        get("/api/v1/events:stream", web::get().to(events::stream)),
    ]
}

/// Registers `/api/v1`: the relay for mutations first, then the read routes (a known
/// path with another method is a 405), then a 404 problem for everything else.
pub fn api(cfg: &mut web::ServiceConfig) {
    let (answered_here, reads): (Vec<_>, Vec<_>) =
        table().into_iter().partition(|r| r.method != Method::GET);
    let mut scope = web::scope("/api/v1");
    // The POSTs query-api answers itself come before the relay, which takes every other.
    for route in answered_here {
        let path = route.path.strip_prefix("/api/v1").unwrap_or(route.path);
        scope = scope.service(
            web::resource(path)
                .route(route.route)
                .default_service(web::to(platform::service::method_not_allowed)),
        );
    }
    scope = scope.service(
        web::resource("/{tail:.*}")
            .guard(forward::is_mutation())
            .to(forward::relay),
    );
    for route in reads {
        let path = route.path.strip_prefix("/api/v1").unwrap_or(route.path);
        scope = scope.service(
            web::resource(path)
                .route(route.route)
                .default_service(web::to(platform::service::method_not_allowed)),
        );
    }
    cfg.service(scope.default_service(web::to(platform::service::not_found)))
        .service(web::scope("/api").default_service(web::to(platform::service::not_found)));
}
