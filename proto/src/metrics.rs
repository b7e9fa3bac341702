//! Telemetry samples to and from the wire (`schema/metrics.proto`): the one codec of the
//! `metrics.samples` topic, used by command-api's publisher and the projector's consumer.
//! Decoding checks the vocabulary again, so a record written by anything else cannot put
//! an unknown type or unit into the read model.

use domain::telemetry::{MetricSample, MetricType, SampleSource};
use prost::Message;

use crate::DecodeError;
use crate::codec::{payload, uuid};
use crate::time::{from_timestamp, to_timestamp};
use crate::wire;

/// The record value of one sample.
pub fn encode_sample(sample: &MetricSample) -> Vec<u8> {
    wire::MetricSample {
        sample_id: sample.sample_id.to_string(),
        cluster_id: sample.cluster_id.to_string(),
        node_id: sample.node_id.to_string(),
        r#type: sample.metric.as_str().to_owned(),
        value: sample.value,
        unit: sample.unit().to_owned(),
        at: Some(to_timestamp(sample.at)),
        source: sample.source.as_str().to_owned(),
    }
    .encode_to_vec()
}

/// One sample from its record value.
pub fn decode_sample(bytes: &[u8]) -> Result<MetricSample, DecodeError> {
    let s: wire::MetricSample = payload(bytes)?;
    let metric = MetricType::parse(&s.r#type).ok_or(DecodeError::Invalid("type"))?;
    if s.unit != metric.unit() {
        return Err(DecodeError::Invalid("unit"));
    }
    if !s.value.is_finite() {
        return Err(DecodeError::Invalid("value"));
    }
    Ok(MetricSample {
        sample_id: uuid(&s.sample_id, "sample_id")?,
        cluster_id: uuid(&s.cluster_id, "cluster_id")?,
        node_id: uuid(&s.node_id, "node_id")?,
        metric,
        value: s.value,
        at: from_timestamp(s.at.as_ref(), "at")?,
        source: SampleSource::parse(&s.source).ok_or(DecodeError::Invalid("source"))?,
    })
}
