//! The query-api binary: settings, telemetry, `Application::build`, run. Nothing else
//! belongs here; everything testable lives in the library.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use query_api::config::Settings;
use query_api::startup::Application;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let telemetry = platform::telemetry::init_with(platform::telemetry::Options {
        service: query_api::SERVICE,
        default_filter: "info",
        settings: &settings.telemetry,
        kafka: Some(&settings.kafka),
    })?;
    tracing::info!(?settings, "starting query-api");
    let application = Application::build(settings).await?;
    let (trigger, shutdown) = platform::shutdown::channel();
    platform::shutdown::fire_on_signals(trigger);
    let stopped = application.run_until_stopped(shutdown).await;
    telemetry.shutdown();
    stopped
}
