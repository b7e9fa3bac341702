//! log-consumer's integration tests: it starts and answers health and metrics.

use log_consumer::config::Settings;
use log_consumer::startup::Application;

#[tokio::test]
async fn it_answers_health_readiness_and_metrics() {
    let mut settings = Settings::load().expect("embedded settings");
    settings.http.port = 0;
    let app = Application::build(&settings).expect("builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let (_trigger, shutdown) = platform::shutdown::channel();
    tokio::spawn(app.run_until_stopped(shutdown));
    let client = reqwest::Client::new();
    for path in ["/healthz", "/readyz"] {
        let response = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), 200, "{path}");
    }
    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("answers")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("cg_http_server_requests_total"),
        "request metrics exported: {metrics}"
    );
}
