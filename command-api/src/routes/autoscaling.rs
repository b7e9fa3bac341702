//! Autoscaling policy commands (api.md §11, §13): create (`201`, IK; then the pool's
//! `auto_scale` and bounds), merge-patch (`200`, IK, IM), delete (`204`, IM; then the
//! pool's `auto_scale` off) and the `:evaluate` dry run (`200`; records and scales
//! nothing). A policy lives in its cluster's partition under the pool's id
//! (`reconcile::autoscale_input::policy_id`), so a request for one is served or forwarded
//! like one for its cluster. The pool command after a policy command is best effort: a
//! crash or refusal between them is settled by the autoscaler's next pass.

use actix_web::{HttpRequest, HttpResponse, web};
use contract::autoscaling::{EvaluateRequest, EvaluateResponse, PolicyBody};
use domain::autoscale::tick;
use domain::autoscale::{AutoscalingPolicy, Policy, PolicyCommand, Target};
use domain::cluster::{Cluster, ClusterCommand, PoolChanges};
use domain::record::StoredResponse;
use platform::auth::Principal;
use platform::problem::{FieldError, Problem};
use serde_json::{Map, Value};
use uuid::Uuid;
use views::autoscaling::{self as shapes, BodyError};

use super::body;
use super::common::{self, Services, finish, forward_to, parse_id, settled};
use crate::error;
use crate::preconditions;
use crate::reconcile::autoscale_input::{self, policy_id};
use crate::reconcile::autoscaler::{input, pool_bounds};
use crate::telemetry::window::SampleWindow;
use crate::writer::{Accepted, Command, SubmitError};

pub const CREATE_ROUTE: &str = "/api/v1/autoscaling_policies";
pub const ITEM_ROUTE: &str = "/api/v1/autoscaling_policies/{id}";
pub const EVALUATE_ROUTE: &str = "/api/v1/autoscaling_policies/{id:[^/:]+}:evaluate";

/// `POST /api/v1/autoscaling_policies`
pub async fn create(
    req: HttpRequest,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let policy = new_policy(&object)?;
    let (cluster_id, pool_id) = (policy.target.cluster_id, policy.target.node_pool_id);
    let writer = &services.writer;
    let partition = writer.partition_of(&cluster_id);
    if !writer.serves(partition) {
        return forward_to(&req, raw, partition, &services).await;
    }
    let cluster = match settled::<Cluster>(&services, &cluster_id).await {
        Ok(c) if principal.can_see(&c.owner) && c.is_live() => c,
        Ok(_) => return Err(error::problem(&SubmitError::NotFound("cluster"))),
        Err(e) => return finish(&req, raw, &services, Err(e)).await,
    };
    if cluster.pool(pool_id).is_none() {
        return Err(field_problem(vec![(
            "/target/node_pool_id".into(),
            "no such node pool in the cluster".into(),
        )]));
    }
    let idempotency =
        preconditions::idempotency(&req, &principal, CREATE_ROUTE, &Value::Object(object))?;
    let id = policy_id(writer, cluster_id, pool_id);
    let command = PolicyCommand::Create {
        id,
        owner: cluster.owner.clone(),
        policy: policy.clone(),
        at: writer.clock().now(),
    };
    let submission = Command::<AutoscalingPolicy>::new(
        id,
        command,
        writer.id_beside(&id),
        principal,
        "autoscaling_policy.create",
    )
    .idempotency(idempotency)
    .correlated(common::correlation(&req))
    .respond(|state, _, _| representation(state, 201));
    let result = writer.submit(submission).await;
    if result.as_ref().is_ok_and(|a| !a.replayed) {
        let bounds = pool_bounds(writer, &cluster, pool_id, &policy);
        settle_pool(writer.submit(bounds).await);
    }
    finish(&req, raw, &services, result).await
}

/// `PATCH /api/v1/autoscaling_policies/{id}` (JSON merge-patch, RFC 7396).
pub async fn patch(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path, "autoscaling_policy")?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let current = match visible(&services, &principal, id).await {
        Ok(state) => state,
        Err(e) => return finish(&req, raw, &services, Err(e)).await,
    };
    let Some(existing) = current.policy.clone() else {
        return Err(error::problem(&SubmitError::NotFound("autoscaling_policy")));
    };
    let policy = patched(&existing, &object)?;
    let idempotency =
        preconditions::idempotency(&req, &principal, ITEM_ROUTE, &Value::Object(object))?;
    let writer = &services.writer;
    let command = PolicyCommand::Update {
        policy: policy.clone(),
        at: writer.clock().now(),
    };
    let submission = Command::<AutoscalingPolicy>::new(
        id,
        command,
        writer.id_beside(&id),
        principal,
        "autoscaling_policy.update",
    )
    .expecting(preconditions::expected_version(&req))
    .idempotency(idempotency)
    .correlated(common::correlation(&req))
    .respond(|state, _, _| representation(state, 200));
    let result = writer.submit(submission).await;
    let bounds_changed =
        (policy.min_nodes, policy.max_nodes) != (existing.min_nodes, existing.max_nodes);
    if result.is_ok()
        && bounds_changed
        && let Ok(cluster) = settled::<Cluster>(&services, &policy.target.cluster_id).await
    {
        let bounds = pool_bounds(writer, &cluster, policy.target.node_pool_id, &policy);
        settle_pool(writer.submit(bounds).await);
    }
    finish(&req, raw, &services, result).await
}

