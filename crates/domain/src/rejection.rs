//! Why an aggregate refused a command, in one vocabulary shared by every aggregate: a
//! kind (which becomes a stable problem code at the HTTP edge), a sentence, and the
//! dynamic values the sentence mentions. It carries no HTTP and no formatting rules.

/// The kinds of refusal an aggregate can decide. Each maps to exactly one problem code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectionKind {
    /// The aggregate does not exist (or is hidden from the caller).
    NotFound,
    /// A unique name or identity is taken.
    AlreadyExists,
    /// The command is not allowed in the aggregate's current state.
    InvalidStateTransition,
    /// A mutating operation is in flight on the aggregate.
    ResourceLocked,
    /// A precondition other than the state machine's does not hold (children exist, …).
    FailedPrecondition,
    /// The node pool's count is owned by its autoscaler.
    AutoscaleOwnsCount,
    /// The command's input is well-formed but not acceptable (e.g. an immutable field).
    Invalid,
    /// No provider has a free slot for the resource.
    NoCapacity,
    /// Another deployment of the cluster is in progress.
    DeploymentInProgress,
}

/// A value mentioned in a rejection's detail, published as problem metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meta {
    Text(String),
    Number(u64),
    List(Vec<String>),
}

impl From<&str> for Meta {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for Meta {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<u64> for Meta {
    fn from(value: u64) -> Self {
        Self::Number(value)
    }
}

impl From<Vec<&'static str>> for Meta {
    fn from(value: Vec<&'static str>) -> Self {
        Self::List(value.into_iter().map(str::to_owned).collect())
    }
}

/// A refusal, ready to be shown to a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub kind: RejectionKind,
    /// What the aggregate is, e.g. `droplet`, for `NOT_FOUND`'s `metadata.kind`.
    pub resource: &'static str,
    pub detail: String,
    pub metadata: Vec<(&'static str, Meta)>,
}

impl Rejection {
    pub fn new(kind: RejectionKind, resource: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind,
            resource,
            detail: detail.into(),
            metadata: Vec::new(),
        }
    }

    pub fn not_found(resource: &'static str) -> Self {
        Self::new(
            RejectionKind::NotFound,
            resource,
            format!("no such {resource}"),
        )
    }

    pub fn meta(mut self, key: &'static str, value: impl Into<Meta>) -> Self {
        self.metadata.push((key, value.into()));
        self
    }
}

/// Implemented by every aggregate's error type.
pub trait DomainError: std::fmt::Debug + Clone + Send + Sync + 'static {
    fn rejection(&self) -> Rejection;
}
