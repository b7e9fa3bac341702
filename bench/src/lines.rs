//! The table's lines: one builder per target of issue 7, each reading the phases of a
//! `Run` and naming its goal. A missing phase yields `n/a`, never a guessed number; the
//! builders only read, they never measure.

use crate::results::{Run, show, trim1};
use crate::table::{Goal, Line};

impl Run {
    pub fn lines(&self) -> Vec<Line> {
        let hello = self.num("hello", "summary.ok_per_second");
        let mut lines = vec![
            Line {
                target: "0. hello-world req/s, 32 conns (baseline)".into(),
                figure: hello,
                unit: "/s",
                baseline: None,
                goal: Goal::Info,
                note: format!(
                    "{}; 1 conn p50 {} ms, p99 {} ms",
                    self.outcomes("hello"),
                    show(self.num("hello-latency", "summary.latency_ms.p50")),
                    show(self.num("hello-latency", "summary.latency_ms.p99"))
                ),
                why: String::new(),
            },
            self.throughput("1. creates/s, 32 conns closed loop", "creates", hello, 0.20),
            self.throughput("1. mixed actions/s, 32 conns", "mixed", hello, 0.20),
            self.latency("2. create latency p50, 1 conn", "p50", 3.0),
            self.latency("2. create latency p99, 1 conn", "p99", 10.0),
            self.broker_floor(),
            self.freshness("3. freshness p99 @ 1000/s", "fresh1000", 25.0),
            self.freshness(
                "3. freshness p99 @ highest sustained rate",
                &self.sustained_phase(),
                100.0,
            ),
            self.lag_line(),
            self.catch_up(),
            self.throughput("5. get droplet req/s, 32 conns", "get", hello, 0.50),
            self.open_p99("5. get droplet p99 @ half load", "get-open", 5.0),
            self.throughput("5. list page req/s, 32 conns", "list", hello, 0.20),
            self.restore(),
            self.restore_from_snapshot(),
        ];
        lines.extend(self.memory());
        lines
    }

    fn throughput(&self, target: &str, phase: &str, hello: Option<f64>, ratio: f64) -> Line {
        Line {
            target: target.into(),
            figure: self.num(phase, "summary.ok_per_second"),
            unit: "/s",
            baseline: hello,
            goal: Goal::RatioAtLeast(ratio),
            note: self.outcomes(phase),
            why: self.why_throughput(phase, ratio),
        }
    }

    fn latency(&self, target: &str, quantile: &str, goal: f64) -> Line {
        Line {
            target: target.into(),
            figure: self.num("latency", &format!("summary.latency_ms.{quantile}")),
            unit: "ms",
            baseline: self.num("hello-latency", &format!("summary.latency_ms.{quantile}")),
            goal: Goal::AtMost(goal),
            note: self.outcomes("latency"),
            why: self.why_latency(),
        }
    }

    /// One acknowledged append through command-api's producer, one at a time: a create
    /// makes two in sequence (reserve the name, create), each followed by a read-back.
    fn broker_floor(&self) -> Line {
        Line {
            target: "2. broker floor: one acked append p50".into(),
            figure: self.num("acks", "append_ms.p50"),
            unit: "ms",
            baseline: None,
            goal: Goal::Info,
            note: format!(
                "p90 {} ms, p99 {} ms over {} appends; a create waits for 2 in sequence",
                show(self.num("acks", "append_ms.p90")),
                show(self.num("acks", "append_ms.p99")),
                show(self.num("acks", "appends")),
            ),
            why: String::new(),
        }
    }

    fn freshness(&self, target: &str, phase: &str, goal: f64) -> Line {
        let never = self.num(phase, "freshness.never_visible").unwrap_or(0.0);
        let figure = self
            .num(phase, "freshness.visible_after_ms.p99")
            .filter(|_| never == 0.0);
        let note = format!(
            "{}rate {} /s asked, {} /s accepted; p50 {} ms; {} of {} tracked never visible; command p99 {} ms; {}",
            self.search_trail(phase),
            show(self.num(phase, "rate")),
            show(self.num(phase, "summary.ok_per_second")),
            show(self.num(phase, "freshness.visible_after_ms.p50")),
            never,
            self.num(phase, "freshness.tracked").unwrap_or(0.0),
            show(self.num(phase, "summary.latency_ms.p99")),
            self.outcomes(phase),
        );
        Line {
            target: target.into(),
            figure,
            unit: "ms",
            baseline: None,
            goal: Goal::AtMost(goal),
            note,
            why: self.why_freshness(phase),
        }
    }

