//! Invoices (api.md §14): one per calendar month with usage — `open` for the current
//! month, `issued` once it has ended. Lines are the month's charges rounded half up to
//! the cent; the total is the sum of the rounded lines, so what is shown adds up.

use chrono::{DateTime, Utc};

use super::metering::{Charge, Granularity};
use super::money::round_to_cent;
use super::period::Month;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    Open,
    Issued,
}

impl InvoiceStatus {
    /// The current month's invoice is open; an ended month's is issued.
    pub fn of(month: Month, now: DateTime<Utc>) -> Self {
        if month.end() > now {
            Self::Open
        } else {
            Self::Issued
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Issued => "issued",
        }
    }
}

/// An invoice line's amount: the charge rounded half up to the cent.
pub fn line_amount(charge: &Charge) -> u64 {
    round_to_cent(charge.amount_micro)
}

/// An invoice's amount: the sum of its rounded lines.
pub fn total(charges: &[Charge]) -> u64 {
    charges.iter().map(line_amount).sum()
}

/// A line's `duration` in its granularity's unit (seconds, or started hours).
pub fn duration(charge: &Charge, granularity: Granularity) -> u64 {
    match granularity {
        Granularity::Second => charge.billable_seconds,
        Granularity::Hour => charge.billable_seconds / 3600,
    }
}

/// The months from `first` through the one containing `now`, newest first (empty when
/// `first` is in the future).
pub fn months_until(first: Month, now: DateTime<Utc>) -> Vec<Month> {
    let last = Month::containing(now);
    let mut months = Vec::new();
    let mut month = first;
    while month <= last {
        months.push(month);
        month = month.next();
    }
    months.reverse();
    months
}
