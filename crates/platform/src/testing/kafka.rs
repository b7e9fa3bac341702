//! Apache Kafka for tests. Every test of a run shares one real broker — the one named by
//! `CG_TEST_KAFKA_BROKERS` (`make test` starts it), or else one this module starts once
//! with `scripts/kafka.sh` and leaves running for later test processes — and isolates
//! itself with topics of its own (unique names). Crash tests get a `PrivateBroker` they
//! may kill -9 and restart. Nothing here ever skips: no broker is a loud failure.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::config::KafkaSettings;
use crate::kafka::{TopicSpec, ensure_topics};

/// Where the fallback shared broker listens (the one `make test` starts uses the same).
const SHARED_PORT: u16 = 19092;
const SHARED_CONTROLLER_PORT: u16 = 19093;

/// The repository root, for `scripts/kafka.sh` and `var/`.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

/// The bootstrap address of the broker shared by this test run.
pub fn shared_brokers() -> &'static str {
    static BROKERS: OnceLock<String> = OnceLock::new();
    BROKERS.get_or_init(|| match std::env::var("CG_TEST_KAFKA_BROKERS") {
        Ok(brokers) if !brokers.is_empty() => brokers,
        _ => start_shared_broker(),
    })
}

/// Starts (or finds running) the fallback shared broker under `var/test-kafka`, holding
/// a file lock so concurrent test processes never start two.
fn start_shared_broker() -> String {
    let var = repo_root().join("var");
    std::fs::create_dir_all(&var).expect("var/ can be created");
    let lock = File::create(var.join("test-kafka.lock")).expect("lock file");
    lock.lock().expect("the test broker lock can be taken");
    let bootstrap = run_script(&[
        "start",
        &var.join("test-kafka").to_string_lossy(),
        &SHARED_PORT.to_string(),
        &SHARED_CONTROLLER_PORT.to_string(),
    ]);
    drop(lock);
    bootstrap
}

/// Runs `scripts/kafka.sh` and returns its stdout; panics with its stderr on failure.
fn run_script(args: &[&str]) -> String {
    let script = repo_root().join("scripts/kafka.sh");
    let output = Command::new("bash")
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        output.status.success(),
        "scripts/kafka.sh {} failed (Kafka is required for this test; `make test` provides it):\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Creates `topics` (name, partitions) on `brokers` with the production settings of the
/// event log. Blocking; callable from sync and async test code alike.
pub fn create_topics(brokers: &str, topics: &[(String, i32)]) {
    let specs: Vec<TopicSpec> = topics
        .iter()
        .map(|(name, partitions)| {
            let settings = KafkaSettings {
                brokers: brokers.to_owned(),
                topic_prefix: String::new(),
                partitions: *partitions,
                replication_factor: 1,
            };
            TopicSpec {
                name: name.clone(),
                ..TopicSpec::events(&settings)
            }
        })
        .collect();
    let brokers = brokers.to_owned();
    // A runtime of its own on a thread of its own: callers may be inside a runtime.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(ensure_topics(&brokers, &specs))
    })
    .join()
    .expect("topic creation thread")
    .unwrap_or_else(|e| panic!("test topics could not be created: {e}"));
}

/// Topics of one test on the shared broker; the broker outlives it.
pub struct TestKafka {
    bootstrap: String,
}

impl TestKafka {
    /// The shared broker, with `topics` created for this test.
    pub fn start(topics: &[(String, i32)]) -> Self {
        let bootstrap = shared_brokers().to_owned();
        create_topics(&bootstrap, topics);
        Self { bootstrap }
    }

    pub fn bootstrap_servers(&self) -> &str {
        &self.bootstrap
    }
}

/// A broker of one test's own, in a scratch directory, that the test may kill -9 and
/// restart with its data kept. Stopped (and its directory removed) on drop.
pub struct PrivateBroker {
    dir: PathBuf,
    port: u16,
    controller_port: u16,
}

impl PrivateBroker {
    pub fn start() -> Self {
        let dir = repo_root()
            .join("var/test-brokers")
            .join(super::unique_suffix());
        std::fs::create_dir_all(&dir).expect("broker directory");
        let broker = Self {
            dir,
            port: free_port(),
            controller_port: free_port(),
        };
        broker.launch();
        broker
    }

    pub fn bootstrap_servers(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Starts the broker on its directory (formatted once, data kept).
    pub fn launch(&self) {
        run_script(&[
            "start",
            &self.dir.to_string_lossy(),
            &self.port.to_string(),
            &self.controller_port.to_string(),
        ]);
    }

    /// SIGKILL, as a crash would.
    pub fn kill(&self) {
        run_script(&["kill", &self.dir.to_string_lossy()]);
    }

    /// SIGTERM, waiting for a clean exit.
    pub fn stop(&self) {
        run_script(&["stop", &self.dir.to_string_lossy()]);
    }
}

impl Drop for PrivateBroker {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(repo_root().join("scripts/kafka.sh"))
            .args(["kill", &self.dir.to_string_lossy()])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}
