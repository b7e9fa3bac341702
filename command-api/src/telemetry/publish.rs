//! The one path samples take into `<prefix>metrics.samples`: encoded by `proto`, keyed by
//! cluster id (a cluster's samples stay in order), and acknowledged by the broker before
//! the caller hears "published". Used by the simulator and by the push route alike.

use std::time::Duration;

use domain::telemetry::MetricSample;
use rdkafka::producer::{FutureProducer, FutureRecord};

const SEND_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct SamplePublisher {
    producer: FutureProducer,
    topic: String,
}

impl SamplePublisher {
    pub fn new(brokers: &str, topic: &str) -> anyhow::Result<Self> {
        Ok(Self {
            producer: platform::kafka::producer(brokers)?,
            topic: topic.to_owned(),
        })
    }

    /// Publishes every sample, concurrently; fails if any was not acknowledged (a retry
    /// is harmless: the projection deduplicates by `sample_id`).
    pub async fn publish(&self, samples: &[MetricSample]) -> anyhow::Result<()> {
        let sends = samples.iter().map(|sample| {
            let key = sample.cluster_id.to_string();
            let value = proto::encode_sample(sample);
            async move {
                let record = FutureRecord::to(&self.topic).key(&key).payload(&value);
                self.producer
                    .send(record, SEND_TIMEOUT)
                    .await
                    .map(|_| ())
                    .map_err(|(error, _)| anyhow::anyhow!("publishing a sample: {error}"))
            }
        });
        futures::future::try_join_all(sends).await?;
        Ok(())
    }
}