    /// The freshness phase run at the highest rate the stack sustained with the pollers
    /// running (`freshsearch.json`, written by the bench's search); the single
    /// `freshmax` phase of runs from before the search.
    fn sustained_phase(&self) -> String {
        self.text("freshsearch", "phase")
            .unwrap_or_else(|| "freshmax".to_owned())
    }

    /// For the sustained-rate phase: the rates tried, e.g. `tried 791 (accepted 700), 632
    /// (sustained); `. Empty for any other phase.
    fn search_trail(&self, phase: &str) -> String {
        let Some(search) = self.phases.get("freshsearch") else {
            return String::new();
        };
        if search.get("phase").and_then(|p| p.as_str()) != Some(phase) {
            return String::new();
        }
        let tries: Vec<String> = search
            .get("tries")
            .and_then(|t| t.as_array())
            .into_iter()
            .flatten()
            .map(|t| {
                let rate = show(t.get("rate").and_then(|v| v.as_f64()));
                if t.get("sustained").and_then(|v| v.as_bool()) == Some(true) {
                    format!("{rate} (sustained)")
                } else {
                    let accepted = show(t.get("accepted").and_then(|v| v.as_f64()));
                    format!("{rate} (accepted {accepted}, or lag did not drain)")
                }
            })
            .collect();
        format!("tried {}; ", tries.join(", "))
    }

    fn lag_line(&self) -> Line {
        let max = self
            .lag
            .iter()
            .map(|l| l.2)
            .filter(|v| v.is_finite())
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let last = self.lag.last().map(|l| l.2);
        Line {
            target: "3. projector lag max (records)".into(),
            figure: max,
            unit: "rec",
            baseline: None,
            goal: Goal::Info,
            note: format!(
                "last sample {} records; {} samples in lag.tsv / results",
                show(last),
                self.lag.len()
            ),
            why: String::new(),
        }
    }

    fn catch_up(&self) -> Line {
        let rows = self.num("catchup", "droplet_rows");
        let records = self.num("catchup", "records");
        Line {
            target: "4. projector catch-up events/s".into(),
            figure: self
                .num("catchup", "events_per_second")
                .filter(|_| rows == records),
            unit: "/s",
            baseline: self.num("upsert", "rows_per_second"),
            goal: Goal::RatioAtLeast(0.50),
            note: format!(
                "{} records in {} s from spawn (first checkpoint after {} s, {} /s from there); droplet rows {}; baseline: {} rows upserted in {} s",
                show(records),
                show(self.num("catchup", "seconds")),
                show(self.num("catchup", "first_progress_seconds")),
                show(self.num("catchup", "events_per_second_after_start")),
                show(rows),
                show(self.num("upsert", "rows")),
                show(self.num("upsert", "seconds")),
            ),
            why: format!(
                "{}; baseline {}",
                self.why_cpu("catchup"),
                self.why_cpu("upsert")
            ),
        }
    }

    fn open_p99(&self, target: &str, phase: &str, goal: f64) -> Line {
        Line {
            target: target.into(),
            figure: self.num(phase, "summary.latency_ms.p99"),
            unit: "ms",
            baseline: None,
            goal: Goal::AtMost(goal),
            note: format!(
                "rate {} /s asked, {} /s answered ok; {} unsent; {}",
                show(self.num(phase, "rate")),
                show(self.num(phase, "summary.ok_per_second")),
                show(self.num(phase, "unsent")),
                self.outcomes(phase)
            ),
            why: self.why_cpu(phase),
        }
    }

    fn restore(&self) -> Line {
        Line {
            target: "6. command-api restore events/s".into(),
            figure: self.num("restore", "events_per_second"),
            unit: "/s",
            baseline: None,
            goal: Goal::AtLeast(200_000.0),
            note: format!(
                "{} records, ready after {} s from spawn; on an empty topic ready after {} s, so {} /s net of start-up; RSS after restore {} MiB",
                show(self.num("restore", "records")),
                show(self.num("restore", "seconds")),
                show(self.num("restore", "empty_seconds")),
                show(self.num("restore", "events_per_second_net")),
                show(self.num("restore", "rss_mib"))
            ),
            why: self.why_restore(),
        }
    }

