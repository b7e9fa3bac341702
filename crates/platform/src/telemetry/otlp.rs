//! The tracer behind every span: always an OpenTelemetry SDK tracer (so spans have real
//! W3C ids that logs and Kafka headers carry), exporting over OTLP http/protobuf only when
//! an endpoint is configured. The exporter posts from the SDK's own thread with a
//! blocking client (stack.md P3); it never runs on a request's task.

use opentelemetry::KeyValue;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;

/// The environment variable the OpenTelemetry SDKs read for the collector's base URL.
pub const ENDPOINT_ENV: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

/// The traces URL for a configured endpoint: a base URL gets `/v1/traces` appended (as
/// the SDKs do for `OTEL_EXPORTER_OTLP_ENDPOINT`), a full one is kept.
pub fn traces_url(endpoint: &str) -> String {
    let endpoint = endpoint.trim_end_matches('/');
    if endpoint.ends_with("/v1/traces") {
        endpoint.to_owned()
    } else {
        format!("{endpoint}/v1/traces")
    }
}

/// The configured endpoint, else the environment's; blank means off.
pub fn endpoint(configured: Option<&str>) -> Option<String> {
    configured
        .map(str::to_owned)
        .or_else(|| std::env::var(ENDPOINT_ENV).ok())
        .filter(|e| !e.trim().is_empty())
}

/// A provider that exports to `endpoint` when given, else keeps spans to itself.
pub fn provider(
    service: &str,
    environment: &str,
    endpoint: Option<&str>,
) -> anyhow::Result<SdkTracerProvider> {
    let resource = Resource::builder()
        .with_service_name(service.to_owned())
        .with_attribute(KeyValue::new(
            "deployment.environment.name",
            environment.to_owned(),
        ))
        .build();
    let builder = SdkTracerProvider::builder().with_resource(resource);
    let Some(endpoint) = endpoint else {
        return Ok(builder.build());
    };
    let exporter = SpanExporter::builder()
        .with_http()
        .with_endpoint(traces_url(endpoint))
        .build()?;
    Ok(builder.with_batch_exporter(exporter).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_gets_the_traces_path() {
        assert_eq!(
            traces_url("http://collector:4318/"),
            "http://collector:4318/v1/traces"
        );
        assert_eq!(
            traces_url("http://collector:4318/v1/traces"),
            "http://collector:4318/v1/traces"
        );
    }
}
