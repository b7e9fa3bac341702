//! The projector's error boundary: a failure either parks one record (it can never be
//! applied, whatever happens next) or is transient (roll the batch back and retry it
//! without advancing). Nothing here decides validity; `domain::log_validity` does.

/// What went wrong with one record.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The record can never be applied: park it with this reason and move on.
    #[error("{0}")]
    Park(String),
    /// The store failed; the whole batch is rolled back and retried.
    #[error("transient store failure")]
    Transient(#[source] sqlx::Error),
}

impl RecordError {
    pub fn park(reason: impl std::fmt::Display) -> Self {
        Self::Park(reason.to_string())
    }
}

impl From<sqlx::Error> for RecordError {
    /// Errors about the data itself (SQLSTATE classes 22 and 23, undecodable columns)
    /// would fail again on every retry, so they park the record; everything else
    /// (connections, deadlocks, timeouts) is transient.
    fn from(error: sqlx::Error) -> Self {
        if is_permanent(&error) {
            Self::Park(format!("the store rejected the record: {error}"))
        } else {
            Self::Transient(error)
        }
    }
}

/// Whether a store error is about the data itself and would fail again on retry.
pub fn is_permanent(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|state| state.starts_with("22") || state.starts_with("23")),
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => true,
        _ => false,
    }
}
