//! The command line (clap derive): every subcommand and flag of `clustergenie`, parsed
//! into plain values. It does no IO and holds no logic beyond parsing.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "clustergenie",
    version,
    about = "ClusterGenie admin CLI: replay, cutover, verify, export/import and dead letters of the event log"
)]
pub struct Cli {
    /// Print one JSON document (the summary) on stdout instead of text; no progress bars.
    #[arg(long, global = true)]
    pub json: bool,
    /// No progress bars.
    #[arg(long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// Which records of the log a command reads.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Selection {
    /// Only records appended at or after this time (RFC 3339), via offsets_for_times.
    #[arg(long)]
    pub since: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Only this partition.
    #[arg(long)]
    pub partition: Option<i32>,
    /// Only this aggregate's records (and its partition's writer claims).
    #[arg(long)]
    pub aggregate: Option<String>,
}

impl Selection {
    /// `full`, or what a partial selection keeps.
    pub fn scope(&self) -> String {
        let mut parts = Vec::new();
        if let Some(since) = &self.since {
            parts.push(format!("since={}", since.to_rfc3339()));
        }
        if let Some(p) = self.partition {
            parts.push(format!("partition={p}"));
        }
        if let Some(a) = &self.aggregate {
            parts.push(format!("aggregate={a}"));
        }
        if parts.is_empty() {
            "full".into()
        } else {
            parts.join(",")
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rebuild the read models into a version (a schema beside the live one) from the log.
    Replay {
        /// The version to build or continue (default: a new one).
        #[arg(long)]
        version: Option<u32>,
        #[command(flatten)]
        selection: Selection,
    },
    /// Make a fully built version live: catch it up, swap its tables in, catch up again.
    Cutover {
        #[arg(long)]
        version: u32,
    },
    /// Rebuild into a scratch version and compare every table with the live one.
    Verify {
        /// Keep the scratch version for inspection instead of dropping it.
        #[arg(long)]
        keep: bool,
    },
    /// List the read-model versions.
    Versions,
    /// Write a range of the topic to a record file (the fixture format).
    Export {
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Topic to read (default: the configured `cluster-events`).
        #[arg(long)]
        topic: Option<String>,
        #[command(flatten)]
        selection: Selection,
        /// Stop before this time (RFC 3339).
        #[arg(long)]
        until: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
    /// Produce a record file into an empty topic, each record to its recorded partition.
    Import {
        /// The record file to read.
        #[arg(long = "in")]
        input: std::path::PathBuf,
        /// The topic to write; it must be empty (never the live log).
        #[arg(long)]
        topic: String,
        /// Create the topic first, with this many partitions and the event log's settings.
        #[arg(long, value_name = "PARTITIONS")]
        create: Option<i32>,
    },
    /// Dead letters: list, retry or skip parked records of the live read models.
    Parked {
        #[command(subcommand)]
        action: ParkedAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum ParkedAction {
    /// List parked records, oldest first.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Re-apply a parked record and the records queued behind it.
    Retry { id: u64 },
    /// Give up on a parked record (recorded with who, why and when) and release the rest.
    Skip {
        id: u64,
        /// Why the record is skipped (required: skips are never silent).
        #[arg(long)]
        reason: String,
        /// Who skips it (default: $USER).
        #[arg(long)]
        by: Option<String>,
    },
}
