//! Compiles a filter AST into a SQL condition over a collection's allow-listed fields.
//! Column names come only from the collection's `FieldSpec`s; every value is a bound
//! parameter (`?`). It must never format a user-supplied value into the SQL text.

use chrono::{DateTime, Utc};
use sqlx::Arguments;
use sqlx::mysql::MySqlArguments;
use uuid::Uuid;

use super::{Comparison, Expr, FilterError};

/// How a field's values are typed and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Equality, ordering and `*` wildcards.
    Text,
    /// RFC 3339 timestamps.
    Time,
    /// UUIDs: equality only.
    Id,
    /// A JSON array of strings: `:` (has) only.
    Tags,
}

/// A filterable field of a collection: its name in filters and its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub column: &'static str,
    pub kind: FieldKind,
}

/// A value bound to a `?` placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Bind {
    Text(String),
    Time(DateTime<Utc>),
    Id(Uuid),
}

/// A SQL condition and the values of its placeholders, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Condition {
    pub sql: String,
    pub binds: Vec<Bind>,
}

impl Condition {
    pub fn new(sql: impl Into<String>, binds: Vec<Bind>) -> Self {
        Self {
            sql: sql.into(),
            binds,
        }
    }

    /// Joins conditions with `AND`; no conditions is `TRUE`.
    pub fn all(parts: Vec<Condition>) -> Self {
        join(parts, " AND ", "TRUE")
    }

    /// The bound values as sqlx arguments.
    pub fn arguments(&self) -> anyhow::Result<MySqlArguments> {
        let mut args = MySqlArguments::default();
        for bind in &self.binds {
            match bind {
                Bind::Text(text) => args.add(text.clone()),
                Bind::Time(at) => args.add(*at),
                Bind::Id(id) => args.add(*id),
            }
            .map_err(|e| anyhow::anyhow!("Failed to bind a filter value: {e}"))?;
        }
        Ok(args)
    }
}

fn join(parts: Vec<Condition>, separator: &str, empty: &str) -> Condition {
    if parts.is_empty() {
        return Condition::new(empty, Vec::new());
    }
    let sql = parts
        .iter()
        .map(|p| format!("({})", p.sql))
        .collect::<Vec<_>>();
    let binds = parts.into_iter().flat_map(|p| p.binds).collect();
    Condition::new(sql.join(separator), binds)
}

/// Compiles a parsed filter over `fields`; unknown fields and ill-typed values are errors.
pub fn compile(expr: &Expr, fields: &[FieldSpec]) -> Result<Condition, FilterError> {
    match expr {
        Expr::And(parts) => Ok(join(compile_all(parts, fields)?, " AND ", "TRUE")),
        Expr::Or(parts) => Ok(join(compile_all(parts, fields)?, " OR ", "FALSE")),
        Expr::Not(inner) => {
            let inner = compile(inner, fields)?;
            Ok(Condition::new(format!("NOT ({})", inner.sql), inner.binds))
        }
        Expr::Cmp(cmp) => comparison(cmp, fields),
    }
}

fn compile_all(parts: &[Expr], fields: &[FieldSpec]) -> Result<Vec<Condition>, FilterError> {
    parts.iter().map(|p| compile(p, fields)).collect()
}

/// A shortcut query parameter (`name=`, `tag_name=`, `since=`, …) comparing with `op`;
/// equality is membership on lists (wildcards allowed on text).
pub fn compile_shortcut(
    field: &FieldSpec,
    op: &'static str,
    value: &str,
) -> Result<Condition, FilterError> {
    let op = if field.kind == FieldKind::Tags && op == "=" {
        ":"
    } else {
        op
    };
    typed(field, op, value, 0)
}

fn comparison(cmp: &Comparison, fields: &[FieldSpec]) -> Result<Condition, FilterError> {
    let Some(field) = fields.iter().find(|f| f.name == cmp.field) else {
        let allowed: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let message = format!(
            "unknown field '{}'; filterable: {}",
            cmp.field,
            allowed.join(", ")
        );
        return Err(FilterError::new(message, cmp.field_position));
    };
    typed(field, cmp.op, &cmp.value, cmp.value_position)
}