/// `DELETE /api/v1/autoscaling_policies/{id}`
pub async fn delete(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path, "autoscaling_policy")?;
    let raw = web::Bytes::new();
    let current = match visible(&services, &principal, id).await {
        Ok(state) => state,
        Err(e) => return finish(&req, raw, &services, Err(e)).await,
    };
    let writer = &services.writer;
    let command = PolicyCommand::Delete {
        at: writer.clock().now(),
    };
    let submission = Command::<AutoscalingPolicy>::new(
        id,
        command,
        writer.id_beside(&id),
        principal,
        "autoscaling_policy.delete",
    )
    .expecting(preconditions::expected_version(&req))
    .correlated(common::correlation(&req))
    .respond(|_, _, _| StoredResponse {
        status: 204,
        headers: Vec::new(),
        body: Vec::new(),
    });
    let result = writer.submit(submission).await;
    if let (Ok(_), Some(policy)) = (&result, current.policy.as_ref()) {
        manual_again(&services, &policy.target).await;
    }
    finish(&req, raw, &services, result).await
}

/// `POST /api/v1/autoscaling_policies/{id}:evaluate`: one tick on current or supplied
/// metrics, answered and forgotten.
pub async fn evaluate(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    principal: Principal,
    services: web::Data<Services>,
    window: web::Data<SampleWindow>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id(&path, "autoscaling_policy")?;
    let body::JsonBody { raw, object } = body::json_object(&req, payload).await?;
    let request: EvaluateRequest = serde_json::from_value(Value::Object(object))
        .map_err(|e| field_problem(vec![(String::new(), e.to_string())]))?;
    let state = match visible(&services, &principal, id).await {
        Ok(state) => state,
        Err(e) => return finish(&req, raw, &services, Err(e)).await,
    };
    let Some(policy) = state.policy.as_ref() else {
        return Err(error::problem(&SubmitError::NotFound("autoscaling_policy")));
    };
    let target = policy.target;
    let cluster = settled::<Cluster>(&services, &target.cluster_id)
        .await
        .map_err(|e| error::problem(&e))?;
    let pool = cluster
        .pool(target.node_pool_id)
        .ok_or_else(|| error::problem(&SubmitError::NotFound("node_pool")))?;
    let writer = &services.writer;
    let now = writer.clock().now();
    let gathered = autoscale_input::gather(
        writer,
        &window,
        &state,
        &cluster,
        pool,
        request.metrics.as_ref(),
        now,
    );
    let decision = tick::evaluate(&input(&state, &gathered, now));
    let answer = EvaluateResponse {
        decision: shapes::decision(id, policy, pool.count, &decision, now),
        would_record: decision.record,
        conditions: decision.conditions.iter().map(shapes::condition).collect(),
    };
    Ok(HttpResponse::Ok().json(answer))
}

