//! `order_by` for any collection: one allowed field and a direction (default: the
//! collection's first order field, descending), always ending in the id so positions are
//! total and paging never skips or repeats a row. Only allow-listed columns reach the
//! SQL; user text never does.

use chrono::{DateTime, Utc};

use crate::collection::{Collection, OrderField};
use crate::error::QueryError;
use crate::filter::{Bind, Condition, FieldKind};
use crate::page_token::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    field: &'static OrderField,
    descending: bool,
    id_column: &'static str,
}

impl Order {
    /// Parses `order_by` (`field`, `field asc`, `field desc`) against `collection`.
    pub fn parse(raw: Option<&str>, collection: &Collection) -> Result<Self, QueryError> {
        let words: Vec<&str> = raw.unwrap_or("").split_whitespace().collect();
        let default = &collection.orders[0];
        let (field, descending) = match words.as_slice() {
            [] => (default, true),
            [name] => (
                collection.order(name).ok_or_else(|| bad(collection))?,
                false,
            ),
            [name, "asc"] => (
                collection.order(name).ok_or_else(|| bad(collection))?,
                false,
            ),
            [name, "desc"] => (collection.order(name).ok_or_else(|| bad(collection))?, true),
            _ => return Err(bad(collection)),
        };
        Ok(Self {
            field,
            descending,
            id_column: collection.id_column,
        })
    }

    /// The canonical spelling, used in cursors and links.
    pub fn as_str(&self) -> String {
        if self.descending {
            format!("{} desc", self.field.name)
        } else {
            self.field.name.to_owned()
        }
    }

    pub fn field(&self) -> &'static str {
        self.field.name
    }

    pub fn sql(&self) -> String {
        let direction = if self.descending { "DESC" } else { "ASC" };
        format!(
            "{} {direction}, {} {direction}",
            self.field.column, self.id_column
        )
    }

    /// Rows strictly after the cursor's position in this order.
    pub fn after(&self, cursor: &Cursor) -> Result<Condition, QueryError> {
        let column = self.field.column;
        let cmp = if self.descending { "<" } else { ">" };
        let key = match self.field.kind {
            FieldKind::Time => DateTime::parse_from_rfc3339(&cursor.last_sort_key)
                .map(|at| Bind::Time(at.with_timezone(&Utc)))
                .map_err(|_| QueryError::InvalidPageToken)?,
            _ => Bind::Text(cursor.last_sort_key.clone()),
        };
        let sql = format!(
            "{column} {cmp} ? OR ({column} = ? AND {} {cmp} ?)",
            self.id_column
        );
        Ok(Condition::new(
            sql,
            vec![key.clone(), key, Bind::Id(cursor.last_id)],
        ))
    }
}

fn bad(collection: &Collection) -> QueryError {
    let names: Vec<&str> = collection.orders.iter().map(|o| o.name).collect();
    QueryError::InvalidArgument(format!(
        "order_by must be one of {} (optionally followed by asc or desc)",
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::order;

    const COLLECTION: Collection = Collection {
        path: "/api/v1/things",
        plural: "things",
        kind: "thing",
        table: "thing",
        id_column: "thing_id",
        owner_column: "owner",
        fields: &[],
        orders: &[
            order("created_at", "created_at", FieldKind::Time),
            order("name", "name", FieldKind::Text),
        ],
        shortcuts: &[],
        soft_deleted: None,
        gone: &[],
        cached: false,
    };

    #[test]
    fn only_known_orders_parse() {
        assert_eq!(
            Order::parse(None, &COLLECTION).unwrap().as_str(),
            "created_at desc"
        );
        assert_eq!(
            Order::parse(Some("  name   desc "), &COLLECTION)
                .unwrap()
                .as_str(),
            "name desc"
        );
        assert_eq!(
            Order::parse(Some("created_at"), &COLLECTION).unwrap().sql(),
            "created_at ASC, thing_id ASC"
        );
        assert!(Order::parse(Some("owner"), &COLLECTION).is_err());
        assert!(Order::parse(Some("name; DROP TABLE droplet"), &COLLECTION).is_err());
    }
}
