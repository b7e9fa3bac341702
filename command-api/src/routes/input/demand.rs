//! The body of `PUT /clusters/{id}/demand`: `{level: 0..=100, profile: calm | spike |
//! leak | flapping}`, both required, every bad field reported at once with its pointer.
//! Only reads the body: whether the cluster takes the demand is the aggregate's call.

use contract::RequestBody;
use contract::requests::DemandPut;
use domain::telemetry::load::{Demand, Profile};
use platform::problem::Problem;
use serde_json::{Map, Value};

use super::Fields;

pub fn demand(body: &Map<String, Value>) -> Result<Demand, Problem> {
    let mut f = Fields::new(body);
    f.only(DemandPut::FIELDS);
    let level = level(&mut f);
    let profile = profile(&mut f);
    f.finish()?;
    match (level, profile) {
        (Some(level), Some(profile)) => Ok(Demand { level, profile }),
        _ => Err(Problem::invalid_argument("the demand could not be read")),
    }
}

fn level(f: &mut Fields<'_>) -> Option<u8> {
    let Some(value) = f.get("level") else {
        f.error("level", "REQUIRED", "level is required");
        return None;
    };
    let level = value
        .as_u64()
        .filter(|n| *n <= 100)
        .and_then(|n| u8::try_from(n).ok());
    if level.is_none() {
        f.error(
            "level",
            "INVALID_DEMAND_LEVEL",
            "level must be an integer from 0 to 100",
        );
    }
    level
}

fn profile(f: &mut Fields<'_>) -> Option<Profile> {
    let raw = f.required_string("profile")?;
    let profile = Profile::parse(raw);
    if profile.is_none() {
        f.error(
            "profile",
            "UNKNOWN_PROFILE",
            format!("profile {raw} is not one of calm, spike, leak, flapping"),
        );
    }
    profile
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(body: Value) -> Result<Demand, Problem> {
        demand(body.as_object().expect("object"))
    }

    fn codes(body: Value) -> Vec<(String, String)> {
        parse(body)
            .expect_err("invalid")
            .errors
            .into_iter()
            .map(|e| (e.pointer, e.code.to_string()))
            .collect()
    }

    #[test]
    fn a_level_and_a_known_profile_make_a_demand() {
        assert_eq!(
            parse(json!({"level": 0, "profile": "flapping"})).expect("valid"),
            Demand {
                level: 0,
                profile: Profile::Flapping
            }
        );
        assert_eq!(
            parse(json!({"level": 100, "profile": "leak"}))
                .expect("valid")
                .level,
            100
        );
    }

    #[test]
    fn every_bad_field_is_reported_with_its_pointer() {
        let pair = |p: &str, c: &str| (p.to_owned(), c.to_owned());
        assert_eq!(
            codes(json!({"level": 101, "profile": "storm", "id": 1})),
            vec![
                pair("#/id", "READ_ONLY_FIELD"),
                pair("#/level", "INVALID_DEMAND_LEVEL"),
                pair("#/profile", "UNKNOWN_PROFILE"),
            ]
        );
        assert_eq!(
            codes(json!({})),
            vec![pair("#/level", "REQUIRED"), pair("#/profile", "REQUIRED")]
        );
        assert_eq!(
            codes(json!({"level": -1, "profile": 3})),
            vec![
                pair("#/level", "INVALID_DEMAND_LEVEL"),
                pair("#/profile", "INVALID_TYPE")
            ]
        );
        assert_eq!(
            codes(json!({"level": 50.5, "profile": "calm"})),
            vec![pair("#/level", "INVALID_DEMAND_LEVEL")]
        );
    }
}
