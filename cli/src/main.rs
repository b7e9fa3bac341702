//! The `clustergenie` binary: parse the command line, load settings, run the command,
//! print its summary (text, or one JSON document with `--json`) and exit with 0, or 1
//! when the command failed or found a problem (`verify`). No logic lives here.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use cli::args::Cli;
use cli::commands::Context;
use cli::config::Settings;
use cli::output::Progress;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Cli::parse();
    platform::telemetry::init("clustergenie", "warn");
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => return fail(args.json, &format!("failed to load settings: {error:#}")),
    };
    let progress = Progress {
        visible: !args.json && !args.quiet && std::io::stderr().is_terminal(),
    };
    let ctx = Context { settings, progress };
    match cli::run(&ctx, &args.command).await {
        Ok(summary) => {
            if args.json {
                println!("{}", summary.json);
            } else {
                println!("{}", summary.text);
            }
            if summary.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => fail(args.json, &format!("{error:#}")),
    }
}

fn fail(json: bool, message: &str) -> ExitCode {
    if json {
        println!("{}", serde_json::json!({"error": message}));
    } else {
        eprintln!("error: {message}");
    }
    ExitCode::FAILURE
}
