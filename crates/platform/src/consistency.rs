//! Consistency tokens (api.md §7), the one type writer and reader share: the positions
//! (partition → offset) of the records a client's commands appended. command-api issues
//! them, query-api parses and waits for them. Text form `p:offset[,p:offset...]`; it
//! must never accept a position that cannot exist.

use std::collections::BTreeMap;
use std::fmt;

/// Where one record landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    pub partition: i32,
    pub offset: i64,
}

/// A set of positions, at most one (the highest) per partition.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConsistencyToken(BTreeMap<i32, i64>);

/// Longest token text accepted.
const MAX_LEN: usize = 1024;

impl ConsistencyToken {
    pub fn of(positions: impl IntoIterator<Item = Position>) -> Self {
        let mut token = Self::default();
        for position in positions {
            token.add(position);
        }
        token
    }

    pub fn add(&mut self, position: Position) {
        let entry = self.0.entry(position.partition).or_insert(position.offset);
        *entry = (*entry).max(position.offset);
    }

    /// Parses `p:offset[,p:offset...]`; partitions must be below `partitions` and
    /// offsets non-negative. The error says why, for the problem's detail.
    pub fn parse(raw: &str, partitions: i32) -> Result<Self, &'static str> {
        if raw.len() > MAX_LEN {
            return Err("the token is too long");
        }
        let mut token = Self::default();
        for pair in raw.split(',').map(str::trim) {
            let (p, offset) = pair
                .split_once(':')
                .ok_or("expected partition:offset pairs")?;
            let partition: i32 = p
                .trim()
                .parse()
                .map_err(|_| "the partition is not a number")?;
            let offset: i64 = offset
                .trim()
                .parse()
                .map_err(|_| "the offset is not a number")?;
            if !(0..partitions).contains(&partition) || offset < 0 {
                return Err("the token names a position that cannot exist");
            }
            token.add(Position { partition, offset });
        }
        Ok(token)
    }

    pub fn partitions(&self) -> Vec<i32> {
        self.0.keys().copied().collect()
    }

    pub fn positions(&self) -> impl Iterator<Item = Position> + '_ {
        self.0.iter().map(|(partition, offset)| Position {
            partition: *partition,
            offset: *offset,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether every position is below its partition's checkpoint (`next_offset`).
    pub fn satisfied_by(&self, next_offsets: &BTreeMap<i32, i64>) -> bool {
        self.0
            .iter()
            .all(|(p, offset)| next_offsets.get(p).is_some_and(|next| next > offset))
    }

    /// The token of what a read model has applied: `next_offset - 1` per partition
    /// that has applied anything.
    pub fn applied(next_offsets: &BTreeMap<i32, i64>) -> Self {
        Self(
            next_offsets
                .iter()
                .filter(|(_, next)| **next > 0)
                .map(|(p, next)| (*p, next - 1))
                .collect(),
        )
    }
}

impl fmt::Display for ConsistencyToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pairs: Vec<String> = self.0.iter().map(|(p, o)| format!("{p}:{o}")).collect();
        f.write_str(&pairs.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_keep_the_highest_offset() {
        let token = ConsistencyToken::parse("1:5, 0:3,1:9", 4).expect("valid");
        assert_eq!(token.to_string(), "0:3,1:9");
        assert_eq!(ConsistencyToken::parse(&token.to_string(), 4), Ok(token));
    }

    #[test]
    fn impossible_positions_are_refused() {
        for raw in ["", "x", "4:1", "-1:0", "0:-2", "0:a"] {
            assert!(ConsistencyToken::parse(raw, 4).is_err(), "{raw}");
        }
    }

    #[test]
    fn a_checkpoint_must_pass_the_offset() {
        let token = ConsistencyToken::of([Position {
            partition: 0,
            offset: 5,
        }]);
        assert!(!token.satisfied_by(&BTreeMap::from([(0, 5)])));
        assert!(token.satisfied_by(&BTreeMap::from([(0, 6)])));
        assert_eq!(
            ConsistencyToken::applied(&BTreeMap::from([(0, 6), (1, 0)])).to_string(),
            "0:5"
        );
    }
}
