//! The aggregate types the projector can read: for each, how to decode a batch's events
//! (once per record, shared by every view) and which operation facts they state. A
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
}

struct Codec<A>(PhantomData<fn() -> A>);

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
}

/// The registered aggregate types, by name.
#[derive(Clone, Default)]
pub struct Kinds(HashMap<&'static str, Arc<dyn KindCodec>>);

impl Kinds {
    pub fn register<A>(&mut self)
    where
        A: Aggregate,
        A::Event: WireEvent,
    {
        self.0.insert(A::NAME, Arc::new(Codec::<A>(PhantomData)));
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn KindCodec>> {
        self.0.get(name)
    }
}

/// The typed events of a decoded batch, if it is of aggregate `A`.
pub fn events_of<A: Aggregate>(events: &(dyn Any + Send + Sync)) -> Option<&[A::Event]> {
    events.downcast_ref::<Vec<A::Event>>().map(Vec::as_slice)
}
