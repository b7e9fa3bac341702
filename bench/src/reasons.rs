//! Why a figure is what it is, from what the run recorded: CPU per process and per
//! request (`cpu.tsv`), command-api's write-path stages and the projector's batches
//! (`stages.tsv`). Every sentence quotes a measured number; where the run did not record
//! what a reason needs, it says so instead of guessing.

use crate::cpu::PhaseCpu;
use crate::results::{Run, show};

/// A machine busier than this over a phase is taken as CPU-bound.
const SATURATED: f64 = 0.85;

impl Run {
    fn phase_cpu(&self, phase: &str) -> Option<&PhaseCpu> {
        self.cpu.get(phase)
    }

    fn stage(&self, phase: &str, metric: &str) -> Option<f64> {
        self.stages.get(phase)?.get(metric).copied()
    }

    fn stage_mean_ms(&self, phase: &str, metric: &str) -> Option<f64> {
        let sum = self.stage(phase, &format!("{metric}_sum"))?;
        let count = self.stage(phase, &format!("{metric}_count"))?;
        (count > 0.0).then(|| sum * 1000.0 / count)
    }

    /// Throughput: CPU-bound (and at what CPU per request) or latency-bound.
    pub(crate) fn why_throughput(&self, phase: &str, ratio_goal: f64) -> String {
        let Some(cpu) = self.phase_cpu(phase) else {
            return "no CPU marks recorded for this phase".into();
        };
        let requests = self.num(phase, "summary.requests").unwrap_or(0.0);
        let per_request = cpu.ms_per_request(requests);
        let hello_ms = self
            .phase_cpu("hello")
            .and_then(|h| h.ms_per_request(self.num("hello", "summary.requests").unwrap_or(0.0)));
        let hello_rate = self.num("hello", "summary.ok_per_second").unwrap_or(0.0);
        let cores = cpu.cores();
        let needed_ms = if hello_rate > 0.0 {
            cores * 1000.0 / (hello_rate * ratio_goal)
        } else {
            f64::NAN
        };
        let head = if cpu.busy_share() >= SATURATED {
            format!(
                "CPU-bound (the physical limit: {cores} cores). The whole machine spends {} ms of CPU per request here against {} ms for hello-world, so {cores} cores allow at most {} /s; the goal needs <= {:.3} ms per request",
                show(per_request),
                hello_ms.map_or("n/a".into(), |v| format!("{v:.3}")),
                show(per_request.map(|ms| cores * 1000.0 / ms)),
                needed_ms,
            )
        } else {
            let conns = self.num(phase, "connections").unwrap_or(0.0);
            let mean = self.num(phase, "summary.latency_ms.mean");
            format!(
                "not CPU-bound ({:.0} % busy): latency-bound, {conns} connections / mean {} ms = {} /s (Little's law)",
                cpu.busy_share() * 100.0,
                show(mean),
                show(mean.filter(|m| *m > 0.0).map(|m| conns * 1000.0 / m)),
            )
        };
        format!("{head}. CPU: {}", cpu.describe(Some(requests)))
    }

    /// Mean milliseconds of a write-path stage for one command in a phase.
    fn command_stage_ms(&self, phase: &str, stage: &str, command: &str) -> Option<f64> {
        let sum = self.stage(
            phase,
            &format!("clustergenie_writer_{stage}_duration_seconds_sum|{command}"),
        )?;
        let count = self.stage(
            phase,
            &format!("clustergenie_writer_{stage}_duration_seconds_count|{command}"),
        )?;
        (count > 0.0).then(|| sum * 1000.0 / count)
    }

