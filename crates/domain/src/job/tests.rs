//! Given / when / then tests of the job state machine (api.md §12.3): every row of the
//! table, the refusals, attempts with their outcomes, monotonic progress, the fold.

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::testing::{Scenario, assert_fold_is_incremental};

fn at(second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
        .single()
        .expect("valid time")
        + Duration::seconds(second)
}

fn enqueue(run_at: i64, max_attempts: u32) -> EnqueueJob {
    EnqueueJob {
        id: Uuid::from_u128(7),
        owner: "alice".into(),
        args: JobArgs::Sleep {
            seconds: 3,
            steps: 3,
        },
        queue: "default".into(),
        priority: 5,
        run_at: at(run_at),
        timeout_seconds: 60,
        heartbeat_timeout_seconds: 30,
        retry: RetryPolicy {
            max_attempts,
            non_retryable_errors: vec!["BAD_INPUT".into()],
            ..RetryPolicy::default()
        },
        unique_key: None,
        trace_id: None,
        at: at(0),
    }
}

fn enqueued() -> JobEvent {
    JobEvent::Enqueued(enqueue(0, 3))
}

fn claimed(second: i64) -> JobEvent {
    JobEvent::Claimed {
        worker_id: "w1".into(),
        lease_until: at(second + 30),
        at: at(second),
    }
}

fn running() -> Vec<JobEvent> {
    vec![enqueued(), claimed(1)]
}

fn error(code: &str, retryable: bool) -> JobError {
    JobError {
        code: code.into(),
        message: "boom".into(),
        retryable,
    }
}

fn fail(code: &str, retryable: bool, second: i64) -> JobCommand {
    JobCommand::FailAttempt {
        worker_id: "w1".into(),
        error: error(code, retryable),
        lines: vec![],
        backoff: Duration::seconds(2),
        at: at(second),
    }
}

fn given(history: Vec<JobEvent>) -> Scenario<Job> {
    Scenario::given(history)
}

fn transition(from: &'static str, action: &'static str) -> JobRefused {
    JobRefused::InvalidTransition { from, action }
}

#[test]
fn enqueue_due_now_is_queued_and_due_later_is_scheduled() {
    let job = given(vec![])
        .when(JobCommand::Enqueue(enqueue(0, 5)))
        .then(vec![JobEvent::Enqueued(enqueue(0, 5))]);
    assert_eq!(job.status, Some(JobStatus::Queued));
    let job = given(vec![])
        .when(JobCommand::Enqueue(enqueue(60, 5)))
        .then(vec![JobEvent::Enqueued(enqueue(60, 5))]);
    assert_eq!(job.status, Some(JobStatus::Scheduled));
}

#[test]
fn enqueue_twice_or_with_a_bad_policy_is_refused() {
    given(vec![enqueued()])
        .when(JobCommand::Enqueue(enqueue(0, 5)))
        .then_error(JobRefused::AlreadyExists);
    let refused = given(vec![])
        .when(JobCommand::Enqueue(enqueue(0, 26)))
        .error();
    assert!(matches!(refused, JobRefused::Invalid(_)));
}

#[test]
fn a_scheduled_job_becomes_queued_only_when_due() {
    let scheduled = vec![JobEvent::Enqueued(enqueue(60, 5))];
    given(scheduled.clone())
        .when(JobCommand::MakeDue { at: at(59) })
        .then(vec![]);
    let job = given(scheduled)
        .when(JobCommand::MakeDue { at: at(60) })
        .then(vec![JobEvent::Due { at: at(60) }]);
    assert_eq!(job.status, Some(JobStatus::Queued));
}

#[test]
fn a_claim_takes_a_due_queued_job_with_a_lease() {
    let job = given(vec![enqueued()])
        .when(JobCommand::Claim {
            worker_id: "w1".into(),
            at: at(1),
        })
        .then(vec![claimed(1)]);
    assert_eq!(job.status, Some(JobStatus::Running));
    assert_eq!(job.attempt, 1);
    assert_eq!(job.lease.as_ref().map(|l| l.expires_at), Some(at(31)));
    given(vec![JobEvent::Enqueued(enqueue(60, 5))])
        .when(JobCommand::Claim {
            worker_id: "w1".into(),
            at: at(1),
        })
        .then_error(transition("scheduled", "claim"));
    given(running())
        .when(JobCommand::Claim {
            worker_id: "w2".into(),
            at: at(2),
        })
        .then_error(transition("running", "claim"));
}

