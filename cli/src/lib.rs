//! The `clustergenie` admin CLI as a library (the binary only parses and prints), so its
//! tests drive the same functions. It talks to Kafka and MariaDB only through the
//! services' own seams: `platform::kafka` (range reads, the record file format, the
//! producer), the projector's `batch::apply` / `project()` / `release`, and
//! `platform::checksum`; it never decodes, validates or projects a record itself.

/// Command-line arguments.
pub mod args;
/// One module per subcommand.
pub mod commands;
/// Settings (same layering as the services).
pub mod config;
/// Summaries and progress bars.
pub mod output;
/// The replay engine over the projector's `batch::apply`.
pub mod rebuild;
/// Read-model versions: schemas, the control table, the swap.
pub mod versions;

use args::Command;
use commands::Context;
use output::Summary;

/// Runs one parsed command.
pub async fn run(ctx: &Context, command: &Command) -> anyhow::Result<Summary> {
    match command {
        Command::Replay { version, selection } => {
            commands::replay::run(ctx, *version, selection).await
        }
        Command::Cutover { version } => commands::cutover::run(ctx, *version).await,
        Command::Verify { keep } => commands::verify::run(ctx, *keep).await,
        Command::Versions => commands::versions::run(ctx).await,
        Command::Export {
            out,
            topic,
            selection,
            until,
        } => commands::export::run(ctx, out, topic.clone(), selection, *until).await,
        Command::Import {
            input,
            topic,
            create,
        } => commands::import::run(ctx, input, topic, *create).await,
        Command::Parked { action } => commands::parked::run(ctx, action).await,
    }
}
