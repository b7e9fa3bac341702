//! The projector binary: settings, telemetry, build, run until Ctrl-C or SIGTERM. It
//! holds no logic; everything lives in the library so tests can drive it in-process.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Context;
use projector::config::Settings;
use projector::startup::Application;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load().context("Failed to load settings")?;
    let telemetry = platform::telemetry::init_with(platform::telemetry::Options {
        service: projector::SERVICE,
        default_filter: "info",
        settings: &settings.telemetry,
        kafka: Some(&settings.kafka),
    })?;
    let application = Application::build(settings)
        .await
        .context("Failed to start the projector")?;
    tracing::info!(port = application.port(), "projector listening");
    let (trigger, shutdown) = platform::shutdown::channel();
    platform::shutdown::fire_on_signals(trigger);
    let stopped = application.run_until_stopped(shutdown).await;
    telemetry.shutdown();
    stopped
}
