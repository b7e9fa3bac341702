//! `Fields`: one request body read field by field, collecting every problem with its
//! JSON pointer instead of stopping at the first. The rules shared by every resource
//! (names, tags, catalog slugs, counts, unknown and read-only fields) live here once.

use std::collections::BTreeMap;

use domain::catalog::{self, Region, Size};
use domain::name::ResourceName;
use platform::problem::{FieldError, Problem};
use serde_json::{Map, Value};

const MAX_TAGS: usize = 50;
const MAX_LABELS: usize = 64;

/// A JSON object being validated, with the pointer prefix of its position in the body.
pub struct Fields<'a> {
    body: &'a Map<String, Value>,
    prefix: String,
    /// Fields already reported (e.g. immutable ones), which `only` must not report again.
    reported: Vec<&'static str>,
    pub errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    pub fn new(body: &'a Map<String, Value>) -> Self {
        Self::at(body, "#")
    }

    pub fn at(body: &'a Map<String, Value>, prefix: &str) -> Self {
        Self {
            body,
            prefix: prefix.to_owned(),
            reported: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn pointer(&self, field: &str) -> String {
        format!("{}/{field}", self.prefix)
    }

    pub fn error(&mut self, field: &str, code: &'static str, detail: impl Into<String>) {
        let pointer = self.pointer(field);
        self.errors.push(FieldError::new(pointer, code, detail));
    }

    /// A field that exists but can never change: present is an error.
    pub fn immutable(&mut self, field: &'static str, detail: &str) -> &mut Self {
        if self.has(field) {
            self.error(field, "IMMUTABLE_FIELD", detail);
            self.reported.push(field);
        }
        self
    }

    /// Fields not in `allowed` are errors; `id` is read-only.
    pub fn only(&mut self, allowed: &[&str]) -> &mut Self {
        let unknown: Vec<String> = self
            .body
            .keys()
            .filter(|k| !allowed.contains(&k.as_str()) && !self.reported.contains(&k.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            match key.as_str() {
                "id" => self.error("id", "READ_ONLY_FIELD", "ids are assigned by the server"),
                other => self.error(
                    other,
                    "UNKNOWN_FIELD",
                    format!("{other} is not a known field"),
                ),
            }
        }
        self
    }

    pub fn has(&self, field: &str) -> bool {
        self.body.contains_key(field)
    }

    pub fn get(&self, field: &str) -> Option<&'a Value> {
        self.body.get(field)
    }

    pub fn string(&mut self, field: &str) -> Option<&'a str> {
        match self.body.get(field) {
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => {
                self.error(field, "INVALID_TYPE", format!("{field} must be a string"));
                None
            }
            None => None,
        }
    }

    pub fn required_string(&mut self, field: &str) -> Option<&'a str> {
        if !self.has(field) {
            self.error(field, "REQUIRED", format!("{field} is required"));
            return None;
        }
        self.string(field)
    }

    pub fn name(&mut self, field: &str, required: bool) -> Option<ResourceName> {
        let raw = if required {
            self.required_string(field)
        } else {
            self.string(field)
        }?;
        match ResourceName::parse(raw) {
            Ok(name) => Some(name),
            Err(e) => {
                self.error(field, "INVALID_NAME", e.to_string());
                None
            }
        }
    }

    pub fn region(&mut self, field: &str) -> Option<&'static Region> {
        let raw = self.required_string(field)?;
        let found = catalog::find_region(raw);
        if found.is_none() {
            self.error(
                field,
                "UNKNOWN_REGION",
                format!("region {raw} does not exist"),
            );
        }
        found
    }

    /// A size slug that exists and, when the region is known, is offered there.
    pub fn size(&mut self, field: &str, region: Option<&Region>, required: bool) -> Option<Size> {
        let raw = if required {
            self.required_string(field)
        } else {
            self.string(field)
        }?;
        let Some(size) = catalog::find_size(raw) else {
            self.error(field, "UNKNOWN_SIZE", format!("size {raw} does not exist"));
            return None;
        };
        if let Some(region) = region.filter(|r| !size.offered_in(r.slug)) {
            self.error(
                field,
                "UNKNOWN_SIZE",
                format!("size {raw} is not offered in {}", region.slug),
            );
            return None;
        }
        Some(*size)
    }

    pub fn image(&mut self, field: &str) -> Option<String> {
        let raw = self.required_string(field)?;
        let found = catalog::find_image(raw).map(|i| i.slug.to_owned());
        if found.is_none() {
            self.error(
                field,
                "UNKNOWN_IMAGE",
                format!("image {raw} does not exist"),
            );
        }
        found
    }

    /// Tags: at most 50 distinct `[A-Za-z0-9:._-]{1,255}`; absent is `None`.
    pub fn tags(&mut self, field: &str) -> Option<Vec<String>> {
        let value = self.body.get(field)?;
        let Some(items) = value.as_array().filter(|a| a.len() <= MAX_TAGS) else {
            self.error(
                field,
                "INVALID_TAGS",
                format!("{field} must be an array of at most {MAX_TAGS} strings"),
            );
            return None;
        };
        let mut tags: Vec<String> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let valid = item.as_str().filter(|t| {
                !t.is_empty()
                    && t.len() <= 255
                    && t.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ":-_.".contains(c))
            });
            match valid {
                Some(tag) if !tags.iter().any(|t| t == tag) => tags.push(tag.to_owned()),
                Some(_) => {}
                None => self.error(
                    &format!("{field}/{i}"),
                    "INVALID_TAG",
                    "tags are 1-255 letters, digits, ':', '-', '_' or '.'",
                ),
            }
        }
        Some(tags)
    }

    /// A count within `[min, max]`; absent is `None`.
    pub fn count(&mut self, field: &str, min: u64, max: u64) -> Option<u32> {
        let value = self.body.get(field)?;
        match value.as_u64().filter(|n| (min..=max).contains(n)) {
            Some(n) => u32::try_from(n).ok(),
            None => {
                self.error(
                    field,
                    "INVALID_COUNT",
                    format!("{field} must be an integer from {min} to {max}"),
                );
                None
            }
        }
    }

    pub fn boolean(&mut self, field: &str) -> Option<bool> {
        match self.body.get(field)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.error(
                    field,
                    "INVALID_TYPE",
                    format!("{field} must be true or false"),
                );
                None
            }
        }
    }

    /// Labels: a string-to-string object of at most 64 entries with short keys.
    pub fn labels(&mut self, field: &str) -> Option<BTreeMap<String, String>> {
        let value = self.body.get(field)?;
        let Some(object) = value.as_object().filter(|o| o.len() <= MAX_LABELS) else {
            self.error(
                field,
                "INVALID_LABELS",
                format!("{field} must be an object of at most {MAX_LABELS} string values"),
            );
            return None;
        };
        let mut labels = BTreeMap::new();
        for (key, value) in object {
            match value
                .as_str()
                .filter(|v| v.len() <= 255)
                .filter(|_| !key.is_empty() && key.len() <= 63)
            {
                Some(v) => {
                    labels.insert(key.clone(), v.to_owned());
                }
                None => self.error(
                    &format!("{field}/{key}"),
                    "INVALID_LABEL",
                    "labels map keys of 1-63 characters to strings of up to 255",
                ),
            }
        }
        Some(labels)
    }

    /// Taints: up to 50 strings such as `key=value:NoSchedule`.
    pub fn taints(&mut self, field: &str) -> Option<Vec<String>> {
        let value = self.body.get(field)?;
        let taints: Option<Vec<String>> = value
            .as_array()
            .filter(|a| a.len() <= MAX_TAGS)
            .and_then(|items| {
                items
                    .iter()
                    .map(|t| {
                        t.as_str()
                            .filter(|t| !t.is_empty() && t.len() <= 255)
                            .map(str::to_owned)
                    })
                    .collect()
            });
        if taints.is_none() {
            self.error(
                field,
                "INVALID_TAINTS",
                format!("{field} must be an array of at most {MAX_TAGS} non-empty strings"),
            );
        }
        taints
    }

    /// The validation problem, if any field was invalid.
    pub fn finish(&mut self) -> Result<(), Problem> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Problem::validation(std::mem::take(&mut self.errors)))
        }
    }
}
