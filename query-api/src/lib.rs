//! query-api: HTTP reads of the read models (MariaDB, Redis in front), consistency-token
//! waits, the SPA, and a relay of mutations to command-api. It never writes a read model.

/// The service name in log lines, spans and `logs.<service>`.
pub const SERVICE: &str = "query-api";

/// The changes subscriber that wakes consistency waiters.
pub mod billing;
pub mod changes;
/// The collection descriptor and the `Listed` trait of row types.
pub mod collection;
/// The readable collections, one per file.
pub mod collections;
/// Settings composed from platform parts.
pub mod config;
/// Consistency tokens, wait budgets and the bounded wait.
pub mod consistency;
/// The boundary error enum and its problem documents.
pub mod error;
/// Live audit streams: the event hub, stream cursors and SSE responses.
pub mod events;
/// The AIP-160 filter parser and its SQL compiler.
pub mod filter;
/// The relay of mutations to command-api.
pub mod forward;
/// List parameters turned into one validated query.
pub mod listing;
/// The `order_by` values and their keyset conditions.
pub mod order;
/// Signed, expiring page tokens.
pub mod page_token;
/// The route table and the handlers.
pub mod routes;
/// Application wiring: pools, server, background task.
pub mod startup;
/// What handlers share.
pub mod state;
/// MariaDB queries and the Redis cache.
pub mod store;
/// `meta.total`s remembered at the read-model position they were counted at.
pub mod totals;
