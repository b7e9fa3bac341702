//! The OpenAPI document of `/api/v1`, built from the contract types and one described
//! operation per route (`catalog`, `droplets`, `clusters`, `operations`, `observability`,
//! `rate_limits`). query-api
//! serves it; a test holds its paths equal to the routes the services register. The
//! answers every route can give (401, 429, 500, 503) and the bearer scheme are added
//! once, by `Everywhere`, rather than repeated on each operation.

pub mod autoscaling;
pub mod billing;
pub mod catalog;
pub mod clusters;
pub mod deployments;
pub mod diagnoses;
pub mod droplets;
pub mod events;
pub mod jobs;
pub mod observability;
pub mod operations;
pub mod params;
pub mod providers;
pub mod rate_limits;
pub mod telemetry;

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Spec, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::problem::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ClusterGenie API",
        version = "1",
        description = "An event-sourced cloud control plane: droplets, clusters with node pools, \
            and the long-running operations that change them. Conventions (paging, filters, \
            problems, idempotency, consistency tokens): design/api.md.",
        license(name = "Apache-2.0"),
    ),
    paths(
        catalog::list_regions, catalog::list_sizes, catalog::list_images,
        droplets::list_droplets, droplets::create_droplet, droplets::get_droplet,
        droplets::patch_droplet, droplets::delete_droplet, droplets::droplet_action,
        droplets::droplet_operations,
        clusters::list_clusters, clusters::create_cluster, clusters::get_cluster,
        clusters::patch_cluster, clusters::delete_cluster, clusters::list_node_pools,
        clusters::add_node_pool, clusters::get_node_pool, clusters::patch_node_pool,
        clusters::delete_node_pool, clusters::remove_node, clusters::cluster_events,
        clusters::set_cluster_demand,
        operations::list_operations, operations::get_operation, operations::wait_operation,
        operations::cancel_operation,
        observability::observability_partitions, observability::observability_projection,
        observability::observability_workers, observability::observability_parked_events,
        observability::observability_logs, observability::observability_grafana,
        rate_limits::get_rate_limit, rate_limits::list_rate_limit_policies,
        rate_limits::get_default_rate_limit_policy, rate_limits::put_default_rate_limit_policy,
        rate_limits::get_user_rate_limit_policy, rate_limits::put_user_rate_limit_policy,
        rate_limits::delete_user_rate_limit_policy,
        jobs::list_jobs, jobs::create_job, jobs::get_job, jobs::delete_job, jobs::cancel_job,
        jobs::retry_job, jobs::job_attempts, jobs::job_logs, jobs::job_log_stream,
        jobs::list_queues, jobs::pause_queue, jobs::resume_queue,
        events::list_events, events::stream_events,
        telemetry::push_metrics, telemetry::list_metrics, telemetry::cluster_health,
        diagnoses::run_diagnosis, diagnoses::list_diagnoses, diagnoses::get_diagnosis,
        autoscaling::list_autoscaling_policies, autoscaling::create_autoscaling_policy,
        autoscaling::get_autoscaling_policy, autoscaling::patch_autoscaling_policy,
        autoscaling::delete_autoscaling_policy, autoscaling::evaluate_autoscaling_policy,
        autoscaling::autoscaling_policy_events, autoscaling::autoscaling_policy_decisions,
        providers::list_providers, providers::create_provider, providers::get_provider,
        providers::patch_provider, providers::delete_provider, providers::simulate_placement,
        billing::billing_usage, billing::billing_balance, billing::list_invoices,
        billing::get_invoice, billing::cluster_cost, billing::create_estimate,
        deployments::start_deployment, deployments::rollback_deployment,
        deployments::pause_deployment, deployments::resume_deployment,
        deployments::promote_deployment, deployments::abort_deployment,
        deployments::cancel_deployment, deployments::list_cluster_deployments,
        deployments::get_cluster_deployment, deployments::get_deployment,
        deployments::list_cluster_revisions,
    ),
    components(schemas(Problem)),
    modifiers(&Everywhere),
    tags(
        (name = "catalog", description = "Regions, sizes and images"),
        (name = "droplets", description = "Virtual machines"),
        (name = "clusters", description = "Clusters, node pools and nodes"),
        (name = "operations", description = "Long-running operations (api.md §9)"),
        (name = "observability", description = "Runtime state: write ownership, projection lag, worker pools"),
        (name = "rate_limits", description = "Rate limits and their policies (api.md §8)"),
        (name = "jobs", description = "Background jobs and their queues (api.md §12.3)"),
        (name = "events", description = "The audit feed and its live streams (api.md §11)"),
        (name = "telemetry", description = "Node samples and derived health (features.md §2.6)"),
        (name = "deployments", description = "Rollouts with canary, blue-green and rolling strategies, analysis and rollback (api.md §12.4)"),
        (name = "diagnoses", description = "Rule-based diagnosis with evidence and recommendations (api.md §15)"),
        (name = "billing", description = "Usage, balance, invoices, cluster cost and estimates (api.md §14)"),
        (name = "autoscaling", description = "Node-pool autoscaling policies, their scaling history and decision log (api.md §13)"),
        (name = "providers", description = "Providers, placement and capacity (features.md §2.8)"),
    )
)]
struct ApiDoc;

/// An OpenAPI document, for those who serve it without naming utoipa.
pub type Document = Spec;

/// The whole document.
pub fn document() -> Spec {
    ApiDoc::openapi()
}

/// Adds the bearer scheme and the answers any `/api/v1` operation can give.
struct Everywhere;

impl Modify for Everywhere {
    fn modify(&self, spec: &mut Spec) {
        let components = spec.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        for item in spec.paths.paths.values_mut() {
            let operations = [
                (&mut item.get, false),
                (&mut item.post, true),
                (&mut item.patch, true),
                (&mut item.put, true),
                (&mut item.delete, true),
            ];
            for (operation, mutates) in operations {
                if let Some(operation) = operation.as_mut() {
                    shared_answers(operation, mutates);
                }
            }
        }
    }
}

fn shared_answers(operation: &mut Operation, mutates: bool) {
    operation.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    let mut answers = vec![
        ("401", "UNAUTHENTICATED: no or an unknown bearer token"),
        (
            "429",
            "RATE_LIMITED, with `Retry-After` and `violated-policies`",
        ),
        ("500", "INTERNAL: details are logged, not returned"),
        (
            "503",
            "UNAVAILABLE: a dependency is down; with `Retry-After`",
        ),
    ];
    if mutates {
        answers.push(("403", "PERMISSION_DENIED: the role may not mutate"));
    }
    for (status, description) in answers {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| problem_answer(description));
    }
}

fn problem_answer(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}
