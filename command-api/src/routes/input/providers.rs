//! Provider request bodies (features.md §2.8): `POST /providers`, the merge-patch of
//! `PATCH /providers/{id}` and `POST /placements:simulate`. Every field is checked
//! (regions against the catalog, classes as labels, capacity as a bounded count, the
//! price as decimal dollars); every problem is reported at once.

use contract::RequestBody;
use contract::provider::{PlacementSimulate, ProviderCreate, ProviderPatch};
use domain::autoscale::parse_money;
use domain::catalog;
use domain::name::ResourceName;
use domain::provider::{Criteria, Spec, SpecPatch};
use platform::problem::Problem;
use serde_json::{Map, Value};

use super::Fields;

/// Most droplet slots one provider may declare.
pub const MAX_CAPACITY: u64 = 100_000;
const MAX_LIST: usize = 32;
const MAX_CLASS_LEN: usize = 32;

/// A validated `POST /providers` body.
#[derive(Debug, Clone)]
pub struct CreateInput {
    pub name: ResourceName,
    pub spec: Spec,
}

pub fn create(body: &Map<String, Value>) -> Result<CreateInput, Problem> {
    let mut f = Fields::new(body);
    f.only(ProviderCreate::FIELDS);
    let name = f.name("name", true);
    let regions = required(&mut f, "regions").and_then(|_| regions(&mut f));
    let classes = required(&mut f, "classes").and_then(|_| classes(&mut f));
    let capacity = required(&mut f, "capacity").and_then(|_| f.count("capacity", 0, MAX_CAPACITY));
    let price = price(&mut f).unwrap_or(None);
    f.finish()?;
    match (name, regions, classes, capacity) {
        (Some(name), Some(regions), Some(classes), Some(capacity)) => Ok(CreateInput {
            name,
            spec: Spec {
                regions,
                classes,
                capacity,
                price_hourly_override: price,
            },
        }),
        _ => Err(Problem::invalid_argument("the provider could not be read")),
    }
}

pub fn patch(body: &Map<String, Value>) -> Result<SpecPatch, Problem> {
    let mut f = Fields::new(body);
    f.only(ProviderPatch::FIELDS);
    let patch = SpecPatch {
        regions: f.has("regions").then(|| regions(&mut f)).flatten(),
        classes: f.has("classes").then(|| classes(&mut f)).flatten(),
        capacity: f.count("capacity", 0, MAX_CAPACITY),
        price_hourly_override: price(&mut f),
    };
    f.finish()?;
    Ok(patch)
}

pub fn simulate(body: &Map<String, Value>) -> Result<Criteria, Problem> {
    let mut f = Fields::new(body);
    f.only(PlacementSimulate::FIELDS);
    let region = f
        .has("region")
        .then(|| f.region("region"))
        .flatten()
        .map(|r| r.slug.to_owned());
    let class = f.string("class").map(str::to_owned);
    let preferred = f.string("preferred_provider").map(str::to_owned);
    let avoid = f.string("avoid_provider").map(str::to_owned);
    f.finish()?;
    Ok(Criteria {
        region,
        class,
        preferred,
        avoid: avoid.into_iter().collect(),
    })
}

fn required(f: &mut Fields<'_>, field: &str) -> Option<()> {
    if f.has(field) {
        Some(())
    } else {
        f.error(field, "REQUIRED", format!("{field} is required"));
        None
    }
}

/// A non-empty array of distinct strings, each checked by `check`.
fn list(
    f: &mut Fields<'_>,
    field: &str,
    check: impl Fn(&str) -> Option<(&'static str, String)>,
) -> Option<Vec<String>> {
    let Some(items) = f
        .get(field)
        .and_then(Value::as_array)
        .filter(|a| (1..=MAX_LIST).contains(&a.len()))
    else {
        f.error(
            field,
            "INVALID_LIST",
            format!("{field} must be an array of 1 to {MAX_LIST} strings"),
        );
        return None;
    };
    let mut out: Vec<String> = Vec::new();
    let before = f.errors.len();
    for (i, item) in items.iter().enumerate() {
        let pointer = format!("{field}/{i}");
        match item.as_str() {
            None => f.error(&pointer, "INVALID_TYPE", format!("{field} are strings")),
            Some(s) if out.iter().any(|o| o == s) => {
                f.error(&pointer, "DUPLICATE", format!("{s} is listed twice"))
            }
            Some(s) => match check(s) {
                Some((code, detail)) => f.error(&pointer, code, detail),
                None => out.push(s.to_owned()),
            },
        }
    }
    (f.errors.len() == before).then_some(out)
}

fn regions(f: &mut Fields<'_>) -> Option<Vec<String>> {
    list(f, "regions", |slug| {
        catalog::find_region(slug)
            .is_none()
            .then(|| ("UNKNOWN_REGION", format!("region {slug} does not exist")))
    })
}

fn classes(f: &mut Fields<'_>) -> Option<Vec<String>> {
    list(f, "classes", |class| {
        let ok = !class.is_empty()
            && class.len() <= MAX_CLASS_LEN
            && class
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        (!ok).then(|| {
            (
                "INVALID_CLASS",
                format!("a class is 1 to {MAX_CLASS_LEN} of a-z, 0-9 and -"),
            )
        })
    })
}

/// `price_hourly_override`: absent → `None`; `null` → clear; a decimal string → micro-USD.
fn price(f: &mut Fields<'_>) -> Option<Option<u64>> {
    match f.get("price_hourly_override")? {
        Value::Null => Some(None),
        Value::String(text) => match parse_money(text) {
            Ok(micro) => Some(Some(micro)),
            Err(reason) => {
                f.error(
                    "price_hourly_override",
                    "INVALID_MONEY",
                    format!("price_hourly_override {reason}"),
                );
                None
            }
        },
        _ => {
            f.error(
                "price_hourly_override",
                "INVALID_TYPE",
                "price_hourly_override must be a decimal string of dollars or null",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("object")
    }

    fn pointers(problem: &Problem) -> Vec<String> {
        problem.errors.iter().map(|e| e.pointer.clone()).collect()
    }

    #[test]
    fn a_good_body_reads_with_the_price_in_micro_usd() {
        let input = create(&obj(json!({"name": "edge-1", "regions": ["nyc1"],
            "classes": ["standard"], "capacity": 5, "price_hourly_override": "0.0125"})))
        .expect("valid");
        assert_eq!(input.spec.capacity, 5);
        assert_eq!(input.spec.price_hourly_override, Some(12_500));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let problem = create(&obj(json!({"name": "-x-", "regions": ["mars1"],
            "classes": ["GPU"], "capacity": -1, "price_hourly_override": "1.1234567",
            "color": "red"})))
        .expect_err("invalid");
        let found = pointers(&problem);
        for pointer in [
            "#/name",
            "#/regions/0",
            "#/classes/0",
            "#/capacity",
            "#/price_hourly_override",
            "#/color",
        ] {
            assert!(
                found.contains(&pointer.to_owned()),
                "{pointer} in {found:?}"
            );
        }
        let problem = create(&obj(json!({}))).expect_err("invalid");
        assert_eq!(problem.errors.len(), 4);
    }

    #[test]
    fn a_patch_merges_and_null_clears_the_price() {
        let patch =
            patch(&obj(json!({"capacity": 3, "price_hourly_override": null}))).expect("valid");
        assert_eq!(patch.capacity, Some(3));
        assert_eq!(patch.price_hourly_override, Some(None));
        assert!(patch.regions.is_none());
    }
}
