//! log-consumer's entry point: settings → telemetry → application → run until stopped.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use log_consumer::config::Settings;
use log_consumer::startup::Application;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    platform::telemetry::init("log-consumer", "info");
    let settings = Settings::load()?;
    let application = Application::build(&settings)?;
    tracing::info!(port = application.port(), "log-consumer listening");
    let (trigger, shutdown) = platform::shutdown::channel();
    platform::shutdown::fire_on_signals(trigger);
    application.run_until_stopped(shutdown).await
}
