//! A minimal HTTP/1.1 keep-alive client: one TCP connection per `Conn`, driven by hyper's
//! low-level `conn::http1`, with no pool, TLS or redirects in the way. A closed-loop driver
//! owns one `Conn` per virtual user; a failed connection is replaced, never retried, so
//! every error shows up in the counts.

use std::sync::Mutex;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::target::Target;

/// One request, fully described; `route` is the low-cardinality label it is counted under.
#[derive(Debug, Clone)]
pub struct Call {
    pub route: &'static str,
    pub method: Method,
    pub path: String,
    pub body: Option<Bytes>,
    pub headers: Vec<(&'static str, String)>,
}

impl Call {
    pub fn get(route: &'static str, path: String) -> Self {
        Self {
            route,
            method: Method::GET,
            path,
            body: None,
            headers: Vec::new(),
        }
    }

    pub fn json(route: &'static str, method: Method, path: String, body: String) -> Self {
        Self {
            route,
            method,
            path,
            body: Some(Bytes::from(body)),
            headers: vec![("content-type", "application/json".to_owned())],
        }
    }

    pub fn header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// A keep-alive connection to one target.
pub struct Conn {
    target: Target,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Conn {
    pub fn new(target: &Target) -> Self {
        Self {
            target: target.clone(),
            sender: None,
        }
    }

    /// Sends `call` and reads the whole response; reconnects first if the last one failed.
    pub async fn send(&mut self, call: &Call) -> anyhow::Result<(StatusCode, Bytes)> {
        let result = self.try_send(call).await;
        if result.is_err() {
            self.sender = None;
        }
        result
    }

    async fn try_send(&mut self, call: &Call) -> anyhow::Result<(StatusCode, Bytes)> {
        let sender = match &mut self.sender {
            Some(sender) if !sender.is_closed() => sender,
            slot => slot.insert(connect(&self.target).await?),
        };
        sender.ready().await?;
        let mut request = Request::builder()
            .method(call.method.clone())
            .uri(&call.path)
            .header("host", &self.target.authority);
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        let request = request.body(Full::new(call.body.clone().unwrap_or_default()))?;
        let response = sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }
}

async fn connect(target: &Target) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(&target.authority).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    // The connection future drives the socket; it ends when the sender is dropped.
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

/// Idle connections to one target, shared by short-lived tasks (freshness polls).
pub struct Pool {
    target: Target,
    idle: Mutex<Vec<Conn>>,
}

impl Pool {
    pub fn new(target: &Target) -> Self {
        Self {
            target: target.clone(),
            idle: Mutex::new(Vec::new()),
        }
    }

    pub async fn send(&self, call: &Call) -> anyhow::Result<(StatusCode, Bytes)> {
        let taken = self.idle.lock().expect("not poisoned").pop();
        let mut conn = taken.unwrap_or_else(|| Conn::new(&self.target));
        let result = conn.send(call).await;
        if result.is_ok() {
            self.idle.lock().expect("not poisoned").push(conn);
        }
        result
    }
}
