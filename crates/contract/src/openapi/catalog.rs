//! OpenAPI operations of the catalog (served by query-api). Bodies are empty: these
//! functions exist only to carry the route descriptions.

use crate::envelope::{ImagePage, RegionPage, SizePage};
use crate::problem::Problem;

use super::params::SizeParams;

#[utoipa::path(get, path = "/api/v1/regions", tag = "catalog",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of a cached copy")),
    responses(
        (status = 200, description = "Every region", body = RegionPage,
            headers(("ETag" = String, description = "Strong tag of the body"))),
        (status = 304, description = "The cached copy is current"),
    ))]
pub fn list_regions() {}

#[utoipa::path(get, path = "/api/v1/sizes", tag = "catalog",
    params(SizeParams, ("If-None-Match" = Option<String>, Header, description = "ETag of a cached copy")),
    responses(
        (status = 200, description = "The sizes (offered in `region`)", body = SizePage,
            headers(("ETag" = String, description = "Strong tag of the body"))),
        (status = 304, description = "The cached copy is current"),
        (status = 400, description = "INVALID_ARGUMENT: unknown region", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub fn list_sizes() {}

#[utoipa::path(get, path = "/api/v1/images", tag = "catalog",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of a cached copy")),
    responses(
        (status = 200, description = "Every image", body = ImagePage,
            headers(("ETag" = String, description = "Strong tag of the body"))),
        (status = 304, description = "The cached copy is current"),
    ))]
pub fn list_images() {}
