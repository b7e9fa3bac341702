//! The test's own statement of Loki's push messages (`logproto.PushRequest`, field numbers
//! from Loki's `push.proto`), written apart from the crate's so a wrong tag in either
//! fails the wire tests. Decoding only.

#[derive(Clone, PartialEq, prost::Message)]
pub struct PushRequest {
    #[prost(message, repeated, tag = "1")]
    pub streams: Vec<Stream>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Stream {
    #[prost(string, tag = "1")]
    pub labels: String,
    #[prost(message, repeated, tag = "2")]
    pub entries: Vec<Entry>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Entry {
    #[prost(message, optional, tag = "1")]
    pub timestamp: Option<prost_types::Timestamp>,
    #[prost(string, tag = "2")]
    pub line: String,
    #[prost(message, repeated, tag = "3")]
    pub structured_metadata: Vec<Pair>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Pair {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

/// `{a="x", b="y"}` → [("a", "x"), ("b", "y")]; values here never contain `", `.
pub fn parse_labels(labels: &str) -> Vec<(String, String)> {
    let inner = labels
        .strip_prefix('{')
        .and_then(|l| l.strip_suffix('}'))
        .unwrap_or_else(|| panic!("labels are a selector: {labels}"));
    inner
        .split(", ")
        .map(|pair| {
            let (name, value) = pair.split_once('=').expect("name=value");
            let value = value.trim_matches('"');
            (name.to_owned(), value.to_owned())
        })
        .collect()
}
