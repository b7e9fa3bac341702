//! Turning request bodies into validated inputs: every field checked against its rule
//! and the catalog, all problems reported at once as field errors (422) with JSON
//! pointers. Parse, don't validate: the outputs hold only values that passed.

pub mod clusters;
pub mod droplets;
mod fields;

pub use fields::Fields;