    /// The same cold start over the same topic, from the snapshots the log restore left:
    /// judged against the log restore (a snapshot that is not faster is worthless).
    fn restore_from_snapshot(&self) -> Line {
        let phase = "restore_snapshot";
        let count = |key: &str| {
            self.num(phase, key)
                .map_or("n/a".into(), |n| format!("{n:.0}"))
        };
        Line {
            target: "6. command-api restore with a snapshot events/s".into(),
            figure: self.num(phase, "events_per_second"),
            unit: "/s",
            baseline: self.num("restore", "events_per_second"),
            goal: Goal::RatioAtLeast(1.0),
            note: format!(
                "{} of {} partitions from a snapshot; same {} records, ready after {} s from spawn ({} /s net of start-up); RSS after restore {} MiB",
                count("partitions_from_snapshot"),
                count("partitions"),
                count("records"),
                show(self.num(phase, "seconds")),
                show(self.num(phase, "events_per_second_net")),
                show(self.num(phase, "rss_mib"))
            ),
            why: self.why_cpu(phase),
        }
    }

    /// RSS per service: idle, under load (max), and the soak's first → last sample.
    fn memory(&self) -> Vec<Line> {
        let services = [
            "command-api",
            "projector",
            "query-api",
            "log-consumer",
            "kafka",
        ];
        services
            .iter()
            .map(|s| {
                let mib = |label: &str| -> Vec<f64> {
                    self.rss
                        .iter()
                        .filter(|r| r.0.starts_with(label) && r.1 == *s)
                        .map(|r| r.2 / 1024.0)
                        .collect()
                };
                let idle = mib("idle").first().copied();
                let load = mib("load").into_iter().reduce(f64::max);
                let soak = mib("soak");
                let growth = match (soak.first(), soak.last()) {
                    (Some(a), Some(b)) => format!(
                        "soak {} -> {} MiB ({:+.1} MiB over {} samples)",
                        trim1(*a),
                        trim1(*b),
                        b - a,
                        soak.len()
                    ),
                    _ => "no soak samples".into(),
                };
                Line {
                    target: format!("7. RSS {s} idle / load"),
                    figure: idle,
                    unit: "MiB",
                    baseline: None,
                    goal: Goal::Info,
                    note: format!(
                        "idle {} MiB, under load max {} MiB, {growth}",
                        show(idle),
                        show(load)
                    ),
                    why: String::new(),
                }
            })
            .collect()
    }

    fn outcomes(&self, phase: &str) -> String {
        let n = |k: &str| self.num(phase, &format!("summary.{k}")).unwrap_or(0.0);
        if !self.phases.contains_key(phase) {
            return "phase did not run".into();
        }
        format!(
            "{} requests, 409 {}, 429 {}, other 4xx {}, 5xx {}, errors {}",
            n("requests"),
            n("conflicts_409"),
            n("throttled_429"),
            n("other_4xx"),
            n("server_errors_5xx"),
            n("transport_errors")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(files: &[(&str, &str)]) -> Run {
        let dir = std::env::temp_dir().join(format!("cg-bench-lines-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        for (name, body) in files {
            std::fs::write(dir.join(name), body).expect("written");
        }
        let run = Run::read(&dir).expect("read");
        std::fs::remove_dir_all(&dir).expect("removed");
        run
    }

    #[test]
    fn the_snapshot_restore_is_judged_against_the_log_restore() {
        let run = run_with(&[
            (
                "restore.json",
                r#"{"records": 20000, "seconds": 2.0, "events_per_second": 10000.0}"#,
            ),
            (
                "restore_snapshot.json",
                r#"{"records": 20000, "seconds": 0.5, "rss_mib": 40, "partitions": 12, "partitions_from_snapshot": 12, "events_per_second": 40000.0, "events_per_second_net": 80000.0}"#,
            ),
        ]);
        let line = run.restore_from_snapshot();
        assert_eq!((line.figure, line.baseline), (Some(40000.0), Some(10000.0)));
        assert!(matches!(line.goal, Goal::RatioAtLeast(r) if r == 1.0));
        assert!(
            line.note.starts_with("12 of 12 partitions from a snapshot"),
            "{}",
            line.note
        );
        let missing = run_with(&[]).restore_from_snapshot();
        assert_eq!(
            (missing.figure, missing.baseline),
            (None, None),
            "n/a, never guessed"
        );
    }
}
