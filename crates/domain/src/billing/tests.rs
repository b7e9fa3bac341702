//! The worked examples of api.md §14 by name, a month boundary, a resize and a price
//! change to the exact micro-USD, both granularities, estimates, a cluster's cost, and
//! properties of the charge and of splitting runs.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use uuid::Uuid;

use super::cost::cluster_cost;
use super::estimate::{EstimateItem, estimate};
use super::invoice::{self, InvoiceStatus};
use super::metering::{Granularity, Run, charges};
use super::money::{charge_micro, format_usd, round_to_cent};
use super::period::Month;
use super::prices::{PriceOverride, monthly_price_at};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid instant")
}

fn month(raw: &str) -> Month {
    Month::parse(raw).expect("valid month")
}

fn run(id: u128, size: &str, start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> Run {
    Run {
        resource_id: Uuid::from_u128(id),
        size_slug: size.into(),
        start,
        end,
        price_override: None,
    }
}

const TEN_DOLLARS: u64 = 10_000_000;

#[test]
fn a_ten_dollar_size_running_336_hours_costs_five_dollars() {
    let (amount, capped) = charge_micro(336 * 3600, TEN_DOLLARS);
    assert_eq!(format_usd(amount), "5.00");
    assert!(!capped);
}

#[test]
fn a_ten_dollar_size_running_700_hours_costs_ten_dollars() {
    assert_eq!(charge_micro(700 * 3600, TEN_DOLLARS), (TEN_DOLLARS, true));
    assert_eq!(format_usd(TEN_DOLLARS), "10.00");
}

#[test]
fn a_ten_dollar_size_running_a_whole_744_hour_month_costs_ten_dollars() {
    assert_eq!(charge_micro(744 * 3600, TEN_DOLLARS), (TEN_DOLLARS, true));
}

#[test]
fn the_cap_is_reached_at_exactly_672_hours() {
    assert!(!charge_micro(672 * 3600 - 1, TEN_DOLLARS).1);
    assert_eq!(charge_micro(672 * 3600, TEN_DOLLARS), (TEN_DOLLARS, true));
}

#[test]
fn fifteen_minutes_on_a_six_dollar_size_is_charged_one_cent_in_second_granularity() {
    let start = at(2026, 11, 3, 10, 0);
    let runs = [run(
        1,
        "s-1vcpu-1gb",
        start,
        Some(start + Duration::minutes(15)),
    )];
    let now = at(2026, 11, 20, 0, 0);
    let got = charges(&runs, month("2026-11"), now, Granularity::Second).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].billable_seconds, 900);
    // Metered, it would be 0.002232; the resource-month minimum is $0.01.
    assert_eq!(charge_micro(900, 6_000_000).0, 2_232);
    assert_eq!(format_usd(got[0].amount_micro), "0.01");
}

#[test]
fn fifteen_minutes_in_hour_granularity_bill_one_started_hour() {
    let start = at(2026, 11, 3, 10, 0);
    let runs = [run(
        1,
        "s-1vcpu-1gb",
        start,
        Some(start + Duration::minutes(15)),
    )];
    let got = charges(
        &runs,
        month("2026-11"),
        at(2026, 11, 20, 0, 0),
        Granularity::Hour,
    )
    .unwrap();
    assert_eq!(got[0].billable_seconds, 3600);
    assert_eq!(format_usd(got[0].amount_micro), "0.008929");
    assert_eq!(invoice::duration(&got[0], Granularity::Hour), 1);
}

#[test]
fn a_run_across_a_month_boundary_is_charged_in_each_month() {
    let runs = [run(
        1,
        "s-1vcpu-2gb",
        at(2026, 10, 31, 22, 0),
        Some(at(2026, 11, 1, 2, 0)),
    )];
    let now = at(2026, 12, 1, 0, 0);
    for period in ["2026-10", "2026-11"] {
        let got = charges(&runs, month(period), now, Granularity::Second).unwrap();
        assert_eq!(got.len(), 1, "{period}");
        assert_eq!(got[0].billable_seconds, 7_200);
        // 7200 × 12_000_000 / 2_419_200 = 35_714.28…
        assert_eq!(got[0].amount_micro, 35_714);
    }
    let october = charges(&runs, month("2026-10"), now, Granularity::Second).unwrap();
    assert_eq!(october[0].end, Some(at(2026, 11, 1, 0, 0)));
    let november = charges(&runs, month("2026-11"), now, Granularity::Second).unwrap();
    assert_eq!(november[0].start, at(2026, 11, 1, 0, 0));
}