#[test]
fn a_heartbeat_extends_the_lease_and_progress_never_goes_back() {
    let beat = |percent, second| JobCommand::Heartbeat {
        worker_id: "w1".into(),
        percent: Some(percent),
        message: Some("step".into()),
        lines: vec![],
        at: at(second),
    };
    let job = given(running())
        .when(beat(50, 10))
        .then(vec![JobEvent::Heartbeat {
            percent: Some(50),
            message: Some("step".into()),
            lines: vec![],
            lease_until: at(40),
            at: at(10),
        }]);
    assert_eq!(job.progress.percent, 50);
    let events = Scenario::<Job>::given(vec![])
        .when(JobCommand::Enqueue(enqueue(0, 3)))
        .events();
    let mut history = events;
    history.push(claimed(1));
    history.extend(given(history.clone()).when(beat(50, 10)).events());
    let later = given(history.clone()).when(beat(20, 20)).events();
    assert!(matches!(
        later[0],
        JobEvent::Heartbeat {
            percent: Some(50),
            ..
        }
    ));
    let over = given(history).when(beat(250, 20)).events();
    assert!(matches!(
        over[0],
        JobEvent::Heartbeat {
            percent: Some(100),
            ..
        }
    ));
}

#[test]
fn only_the_lease_holder_reports_and_not_after_the_lease() {
    given(running())
        .when(JobCommand::Succeed {
            worker_id: "w2".into(),
            result: "{}".into(),
            lines: vec![],
            at: at(5),
        })
        .then_error(JobRefused::LeaseLost {
            worker_id: "w2".into(),
        });
    given(running())
        .when(JobCommand::Heartbeat {
            worker_id: "w1".into(),
            percent: None,
            message: None,
            lines: vec![],
            at: at(32),
        })
        .then_error(JobRefused::LeaseLost {
            worker_id: "w1".into(),
        });
}

#[test]
fn too_many_log_lines_are_refused() {
    let line = LogLine {
        level: "info".into(),
        message: "x".into(),
        ts: at(2),
    };
    let refused = given(running())
        .when(JobCommand::Heartbeat {
            worker_id: "w1".into(),
            percent: None,
            message: None,
            lines: vec![line; LogLine::MAX_PER_EVENT + 1],
            at: at(2),
        })
        .error();
    assert!(matches!(refused, JobRefused::Invalid(_)));
}

#[test]
fn success_records_the_result_and_the_attempt() {
    let job = given(running())
        .when(JobCommand::Succeed {
            worker_id: "w1".into(),
            result: "{\"ok\":true}".into(),
            lines: vec![],
            at: at(5),
        })
        .then(vec![JobEvent::Succeeded {
            result: "{\"ok\":true}".into(),
            lines: vec![],
            at: at(5),
        }]);
    assert_eq!(job.status, Some(JobStatus::Succeeded));
    assert_eq!(job.attempts[0].outcome, Some(Outcome::Succeeded));
    assert_eq!(job.last_error, None);
    assert!(job.lease.is_none());
}

#[test]
fn a_retryable_failure_with_attempts_left_retries_after_the_backoff() {
    let job = given(running())
        .when(fail("OOPS", true, 5))
        .then(vec![JobEvent::AttemptFailed {
            error: error("OOPS", true),
            lines: vec![],
            next: Next::Retry(at(7)),
            at: at(5),
        }]);
    assert_eq!(job.status, Some(JobStatus::Retrying));
    assert_eq!(job.run_at, Some(at(7)));
    assert_eq!(
        job.last_error.as_ref().map(|e| e.code.as_str()),
        Some("OOPS")
    );
    assert_eq!(job.attempts[0].outcome, Some(Outcome::Failed));
    let job = given(job_history(job))
        .when(JobCommand::MakeDue { at: at(7) })
        .then(vec![JobEvent::Due { at: at(7) }]);
    assert_eq!(job.status, Some(JobStatus::Queued));
}

