//! The tokenizer of the filter language: operators, parentheses, keywords, quoted
//! strings and bare words, each with its byte position for error messages. It never
//! interprets values; typing and field checks happen in `parser` and `sql`.

use super::FilterError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    LParen,
    RParen,
    /// `=`, `!=`, `<`, `>`, `<=`, `>=`, `:`.
    Op(&'static str),
    And,
    Or,
    Not,
    /// A leading `-` (negation).
    Minus,
    /// A quoted string, unescaped.
    Quoted(String),
    /// A bare word: a field name or an unquoted value.
    Word(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub position: usize,
}

const SPECIAL: &[char] = &['(', ')', '=', '!', '<', '>', '"', '\''];

/// Splits `input` into tokens.
pub fn tokenize(input: &str) -> Result<Vec<Token>, FilterError> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(position, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let after_op = matches!(
            tokens.last(),
            Some(Token {
                kind: Kind::Op(_),
                ..
            })
        );
        let kind = match c {
            '(' | ')' => {
                chars.next();
                if c == '(' { Kind::LParen } else { Kind::RParen }
            }
            '=' | ':' => {
                chars.next();
                Kind::Op(if c == '=' { "=" } else { ":" })
            }
            '!' | '<' | '>' => {
                chars.next();
                let eq = chars.next_if(|&(_, n)| n == '=').is_some();
                match (c, eq) {
                    ('!', true) => Kind::Op("!="),
                    ('<', false) => Kind::Op("<"),
                    ('<', true) => Kind::Op("<="),
                    ('>', false) => Kind::Op(">"),
                    ('>', true) => Kind::Op(">="),
                    _ => return Err(FilterError::new("expected '=' after '!'", position)),
                }
            }
            '"' | '\'' => Kind::Quoted(quoted(&mut chars, input, position)?),
            '-' if !after_op => {
                chars.next();
                Kind::Minus
            }
            _ => keyword(word(&mut chars)),
        };
        tokens.push(Token { kind, position });
    }
    Ok(tokens)
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

fn quoted(chars: &mut Chars<'_>, input: &str, start: usize) -> Result<String, FilterError> {
    let (_, quote) = chars.next().unwrap_or((start, '"'));
    let mut value = String::new();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, escaped)) => value.push(escaped),
                None => return Err(FilterError::new("unfinished escape", at)),
            },
            c if c == quote => return Ok(value),
            c => value.push(c),
        }
    }
    Err(FilterError::new(
        "unterminated string",
        start.min(input.len()),
    ))
}

fn word(chars: &mut Chars<'_>) -> String {
    let mut text = String::new();
    while let Some((_, c)) = chars.next_if(|&(_, c)| !c.is_whitespace() && !SPECIAL.contains(&c)) {
        text.push(c);
    }
    text
}

fn keyword(text: String) -> Kind {
    match text.as_str() {
        "AND" => Kind::And,
        "OR" => Kind::Or,
        "NOT" => Kind::Not,
        _ => Kind::Word(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<Kind> {
        tokenize(input)
            .expect("valid")
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn timestamps_stay_one_word_and_minus_negates_only_up_front() {
        assert_eq!(
            kinds("-created_at>=2026-11-20T09:14:03Z"),
            vec![
                Kind::Minus,
                Kind::Word("created_at".into()),
                Kind::Op(">="),
                Kind::Word("2026-11-20T09:14:03Z".into()),
            ]
        );
    }

    #[test]
    fn quoted_strings_unescape() {
        assert_eq!(
            kinds(r#"name = "a \"b\"""#),
            vec![
                Kind::Word("name".into()),
                Kind::Op("="),
                Kind::Quoted("a \"b\"".into())
            ]
        );
        assert_eq!(tokenize("name = \"open").unwrap_err().position, 7);
    }
}
