//! One provider step, run by the single writer of the providers' partition (all
//! providers live there, so one write model sees them all): place a droplet (choose with
//! `domain::provider::place`, reserve on the choice; a reserve refused by a race avoids
//! that provider and places again), simulate a placement, reserve on a named provider
//! (migration) or release. A step never forwards: one landing on a non-owner answers
//! `NotOwned`, and the client (`super::Providers`) sends it to the owner once.

use domain::Aggregate;
use domain::provider::{Choice, Criteria, Provider, ProviderCommand, place};
use domain::record::StoredResponse;
use domain::rejection::RejectionKind;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::names::system;
use crate::writer::{Command, SubmitError, Writer};

/// What placement is asked, as the internal API carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireCriteria {
    pub region: Option<String>,
    pub class: Option<String>,
    pub preferred: Option<String>,
    #[serde(default)]
    pub avoid: Vec<String>,
}

impl From<&Criteria> for WireCriteria {
    fn from(c: &Criteria) -> Self {
        Self {
            region: c.region.clone(),
            class: c.class.clone(),
            preferred: c.preferred.clone(),
            avoid: c.avoid.clone(),
        }
    }
}

impl From<WireCriteria> for Criteria {
    fn from(c: WireCriteria) -> Self {
        Self {
            region: c.region,
            class: c.class,
            preferred: c.preferred,
            avoid: c.avoid,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verb", rename_all = "snake_case")]
pub enum Step {
    /// Choose a provider for `droplet_id` and reserve its slot there.
    Place {
        criteria: WireCriteria,
        droplet_id: Uuid,
    },
    /// Choose, reserving nothing.
    Simulate { criteria: WireCriteria },
    /// Reserve a slot for `droplet_id` on the named provider (a migration's target).
    Reserve {
        provider: String,
        droplet_id: Uuid,
        region: Option<String>,
    },
    /// Give `droplet_id`'s slot on the named provider back (idempotent).
    Release { provider: String, droplet_id: Uuid },
}

/// The owner's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Answer {
    /// No provider is registered: droplets are placed without one.
    NoProviders,
    /// Chosen (and, for `Place`/`Reserve`, reserved); `fresh` when this step took the
    /// slot (not a retry finding it taken), so only then may the caller give it back.
    Placed {
        provider: String,
        reasons: Vec<String>,
        #[serde(default)]
        fresh: bool,
    },
    /// No provider fits with a free slot.
    NoRoom {
        reasons: Vec<String>,
    },
    /// The named provider does not exist.
    UnknownProvider {
        provider: String,
    },
    /// The named provider cannot take the droplet (region).
    Unfit {
        detail: String,
    },
    Released,
}

/// How often a placement re-places after losing a race before giving up (each retry
/// avoids one more provider, so this bounds nothing real for small fleets).
const MAX_ATTEMPTS: usize = 64;

/// Runs `step` on this instance.
pub async fn run_here(writer: &Writer, step: &Step) -> Result<Answer, SubmitError> {
    let partition = super::partition(writer);
    if !writer.serves(partition) {
        return Err(SubmitError::NotOwned { partition });
    }
    match step {
        Step::Place {
            criteria,
            droplet_id,
        } => place_droplet(writer, criteria.clone().into(), *droplet_id).await,
        Step::Simulate { criteria } => Ok(simulate(writer, &criteria.clone().into())),
        Step::Reserve {
            provider,
            droplet_id,
            region,
        } => reserve_named(writer, provider, *droplet_id, region.as_deref()).await,
        Step::Release {
            provider,
            droplet_id,
        } => release(writer, provider, *droplet_id).await,
    }
}

/// Every live provider in the providers' partition.
pub fn live(writer: &Writer) -> Vec<Provider> {
    writer
        .observe_partition::<Provider>(super::partition(writer), &|p: &Provider| p.is_live())
        .into_iter()
        .map(|o| o.state)
        .collect()
}

fn by_name(writer: &Writer, name: &str) -> Option<Provider> {
    live(writer).into_iter().find(|p| p.name.as_ref() == name)
}

fn simulate(writer: &Writer, criteria: &Criteria) -> Answer {
    let providers = live(writer);
    if providers.is_empty() {
        return Answer::NoProviders;
    }
    if let Some(unknown) = unknown_preferred(&providers, criteria) {
        return unknown;
    }
    let candidates: Vec<_> = providers.iter().map(Provider::candidate).collect();
    match place(&candidates, criteria) {
        Ok(Choice { provider, reasons }) => Answer::Placed {
            provider,
            reasons,
            fresh: false,
        },
        Err(no_room) => Answer::NoRoom {
            reasons: no_room.reasons,
        },
    }
}

fn unknown_preferred(providers: &[Provider], criteria: &Criteria) -> Option<Answer> {
    let preferred = criteria.preferred.as_ref()?;
    (!providers
        .iter()
        .any(|p| p.name.as_ref() == preferred.as_str()))
    .then(|| Answer::UnknownProvider {
        provider: preferred.clone(),
    })
}

async fn place_droplet(
    writer: &Writer,
    mut criteria: Criteria,
    droplet_id: Uuid,
) -> Result<Answer, SubmitError> {
    for _ in 0..MAX_ATTEMPTS {
        let providers = live(writer);
        // A retried request finds its slot already taken: the same answer again.
        if let Some(holder) = providers.iter().find(|p| p.holds(&droplet_id)) {
            return Ok(Answer::Placed {
                provider: holder.name.to_string(),
                reasons: vec![format!("already reserved on {}", holder.name)],
                fresh: false,
            });
        }
        let answer = simulate(writer, &criteria);
        let Answer::Placed {
            provider, reasons, ..
        } = answer
        else {
            return Ok(answer);
        };
        let Some(chosen) = providers.iter().find(|p| p.name.as_ref() == provider) else {
            continue;
        };
        match reserve(writer, chosen.id, droplet_id).await {
            Ok(()) => {
                return Ok(Answer::Placed {
                    provider,
                    reasons,
                    fresh: true,
                });
            }
            // Filled (or deleted) since it was chosen: place again without it.
            Err(SubmitError::Domain(r))
                if matches!(r.kind, RejectionKind::NoCapacity | RejectionKind::NotFound) =>
            {
                criteria.preferred = None;
                criteria.avoid.push(provider);
            }
            Err(error) => return Err(error),
        }
    }
    Err(SubmitError::Unavailable(
        "placement kept losing races; retry",
    ))
}

async fn reserve_named(
    writer: &Writer,
    name: &str,
    droplet_id: Uuid,
    region: Option<&str>,
) -> Result<Answer, SubmitError> {
    let Some(provider) = by_name(writer, name) else {
        return Ok(Answer::UnknownProvider {
            provider: name.to_owned(),
        });
    };
    if let Some(region) = region.filter(|r| !provider.spec.regions.iter().any(|s| s == r)) {
        return Ok(Answer::Unfit {
            detail: format!("provider {name} does not serve region {region}"),
        });
    }
    let fresh = !provider.holds(&droplet_id);
    match reserve(writer, provider.id, droplet_id).await {
        Ok(()) => Ok(Answer::Placed {
            provider: name.to_owned(),
            reasons: vec![format!("reserved on {name}")],
            fresh,
        }),
        Err(SubmitError::Domain(r)) if r.kind == RejectionKind::NoCapacity => Ok(Answer::NoRoom {
            reasons: vec![r.detail],
        }),
        Err(error) => Err(error),
    }
}

async fn release(writer: &Writer, name: &str, droplet_id: Uuid) -> Result<Answer, SubmitError> {
    // A deleted provider holds nothing (delete needs none reserved): nothing to give back.
    let Some(provider) = by_name(writer, name) else {
        return Ok(Answer::Released);
    };
    let command = ProviderCommand::Release {
        droplet_id,
        at: writer.clock().now(),
    };
    submit(writer, provider.id, command, "provider.release").await?;
    Ok(Answer::Released)
}

async fn reserve(writer: &Writer, provider_id: Uuid, droplet_id: Uuid) -> Result<(), SubmitError> {
    let command = ProviderCommand::Reserve {
        droplet_id,
        at: writer.clock().now(),
    };
    submit(writer, provider_id, command, "provider.reserve").await
}

async fn submit(
    writer: &Writer,
    id: Uuid,
    command: ProviderCommand,
    name: &'static str,
) -> Result<(), SubmitError> {
    let submission = Command::<Provider>::new(id, command, writer.id_beside(&id), system(), name)
        .respond(|state: &Provider, _, _| StoredResponse {
            status: 204,
            headers: vec![("ETag".into(), format!("\"{}\"", state.version()))],
            body: Vec::new(),
        });
    writer.submit(submission).await.map(|_| ())
}
