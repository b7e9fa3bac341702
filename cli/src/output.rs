//! What a command hands back (a text summary, a JSON document, whether it succeeded) and
//! the progress bars: drawn on stderr for people, hidden with `--json` or `--quiet` so
//! stdout carries exactly one JSON document. It never decides anything.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;

/// The end of a command: printed as text or as JSON.
#[derive(Debug, Clone)]
pub struct Summary {
    pub text: String,
    pub json: Value,
    /// False makes the process exit with status 1 (e.g. `verify` found differences).
    pub ok: bool,
}

impl Summary {
    pub fn ok(text: String, json: Value) -> Self {
        Self {
            text,
            json,
            ok: true,
        }
    }
}

/// How progress is shown.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub visible: bool,
}

impl Progress {
    pub fn hidden() -> Self {
        Self { visible: false }
    }

    /// A bar of `total` records.
    pub fn bar(&self, total: u64, what: &str) -> ProgressBar {
        if !self.visible {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{msg:>12} [{bar:40}] {pos}/{len} records ({per_sec}, eta {eta})",
        )
        .expect("a valid template")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(what.to_owned());
        bar
    }
}
