//! The optional LLM path of features.md §2.5: when an API key is configured
//! (`[diagnosis] api_key`, or `OPENAI_API_KEY`), the rule engine's facts and insights are
//! sent to an OpenAI-compatible chat-completions endpoint under a strict timeout, and the
//! answer is parsed into the same insight shape. Anything short of a well-formed answer
//! (timeout, HTTP error, no choice, unparsable or empty content) is an error, and the
//! caller keeps the rule engine's insights. A model's insight may only name objects of
//! the cluster, and it carries the rule engine's change for the same check and object,
//! never one the model made up. Never called without a key; never retried.

use std::time::Duration;

use domain::diagnosis::{ClusterFacts, Evidence, Insight, ObjectRef, Recommendation, Severity};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// `[diagnosis]` of command-api's configuration. Its `Debug` never shows the key.
#[derive(Clone, Deserialize)]
#[serde(default)]
pub struct LlmSettings {
    /// Empty: the LLM path is off (the rule engine alone).
    pub api_key: String,
    /// An OpenAI-compatible API root (`…/v1`).
    pub base_url: String,
    pub model: String,
    /// The whole call, connect to last byte.
    pub timeout_ms: u64,
}

impl std::fmt::Debug for LlmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmSettings")
            .field(
                "api_key",
                &if self.api_key.is_empty() {
                    ""
                } else {
                    "<redacted>"
                },
            )
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

impl Default for LlmSettings {
    fn default() -> Self {
        Self {
            api_key: String::new(),
            base_url: "https://api.openai.com/v1".into(),
            model: "gpt-4o-mini".into(),
            timeout_ms: 8_000,
        }
    }
}

impl LlmSettings {
    /// `OPENAI_API_KEY` fills an empty key (features.md §11).
    pub fn apply_env(&mut self) {
        if self.api_key.is_empty()
            && let Ok(key) = std::env::var("OPENAI_API_KEY")
        {
            self.api_key = key;
        }
    }
}

/// Most insights taken from one answer, and the longest text kept per field.
const MAX_INSIGHTS: usize = 20;
const MAX_TEXT: usize = 500;

/// A configured client, or nothing when the path is off.
#[derive(Clone)]
pub struct Llm {
    settings: LlmSettings,
    http: reqwest::Client,
}

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("the model did not answer in time")]
    Timeout,
    #[error("the model's endpoint failed: {0}")]
    Http(String),
    #[error("the model's answer is unusable: {0}")]
    Answer(&'static str),
}

impl Llm {
    pub fn new(settings: &LlmSettings) -> anyhow::Result<Option<Self>> {
        if settings.api_key.is_empty() {
            return Ok(None);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.timeout_ms))
            .build()?;
        Ok(Some(Self {
            settings: settings.clone(),
            http,
        }))
    }

    /// The model's insights about the cluster, given the rule engine's.
    pub async fn insights(
        &self,
        facts: &ClusterFacts,
        rules: &[Insight],
    ) -> Result<Vec<Insight>, LlmError> {
        let timeout = Duration::from_millis(self.settings.timeout_ms);
        let call = self.ask(facts, rules);
        let content = tokio::time::timeout(timeout, call)
            .await
            .map_err(|_| LlmError::Timeout)??;
        parse(&content, facts, rules)
    }

    async fn ask(&self, facts: &ClusterFacts, rules: &[Insight]) -> Result<String, LlmError> {
        let url = format!(
            "{}/chat/completions",
            self.settings.base_url.trim_end_matches('/')
        );
        let body = json!({
            "model": self.settings.model,
            "response_format": { "type": "json_object" },
            "messages": [
                { "role": "system", "content": PROMPT },
                { "role": "user", "content": describe(facts, rules).to_string() },
            ],
        });
        let response = self
            .http
            .post(url)
            .bearer_auth(&self.settings.api_key)
            .json(&body)
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    LlmError::Timeout
                } else {
                    LlmError::Http(e.to_string())
                }
            })?;
        if !response.status().is_success() {
            return Err(LlmError::Http(format!("status {}", response.status())));
        }
        let answer: Value = response
            .json()
            .await
            .map_err(|e| LlmError::Http(e.to_string()))?;
        // The original read the first choice without a length check.
        answer["choices"]
            .as_array()
            .and_then(|choices| choices.first())
            .and_then(|choice| choice["message"]["content"].as_str())
            .map(str::to_owned)
            .ok_or(LlmError::Answer("no choice with content"))
    }
}

