//! The shape every aggregate shares: a pure `decide` and a pure `evolve`, plus `replay`
//! folding from `Default`. Must never perform IO or look at anything but its arguments.

/// An event-sourced aggregate. The state is a pure fold of its events.
pub trait Aggregate: Default + Clone {
    /// Stable name stored with every event; renaming it orphans the stored history.
    const NAME: &'static str;
    type Command;
    type Event;
    type Error;

    /// Decides which events a command produces against the current state.
    fn decide(&self, command: &Self::Command) -> Result<Vec<Self::Event>, Self::Error>;

    /// Applies one event, returning the next state.
    fn evolve(self, event: &Self::Event) -> Self;

    /// Number of events folded so far; the aggregate's version and its `ETag`.
    fn version(&self) -> u64;

    /// Folds a whole history from the default state.
    fn replay<'a, I>(events: I) -> Self
    where
        I: IntoIterator<Item = &'a Self::Event>,
        Self::Event: 'a,
    {
        events.into_iter().fold(Self::default(), Self::evolve)
    }
}
