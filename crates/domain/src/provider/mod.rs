//! The Provider aggregate (features.md §2.8): where droplets run. An admin registers a
//! provider with its regions, classes and capacity (droplet slots); placement reserves a
//! slot per droplet (`Reserve`, idempotent per droplet) and gives it back (`Release`).
//! The state keeps the set of reserved droplet ids, so `reserved` is derived by the fold
//! and a repeated reserve or release changes nothing. Capacity is never over-booked: a
//! reserve at capacity is refused (`NoCapacity`), and neither a capacity below what is
//! reserved nor the delete of a provider holding reservations is accepted. Pure: no IO.

mod placement;
#[cfg(test)]
mod tests;

pub use placement::{Candidate, Choice, Criteria, NoRoom, place};

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Aggregate;
use crate::name::ResourceName;
use crate::rejection::{DomainError, Rejection, RejectionKind};

/// Who owns providers: they are the platform's, not a user's.
pub const OWNER: &str = "system";

/// A provider's settings, as registered or after a merge-patch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spec {
    pub regions: Vec<String>,
    pub classes: Vec<String>,
    pub capacity: u32,
    /// Hourly price per droplet in micro-USD, replacing the catalog's when set.
    pub price_hourly_override: Option<u64>,
}

/// A merge-patch of a provider: `None` leaves a field as it is; the price's inner `None`
/// clears the override.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpecPatch {
    pub regions: Option<Vec<String>>,
    pub classes: Option<Vec<String>>,
    pub capacity: Option<u32>,
    pub price_hourly_override: Option<Option<u64>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Provider {
    pub id: Uuid,
    pub name: ResourceName,
    pub spec: Spec,
    /// Reserved droplet ids and since when (the sweep releases old ones whose droplet
    /// never came to be).
    pub reservations: BTreeMap<Uuid, DateTime<Utc>>,
    pub deleted: bool,
    pub version: u64,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderCommand {
    Register {
        id: Uuid,
        name: ResourceName,
        spec: Spec,
        at: DateTime<Utc>,
    },
    Update {
        patch: SpecPatch,
        at: DateTime<Utc>,
    },
    Delete {
        at: DateTime<Utc>,
    },
    Reserve {
        droplet_id: Uuid,
        at: DateTime<Utc>,
    },
    Release {
        droplet_id: Uuid,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderEvent {
    Registered {
        id: Uuid,
        name: ResourceName,
        spec: Spec,
        at: DateTime<Utc>,
    },
    /// The whole spec after the patch, so the fold needs no merge rule.
    Updated {
        spec: Spec,
        at: DateTime<Utc>,
    },
    Deleted {
        at: DateTime<Utc>,
    },
    CapacityReserved {
        droplet_id: Uuid,
        at: DateTime<Utc>,
    },
    CapacityReleased {
        droplet_id: Uuid,
        at: DateTime<Utc>,
    },
}

impl ProviderEvent {
    /// Stable type name stored on the wire; never rename one.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Registered { .. } => "provider.registered",
            Self::Updated { .. } => "provider.updated",
            Self::Deleted { .. } => "provider.deleted",
            Self::CapacityReserved { .. } => "provider.capacity_reserved",
            Self::CapacityReleased { .. } => "provider.capacity_released",
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Registered { at, .. }
            | Self::Updated { at, .. }
            | Self::Deleted { at }
            | Self::CapacityReserved { at, .. }
            | Self::CapacityReleased { at, .. } => *at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    #[error("there is no such provider")]
    NotFound,
    #[error("the provider already exists")]
    AlreadyExists,
    #[error("provider {name} has no free capacity")]
    NoCapacity { name: String, capacity: u32 },
    #[error("capacity {capacity} is below the {reserved} reserved slots")]
    CapacityBelowReserved { capacity: u32, reserved: u32 },
    #[error("the provider holds {reserved} reservations")]
    HasReservations { reserved: u32 },
}

impl DomainError for ProviderError {
    fn rejection(&self) -> Rejection {
        match self {
            Self::NotFound => Rejection::not_found("provider"),
            Self::AlreadyExists => Rejection::new(
                RejectionKind::AlreadyExists,
                "provider",
                "the provider already exists",
            ),
            Self::NoCapacity { name, capacity } => Rejection::new(
                RejectionKind::NoCapacity,
                "provider",
                format!("provider {name} has all {capacity} slots reserved"),
            )
            .meta("provider", name.clone())
            .meta("capacity", u64::from(*capacity)),
            Self::CapacityBelowReserved { capacity, reserved } => Rejection::new(
                RejectionKind::FailedPrecondition,
                "provider",
                format!("capacity {capacity} is below the {reserved} reserved slots"),
            )
            .meta("capacity", u64::from(*capacity))
            .meta("reserved", u64::from(*reserved)),
            Self::HasReservations { reserved } => Rejection::new(
                RejectionKind::FailedPrecondition,
                "provider",
                format!("the provider still holds {reserved} reserved slots; move or delete its droplets first"),
            )
            .meta("reserved", u64::from(*reserved)),
        }
    }
}

impl Provider {
    /// Registered and not deleted.
    pub fn is_live(&self) -> bool {
        self.version > 0 && !self.deleted
    }

    pub fn reserved(&self) -> u32 {
        u32::try_from(self.reservations.len()).unwrap_or(u32::MAX)
    }

    pub fn available(&self) -> u32 {
        self.spec.capacity.saturating_sub(self.reserved())
    }

    pub fn holds(&self, droplet_id: &Uuid) -> bool {
        self.reservations.contains_key(droplet_id)
    }

    /// What placement knows of it.
    pub fn candidate(&self) -> Candidate {
        Candidate {
            name: self.name.to_string(),
            regions: self.spec.regions.clone(),
            classes: self.spec.classes.clone(),
            available: self.available(),
        }
    }

    fn decide_live(&self, command: &ProviderCommand) -> Result<Vec<ProviderEvent>, ProviderError> {
        use ProviderCommand as C;
        let one = |event| Ok(vec![event]);
        match command {
            C::Register { .. } => Err(ProviderError::AlreadyExists),
            C::Update { patch, at } => {
                let spec = merged(&self.spec, patch);
                if spec.capacity < self.reserved() {
                    return Err(ProviderError::CapacityBelowReserved {
                        capacity: spec.capacity,
                        reserved: self.reserved(),
                    });
                }
                if spec == self.spec {
                    return Ok(Vec::new());
                }
                one(ProviderEvent::Updated { spec, at: *at })
            }
            C::Delete { .. } if self.reserved() > 0 => Err(ProviderError::HasReservations {
                reserved: self.reserved(),
            }),
            C::Delete { at } => one(ProviderEvent::Deleted { at: *at }),
            C::Reserve { droplet_id, .. } if self.holds(droplet_id) => Ok(Vec::new()),
            C::Reserve { .. } if self.available() == 0 => Err(ProviderError::NoCapacity {
                name: self.name.to_string(),
                capacity: self.spec.capacity,
            }),
            C::Reserve { droplet_id, at } => one(ProviderEvent::CapacityReserved {
                droplet_id: *droplet_id,
                at: *at,
            }),
            C::Release { droplet_id, at } => Ok(self.release(*droplet_id, *at)),
        }
    }

    fn release(&self, droplet_id: Uuid, at: DateTime<Utc>) -> Vec<ProviderEvent> {
        if self.holds(&droplet_id) {
            vec![ProviderEvent::CapacityReleased { droplet_id, at }]
        } else {
            Vec::new()
        }
    }
}

fn merged(spec: &Spec, patch: &SpecPatch) -> Spec {
    Spec {
        regions: patch
            .regions
            .clone()
            .unwrap_or_else(|| spec.regions.clone()),
        classes: patch
            .classes
            .clone()
            .unwrap_or_else(|| spec.classes.clone()),
        capacity: patch.capacity.unwrap_or(spec.capacity),
        price_hourly_override: patch
            .price_hourly_override
            .unwrap_or(spec.price_hourly_override),
    }
}

impl Aggregate for Provider {
    const NAME: &'static str = "provider";
    type Command = ProviderCommand;
    type Event = ProviderEvent;
    type Error = ProviderError;

    fn decide(&self, command: &ProviderCommand) -> Result<Vec<ProviderEvent>, ProviderError> {
        match command {
            ProviderCommand::Register { id, name, spec, at } if self.version == 0 => {
                Ok(vec![ProviderEvent::Registered {
                    id: *id,
                    name: name.clone(),
                    spec: spec.clone(),
                    at: *at,
                }])
            }
            // A release after the delete (a late compensation) has nothing to give back.
            ProviderCommand::Release { .. } if !self.is_live() => Ok(Vec::new()),
            _ if !self.is_live() => Err(ProviderError::NotFound),
            command => self.decide_live(command),
        }
    }

    fn evolve(mut self, event: &ProviderEvent) -> Self {
        self.version += 1;
        self.updated_at = Some(event.at());
        match event {
            ProviderEvent::Registered { id, name, spec, at } => {
                self.id = *id;
                self.name = name.clone();
                self.spec = spec.clone();
                self.created_at = Some(*at);
            }
            ProviderEvent::Updated { spec, .. } => self.spec = spec.clone(),
            ProviderEvent::Deleted { .. } => self.deleted = true,
            ProviderEvent::CapacityReserved { droplet_id, at } => {
                self.reservations.insert(*droplet_id, *at);
            }
            ProviderEvent::CapacityReleased { droplet_id, .. } => {
                self.reservations.remove(droplet_id);
            }
        }
        self
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn id(&self) -> Uuid {
        self.id
    }

    fn exists(&self) -> bool {
        self.version > 0
    }

    fn owner(&self) -> &str {
        OWNER
    }

    fn held_name(&self) -> Option<(&ResourceName, bool)> {
        self.exists().then_some((&self.name, !self.deleted))
    }
}
