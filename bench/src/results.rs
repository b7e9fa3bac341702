//! Turning one run directory of `make bench` (the phases' JSON files, `rss.tsv`, `lag.tsv`)
//! into the table's lines and the results document. A phase whose file is missing (it
//! failed or was skipped) yields `n/a`, never a guessed number.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::table::{Goal, Line};

/// The files of one run, read once.
pub struct Run {
    phases: BTreeMap<String, Value>,
    /// (label, service, kB, seconds since start)
    pub rss: Vec<(String, String, f64, f64)>,
    /// (phase, seconds since start, lag in records)
    pub lag: Vec<(String, f64, f64)>,
}

impl Run {
    pub fn read(dir: &Path) -> anyhow::Result<Self> {
        let mut phases = BTreeMap::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "json") {
                let name = path
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                if let Ok(value) = serde_json::from_str(&std::fs::read_to_string(&path)?) {
                    phases.insert(name, value);
                }
            }
        }
        let rows = |file: &str| -> Vec<Vec<String>> {
            std::fs::read_to_string(dir.join(file))
                .unwrap_or_default()
                .lines()
                .map(|l| l.split('\t').map(str::to_owned).collect())
                .collect()
        };
        let num = |s: Option<&String>| s.and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
        let rss = rows("rss.tsv")
            .into_iter()
            .filter(|r| r.len() == 4)
            .map(|r| (r[0].clone(), r[1].clone(), num(r.get(2)), num(r.get(3))))
            .collect();
        let lag = rows("lag.tsv")
            .into_iter()
            .filter(|r| r.len() == 3)
            .map(|r| (r[0].clone(), num(r.get(1)), num(r.get(2))))
            .collect();
        Ok(Self { phases, rss, lag })
    }

    /// A number at a dotted path of a phase's JSON.
    pub fn num(&self, phase: &str, path: &str) -> Option<f64> {
        let mut value = self.phases.get(phase)?;
        for key in path.split('.') {
            value = value.get(key)?;
        }
        value.as_f64().filter(|v| v.is_finite())
    }

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
            },
            self.throughput("1. creates/s, 32 conns closed loop", "creates", hello, 0.20),
            self.throughput("1. mixed actions/s, 32 conns", "mixed", hello, 0.20),
            self.latency("2. create latency p50, 1 conn", "p50", 3.0),
            self.latency("2. create latency p99, 1 conn", "p99", 10.0),
            self.broker_floor(),
            self.freshness("3. freshness p99 @ 1000/s", "fresh1000", 25.0),
            self.freshness("3. freshness p99 @ 80 % of max", "freshmax", 100.0),
            self.lag_line(),
            self.catch_up(),
            self.throughput("5. get droplet req/s, 32 conns", "get", hello, 0.50),
            self.open_p99("5. get droplet p99 @ half load", "get-open", 5.0),
            self.throughput("5. list page req/s, 32 conns", "list", hello, 0.20),
            self.restore(),
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
        }
    }

    fn freshness(&self, target: &str, phase: &str, goal: f64) -> Line {
        let never = self.num(phase, "freshness.never_visible").unwrap_or(0.0);
        let figure = self
            .num(phase, "freshness.visible_after_ms.p99")
            .filter(|_| never == 0.0);
        let note = format!(
            "rate {} /s asked, {} /s accepted; p50 {} ms; {} of {} tracked never visible; command p99 {} ms; {}",
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
        }
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

    /// The results document: every line, every phase's raw JSON, the RSS and lag series.
    pub fn document(&self, lines: &[Line]) -> Value {
        let table: Vec<Value> = lines
            .iter()
            .map(|l| json!({"line": l, "ratio": l.ratio(), "met": l.met()}))
            .collect();
        let rss: Vec<Value> = self
            .rss
            .iter()
            .map(|r| json!({"label": r.0, "service": r.1, "rss_kib": r.2, "t": r.3}))
            .collect();
        let lag: Vec<Value> = self
            .lag
            .iter()
            .map(|l| json!({"phase": l.0, "t": l.1, "lag_records": l.2}))
            .collect();
        json!({"table": table, "phases": self.phases, "rss": rss, "projector_lag": lag})
    }
}

fn show(v: Option<f64>) -> String {
    v.map_or("n/a".into(), crate::table::trim)
}

fn trim1(v: f64) -> String {
    format!("{v:.1}")
}
