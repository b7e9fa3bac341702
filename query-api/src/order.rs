//! The `order_by` values of the droplet collection and their keyset conditions. Every
//! order ends in the id, so positions are total and paging never skips or repeats a row.
//! Only these fixed SQL fragments are ever emitted; user text never reaches the SQL.

use chrono::{DateTime, SecondsFormat, Utc};
use views::droplet::DropletRow;

use crate::error::QueryError;
use crate::filter::{Bind, Condition};
use crate::page_token::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    CreatedDesc,
    CreatedAsc,
    NameAsc,
    NameDesc,
}

impl Order {
    /// Parses `order_by`; absent or empty is the default, `created_at desc`.
    pub fn parse(raw: Option<&str>) -> Result<Self, QueryError> {
        let normalized = raw
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Ok(match normalized.as_str() {
            "" | "created_at desc" => Self::CreatedDesc,
            "created_at" | "created_at asc" => Self::CreatedAsc,
            "name" | "name asc" => Self::NameAsc,
            "name desc" => Self::NameDesc,
            _ => {
                return Err(QueryError::InvalidArgument(
                    "order_by must be one of 'created_at desc', 'created_at', 'name', 'name desc'"
                        .into(),
                ));
            }
        })
    }

    /// The canonical spelling, used in cursors and links.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreatedDesc => "created_at desc",
            Self::CreatedAsc => "created_at",
            Self::NameAsc => "name",
            Self::NameDesc => "name desc",
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            Self::CreatedDesc => "created_at DESC, droplet_id DESC",
            Self::CreatedAsc => "created_at ASC, droplet_id ASC",
            Self::NameAsc => "name ASC, droplet_id ASC",
            Self::NameDesc => "name DESC, droplet_id DESC",
        }
    }

    /// The sort key of `row`, as stored in a cursor.
    pub fn sort_key(self, row: &DropletRow) -> String {
        match self {
            Self::CreatedDesc | Self::CreatedAsc => {
                row.created_at.to_rfc3339_opts(SecondsFormat::Micros, true)
            }
            Self::NameAsc | Self::NameDesc => row.name.clone(),
        }
    }

    /// Rows strictly after the cursor's position in this order.
    pub fn after(self, cursor: &Cursor) -> Result<Condition, QueryError> {
        let (column, cmp) = match self {
            Self::CreatedDesc => ("created_at", "<"),
            Self::CreatedAsc => ("created_at", ">"),
            Self::NameAsc => ("name", ">"),
            Self::NameDesc => ("name", "<"),
        };
        let key = match self {
            Self::CreatedDesc | Self::CreatedAsc => {
                DateTime::parse_from_rfc3339(&cursor.last_sort_key)
                    .map(|at| Bind::Time(at.with_timezone(&Utc)))
                    .map_err(|_| QueryError::InvalidPageToken)?
            }
            Self::NameAsc | Self::NameDesc => Bind::Text(cursor.last_sort_key.clone()),
        };
        let sql = format!("{column} {cmp} ? OR ({column} = ? AND droplet_id {cmp} ?)");
        Ok(Condition::new(
            sql,
            vec![key.clone(), key, Bind::Id(cursor.last_id)],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_orders_parse() {
        assert_eq!(Order::parse(None).unwrap(), Order::CreatedDesc);
        assert_eq!(
            Order::parse(Some("  name   desc ")).unwrap(),
            Order::NameDesc
        );
        assert_eq!(Order::parse(Some("created_at")).unwrap(), Order::CreatedAsc);
        assert!(Order::parse(Some("owner")).is_err());
        assert!(Order::parse(Some("name; DROP TABLE droplet")).is_err());
    }
}