    /// Idle latency: where the milliseconds of one create go. A create holds its name
    /// (`name_reservation.reserve`), then appends the droplet (`droplet.create`), each
    /// acknowledged by the broker and read back before the next step.
    pub(crate) fn why_latency(&self) -> String {
        let phase = "latency";
        let stages = |command: &str| {
            (
                self.command_stage_ms(phase, "append_ack", command),
                self.command_stage_ms(phase, "read_back", command),
            )
        };
        let (reserve_ack, reserve_read) = stages("name_reservation.reserve");
        let (create_ack, create_read) = stages("droplet.create");
        let in_log = [reserve_ack, reserve_read, create_ack, create_read]
            .into_iter()
            .sum::<Option<f64>>();
        let server = self.stage_mean_ms(phase, "http_server_request_duration_seconds");
        let client = self.num(phase, "summary.latency_ms.mean");
        let cpu = self.phase_cpu(phase).map_or("no CPU marks".into(), |c| {
            c.describe(self.num(phase, "summary.requests").map(|r| r + 100.0))
        });
        format!(
            "mean per create: reserve the name (ack {} ms + read-back {} ms), then append the create (ack {} ms + read-back {} ms) = {} ms waiting on the broker in sequence; {} ms elsewhere in command-api (server time {} ms); {} ms between the load generator and the server (client mean {} ms). The broker's own floor is {} ms p50 / {} ms p99 per acked append from a bare producer, and a create needs two in sequence, each followed by a fetch round trip: the tail of those four round trips to the JVM broker sets the p99. CPU: {cpu}",
            show(reserve_ack),
            show(reserve_read),
            show(create_ack),
            show(create_read),
            show(in_log),
            show(server.zip(in_log).map(|(s, l)| s - l)),
            show(server),
            show(client.zip(server).map(|(c, s)| c - s)),
            show(client),
            show(self.num("acks", "append_ms.p50")),
            show(self.num("acks", "append_ms.p99")),
        )
    }

    /// Freshness: is it command-api, the projector's transactions, or the machine.
    pub(crate) fn why_freshness(&self, phase: &str) -> String {
        let records = self.stage(phase, "clustergenie_projector_records_total");
        let batches = self.stage(phase, "clustergenie_projector_batch_duration_seconds_count");
        let batch_ms = self.stage_mean_ms(phase, "clustergenie_projector_batch_duration_seconds");
        let busy = self.stage(phase, "clustergenie_projector_batch_duration_seconds_sum");
        let asked = self.num(phase, "rate");
        let accepted = self.num(phase, "summary.ok_per_second");
        let lag = self
            .lag
            .iter()
            .filter(|l| l.0 == phase && l.2.is_finite())
            .map(|l| l.2)
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let wall = self.phase_cpu(phase).map(|c| c.wall_seconds);
        let cpu = self.phase_cpu(phase).map_or("no CPU marks".into(), |c| {
            c.describe(self.num(phase, "summary.requests"))
        });
        format!(
            "the machine sustains {} creates/s at most (1.); command-api accepted {} /s of {} /s asked (command p99 {} ms); the projector applied {} records in {} transactions (mean {} records, {} ms each; {} s of transaction time in {} s wall across its lanes); lag peaked at {} records. CPU: {cpu}",
            show(self.num("creates", "summary.ok_per_second")),
            show(accepted),
            show(asked),
            show(self.num(phase, "summary.latency_ms.p99")),
            show(records),
            show(batches),
            show(
                records
                    .zip(batches)
                    .filter(|(_, b)| *b > 0.0)
                    .map(|(r, b)| r / b)
            ),
            show(batch_ms),
            show(busy),
            show(wall),
            show(lag),
        )
    }

    /// Restore: command-api's own CPU against the wall clock, and the page faults of
    /// growing the write model (each one a zeroed 4 KiB page).
    pub(crate) fn why_restore(&self) -> String {
        let records = self.num("restore", "records");
        let faults = self.num("restore", "minor_faults");
        let own = self.phase_cpu("restore").and_then(|c| {
            c.processes
                .get("command-api")
                .map(|cpu| (*cpu, c.wall_seconds))
        });
        format!(
            "command-api used {} s of CPU in {} s ({} µs per event, {} cores): partitions fold on one lane per core, fed by one consumer, so the restore shares the machine's cores with the broker; {} s of it is start-up (the empty topic's restore); {} minor page faults ({} per 1000 events) growing the write model to {} MiB. {}",
            show(own.map(|o| o.0)),
            show(own.map(|o| o.1)),
            show(own.zip(records).map(|((cpu, _), n)| cpu * 1e6 / n)),
            show(own.map(|(cpu, wall)| cpu / wall.max(f64::EPSILON))),
            show(self.num("restore", "empty_seconds")),
            show(faults),
            show(faults.zip(records).map(|(f, n)| f * 1000.0 / n)),
            show(self.num("restore", "rss_mib")),
            self.why_cpu("restore"),
        )
    }

    /// Anything else: where the phase's CPU went.
    pub(crate) fn why_cpu(&self, phase: &str) -> String {
        self.phase_cpu(phase)
            .map_or("no CPU marks recorded for this phase".into(), |c| {
                format!(
                    "CPU: {}",
                    c.describe(
                        self.num(phase, "summary.requests")
                            .or(self.num(phase, "records"))
                    )
                )
            })
    }
}
