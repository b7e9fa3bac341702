//! The OpenAPI document is well formed and agrees with the contract types: every
//! request body's `FIELDS` (what command-api accepts) equals its documented properties,
//! every operation is authenticated and has a success answer, and every `$ref` resolves.

use std::collections::BTreeSet;

use contract::RequestBody;
use contract::requests::{
    ClusterCreate, ClusterPatch, DemandPut, DropletAction, DropletCreate, DropletPatch,
    NodePoolCreate, NodePoolPatch,
};
use serde_json::Value;

fn spec() -> Value {
    serde_json::to_value(contract::openapi::document()).expect("the document serialises")
}

fn properties(spec: &Value, schema: &str) -> BTreeSet<String> {
    spec["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {schema} has properties"))
        .keys()
        .cloned()
        .collect()
}

fn fields<T: RequestBody>() -> BTreeSet<String> {
    T::FIELDS.iter().map(|f| (*f).to_owned()).collect()
}

#[test]
fn accepted_fields_are_the_documented_properties() {
    let spec = spec();
    let cases = [
        ("DropletCreate", fields::<DropletCreate>()),
        (
            "ProviderCreate",
            fields::<contract::provider::ProviderCreate>(),
        ),
        (
            "ProviderPatch",
            fields::<contract::provider::ProviderPatch>(),
        ),
        (
            "PlacementSimulate",
            fields::<contract::provider::PlacementSimulate>(),
        ),
        ("DropletPatch", fields::<DropletPatch>()),
        ("DropletAction", fields::<DropletAction>()),
        ("ClusterCreate", fields::<ClusterCreate>()),
        ("ClusterPatch", fields::<ClusterPatch>()),
        ("NodePoolCreate", fields::<NodePoolCreate>()),
        ("NodePoolPatch", fields::<NodePoolPatch>()),
        ("DemandPut", fields::<DemandPut>()),
    ];
    for (schema, accepted) in cases {
        assert_eq!(properties(&spec, schema), accepted, "{schema}");
    }
}

fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            found.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    found
}

#[test]
fn every_operation_is_authenticated_and_answers_success_and_problems() {
    let spec = spec();
    let operations = operations(&spec);
    assert!(operations.len() >= 26, "{} operations", operations.len());
    for (method, path, operation) in operations {
        let at = format!("{method} {path}");
        assert!(path.starts_with("/api/v1/"), "{at}");
        assert_eq!(
            operation["security"][0]["bearer"],
            Value::Array(vec![]),
            "{at}"
        );
        let answers = operation["responses"].as_object().expect("responses");
        assert!(
            answers.keys().any(|s| s.starts_with('2')),
            "{at} has no success answer"
        );
        for status in ["401", "429", "500", "503"] {
            assert!(answers.contains_key(status), "{at} lacks {status}");
        }
        if method != "get" {
            assert!(answers.contains_key("403"), "{at} lacks 403");
        }
    }
}

fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => found.push(target.clone()),
                    _ => refs(inner, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| refs(i, found)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let spec = spec();
    let mut found = Vec::new();
    refs(&spec, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {target}"));
        assert!(
            spec["components"]["schemas"].get(name).is_some(),
            "{target} does not resolve"
        );
    }
}

#[test]
fn path_parameters_are_declared() {
    let spec = spec();
    for (method, path, operation) in operations(&spec) {
        let declared: BTreeSet<String> = operation["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "path")
                    .filter_map(|p| p["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let in_path: BTreeSet<String> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split('}').next())
            .map(str::to_owned)
            .collect();
        assert_eq!(declared, in_path, "{method} {path}");
    }
}
