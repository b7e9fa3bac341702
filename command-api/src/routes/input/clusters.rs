//! Cluster and node pool request bodies: `POST /clusters` (with at least one pool),
//! `PATCH /clusters/{id}` (name, tags; region is immutable), `POST …/node_pools` and
//! `PATCH …/node_pools/{id}` (count, labels, auto_scale, min and max nodes).

use contract::RequestBody;
use contract::requests::{ClusterCreate, ClusterPatch, NodePoolCreate, NodePoolPatch};
use domain::catalog::Region;
use domain::cluster::{DEFAULT_KUBE_VERSION, PoolChanges, PoolSpec};
use domain::name::ResourceName;
use platform::problem::Problem;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{Fields, MetadataPatch};

/// The largest node pool and the most pools a cluster may have.
pub const MAX_NODES: u64 = 100;
pub const MAX_POOLS: usize = 10;

#[derive(Debug, Clone)]
pub struct CreateInput {
    pub name: ResourceName,
    pub region: &'static Region,
    pub kube_version: String,
    pub pools: Vec<PoolSpec>,
    pub tags: Vec<String>,
}

/// `new_id` gives each new pool its server-assigned id.
pub fn create(
    body: &Map<String, Value>,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<CreateInput, Problem> {
    let mut f = Fields::new(body);
    f.only(ClusterCreate::FIELDS);
    let name = f.name("name", true);
    let region = f.region("region");
    let kube_version = f
        .string("kube_version")
        .or(f.string("version"))
        .unwrap_or(DEFAULT_KUBE_VERSION)
        .to_owned();
    let tags = f.tags("tags").unwrap_or_default();
    let pools = match f.get("node_pools").and_then(Value::as_array) {
        Some(items) if (1..=MAX_POOLS).contains(&items.len()) => {
            let mut pools = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_object() {
                    Some(pool) => pools.extend(pool_spec(
                        pool,
                        &format!("#/node_pools/{i}"),
                        region,
                        new_id,
                        &mut f.errors,
                    )),
                    None => f.error(
                        &format!("node_pools/{i}"),
                        "INVALID_TYPE",
                        "a node pool is an object",
                    ),
                }
            }
            pools
        }
        _ => {
            f.error(
                "node_pools",
                "INVALID_NODE_POOLS",
                format!("node_pools must be an array of 1 to {MAX_POOLS} pools"),
            );
            Vec::new()
        }
    };
    f.finish()?;
    match (name, region) {
        (Some(name), Some(region)) => Ok(CreateInput {
            name,
            region,
            kube_version,
            pools,
            tags,
        }),
        _ => Err(Problem::invalid_argument("the cluster could not be read")),
    }
}

/// A new pool at `prefix`; its errors go to `errors`.
pub fn pool_spec(
    body: &Map<String, Value>,
    prefix: &str,
    region: Option<&Region>,
    new_id: &mut dyn FnMut() -> Uuid,
    errors: &mut Vec<platform::problem::FieldError>,
) -> Option<PoolSpec> {
    let mut f = Fields::at(body, prefix);
    f.only(NodePoolCreate::FIELDS);
    let name = f.name("name", true);
    let size = f.size("size", region, true);
    let count = f.count("count", 1, MAX_NODES);
    if !f.has("count") {
        f.error("count", "REQUIRED", "count is required");
    }
    let auto_scale = f.boolean("auto_scale").unwrap_or(false);
    let min_nodes = f.count("min_nodes", 1, MAX_NODES);
    let max_nodes = f.count("max_nodes", 1, MAX_NODES);
    let labels = f.labels("labels").unwrap_or_default();
    let taints = f.taints("taints").unwrap_or_default();
    let tags = f.tags("tags").unwrap_or_default();
    let ok = f.errors.is_empty();
    errors.append(&mut f.errors);
    let (name, size, count) = (name?, size?, count?);
    ok.then(|| PoolSpec {
        id: new_id(),
        name,
        size,
        count,
        auto_scale,
        min_nodes: min_nodes.unwrap_or(if auto_scale { count.min(1) } else { 1 }),
        max_nodes: max_nodes.unwrap_or(if auto_scale {
            count.max(1)
        } else {
            count.max(MAX_NODES as u32)
        }),
        labels,
        taints,
        tags,
    })
}

pub fn patch(body: &Map<String, Value>) -> Result<MetadataPatch, Problem> {
    let mut f = Fields::new(body);
    f.immutable("region", "the region of a cluster cannot change")
        .only(ClusterPatch::FIELDS);
    let input = MetadataPatch {
        name: f.name("name", false),
        tags: f.tags("tags"),
    };
    f.finish()?;
    Ok(input)
}

pub fn pool_patch(body: &Map<String, Value>) -> Result<PoolChanges, Problem> {
    let mut f = Fields::new(body);
    f.only(NodePoolPatch::FIELDS);
    let changes = PoolChanges {
        count: f.count("count", 1, MAX_NODES),
        labels: f.labels("labels"),
        auto_scale: f.boolean("auto_scale"),
        min_nodes: f.count("min_nodes", 1, MAX_NODES),
        max_nodes: f.count("max_nodes", 1, MAX_NODES),
    };
    f.finish()?;
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("object")
    }

    fn ids() -> impl FnMut() -> Uuid {
        let mut n = 0;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

    #[test]
    fn a_cluster_needs_a_valid_pool() {
        let body = obj(
            json!({"name": "prod", "region": "nyc1", "node_pools": [{"name": "web", "size": "s-2vcpu-4gb", "count": 2}]}),
        );
        let input = create(&body, &mut ids()).expect("valid");
        assert_eq!(
            (
                input.pools.len(),
                input.pools[0].count,
                input.kube_version.as_str()
            ),
            (1, 2, DEFAULT_KUBE_VERSION)
        );
        let body = obj(json!({"name": "prod", "region": "nyc1", "node_pools": []}));
        assert_eq!(
            create(&body, &mut ids()).expect_err("x").errors[0].code,
            "INVALID_NODE_POOLS"
        );
        let body = obj(
            json!({"name": "prod", "region": "nyc1", "node_pools": [{"name": "web", "size": "c-8vcpu-16gb", "count": 0}]}),
        );
        let problem = create(&body, &mut ids()).expect_err("x");
        let pointers: Vec<&str> = problem.errors.iter().map(|e| e.pointer.as_str()).collect();
        assert!(pointers.contains(&"#/node_pools/0/count"), "{pointers:?}");
    }

    #[test]
    fn the_region_is_immutable() {
        assert_eq!(
            patch(&obj(json!({"region": "ams3"})))
                .expect_err("x")
                .errors[0]
                .code,
            "IMMUTABLE_FIELD"
        );
        assert!(
            patch(&obj(json!({"name": "prod-2"})))
                .expect("valid")
                .name
                .is_some()
        );
    }
}
