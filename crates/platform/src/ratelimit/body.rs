//! The body of a policy `PUT` (api.md §8): `{"policies": [rule, ...]}` read field by
//! field so that every problem is reported at once, each with a JSON pointer (422), then
//! the rules' own checks (`policy::validate`). Unknown fields are refused, never ignored.

use contract::rate_limit::RateLimitRule;
use serde_json::Value;

use super::policy::validate;
use crate::problem::FieldError;

/// The fields a rule may carry, and those it must.
const RULE_FIELDS: &[&str] = &[
    "name",
    "quota",
    "window_seconds",
    "burst",
    "applies_to",
    "cost_per_request",
    "key",
    "routes",
];
const REQUIRED: &[&str] = &["name", "quota", "window_seconds"];

/// The rules of a policy `PUT` body, or every problem with it (JSON pointers).
pub fn parse_update(body: &Value) -> Result<Vec<RateLimitRule>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(object) = body.as_object() else {
        return Err(vec![FieldError::new(
            "#",
            "INVALID_TYPE",
            "the body must be an object",
        )]);
    };
    for key in object.keys().filter(|k| *k != "policies") {
        errors.push(unknown(format!("#/{key}"), key));
    }
    let Some(items) = object.get("policies").and_then(Value::as_array) else {
        errors.push(FieldError::new(
            "#/policies",
            "REQUIRED",
            "policies must be an array of rules",
        ));
        return Err(errors);
    };
    let mut rules = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match parse_rule(index, item) {
            Ok(rule) => rules.push(rule),
            Err(mut found) => errors.append(&mut found),
        }
    }
    if errors.is_empty() {
        errors = validate(&rules);
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

fn parse_rule(index: usize, item: &Value) -> Result<RateLimitRule, Vec<FieldError>> {
    let at = |field: &str| format!("#/policies/{index}/{field}");
    let Some(fields) = item.as_object() else {
        return Err(vec![FieldError::new(
            format!("#/policies/{index}"),
            "INVALID_TYPE",
            "a rule is an object",
        )]);
    };
    let mut errors: Vec<FieldError> = fields
        .keys()
        .filter(|k| !RULE_FIELDS.contains(&k.as_str()))
        .map(|k| unknown(at(k), k))
        .collect();
    for field in REQUIRED.iter().filter(|f| !fields.contains_key(**f)) {
        errors.push(FieldError::new(
            at(field),
            "REQUIRED",
            format!("{field} is required"),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value(item.clone()).map_err(|error| {
        vec![FieldError::new(
            format!("#/policies/{index}"),
            "INVALID_VALUE",
            error.to_string(),
        )]
    })
}

fn unknown(pointer: String, key: &str) -> FieldError {
    FieldError::new(
        pointer,
        "UNKNOWN_FIELD",
        format!("{key} is not a field of this body"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_parsed_with_pointers_at_every_problem() {
        let body = serde_json::json!({
            "id": "x",
            "policies": [
                {"name": "minute", "quota": 10, "window_seconds": 60, "color": "red"},
                {"name": "hour", "quota": "many", "window_seconds": 3600},
                {"quota": 1}
            ]
        });
        let pointers: Vec<_> = parse_update(&body)
            .unwrap_err()
            .into_iter()
            .map(|e| e.pointer)
            .collect();
        assert_eq!(
            pointers,
            [
                "#/id",
                "#/policies/0/color",
                "#/policies/1",
                "#/policies/2/name",
                "#/policies/2/window_seconds"
            ]
        );
        let good = serde_json::json!({"policies": [{"name": "minute", "quota": 10, "window_seconds": 60}]});
        assert_eq!(parse_update(&good).unwrap()[0].cost_per_request, 1);
    }
}
