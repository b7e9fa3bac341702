//! The NameReservation aggregate: how "a name is unique per owner and resource type"
//! holds across partitions. Its id is a function of (owner, kind, name), so every
//! attempt to take a name meets the same single writer. A holder reserves the name
//! (pending), then confirms it once its resource exists; holders release names they no
//! longer use. Pending reservations whose holder never came to be are released by a
//! reconciler that looks the holder up. A second holder is refused, never queued.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Aggregate;
use crate::name::ResourceName;
use crate::rejection::{DomainError, Rejection, RejectionKind};

/// Namespace of reservation ids: UUIDv5(namespace, "<kind>/<owner>/<name>").
const NAMESPACE: Uuid = Uuid::from_u128(0x6c1d_56a2_1f3e_4f0b_9d7a_0c4b_2e8f_a511);

/// The reservation id of `name` for `owner`'s resources of `kind`.
pub fn reservation_id(owner: &str, kind: &str, name: &ResourceName) -> Uuid {
    let key = format!("{kind}/{}/{owner}/{name}", owner.len());
    Uuid::new_v5(&NAMESPACE, key.as_bytes())
}

/// Who holds a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub id: Uuid,
    /// The Idempotency-Key scope of the request that reserved it, so a retry of that
    /// request gets the same holder back instead of a conflict.
    pub request_scope: Option<String>,
    pub confirmed: bool,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameReservation {
    pub id: Uuid,
    pub owner: String,
    pub kind: String,
    pub name: ResourceName,
    pub holder: Option<Holder>,
    pub version: u64,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReservationCommand {
    Reserve {
        owner: String,
        kind: String,
        name: ResourceName,
        holder_id: Uuid,
        request_scope: Option<String>,
        at: DateTime<Utc>,
    },
    Confirm {
        holder_id: Uuid,
        at: DateTime<Utc>,
    },
    Release {
        holder_id: Uuid,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReservationEvent {
    Reserved {
        owner: String,
        kind: String,
        name: ResourceName,
        holder_id: Uuid,
        request_scope: Option<String>,
        at: DateTime<Utc>,
    },
    Confirmed {
        holder_id: Uuid,
        at: DateTime<Utc>,
    },
    Released {
        holder_id: Uuid,
        at: DateTime<Utc>,
    },
}

impl ReservationEvent {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Reserved { .. } => "name_reservation.reserved",
            Self::Confirmed { .. } => "name_reservation.confirmed",
            Self::Released { .. } => "name_reservation.released",
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Reserved { at, .. } | Self::Confirmed { at, .. } | Self::Released { at, .. } => {
                *at
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReservationError {
    #[error("the name {name} is taken by {holder}")]
    Taken { name: String, holder: Uuid },
    #[error("the name is not held by {holder}")]
    NotHeld { holder: Uuid },
}

impl DomainError for ReservationError {
    fn rejection(&self) -> Rejection {
        match self {
            Self::Taken { name, holder } => Rejection::new(
                RejectionKind::AlreadyExists,
                "name",
                format!("the name {name} is already in use"),
            )
            .meta("name", name.clone())
            .meta("existing_id", holder.to_string()),
            Self::NotHeld { holder } => Rejection::new(
                RejectionKind::FailedPrecondition,
                "name",
                format!("the name is not held by {holder}"),
            ),
        }
    }
}

impl Aggregate for NameReservation {
    const NAME: &'static str = "name_reservation";
    type Command = ReservationCommand;
    type Event = ReservationEvent;
    type Error = ReservationError;

    /// Held but not confirmed: the reservation reconciler confirms or releases it.
    fn unsettled(&self) -> bool {
        self.holder.as_ref().is_some_and(|h| !h.confirmed)
    }

    fn decide(
        &self,
        command: &ReservationCommand,
    ) -> Result<Vec<ReservationEvent>, ReservationError> {
        match command {
            ReservationCommand::Reserve {
                owner,
                kind,
                name,
                holder_id,
                request_scope,
                at,
            } => match &self.holder {
                None => Ok(vec![ReservationEvent::Reserved {
                    owner: owner.clone(),
                    kind: kind.clone(),
                    name: name.clone(),
                    holder_id: *holder_id,
                    request_scope: request_scope.clone(),
                    at: *at,
                }]),
                Some(held) if held.id == *holder_id => Ok(Vec::new()),
                Some(held) if request_scope.is_some() && held.request_scope == *request_scope => {
                    Ok(Vec::new())
                }
                Some(held) => Err(ReservationError::Taken {
                    name: name.to_string(),
                    holder: held.id,
                }),
            },
            ReservationCommand::Confirm { holder_id, at } => match &self.holder {
                Some(held) if held.id == *holder_id && held.confirmed => Ok(Vec::new()),
                Some(held) if held.id == *holder_id => Ok(vec![ReservationEvent::Confirmed {
                    holder_id: *holder_id,
                    at: *at,
                }]),
                _ => Err(ReservationError::NotHeld { holder: *holder_id }),
            },
            ReservationCommand::Release { holder_id, at } => match &self.holder {
                Some(held) if held.id == *holder_id => Ok(vec![ReservationEvent::Released {
                    holder_id: *holder_id,
                    at: *at,
                }]),
                _ => Ok(Vec::new()),
            },
        }
    }

    fn evolve(mut self, event: &ReservationEvent) -> Self {
        self.version += 1;
        self.updated_at = Some(event.at());
        match event {
            ReservationEvent::Reserved {
                owner,
                kind,
                name,
                holder_id,
                request_scope,
                at,
            } => {
                self.id = reservation_id(owner, kind, name);
                self.owner.clone_from(owner);
                self.kind.clone_from(kind);
                self.name = name.clone();
                self.holder = Some(Holder {
                    id: *holder_id,
                    request_scope: request_scope.clone(),
                    confirmed: false,
                    since: *at,
                });
            }
            ReservationEvent::Confirmed { .. } => {
                if let Some(holder) = &mut self.holder {
                    holder.confirmed = true;
                }
            }
            ReservationEvent::Released { .. } => self.holder = None,
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
        &self.owner
    }
}

impl NameReservation {
    /// The holder a `Reserve` ended with: the new one, or the one a retry of the same
    /// request reserved before.
    pub fn holder_id(&self) -> Option<Uuid> {
        self.holder.as_ref().map(|h| h.id)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::testing::Scenario;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
            .single()
            .expect("time")
    }

    fn name() -> ResourceName {
        ResourceName::parse("web-1").expect("valid")
    }

    fn reserve(holder: u128, scope: Option<&str>) -> ReservationCommand {
        ReservationCommand::Reserve {
            owner: "alice".into(),
            kind: "droplet".into(),
            name: name(),
            holder_id: Uuid::from_u128(holder),
            request_scope: scope.map(str::to_owned),
            at: at(),
        }
    }

    fn reserved(holder: u128, scope: Option<&str>) -> ReservationEvent {
        ReservationEvent::Reserved {
            owner: "alice".into(),
            kind: "droplet".into(),
            name: name(),
            holder_id: Uuid::from_u128(holder),
            request_scope: scope.map(str::to_owned),
            at: at(),
        }
    }

    #[test]
    fn a_free_name_is_reserved_pending() {
        Scenario::<NameReservation>::given(vec![])
            .when(reserve(1, None))
            .then(vec![reserved(1, None)]);
    }

    #[test]
    fn a_held_name_is_refused_to_another_holder() {
        Scenario::<NameReservation>::given(vec![reserved(1, Some("s1"))])
            .when(reserve(2, Some("s2")))
            .then_error(ReservationError::Taken {
                name: "web-1".into(),
                holder: Uuid::from_u128(1),
            });
    }

    #[test]
    fn the_same_request_or_holder_again_changes_nothing() {
        Scenario::<NameReservation>::given(vec![reserved(1, Some("s1"))])
            .when(reserve(2, Some("s1")))
            .then(vec![]);
        Scenario::<NameReservation>::given(vec![reserved(1, None)])
            .when(reserve(1, None))
            .then(vec![]);
    }

    #[test]
    fn only_the_holder_confirms_and_releases() {
        let confirm = |h| ReservationCommand::Confirm {
            holder_id: Uuid::from_u128(h),
            at: at(),
        };
        Scenario::<NameReservation>::given(vec![reserved(1, None)])
            .when(confirm(1))
            .then(vec![ReservationEvent::Confirmed {
                holder_id: Uuid::from_u128(1),
                at: at(),
            }]);
        Scenario::<NameReservation>::given(vec![reserved(1, None)])
            .when(confirm(2))
            .then_error(ReservationError::NotHeld {
                holder: Uuid::from_u128(2),
            });
        Scenario::<NameReservation>::given(vec![reserved(1, None)])
            .when(ReservationCommand::Release {
                holder_id: Uuid::from_u128(2),
                at: at(),
            })
            .then(vec![]);
    }

    #[test]
    fn a_released_name_can_be_taken_again() {
        let released = ReservationEvent::Released {
            holder_id: Uuid::from_u128(1),
            at: at(),
        };
        Scenario::<NameReservation>::given(vec![reserved(1, None), released])
            .when(reserve(2, None))
            .then(vec![reserved(2, None)]);
    }

    #[test]
    fn ids_depend_on_owner_kind_and_name_only() {
        let a = reservation_id("alice", "droplet", &name());
        assert_eq!(a, reservation_id("alice", "droplet", &name()));
        assert_ne!(a, reservation_id("bob", "droplet", &name()));
        assert_ne!(a, reservation_id("alice", "cluster", &name()));
    }
}