#[test]
fn a_resize_splits_the_charge_per_size() {
    let resized = at(2026, 10, 5, 4, 0);
    let runs = [
        run(1, "s-1vcpu-1gb", at(2026, 10, 1, 0, 0), Some(resized)),
        run(
            1,
            "s-2vcpu-4gb",
            resized,
            Some(resized + Duration::hours(50)),
        ),
    ];
    let got = charges(
        &runs,
        month("2026-10"),
        at(2026, 11, 2, 0, 0),
        Granularity::Second,
    )
    .unwrap();
    let amounts: Vec<(&str, u64, u64)> = got
        .iter()
        .map(|c| (c.size_slug.as_str(), c.billable_seconds, c.amount_micro))
        .collect();
    // 100 h × $6 / 672 h and 50 h × $24 / 672 h, half up.
    assert_eq!(
        amounts,
        [
            ("s-1vcpu-1gb", 360_000, 892_857),
            ("s-2vcpu-4gb", 180_000, 1_785_714)
        ]
    );
}

#[test]
fn a_price_change_splits_the_charge_at_its_effective_instant() {
    // c-8vcpu-16gb goes from $168 to $192 on 2026-11-16 (catalog::PRICE_CHANGES).
    assert_eq!(
        monthly_price_at("c-8vcpu-16gb", at(2026, 11, 15, 23, 59), None),
        Some(168_000_000)
    );
    assert_eq!(
        monthly_price_at("c-8vcpu-16gb", at(2026, 11, 16, 0, 0), None),
        Some(192_000_000)
    );
    let runs = [run(
        1,
        "c-8vcpu-16gb",
        at(2026, 11, 15, 0, 0),
        Some(at(2026, 11, 17, 0, 0)),
    )];
    let got = charges(
        &runs,
        month("2026-11"),
        at(2026, 12, 1, 0, 0),
        Granularity::Second,
    )
    .unwrap();
    let amounts: Vec<(u64, u64, u64)> = got
        .iter()
        .map(|c| (c.monthly_micro, c.billable_seconds, c.amount_micro))
        .collect();
    // 24 h at $168 is exactly $6; 24 h at $192 is 6.857142857… → 6_857_143.
    assert_eq!(
        amounts,
        [
            (168_000_000, 86_400, 6_000_000),
            (192_000_000, 86_400, 6_857_143)
        ]
    );
}

#[test]
fn a_provider_override_replaces_the_catalog_price() {
    let price = Some(PriceOverride {
        hourly_micro: 10_000,
    });
    assert_eq!(
        monthly_price_at("c-8vcpu-16gb", at(2026, 11, 20, 0, 0), price),
        Some(6_720_000)
    );
    assert_eq!(
        monthly_price_at("no-such-size", at(2026, 11, 20, 0, 0), None),
        None
    );
}

#[test]
fn powered_off_time_still_bills_because_only_the_run_interval_counts() {
    // The projector opens a run at provisioned and closes it at deleted only.
    let runs = [run(1, "s-1vcpu-1gb", at(2026, 11, 1, 0, 0), None)];
    let now = at(2026, 11, 2, 0, 0);
    let got = charges(&runs, month("2026-11"), now, Granularity::Second).unwrap();
    assert_eq!(got[0].end, None);
    assert_eq!(got[0].billable_seconds, 86_400);
    assert_eq!(got[0].amount_micro, 214_286);
}

#[test]
fn an_unknown_size_is_an_error_never_a_zero_price() {
    let runs = [run(1, "gone", at(2026, 11, 1, 0, 0), None)];
    assert!(
        charges(
            &runs,
            month("2026-11"),
            at(2026, 11, 2, 0, 0),
            Granularity::Second
        )
        .is_err()
    );
}

