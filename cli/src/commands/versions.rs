//! `clustergenie versions`: the control table, one line per read-model version. Read-only.

use serde_json::json;

use super::Context;
use crate::output::Summary;

pub async fn run(ctx: &Context) -> anyhow::Result<Summary> {
    let primary = ctx.primary().await?;
    primary.live().await?;
    let versions = primary.versions().await?;
    let text = versions
        .iter()
        .map(|v| {
            format!(
                "v{:<4} {:<9} scope {:<24} {}",
                v.version,
                v.state,
                v.scope,
                v.location(&primary)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Summary::ok(
        text,
        json!({"command": "versions", "versions": versions}),
    ))
}
