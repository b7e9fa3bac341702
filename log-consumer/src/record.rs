//! The parsing side of the log record format every service writes to `logs.<service>`:
//! one JSON object per Kafka record, the `tracing` JSON line (features.md §4). Unknown
//! fields are tolerated (and kept in the shipped line); a missing or malformed required
//! field makes the record invalid, with a reason. It never panics on any input.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

/// The levels a record may carry; anything else would make an unbounded Loki label.
const LEVELS: [&str; 5] = ["trace", "debug", "info", "warn", "error"];
/// Bounds that keep a record's label values and ids within their columns.
const MAX_SERVICE: usize = 64;
const MAX_ENVIRONMENT: usize = 64;
const MAX_ID: usize = 255;

/// One valid log record.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LogRecord {
    pub timestamp: DateTime<Utc>,
    pub level: String,
    pub service: String,
    pub environment: String,
    pub message: String,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub job_id: Option<Uuid>,
    #[serde(default)]
    pub attempt: Option<u32>,
    #[serde(default)]
    pub aggregate_id: Option<String>,
    #[serde(default)]
    pub trace_id: Option<String>,
    #[serde(default)]
    pub span_id: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub event_type: Option<String>,
    #[serde(default)]
    pub log_schema_version: Option<u32>,
}

/// Why a record cannot be shipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("the record has no payload")]
    Empty,
    #[error("the record is not a JSON object: {0}")]
    NotJson(String),
    #[error("the record does not have the log record shape: {0}")]
    Shape(String),
    #[error("{0}")]
    Field(String),
}

impl LogRecord {
    /// Parses one Kafka record's payload. Fields nested under `fields` (the `tracing`
    /// JSON layout without flattening) count as top-level ones; top-level ones win.
    pub fn parse(payload: Option<&[u8]>) -> Result<Self, Invalid> {
        let bytes = payload.filter(|b| !b.is_empty()).ok_or(Invalid::Empty)?;
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| Invalid::NotJson(e.to_string()))?;
        let Value::Object(object) = value else {
            return Err(Invalid::NotJson("not an object".into()));
        };
        let record: Self = serde_json::from_value(Value::Object(flatten_fields(object)))
            .map_err(|e| Invalid::Shape(e.to_string()))?;
        record.validated()
    }

    /// Normalises the level to lower case and checks the bounded fields.
    fn validated(mut self) -> Result<Self, Invalid> {
        self.level = self.level.to_ascii_lowercase();
        if !LEVELS.contains(&self.level.as_str()) {
            return Err(Invalid::Field(format!("unknown level {:?}", self.level)));
        }
        bounded("service", &self.service, MAX_SERVICE)?;
        bounded("environment", &self.environment, MAX_ENVIRONMENT)?;
        for (name, id) in [
            ("trace_id", &self.trace_id),
            ("span_id", &self.span_id),
            ("request_id", &self.request_id),
        ] {
            if let Some(id) = id {
                bounded(name, id, MAX_ID)?;
            }
        }
        Ok(self)
    }
}

fn bounded(name: &str, value: &str, max: usize) -> Result<(), Invalid> {
    if value.is_empty() || value.len() > max {
        return Err(Invalid::Field(format!(
            "{name} must have 1 to {max} bytes, has {}",
            value.len()
        )));
    }
    Ok(())
}

/// Moves the members of a `fields` object to the top level unless already there.
fn flatten_fields(mut object: Map<String, Value>) -> Map<String, Value> {
    if let Some(Value::Object(fields)) = object.remove("fields") {
        for (key, value) in fields {
            object.entry(key).or_insert(value);
        }
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = r#"{"timestamp":"2026-12-05T10:00:00.123456Z","level":"INFO",
        "service":"command-api","environment":"dev","message":"created","target":"x",
        "job_id":"0192f0c4-1d2b-7c3d-8e4f-5a6b7c8d9e0f","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736",
        "log_schema_version":1,"something_new":[1,2]}"#;

    #[test]
    fn a_valid_record_parses_with_unknown_fields_and_a_lower_cased_level() {
        let record = LogRecord::parse(Some(VALID.as_bytes())).expect("valid");
        assert_eq!(record.level, "info");
        assert_eq!(record.service, "command-api");
        assert_eq!(record.timestamp.timestamp_subsec_micros(), 123_456);
        assert!(record.job_id.is_some());
        assert_eq!(record.log_schema_version, Some(1));
    }

    #[test]
    fn fields_nested_under_fields_count() {
        let nested = r#"{"timestamp":"2026-12-05T10:00:00Z","level":"warn","service":"s",
            "environment":"dev","fields":{"message":"m","trace_id":"t"}}"#;
        let record = LogRecord::parse(Some(nested.as_bytes())).expect("valid");
        assert_eq!(record.message, "m");
        assert_eq!(record.trace_id.as_deref(), Some("t"));
    }

    #[test]
    fn invalid_records_say_why() {
        let cases: [(&[u8], &str); 6] = [
            (b"", "no payload"),
            (b"not json", "not a JSON object"),
            (b"[1]", "not a JSON object"),
            (
                br#"{"level":"info","service":"s","environment":"e","message":"m"}"#,
                "timestamp",
            ),
            (
                br#"{"timestamp":"2026-12-05T10:00:00Z","level":"loud","service":"s","environment":"e","message":"m"}"#,
                "unknown level",
            ),
            (
                br#"{"timestamp":"2026-12-05T10:00:00Z","level":"info","service":"s","environment":"e","message":"m","job_id":"nope"}"#,
                "shape",
            ),
        ];
        for (payload, why) in cases {
            let error = LogRecord::parse(Some(payload)).expect_err("invalid");
            assert!(
                error.to_string().contains(why),
                "{error} should mention {why}"
            );
        }
    }
}
