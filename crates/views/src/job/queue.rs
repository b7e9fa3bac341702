//! The queue control row (table `job_queue`): a lossless copy of
//! `domain::queue::QueueControl`, read by `GET /queues` for `paused`.

use chrono::{DateTime, Utc};
use domain::queue::QueueControl;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::row::{Bound, StateRow, rfc3339};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize, Deserialize)]
pub struct QueueRow {
    pub queue_id: Uuid,
    pub name: String,
    pub paused: bool,
    pub changed_by: String,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

impl StateRow for QueueRow {
    type State = QueueControl;
    const TABLE: &'static str = "job_queue";
    const ID_COLUMN: &'static str = "queue_id";
    const COLUMNS: &'static [&'static str] = &[
        "queue_id",
        "name",
        "paused",
        "changed_by",
        "updated_at",
        "version",
    ];

    fn from_state(q: &QueueControl) -> Option<Self> {
        (q.version > 0).then(|| Self {
            queue_id: q.id,
            name: q.name.clone(),
            paused: q.paused,
            changed_by: q.changed_by.clone(),
            updated_at: q.updated_at.unwrap_or_default(),
            version: q.version,
        })
    }

    fn to_state(&self) -> Result<QueueControl, String> {
        Ok(QueueControl {
            id: self.queue_id,
            name: self.name.clone(),
            paused: self.paused,
            changed_by: self.changed_by.clone(),
            version: self.version,
            updated_at: Some(self.updated_at),
        })
    }

    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.queue_id)
            .bind(&self.name)
            .bind(self.paused)
            .bind(&self.changed_by)
            .bind(self.updated_at)
            .bind(self.version)
    }

    fn id(&self) -> Uuid {
        self.queue_id
    }

    fn version(&self) -> u64 {
        self.version
    }

    fn owner(&self) -> &str {
        domain::queue::QUEUE_OWNER
    }

    fn to_resource(&self) -> Value {
        json!({"kind": "queue_control", "name": self.name, "paused": self.paused,
            "updated_at": rfc3339(self.updated_at), "version": self.version})
    }
}
