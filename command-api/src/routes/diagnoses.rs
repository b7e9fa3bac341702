//! `POST /api/v1/clusters/{id}/diagnoses` (api.md §15): runs the rule engine over the
//! cluster's write model and the sample window right here, on the owner of the cluster's
//! partition (a request landing elsewhere is forwarded there), and records the result as
//! a `Diagnosis` in that partition: `202` with the diagnosis and operation
//! `cluster.diagnose`, already succeeded. Rate policy `diagnoses` (keyed by the cluster)
//! is enforced by the limiter middleware on this route's template. With the LLM path on
//! (`diagnosis/llm.rs`) the model's insights are recorded instead, source `llm`, and the
//! rule engine's whenever the model fails or is late.

use actix_web::{HttpRequest, HttpResponse, web};
use domain::cluster::Cluster;
use domain::diagnosis::Trigger;
use platform::auth::Principal;
use platform::problem::Problem;
use serde_json::{Map, Value};

use super::common::{self, Services, forward_to, parse_id, settled};
use crate::diagnosis::llm::Llm;
use crate::diagnosis::{self, Run};
use crate::preconditions;
use crate::telemetry::window::SampleWindow;
use crate::writer::SubmitError;

pub const ROUTE: &str = "/api/v1/clusters/{id}/diagnoses";

/// `POST /api/v1/clusters/{id}/diagnoses` (no body; `Idempotency-Key` honoured).
pub async fn run(
    req: HttpRequest,
    path: web::Path<String>,
    principal: Principal,
    services: web::Data<Services>,
    window: web::Data<SampleWindow>,
    llm: web::Data<Option<Llm>>,
) -> Result<HttpResponse, Problem> {
    principal.require_mutation()?;
    let id = parse_id(&path, "cluster")?;
    let idempotency =
        preconditions::idempotency(&req, &principal, ROUTE, &Value::Object(Map::new()))?;
    let cluster = match settled::<Cluster>(&services, &id).await {
        Ok(cluster) => cluster,
        Err(SubmitError::NotOwned { partition }) => {
            return forward_to(&req, web::Bytes::new(), partition, &services).await;
        }
        Err(error) if error.is_not_found() => return Err(Problem::not_found("cluster")),
        Err(error) => return Err(crate::error::problem(&error)),
    };
    if !principal.can_see(&cluster.owner) || !cluster.is_live() {
        return Err(Problem::not_found("cluster"));
    }
    let writer = &services.writer;
    let now = writer.clock().now();
    let operation_id = writer.id_beside(&id);
    let (source, insights) =
        diagnosis::insights_with(llm.as_ref().as_ref(), writer, &window, &cluster, now).await;
    let run = Run {
        id: writer.id_beside(&id),
        trigger: Trigger::Request { operation_id },
        command_id: operation_id,
        source,
        insights,
        at: now,
    };
    let correlation = common::correlation(&req);
    let submission = diagnosis::submission(&cluster, principal, run, idempotency, correlation);
    common::run(&req, web::Bytes::new(), &services, submission).await
}
