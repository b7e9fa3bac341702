//! Job events: every event round-trips (domain -> wire -> domain), and their golden
//! bytes are pinned, so a change to the job wire form breaks the build, not a replay.

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::job::{EnqueueJob, JobArgs, JobError, JobEvent, LogLine, Next, RetryPolicy, ScaleTo};
use domain::name::ResourceName;
use proto::WireEvent;
use uuid::Uuid;

fn at(second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
        .single()
        .expect("valid")
        + Duration::seconds(second)
}

fn enqueued(args: JobArgs) -> JobEvent {
    JobEvent::Enqueued(EnqueueJob {
        id: Uuid::from_u128(7),
        owner: "alice".into(),
        args,
        queue: "default".into(),
        priority: 3,
        run_at: at(0),
        timeout_seconds: 60,
        heartbeat_timeout_seconds: 30,
        retry: RetryPolicy {
            non_retryable_errors: vec!["BAD".into()],
            ..RetryPolicy::default()
        },
        unique_key: Some(ResourceName::parse("nightly").expect("valid")),
        trace_id: Some("abc".into()),
        at: at(0),
    })
}

fn line() -> LogLine {
    LogLine {
        level: "info".into(),
        message: "step 1".into(),
        ts: at(2),
    }
}

fn events() -> Vec<JobEvent> {
    let cluster_id = Uuid::from_u128(1);
    let node_pool_id = Uuid::from_u128(2);
    vec![
        enqueued(JobArgs::Provision {
            cluster_id,
            node_pool_id,
            count: 1,
        }),
        enqueued(JobArgs::Scale {
            cluster_id,
            node_pool_id,
            to: ScaleTo::Delta(-2),
        }),
        enqueued(JobArgs::Scale {
            cluster_id,
            node_pool_id,
            to: ScaleTo::Desired(4),
        }),
        enqueued(JobArgs::Diagnose { cluster_id }),
        enqueued(JobArgs::Monitor { cluster_id }),
        enqueued(JobArgs::Sleep {
            seconds: 3,
            steps: 3,
        }),
        enqueued(JobArgs::Fail {
            message: "boom".into(),
            retryable: true,
            fail_attempts: 2,
        }),
        JobEvent::Claimed {
            worker_id: "w1".into(),
            lease_until: at(31),
            at: at(1),
        },
        JobEvent::Heartbeat {
            percent: Some(40),
            message: Some("halfway".into()),
            lines: vec![line()],
            lease_until: at(32),
            at: at(2),
        },
        JobEvent::Heartbeat {
            percent: None,
            message: None,
            lines: vec![],
            lease_until: at(33),
            at: at(3),
        },
        JobEvent::Succeeded {
            result: "{\"ok\":true}".into(),
            lines: vec![line()],
            at: at(4),
        },
        JobEvent::AttemptFailed {
            error: JobError {
                code: "OOPS".into(),
                message: "boom".into(),
                retryable: true,
            },
            lines: vec![line()],
            next: Next::Retry(at(9)),
            at: at(5),
        },
        JobEvent::LeaseExpired {
            next: Next::Dead,
            at: at(6),
        },
        JobEvent::TimedOut {
            next: Next::Failed,
            at: at(7),
        },
        JobEvent::CancelRequested { at: at(8) },
        JobEvent::Cancelled {
            forced: true,
            lines: vec![],
            at: at(9),
        },
        JobEvent::Requeued { at: at(10) },
        JobEvent::Due { at: at(11) },
        JobEvent::Deleted { at: at(12) },
    ]
}

#[test]
fn every_job_event_round_trips() {
    for event in events() {
        let (event_type, version, payload) = event.encode();
        let back =
            proto::decode_event::<JobEvent>(&event_type, version, &payload).expect("decodes");
        assert_eq!(back, event);
    }
}

#[test]
fn job_event_golden_bytes() {
    let golden: Vec<String> = events()
        .iter()
        .map(|e| {
            let (event_type, version, payload) = e.encode();
            format!("{event_type} v{version} {}", hex::encode(payload))
        })
        .collect();
    insta::assert_snapshot!("job_events", golden.join("\n"));
}

#[test]
fn an_unknown_job_event_is_a_decode_error() {
    assert!(JobEvent::decode("job.exploded", 1, &[]).is_err());
    assert!(JobEvent::decode("job.claimed", 2, &[]).is_err());
}

#[test]
fn every_job_state_along_the_history_round_trips_through_its_snapshot_codec() {
    use domain::Aggregate;
    use domain::job::Job;
    use proto::WireState;
    let events = events();
    for n in 0..=events.len() {
        let state = Job::replay(&events[..n]);
        let back = Job::decode_state(Job::STATE_VERSION, &state.encode_state()).expect("decodes");
        assert_eq!(back, state, "after {n} events");
    }
}
