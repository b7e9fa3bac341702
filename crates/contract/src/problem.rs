//! The RFC 9457 problem document of api.md §4, as clients see it. `platform::problem`
//! builds these; a test there holds every body it can produce to this shape.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// An error answer (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(example = "https://docs.clustergenie.dev/problems/validation-failed")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Stable UPPER_SNAKE code; branch on this, never on `detail`.
    #[schema(example = "VALIDATION_FAILED")]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every dynamic value mentioned in `detail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// On `429`: the policies the request ran over (e.g. `["minute"]`).
    #[serde(
        default,
        rename = "violated-policies",
        skip_serializing_if = "Option::is_none"
    )]
    pub violated_policies: Option<Vec<String>>,
}

/// One invalid field of a request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldError {
    /// A JSON pointer into the request body, e.g. `#/node_pools/0/size`.
    pub pointer: String,
    pub code: String,
    pub detail: String,
}
