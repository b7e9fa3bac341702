//! Droplet request bodies: `POST /droplets` (one name or up to ten `names[]`),
//! `PATCH /droplets/{id}` (name, tags) and the DO actions of
//! `POST /droplets/{id}/actions`. Every field is checked; every problem is reported.

use contract::RequestBody;
use contract::requests::{DropletCreate, DropletPatch};
use domain::catalog::{self, Region, Size};
use domain::droplet::Action;
use domain::name::ResourceName;
use platform::problem::Problem;
use serde_json::{Map, Value};

use super::{Fields, MetadataPatch};

/// Droplets one request may create.
pub const MAX_NAMES: usize = 10;
/// Largest `user_data` accepted, in bytes.
pub const MAX_USER_DATA: usize = 64 * 1024;

/// A validated `POST /droplets` body.
#[derive(Debug, Clone)]
pub struct CreateInput {
    pub names: Vec<ResourceName>,
    /// Whether the request used `names[]` (the answer is a list then).
    pub bulk: bool,
    pub region: &'static Region,
    pub size: Size,
    pub image: String,
    pub tags: Vec<String>,
    /// The preferred provider (a name) and the class filter of placement.
    pub provider: Option<String>,
    pub provider_class: Option<String>,
}

pub fn create(body: &Map<String, Value>) -> Result<CreateInput, Problem> {
    let mut f = Fields::new(body);
    f.only(DropletCreate::FIELDS);
    let (names, bulk) = names(&mut f);
    let region = f.region("region");
    let size = f.size("size", region, true);
    let image = f.image("image");
    let tags = f.tags("tags").unwrap_or_default();
    if let Some(user_data) = f.string("user_data").filter(|u| u.len() > MAX_USER_DATA) {
        f.error(
            "user_data",
            "TOO_LONG",
            format!(
                "user_data is {} bytes; the limit is {MAX_USER_DATA}",
                user_data.len()
            ),
        );
    }
    let provider = f.string("provider").map(str::to_owned);
    let provider_class = f.string("provider_class").map(str::to_owned);
    f.finish()?;
    match (region, size, image) {
        (Some(region), Some(size), Some(image)) if !names.is_empty() => Ok(CreateInput {
            names,
            bulk,
            region,
            size,
            image,
            tags,
            provider,
            provider_class,
        }),
        _ => Err(Problem::invalid_argument("the droplet could not be read")),
    }
}

/// `name` or `names[]` (exactly one of them), each a valid, distinct name.
fn names(f: &mut Fields<'_>) -> (Vec<ResourceName>, bool) {
    match (f.has("name"), f.has("names")) {
        (true, true) => {
            f.error(
                "names",
                "CONFLICTING_FIELDS",
                "send either name or names, not both",
            );
            (Vec::new(), false)
        }
        (false, true) => (bulk_names(f), true),
        _ => (f.name("name", true).into_iter().collect(), false),
    }
}

fn bulk_names(f: &mut Fields<'_>) -> Vec<ResourceName> {
    let Some(items) = f
        .get("names")
        .and_then(Value::as_array)
        .filter(|a| (1..=MAX_NAMES).contains(&a.len()))
    else {
        f.error(
            "names",
            "INVALID_NAMES",
            format!("names must be an array of 1 to {MAX_NAMES} names"),
        );
        return Vec::new();
    };
    let mut names: Vec<ResourceName> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str().map(ResourceName::parse) {
            Some(Ok(name)) if names.contains(&name) => f.error(
                &format!("names/{i}"),
                "DUPLICATE_NAME",
                "names must be distinct",
            ),
            Some(Ok(name)) => names.push(name),
            Some(Err(e)) => f.error(&format!("names/{i}"), "INVALID_NAME", e.to_string()),
            None => f.error(&format!("names/{i}"), "INVALID_TYPE", "names are strings"),
        }
    }
    names
}

pub fn patch(body: &Map<String, Value>) -> Result<MetadataPatch, Problem> {
    let mut f = Fields::new(body);
    f.only(DropletPatch::FIELDS);
    let input = MetadataPatch {
        name: f.name("name", false),
        tags: f.tags("tags"),
    };
    f.finish()?;
    Ok(input)
}

/// A validated action; sizes are checked against the droplet's region by the caller.
pub fn action(body: &Map<String, Value>) -> Result<Action, Problem> {
    let mut f = Fields::new(body);
    let kind = f.required_string("type");
    f.only(action_fields(kind));
    let action = match kind {
        Some("power_on") => Some(Action::PowerOn),
        Some("power_off") => Some(Action::PowerOff),
        Some("shutdown") => Some(Action::Shutdown),
        Some("reboot") => Some(Action::Reboot),
        Some("power_cycle") => Some(Action::PowerCycle),
        Some("rename") => f.name("name", true).map(Action::Rename),
        Some("snapshot") => f.name("name", true).map(Action::Snapshot),
        Some("resize") => f.size("size", None, true).map(Action::Resize),
        Some("rebuild") => f.image("image").map(Action::Rebuild),
        Some("migrate") => f
            .required_string("provider")
            .map(|p| Action::Migrate(p.to_owned())),
        Some(other) => {
            f.error(
                "type",
                "UNKNOWN_ACTION",
                format!("{other} is not a droplet action"),
            );
            None
        }
        None => None,
    };
    f.finish()?;
    action.ok_or_else(|| Problem::invalid_argument("the action could not be read"))
}