fn typed(
    field: &FieldSpec,
    op: &'static str,
    value: &str,
    position: usize,
) -> Result<Condition, FilterError> {
    let column = field.column;
    match (field.kind, op) {
        (FieldKind::Tags, ":") => Ok(Condition::new(
            format!("JSON_CONTAINS({column}, JSON_QUOTE(?))"),
            vec![Bind::Text(value.into())],
        )),
        (FieldKind::Tags, _) => Err(FilterError::new("list fields take ':' (has)", position)),
        (_, ":") => Err(FilterError::new(
            "':' (has) applies to list fields only",
            position,
        )),
        (FieldKind::Id, "=" | "!=") => {
            let id =
                Uuid::parse_str(value).map_err(|_| FilterError::new("expected an id", position))?;
            Ok(Condition::new(
                format!("{column} {} ?", sql_op(op)),
                vec![Bind::Id(id)],
            ))
        }
        (FieldKind::Id, _) => Err(FilterError::new("ids compare with = and != only", position)),
        (FieldKind::Time, _) => {
            let at = DateTime::parse_from_rfc3339(value)
                .map_err(|_| FilterError::new("expected an RFC 3339 timestamp", position))?;
            Ok(Condition::new(
                format!("{column} {} ?", sql_op(op)),
                vec![Bind::Time(at.with_timezone(&Utc))],
            ))
        }
        (FieldKind::Text, _) => Ok(string_comparison(column, op, value)),
    }
}

fn sql_op(op: &'static str) -> &'static str {
    if op == "!=" { "<>" } else { op }
}

/// `=`/`!=` with a leading or trailing `*` becomes `LIKE`; other operators compare as-is.
fn string_comparison(column: &str, op: &'static str, value: &str) -> Condition {
    let wildcard = value.starts_with('*') || value.ends_with('*');
    if !wildcard || !matches!(op, "=" | "!=") {
        return Condition::new(
            format!("{column} {} ?", sql_op(op)),
            vec![Bind::Text(value.into())],
        );
    }
    let not = if op == "!=" { "NOT " } else { "" };
    let sql = format!("{column} {not}LIKE ? ESCAPE '!'");
    Condition::new(sql, vec![Bind::Text(like_pattern(value))])
}

/// Escapes `!`, `%` and `_`, then turns a leading/trailing `*` into `%`.
fn like_pattern(value: &str) -> String {
    let prefix = value.starts_with('*');
    let core = value.strip_prefix('*').unwrap_or(value);
    let suffix = core.ends_with('*');
    let core = core.strip_suffix('*').unwrap_or(core);
    let mut pattern = String::with_capacity(value.len() + 4);
    if prefix {
        pattern.push('%');
    }
    for c in core.chars() {
        if matches!(c, '!' | '%' | '_') {
            pattern.push('!');
        }
        pattern.push(c);
    }
    if suffix {
        pattern.push('%');
    }
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[FieldSpec] = &[
        FieldSpec {
            name: "name",
            column: "name",
            kind: FieldKind::Text,
        },
        FieldSpec {
            name: "region",
            column: "region",
            kind: FieldKind::Text,
        },
        FieldSpec {
            name: "image",
            column: "image",
            kind: FieldKind::Text,
        },
        FieldSpec {
            name: "status",
            column: "status",
            kind: FieldKind::Text,
        },
        FieldSpec {
            name: "created_at",
            column: "created_at",
            kind: FieldKind::Time,
        },
        FieldSpec {
            name: "tags",
            column: "tags",
            kind: FieldKind::Tags,
        },
        FieldSpec {
            name: "cluster_id",
            column: "cluster_id",
            kind: FieldKind::Id,
        },
    ];

    fn sql(filter: &str) -> Result<Condition, FilterError> {
        compile(&super::super::parse(filter)?.expect("not empty"), FIELDS)
    }

    #[test]
    fn values_are_bound_never_interpolated() {
        let c = sql(r#"name = "x'; DROP TABLE droplet; --" OR -region=nyc1"#).unwrap();
        assert_eq!(c.sql, "(name = ?) OR (NOT (region = ?))");
        assert_eq!(c.binds.len(), 2);
    }

    #[test]
    fn wildcards_become_escaped_like_patterns() {
        let c = sql(r#"name="web_1%*" AND image != "*-x64""#).unwrap();
        assert_eq!(
            c.sql,
            "(name LIKE ? ESCAPE '!') AND (image NOT LIKE ? ESCAPE '!')"
        );
        assert_eq!(
            c.binds,
            vec![Bind::Text("web!_1!%%".into()), Bind::Text("%-x64".into())]
        );
    }

    #[test]
    fn timestamps_ids_and_tags_are_typed_and_fields_allow_listed() {
        assert_eq!(
            sql("created_at >= 2026-11-20T09:14:03+01:00").unwrap().sql,
            "created_at >= ?"
        );
        assert_eq!(
            sql(r#"tags:"env:prod""#).unwrap().sql,
            "JSON_CONTAINS(tags, JSON_QUOTE(?))"
        );
        assert_eq!(
            sql("cluster_id = 0193a0c4-5b2e-7c11-9a0e-2f4d6c8b1a37")
                .unwrap()
                .binds
                .len(),
            1
        );
        assert_eq!(sql("owner = bob").unwrap_err().position, 0);
        assert_eq!(
            sql("status=active created_at<yesterday")
                .unwrap_err()
                .position,
            25
        );
        assert!(sql("tags = x").is_err());
        assert!(sql("name:x").is_err());
        assert!(sql("cluster_id = nope").is_err());
    }
}
