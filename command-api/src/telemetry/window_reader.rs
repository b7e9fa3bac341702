//! Feeds the `SampleWindow` from `<prefix>metrics.samples`: a consumer group of its own
//! per process (it never commits: every start reads the window's span again, from the
//! offsets of `now − span`), decoding through `proto` like the projector. A record that
//! does not decode is skipped and counted in the log — samples are telemetry, not events;
//! this task must never block the writer or fail command-api over a bad sample.

use std::sync::Arc;

use platform::health::Readiness;
use platform::kafka::{
    GroupReader, LogEntry, ReaderEvent, StartOffsets, TopicSpec, consumer_config,
};
use platform::shutdown::Shutdown;
use rdkafka::Offset;

use super::window::SampleWindow;
use crate::config::Settings;
use crate::writer::Writer;

/// Reads samples into `window` until shutdown; the reader ending by itself is an error.
pub async fn run(
    window: SampleWindow,
    writer: Writer,
    settings: Settings,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let brokers = settings.kafka.brokers.clone();
    let spec = TopicSpec::metrics_samples(&settings.kafka);
    let quiet = Readiness::default();
    let ready = platform::kafka::ensure_topics_with_backoff(
        &brokers,
        std::slice::from_ref(&spec),
        &quiet,
        shutdown.clone(),
    )
    .await?;
    if !ready {
        return Ok(());
    }
    let group = format!("command-api-window-{}", uuid::Uuid::now_v7().simple());
    let start = start_of_window(&brokers, &spec.name, &window, &writer);
    let (mut reader, events) =
        GroupReader::start(consumer_config(&brokers, &group), &spec.name, start, 16)?;
    let outcome = feed(&window, &writer, events, shutdown).await;
    tokio::task::spawn_blocking(move || reader.stop()).await?;
    outcome
}

/// Start offsets: the first record appended within the window's span (the reader's
/// thread may block on the broker here; it is not a Tokio worker).
fn start_of_window(
    brokers: &str,
    topic: &str,
    window: &SampleWindow,
    writer: &Writer,
) -> StartOffsets {
    let (brokers, topic) = (brokers.to_owned(), topic.to_owned());
    let (span, clock) = (window.span(), writer.clock().clone());
    Arc::new(move |partitions: &[i32]| {
        let since = (clock.now() - span).timestamp_millis();
        let found = platform::kafka::range::offsets_for_time(&brokers, &topic, since)
            .inspect_err(|error| tracing::warn!(%error, "sample window starts at the end"))
            .unwrap_or_default();
        partitions
            .iter()
            .map(|p| (*p, found.get(p).map_or(Offset::End, |o| Offset::Offset(*o))))
            .collect()
    })
}

async fn feed(
    window: &SampleWindow,
    writer: &Writer,
    mut events: tokio::sync::mpsc::Receiver<ReaderEvent>,
    mut shutdown: Shutdown,
) -> anyhow::Result<()> {
    loop {
        let event = tokio::select! {
            biased;
            () = shutdown.wait() => return Ok(()),
            event = events.recv() => event,
        };
        match event {
            None => anyhow::bail!("the sample window's reader stopped"),
            Some(ReaderEvent::Records(_, records)) => {
                window.record(decoded(&records), writer.clock().now());
            }
            Some(ReaderEvent::Assigned(_) | ReaderEvent::Revoked(_)) => {}
        }
    }
}

fn decoded(records: &[LogEntry]) -> Vec<domain::telemetry::MetricSample> {
    let mut skipped = 0_usize;
    let samples = records
        .iter()
        .filter_map(|r| {
            let sample = r.value.as_deref().map(proto::decode_sample);
            if !matches!(sample, Some(Ok(_))) {
                skipped += 1;
            }
            sample?.ok()
        })
        .collect();
    if skipped > 0 {
        tracing::warn!(skipped, "undecodable samples skipped by the sample window");
    }
    samples
}
