//! One push body from a batch of valid records: streams keyed by the label set
//! `{service, env, level}` (only those — ids would make unbounded streams), entries in
//! timestamp order within each stream, the ids as structured metadata, the record's own
//! JSON as the line, prost-encoded and snappy-compressed in the **block** format
//! (stack.md P12). It never reorders across streams and never drops an entry.

use std::collections::BTreeMap;

use prost::Message;

use super::wire::{EntryAdapter, LabelPairAdapter, PushRequest, StreamAdapter};
use crate::record::LogRecord;

/// One valid record and the line shipped for it (the record's JSON as received).
#[derive(Debug, Clone)]
pub struct Entry {
    pub record: LogRecord,
    pub line: String,
}

/// The label set of a record, in name order.
fn labels(record: &LogRecord) -> String {
    let pairs = [
        ("env", record.environment.as_str()),
        ("level", record.level.as_str()),
        ("service", record.service.as_str()),
    ];
    let rendered: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{name}=\"{}\"", escape(value)))
        .collect();
    format!("{{{}}}", rendered.join(", "))
}

/// A LogQL string literal's escapes.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The ids an entry carries as structured metadata, when present.
fn metadata(record: &LogRecord) -> Vec<LabelPairAdapter> {
    let job_id = record.job_id.map(|id| id.to_string());
    [
        ("job_id", job_id.as_deref()),
        ("trace_id", record.trace_id.as_deref()),
        ("span_id", record.span_id.as_deref()),
        ("request_id", record.request_id.as_deref()),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        value.map(|value| LabelPairAdapter {
            name: name.to_owned(),
            value: value.to_owned(),
        })
    })
    .collect()
}

fn timestamp(record: &LogRecord) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: record.timestamp.timestamp(),
        nanos: i32::try_from(record.timestamp.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// The `PushRequest` for `entries`: one stream per label set, entries sorted by time
/// (stable, so equal timestamps keep their log order).
pub fn push_request(entries: &[Entry]) -> PushRequest {
    let mut streams: BTreeMap<String, Vec<&Entry>> = BTreeMap::new();
    for entry in entries {
        streams
            .entry(labels(&entry.record))
            .or_default()
            .push(entry);
    }
    let streams = streams
        .into_iter()
        .map(|(labels, mut members)| {
            members.sort_by_key(|entry| entry.record.timestamp);
            StreamAdapter {
                labels,
                entries: members
                    .into_iter()
                    .map(|entry| EntryAdapter {
                        timestamp: Some(timestamp(&entry.record)),
                        line: entry.line.clone(),
                        structured_metadata: metadata(&entry.record),
                    })
                    .collect(),
                hash: 0,
            }
        })
        .collect();
    PushRequest { streams }
}

/// The HTTP body: the encoded request, snappy block-compressed.
pub fn push_body(request: &PushRequest) -> Result<Vec<u8>, snap::Error> {
    snap::raw::Encoder::new().compress_vec(&request.encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ts: &str, level: &str, service: &str) -> Entry {
        let line = format!(
            r#"{{"timestamp":"{ts}","level":"{level}","service":"{service}","environment":"dev","message":"m","trace_id":"t1"}}"#
        );
        Entry {
            record: LogRecord::parse(Some(line.as_bytes())).expect("valid"),
            line,
        }
    }

    #[test]
    fn entries_are_grouped_by_labels_and_sorted_by_time() {
        let entries = [
            entry("2026-12-05T10:00:02Z", "info", "a"),
            entry("2026-12-05T10:00:01Z", "info", "a"),
            entry("2026-12-05T10:00:00Z", "error", "a"),
        ];
        let request = push_request(&entries);
        let labels: Vec<&str> = request.streams.iter().map(|s| s.labels.as_str()).collect();
        assert_eq!(
            labels,
            [
                r#"{env="dev", level="error", service="a"}"#,
                r#"{env="dev", level="info", service="a"}"#
            ]
        );
        let seconds: Vec<i64> = request.streams[1]
            .entries
            .iter()
            .map(|e| e.timestamp.expect("set").seconds % 60)
            .collect();
        assert_eq!(seconds, [1, 2]);
        assert_eq!(request.streams[1].entries[0].structured_metadata.len(), 1);
    }

    #[test]
    fn the_body_is_a_snappy_block_of_the_encoded_request() {
        let request = push_request(&[entry("2026-12-05T10:00:00Z", "info", "a")]);
        let body = push_body(&request).expect("compresses");
        let raw = snap::raw::Decoder::new()
            .decompress_vec(&body)
            .expect("block format");
        assert_eq!(
            PushRequest::decode(raw.as_slice()).expect("decodes"),
            request
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape(r#"a"b\c"#), r#"a\"b\\c"#);
    }
}
