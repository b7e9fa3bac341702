//! The collection descriptor: everything the generic list and get handlers need to know
//! about one read model — its table and key, the fields a filter may name, the orders
//! allowed, the shortcut query parameters, which rows are soft-deleted or gone, whether
//! it is cached — and `Listed`, the trait its row type implements. Adding a readable
//! resource is a descriptor plus one route line; no handler changes.

use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::mysql::MySqlRow;
use uuid::Uuid;

use crate::filter::{FieldKind, FieldSpec};

/// An `order_by` field: its name, its column and how its values are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderField {
    pub name: &'static str,
    pub column: &'static str,
    pub kind: FieldKind,
}

/// One readable collection.
#[derive(Debug, Clone, Copy)]
pub struct Collection {
    /// The collection's path, e.g. `/api/v1/droplets`.
    pub path: &'static str,
    /// The JSON key of a page's items, e.g. `droplets`.
    pub plural: &'static str,
    /// What one item is, for `NOT_FOUND` and the cache key, e.g. `droplet`.
    pub kind: &'static str,
    pub table: &'static str,
    pub id_column: &'static str,
    pub owner_column: &'static str,
    pub fields: &'static [FieldSpec],
    /// Allowed `order_by` fields; the first is the default, descending.
    pub orders: &'static [OrderField],
    /// Query parameters that compile into the filter.
    pub shortcuts: &'static [Shortcut],
    /// The status column and the statuses hidden unless `show_deleted=true`.
    pub soft_deleted: Option<(&'static str, &'static [&'static str])>,
    /// Statuses that read as gone everywhere (purged tombstones).
    pub gone: &'static [&'static str],
    /// Whether single reads try the Redis cache first.
    pub cached: bool,
}

impl Collection {
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn order(&self, name: &str) -> Option<&'static OrderField> {
        self.orders.iter().find(|o| o.name == name)
    }
}

/// A query parameter that stands for one filter term, e.g. `tag_name=x` for
/// `tags:"x"` or `since=T` for `occurred_at >= T`. Being part of the filter, it is kept
/// in next links and bound into page tokens like the filter is.
#[derive(Debug, Clone, Copy)]
pub struct Shortcut {
    pub param: &'static str,
    pub field: &'static str,
    /// The comparison; `=` becomes `:` (has) on list fields.
    pub op: &'static str,
}

/// `param=v` means `field = v` (`field : v` on lists).
pub const fn equals(param: &'static str, field: &'static str) -> Shortcut {
    Shortcut {
        param,
        field,
        op: "=",
    }
}

/// `param=v` means `field >= v`.
pub const fn at_least(param: &'static str, field: &'static str) -> Shortcut {
    Shortcut {
        param,
        field,
        op: ">=",
    }
}

/// A row type of a collection.
pub trait Listed:
    for<'r> sqlx::FromRow<'r, MySqlRow> + DeserializeOwned + Send + Unpin + 'static
{
    const COLLECTION: Collection;
    /// Every column, for `SELECT`.
    fn columns() -> String;
    fn id(&self) -> Uuid;
    fn version(&self) -> u64;
    fn owner(&self) -> &str;
    /// The API representation (api.md §2).
    fn to_resource(&self) -> Value;
    /// The value of an order field, as a cursor stores it.
    fn sort_key(&self, field: &str) -> String;
    /// Whether the row reads as gone (a purged tombstone).
    fn is_gone(&self) -> bool {
        false
    }
    /// Seconds a client should wait before polling again, while the row is in motion.
    fn retry_after(&self) -> Option<u32> {
        None
    }
}

/// Text field of `name` on `column`.
pub const fn text(name: &'static str, column: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        column,
        kind: FieldKind::Text,
    }
}

pub const fn time(name: &'static str, column: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        column,
        kind: FieldKind::Time,
    }
}

pub const fn id(name: &'static str, column: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        column,
        kind: FieldKind::Id,
    }
}

pub const fn tags(name: &'static str, column: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        column,
        kind: FieldKind::Tags,
    }
}

pub const fn order(name: &'static str, column: &'static str, kind: FieldKind) -> OrderField {
    OrderField { name, column, kind }
}

/// A timestamp as cursors store it (microseconds, so keys never collide by rounding).
pub fn time_key(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}
