//! Where a phase's CPU went: the `cpu.tsv` marks `make bench` writes at both edges of a
//! phase (ticks per process, the machine's busy and total ticks, the wall clock) turned
//! into cores used per process and CPU milliseconds per request. It only subtracts what
//! was recorded; a process missing at either edge is left out, never estimated.

use std::collections::BTreeMap;

/// Clock ticks per second of `/proc/*/stat` and `/proc/stat` (USER_HZ on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// The CPU of one phase, end minus start.
#[derive(Debug, Clone, Default)]
pub struct PhaseCpu {
    pub wall_seconds: f64,
    /// CPU seconds per process name.
    pub processes: BTreeMap<String, f64>,
    /// CPU seconds the whole machine was busy (every core), niced work left out.
    pub machine_busy: f64,
    /// CPU seconds of niced background work (a build beside the run), which yields.
    pub machine_nice: f64,
    /// CPU seconds the machine had (wall × cores).
    pub machine_all: f64,
    /// Seconds some runnable task waited for a CPU (PSI `cpu some`), if the kernel has PSI.
    pub cpu_stall: Option<f64>,
    /// Seconds some task waited for I/O (PSI `io some`): fsyncs queued behind writeback.
    pub io_stall: Option<f64>,
}

impl PhaseCpu {
    /// Cores the machine has, as seen in the ticks.
    pub fn cores(&self) -> f64 {
        if self.wall_seconds > 0.0 {
            (self.machine_all / self.wall_seconds).round()
        } else {
            0.0
        }
    }

    /// The machine's busy share, 0..1.
    pub fn busy_share(&self) -> f64 {
        if self.machine_all > 0.0 {
            self.machine_busy / self.machine_all
        } else {
            0.0
        }
    }

    /// CPU seconds not accounted to a followed process: the load generator, the kernel's
    /// own threads, the samplers.
    pub fn rest(&self) -> f64 {
        (self.machine_busy - self.processes.values().sum::<f64>()).max(0.0)
    }

    /// CPU milliseconds the whole machine spent per request.
    pub fn ms_per_request(&self, requests: f64) -> Option<f64> {
        (requests > 0.0).then(|| self.machine_busy * 1000.0 / requests)
    }

    /// "machine 97 % busy of 2 cores; command-api 0.71 cores (1.10 ms/req), kafka …".
    pub fn describe(&self, requests: Option<f64>) -> String {
        let wall = self.wall_seconds.max(f64::EPSILON);
        let per_request = |cpu: f64| match requests.filter(|r| *r > 0.0) {
            Some(r) => format!(" ({:.3} ms/req)", cpu * 1000.0 / r),
            None => String::new(),
        };
        let mut parts: Vec<(f64, String)> = self
            .processes
            .iter()
            .map(|(name, cpu)| {
                (
                    *cpu,
                    format!("{name} {:.2} cores{}", cpu / wall, per_request(*cpu)),
                )
            })
            .collect();
        parts.push((
            self.rest(),
            format!(
                "loadgen+kernel+rest {:.2} cores{}",
                self.rest() / wall,
                per_request(self.rest())
            ),
        ));
        parts.sort_by(|a, b| b.0.total_cmp(&a.0));
        let listed: Vec<String> = parts
            .into_iter()
            .filter(|p| p.0 > 0.0)
            .map(|p| p.1)
            .collect();
        let niced = if self.machine_nice > 0.01 * wall {
            format!(
                " (+ {:.2} cores of niced background work)",
                self.machine_nice / wall
            )
        } else {
            String::new()
        };
        let stall = |label: &str, s: Option<f64>| {
            s.map_or(String::new(), |s| {
                format!(
                    ", tasks waited for {label} {:.0} % of the time",
                    s * 100.0 / wall
                )
            })
        };
        format!(
            "machine {:.0} % busy of {} cores over {:.1} s{niced}{}{}; {}",
            self.busy_share() * 100.0,
            self.cores(),
            self.wall_seconds,
            stall("a CPU", self.cpu_stall),
            stall("I/O", self.io_stall),
            listed.join(", ")
        )
    }
}

/// `(phase, edge) → name → value` from rows of `phase, edge, name, value`; rows that do
/// not parse are left out.
type Marks = BTreeMap<(String, String), BTreeMap<String, f64>>;

