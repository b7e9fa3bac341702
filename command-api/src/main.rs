//! command-api's entry point: settings → telemetry → application → run until Ctrl-C or
//! SIGTERM. Nothing else belongs here.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;

use command_api::config::Settings;
use command_api::startup::Application;
use platform::clock::SystemClock;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let telemetry = platform::telemetry::init_with(platform::telemetry::Options {
        service: command_api::SERVICE,
        default_filter: "info",
        settings: &settings.telemetry,
        kafka: Some(&settings.kafka),
    })?;
    let application = Application::build(settings, Arc::new(SystemClock)).await?;
    tracing::info!(port = application.port(), "command-api listening");
    let (trigger, shutdown) = platform::shutdown::channel();
    platform::shutdown::fire_on_signals(trigger);
    let stopped = application.run_until_stopped(shutdown).await;
    telemetry.shutdown();
    stopped
}
