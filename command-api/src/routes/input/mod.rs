//! Turning request bodies into validated inputs: every field checked against its rule
//! and the catalog, all problems reported at once as field errors (422) with JSON
//! pointers. Parse, don't validate: the outputs hold only values that passed.

pub mod clusters;
pub mod demand;
pub mod droplets;
mod fields;
pub mod jobs;
pub mod providers;

pub use fields::Fields;

use domain::name::ResourceName;

/// A validated metadata `PATCH` (api.md §2: only `name` and `tags` change synchronously);
/// each field is `None` when the body leaves it out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataPatch {
    pub name: Option<ResourceName>,
    pub tags: Option<Vec<String>>,
}
