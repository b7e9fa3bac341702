//! The contract every aggregate-shaped read model follows: a row type that is a lossless
//! copy of its aggregate's state (`from_state` / `to_state` invert each other), binds its
//! columns in one order, and renders the API representation. The projector writes rows
//! through it, query-api reads them through it; neither names a concrete table.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::mysql::{MySql, MySqlArguments, MySqlRow};
use sqlx::query::Query;
use uuid::Uuid;

/// A bound `INSERT`/`UPDATE` statement under construction.
pub type Bound<'q> = Query<'q, MySql, MySqlArguments>;

/// A read model row that is the state of aggregate `State`.
pub trait StateRow:
    for<'r> sqlx::FromRow<'r, MySqlRow>
    + Serialize
    + DeserializeOwned
    + Clone
    + Send
    + Sync
    + Unpin
    + 'static
{
    type State: domain::Aggregate;
    /// The table, its key column, and every column in `bind` order (key first).
    const TABLE: &'static str;
    const ID_COLUMN: &'static str;
    const COLUMNS: &'static [&'static str];

    /// The row of a created aggregate; `None` for one that was never created.
    fn from_state(state: &Self::State) -> Option<Self>;
    /// The state a stored row stands for; a row that cannot be read back is an error.
    fn to_state(&self) -> Result<Self::State, String>;
    /// Binds every column of `COLUMNS`, in that order.
    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q>;
    fn id(&self) -> Uuid;
    fn version(&self) -> u64;
    fn owner(&self) -> &str;
    /// The API representation (api.md §2): a pure function of the row.
    fn to_resource(&self) -> Value;
}

/// The comma-separated column list of `R`, for `SELECT` and `INSERT`.
pub fn column_list<R: StateRow>() -> String {
    R::COLUMNS.join(", ")
}

/// RFC 3339 in UTC with a `Z`, second precision unless sub-second digits matter.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A contract representation as a JSON value (they always serialise).
pub fn to_value<T: Serialize>(representation: &T) -> Value {
    serde_json::to_value(representation).unwrap_or(Value::Null)
}

/// A list stored as a JSON text column.
pub fn json_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

/// Reads back a JSON text column, naming the column when it cannot.
pub fn from_json_text<T: DeserializeOwned>(raw: &str, column: &str) -> Result<T, String> {
    serde_json::from_str(raw).map_err(|e| format!("stored {column}: {e}"))
}

/// `(?, …), (?, …), …`: `count` rows of `columns` placeholders, for a multi-row `VALUES`
/// (values are always bound, never spliced into the SQL).
pub fn value_rows(columns: usize, count: usize) -> String {
    let one = format!("({})", vec!["?"; columns].join(", "));
    vec![one; count].join(", ")
}
