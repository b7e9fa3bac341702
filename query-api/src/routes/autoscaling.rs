//! Reads under an autoscaling policy: its scaling history (`/events`) and decision log
//! (`/decisions`), the generic keyset lists scoped to one visible policy (newest first,
//! signed page tokens, `filter`). The policy itself and the list are served by the
//! generic handlers. Never writes.

use actix_web::{HttpRequest, HttpResponse, web};
use platform::auth::Principal;
use views::autoscaling::history::{DecisionRow, ScalingEventRow};
use views::autoscaling::row::AutoscalingPolicyRow;

use super::resources::{Params, respond_list, visible};
use crate::collection::Listed;
use crate::error::QueryError;
use crate::filter::{Bind, Condition};
use crate::state::AppState;

/// `GET /api/v1/autoscaling_policies/{id}/events`
pub async fn events(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    under_policy::<ScalingEventRow>(&req, &principal, &path, params, &state, "events").await
}

/// `GET /api/v1/autoscaling_policies/{id}/decisions`
pub async fn decisions(
    req: HttpRequest,
    principal: Principal,
    path: web::Path<String>,
    params: Params,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    under_policy::<DecisionRow>(&req, &principal, &path, params, &state, "decisions").await
}

/// The rows of `R` of one policy the principal can see (404 otherwise).
async fn under_policy<R: Listed>(
    req: &HttpRequest,
    principal: &Principal,
    policy: &str,
    params: Params,
    state: &AppState,
    route: &str,
) -> Result<HttpResponse, QueryError> {
    let policy = visible::<AutoscalingPolicyRow>(state, principal, policy).await?;
    let scope = vec![Condition::new(
        "policy_id = ?",
        vec![Bind::Id(policy.policy_id)],
    )];
    let link = format!("/api/v1/autoscaling_policies/{}/{route}", policy.policy_id);
    respond_list::<R>(req, principal, &params.into_inner(), state, scope, &link).await
}
