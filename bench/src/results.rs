//! Reading one run directory of `make bench` (the phases' JSON files, `rss.tsv`, `lag.tsv`,
//! `cpu.tsv`, `stages.tsv`)
//! and writing the results document; the table's lines are built in `lines.rs`. It never
//! measures and never guesses a number a phase did not write.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::cpu::{self, PhaseCpu};
use crate::table::Line;

/// The files of one run, read once.
pub struct Run {
    pub(crate) phases: BTreeMap<String, Value>,
    /// (label, service, kB, seconds since start)
    pub rss: Vec<(String, String, f64, f64)>,
    /// (phase, seconds since start, lag in records)
    pub lag: Vec<(String, f64, f64)>,
    /// CPU per phase (end − start of its marks).
    pub cpu: BTreeMap<String, PhaseCpu>,
    /// Metric deltas per phase: write-path stages, projector batches.
    pub stages: BTreeMap<String, BTreeMap<String, f64>>,
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
        let cpu = cpu::phases(&rows("cpu.tsv"));
        let stages = cpu::stage_deltas(&rows("stages.tsv"));
        Ok(Self {
            phases,
            rss,
            lag,
            cpu,
            stages,
        })
    }

    /// A number at a dotted path of a phase's JSON.
    pub fn num(&self, phase: &str, path: &str) -> Option<f64> {
        let mut value = self.phases.get(phase)?;
        for key in path.split('.') {
            value = value.get(key)?;
        }
        value.as_f64().filter(|v| v.is_finite())
    }

    /// A string at a dotted path of a phase's JSON.
    pub fn text(&self, phase: &str, path: &str) -> Option<String> {
        let mut value = self.phases.get(phase)?;
        for key in path.split('.') {
            value = value.get(key)?;
        }
        value.as_str().map(str::to_owned)
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
        let cpu: BTreeMap<&String, Value> = self
            .cpu
            .iter()
            .map(|(phase, c)| {
                (
                    phase,
                    json!({"wall_seconds": c.wall_seconds, "machine_busy_seconds": c.machine_busy,
                        "machine_seconds": c.machine_all, "process_cpu_seconds": c.processes}),
                )
            })
            .collect();
        json!({"table": table, "phases": self.phases, "rss": rss, "projector_lag": lag,
            "cpu": cpu, "stages": self.stages})
    }
}

pub(crate) fn show(v: Option<f64>) -> String {
    v.map_or("n/a".into(), crate::table::trim)
}

pub(crate) fn trim1(v: f64) -> String {
    format!("{v:.1}")
}