fn marks(rows: &[Vec<String>]) -> Marks {
    let mut marks = Marks::new();
    for row in rows.iter().filter(|r| r.len() == 4) {
        if let Ok(value) = row[3].parse::<f64>() {
            marks
                .entry((row[0].clone(), row[1].clone()))
                .or_default()
                .insert(row[2].clone(), value);
        }
    }
    marks
}

/// Reads `cpu.tsv` rows (`phase, edge, name, value`) into one `PhaseCpu` per phase that
/// has both edges.
pub fn phases(rows: &[Vec<String>]) -> BTreeMap<String, PhaseCpu> {
    let marks = marks(rows);
    let mut out = BTreeMap::new();
    for ((phase, edge), start) in &marks {
        if edge != "start" {
            continue;
        }
        let Some(end) = marks.get(&(phase.clone(), "end".to_owned())) else {
            continue;
        };
        let delta = |k: &str| Some(end.get(k)? - start.get(k)?);
        let mut cpu = PhaseCpu {
            wall_seconds: delta("wall").unwrap_or(0.0),
            machine_busy: delta("machine.busy").unwrap_or(0.0) / TICKS_PER_SECOND,
            machine_all: delta("machine.all").unwrap_or(0.0) / TICKS_PER_SECOND,
            machine_nice: delta("machine.nice").unwrap_or(0.0) / TICKS_PER_SECOND,
            cpu_stall: delta("stall.cpu").map(|us| us / 1e6),
            io_stall: delta("stall.io").map(|us| us / 1e6),
            processes: BTreeMap::new(),
        };
        for name in start
            .keys()
            .filter(|k| !k.starts_with("machine.") && !k.starts_with("stall.") && *k != "wall")
        {
            if let Some(ticks) = delta(name).filter(|t| *t >= 0.0) {
                cpu.processes.insert(name.clone(), ticks / TICKS_PER_SECOND);
            }
        }
        out.insert(phase.clone(), cpu);
    }
    out
}

/// Reads `stages.tsv` rows (`phase, edge, metric, value`) into end − start per metric.
pub fn stage_deltas(rows: &[Vec<String>]) -> BTreeMap<String, BTreeMap<String, f64>> {
    let marks = marks(rows);
    let mut out: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for ((phase, edge), end) in &marks {
        if edge != "end" {
            continue;
        }
        let start = marks.get(&(phase.clone(), "start".to_owned()));
        for (metric, value) in end {
            let before = start.and_then(|s| s.get(metric)).copied().unwrap_or(0.0);
            out.entry(phase.clone())
                .or_default()
                .insert(metric.clone(), value - before);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        text.lines()
            .map(|l| l.split('\t').map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn a_phase_is_its_end_minus_its_start() {
        let cpu = phases(&rows(
            "p\tstart\tcommand-api\t100\np\tstart\tmachine.busy\t1000\np\tstart\tmachine.all\t2000\np\tstart\twall\t10\n\
             p\tstart\tstall.io\t1000000\n\
             p\tend\tcommand-api\t250\np\tend\tmachine.busy\t1300\np\tend\tmachine.all\t2400\np\tend\twall\t12\n\
             p\tend\tstall.io\t1500000",
        ));
        let p = &cpu["p"];
        assert_eq!(p.wall_seconds, 2.0);
        assert_eq!(p.cores(), 2.0);
        assert_eq!(p.processes["command-api"], 1.5);
        assert!((p.busy_share() - 0.75).abs() < 1e-9);
        assert!((p.rest() - 1.5).abs() < 1e-9);
        assert_eq!(p.ms_per_request(1000.0), Some(3.0));
        let described = p.describe(Some(1000.0));
        assert!(
            described.contains("command-api 0.75 cores (1.500 ms/req)"),
            "{described}"
        );
        assert_eq!(p.io_stall, Some(0.5));
        assert!(
            described.contains("waited for I/O 25 % of the time"),
            "{described}"
        );
        assert!(!p.processes.contains_key("stall.io"));
    }

    #[test]
    fn a_phase_without_an_end_is_left_out() {
        assert!(phases(&rows("p\tstart\twall\t10")).is_empty());
    }

    #[test]
    fn stage_deltas_subtract_the_start() {
        let d = stage_deltas(&rows(
            "p\tstart\tx_sum\t1.5\np\tend\tx_sum\t4\np\tend\ty_count\t7",
        ));
        assert_eq!(d["p"]["x_sum"], 2.5);
        assert_eq!(d["p"]["y_count"], 7.0);
    }
}
