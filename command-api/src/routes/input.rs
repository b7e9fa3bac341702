//! Turning request bodies into validated inputs: every field checked against its rule
//! and the catalog, all problems reported at once as field errors (422) with JSON
//! pointers. Parse, don't validate: the outputs hold only values that passed.

use domain::catalog::{self, Size};
use domain::droplet::DropletName;
use platform::problem::{FieldError, Problem};
use serde_json::{Map, Value};

/// A validated `POST /droplets` body.
#[derive(Debug, Clone)]
pub struct CreateInput {
    pub name: DropletName,
    pub region: &'static catalog::Region,
    pub size: Size,
    pub image: String,
    pub tags: Vec<String>,
}

/// A validated `POST /droplets/{id}/actions` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionInput {
    PowerOn,
    PowerOff,
    Reboot,
    Rename(DropletName),
}

const CREATE_FIELDS: &[&str] = &["name", "region", "size", "image", "tags"];
const MAX_TAGS: usize = 50;
/// DO action types this API knows but does not offer yet.
const NOT_YET_OFFERED: &[&str] = &[
    "power_cycle",
    "resize",
    "rebuild",
    "snapshot",
    "migrate",
    "enable_backups",
];

pub fn create(body: &Map<String, Value>) -> Result<CreateInput, Problem> {
    let mut errors = unknown_fields(body, CREATE_FIELDS);
    let name = required_str(body, "name", &mut errors).and_then(|raw| {
        DropletName::parse(raw)
            .map_err(|e| errors.push(FieldError::new("#/name", "INVALID_NAME", e.to_string())))
            .ok()
    });
    let region = required_str(body, "region", &mut errors).and_then(|raw| {
        let found = catalog::region(raw);
        if found.is_none() {
            errors.push(FieldError::new(
                "#/region",
                "UNKNOWN_REGION",
                format!("region {raw} does not exist"),
            ));
        }
        found
    });
    let size =
        required_str(body, "size", &mut errors).and_then(|raw| size_in(raw, region, &mut errors));
    let image = required_str(body, "image", &mut errors).and_then(|raw| {
        let found = catalog::image(raw).map(|i| i.slug.to_owned());
        if found.is_none() {
            errors.push(FieldError::new(
                "#/image",
                "UNKNOWN_IMAGE",
                format!("image {raw} does not exist"),
            ));
        }
        found
    });
    let tags = tags(body.get("tags"), &mut errors);
    match (name, region, size, image) {
        (Some(name), Some(region), Some(size), Some(image)) if errors.is_empty() => {
            Ok(CreateInput {
                name,
                region,
                size,
                image,
                tags,
            })
        }
        _ => Err(Problem::validation(errors)),
    }
}

pub fn action(body: &Map<String, Value>) -> Result<ActionInput, Problem> {
    let mut errors = unknown_fields(body, &["type", "name"]);
    let kind = required_str(body, "type", &mut errors);
    let action = match kind {
        Some("power_on") => Some(ActionInput::PowerOn),
        Some("power_off" | "shutdown") => Some(ActionInput::PowerOff),
        Some("reboot") => Some(ActionInput::Reboot),
        Some("rename") => required_str(body, "name", &mut errors).and_then(|raw| {
            DropletName::parse(raw)
                .map_err(|e| errors.push(FieldError::new("#/name", "INVALID_NAME", e.to_string())))
                .ok()
                .map(ActionInput::Rename)
        }),
        Some(other) if NOT_YET_OFFERED.contains(&other) => {
            errors.push(FieldError::new(
                "#/type",
                "UNSUPPORTED_ACTION",
                format!("{other} is not offered yet"),
            ));
            None
        }
        Some(other) => {
            errors.push(FieldError::new(
                "#/type",
                "UNKNOWN_ACTION",
                format!("{other} is not a droplet action"),
            ));
            None
        }
        None => None,
    };
    match action {
        Some(action) if errors.is_empty() => Ok(action),
        _ => Err(Problem::validation(errors)),
    }
}