/// The events that make `job` (tests rebuild histories rather than keep states).
fn job_history(job: Job) -> Vec<JobEvent> {
    let mut history = running();
    if job.status == Some(JobStatus::Retrying) {
        history.push(JobEvent::AttemptFailed {
            error: error("OOPS", true),
            lines: vec![],
            next: Next::Retry(at(7)),
            at: at(5),
        });
    }
    history
}

#[test]
fn a_non_retryable_failure_fails_the_job() {
    for (code, retryable) in [("BAD_INPUT", true), ("OOPS", false)] {
        let events = given(running()).when(fail(code, retryable, 5)).events();
        assert!(matches!(
            events[0],
            JobEvent::AttemptFailed {
                next: Next::Failed,
                ..
            }
        ));
    }
}

#[test]
fn the_last_attempt_failing_makes_the_job_dead() {
    let mut history = vec![enqueued()];
    for n in 0..2 {
        history.push(claimed(10 * n));
        history.push(JobEvent::AttemptFailed {
            error: error("OOPS", true),
            lines: vec![],
            next: Next::Retry(at(10 * n + 2)),
            at: at(10 * n + 1),
        });
        history.push(JobEvent::Due { at: at(10 * n + 2) });
    }
    history.push(claimed(30));
    let job = given(history)
        .when(fail("OOPS", true, 31))
        .then(vec![JobEvent::AttemptFailed {
            error: error("OOPS", true),
            lines: vec![],
            next: Next::Dead,
            at: at(31),
        }]);
    assert_eq!(job.status, Some(JobStatus::Dead));
    assert_eq!(job.attempts.len(), 3);
}

#[test]
fn a_lost_lease_or_a_timeout_counts_as_a_failure() {
    let expire = |second| JobCommand::Expire {
        backoff: Duration::seconds(2),
        at: at(second),
    };
    given(running()).when(expire(31)).then(vec![]);
    let job = given(running())
        .when(expire(32))
        .then(vec![JobEvent::LeaseExpired {
            next: Next::Retry(at(34)),
            at: at(32),
        }]);
    assert_eq!(job.attempts[0].outcome, Some(Outcome::LeaseExpired));
    let mut beating = running();
    for second in [25, 50] {
        beating.push(JobEvent::Heartbeat {
            percent: None,
            message: None,
            lines: vec![],
            lease_until: at(second + 30),
            at: at(second),
        });
    }
    let job = given(beating)
        .when(expire(61))
        .then(vec![JobEvent::TimedOut {
            next: Next::Retry(at(63)),
            at: at(61),
        }]);
    assert_eq!(job.attempts[0].outcome, Some(Outcome::TimedOut));
    assert_eq!(job.status, Some(JobStatus::Retrying));
}

#[test]
fn cancel_ends_waiting_jobs_at_once() {
    for history in [
        vec![enqueued()],
        vec![JobEvent::Enqueued(enqueue(60, 5))],
        job_history(Job {
            status: Some(JobStatus::Retrying),
            ..Job::default()
        }),
    ] {
        let job = given(history)
            .when(JobCommand::Cancel { at: at(9) })
            .then(vec![JobEvent::Cancelled {
                forced: false,
                lines: vec![],
                at: at(9),
            }]);
        assert_eq!(job.status, Some(JobStatus::Cancelled));
    }
}

#[test]
fn cancel_of_a_running_job_is_acknowledged_by_the_worker() {
    let job = given(running())
        .when(JobCommand::Cancel { at: at(5) })
        .then(vec![JobEvent::CancelRequested { at: at(5) }]);
    assert!(job.cancel_requested);
    let mut history = running();
    history.push(JobEvent::CancelRequested { at: at(5) });
    given(history.clone())
        .when(JobCommand::Cancel { at: at(6) })
        .then(vec![]);
    let job = given(history)
        .when(JobCommand::AcknowledgeCancel {
            worker_id: "w1".into(),
            lines: vec![],
            at: at(7),
        })
        .then(vec![JobEvent::Cancelled {
            forced: false,
            lines: vec![],
            at: at(7),
        }]);
    assert_eq!(job.status, Some(JobStatus::Cancelled));
    assert_eq!(job.attempts[0].outcome, Some(Outcome::Cancelled));
}

