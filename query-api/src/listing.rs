//! The parameters of a list request turned into one validated query, for any collection:
//! page size, order, the owner scope, soft-delete hiding, the filter and its shortcuts,
//! conditions the route adds (a parent's id), and the cursor. It also builds the next
//! page's token and link. It never runs SQL.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use platform::auth::{Principal, Role};

use crate::collection::{Collection, Listed};
use crate::error::QueryError;
use crate::filter::{self, Bind, Condition};
use crate::order::Order;
use crate::page_token::{Cursor, PageTokenKey, filter_hash};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 200;

/// A validated list request.
#[derive(Debug)]
pub struct ListQuery {
    pub page_size: u64,
    pub order: Order,
    /// Scope, soft-delete, route conditions and filter: what `meta.total` counts.
    pub matching: Condition,
    /// `matching` restricted to rows after the cursor: what this page reads.
    pub page: Condition,
    filter_hash: String,
    path: String,
    link_params: Vec<(String, String)>,
}

impl ListQuery {
    /// `params` are the raw query parameters; `scope` are the route's own conditions
    /// (e.g. `target_id = ?` under `/droplets/{id}/operations`), `path` its link base.
    pub fn parse(
        collection: &Collection,
        params: &BTreeMap<String, String>,
        principal: &Principal,
        scope: Vec<Condition>,
        path: &str,
        tokens: &PageTokenKey,
        now: DateTime<Utc>,
    ) -> Result<Self, QueryError> {
        let get = |key: &str| params.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
        let page_size = page_size(get("page_size").or(get("per_page")))?;
        let order = Order::parse(get("order_by"), collection)?;
        let show_deleted = show_deleted(get("show_deleted"))?;
        let filter_text = get("filter").unwrap_or("");
        let mut parts = vec![owner_scope(collection, principal)];
        parts.extend(scope);
        parts.extend(hidden(collection, show_deleted));
        if let Some(expr) = filter::parse(filter_text).map_err(invalid_filter)? {
            parts.push(filter::compile(&expr, collection.fields).map_err(invalid_filter)?);
        }
        let mut link_params = vec![("page_size".to_owned(), page_size.to_string())];
        let mut hashed = vec![
            principal.id.clone(),
            path.to_owned(),
            filter_text.to_owned(),
        ];
        for shortcut in collection.shortcuts {
            let value = get(shortcut.param);
            hashed.push(value.unwrap_or("\u{0}").to_owned());
            if let (Some(value), Some(spec)) = (value, collection.field(shortcut.field)) {
                parts.push(
                    filter::compile_shortcut(spec, shortcut.op, value).map_err(|e| {
                        QueryError::InvalidArgument(format!("{}: {}", shortcut.param, e.message))
                    })?,
                );
                link_params.push((shortcut.param.to_owned(), value.to_owned()));
            }
        }
        hashed.push(show_deleted.to_string());
        let refs: Vec<&str> = hashed.iter().map(String::as_str).collect();
        let filter_hash = filter_hash(&refs);
        if !filter_text.is_empty() {
            link_params.push(("filter".into(), filter_text.to_owned()));
        }
        if get("order_by").is_some() {
            link_params.push(("order_by".into(), order.as_str()));
        }
        if show_deleted {
            link_params.push(("show_deleted".into(), "true".into()));
        }
        let matching = Condition::all(parts);
        let page = match get("page_token") {
            None => matching.clone(),
            Some(token) => {
                let cursor = tokens.decode(token, &filter_hash, &order.as_str(), now)?;
                Condition::all(vec![matching.clone(), order.after(&cursor)?])
            }
        };
        Ok(Self {
            page_size,
            order,
            matching,
            page,
            filter_hash,
            path: path.to_owned(),
            link_params,
        })
    }

    /// The token of the page after `last`.
    pub fn next_token<R: Listed>(
        &self,
        last: &R,
        tokens: &PageTokenKey,
        now: DateTime<Utc>,
    ) -> String {
        tokens.encode(&Cursor {
            filter_hash: self.filter_hash.clone(),
            order_by: self.order.as_str(),
            last_sort_key: last.sort_key(self.order.field()),
            last_id: last.id(),
            issued_at: now.timestamp(),
        })
    }

    /// `<path>?...&page_token=<token>`, repeating this request's parameters.
    pub fn next_link(&self, token: &str) -> String {
        let mut query: Vec<String> = self
            .link_params
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect();
        query.push(format!("page_token={}", percent_encode(token)));
        format!("{}?{}", self.path, query.join("&"))
    }
}

fn invalid_filter(error: filter::FilterError) -> QueryError {
    QueryError::InvalidFilter {
        message: error.message,
        position: error.position,
    }
}

/// Members and viewers see their own rows; admins see all.
fn owner_scope(collection: &Collection, principal: &Principal) -> Condition {
    match principal.role {
        Role::Admin => Condition::new("TRUE", Vec::new()),
        Role::Member | Role::Viewer => Condition::new(
            format!("{} = ?", collection.owner_column),
            vec![Bind::Text(principal.id.clone())],
        ),
    }
}

/// Gone rows never show; soft-deleted ones only with `show_deleted=true`.
fn hidden(collection: &Collection, show_deleted: bool) -> Vec<Condition> {
    let Some((column, soft)) = collection.soft_deleted else {
        return Vec::new();
    };
    let mut statuses: Vec<&str> = collection.gone.to_vec();
    if !show_deleted {
        statuses.extend(soft.iter().copied());
    }
    if statuses.is_empty() {
        return Vec::new();
    }
    let marks = platform::db::placeholders(statuses.len());
    let binds = statuses
        .into_iter()
        .map(|s| Bind::Text(s.to_owned()))
        .collect();
    vec![Condition::new(format!("{column} NOT IN ({marks})"), binds)]
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
    match raw {
        None | Some("false") => Ok(false),
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
