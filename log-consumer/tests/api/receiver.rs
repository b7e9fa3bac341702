//! A fake Loki on port 0: `POST /loki/api/v1/push` un-snappies the body (block format),
//! decodes it as a `PushRequest` and keeps it with the request's headers; `GET /ready`
//! answers 200. It can be told to fail the next N pushes (or all) with a status, and be
//! stopped to look unreachable.

use std::sync::{Arc, Mutex};

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use prost::Message;

use crate::wire::{Entry, PushRequest};

/// One accepted push.
#[derive(Debug, Clone)]
pub struct Push {
    pub request: PushRequest,
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
}

#[derive(Default)]
struct State {
    fail_next: usize,
    fail_all: bool,
    fail_status: u16,
    attempts: usize,
    accepted: Vec<Push>,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    state: Arc<Mutex<State>>,
    handle: ServerHandle,
}

impl Receiver {
    pub fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = web::Data::from(Arc::clone(&state));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        let port = listener.local_addr().expect("addr").port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                .route("/loki/api/v1/push", web::post().to(push))
                .route(
                    "/ready",
                    web::get().to(|| async { HttpResponse::Ok().body("ready") }),
                )
        })
        .listen(listener)
        .expect("listens")
        .workers(1)
        .disable_signals()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}"),
            state,
            handle,
        }
    }

    /// The next `n` pushes answer `status`.
    pub fn fail_next(&self, n: usize, status: u16) {
        let mut state = self.state.lock().expect("lock");
        state.fail_next = n;
        state.fail_status = status;
    }

    /// Every push answers `status` (`None`: accept again).
    pub fn fail_all(&self, status: Option<u16>) {
        let mut state = self.state.lock().expect("lock");
        state.fail_all = status.is_some();
        state.fail_status = status.unwrap_or(0);
    }

    /// Pushes received, accepted or not.
    pub fn attempts(&self) -> usize {
        self.state.lock().expect("lock").attempts
    }

    pub fn accepted(&self) -> Vec<Push> {
        self.state.lock().expect("lock").accepted.clone()
    }

    /// Every accepted entry with its stream's labels, in arrival order.
    pub fn entries(&self) -> Vec<(String, Entry)> {
        self.accepted()
            .into_iter()
            .flat_map(|push| push.request.streams)
            .flat_map(|stream| {
                let labels = stream.labels.clone();
                stream.entries.into_iter().map(move |e| (labels.clone(), e))
            })
            .collect()
    }

    /// Stops answering: connections are refused from now on.
    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }
}

async fn push(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<Mutex<State>>,
) -> HttpResponse {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut state = state.lock().expect("lock");
    state.attempts += 1;
    if state.fail_all || state.fail_next > 0 {
        state.fail_next = state.fail_next.saturating_sub(1);
        let status = actix_web::http::StatusCode::from_u16(state.fail_status).expect("status");
        return HttpResponse::build(status).body("failing on purpose");
    }
    let raw = match snap::raw::Decoder::new().decompress_vec(&body) {
        Ok(raw) => raw,
        Err(error) => return HttpResponse::BadRequest().body(format!("not snappy block: {error}")),
    };
    let decoded = match PushRequest::decode(raw.as_slice()) {
        Ok(decoded) => decoded,
        Err(error) => {
            return HttpResponse::BadRequest().body(format!("not a PushRequest: {error}"));
        }
    };
    state.accepted.push(Push {
        request: decoded,
        content_type: header("content-type"),
        content_encoding: header("content-encoding"),
    });
    HttpResponse::NoContent().finish()
}
