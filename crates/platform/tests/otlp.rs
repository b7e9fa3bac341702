//! OTLP export against a receiver that decodes the real wire format: with an endpoint
//! configured, the tracer provider posts `ExportTraceServiceRequest` protobuf to
//! `<endpoint>/v1/traces`, carrying the span's own trace id, name and the service's
//! resource; a blank or missing endpoint turns export off. Never a stand-in for the collector's logic.

use std::sync::{Arc, Mutex};

use opentelemetry::trace::{Span, Tracer, TracerProvider};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

/// Each export: the path it was posted to, its content type, the decoded request.
type Export = (String, Option<String>, ExportTraceServiceRequest);
type Received = Arc<Mutex<Vec<Export>>>;

/// A collector on port 0 in a thread of its own (the exporter's client blocks).
fn collector() -> (String, Received) {
    let received: Received = Arc::default();
    let kept = actix_web::web::Data::from(Arc::clone(&received));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            actix_web::HttpServer::new(move || {
                actix_web::App::new()
                    .app_data(kept.clone())
                    .default_service(actix_web::web::to(keep))
            })
            .listen(listener)
            .unwrap()
            .workers(1)
            .disable_signals()
            .run()
            .await
        })
    });
    (url, received)
}

async fn keep(
    request: actix_web::HttpRequest,
    body: actix_web::web::Bytes,
    kept: actix_web::web::Data<Mutex<Vec<Export>>>,
) -> actix_web::HttpResponse {
    let Ok(decoded) = ExportTraceServiceRequest::decode(body.as_ref()) else {
        return actix_web::HttpResponse::BadRequest().finish();
    };
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    kept.lock()
        .unwrap()
        .push((request.path().to_owned(), content_type, decoded));
    actix_web::HttpResponse::Ok().finish()
}

#[test]
fn a_configured_endpoint_receives_the_span_with_its_trace_id_and_service() {
    let (url, received) = collector();
    let provider = platform::telemetry::otlp::provider("otlp-test", "test", Some(&url)).unwrap();
    let tracer = provider.tracer("otlp-test");
    let mut span = tracer.start("command droplet.create");
    let trace_id = span.span_context().trace_id().to_bytes().to_vec();
    span.end();
    provider.force_flush().unwrap();

    // `force_flush` returns once the export was answered, and the collector keeps a
    // request before it answers it.
    let (path, content_type, request) = received
        .lock()
        .unwrap()
        .first()
        .cloned()
        .expect("the export reached the collector");
    assert_eq!(path, "/v1/traces");
    assert_eq!(content_type.as_deref(), Some("application/x-protobuf"));
    let resource = request.resource_spans[0].resource.as_ref().unwrap();
    let service = resource
        .attributes
        .iter()
        .find(|a| a.key == "service.name")
        .and_then(|a| a.value.as_ref())
        .map(|v| format!("{v:?}"))
        .unwrap();
    assert!(service.contains("otlp-test"), "{service}");
    let spans: Vec<_> = request
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans)
        .collect();
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].name, "command droplet.create");
    assert_eq!(spans[0].trace_id, trace_id);
    provider.shutdown().unwrap();
}

#[test]
fn a_blank_or_missing_endpoint_turns_export_off() {
    assert!(
        std::env::var(platform::telemetry::otlp::ENDPOINT_ENV).is_err(),
        "the test environment sets {}",
        platform::telemetry::otlp::ENDPOINT_ENV
    );
    assert_eq!(platform::telemetry::otlp::endpoint(None), None);
    assert_eq!(platform::telemetry::otlp::endpoint(Some("  ")), None);
    assert_eq!(
        platform::telemetry::otlp::endpoint(Some("http://collector:4318")).as_deref(),
        Some("http://collector:4318")
    );
}
