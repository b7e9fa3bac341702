//! One file per subcommand; each takes the parsed arguments and a `Context` and returns a
//! `Summary`. They compose `versions`, `rebuild` and the projector's and platform's seams
//! and implement none of their own.

pub mod cutover;
pub mod export;
pub mod import;
pub mod parked;
pub mod replay;
pub mod verify;
pub mod versions;

use crate::config::Settings;
use crate::output::Progress;
use crate::rebuild::Source;

/// What every command may use.
pub struct Context {
    pub settings: Settings,
    pub progress: Progress,
}

impl Context {
    /// The configured event log.
    pub fn source(&self) -> Source {
        Source {
            brokers: self.settings.kafka.brokers.clone(),
            topic: self.settings.kafka.events_topic(),
        }
    }

    pub async fn primary(&self) -> anyhow::Result<crate::versions::Primary> {
        crate::versions::Primary::connect(&self.settings.database).await
    }
}