const PROMPT: &str = "You diagnose a Kubernetes-like cluster. You get its facts and the insights of a \
rule engine as JSON. Answer with one JSON object {\"insights\": [...]}, each item with: check \
(snake_case), category, severity (error|warning|suggestion), title, message, object_kind \
(cluster|node_pool|node), object_id (an id from the facts), and optionally metric, value, \
threshold, window. Keep the rule engine's checks you agree with; add none you cannot support \
with the facts.";

/// The facts and the rule engine's insights, as the model reads them.
fn describe(facts: &ClusterFacts, rules: &[Insight]) -> Value {
    let pools: Vec<Value> = facts
        .pools
        .iter()
        .map(|p| json!({
            "id": p.id, "name": p.name, "size": p.size_slug, "count": p.count,
            "auto_scale": p.auto_scale, "min_nodes": p.min_nodes, "max_nodes": p.max_nodes,
            "nodes": p.nodes.iter().map(|n| json!({"id": n.id, "name": n.name})).collect::<Vec<_>>(),
            "mean_cpu": p.means.cpu, "mean_memory": p.means.memory, "mean_disk": p.means.disk,
        }))
        .collect();
    let insights: Vec<Value> = rules
        .iter()
        .map(|i| {
            json!({
                "check": i.check, "severity": i.severity.as_str(), "message": i.message,
                "object_kind": i.object.kind, "object_id": i.object.id,
            })
        })
        .collect();
    json!({
        "cluster": { "id": facts.cluster_id, "name": facts.cluster_name, "region": facts.region },
        "pools": pools,
        "health": facts.health.status.as_str(),
        "queued_jobs": facts.queued_jobs,
        "dead_jobs": facts.dead_jobs,
        "rule_insights": insights,
    })
}

#[derive(Deserialize)]
struct Answer {
    insights: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    check: String,
    #[serde(default)]
    category: String,
    severity: String,
    title: String,
    message: String,
    object_kind: String,
    object_id: Uuid,
    metric: Option<String>,
    value: Option<f64>,
    threshold: Option<f64>,
    window: Option<String>,
}

fn cut(text: &str) -> String {
    text.chars().take(MAX_TEXT).collect()
}

/// The model's content as insights, worst first; an empty or malformed answer is an error.
fn parse(content: &str, facts: &ClusterFacts, rules: &[Insight]) -> Result<Vec<Insight>, LlmError> {
    let answer: Answer =
        serde_json::from_str(content).map_err(|_| LlmError::Answer("not the insight JSON"))?;
    let mut insights = Vec::new();
    for item in answer.insights.into_iter().take(MAX_INSIGHTS) {
        let severity =
            Severity::parse(&item.severity).ok_or(LlmError::Answer("unknown severity"))?;
        let object = known_object(facts, &item.object_kind, item.object_id)
            .ok_or(LlmError::Answer("an object the cluster does not have"))?;
        // The rule engine's recommendation for the same finding, or a plain review.
        let recommendation = rules
            .iter()
            .find(|r| r.check == item.check && r.object.id == object.id)
            .map_or_else(
                || Recommendation {
                    action: "review".into(),
                    change: None,
                },
                |r| r.recommendation.clone(),
            );
        let evidence = match (item.metric, item.value, item.threshold) {
            (Some(metric), Some(value), Some(threshold)) => Some(Evidence {
                metric: cut(&metric),
                value,
                threshold,
                window: cut(&item.window.unwrap_or_else(|| "now".into())),
            }),
            _ => None,
        };
        insights.push(Insight {
            recommendation,
            check: cut(&item.check),
            category: if item.category.is_empty() {
                "general".into()
            } else {
                cut(&item.category)
            },
            severity,
            title: cut(&item.title),
            message: cut(&item.message),
            evidence,
            object,
        });
    }
    if insights.is_empty() {
        return Err(LlmError::Answer("no insight"));
    }
    insights.sort_by_key(|i| i.severity);
    Ok(insights)
}

/// The object `kind`/`id` names, if the cluster has it.
fn known_object(facts: &ClusterFacts, kind: &str, id: Uuid) -> Option<ObjectRef> {
    let object = |kind: &str, name: &str| ObjectRef {
        kind: kind.into(),
        id,
        name: name.into(),
    };
    match kind {
        "cluster" if id == facts.cluster_id => Some(object("cluster", &facts.cluster_name)),
        "node_pool" => facts
            .pools
            .iter()
            .find(|p| p.id == id)
            .map(|p| object("node_pool", &p.name)),
        "node" => facts.pool_of(id).map(|(_, n)| object("node", &n.name)),
        _ => None,
    }
}
