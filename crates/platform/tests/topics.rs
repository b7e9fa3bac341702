//! `ensure_topics` against the real broker: it creates what is missing beside what
//! exists, and refuses a topic whose partition count differs from the configured one,
//! whether or not it had anything to create. Never deletes or alters a topic.

use platform::config::KafkaSettings;
use platform::kafka::{TopicError, TopicSpec, ensure_topics, partition_count_of};
use platform::testing::{shared_brokers, unique_suffix};

fn spec(name: &str, partitions: i32) -> TopicSpec {
    let settings = KafkaSettings {
        brokers: shared_brokers().to_owned(),
        topic_prefix: String::new(),
        partitions,
        replication_factor: 1,
    };
    TopicSpec {
        name: name.to_owned(),
        ..TopicSpec::events(&settings)
    }
}

fn names() -> (String, String) {
    let suffix = unique_suffix();
    (format!("topics-a-{suffix}"), format!("topics-b-{suffix}"))
}

#[tokio::test]
async fn missing_topics_are_created_beside_existing_ones() {
    let brokers = shared_brokers();
    let (a, b) = names();
    ensure_topics(brokers, &[spec(&a, 3)])
        .await
        .expect("a is created");
    ensure_topics(brokers, &[spec(&a, 3), spec(&b, 2)])
        .await
        .expect("b is created beside a");
    assert_eq!(partition_count_of(brokers, &a).unwrap(), 3);
    assert_eq!(partition_count_of(brokers, &b).unwrap(), 2);
    // Everything there: a second call only verifies.
    ensure_topics(brokers, &[spec(&a, 3), spec(&b, 2)])
        .await
        .expect("existing topics verify");
}

#[tokio::test]
async fn an_existing_topic_with_another_partition_count_is_refused() {
    let brokers = shared_brokers();
    let (a, b) = names();
    ensure_topics(brokers, &[spec(&a, 3)])
        .await
        .expect("a is created");
    let alone = ensure_topics(brokers, &[spec(&a, 4)]).await;
    assert!(
        matches!(&alone, Err(TopicError::Misconfigured(m)) if m.contains(&a)),
        "{alone:?}"
    );
    // Refused too when another topic had to be created in the same call.
    let mixed = ensure_topics(brokers, &[spec(&b, 2), spec(&a, 4)]).await;
    assert!(
        matches!(&mixed, Err(TopicError::Misconfigured(m)) if m.contains(&a)),
        "{mixed:?}"
    );
    assert_eq!(
        partition_count_of(brokers, &a).unwrap(),
        3,
        "a is untouched"
    );
    assert_eq!(partition_count_of(brokers, &b).unwrap(), 2);
}
