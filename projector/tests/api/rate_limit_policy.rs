//! Rate-limit policies are projected like any aggregate: a row for query-api's reads and
//! the same row as the limiter's document in Redis, so the limiter's Redis is rebuilt
//! from the log (a delete leaves a `deleted` document the limiter skips).

use std::collections::BTreeMap;

use deadpool_redis::redis::AsyncCommands;
use domain::log_validity::WriterClaim;
use domain::rate_limit_policy::{PolicyEvent, Target, policy_id};
use domain::record::{Batch, BatchHeader, Record};
use platform::testing::redis_url;
use serde_json::Value;
use uuid::Uuid;
use views::rate_limit_policy::{RateLimitPolicyRow, document_key};

use crate::records::{TestRecord, at, build, claim};
use crate::test_app::{TestEnv, partition_of, wait_for_offsets};

fn policy_batch(partition: i32, id: Uuid, from_version: u64, event: PolicyEvent) -> TestRecord {
    let command_id = Uuid::new_v5(&id, format!("{from_version}").as_bytes());
    let record = Record::Batch(Batch {
        header: BatchHeader {
            aggregate_type: "rate_limit_policy".into(),
            aggregate_id: id,
            from_version,
            claim: WriterClaim {
                epoch: 1,
                writer_id: "w1".into(),
            },
            command_id,
            command_name: "rate_limit_policy.set".into(),
            principal: "root".into(),
            owner: "alice".into(),
            idempotency: None,
            recorded_at: at(from_version as i64),
            correlation_id: command_id.to_string(),
            causation_id: String::new(),
            traceparent: String::new(),
            tracestate: String::new(),
        },
        events: proto::encode_events(command_id, &[event]),
    });
    build(partition, &id.to_string(), &record)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_becomes_a_row_and_the_limiters_document() {
    let env = TestEnv::new();
    let app = env.spawn_app().await;
    let target = Target::User("alice".into());
    let id = policy_id(&target);
    let p = partition_of(&id.to_string());
    let rules = r#"[{"name":"strict","quota":1,"window_seconds":60}]"#;
    env.produce(&claim(p, 1, "w1")).await;
    let set = PolicyEvent::Set {
        target,
        rules: rules.into(),
        at: at(1),
    };
    env.produce(&policy_batch(p, id, 0, set)).await;
    let last = env
        .produce(&policy_batch(p, id, 1, PolicyEvent::Deleted { at: at(2) }))
        .await;
    wait_for_offsets(&app.pool, &BTreeMap::from([(p, last + 1)])).await;
    let row = projector::views::state::load::<RateLimitPolicyRow>(
        &mut app.pool.acquire().await.unwrap(),
        id,
    )
    .await
    .unwrap()
    .expect("row exists");
    assert_eq!(
        (row.user_id.as_deref(), row.version, row.deleted),
        (Some("alice"), 2, true)
    );
    assert_eq!(row.policies, rules);
    let client = deadpool_redis::redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let key = document_key(&env.redis_prefix, Some("alice"));
    let cached: Option<String> = conn.get(&key).await.unwrap();
    let doc: Value = serde_json::from_str(&cached.expect("the document is in Redis")).unwrap();
    assert_eq!(
        (doc["version"].as_u64(), doc["deleted"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(doc["policies"], rules);
}
