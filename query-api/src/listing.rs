//! The parameters of `GET /api/v1/droplets` turned into one validated query: page size,
//! order, the owner scope, soft-delete hiding, the filter and its shortcuts, and the
//! cursor. It also builds the next page's token and link. It never runs SQL.

use chrono::{DateTime, Utc};
use platform::auth::{Principal, Role};
use serde::Deserialize;
use views::droplet::DropletRow;

use crate::error::QueryError;
use crate::filter::{self, Bind, Condition, Field};
use crate::order::Order;
use crate::page_token::{Cursor, PageTokenKey, filter_hash};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 200;

/// Raw query parameters; everything is validated in `ListQuery::parse`.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    pub page_size: Option<String>,
    pub per_page: Option<String>,
    pub page_token: Option<String>,
    pub filter: Option<String>,
    pub name: Option<String>,
    pub region: Option<String>,
    pub status: Option<String>,
    pub order_by: Option<String>,
    pub show_deleted: Option<String>,
    pub consistency_token: Option<String>,
}

/// A validated list request.
#[derive(Debug)]
pub struct ListQuery {
    pub page_size: u64,
    pub order: Order,
    /// Scope, soft-delete and filter: what `meta.total` counts.
    pub matching: Condition,
    /// `matching` restricted to rows after the cursor: what this page reads.
    pub page: Condition,
    filter_hash: String,
    link_params: Vec<(&'static str, String)>,
}

impl ListQuery {
    pub fn parse(
        params: &ListParams,
        principal: &Principal,
        tokens: &PageTokenKey,
        now: DateTime<Utc>,
    ) -> Result<Self, QueryError> {
        let page_size = page_size(params.page_size.as_deref().or(params.per_page.as_deref()))?;
        let order = Order::parse(params.order_by.as_deref())?;
        let show_deleted = show_deleted(params.show_deleted.as_deref())?;
        let filter_text = params.filter.as_deref().unwrap_or("").trim();
        let shortcuts = [
            (Field::Name, "name", non_empty(&params.name)),
            (Field::Region, "region", non_empty(&params.region)),
            (Field::Status, "status", non_empty(&params.status)),
        ];
        let mut parts = vec![scope(principal)];
        if !show_deleted {
            parts.push(Condition::new(
                "status <> ?",
                vec![Bind::Text("deleted".into())],
            ));
        }
        if let Some(expr) = filter::parse(filter_text).map_err(invalid_filter)? {
            parts.push(filter::compile(&expr).map_err(invalid_filter)?);
        }
        let mut link_params = vec![("page_size", page_size.to_string())];
        let mut hashed = vec![principal.id.as_str(), filter_text];
        for (field, key, value) in &shortcuts {
            hashed.push(value.unwrap_or("\u{0}"));
            if let Some(value) = value {
                parts.push(filter::compile_shortcut(*field, value));
                link_params.push((key, (*value).to_owned()));
            }
        }
        let deleted_flag = if show_deleted { "true" } else { "false" };
        hashed.push(deleted_flag);
        let filter_hash = filter_hash(&hashed);
        if !filter_text.is_empty() {
            link_params.push(("filter", filter_text.to_owned()));
        }
        if params.order_by.is_some() {
            link_params.push(("order_by", order.as_str().to_owned()));
        }
        if show_deleted {
            link_params.push(("show_deleted", "true".into()));
        }
        let matching = Condition::all(parts);
        let page = match non_empty(&params.page_token) {
            None => matching.clone(),
            Some(token) => {
                let cursor = tokens.decode(token, &filter_hash, order.as_str(), now)?;
                Condition::all(vec![matching.clone(), order.after(&cursor)?])
            }
        };
        Ok(Self {
            page_size,
            order,
            matching,
            page,
            filter_hash,
            link_params,
        })
    }

    /// The token of the page after `last`.
    pub fn next_token(
        &self,
        last: &DropletRow,
        tokens: &PageTokenKey,
        now: DateTime<Utc>,
    ) -> String {
        tokens.encode(&Cursor {
            filter_hash: self.filter_hash.clone(),
            order_by: self.order.as_str().to_owned(),
            last_sort_key: self.order.sort_key(last),
            last_id: last.droplet_id,
            issued_at: now.timestamp(),
        })
    }

    /// `/api/v1/droplets?...&page_token=<token>`, repeating this request's parameters.
    pub fn next_link(&self, token: &str) -> String {
        let mut query: Vec<String> = self
            .link_params
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect();
        query.push(format!("page_token={}", percent_encode(token)));
        format!("/api/v1/droplets?{}", query.join("&"))
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn invalid_filter(error: filter::FilterError) -> QueryError {
    QueryError::InvalidFilter {
        message: error.message,
        position: error.position,
    }
}

fn scope(principal: &Principal) -> Condition {
    match principal.role {
        Role::Admin => Condition::new("TRUE", Vec::new()),
        Role::Member | Role::Viewer => {
            Condition::new("owner = ?", vec![Bind::Text(principal.id.clone())])
        }
    }
}

/// Default 20, at most 200 (larger is lowered), 0 is the default, negative is an error.
pub fn page_size(raw: Option<&str>) -> Result<u64, QueryError> {
    let Some(raw) = raw.map(str::trim) else {
        return Ok(DEFAULT_PAGE_SIZE);
    };
    let bad = || QueryError::InvalidArgument("page_size must be a non-negative integer".into());
    let parsed: i128 = raw.parse().map_err(|_| bad())?;
    match parsed {
        n if n < 0 => Err(bad()),
        0 => Ok(DEFAULT_PAGE_SIZE),
        n => Ok(n.min(MAX_PAGE_SIZE as i128) as u64),
    }
}

fn show_deleted(raw: Option<&str>) -> Result<bool, QueryError> {
    match raw.map(str::trim) {
        None | Some("" | "false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(QueryError::InvalidArgument(
            "show_deleted must be true or false".into(),
        )),
    }
}

fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_follow_the_rules() {
        assert_eq!(page_size(None).unwrap(), 20);
        assert_eq!(page_size(Some("0")).unwrap(), 20);
        assert_eq!(page_size(Some("5")).unwrap(), 5);
        assert_eq!(page_size(Some("100000000000000000000000")).unwrap(), 200);
        assert!(page_size(Some("-1")).is_err());
        assert!(page_size(Some("ten")).is_err());
    }

    #[test]
    fn links_are_percent_encoded() {
        assert_eq!(percent_encode("status=\"a b\""), "status%3D%22a%20b%22");
    }
}
