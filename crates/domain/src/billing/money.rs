//! Money as integer micro-USD (api.md §14): the capped charge of a run time at a monthly
//! price, half-up rounding to the cent, and the decimal strings served. Never floats.

/// Seconds at which a monthly price is reached: 672 h (`price_hourly = price_monthly / 672`).
pub const CAP_SECONDS: u64 = 672 * 3600;

/// One cent in micro-USD.
pub const CENT: u64 = 10_000;

/// `numerator / denominator`, rounded half up.
pub fn div_half_up(numerator: u128, denominator: u128) -> u128 {
    (numerator + denominator / 2) / denominator
}

/// `min(round_half_up(seconds × monthly / 2_419_200), monthly)` and whether the cap bit.
pub fn charge_micro(billable_seconds: u64, monthly_micro: u64) -> (u64, bool) {
    let raw = div_half_up(
        u128::from(billable_seconds) * u128::from(monthly_micro),
        u128::from(CAP_SECONDS),
    );
    match u64::try_from(raw) {
        Ok(amount) if amount < monthly_micro => (amount, false),
        _ => (monthly_micro, true),
    }
}

/// The hourly price of a monthly one (`/ 672`, half up), as the catalog shows it.
pub fn hourly_micro(monthly_micro: u64) -> u64 {
    crate::catalog::hourly_micro(monthly_micro)
}

/// Rounded half up to the cent (invoice lines).
pub fn round_to_cent(micro: u64) -> u64 {
    micro.saturating_add(CENT / 2) / CENT * CENT
}

/// A decimal string in USD: at least two decimals, at most six, trailing zeros beyond
/// the cents dropped (`5_000_000` → `"5.00"`, `8_929` → `"0.008929"`).
pub fn format_usd(micro: u64) -> String {
    let whole = micro / 1_000_000;
    let fraction = format!("{:06}", micro % 1_000_000);
    let trimmed = fraction.trim_end_matches('0');
    let shown = if trimmed.len() < 2 {
        &fraction[..2]
    } else {
        trimmed
    };
    format!("{whole}.{shown}")
}
