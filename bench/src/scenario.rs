//! What each virtual user sends: the hello-world probe, droplet creates, the mixed command
//! workload (creates, tag `PATCH`es, power toggles on droplets the user alone drives), and
//! the two reads (get by id, list pages). Names are unique per run and user so creates
//! never collide; a user only acts on its own share of the known ids, so its own
//! requests never race each other into 409s (other causes are counted, not hidden).

use std::sync::Arc;

use bytes::Bytes;
use hyper::{Method, StatusCode};
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::SmallRng;
use uuid::Uuid;

use crate::client::Call;

/// The request mixes `loadgen` can drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `GET /hello` (the baseline server).
    Hello,
    /// `POST /api/v1/droplets` with unique names.
    Create,
    /// 40 % creates, 30 % tag `PATCH`es, 30 % power off/on of the user's own droplets.
    Mixed,
    /// Tag `PATCH`es and power off/on only: the data set stays the same size, so the
    /// soak's RSS can only grow through a leak, not through new droplets.
    Actions,
    /// `GET /api/v1/droplets/{id}` over the known ids.
    Get,
    /// `GET /api/v1/droplets?per_page=20`.
    List,
}

/// Everything every user of one run shares.
#[derive(Debug, Clone)]
pub struct Workload {
    pub kind: Kind,
    pub token: String,
    /// Run-unique prefix of droplet names.
    pub prefix: String,
    pub ids: Arc<Vec<Uuid>>,
    pub users: usize,
}

/// One virtual user's state: its name counter, its droplets and their power state.
pub struct User {
    workload: Workload,
    index: usize,
    sent: u64,
    own: Vec<(Uuid, bool)>,
    rng: SmallRng,
}

impl User {
    pub fn new(workload: &Workload, index: usize) -> Self {
        let own = workload
            .ids
            .iter()
            .enumerate()
            .filter(|(i, _)| i % workload.users.max(1) == index)
            .map(|(_, id)| (*id, true))
            .collect();
        Self {
            workload: workload.clone(),
            index,
            sent: 0,
            own,
            rng: SmallRng::seed_from_u64(index as u64),
        }
    }

    /// The next request of this user.
    pub fn next_call(&mut self) -> Call {
        self.sent += 1;
        let call = match self.workload.kind {
            Kind::Hello => Call::get("hello", "/hello".to_owned()),
            Kind::Create => self.create(),
            Kind::Mixed => self.mixed(0..4),
            Kind::Actions => self.mixed(0..0),
            Kind::Get => {
                let ids = &self.workload.ids;
                let id = ids[self.rng.random_range(0..ids.len())];
                Call::get("get droplet", format!("/api/v1/droplets/{id}"))
            }
            Kind::List => Call::get("list droplets", "/api/v1/droplets?per_page=20".to_owned()),
        };
        match self.workload.kind {
            Kind::Hello => call,
            _ => call.header("authorization", format!("Bearer {}", self.workload.token)),
        }
    }

    /// Notes what a response means for this user's state (a power toggle that went
    /// through flips the droplet); returns the id of a created droplet.
    pub fn observe(&mut self, call: &Call, status: StatusCode, body: &Bytes) -> Option<Uuid> {
        if call.route == "power" && status.is_success() {
            let slot = (self.sent as usize) % self.own.len().max(1);
            if let Some(own) = self.own.get_mut(slot) {
                own.1 = !own.1;
            }
        }
        (call.route == "create droplet" && status == StatusCode::ACCEPTED)
            .then(|| created_id(body))
            .flatten()
    }

    fn create(&mut self) -> Call {
        let name = format!("{}-{}-{}", self.workload.prefix, self.index, self.sent);
        let body = format!(
            r#"{{"name":"{name}","region":"nyc1","size":"s-1vcpu-1gb","image":"debian-12-x64"}}"#
        );
        Call::json(
            "create droplet",
            Method::POST,
            "/api/v1/droplets".into(),
            body,
        )
    }

    /// A create when the roll falls in `creates` (out of 0..10), else an action on one of
    /// the user's droplets: tags 3 in 10, power the rest.
    fn mixed(&mut self, creates: std::ops::Range<u32>) -> Call {
        if self.own.is_empty() {
            return self.create();
        }
        // The droplet a non-create request acts on; `observe` finds it again from `sent`.
        let slot = (self.sent as usize) % self.own.len();
        let (id, on) = self.own[slot];
        let roll = self.rng.random_range(0..10u32);
        if creates.contains(&roll) {
            return self.create();
        }
        match roll {
            4..7 => {
                let body = format!(r#"{{"tags":["bench:{}"]}}"#, self.sent % 8);
                Call::json(
                    "patch tags",
                    Method::PATCH,
                    format!("/api/v1/droplets/{id}"),
                    body,
                )
            }
            _ => {
                let action = if on { "power_off" } else { "power_on" };
                let body = format!(r#"{{"type":"{action}"}}"#);
                let path = format!("/api/v1/droplets/{id}/actions");
                Call::json("power", Method::POST, path, body)
            }
        }
    }
}

/// `droplet.id` of a `202` create body.
pub fn created_id(body: &[u8]) -> Option<Uuid> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value["droplet"]["id"].as_str()?.parse().ok()
}