#[test]
fn invoice_lines_round_half_up_to_the_cent_and_the_total_is_their_sum() {
    assert_eq!(round_to_cent(2_142_857), 2_140_000);
    assert_eq!(round_to_cent(2_145_000), 2_150_000);
    assert_eq!(round_to_cent(214_286), 210_000);
    let runs = [
        run(
            1,
            "s-1vcpu-1gb",
            at(2026, 11, 1, 0, 0),
            Some(at(2026, 11, 11, 0, 0)),
        ),
        run(
            2,
            "s-1vcpu-1gb",
            at(2026, 11, 1, 0, 0),
            Some(at(2026, 11, 2, 0, 0)),
        ),
    ];
    let got = charges(
        &runs,
        month("2026-11"),
        at(2026, 12, 3, 0, 0),
        Granularity::Second,
    )
    .unwrap();
    assert_eq!(invoice::total(&got), 2_140_000 + 210_000);
    assert_eq!(
        InvoiceStatus::of(month("2026-11"), at(2026, 12, 3, 0, 0)),
        InvoiceStatus::Issued
    );
    assert_eq!(
        InvoiceStatus::of(month("2026-12"), at(2026, 12, 3, 0, 0)),
        InvoiceStatus::Open
    );
    assert_eq!(
        invoice::months_until(month("2026-10"), at(2026, 12, 3, 0, 0)),
        [month("2026-12"), month("2026-11"), month("2026-10")]
    );
}

#[test]
fn a_clusters_cost_projects_running_nodes_to_month_end_capped() {
    let runs = [
        run(1, "s-1vcpu-1gb", at(2026, 11, 1, 0, 0), None),
        run(
            2,
            "s-1vcpu-1gb",
            at(2026, 11, 1, 0, 0),
            Some(at(2026, 11, 2, 0, 0)),
        ),
    ];
    let now = at(2026, 11, 11, 0, 0);
    let got = charges(&runs, month("2026-11"), now, Granularity::Second).unwrap();
    let cost = cluster_cost(&got, month("2026-11"), now, Granularity::Second);
    let running = &cost.resources[0];
    assert_eq!(running.month_to_date_micro, 2_142_857); // 240 h of $6
    assert_eq!(running.burn_rate_hourly_micro, 8_929);
    assert_eq!(running.projected_month_end_micro, 6_000_000); // 720 h ≥ 672 h
    assert!(running.capped);
    let deleted = &cost.resources[1];
    assert_eq!(
        (
            deleted.month_to_date_micro,
            deleted.burn_rate_hourly_micro,
            deleted.projected_month_end_micro
        ),
        (214_286, 0, 214_286)
    );
    assert_eq!(cost.month_to_date_micro, 2_357_143);
    assert_eq!(cost.projected_month_end_micro, 6_214_286);
    assert_eq!(cost.burn_rate_hourly_micro, 8_929);
}

#[test]
fn an_uncapped_projection_is_month_to_date_plus_the_burn_over_the_remaining_time() {
    let runs = [run(1, "s-1vcpu-1gb", at(2026, 11, 29, 0, 0), None)];
    let now = at(2026, 11, 30, 0, 0);
    let got = charges(&runs, month("2026-11"), now, Granularity::Second).unwrap();
    let cost = cluster_cost(&got, month("2026-11"), now, Granularity::Second);
    // 24 h so far, 48 h by month end.
    assert_eq!(cost.month_to_date_micro, 214_286);
    assert_eq!(cost.projected_month_end_micro, 428_571);
    assert!(!cost.resources[0].capped);
}

#[test]
fn an_estimate_prices_items_and_caps_each_at_its_monthly_price() {
    let items = [
        EstimateItem {
            kind: "droplet".into(),
            size_slug: "s-1vcpu-1gb".into(),
            count: 3,
            hours: Some(730),
        },
        EstimateItem {
            kind: "droplet".into(),
            size_slug: "s-2vcpu-4gb".into(),
            count: 1,
            hours: Some(336),
        },
    ];
    let got = estimate(&items, at(2026, 11, 20, 0, 0), None).unwrap();
    assert_eq!(got.lines[0].amount_micro, 18_000_000);
    assert!(got.lines[0].capped);
    assert_eq!(got.lines[1].amount_micro, 12_000_000);
    assert!(!got.lines[1].capped);
    assert_eq!(got.monthly_total_micro, 30_000_000);
    assert_eq!(got.hourly_total_micro, 3 * 8_929 + 35_714);
}

