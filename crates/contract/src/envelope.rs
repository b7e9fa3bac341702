//! The wrappers around representations: pages of a collection (api.md §2, §3) and the
//! `202` bodies of asynchronous mutations (`{<kind>: snapshot, operation}`, §9).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::AuditEvent;
use crate::catalog::{Image, Region, Size};
use crate::cluster::{Cluster, ClusterEvent, NodePool};
use crate::droplet::Droplet;
use crate::operation::Operation;

/// `meta` of every page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Exact count of the items matching the filter, across all pages.
    pub total: u64,
}

/// `links` of every page; `next` is left out on the last one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Links {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Declares a page type holding `$item`s under the key `$field`: the one page shape of
/// every collection (every resource module declares its pages with it).
macro_rules! page {
    ($(#[$doc:meta])* $name:ident, $field:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub $field: Vec<$item>,
            /// Left out on the last page; its absence is the only end signal.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub next_page_token: Option<String>,
            pub meta: $crate::envelope::Meta,
            pub links: $crate::envelope::Links,
        }
    };
}
pub(crate) use page;

page!(
    /// A page of droplets.
    DropletPage, droplets, Droplet
);
page!(
    /// A page of clusters.
    ClusterPage, clusters, Cluster
);
page!(
    /// The node pools of a cluster, each with its nodes.
    NodePoolPage, node_pools, NodePool
);
page!(
    /// A page of operations.
    OperationPage, operations, Operation
);
page!(
    /// A page of a cluster's timeline, oldest first.
    ClusterEventPage, events, ClusterEvent
);
page!(
    /// A page of the audit feed.
    AuditEventPage, events, AuditEvent
);
page!(
    /// Every region.
    RegionPage, regions, Region
);
page!(
    /// Every size (of one region with `?region=`).
    SizePage, sizes, Size
);
page!(
    /// Every image.
    ImagePage, images, Image
);

/// Declares the `202` body of an asynchronous mutation on `$item`.
macro_rules! accepted {
    ($(#[$doc:meta])* $name:ident, $field:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// The state right after the command, taken on the command side.
            pub $field: $item,
            /// `null` only when the command finished at once without an operation.
            #[schema(required = true)]
            pub operation: Option<Operation>,
        }
    };
}

accepted!(
    /// A droplet mutation was accepted.
    DropletAccepted, droplet, Droplet
);
accepted!(
    /// A cluster mutation was accepted.
    ClusterAccepted, cluster, Cluster
);
accepted!(
    /// A node pool mutation was accepted.
    NodePoolAccepted, node_pool, NodePool
);

/// `POST /droplets` with `names[]`: one droplet and one operation per name, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DropletsAccepted {
    pub droplets: Vec<Droplet>,
    pub operations: Vec<Operation>,
}

/// The `202` body of `POST /droplets`: one droplet for `name`, a list for `names`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum DropletCreated {
    One(Box<DropletAccepted>),
    Many(DropletsAccepted),
}
