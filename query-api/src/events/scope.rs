//! What one stream subscriber may and wants to see: the owner scope (members see their
//! own aggregates, admins all) and the equality terms a stream accepts — `aggregate_id`,
//! `aggregate_type` and `type`, as query parameters or as a `filter` made only of `=`
//! terms joined by `AND` (e.g. `filter=aggregate_id="…"`, the per-resource stream).
//! It is checked in memory against each live row and compiled to SQL for catch-up reads,
//! from the same fields, so both agree.

use std::collections::BTreeMap;

use platform::auth::{Principal, Role};
use uuid::Uuid;
use views::audit::AuditEventRow;

use crate::error::QueryError;
use crate::filter::{self, Bind, Condition, Expr};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamScope {
    /// `None` for admins.
    pub owner: Option<String>,
    pub aggregate_id: Option<Uuid>,
    pub aggregate_type: Option<String>,
    pub event_type: Option<String>,
}

impl StreamScope {
    pub fn parse(
        principal: &Principal,
        params: &BTreeMap<String, String>,
    ) -> Result<Self, QueryError> {
        let mut scope = Self {
            owner: (principal.role != Role::Admin).then(|| principal.id.clone()),
            ..Self::default()
        };
        for field in ["aggregate_id", "aggregate_type", "type"] {
            if let Some(value) = params
                .get(field)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
            {
                scope
                    .set(field, value, 0)
                    .map_err(|e| QueryError::InvalidArgument(format!("{field}: {}", e.message)))?;
            }
        }
        let text = params.get("filter").map(String::as_str).unwrap_or("");
        if let Some(expr) = filter::parse(text).map_err(invalid)? {
            scope.add(&expr)?;
        }
        Ok(scope)
    }

    fn add(&mut self, expr: &Expr) -> Result<(), QueryError> {
        match expr {
            Expr::And(parts) => parts.iter().try_for_each(|part| self.add(part)),
            Expr::Cmp(cmp) if cmp.op == "=" => self
                .set(&cmp.field, &cmp.value, cmp.value_position)
                .map_err(invalid),
            Expr::Cmp(cmp) => Err(invalid(filter::FilterError::new(
                "streams accept only = terms joined by AND",
                cmp.field_position,
            ))),
            Expr::Or(_) | Expr::Not(_) => Err(invalid(filter::FilterError::new(
                "streams accept only = terms joined by AND",
                0,
            ))),
        }
    }

    fn set(&mut self, field: &str, value: &str, at: usize) -> Result<(), filter::FilterError> {
        match field {
            "aggregate_id" => {
                let id = Uuid::parse_str(value)
                    .map_err(|_| filter::FilterError::new("expected an id", at))?;
                self.aggregate_id = Some(id);
            }
            "aggregate_type" => self.aggregate_type = Some(value.to_owned()),
            "type" => self.event_type = Some(value.to_owned()),
            other => {
                return Err(filter::FilterError::new(
                    format!(
                        "unknown field '{other}'; streams filter on aggregate_id, aggregate_type, type"
                    ),
                    at,
                ));
            }
        }
        Ok(())
    }

    /// Whether a live row belongs to this subscriber.
    pub fn matches(&self, row: &AuditEventRow) -> bool {
        self.owner.as_ref().is_none_or(|o| *o == row.owner)
            && self.aggregate_id.is_none_or(|id| id == row.aggregate_id)
            && self
                .aggregate_type
                .as_ref()
                .is_none_or(|t| *t == row.aggregate_type)
            && self
                .event_type
                .as_ref()
                .is_none_or(|t| *t == row.event_type)
    }

    /// The same test as SQL over `audit_event`.
    pub fn condition(&self) -> Condition {
        let mut parts = Vec::new();
        if let Some(owner) = &self.owner {
            parts.push(Condition::new("owner = ?", vec![Bind::Text(owner.clone())]));
        }
        if let Some(id) = self.aggregate_id {
            parts.push(Condition::new("aggregate_id = ?", vec![Bind::Id(id)]));
        }
        if let Some(kind) = &self.aggregate_type {
            parts.push(Condition::new(
                "aggregate_type = ?",
                vec![Bind::Text(kind.clone())],
            ));
        }
        if let Some(kind) = &self.event_type {
            parts.push(Condition::new(
                "event_type = ?",
                vec![Bind::Text(kind.clone())],
            ));
        }
        Condition::all(parts)
    }
}

fn invalid(error: filter::FilterError) -> QueryError {
    QueryError::InvalidFilter {
        message: error.message,
        position: error.position,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member() -> Principal {
        Principal {
            id: "alice".into(),
            role: Role::Member,
        }
    }

    #[test]
    fn a_filter_of_equalities_becomes_the_scope() {
        let id = Uuid::now_v7();
        let params = BTreeMap::from([(
            "filter".to_owned(),
            format!("aggregate_id=\"{id}\" AND type=\"droplet.renamed\""),
        )]);
        let scope = StreamScope::parse(&member(), &params).unwrap();
        assert_eq!(scope.owner.as_deref(), Some("alice"));
        assert_eq!(scope.aggregate_id, Some(id));
        assert_eq!(scope.event_type.as_deref(), Some("droplet.renamed"));
    }

    #[test]
    fn other_filters_are_refused() {
        for filter in ["type!=\"x\"", "type=\"a\" OR type=\"b\"", "owner=\"bob\""] {
            let params = BTreeMap::from([("filter".to_owned(), filter.to_owned())]);
            assert!(
                matches!(
                    StreamScope::parse(&member(), &params),
                    Err(QueryError::InvalidFilter { .. })
                ),
                "{filter}"
            );
        }
    }
}
