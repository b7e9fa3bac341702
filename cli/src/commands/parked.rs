//! `clustergenie parked list | retry | skip`: the dead letters of the live read models.
//! Listing reads `parked_event`; retry and skip are the projector's own
//! `release::retry` / `release::skip` (through `project()`), so a released record meets
//! exactly the rules it would have met live. A skip always names who and why.

use projector::batch::Target;
use projector::release::{self, Released, Skip};
use serde_json::json;

use super::Context;
use crate::args::ParkedAction;
use crate::output::Summary;

pub async fn run(ctx: &Context, action: &ParkedAction) -> anyhow::Result<Summary> {
    let primary = ctx.primary().await?;
    let projection = projector::startup::projection();
    let target = Target::live(&projection);
    match action {
        ParkedAction::List { limit } => {
            let rows = projector::parked::list(&primary.pool, views::PROJECTION, 0, *limit).await?;
            let text = if rows.is_empty() {
                "no parked records".to_owned()
            } else {
                rows.iter()
                    .map(|r| {
                        format!(
                            "#{:<6} p{}@{:<8} {:<10} {:<38} {:>8.0}s behind:{:<3} {}",
                            r.parked_event_id,
                            r.partition_id,
                            r.record_offset,
                            r.aggregate_type.as_deref().unwrap_or("-"),
                            r.aggregate_id.as_deref().unwrap_or("-"),
                            r.age_seconds,
                            r.queued_behind,
                            r.reason
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let items: Vec<_> = rows.iter().map(|r| r.to_contract()).collect();
            Ok(Summary::ok(
                text,
                json!({"command": "parked list", "parked_events": items}),
            ))
        }
        ParkedAction::Retry { id } => {
            let released = release::retry(&primary.pool, target, *id).await?;
            Ok(summary("retried", *id, &released, None))
        }
        ParkedAction::Skip { id, reason, by } => {
            anyhow::ensure!(!reason.trim().is_empty(), "--reason must say why");
            let by = by
                .clone()
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "unknown".into());
            let skip = Skip { by: &by, reason };
            let released = release::skip(&primary.pool, target, *id, skip).await?;
            Ok(summary("skipped", *id, &released, Some(&by)))
        }
    }
}

fn summary(verb: &str, id: u64, released: &[Released], by: Option<&str>) -> Summary {
    let mut lines = vec![format!(
        "{verb} parked record {id}{}; {} record(s) re-applied",
        by.map(|b| format!(" (by {b})")).unwrap_or_default(),
        released.len()
    )];
    lines.extend(released.iter().map(|r| {
        format!(
            "  p{}@{}: {}{}",
            r.partition,
            r.offset,
            r.outcome,
            r.detail
                .as_deref()
                .map(|d| format!(" — {d}"))
                .unwrap_or_default()
        )
    }));
    Summary::ok(
        lines.join("\n"),
        json!({"command": format!("parked {}", if verb == "retried" {"retry"} else {"skip"}), "id": id, "skipped_by": by, "released": released}),
    )
}
