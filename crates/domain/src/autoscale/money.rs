//! `cost_limit_monthly` (a decimal string of US dollars, api.md §13.1) to integer
//! micro-USD, and the node cap it implies. Must never use floating point for money.

/// Parses `"100"`, `"100.5"` or `"100.00"` (at most six decimals) into micro-USD.
pub fn parse_money(text: &str) -> Result<u64, &'static str> {
    const SHAPE: &str = "must be a decimal string of dollars such as \"100.00\"";
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (text.contains('.') && !digits(fraction)) || fraction.len() > 6 {
        return Err(SHAPE);
    }
    let whole: u64 = whole.parse().map_err(|_| SHAPE)?;
    let fraction: u64 = format!("{fraction:0<6}").parse().map_err(|_| SHAPE)?;
    whole
        .checked_mul(1_000_000)
        .and_then(|w| w.checked_add(fraction))
        .ok_or("is too large")
}

/// How many nodes the limit pays for at `price_monthly_micro` each; `None` when the price
/// is unknown (zero), because no node is ever priced at zero (api.md §14).
pub fn nodes_affordable(limit_micro: u64, price_monthly_micro: u64) -> Option<u32> {
    (price_monthly_micro > 0)
        .then(|| u32::try_from(limit_micro / price_monthly_micro).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_parse_to_micro_usd() {
        assert_eq!(parse_money("100.00"), Ok(100_000_000));
        assert_eq!(parse_money("100"), Ok(100_000_000));
        assert_eq!(parse_money("0.5"), Ok(500_000));
        for bad in ["", "1.", ".5", "-1", "1e3", "1.1234567", "ten"] {
            assert!(parse_money(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_limit_buys_whole_nodes() {
        assert_eq!(nodes_affordable(100_000_000, 24_000_000), Some(4));
        assert_eq!(nodes_affordable(100_000_000, 0), None);
    }
}
