//! The HTTP side of Loki: `POST /loki/api/v1/push` with `Content-Type:
//! application/x-protobuf` and **no** `Content-Encoding` (Loki refuses `snappy` there,
//! stack.md P12), and `GET /ready`. Answers are classified so the caller knows whether to
//! retry (5xx, 429, no connection) or to park (any other 4xx). It never retries itself.

use std::time::Duration;

use reqwest::StatusCode;

/// What became of one push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// 2xx: Loki has the batch.
    Accepted,
    /// Worth trying again; `reason` is a bounded metric label.
    Retry {
        reason: &'static str,
        detail: String,
    },
    /// Loki refuses this batch for good (4xx other than 429).
    Rejected { status: u16, detail: String },
}

/// How much of an error body is kept for logs and parked rows.
const DETAIL_LIMIT: usize = 512;

#[derive(Clone)]
pub struct LokiClient {
    http: reqwest::Client,
    push_url: String,
    ready_url: String,
}

impl LokiClient {
    /// A client for the Loki at `base_url` (no trailing slash).
    pub fn new(base_url: &str, timeout: Duration) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder().timeout(timeout).build()?;
        Ok(Self {
            http,
            push_url: format!("{base_url}/loki/api/v1/push"),
            ready_url: format!("{base_url}/ready"),
        })
    }

    /// Sends one snappy-compressed `PushRequest`.
    pub async fn push(&self, body: Vec<u8>) -> PushOutcome {
        let sent = self
            .http
            .post(&self.push_url)
            .header(reqwest::header::CONTENT_TYPE, "application/x-protobuf")
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status();
                if status.is_success() {
                    return PushOutcome::Accepted;
                }
                let detail = response.text().await.unwrap_or_default();
                classify(status, truncate(detail))
            }
            Err(error) => PushOutcome::Retry {
                reason: "connection",
                detail: format!("{error}"),
            },
        }
    }

    /// Whether Loki answers `GET /ready` with 2xx within `timeout`; the reason otherwise.
    pub async fn ready(&self, timeout: Duration) -> Result<(), String> {
        match self.http.get(&self.ready_url).timeout(timeout).send().await {
            Ok(response) if response.status().is_success() => Ok(()),
            Ok(response) => Err(format!("Loki answers /ready with {}", response.status())),
            Err(error) => Err(format!("Loki is not reachable: {error}")),
        }
    }
}

fn classify(status: StatusCode, detail: String) -> PushOutcome {
    if status == StatusCode::TOO_MANY_REQUESTS {
        PushOutcome::Retry {
            reason: "rate_limited",
            detail,
        }
    } else if status.is_server_error() {
        PushOutcome::Retry {
            reason: "server_error",
            detail: format!("{status}: {detail}"),
        }
    } else {
        PushOutcome::Rejected {
            status: status.as_u16(),
            detail,
        }
    }
}

fn truncate(mut text: String) -> String {
    if text.len() > DETAIL_LIMIT {
        let mut cut = DETAIL_LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_429_and_5xx_are_retried() {
        let retried = |s: u16| {
            matches!(
                classify(StatusCode::from_u16(s).expect("status"), String::new()),
                PushOutcome::Retry { .. }
            )
        };
        assert!(retried(429));
        assert!(retried(500));
        assert!(retried(503));
        assert!(!retried(400));
        assert!(!retried(413));
    }
}
