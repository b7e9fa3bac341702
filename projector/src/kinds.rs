//! The aggregate types the projector can read: for each, how to decode a batch's events
//! (once per record, shared by every view), which operation facts they state and the
//! audit summary of each event (its facts, plus the type's one-line message when its
//! registration gives one). Registering an aggregate here is all the audit feed needs. A
//! record of a type not registered here is parked, never skipped.

use std::any::Any;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use domain::Aggregate;
use domain::operation::OperationFact;
use domain::record::RawEvent;
use proto::{DecodeError, WireEvent};
use uuid::Uuid;

use crate::views::audit::summary;

/// A batch's events, decoded: a `Vec<A::Event>` of the batch's aggregate type.
pub type DecodedEvents = Box<dyn Any + Send + Sync>;

pub trait KindCodec: Send + Sync {
    fn decode(&self, raw: &[RawEvent]) -> Result<DecodedEvents, DecodeError>;
    fn facts(
        &self,
        events: &(dyn Any + Send + Sync),
        id: Uuid,
        principal: &str,
    ) -> Vec<OperationFact>;
    /// One bounded audit summary per event, in order (`views::audit::summary`).
    fn summaries(&self, events: &(dyn Any + Send + Sync), id: Uuid, principal: &str)
    -> Vec<String>;
}

/// A type's one-line message about one of its events, for the audit summary.
pub type Message<A> = fn(&<A as Aggregate>::Event) -> Option<String>;

struct Codec<A: Aggregate> {
    message: Message<A>,
    _type: PhantomData<fn() -> A>,
}

impl<A> KindCodec for Codec<A>
where
    A: Aggregate,
    A::Event: WireEvent,
{
    fn decode(&self, raw: &[RawEvent]) -> Result<DecodedEvents, DecodeError> {
        let events: Vec<A::Event> = proto::decode_events(raw)?;
        Ok(Box::new(events))
    }

    fn facts(
        &self,
        events: &(dyn Any + Send + Sync),
        id: Uuid,
        principal: &str,
    ) -> Vec<OperationFact> {
        events
            .downcast_ref::<Vec<A::Event>>()
            .map(|events| {
                events
                    .iter()
                    .flat_map(|e| A::operation_facts(e, id, principal))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn summaries(
        &self,
        events: &(dyn Any + Send + Sync),
        id: Uuid,
        principal: &str,
    ) -> Vec<String> {
        events_of::<A>(events)
            .unwrap_or_default()
            .iter()
            .map(|event| {
                let facts = A::operation_facts(event, id, principal);
                summary::render((self.message)(event), &facts)
            })
            .collect()
    }
}

/// The registered aggregate types, by name.
#[derive(Clone, Default)]
pub struct Kinds(HashMap<&'static str, Arc<dyn KindCodec>>);

impl Kinds {
    /// Registers aggregate `A`; its audit summaries carry operation facts only. Keeps a
    /// registration with a message, so the order of `projection()`'s lines never matters.
    pub fn register<A>(&mut self)
    where
        A: Aggregate,
        A::Event: WireEvent,
    {
        if !self.0.contains_key(A::NAME) {
            self.register_with::<A>(|_| None);
        }
    }

    /// Registers aggregate `A` (again), its audit summaries with `message`'s line.
    pub fn register_with<A>(&mut self, message: Message<A>)
    where
        A: Aggregate,
        A::Event: WireEvent,
    {
        let codec = Codec::<A> {
            message,
            _type: PhantomData,
        };
        self.0.insert(A::NAME, Arc::new(codec));
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn KindCodec>> {
        self.0.get(name)
    }
}

/// The typed events of a decoded batch, if it is of aggregate `A`.
pub fn events_of<A: Aggregate>(events: &(dyn Any + Send + Sync)) -> Option<&[A::Event]> {
    events.downcast_ref::<Vec<A::Event>>().map(Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use domain::cluster::{Cluster, ClusterEvent};
    use domain::droplet::{Droplet, DropletEvent};
    use serde_json::Value;

    use super::*;

    fn summaries<E: Send + Sync + 'static>(
        kinds: &Kinds,
        name: &str,
        events: Vec<E>,
    ) -> Vec<Value> {
        let kind = kinds.get(name).expect("registered");
        kind.summaries(&events, Uuid::from_u128(1), "alice")
            .iter()
            .map(|s| serde_json::from_str(s).expect("JSON"))
            .collect()
    }

    #[test]
    fn a_registered_aggregate_gets_audit_summaries_and_its_message_hook() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
            .single()
            .expect("time");
        let mut kinds = Kinds::default();
        kinds.register::<Droplet>();
        kinds.register::<Cluster>();
        let off = DropletEvent::PoweredOff {
            at,
            operation_id: Some(Uuid::from_u128(7)),
        };
        let droplet = summaries(&kinds, "droplet", vec![off]);
        assert_eq!(droplet.len(), 1);
        assert!(droplet[0].get("message").is_none(), "no hook, no message");
        assert!(droplet[0]["operations"].is_array(), "{}", droplet[0]);
        let recovered = || vec![ClusterEvent::Recovered { at }];
        assert_eq!(
            summaries(&kinds, "cluster", recovered())[0],
            Value::Object(Default::default())
        );
        kinds.register_with::<Cluster>(|e| Some(format!("said {}", e.type_name())));
        kinds.register::<Cluster>();
        assert_eq!(
            summaries(&kinds, "cluster", recovered())[0]["message"],
            "said cluster.recovered",
            "registering again keeps the hook"
        );
    }
}
