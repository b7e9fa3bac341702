//! The job request bodies agree with the OpenAPI document: what command-api accepts
//! (`FIELDS`) is exactly what the spec documents, for `POST /jobs` and its retry policy.

use std::collections::BTreeSet;

use contract::RequestBody;
use contract::job::{JobCreate, RetryPolicyInput};

fn properties(schema: &str) -> BTreeSet<String> {
    let spec = serde_json::to_value(contract::openapi::document()).expect("serialises");
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
fn job_bodies_accept_exactly_their_documented_properties() {
    assert_eq!(properties("JobCreate"), fields::<JobCreate>());
    assert_eq!(properties("RetryPolicyInput"), fields::<RetryPolicyInput>());
}
