//! log-consumer's entry point: settings → telemetry → application → run until stopped.
//! It holds no logic. Its own log records must never be shipped back: the shipping loop
//! skips `logs.log-consumer` (see `ship.rs`).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Context;
use log_consumer::config::{SERVICE, Settings};
use log_consumer::startup::Application;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    platform::telemetry::init(SERVICE, "info");
    let settings = Settings::load().context("Failed to load settings")?;
    let application = Application::build(settings)
        .await
        .context("Failed to start log-consumer")?;
    tracing::info!(port = application.port(), "log-consumer listening");
    let (trigger, shutdown) = platform::shutdown::channel();
    platform::shutdown::fire_on_signals(trigger);
    application.run_until_stopped(shutdown).await
}
