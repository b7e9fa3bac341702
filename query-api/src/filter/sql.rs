//! Compiles a filter AST into a SQL condition over the droplet allow-list. Column names
//! come only from `Field::column`; every value is a bound parameter (`?`). It must never
//! format a user-supplied value into the SQL text.

use chrono::{DateTime, Utc};
use sqlx::Arguments;
use sqlx::mysql::MySqlArguments;
use uuid::Uuid;

use super::{Comparison, Expr, FilterError};

/// A filterable field of the droplet collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Region,
    Status,
    SizeSlug,
    Image,
    CreatedAt,
}

const ALLOWED: &str = "name, region, status, size_slug, image, created_at";

impl Field {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "name" => Self::Name,
            "region" => Self::Region,
            "status" => Self::Status,
            "size_slug" => Self::SizeSlug,
            "image" => Self::Image,
            "created_at" => Self::CreatedAt,
            _ => return None,
        })
    }

    pub fn column(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Region => "region",
            Self::Status => "status",
            Self::SizeSlug => "size_slug",
            Self::Image => "image",
            Self::CreatedAt => "created_at",
        }
    }
}

/// A value bound to a `?` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    Text(String),
    Time(DateTime<Utc>),
    Id(Uuid),
}

/// A SQL condition and the values of its placeholders, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

/// Compiles a parsed filter; unknown fields and ill-typed values are errors.
pub fn compile(expr: &Expr) -> Result<Condition, FilterError> {
    match expr {
        Expr::And(parts) => Ok(join(compile_all(parts)?, " AND ", "TRUE")),
        Expr::Or(parts) => Ok(join(compile_all(parts)?, " OR ", "FALSE")),
        Expr::Not(inner) => {
            let inner = compile(inner)?;
            Ok(Condition::new(format!("NOT ({})", inner.sql), inner.binds))
        }
        Expr::Cmp(cmp) => comparison(cmp),
    }
}

fn compile_all(parts: &[Expr]) -> Result<Vec<Condition>, FilterError> {
    parts.iter().map(compile).collect()
}

/// A shortcut query parameter (`name=`, `region=`, `status=`): equality, wildcards allowed.
pub fn compile_shortcut(field: Field, value: &str) -> Condition {
    string_comparison(field, "=", value)
}

fn comparison(cmp: &Comparison) -> Result<Condition, FilterError> {
    let Some(field) = Field::parse(&cmp.field) else {
        let message = format!("unknown field '{}'; filterable: {ALLOWED}", cmp.field);
        return Err(FilterError::new(message, cmp.field_position));
    };
    if field != Field::CreatedAt {
        return Ok(string_comparison(field, cmp.op, &cmp.value));
    }
    let at = DateTime::parse_from_rfc3339(&cmp.value)
        .map_err(|_| FilterError::new("expected an RFC 3339 timestamp", cmp.value_position))?;
    let sql = format!("{} {} ?", field.column(), sql_op(cmp.op));
    Ok(Condition::new(
        sql,
        vec![Bind::Time(at.with_timezone(&Utc))],
    ))
}

fn sql_op(op: &'static str) -> &'static str {
    if op == "!=" { "<>" } else { op }
}

/// `=`/`!=` with a leading or trailing `*` becomes `LIKE`; other operators compare as-is.
fn string_comparison(field: Field, op: &'static str, value: &str) -> Condition {
    let column = field.column();
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

    fn sql(filter: &str) -> Result<Condition, FilterError> {
        compile(&super::super::parse(filter)?.expect("not empty"))
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
    fn timestamps_are_typed_and_fields_allow_listed() {
        let c = sql("created_at >= 2026-11-20T09:14:03+01:00").unwrap();
        assert_eq!(c.sql, "created_at >= ?");
        assert_eq!(sql("owner = bob").unwrap_err().position, 0);
        assert_eq!(
            sql("status=active created_at<yesterday")
                .unwrap_err()
                .position,
            25
        );
    }
}
