//! A recursive-descent parser for the AIP-160 subset: `expr := factor ((AND)? factor)*`,
//! `factor := term (OR term)*` (OR binds tighter than AND), `term := (NOT | -) term |
//! '(' expr ')' | field op value`. It builds an AST and never looks at field names.

use super::FilterError;
use super::lexer::{Kind, Token};

const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Cmp(Comparison),
}

/// `field op value`, with the positions of the field and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub field: String,
    pub field_position: usize,
    pub op: &'static str,
    pub value: String,
    pub value_position: usize,
}

/// Parses the tokens of a filter of length `end` into one expression.
pub fn parse(tokens: &[Token], end: usize) -> Result<Expr, FilterError> {
    let mut parser = Parser {
        tokens,
        at: 0,
        end,
        depth: 0,
    };
    let expr = parser.expr()?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(FilterError::new("unexpected token", token.position)),
    }
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    end: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<&Token> {
        let token = self.tokens.get(self.at);
        self.at += 1;
        token
    }

    fn position(&self) -> usize {
        self.peek().map_or(self.end, |t| t.position)
    }

    fn expr(&mut self) -> Result<Expr, FilterError> {
        let mut parts = vec![self.factor()?];
        loop {
            match self.peek().map(|t| &t.kind) {
                Some(Kind::And) => {
                    self.next();
                    parts.push(self.factor()?);
                }
                None | Some(Kind::RParen) => break,
                Some(_) => parts.push(self.factor()?),
            }
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn factor(&mut self) -> Result<Expr, FilterError> {
        let mut parts = vec![self.term()?];
        while matches!(self.peek().map(|t| &t.kind), Some(Kind::Or)) {
            self.next();
            parts.push(self.term()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn term(&mut self) -> Result<Expr, FilterError> {
        let position = self.position();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError::new(
                "the filter is nested too deeply",
                position,
            ));
        }
        let kind = self.peek().map(|t| t.kind.clone());
        let expr = match kind {
            Some(Kind::Not | Kind::Minus) => {
                self.next();
                Expr::Not(Box::new(self.term()?))
            }
            Some(Kind::LParen) => {
                self.next();
                let inner = self.expr()?;
                match self.next().map(|t| &t.kind) {
                    Some(Kind::RParen) => inner,
                    _ => return Err(FilterError::new("expected ')'", self.end_or(position))),
                }
            }
            Some(Kind::Word(_)) => self.comparison()?,
            None => return Err(FilterError::new("expected a comparison", position)),
            Some(_) => return Err(FilterError::new("expected a field name", position)),
        };
        self.depth -= 1;
        Ok(expr)
    }

    /// The position of the token just consumed, or the end of input.
    fn end_or(&self, fallback: usize) -> usize {
        self.tokens
            .get(self.at.saturating_sub(1))
            .map_or(self.end.max(fallback), |t| t.position)
    }

    fn comparison(&mut self) -> Result<Expr, FilterError> {
        let (field, field_position) = match self.next() {
            Some(Token {
                kind: Kind::Word(w),
                position,
            }) => (w.clone(), *position),
            _ => unreachable!("checked by term"),
        };
        // `field:value` lexes as one word: split it (`:` is "has", api.md §3).
        if let Some((name, rest)) = field
            .split_once(':')
            .map(|(n, r)| (n.to_owned(), r.to_owned()))
        {
            let colon = field_position + name.len();
            if name.is_empty() {
                return Err(FilterError::new(
                    "expected a field name before ':'",
                    field_position,
                ));
            }
            if !rest.is_empty() {
                return Ok(Expr::Cmp(Comparison {
                    field: name,
                    field_position,
                    op: ":",
                    value: rest,
                    value_position: colon + 1,
                }));
            }
            let value_position = self.position();
            let value = match self.next().map(|t| &t.kind) {
                Some(Kind::Word(w) | Kind::Quoted(w)) => w.clone(),
                _ => return Err(FilterError::new("expected a value", value_position)),
            };
            return Ok(Expr::Cmp(Comparison {
                field: name,
                field_position,
                op: ":",
                value,
                value_position,
            }));
        }
        let op_position = self.position();
        let op = match self.next().map(|t| &t.kind) {
            Some(Kind::Op(op)) => *op,
            _ => {
                return Err(FilterError::new(
                    "expected a comparison operator",
                    op_position,
                ));
            }
        };
        let value_position = self.position();
        let value = match self.next().map(|t| &t.kind) {
            Some(Kind::Word(w) | Kind::Quoted(w)) => w.clone(),
            _ => return Err(FilterError::new("expected a value", value_position)),
        };
        Ok(Expr::Cmp(Comparison {
            field,
            field_position,
            op,
            value,
            value_position,
        }))
    }
}