fn size_in(
    raw: &str,
    region: Option<&catalog::Region>,
    errors: &mut Vec<FieldError>,
) -> Option<Size> {
    let Some(size) = catalog::size(raw) else {
        errors.push(FieldError::new(
            "#/size",
            "UNKNOWN_SIZE",
            format!("size {raw} does not exist"),
        ));
        return None;
    };
    if let Some(region) = region.filter(|r| !size.offered_in(r.slug)) {
        let detail = format!("size {raw} is not offered in {}", region.slug);
        errors.push(FieldError::new("#/size", "UNKNOWN_SIZE", detail));
        return None;
    }
    Some(*size)
}

fn unknown_fields(body: &Map<String, Value>, allowed: &[&str]) -> Vec<FieldError> {
    body.keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| match k.as_str() {
            "id" => FieldError::new("#/id", "READ_ONLY_FIELD", "ids are assigned by the server"),
            other => FieldError::new(
                format!("#/{other}"),
                "UNKNOWN_FIELD",
                format!("{other} is not a known field"),
            ),
        })
        .collect()
}

fn required_str<'a>(
    body: &'a Map<String, Value>,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a str> {
    match body.get(field) {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            errors.push(FieldError::new(
                format!("#/{field}"),
                "INVALID_TYPE",
                format!("{field} must be a string"),
            ));
            None
        }
        None => {
            errors.push(FieldError::new(
                format!("#/{field}"),
                "REQUIRED",
                format!("{field} is required"),
            ));
            None
        }
    }
}

fn tags(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Vec<String> {
    let Some(value) = value else {
        return Vec::new();
    };
    let Some(items) = value.as_array().filter(|a| a.len() <= MAX_TAGS) else {
        errors.push(FieldError::new(
            "#/tags",
            "INVALID_TAGS",
            format!("tags must be an array of at most {MAX_TAGS} strings"),
        ));
        return Vec::new();
    };
    let mut tags = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let valid = item.as_str().filter(|t| {
            !t.is_empty()
                && t.len() <= 255
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ":-_.".contains(c))
        });
        match valid {
            Some(tag) if !tags.iter().any(|t: &String| t == tag) => tags.push(tag.to_owned()),
            Some(_) => {}
            None => errors.push(FieldError::new(
                format!("#/tags/{i}"),
                "INVALID_TAG",
                "tags are 1-255 letters, digits, ':', '-', '_' or '.'",
            )),
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn a_valid_body_parses() {
        let body = obj(
            json!({"name": "web-1", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": ["env:prod"]}),
        );
        let input = create(&body).expect("valid");
        assert_eq!(
            (input.region.slug, input.size.slug, input.tags.len()),
            ("nyc1", "s-1vcpu-1gb", 1)
        );
    }

    #[test]
    fn every_bad_field_is_reported_with_its_pointer() {
        let body = obj(
            json!({"id": "x", "name": "bad_name", "region": "mars1", "size": "s-9vcpu-64gb", "tags": [1]}),
        );
        let problem = create(&body).expect_err("invalid");
        let pointers: Vec<&str> = problem.errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(problem.status, 422);
        for expected in [
            "#/id", "#/name", "#/region", "#/size", "#/image", "#/tags/0",
        ] {
            assert!(
                pointers.contains(&expected),
                "{expected} missing from {pointers:?}"
            );
        }
    }

    #[test]
    fn a_size_must_be_offered_in_the_region() {
        let body = obj(
            json!({"name": "a", "region": "sgp1", "size": "c-8vcpu-16gb", "image": "debian-12-x64"}),
        );
        let problem = create(&body).expect_err("not offered");
        assert_eq!(problem.errors[0].code, "UNKNOWN_SIZE");
    }

    #[test]
    fn actions_parse_and_unknown_ones_are_named() {
        assert_eq!(
            action(&obj(json!({"type": "shutdown"}))).ok(),
            Some(ActionInput::PowerOff)
        );
        let rename = action(&obj(json!({"type": "rename", "name": "web-2"}))).expect("valid");
        assert!(matches!(rename, ActionInput::Rename(_)));
        assert_eq!(
            action(&obj(json!({"type": "resize"})))
                .expect_err("x")
                .errors[0]
                .code,
            "UNSUPPORTED_ACTION"
        );
        assert_eq!(
            action(&obj(json!({"type": "fly"}))).expect_err("x").errors[0].code,
            "UNKNOWN_ACTION"
        );
        assert_eq!(
            action(&obj(json!({"type": "rename"})))
                .expect_err("x")
                .errors[0]
                .code,
            "REQUIRED"
        );
    }
}
