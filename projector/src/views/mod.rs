//! Read models, one per file, behind one trait: a view loads what a batch's records need
//! (a query per table), applies valid records to that working set, and writes it back
//! with a few statements. The projection is the list of registered views (`Projection`),
//! built in `startup.rs` with one line per view. Views copy facts out of events; they
//! never compute derived numbers or call another service.

pub mod audit;
pub mod autoscaling;
pub mod deployments;
pub mod diagnosis_history;
pub mod job_detail;
pub mod operation;
pub mod state;
pub mod timeline;
pub mod usage;

use std::any::Any;
use std::sync::Arc;

use domain::Aggregate;
use domain::operation::OperationFact;
use domain::record::{BatchHeader, RawEvent};
use futures::future::BoxFuture;
use proto::WireEvent;
use sqlx::MySqlConnection;
use uuid::Uuid;
use views::StateRow;

use crate::error::RecordError;
use crate::kinds::{KindCodec, Kinds, Message};
use crate::project::Change;

/// A valid batch, decoded once, as every view sees it.
pub struct Applicable<'a> {
    pub partition: i32,
    pub offset: i64,
    pub header: &'a BatchHeader,
    /// The id of each event, in order.
    pub event_ids: &'a [Uuid],
    /// The events as recorded (type, schema version), in order.
    pub raw_events: &'a [RawEvent],
    /// `Vec<A::Event>` of the header's aggregate type (see `kinds::events_of`).
    pub events: &'a (dyn Any + Send + Sync),
    /// The operation facts the events state.
    pub facts: &'a [OperationFact],
    /// The registered codec of the header's aggregate type (audit summaries).
    pub kind: &'a dyn KindCodec,
}

/// What a batch's decodable records are about, known before validity is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub aggregate_type: String,
    pub aggregate_id: Uuid,
    /// Whether the store has projected a record of this aggregate (its projected version
    /// is above 0). If not, no view holds a row keyed by it: such rows are only written
    /// with the aggregate's valid records, and those advance its version in the same
    /// transaction. So a load keyed by aggregate skips it (`stored_ids`), which spares
    /// every lookup for a newly created aggregate (most of a catch-up).
    pub stored: bool,
    /// The operations their events state facts about.
    pub operation_ids: Vec<Uuid>,
}

/// The distinct ids of the candidates of `aggregate_type` whose rows may be stored: what
/// a view whose rows are keyed by that aggregate loads.
pub fn stored_ids(candidates: &[Candidate], aggregate_type: &str) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = candidates
        .iter()
        .filter(|c| c.stored && c.aggregate_type == aggregate_type)
        .map(|c| c.aggregate_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

pub trait View: Send + Sync {
    fn name(&self) -> &'static str;
    /// Whether this view is the state of `aggregate_type`: such views run first for
    /// their records and are the only ones that may refuse one (which parks it).
    fn owns(&self, aggregate_type: &str) -> bool;
    /// A fresh working set for one batch.
    fn begin(&self) -> Box<dyn ViewBatch>;
}

pub trait ViewBatch: Send {
    /// Loads what the candidates need; called once per batch, before any `apply`.
    fn load<'a>(
        &'a mut self,
        conn: &'a mut MySqlConnection,
        candidates: &'a [Candidate],
    ) -> BoxFuture<'a, sqlx::Result<()>>;
    /// Applies one valid record, or refuses it without changing anything. Returns the
    /// cacheable resources it changed.
    fn apply(&mut self, record: &Applicable<'_>) -> Result<Vec<Change>, RecordError>;
    /// Writes every change with a few statements.
    fn flush<'a>(&'a mut self, conn: &'a mut MySqlConnection) -> BoxFuture<'a, sqlx::Result<()>>;
}

/// The registered aggregate types and views: what this projector projects.
#[derive(Clone, Default)]
pub struct Projection {
    pub kinds: Kinds,
    pub views: Vec<Arc<dyn View>>,
}

impl Projection {
    /// An aggregate type whose records are read (decoded, validated) but not projected.
    pub fn aggregate<A>(mut self) -> Self
    where
        A: Aggregate,
        A::Event: WireEvent,
    {
        self.kinds.register::<A>();
        self
    }

    /// The state view of row type `R`: registers its aggregate and the view in one line.
    pub fn state_view<R>(self) -> Self
    where
        R: StateRow,
        <R::State as Aggregate>::Event: WireEvent,
    {
        self.aggregate::<R::State>()
            .view(state::StateView::<R>::default())
    }

    /// Gives aggregate `A`'s audit summaries a one-line message per event (registers `A`
    /// if it was not yet).
    pub fn audit_message<A>(mut self, message: Message<A>) -> Self
    where
        A: Aggregate,
        A::Event: WireEvent,
    {
        self.kinds.register_with::<A>(message);
        self
    }

    pub fn view(mut self, view: impl View + 'static) -> Self {
        self.views.push(Arc::new(view));
        self
    }
}
