//! The OpenAPI document describes exactly the routes the services register: every
//! public route of command-api and query-api is in the spec with its method, and every
//! operation in the spec is a registered route. Adding a route without describing it
//! (or describing one that does not exist) fails here.

use std::collections::BTreeSet;

/// `{id:[^/:]+}` (an actix segment with a regex) → `{id}`, the OpenAPI spelling.
fn openapi_path(actix: &str) -> String {
    let mut out = String::new();
    let mut rest = actix;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .expect("balanced braces");
        let segment = &rest[open + 1..close];
        let name = segment.split(':').next().unwrap_or(segment);
        out.push('{');
        out.push_str(name);
        out.push('}');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn registered() -> BTreeSet<(String, String)> {
    let commands = command_api::routes::table()
        .into_iter()
        .map(|r| (r.method.as_str().to_lowercase(), openapi_path(r.path)));
    let reads = query_api::routes::table()
        .into_iter()
        .map(|r| (r.method.as_str().to_lowercase(), openapi_path(r.path)));
    commands.chain(reads).collect()
}

fn documented() -> BTreeSet<(String, String)> {
    let spec = serde_json::to_value(contract::openapi::document()).expect("spec serialises");
    let mut found = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                found.insert((method.clone(), path.clone()));
            }
        }
    }
    found
}

#[test]
fn actix_patterns_become_openapi_paths() {
    assert_eq!(
        openapi_path("/api/v1/operations/{id:[^/:]+}:cancel"),
        "/api/v1/operations/{id}:cancel"
    );
    assert_eq!(
        openapi_path("/api/v1/clusters/{id}/node_pools/{pool_id}"),
        "/api/v1/clusters/{id}/node_pools/{pool_id}"
    );
}

#[test]
fn every_registered_route_is_documented() {
    let missing: Vec<_> = registered().difference(&documented()).cloned().collect();
    assert!(
        missing.is_empty(),
        "routes missing from the spec: {missing:?}"
    );
}

#[test]
fn every_documented_route_is_registered() {
    let phantom: Vec<_> = documented().difference(&registered()).cloned().collect();
    assert!(
        phantom.is_empty(),
        "spec names routes nobody serves: {phantom:?}"
    );
}

#[test]
fn the_two_services_do_not_claim_the_same_route() {
    let commands: BTreeSet<_> = command_api::routes::table()
        .into_iter()
        .map(|r| (r.method.as_str().to_owned(), openapi_path(r.path)))
        .collect();
    let reads: BTreeSet<_> = query_api::routes::table()
        .into_iter()
        .map(|r| (r.method.as_str().to_owned(), openapi_path(r.path)))
        .collect();
    let both: Vec<_> = commands.intersection(&reads).collect();
    assert!(both.is_empty(), "served twice: {both:?}");
}
