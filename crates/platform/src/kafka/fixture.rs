//! The record file format (JSON Lines, one record a line: partition, offset, key,
//! headers, base64 value, optional broker timestamp): **the** format of recorded test
//! fixtures, `record-fixture`, and the CLI's `export` / `import`. One reader and one
//! writer, so a recording made by one tool is read by all. It never interprets a value.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use anyhow::Context;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::LogEntry;

/// One line of a record file. Keys and header values are text in every record
/// ClusterGenie writes; anything else is stored lossily and would not round-trip.
#[derive(Debug, Serialize, Deserialize)]
struct Line {
    partition: i32,
    offset: i64,
    key: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    value_base64: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timestamp_ms: Option<i64>,
}

fn engine() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// The line of one record (no trailing newline).
pub fn to_line(entry: &LogEntry) -> String {
    let line = Line {
        partition: entry.partition,
        offset: entry.offset,
        key: entry
            .key
            .as_deref()
            .map(|k| String::from_utf8_lossy(k).into_owned()),
        headers: entry
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect(),
        value_base64: engine().encode(entry.value.as_deref().unwrap_or_default()),
        timestamp_ms: entry.timestamp_ms,
    };
    serde_json::to_string(&line).expect("a line always serialises")
}

/// The record of one line, as the reader would have delivered it.
pub fn from_line(text: &str) -> anyhow::Result<LogEntry> {
    let line: Line = serde_json::from_str(text).context("not a record line")?;
    let value = engine()
        .decode(&line.value_base64)
        .context("value_base64 is not base64")?;
    Ok(LogEntry {
        partition: line.partition,
        offset: line.offset,
        key: line.key.map(String::into_bytes),
        value: Some(value),
        headers: line
            .headers
            .into_iter()
            .map(|(k, v)| (k, v.into_bytes()))
            .collect(),
        timestamp_ms: line.timestamp_ms,
    })
}

/// Every record of a record file's text (blank lines ignored), in file order.
pub fn parse(text: &str) -> anyhow::Result<Vec<LogEntry>> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| from_line(line).with_context(|| format!("line {}", n + 1)))
        .collect()
}

/// Reads a record file.
pub fn read(reader: impl BufRead) -> anyhow::Result<Vec<LogEntry>> {
    let mut entries = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        if !line.trim().is_empty() {
            entries.push(from_line(&line).with_context(|| format!("line {}", n + 1))?);
        }
    }
    Ok(entries)
}

/// Appends records to a record file, one line each.
pub fn write<'a>(
    out: &mut impl Write,
    entries: impl IntoIterator<Item = &'a LogEntry>,
) -> std::io::Result<()> {
    for entry in entries {
        writeln!(out, "{}", to_line(entry))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_through_its_line() {
        let entry = LogEntry {
            partition: 3,
            offset: 41,
            key: Some(b"0192-abc".to_vec()),
            value: Some(vec![0, 159, 146, 150, 255]),
            headers: vec![("cg-record".into(), b"event_batch".to_vec())],
            timestamp_ms: Some(1_764_000_000_000),
        };
        let back = from_line(&to_line(&entry)).unwrap();
        assert_eq!(
            (back.partition, back.offset, back.key, back.value),
            (entry.partition, entry.offset, entry.key, entry.value)
        );
        assert_eq!(
            (back.headers, back.timestamp_ms),
            (entry.headers, entry.timestamp_ms)
        );
    }

    #[test]
    fn lines_without_a_timestamp_are_read() {
        let line = r#"{"partition":0,"offset":0,"key":"claim","headers":{},"value_base64":"AAE="}"#;
        let entries = parse(&format!("{line}\n\n{line}\n")).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].value.as_deref(), Some([0u8, 1].as_slice()));
        assert_eq!(entries[0].timestamp_ms, None);
    }
}
