//! The given / when / then harness of every aggregate's tests (style.md example 11):
//! given past events, when a command, then these events or this error. Tests touch only
//! commands and events, so reshaping a state struct never breaks them. Test-only.

use std::fmt::Debug;

use crate::Aggregate;

/// A history to decide a command against.
pub struct Scenario<A: Aggregate> {
    state: A,
}

/// The outcome of the command, to assert on.
pub struct Decision<A: Aggregate> {
    outcome: Result<Vec<A::Event>, A::Error>,
    state: A,
}

impl<A: Aggregate> Scenario<A> {
    pub fn given(history: Vec<A::Event>) -> Self {
        Self {
            state: A::replay(&history),
        }
    }

    pub fn when(self, command: A::Command) -> Decision<A> {
        Decision {
            outcome: self.state.decide(&command),
            state: self.state,
        }
    }
}

impl<A> Decision<A>
where
    A: Aggregate,
    A::Event: PartialEq + Debug,
    A::Error: PartialEq + Debug,
{
    /// Asserts the command was accepted with exactly `expected`; returns the new state.
    pub fn then(self, expected: Vec<A::Event>) -> A {
        let events = self.outcome.expect("the command is accepted");
        assert_eq!(events, expected);
        events.iter().fold(self.state, A::evolve)
    }

    /// Asserts the command was refused with `expected`.
    pub fn then_error(self, expected: A::Error) {
        assert_eq!(self.outcome.expect_err("the command is refused"), expected);
    }

    /// The accepted events, for tests that check a few fields only.
    pub fn events(self) -> Vec<A::Event> {
        self.outcome.expect("the command is accepted")
    }

    /// The refusal, for tests that check a few fields only.
    pub fn error(self) -> A::Error {
        self.outcome.expect_err("the command is refused")
    }
}

/// Folding a whole history at once equals folding it event by event, stopping
/// anywhere: the property every aggregate's `replay` must have.
pub fn assert_fold_is_incremental<A>(history: &[A::Event])
where
    A: Aggregate + PartialEq + Debug,
{
    for split in 0..=history.len() {
        let (head, tail) = history.split_at(split);
        let stepwise = tail.iter().fold(A::replay(head), A::evolve);
        assert_eq!(stepwise, A::replay(history));
    }
}