/// The fields an action of type `kind` may carry (a subset of `DropletAction::FIELDS`).
fn action_fields(kind: Option<&str>) -> &'static [&'static str] {
    match kind {
        Some("rename" | "snapshot") => &["type", "name"],
        Some("resize") => &["type", "size", "disk"],
        Some("rebuild") => &["type", "image"],
        Some("migrate") => &["type", "provider"],
        _ => &["type"],
    }
}

/// Whether `size` is offered in the droplet's `region` (a resize must stay in region).
pub fn offered(size: &Size, region: &str) -> bool {
    catalog::find_region(region).is_some() && size.offered_in(region)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn every_action_field_is_documented() {
        use contract::requests::DropletAction;
        let kinds = [
            "power_on",
            "power_off",
            "shutdown",
            "reboot",
            "power_cycle",
            "rename",
            "snapshot",
            "resize",
            "rebuild",
            "migrate",
        ];
        let mut used: Vec<&str> = kinds
            .iter()
            .flat_map(|k| action_fields(Some(k)))
            .copied()
            .collect();
        used.sort_unstable();
        used.dedup();
        let mut documented = DropletAction::FIELDS.to_vec();
        documented.sort_unstable();
        assert_eq!(used, documented);
    }

    #[test]
    fn a_valid_body_parses() {
        let body = obj(
            json!({"name": "web-1", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": ["env:prod"]}),
        );
        let input = create(&body).expect("valid");
        assert_eq!(
            (
                input.region.slug,
                input.size.slug,
                input.tags.len(),
                input.bulk
            ),
            ("nyc1", "s-1vcpu-1gb", 1, false)
        );
    }

    #[test]
    fn names_create_up_to_ten_distinct_droplets() {
        let body = obj(
            json!({"names": ["a", "b"], "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}),
        );
        assert_eq!(create(&body).expect("valid").names.len(), 2);
        let eleven: Vec<String> = (0..11).map(|i| format!("n{i}")).collect();
        let body = obj(
            json!({"names": eleven, "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}),
        );
        assert_eq!(
            create(&body).expect_err("too many").errors[0].code,
            "INVALID_NAMES"
        );
        let body = obj(
            json!({"names": ["a", "a"], "name": "b", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}),
        );
        assert_eq!(
            create(&body).expect_err("both").errors[0].code,
            "CONFLICTING_FIELDS"
        );
    }

    #[test]
    fn every_bad_field_is_reported_with_its_pointer() {
        let body = obj(
            json!({"id": "x", "name": "bad_name", "region": "mars1", "size": "s-9vcpu-64gb", "tags": [1], "user_data": "x".repeat(70_000)}),
        );
        let problem = create(&body).expect_err("invalid");
        let pointers: Vec<&str> = problem.errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(problem.status, 422);
        for expected in [
            "#/id",
            "#/name",
            "#/region",
            "#/size",
            "#/image",
            "#/tags/0",
            "#/user_data",
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
        assert_eq!(
            create(&body).expect_err("not offered").errors[0].code,
            "UNKNOWN_SIZE"
        );
    }

    #[test]
    fn actions_parse_and_unknown_ones_are_named() {
        assert_eq!(
            action(&obj(json!({"type": "shutdown"}))).ok(),
            Some(Action::Shutdown)
        );
        assert!(matches!(
            action(&obj(json!({"type": "rename", "name": "web-2"}))),
            Ok(Action::Rename(_))
        ));
        assert!(matches!(
            action(&obj(json!({"type": "resize", "size": "s-2vcpu-4gb"}))),
            Ok(Action::Resize(_))
        ));
        assert_eq!(
            action(&obj(json!({"type": "migrate", "provider": "x"}))).ok(),
            Some(Action::Migrate("x".into()))
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
        assert_eq!(
            action(&obj(json!({"type": "reboot", "name": "x"})))
                .expect_err("x")
                .errors[0]
                .code,
            "UNKNOWN_FIELD"
        );
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let input = patch(&obj(json!({"tags": ["a"]}))).expect("valid");
        assert!(input.name.is_none());
        assert_eq!(
            patch(&obj(json!({"status": "off"}))).expect_err("x").errors[0].code,
            "UNKNOWN_FIELD"
        );
    }
}