#[test]
fn an_estimate_names_every_bad_field_by_pointer() {
    let items = [
        EstimateItem {
            kind: "volume".into(),
            size_slug: "s-1vcpu-1gb".into(),
            count: 1,
            hours: None,
        },
        EstimateItem {
            kind: "droplet".into(),
            size_slug: "huge".into(),
            count: 0,
            hours: Some(800),
        },
    ];
    let problems = estimate(&items, at(2026, 11, 20, 0, 0), None).unwrap_err();
    let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/items/0/kind",
            "/items/1/size",
            "/items/1/count",
            "/items/1/hours"
        ]
    );
    assert_eq!(
        estimate(&[], at(2026, 11, 20, 0, 0), None).unwrap_err()[0].pointer,
        "/items"
    );
}

#[test]
fn money_is_served_with_two_to_six_decimals() {
    assert_eq!(format_usd(0), "0.00");
    assert_eq!(format_usd(10_000), "0.01");
    assert_eq!(format_usd(1_500_000), "1.50");
    assert_eq!(format_usd(8_929), "0.008929");
    assert_eq!(format_usd(123_456_789), "123.456789");
}

#[test]
fn months_parse_strictly() {
    assert_eq!(month("2026-02").to_string(), "2026-02");
    assert_eq!(month("2026-12").end(), at(2027, 1, 1, 0, 0));
    for bad in [
        "2026-13",
        "2026-00",
        "26-01",
        "2026-1",
        "2026/01",
        "2026-01-01",
        "abcd-ef",
    ] {
        assert_eq!(Month::parse(bad), None, "{bad}");
    }
}

proptest! {
    #[test]
    fn a_charge_never_exceeds_the_monthly_price_and_grows_with_time(
        seconds in 0u64..4_000_000, more in 0u64..100_000, monthly in 1u64..500_000_000,
    ) {
        let (a, _) = charge_micro(seconds, monthly);
        let (b, _) = charge_micro(seconds + more, monthly);
        prop_assert!(a <= monthly && a <= b);
    }

    #[test]
    fn splitting_a_run_anywhere_charges_the_same(
        start_min in 0i64..60_000, length_min in 1i64..60_000, cut in 0.0f64..1.0,
    ) {
        let start = at(2026, 10, 20, 0, 0) + Duration::minutes(start_min);
        let end = start + Duration::minutes(length_min);
        let middle = start + Duration::seconds(((end - start).num_seconds() as f64 * cut) as i64);
        let whole = [run(1, "c-8vcpu-16gb", start, Some(end))];
        let split = [
            run(1, "c-8vcpu-16gb", start, Some(middle)),
            run(1, "c-8vcpu-16gb", middle, Some(end)),
        ];
        let now = at(2027, 2, 1, 0, 0);
        for period in ["2026-10", "2026-11", "2026-12"] {
            let a = charges(&whole, month(period), now, Granularity::Second).unwrap();
            let b = charges(&split, month(period), now, Granularity::Second).unwrap();
            let amounts = |c: &[super::Charge]| c.iter().map(|c| c.amount_micro).collect::<Vec<_>>();
            prop_assert_eq!(amounts(&a), amounts(&b));
        }
    }

    #[test]
    fn an_invoice_total_is_within_half_a_cent_per_line_of_the_metered_sum(
        hours in proptest::collection::vec(1i64..700, 1..8),
    ) {
        let runs: Vec<Run> = hours.iter().enumerate().map(|(i, h)| {
            let start = at(2026, 11, 1, 0, 0);
            run(i as u128 + 1, "s-2vcpu-2gb", start, Some(start + Duration::hours(*h)))
        }).collect();
        let got = charges(&runs, month("2026-11"), at(2026, 12, 1, 0, 0), Granularity::Second).unwrap();
        let metered: u64 = got.iter().map(|c| c.amount_micro).sum();
        let total = invoice::total(&got);
        prop_assert_eq!(total % 10_000, 0);
        prop_assert!(total.abs_diff(metered) <= 5_000 * got.len() as u64);
    }
}
