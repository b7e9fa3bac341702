//! The `droplet` view: the row is the aggregate state itself, so it is folded with
//! `domain`'s own `evolve` (one fold everywhere) and written guarded by version. It must
//! never move a row backwards or interpret an event differently from the command side.

use std::net::Ipv4Addr;

use domain::Aggregate;
use domain::droplet::{Droplet, DropletEvent, DropletName, DropletStatus};
use sqlx::{AssertSqlSafe, MySqlConnection};
use uuid::Uuid;
use views::droplet::{COLUMNS, DropletRow};

use crate::error::RecordError;

/// Folds `events` onto the stored droplet `id` at `from_version` and writes the new row.
pub async fn apply(
    conn: &mut MySqlConnection,
    id: Uuid,
    from_version: u64,
    events: &[DropletEvent],
) -> Result<DropletRow, RecordError> {
    let state = match load(&mut *conn, id).await? {
        Some(row) => state_from_row(&row).map_err(RecordError::park)?,
        None => Droplet::default(),
    };
    if state.version() != from_version {
        return Err(RecordError::park(format!(
            "droplet row is at version {}, the batch starts at {from_version}",
            state.version()
        )));
    }
    let state = events.iter().fold(state, Droplet::evolve);
    let row = DropletRow::from_state(&state)
        .ok_or_else(|| RecordError::park("the events do not create the droplet"))?;
    upsert(conn, &row).await?;
    Ok(row)
}

pub async fn load(conn: &mut MySqlConnection, id: Uuid) -> sqlx::Result<Option<DropletRow>> {
    let sql = format!("SELECT {COLUMNS} FROM droplet WHERE droplet_id = ?");
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Inserts or updates a row; an update only takes effect for a higher version. `version`
/// is assigned last because MySQL evaluates the assignments left to right.
pub async fn upsert(conn: &mut MySqlConnection, row: &DropletRow) -> sqlx::Result<()> {
    let columns: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let placeholders = vec!["?"; columns.len()].join(", ");
    let updates: Vec<String> = columns
        .iter()
        .filter(|c| !matches!(**c, "droplet_id" | "version"))
        .map(|c| format!("{c} = IF(VALUES(version) > version, VALUES({c}), {c})"))
        .chain(["version = GREATEST(version, VALUES(version))".to_owned()])
        .collect();
    let sql = format!(
        "INSERT INTO droplet ({COLUMNS}) VALUES ({placeholders}) ON DUPLICATE KEY UPDATE {}",
        updates.join(", ")
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(row.droplet_id)
        .bind(&row.owner)
        .bind(&row.name)
        .bind(&row.region)
        .bind(&row.size_slug)
        .bind(&row.image)
        .bind(&row.status)
        .bind(row.locked)
        .bind(row.vcpus)
        .bind(row.memory_mb)
        .bind(row.disk_gb)
        .bind(&row.ipv4)
        .bind(&row.tags)
        .bind(&row.failure_reason)
        .bind(row.created_at)
        .bind(row.updated_at)
        .bind(row.delete_time)
        .bind(row.purge_time)
        .bind(row.version)
        .execute(conn)
        .await?;
    Ok(())
}

/// The aggregate state a stored row stands for (the inverse of `DropletRow::from_state`).
pub fn state_from_row(row: &DropletRow) -> Result<Droplet, String> {
    let status = DropletStatus::parse(&row.status)
        .ok_or_else(|| format!("stored droplet status {:?} is unknown", row.status))?;
    let name = DropletName::parse(&row.name).map_err(|e| format!("stored name: {e}"))?;
    let ipv4 = match &row.ipv4 {
        Some(ip) => Some(
            ip.parse::<Ipv4Addr>()
                .map_err(|e| format!("stored ipv4: {e}"))?,
        ),
        None => None,
    };
    let tags = serde_json::from_str(&row.tags).map_err(|e| format!("stored tags: {e}"))?;
    Ok(Droplet {
        id: row.droplet_id,
        owner: row.owner.clone(),
        name,
        region: row.region.clone(),
        size_slug: row.size_slug.clone(),
        image: row.image.clone(),
        vcpus: row.vcpus,
        memory_mb: row.memory_mb,
        disk_gb: row.disk_gb,
        tags,
        status: Some(status),
        ipv4,
        failure_reason: row.failure_reason.clone(),
        created_at: Some(row.created_at),
        updated_at: Some(row.updated_at),
        delete_time: row.delete_time,
        purge_time: row.purge_time,
        version: row.version,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use domain::droplet::CreationRequested;

    use super::*;

    #[test]
    fn a_row_maps_back_to_the_state_it_came_from() {
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
        let created = DropletEvent::CreationRequested(CreationRequested {
            id: Uuid::from_u128(7),
            owner: "alice".into(),
            name: DropletName::parse("web-1").unwrap(),
            region: "nyc1".into(),
            size_slug: "s-1vcpu-1gb".into(),
            image: "ubuntu".into(),
            vcpus: 1,
            memory_mb: 1024,
            disk_gb: 25,
            tags: vec!["a".into()],
            at,
        });
        let provisioned = DropletEvent::Provisioned {
            ipv4: Ipv4Addr::new(10, 0, 0, 1),
            at,
        };
        let state = Droplet::replay([&created, &provisioned]);
        let row = DropletRow::from_state(&state).unwrap();
        assert_eq!(state_from_row(&row), Ok(state));
    }
}
