//! Deployment analysis (api.md §12.4): metrics `success_rate` and `latency_p99_ms` with a
//! success and an optional failure condition (`result >= 0.95`), `failure_limit`, and the
//! judgement of measured values — Argo's rules: a metric fails when more measurements
//! failed than `failure_limit`, is inconclusive when a measurement matched neither
//! condition, else succeeds; a run fails if a metric failed, is inconclusive if one was.
//! Pure: the measurements are drawn by the caller.

/// The metrics an analysis may read from the simulated health signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricName {
    SuccessRate,
    LatencyP99Ms,
}

impl MetricName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SuccessRate => "success_rate",
            Self::LatencyP99Ms => "latency_p99_ms",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "success_rate" => Some(Self::SuccessRate),
            "latency_p99_ms" => Some(Self::LatencyP99Ms),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

/// `result <op> <number>`, the one form of condition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Condition {
    pub comparison: Comparison,
    pub threshold: f64,
}

impl Condition {
    /// Parses `result >= 0.95`; `None` when it is not of that form.
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.trim().strip_prefix("result")?.trim_start();
        let (comparison, number) = [
            (">=", Comparison::Ge),
            ("<=", Comparison::Le),
            ("==", Comparison::Eq),
            (">", Comparison::Gt),
            ("<", Comparison::Lt),
        ]
        .into_iter()
        .find_map(|(op, c)| rest.strip_prefix(op).map(|n| (c, n)))?;
        let threshold: f64 = number.trim().parse().ok()?;
        threshold.is_finite().then_some(Self {
            comparison,
            threshold,
        })
    }

    pub fn holds(&self, value: f64) -> bool {
        let t = self.threshold;
        match self.comparison {
            Comparison::Ge => value >= t,
            Comparison::Gt => value > t,
            Comparison::Le => value <= t,
            Comparison::Lt => value < t,
            Comparison::Eq => (value - t).abs() < f64::EPSILON,
        }
    }

    /// The condition as written canonically.
    pub fn text(&self) -> String {
        let op = match self.comparison {
            Comparison::Ge => ">=",
            Comparison::Gt => ">",
            Comparison::Le => "<=",
            Comparison::Lt => "<",
            Comparison::Eq => "==",
        };
        format!("result {op} {}", self.threshold)
    }
}

pub const DEFAULT_FAILURE_LIMIT: u32 = 3;
pub const DEFAULT_INTERVAL_SECONDS: u32 = 60;

#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: MetricName,
    pub interval_seconds: u32,
    /// Measurements per run; default `failure_limit + 1`, so a run fails only when every
    /// measurement failed.
    pub count: Option<u32>,
    pub success_condition: Condition,
    pub failure_condition: Option<Condition>,
    pub failure_limit: u32,
}

impl Metric {
    pub fn new(name: MetricName, success_condition: Condition) -> Self {
        Self {
            name,
            interval_seconds: DEFAULT_INTERVAL_SECONDS,
            count: None,
            success_condition,
            failure_condition: None,
            failure_limit: DEFAULT_FAILURE_LIMIT,
        }
    }

    pub fn measurements(&self) -> u32 {
        self.count
            .unwrap_or(self.failure_limit.saturating_add(1))
            .max(1)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub metrics: Vec<Metric>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Successful,
    Failed,
    Inconclusive,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Successful => "successful",
            Self::Failed => "failed",
            Self::Inconclusive => "inconclusive",
        }
    }
}

/// One metric of a recorded run, as served.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricOutcome {
    pub name: MetricName,
    /// The mean of the measurements.
    pub value: f64,
    pub success_condition: String,
    pub passed: bool,
}

/// One analysis run as recorded on the deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisRun {
    /// The step it ran at (`None`: post-promotion).
    pub step: Option<u32>,
    pub result: Verdict,
    pub metrics: Vec<MetricOutcome>,
    pub at: chrono::DateTime<chrono::Utc>,
}

fn judge_metric(metric: &Metric, values: &[f64]) -> Verdict {
    let mut failed = 0u32;
    let mut inconclusive = 0u32;
    for value in values {
        let success = metric.success_condition.holds(*value);
        let failure = match metric.failure_condition {
            Some(c) => c.holds(*value),
            None => !success,
        };
        if failure {
            failed += 1;
        } else if !success {
            inconclusive += 1;
        }
    }
    if values.is_empty() {
        Verdict::Inconclusive
    } else if failed > metric.failure_limit {
        Verdict::Failed
    } else if inconclusive > 0 {
        Verdict::Inconclusive
    } else {
        Verdict::Successful
    }
}

/// Judges one run: `measured[i]` are the values of `analysis.metrics[i]`.
pub fn judge(
    analysis: &Analysis,
    measured: &[Vec<f64>],
    step: Option<u32>,
    at: chrono::DateTime<chrono::Utc>,
) -> AnalysisRun {
    let mut result = Verdict::Successful;
    let mut metrics = Vec::with_capacity(analysis.metrics.len());
    for (index, metric) in analysis.metrics.iter().enumerate() {
        let values = measured.get(index).map(Vec::as_slice).unwrap_or_default();
        let verdict = judge_metric(metric, values);
        result = match (result, verdict) {
            (Verdict::Failed, _) | (_, Verdict::Failed) => Verdict::Failed,
            (Verdict::Inconclusive, _) | (_, Verdict::Inconclusive) => Verdict::Inconclusive,
            _ => Verdict::Successful,
        };
        let mean = if values.is_empty() {
            0.0
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        };
        metrics.push(MetricOutcome {
            name: metric.name,
            value: mean,
            success_condition: metric.success_condition.text(),
            passed: verdict == Verdict::Successful,
        });
    }
    AnalysisRun {
        step,
        result,
        metrics,
        at,
    }
}

/// The analysis of a deployment that names none: the health signal's success rate at
/// least 95 % and p99 latency at most 500 ms.
pub fn default_analysis() -> Analysis {
    let condition = |comparison, threshold| Condition {
        comparison,
        threshold,
    };
    Analysis {
        metrics: vec![
            Metric::new(MetricName::SuccessRate, condition(Comparison::Ge, 0.95)),
            Metric::new(MetricName::LatencyP99Ms, condition(Comparison::Le, 500.0)),
        ],
    }
}
