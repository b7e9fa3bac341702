//! What the droplet tests share: the `202` envelope check of api.md §9, typed requests
//! (PATCH and create as any principal), reading the write model, driving the
//! provisioner with the manual clock, and decoding the log. Never sleeps to synchronise.

use std::time::Duration;

use command_api::writer::Peek;
use contract::envelope::DropletAccepted;
use domain::droplet::{Droplet, DropletEvent, DropletStatus};
use domain::record::{Batch, Record};
use platform::consistency::ConsistencyToken;
use platform::testing::{conforms, eventually, eventually_some};
use reqwest::header::HeaderMap;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{Log, PARTITIONS, TestApp};

/// How long a condition driven by the reconciler may take to hold.
pub const WAIT: Duration = Duration::from_secs(15);

/// A header's value as text.
pub fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Asserts a `202` of api.md §9 for a droplet operation of `op_type`: the body is exactly
/// a `DropletAccepted`, and `Location`, `Operation-Location`, `ETag`, `Consistency-Token`
/// (and `Retry-After`) agree with it. Returns the body.
pub async fn assert_accepted(app: &TestApp, response: reqwest::Response, op_type: &str) -> Value {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    assert_eq!(status, 202, "{op_type} was not accepted: {text}");
    let body: Value = serde_json::from_str(&text).expect("a JSON body");
    let accepted: DropletAccepted = conforms(&body);
    let droplet = &accepted.droplet;
    let operation = accepted.operation.as_ref().expect("an operation");
    assert_eq!(operation.operation_type, op_type, "{body:#}");
    assert_eq!(
        (operation.target.kind.as_str(), operation.target.id),
        ("droplet", droplet.id)
    );
    assert_eq!(droplet.kind, "droplet");
    assert_eq!(
        header(&headers, "location").as_deref(),
        Some(format!("/api/v1/droplets/{}", droplet.id).as_str())
    );
    assert_eq!(
        header(&headers, "operation-location").as_deref(),
        Some(format!("/api/v1/operations/{}", operation.id).as_str())
    );
    assert_eq!(
        header(&headers, "etag").as_deref(),
        Some(format!("\"{}\"", droplet.version).as_str()),
        "ETag is the version of the snapshot"
    );
    let token = header(&headers, "consistency-token").expect("a Consistency-Token");
    let token = ConsistencyToken::parse(&token, PARTITIONS).expect("a well-formed token");
    assert_eq!(
        token.partitions(),
        vec![app.writer.partition_of(&droplet.id)],
        "one command, one position, in the droplet's partition"
    );
    assert_eq!(header(&headers, "retry-after").as_deref(), Some("2"));
    body
}

/// The operation of a `202` body.
pub fn operation_id(body: &Value) -> String {
    body["operation"]["id"]
        .as_str()
        .expect("operation id")
        .to_owned()
}

/// A droplet id as the log and the write model spell it.
pub fn uuid(id: &str) -> Uuid {
    id.parse().expect("a UUID")
}

pub fn droplet_id(body: &Value) -> String {
    body["droplet"]["id"]
        .as_str()
        .expect("droplet id")
        .to_owned()
}

/// `PATCH /droplets/{id}` as `token`, with `content_type` and optionally `If-Match`.
pub async fn patch(
    app: &TestApp,
    id: &str,
    token: &str,
    content_type: &str,
    body: &Value,
    if_match: Option<u64>,
) -> reqwest::Response {
    let mut request = app
        .client
        .patch(format!("{}/api/v1/droplets/{id}", app.address))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body.to_string());
    if let Some(version) = if_match {
        request = request.header("If-Match", format!("\"{version}\""));
    }
    request.send().await.expect("request")
}

/// `POST /droplets` with `body` as `token`.
pub async fn create_as(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.post("/api/v1/droplets", token)
        .json(body)
        .send()
        .await
        .expect("request")
}

/// The droplet as the write model knows it for certain (waits out a command in flight).
pub async fn droplet(app: &TestApp, id: &str) -> Droplet {
    let id: Uuid = id.parse().expect("uuid");
    eventually_some(WAIT, || async {
        match app.writer.peek::<Droplet>(&id) {
            Peek::Present(d) => Some(d),
            _ => None,
        }
    })
    .await
    .expect("the droplet is in the write model")
}

/// Waits until the droplet reaches `status`; returns whether it did.
pub async fn reaches(app: &TestApp, id: &str, status: DropletStatus) -> bool {
    let id: Uuid = id.parse().expect("uuid");
    eventually(WAIT, || async {
        matches!(app.writer.peek::<Droplet>(&id), Peek::Present(d) if d.status == Some(status))
    })
    .await
}

/// Creates alice's droplet `name` and lets the provisioner make it active.
pub async fn active_droplet(app: &TestApp, name: &str) -> String {
    let (id, _) = app.create_droplet(name).await;
    app.clock.advance(chrono::Duration::seconds(3));
    assert!(
        reaches(app, &id, DropletStatus::Active).await,
        "{name} was provisioned"
    );
    id
}

/// Every event batch of the test's topic, in log order per partition.
pub fn all_batches(log: &Log) -> Vec<Batch> {
    log.records()
        .into_iter()
        .filter_map(|e| match proto::decode_record(e.value.as_deref()?) {
            Ok(Record::Batch(b)) => Some(b),
            _ => None,
        })
        .collect()
}

/// The droplet events of one batch.
pub fn droplet_events(batch: &Batch) -> Vec<DropletEvent> {
    proto::decode_events::<DropletEvent>(&batch.events).expect("droplet events decode")
}

/// Ids of the droplets whose creation the log holds for `owner` under `name`.
pub fn creations(log: &Log, owner: &str, name: &str) -> Vec<Uuid> {
    all_batches(log)
        .iter()
        .filter(|b| b.header.aggregate_type == "droplet")
        .flat_map(droplet_events)
        .filter_map(|e| match e {
            DropletEvent::CreationRequested(c) if c.owner == owner && c.name.as_ref() == name => {
                Some(c.id)
            }
            _ => None,
        })
        .collect()
}

/// Event types of one droplet, in log order.
pub fn event_types(log: &Log, id: &str) -> Vec<String> {
    log.batches_of(id)
        .iter()
        .flat_map(|b| b.events.iter().map(|e| e.event_type.clone()))
        .collect()
}

/// Records other than ownership claims: what commands appended.
pub fn appended(log: &Log) -> usize {
    log.records()
        .iter()
        .filter(|r| r.key.as_deref() != Some(b"claim".as_slice()))
        .count()
}

/// Waits until the log records that droplet `id` released a name it gave up.
pub async fn name_released(log: &Log, id: &str) -> bool {
    eventually(WAIT, || async {
        event_types(log, id)
            .iter()
            .any(|t| t == "droplet.name_released")
    })
    .await
}

/// The owner alice's principal id (see `helpers::settings`).
pub const ALICE: &str = "alice";
