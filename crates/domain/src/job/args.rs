//! What a job does: its type and typed arguments (api.md §12.3, features.md §2.3), already
//! validated at enqueue. Handlers in command-api match on these; nothing here runs them.

use uuid::Uuid;

/// A scale job's target: an absolute count or a change of the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleTo {
    Desired(u32),
    Delta(i32),
}

/// A job's type with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobArgs {
    /// Adds `count` nodes to a pool.
    Provision {
        cluster_id: Uuid,
        node_pool_id: Uuid,
        count: u32,
    },
    Scale {
        cluster_id: Uuid,
        node_pool_id: Uuid,
        to: ScaleTo,
    },
    /// Placeholder until diagnosis exists: records a result.
    Diagnose {
        cluster_id: Uuid,
    },
    Monitor {
        cluster_id: Uuid,
    },
    /// Demo: sleeps `seconds` in `steps` steps, reporting progress.
    Sleep {
        seconds: u32,
        steps: u32,
    },
    /// Demo: fails the first `fail_attempts` attempts (0 = every attempt) with `message`.
    Fail {
        message: String,
        retryable: bool,
        fail_attempts: u32,
    },
}

impl JobArgs {
    pub const TYPES: [&'static str; 6] =
        ["provision", "scale", "diagnose", "monitor", "sleep", "fail"];

    /// The stable type name (`type` on the wire and in filters).
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Provision { .. } => "provision",
            Self::Scale { .. } => "scale",
            Self::Diagnose { .. } => "diagnose",
            Self::Monitor { .. } => "monitor",
            Self::Sleep { .. } => "sleep",
            Self::Fail { .. } => "fail",
        }
    }

    /// The cluster the job is about, if any.
    pub fn cluster_id(&self) -> Option<Uuid> {
        match self {
            Self::Provision { cluster_id, .. }
            | Self::Scale { cluster_id, .. }
            | Self::Diagnose { cluster_id }
            | Self::Monitor { cluster_id } => Some(*cluster_id),
            Self::Sleep { .. } | Self::Fail { .. } => None,
        }
    }
}