#[test]
fn an_unacknowledged_cancel_is_forced_after_two_heartbeat_timeouts() {
    let mut untimed = enqueue(0, 3);
    untimed.timeout_seconds = 0;
    let mut history = vec![JobEvent::Enqueued(untimed), claimed(1)];
    history.push(JobEvent::CancelRequested { at: at(5) });
    history.push(JobEvent::Heartbeat {
        percent: None,
        message: None,
        lines: vec![],
        lease_until: at(64),
        at: at(34),
    });
    let expire = |second| JobCommand::Expire {
        backoff: Duration::zero(),
        at: at(second),
    };
    given(history.clone()).when(expire(64)).then(vec![]);
    let job = given(history)
        .when(expire(65))
        .then(vec![JobEvent::Cancelled {
            forced: true,
            lines: vec![],
            at: at(65),
        }]);
    assert_eq!(job.attempts[0].outcome, Some(Outcome::LeaseExpired));
    let mut timed = running();
    timed.push(JobEvent::CancelRequested { at: at(5) });
    let events = given(timed).when(expire(40)).events();
    assert!(matches!(
        events[0],
        JobEvent::Cancelled { forced: true, .. }
    ));
}

#[test]
fn terminal_jobs_refuse_cancel_except_cancelled() {
    let mut done = running();
    done.push(JobEvent::Succeeded {
        result: "{}".into(),
        lines: vec![],
        at: at(5),
    });
    given(done)
        .when(JobCommand::Cancel { at: at(6) })
        .then_error(transition("succeeded", "cancel"));
}

#[test]
fn retry_requeues_failed_dead_or_cancelled_jobs_with_attempt_zero() {
    let mut failed = running();
    failed.push(JobEvent::AttemptFailed {
        error: error("OOPS", false),
        lines: vec![],
        next: Next::Failed,
        at: at(5),
    });
    let job = given(failed)
        .when(JobCommand::Retry { at: at(9) })
        .then(vec![JobEvent::Requeued { at: at(9) }]);
    assert_eq!((job.status, job.attempt), (Some(JobStatus::Queued), 0));
    given(running())
        .when(JobCommand::Retry { at: at(9) })
        .then_error(transition("running", "retry"));
    given(vec![enqueued()])
        .when(JobCommand::Retry { at: at(9) })
        .then_error(transition("queued", "retry"));
}

#[test]
fn delete_takes_terminal_jobs_only_and_then_it_is_gone() {
    given(running())
        .when(JobCommand::Delete { at: at(9) })
        .then_error(transition("running", "delete"));
    let cancelled = vec![
        enqueued(),
        JobEvent::Cancelled {
            forced: false,
            lines: vec![],
            at: at(3),
        },
    ];
    let job = given(cancelled.clone())
        .when(JobCommand::Delete { at: at(9) })
        .then(vec![JobEvent::Deleted { at: at(9) }]);
    assert!(!Aggregate::exists(&job));
    let mut gone = cancelled;
    gone.push(JobEvent::Deleted { at: at(9) });
    given(gone)
        .when(JobCommand::Retry { at: at(10) })
        .then_error(JobRefused::NotFound);
}

#[test]
fn the_unique_key_is_held_until_deletion() {
    let key = crate::name::ResourceName::parse("nightly").expect("valid");
    let mut with_key = enqueue(0, 3);
    with_key.unique_key = Some(key.clone());
    let history = vec![
        JobEvent::Enqueued(with_key),
        JobEvent::Cancelled {
            forced: false,
            lines: vec![],
            at: at(3),
        },
    ];
    let job = Job::replay(&history);
    assert_eq!(job.held_name(), Some((&key, true)));
    let job = job.evolve(&JobEvent::Deleted { at: at(4) });
    assert_eq!(job.held_name(), Some((&key, false)));
}

#[test]
fn folding_is_incremental() {
    let mut history = running();
    history.push(JobEvent::AttemptFailed {
        error: error("OOPS", true),
        lines: vec![],
        next: Next::Retry(at(7)),
        at: at(5),
    });
    history.push(JobEvent::Due { at: at(7) });
    history.push(claimed(8));
    history.push(JobEvent::Succeeded {
        result: "{}".into(),
        lines: vec![],
        at: at(9),
    });
    assert_fold_is_incremental::<Job>(&history);
}