/// The policy, if it exists and the principal may see it.
async fn visible(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<AutoscalingPolicy, SubmitError> {
    let state = settled::<AutoscalingPolicy>(services, &id).await?;
    if principal.can_see(&state.owner) {
        Ok(state)
    } else {
        Err(SubmitError::NotFound("autoscaling_policy"))
    }
}

/// Turns `auto_scale` off on the pool a deleted policy scaled.
async fn manual_again(services: &Services, target: &Target) {
    let writer = &services.writer;
    let operation_id = writer.id_beside(&target.cluster_id);
    let command = ClusterCommand::UpdatePool {
        pool_id: target.node_pool_id,
        changes: PoolChanges {
            auto_scale: Some(false),
            ..PoolChanges::default()
        },
        operation_id,
        at: writer.clock().now(),
    };
    let submission = Command::<Cluster>::new(
        target.cluster_id,
        command,
        operation_id,
        crate::names::system(),
        "node_pool.update",
    )
    .respond(|_, _, _| StoredResponse {
        status: 204,
        headers: Vec::new(),
        body: Vec::new(),
    });
    settle_pool(writer.submit(submission).await);
}

fn settle_pool(result: Result<Accepted, SubmitError>) {
    if let Err(error) = result {
        tracing::info!(%error, "pool not yet in line with its policy; the autoscaler settles it");
    }
}

fn representation(state: &AutoscalingPolicy, status: u16) -> StoredResponse {
    let body = shapes::representation(state)
        .map(|r| views::row::to_value(&r))
        .unwrap_or(Value::Null);
    let mut headers = vec![("ETag".into(), format!("\"{}\"", state.version))];
    if status == 201 {
        headers.push((
            "Location".into(),
            format!("/api/v1/autoscaling_policies/{}", state.id),
        ));
    }
    StoredResponse {
        status,
        headers,
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

fn field_problem(errors: Vec<BodyError>) -> Problem {
    Problem::validation(
        errors
            .into_iter()
            .map(|(pointer, reason)| {
                FieldError::new(format!("#{pointer}"), "INVALID_FIELD", reason)
            })
            .collect(),
    )
}

fn read_body(value: Value) -> Result<PolicyBody, Problem> {
    serde_json::from_value(value).map_err(|e| field_problem(vec![(String::new(), e.to_string())]))
}

/// A create body: `target`, `min_nodes` and `max_nodes` required, §13.1 defaults for
/// the rest.
fn new_policy(object: &Map<String, Value>) -> Result<Policy, Problem> {
    let body = read_body(Value::Object(object.clone()))?;
    let mut missing: Vec<BodyError> = Vec::new();
    for (field, present) in [
        ("target", body.target.is_some()),
        ("min_nodes", body.min_nodes.is_some()),
        ("max_nodes", body.max_nodes.is_some()),
    ] {
        if !present {
            missing.push((format!("/{field}"), "is required".into()));
        }
    }
    let (Some(target), Some(min), Some(max), true) = (
        body.target,
        body.min_nodes,
        body.max_nodes,
        missing.is_empty(),
    ) else {
        return Err(field_problem(missing));
    };
    let base = Policy::new(
        Target {
            cluster_id: target.cluster_id,
            node_pool_id: target.node_pool_id,
        },
        min,
        max,
    );
    shapes::resolve(&base, &body).map_err(field_problem)
}

/// The current policy with `patch` merged in (RFC 7396: `null` removes a field, which
/// then takes its §13.1 default). The target never changes.
fn patched(current: &Policy, patch: &Map<String, Value>) -> Result<Policy, Problem> {
    if patch.contains_key("target") {
        return Err(field_problem(vec![(
            "/target".into(),
            "the target of a policy cannot change".into(),
        )]));
    }
    let mut merged = views::row::to_value(&shapes::policy_body(current));
    merge_patch(&mut merged, &Value::Object(patch.clone()));
    let body = read_body(merged)?;
    let base = Policy::new(current.target, current.min_nodes, current.max_nodes);
    shapes::resolve(&base, &body).map_err(field_problem)
}

/// RFC 7396 JSON merge-patch.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(object) = target else {
        return;
    };
    for (key, value) in patch {
        if value.is_null() {
            object.remove(key);
        } else {
            merge_patch(object.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

/// Before `DELETE /clusters/{id}`: an enabled policy of the cluster refuses the delete
/// (`409 FAILED_PRECONDITION`) unless `force`; otherwise every live policy of the cluster
/// is deleted first, so none outlives it. Only the partition's owner knows its policies:
/// elsewhere this finds none and the delete is forwarded to the owner, which checks.
pub async fn clear_for_cluster_delete(
    services: &Services,
    cluster_id: Uuid,
    force: bool,
) -> Result<(), Problem> {
    let writer = &services.writer;
    let partition = writer.partition_of(&cluster_id);
    let policies = writer.observe_partition::<AutoscalingPolicy>(partition, &|p| {
        p.is_live()
            && p.policy
                .as_ref()
                .is_some_and(|p| p.target.cluster_id == cluster_id)
    });
    let enabled: Vec<String> = policies
        .iter()
        .filter(|p| p.state.enabled())
        .map(|p| p.state.id.to_string())
        .collect();
    if !enabled.is_empty() && !force {
        return Err(Problem::of(platform::problem::Code::FailedPrecondition)
            .detail("the cluster has an enabled autoscaling policy; delete it first or pass ?force=true")
            .meta("autoscaling_policy_ids", enabled.join(",")));
    }
    for policy in policies {
        let command = PolicyCommand::Delete {
            at: writer.clock().now(),
        };
        let submission = Command::<AutoscalingPolicy>::new(
            policy.state.id,
            command,
            writer.id_beside(&policy.state.id),
            crate::names::system(),
            "autoscaling_policy.delete",
        )
        .expecting(Some(policy.state.version))
        .respond(|_, _, _| StoredResponse {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        });
        writer
            .submit(submission)
            .await
            .map_err(|e| error::problem(&e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut doc, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
    }
}
