//! The checks one pushed sample must pass before it is published, each failing with its
//! own reason so a batch can answer item by item (one bad item never fails the batch).

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{MetricSample, MetricType, SampleSource};

/// A sample as the client sent it, fields already read as the right JSON types.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposedSample {
    pub sample_id: Uuid,
    pub node_id: Uuid,
    pub metric: String,
    pub unit: String,
    pub value: f64,
    pub at: DateTime<Utc>,
}

/// Why one sample was refused. `code` is stable; clients branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleRejection {
    UnknownType,
    UnitMismatch,
    ValueOutOfRange,
    UnknownNode,
    InTheFuture,
}

impl SampleRejection {
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownType => "UNKNOWN_METRIC_TYPE",
            Self::UnitMismatch => "UNIT_MISMATCH",
            Self::ValueOutOfRange => "VALUE_OUT_OF_RANGE",
            Self::UnknownNode => "UNKNOWN_NODE",
            Self::InTheFuture => "SAMPLED_IN_THE_FUTURE",
        }
    }

    pub fn detail(self) -> &'static str {
        match self {
            Self::UnknownType => "type must be one of cpu, memory, disk, network",
            Self::UnitMismatch => "unit must be % for cpu, memory and disk, Mbps for network",
            Self::ValueOutOfRange => {
                "value must be finite, between 0 and 100 (%) or 0 and 100000 (Mbps)"
            }
            Self::UnknownNode => "node_id is not a node of this cluster",
            Self::InTheFuture => "at is later than now plus the allowed clock skew",
        }
    }
}

/// Checks one sample of cluster `cluster_id`, in the order a client would fix them.
pub fn check(
    proposed: &ProposedSample,
    cluster_id: Uuid,
    is_node: impl Fn(Uuid) -> bool,
    now: DateTime<Utc>,
    skew: Duration,
) -> Result<MetricSample, SampleRejection> {
    let metric = MetricType::parse(&proposed.metric).ok_or(SampleRejection::UnknownType)?;
    if proposed.unit != metric.unit() {
        return Err(SampleRejection::UnitMismatch);
    }
    let value = proposed.value;
    if !value.is_finite() || !(0.0..=metric.max_value()).contains(&value) {
        return Err(SampleRejection::ValueOutOfRange);
    }
    if !is_node(proposed.node_id) {
        return Err(SampleRejection::UnknownNode);
    }
    if proposed.at > now + skew {
        return Err(SampleRejection::InTheFuture);
    }
    Ok(MetricSample {
        sample_id: proposed.sample_id,
        cluster_id,
        node_id: proposed.node_id,
        metric,
        value,
        at: proposed.at,
        source: SampleSource::Api,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-06T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn good() -> ProposedSample {
        ProposedSample {
            sample_id: Uuid::from_u128(1),
            node_id: Uuid::from_u128(2),
            metric: "cpu".into(),
            unit: "%".into(),
            value: 42.5,
            at: now(),
        }
    }

    /// One way to spoil a good sample.
    type Spoil = Box<dyn Fn(&mut ProposedSample)>;

    fn run(p: &ProposedSample) -> Result<MetricSample, SampleRejection> {
        check(
            p,
            Uuid::from_u128(9),
            |n| n == Uuid::from_u128(2),
            now(),
            Duration::seconds(30),
        )
    }

    #[test]
    fn a_good_sample_passes_with_its_cluster_and_source() {
        let sample = run(&good()).unwrap();
        assert_eq!(sample.cluster_id, Uuid::from_u128(9));
        assert_eq!((sample.metric, sample.unit()), (MetricType::Cpu, "%"));
        assert_eq!(sample.source, SampleSource::Api);
    }

    #[test]
    fn each_defect_has_its_own_reason() {
        let cases: Vec<(Spoil, SampleRejection)> = vec![
            (
                Box::new(|p| p.metric = "cpu_usage".into()),
                SampleRejection::UnknownType,
            ),
            (
                Box::new(|p| p.unit = "percent".into()),
                SampleRejection::UnitMismatch,
            ),
            (
                Box::new(|p| p.value = 100.5),
                SampleRejection::ValueOutOfRange,
            ),
            (
                Box::new(|p| p.value = -1.0),
                SampleRejection::ValueOutOfRange,
            ),
            (
                Box::new(|p| p.value = f64::NAN),
                SampleRejection::ValueOutOfRange,
            ),
            (
                Box::new(|p| p.node_id = Uuid::from_u128(3)),
                SampleRejection::UnknownNode,
            ),
            (
                Box::new(|p| p.at = now() + Duration::seconds(31)),
                SampleRejection::InTheFuture,
            ),
        ];
        for (spoil, reason) in cases {
            let mut p = good();
            spoil(&mut p);
            assert_eq!(run(&p), Err(reason));
        }
    }

    #[test]
    fn network_is_in_mbps_and_may_exceed_a_hundred() {
        let mut p = good();
        p.metric = "network".into();
        p.unit = "Mbps".into();
        p.value = 950.0;
        assert!(run(&p).is_ok());
        p.unit = "%".into();
        assert_eq!(run(&p), Err(SampleRejection::UnitMismatch));
    }

    #[test]
    fn skew_within_the_allowance_is_accepted() {
        let mut p = good();
        p.at = now() + Duration::seconds(30);
        assert!(run(&p).is_ok());
    }
}
