//! Parking: records that are not valid log records are parked with their reason and
//! counted while the rest of their batch ships; a batch Loki refuses for good (4xx other
//! than 429) is parked and committed, not retried forever.

use crate::receiver::Receiver;
use crate::support::{World, eventually, record};

#[tokio::test]
async fn invalid_records_are_parked_and_counted_and_the_rest_ships() {
    let loki = Receiver::start();
    let world = World::new(&["command-api"], &loki.url).await;
    let offsets = world
        .produce(
            "command-api",
            &[
                record("command-api", "info", "2026-12-05T10:00:00Z", "before", ""),
                b"this is not JSON".to_vec(),
                br#"{"timestamp":"2026-12-05T10:00:01Z","level":"info","service":"command-api","environment":"test"}"#.to_vec(),
                record("command-api", "info", "2026-12-05T10:00:02Z", "after", ""),
            ],
        )
        .await;
    let app = world.start().await;
    eventually("the valid lines in Loki", || async {
        (loki.entries().len() == 2).then_some(())
    })
    .await;
    let parked = eventually("two records parked", || async {
        let parked = world.parked().await;
        (parked.len() == 2).then_some(parked)
    })
    .await;
    let topic = world.topic("command-api");
    assert_eq!(parked[0].0, format!("{topic}:0:{}", offsets[1]));
    assert!(parked[0].1.contains("not a JSON object"), "{}", parked[0].1);
    assert_eq!(parked[1].0, format!("{topic}:0:{}", offsets[2]));
    assert!(parked[1].1.contains("message"), "{}", parked[1].1);
    assert_eq!(world.log_lines().await.len(), 2);
    assert_eq!(
        app.metric("clustergenie_log_consumer_parked_records_total{reason=\"invalid\"}")
            .await,
        2.0
    );
    assert_eq!(
        app.metric("clustergenie_log_consumer_records_total{outcome=\"invalid\"}")
            .await,
        2.0
    );
    eventually("offsets committed", || async {
        (world.committed("command-api") == Some(4)).then_some(())
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_batch_loki_refuses_is_parked_and_committed() {
    let loki = Receiver::start();
    loki.fail_all(Some(400));
    let world = World::new(&["projector"], &loki.url).await;
    world
        .produce(
            "projector",
            &[
                record("projector", "info", "2026-12-05T10:00:00Z", "one", ""),
                record("projector", "warn", "2026-12-05T10:00:01Z", "two", ""),
            ],
        )
        .await;
    let app = world.start().await;
    let parked = eventually("the refused batch parked", || async {
        let parked = world.parked().await;
        (parked.len() == 2).then_some(parked)
    })
    .await;
    assert!(
        parked
            .iter()
            .all(|(_, reason)| reason.contains("Loki refused the batch (400)"))
    );
    eventually("offsets committed", || async {
        (world.committed("projector") == Some(2)).then_some(())
    })
    .await;
    assert_eq!(loki.attempts(), 1, "a 400 is not retried");
    assert_eq!(
        world.log_lines().await.len(),
        2,
        "the lines stay in log_lines"
    );
    assert_eq!(
        app.metric("clustergenie_log_consumer_push_errors_total{reason=\"rejected\"}")
            .await,
        1.0
    );
    assert_eq!(
        app.metric("clustergenie_log_consumer_parked_records_total{reason=\"rejected\"}")
            .await,
        2.0
    );
    app.stop().await;
}
