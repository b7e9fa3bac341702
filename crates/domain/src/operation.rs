//! Long-running operations (api.md §9) as facts stated by the events of the aggregate
//! they change: an event may start an operation, report its progress, or end it. The
//! Operation read model copies these facts; it never infers them. An operation has one
//! target aggregate, and its id is the id of the command that started it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The operation an aggregate is busy with (its `locked` state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOperation {
    pub id: Uuid,
    /// e.g. `droplet.create`, `node_pool.scale`.
    pub op_type: String,
    pub cancel_requested: bool,
}

impl PendingOperation {
    pub fn new(id: Uuid, op_type: &str) -> Self {
        Self {
            id,
            op_type: op_type.to_owned(),
            cancel_requested: false,
        }
    }
}

/// One fact about an operation, stated by an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationFact {
    pub operation_id: Uuid,
    pub at: DateTime<Utc>,
    pub change: OperationChange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationChange {
    /// The operation was accepted and runs from now on.
    Started {
        op_type: String,
        target_kind: &'static str,
        target_id: Uuid,
        requested_by: String,
        steps_total: u32,
    },
    /// The saga made progress.
    Progress {
        percent: u8,
        step: String,
        message: String,
        steps_done: u32,
    },
    CancelRequested,
    Succeeded,
    Failed {
        code: String,
        detail: String,
    },
    Cancelled {
        reason: String,
    },
}

impl OperationChange {
    /// Whether the operation is over after this fact.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed { .. } | Self::Cancelled { .. }
        )
    }
}

/// An operation that starts and finishes within one command (a rename, a reboot): the
/// facts of both, so the read model shows it `succeeded` at once.
pub fn immediate(
    operation_id: Uuid,
    op_type: &str,
    target_kind: &'static str,
    target_id: Uuid,
    requested_by: &str,
    at: DateTime<Utc>,
) -> Vec<OperationFact> {
    let started = OperationChange::Started {
        op_type: op_type.to_owned(),
        target_kind,
        target_id,
        requested_by: requested_by.to_owned(),
        steps_total: 1,
    };
    [started, OperationChange::Succeeded]
        .into_iter()
        .map(|change| OperationFact {
            operation_id,
            at,
            change,
        })
        .collect()
}
