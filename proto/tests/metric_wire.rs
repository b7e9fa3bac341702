//! The `metrics.samples` record: round trips, golden bytes (the wire format of a released
//! record never changes), and refusal of records outside the vocabulary.

use chrono::{DateTime, Utc};
use domain::telemetry::{MetricSample, MetricType, SampleSource};
use prost::Message;
use uuid::Uuid;

/// A record as first written; its bytes are fixed forever.
const GOLDEN: &str = concat!(
    "0a2430313933613063342d356232652d376331312d396130652d32663464366338623161333712243031393361306334",
    "2d356232652d376331312d396130652d3266346436633862316133381a2430313933613063342d356232652d37633131",
    "2d396130652d32663464366338623161333922036370752900000000004055403201253a0608a0e4d4d806420973696d",
    "756c61746f72",
);

fn sample() -> MetricSample {
    MetricSample {
        sample_id: Uuid::parse_str("0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a37").unwrap(),
        cluster_id: Uuid::parse_str("0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a38").unwrap(),
        node_id: Uuid::parse_str("0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a39").unwrap(),
        metric: MetricType::Cpu,
        value: 85.0,
        at: DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
        source: SampleSource::Simulator,
    }
}

#[test]
fn a_sample_round_trips() {
    for metric in MetricType::ALL {
        let sample = MetricSample {
            metric,
            source: SampleSource::Api,
            ..sample()
        };
        assert_eq!(
            proto::decode_sample(&proto::encode_sample(&sample)).unwrap(),
            sample
        );
    }
}

#[test]
fn the_golden_record_decodes_to_todays_sample() {
    let bytes = hex::decode(GOLDEN).unwrap();
    assert_eq!(proto::decode_sample(&bytes).unwrap(), sample());
    assert_eq!(hex::encode(proto::encode_sample(&sample())), GOLDEN);
}

#[test]
fn records_outside_the_vocabulary_are_refused() {
    let good = proto::wire::MetricSample::decode(&proto::encode_sample(&sample())[..]).unwrap();
    let spoiled = [
        proto::wire::MetricSample {
            r#type: "cpu_usage".into(),
            ..good.clone()
        },
        proto::wire::MetricSample {
            unit: "percent".into(),
            ..good.clone()
        },
        proto::wire::MetricSample {
            value: f64::NAN,
            ..good.clone()
        },
        proto::wire::MetricSample {
            source: "sniffed".into(),
            ..good.clone()
        },
        proto::wire::MetricSample {
            node_id: "n-1".into(),
            ..good.clone()
        },
        proto::wire::MetricSample { at: None, ..good },
    ];
    for wire in spoiled {
        assert!(
            proto::decode_sample(&wire.encode_to_vec()).is_err(),
            "{wire:?}"
        );
    }
    assert!(proto::decode_sample(b"\xff\xff").is_err());
}
