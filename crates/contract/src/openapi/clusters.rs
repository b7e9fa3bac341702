//! OpenAPI operations of clusters, their node pools, nodes and timeline. Bodies are
//! empty: description only.

use crate::cluster::{Cluster, NodePool};
use crate::envelope::{
    ClusterAccepted, ClusterEventPage, ClusterPage, NodePoolAccepted, NodePoolPage,
};
use crate::problem::Problem;
use crate::requests::{ClusterCreate, ClusterPatch, DemandPut, NodePoolCreate, NodePoolPatch};

use super::params::{ListParams, NodeRemovalParams, ReadParams, SinceParams};

#[utoipa::path(get, path = "/api/v1/clusters", tag = "clusters",
    params(ListParams, ("X-Min-Consistency-Token" = Option<String>, Header)),
    responses(
        (status = 200, description = "A page of clusters", body = ClusterPage),
        (status = 400, description = "INVALID_FILTER, INVALID_PAGE_TOKEN, PAGE_TOKEN_EXPIRED, INVALID_ARGUMENT",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_clusters() {}

#[utoipa::path(post, path = "/api/v1/clusters", tag = "clusters",
    params(("Idempotency-Key" = Option<String>, Header)),
    request_body(content = ClusterCreate, content_type = "application/json"),
    responses(
        (status = 202, description = "Provisioning: the cluster and its `cluster.create` operation",
            body = ClusterAccepted,
            headers(("Location" = String), ("Operation-Location" = String), ("Retry-After" = u32),
                ("Consistency-Token" = String))),
        (status = 409, description = "ALREADY_EXISTS, IDEMPOTENCY_KEY_IN_USE", body = Problem,
            content_type = "application/problem+json"),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED (INVALID_NODE_POOLS, UNKNOWN_SIZE, …)", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn create_cluster() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}", tag = "clusters",
    params(("id" = uuid::Uuid, Path), ReadParams, ("If-None-Match" = Option<String>, Header)),
    responses(
        (status = 200, description = "The cluster, pools as summaries", body = Cluster,
            headers(("ETag" = String), ("Retry-After" = u32, description = "While an operation is in flight"))),
        (status = 304, description = "Unchanged since the given version"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_cluster() {}

#[utoipa::path(patch, path = "/api/v1/clusters/{id}", tag = "clusters",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = ClusterPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The renamed or retagged cluster", body = Cluster, headers(("ETag" = String))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "ALREADY_EXISTS, INVALID_STATE_TRANSITION", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED (IMMUTABLE_FIELD for `region`)", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn patch_cluster() {}

#[utoipa::path(put, path = "/api/v1/clusters/{id}/demand", tag = "clusters",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header, description = "The cluster's version"),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = DemandPut, content_type = "application/json",
        description = "The load the telemetry simulator offers the cluster from its next tick on             (demo and tests); replaces the configured default. Allowed while an operation runs."),
    responses(
        (status = 200, description = "The cluster with its new `demand`", body = Cluster, headers(("ETag" = String))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "INVALID_STATE_TRANSITION (a deleting or deleted cluster)", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED (REQUIRED, INVALID_DEMAND_LEVEL, UNKNOWN_PROFILE, UNKNOWN_FIELD)",
            body = Problem, content_type = "application/problem+json"),
    ))]
pub fn set_cluster_demand() {}

#[utoipa::path(delete, path = "/api/v1/clusters/{id}", tag = "clusters",
    params(("id" = uuid::Uuid, Path),
        ("If-Match" = String, Header, description = "Required: the version being deleted"),
        ("Idempotency-Key" = Option<String>, Header),
        ("force" = Option<bool>, Query, description = "Delete its enabled autoscaling policies too")),
    responses(
        (status = 202, description = "Deleting the cluster, its pools and nodes (its autoscaling policies first)",
            body = ClusterAccepted,
            headers(("Location" = String), ("Operation-Location" = String), ("Retry-After" = u32))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "RESOURCE_LOCKED, INVALID_STATE_TRANSITION, FAILED_PRECONDITION: an enabled autoscaling policy without ?force=true", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "PRECONDITION_REQUIRED: no If-Match", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn delete_cluster() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}/node_pools", tag = "clusters",
    params(("id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "Every pool with its nodes and node counts", body = NodePoolPage),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn list_node_pools() {}

#[utoipa::path(post, path = "/api/v1/clusters/{id}/node_pools", tag = "clusters",
    params(("id" = uuid::Uuid, Path), ("If-Match" = Option<String>, Header),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = NodePoolCreate, content_type = "application/json"),
    responses(
        (status = 202, description = "The new pool and its operation", body = NodePoolAccepted,
            headers(("Location" = String), ("Operation-Location" = String), ("Retry-After" = u32))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "ALREADY_EXISTS (pool name), RESOURCE_LOCKED, INVALID_STATE_TRANSITION",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn add_node_pool() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}/node_pools/{pool_id}", tag = "clusters",
    params(("id" = uuid::Uuid, Path), ("pool_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "The pool with its nodes", body = NodePool,
            headers(("ETag" = String, description = "The cluster's version"))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn get_node_pool() {}

#[utoipa::path(patch, path = "/api/v1/clusters/{id}/node_pools/{pool_id}", tag = "clusters",
    params(("id" = uuid::Uuid, Path), ("pool_id" = uuid::Uuid, Path),
        ("If-Match" = Option<String>, Header, description = "The cluster's version"),
        ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = NodePoolPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 202, description = "The pool and its operation (`node_pool.scale` for a count change)",
            body = NodePoolAccepted,
            headers(("Location" = String), ("Operation-Location" = String), ("Retry-After" = u32))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "RESOURCE_LOCKED, AUTOSCALE_OWNS_COUNT, INVALID_STATE_TRANSITION",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "UNSUPPORTED_MEDIA_TYPE", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "VALIDATION_FAILED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn patch_node_pool() {}

#[utoipa::path(delete, path = "/api/v1/clusters/{id}/node_pools/{pool_id}", tag = "clusters",
    params(("id" = uuid::Uuid, Path), ("pool_id" = uuid::Uuid, Path),
        ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 202, description = "Deleting the pool and its nodes", body = NodePoolAccepted,
            headers(("Location" = String), ("Operation-Location" = String), ("Retry-After" = u32))),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "RESOURCE_LOCKED, FAILED_PRECONDITION (the last pool)", body = Problem,
            content_type = "application/problem+json"),
        (status = 412, description = "PRECONDITION_FAILED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn delete_node_pool() {}

#[utoipa::path(delete, path = "/api/v1/clusters/{id}/node_pools/{pool_id}/nodes/{node_id}", tag = "clusters",
    params(("id" = uuid::Uuid, Path), ("pool_id" = uuid::Uuid, Path), ("node_id" = uuid::Uuid, Path),
        NodeRemovalParams, ("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 202, description = "Removing (or replacing) the node", body = NodePoolAccepted,
            headers(("Location" = String), ("Operation-Location" = String), ("Retry-After" = u32))),
        (status = 404, description = "NOT_FOUND (cluster, pool or node)", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "RESOURCE_LOCKED", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn remove_node() {}

#[utoipa::path(get, path = "/api/v1/clusters/{id}/events", tag = "clusters",
    params(("id" = uuid::Uuid, Path), SinceParams),
    responses(
        (status = 200, description = "The cluster's timeline, oldest first", body = ClusterEventPage),
        (status = 400, description = "INVALID_ARGUMENT (since), INVALID_PAGE_TOKEN", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub fn cluster_events() {}
