//! Billing (api.md §14), pure: integer micro-USD money and its decimal strings
//! (`money`), calendar months (`period`), the versioned price list and the one pricing
//! function that takes a provider's override (`prices`), metering of run intervals into
//! per-(resource, size, price, month) charges with both granularities and the minimum
//! charge (`metering`), invoices (`invoice`), estimates (`estimate`) and a cluster's cost
//! (`cost`). Nothing here performs IO or reads a clock: every instant is passed in.

pub mod cost;
pub mod estimate;
pub mod invoice;
pub mod metering;
pub mod money;
pub mod period;
pub mod prices;

#[cfg(test)]
mod tests;

pub use metering::{Charge, Granularity, Run};
pub use period::Month;
pub use prices::PriceOverride;
