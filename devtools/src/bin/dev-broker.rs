//! The development Kafka-protocol broker: librdkafka's mock cluster in a process of its
//! own, with ClusterGenie's topics created. It keeps records in memory only; they are
//! gone when it stops. Point the services at a real Kafka with `KAFKA_BROKERS` instead.
//!
//! Usage: `dev-broker <bootstrap-file> [partitions] [topic-prefix]`. Writes the
//! bootstrap address to the file once the topics exist, then runs until SIGINT/SIGTERM.

use std::time::Duration;

use rdkafka::mocking::MockCluster;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let bootstrap_file = args.next().ok_or_else(|| {
        anyhow::anyhow!("usage: dev-broker <bootstrap-file> [partitions] [prefix]")
    })?;
    let partitions: i32 = args.next().map_or(Ok(12), |p| p.parse())?;
    let prefix = args.next().unwrap_or_default();
    let mock = MockCluster::new(1)?;
    for (topic, count) in [
        ("cluster-events", partitions),
        // command-api's write-model snapshots (the mock ignores `cleanup.policy=compact`).
        ("cluster-events.snapshots", partitions),
        ("metrics.samples", partitions),
        ("logs.command-api", 1),
    ] {
        mock.create_topic(&format!("{prefix}{topic}"), count, 1)?;
    }
    let bootstrap = mock.bootstrap_servers();
    // Written last and atomically, so a reader of the file knows the topics exist.
    let partial = format!("{bootstrap_file}.tmp");
    std::fs::write(&partial, &bootstrap)?;
    std::fs::rename(&partial, &bootstrap_file)?;
    println!("dev-broker: mock Kafka cluster at {bootstrap} ({partitions} partitions, in memory)");
    let stop = stop_signal()?;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        std::thread::park_timeout(Duration::from_millis(200));
    }
    let _ = std::fs::remove_file(&bootstrap_file);
    println!("dev-broker: stopped; its records are gone");
    Ok(())
}

/// A flag set by SIGINT or SIGTERM, watched by the main thread.
fn stop_signal() -> anyhow::Result<std::sync::Arc<std::sync::atomic::AtomicBool>> {
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let set = flag.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        runtime.block_on(async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM");
            tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term.recv() => {} }
        });
        set.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    Ok(flag)
}
