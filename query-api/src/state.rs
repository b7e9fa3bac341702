//! What every handler shares, built once in `startup`: pools, the partition count, the
//! page-token key, the clock, the change feed and the event hub. It holds no per-request state.

use platform::clock::SharedClock;
use sqlx::MySqlPool;

use crate::config::ConsistencySettings;
use crate::consistency::{ChangeFeed, WaitMetrics};
use crate::events::EventHub;
use crate::page_token::PageTokenKey;

pub struct AppState {
    pub db: MySqlPool,
    pub redis: platform::redis::Pool,
    /// Prefix of every Redis key and channel.
    pub key_prefix: String,
    /// Partitions of the event log; locates an aggregate's partition.
    pub partitions: i32,
    pub page_tokens: PageTokenKey,
    pub clock: SharedClock,
    pub consistency: ConsistencySettings,
    /// Consistency-token waits and how they ended.
    pub waits: WaitMetrics,
    pub feed: ChangeFeed,
    /// Live audit rows for SSE streams.
    pub events: EventHub,
    /// List totals remembered per read-model position.
    pub totals: crate::totals::Totals,
    /// Grafana's base URL for the SPA's embed; `None` = not configured.
    pub grafana_url: Option<String>,
}
