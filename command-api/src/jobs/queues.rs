//! Paused queues, as the write model of the served partitions knows them: the pool
//! claims no job of these.

use std::collections::HashSet;

use domain::queue::QueueControl;

use crate::writer::Writer;

/// The names of the queues whose jobs must not be claimed now.
pub fn paused(writer: &Writer) -> HashSet<String> {
    writer
        .observe::<QueueControl>(|q| q.paused)
        .into_iter()
        .map(|o| o.state.name)
        .collect()
}
