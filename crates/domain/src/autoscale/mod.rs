//! The node-pool autoscaler's pure core (api.md §13): the policy model with its defaults
//! (`policy.rs`), schedule windows in named time zones (`schedule.rs`), the cost limit in
//! integer money (`money.rs`), field-level validation (`validate.rs`), the three templates
//! of the original UI (`templates.rs`), one evaluation tick (`tick/`, one step per file)
//! and the `AutoscalingPolicy` aggregate (`aggregate/`). No IO, no clock, no
//! serialization: the reconciler gathers the inputs and acts on the decision.

mod aggregate;
mod money;
mod policy;
mod schedule;
mod templates;
#[cfg(test)]
mod tests;
pub mod tick;
mod validate;

pub use aggregate::{
    AutoscalingPolicy, Evaluation, PolicyCommand, PolicyEvent, PolicyRefused, Status,
};
pub use money::{nodes_affordable, parse_money};
pub use policy::{Behavior, Direction, MetricKind, MetricTarget, Policy, RateRule, Select, Target};
pub use schedule::{Schedule, Window, parse_timezone, parse_weekday, weekday_name};
pub use templates::{business_hours, cost_limit, cpu_autoscale, templates};
pub use tick::{Decision, TickInput, evaluate};
pub use validate::{FieldError, validate};
