//! The job queue control aggregate: whether a queue is paused (api.md §11, `POST
//! /queues/{name}:pause` / `:resume`). A paused queue's jobs are not claimed; enqueueing
//! still works. One per queue name, kept beside the queue's jobs (command-api picks its
//! id), so the writer that claims a queue's jobs also knows whether it may.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Aggregate;
use crate::rejection::{DomainError, Rejection, RejectionKind};

/// Queue controls belong to the system: only admins change them.
pub const QUEUE_OWNER: &str = "system:queues";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueControl {
    pub id: Uuid,
    pub name: String,
    pub paused: bool,
    pub changed_by: String,
    pub version: u64,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueCommand {
    Pause {
        id: Uuid,
        name: String,
        by: String,
        at: DateTime<Utc>,
    },
    Resume {
        id: Uuid,
        name: String,
        by: String,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueEvent {
    Paused {
        id: Uuid,
        name: String,
        by: String,
        at: DateTime<Utc>,
    },
    Resumed {
        id: Uuid,
        name: String,
        by: String,
        at: DateTime<Utc>,
    },
}

impl QueueEvent {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Paused { .. } => "job_queue.paused",
            Self::Resumed { .. } => "job_queue.resumed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueRefused {
    #[error("the queue control belongs to another queue")]
    OtherQueue,
}

impl DomainError for QueueRefused {
    fn rejection(&self) -> Rejection {
        Rejection::new(RejectionKind::Invalid, "queue", self.to_string())
    }
}

impl Aggregate for QueueControl {
    const NAME: &'static str = "job_queue";
    type Command = QueueCommand;
    type Event = QueueEvent;
    type Error = QueueRefused;

    /// Pausing a paused queue (or resuming a running one) changes nothing.
    fn decide(&self, command: &QueueCommand) -> Result<Vec<QueueEvent>, QueueRefused> {
        let (id, name, by, at, pause) = match command {
            QueueCommand::Pause { id, name, by, at } => (id, name, by, at, true),
            QueueCommand::Resume { id, name, by, at } => (id, name, by, at, false),
        };
        if self.version > 0 && self.name != *name {
            return Err(QueueRefused::OtherQueue);
        }
        if self.paused == pause && (self.version > 0 || !pause) {
            return Ok(Vec::new());
        }
        let (id, name, by, at) = (*id, name.clone(), by.clone(), *at);
        Ok(vec![if pause {
            QueueEvent::Paused { id, name, by, at }
        } else {
            QueueEvent::Resumed { id, name, by, at }
        }])
    }

    fn evolve(mut self, event: &QueueEvent) -> Self {
        let (QueueEvent::Paused { id, name, by, at } | QueueEvent::Resumed { id, name, by, at }) =
            event;
        self.id = *id;
        self.name.clone_from(name);
        self.changed_by.clone_from(by);
        self.paused = matches!(event, QueueEvent::Paused { .. });
        self.updated_at = Some(*at);
        self.version += 1;
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
        QUEUE_OWNER
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::testing::Scenario;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
            .single()
            .expect("time")
    }

    fn pause() -> QueueCommand {
        QueueCommand::Pause {
            id: Uuid::from_u128(1),
            name: "default".into(),
            by: "admin".into(),
            at: at(),
        }
    }

    fn paused() -> QueueEvent {
        QueueEvent::Paused {
            id: Uuid::from_u128(1),
            name: "default".into(),
            by: "admin".into(),
            at: at(),
        }
    }

    #[test]
    fn pause_and_resume_toggle_and_repeat_idempotently() {
        let queue = Scenario::<QueueControl>::given(vec![])
            .when(pause())
            .then(vec![paused()]);
        assert!(queue.paused);
        Scenario::<QueueControl>::given(vec![paused()])
            .when(pause())
            .then(vec![]);
        let resume = QueueCommand::Resume {
            id: Uuid::from_u128(1),
            name: "default".into(),
            by: "admin".into(),
            at: at(),
        };
        Scenario::<QueueControl>::given(vec![])
            .when(resume.clone())
            .then(vec![]);
        let queue = Scenario::<QueueControl>::given(vec![paused()])
            .when(resume)
            .then(vec![QueueEvent::Resumed {
                id: Uuid::from_u128(1),
                name: "default".into(),
                by: "admin".into(),
                at: at(),
            }]);
        assert!(!queue.paused);
    }
}
