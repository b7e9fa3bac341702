//! The `filter` query parameter (api.md §3): an AIP-160 subset parsed into an AST and
//! compiled into a SQL condition with bound parameters. Values are never interpolated
//! into SQL text; only allow-listed column names are.

mod lexer;
mod parser;
mod sql;

pub use parser::{Comparison, Expr};
pub use sql::{Bind, Condition, FieldKind, FieldSpec, compile, compile_shortcut};

/// Longest filter accepted, in bytes.
pub const MAX_LEN: usize = 2048;

/// A syntax or field error with the byte position of the offending token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub message: String,
    pub position: usize,
}

impl FilterError {
    pub fn new(message: impl Into<String>, position: usize) -> Self {
        Self {
            message: message.into(),
            position,
        }
    }
}

/// Parses a filter string into an expression; an empty filter is `None`.
pub fn parse(input: &str) -> Result<Option<Expr>, FilterError> {
    if input.len() > MAX_LEN {
        return Err(FilterError::new("the filter is too long", MAX_LEN));
    }
    let tokens = lexer::tokenize(input)?;
    if tokens.is_empty() {
        return Ok(None);
    }
    parser::parse(&tokens, input.len()).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(field: &str, op: &'static str, value: &str) -> Expr {
        Expr::Cmp(Comparison {
            field: field.into(),
            field_position: 0,
            op,
            value: value.into(),
            value_position: 0,
        })
    }

    fn strip(expr: Expr) -> Expr {
        match expr {
            Expr::And(v) => Expr::And(v.into_iter().map(strip).collect()),
            Expr::Or(v) => Expr::Or(v.into_iter().map(strip).collect()),
            Expr::Not(e) => Expr::Not(Box::new(strip(*e))),
            Expr::Cmp(c) => Expr::Cmp(Comparison {
                field_position: 0,
                value_position: 0,
                ..c
            }),
        }
    }

    #[test]
    fn or_binds_tighter_than_and() {
        let parsed = strip(parse("a=1 AND b=2 OR c=3").unwrap().unwrap());
        let expected = Expr::And(vec![
            cmp("a", "=", "1"),
            Expr::Or(vec![cmp("b", "=", "2"), cmp("c", "=", "3")]),
        ]);
        assert_eq!(parsed, expected);
    }

    #[test]
    fn negation_parentheses_and_implicit_and() {
        let parsed = strip(parse("NOT (a=1 OR b=2) -c!=3 d<4").unwrap().unwrap());
        let expected = Expr::And(vec![
            Expr::Not(Box::new(Expr::Or(vec![
                cmp("a", "=", "1"),
                cmp("b", "=", "2"),
            ]))),
            Expr::Not(Box::new(cmp("c", "!=", "3"))),
            cmp("d", "<", "4"),
        ]);
        assert_eq!(parsed, expected);
    }

    #[test]
    fn has_splits_field_and_value() {
        let parsed = strip(parse(r#"tags:"env:prod" tags:web"#).unwrap().unwrap());
        let expected = Expr::And(vec![cmp("tags", ":", "env:prod"), cmp("tags", ":", "web")]);
        assert_eq!(parsed, expected);
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        assert_eq!(parse("a=1 AND").unwrap_err().position, 7);
        assert_eq!(parse("a=1 )").unwrap_err().position, 4);
        assert_eq!(parse("(a=1").unwrap_err().position, 4);
        assert_eq!(parse("a 1").unwrap_err().position, 2);
        assert_eq!(parse("a=").unwrap_err().position, 2);
        assert_eq!(parse(":x").unwrap_err().position, 0);
        assert!(parse("   ").unwrap().is_none());
    }
}
