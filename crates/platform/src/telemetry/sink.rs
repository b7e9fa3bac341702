//! The non-blocking half of log shipping: a bounded buffer between the code that logs and
//! a thread of its own that hands each line to a `Deliver` (Kafka in a service). Offering
//! a line never waits: when the buffer is full the line is dropped and counted. The
//! thread never logs what it ships (its lines stay on stdout), so shipping cannot feed
//! itself.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::Duration;

use super::stats::{Counters, SinkStats};

/// Where the sink's thread puts lines. It runs on that thread only, so it may take its
/// time; the buffer in front of it absorbs bursts and drops the excess.
pub trait Deliver: Send + 'static {
    /// Hands one JSON line of `service` on, counting the outcome in `counters`.
    fn deliver(&mut self, service: &str, json: &str, counters: &Arc<Counters>);
    /// Waits up to `timeout` for what was handed on to be acknowledged.
    fn flush(&mut self, timeout: Duration);
}

enum Message {
    Line {
        service: String,
        json: String,
        counters: Arc<Counters>,
    },
    Flush(Duration, mpsc::Sender<()>),
}

/// The buffer's sending side, cheap to clone.
#[derive(Clone)]
pub struct LogSink {
    sender: SyncSender<Message>,
    stats: Arc<SinkStats>,
}

impl LogSink {
    /// Starts the delivering thread behind a buffer of `capacity` lines.
    pub fn start(
        capacity: usize,
        deliver: impl Deliver,
        stats: Arc<SinkStats>,
    ) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::sync_channel(capacity.max(1));
        std::thread::Builder::new()
            .name("log-sink".into())
            .spawn(move || drain(receiver, deliver))?;
        Ok(Self { sender, stats })
    }

    /// Offers one line; drops and counts it if the buffer is full. Never blocks.
    pub fn offer(&self, service: &str, json: String) {
        let counters = self.stats.of(service);
        let line = Message::Line {
            service: service.to_owned(),
            json,
            counters: Arc::clone(&counters),
        };
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) =
            self.sender.try_send(line)
        {
            Counters::count(&counters.buffer_full);
        }
    }

    /// Waits (up to `timeout`) until the lines buffered so far were handed on and
    /// acknowledged; for a clean shutdown. A full buffer makes it give up at once.
    pub fn flush(&self, timeout: Duration) {
        let (done, flushed) = mpsc::channel();
        if self.sender.try_send(Message::Flush(timeout, done)).is_ok() {
            let _ = flushed.recv_timeout(timeout + Duration::from_millis(100));
        }
    }
}

fn drain(receiver: Receiver<Message>, mut deliver: impl Deliver) {
    super::json::mark_shipping_thread();
    while let Ok(message) = receiver.recv() {
        match message {
            Message::Line {
                service,
                json,
                counters,
            } => deliver.deliver(&service, &json, &counters),
            Message::Flush(timeout, done) => {
                deliver.flush(timeout);
                let _ = done.send(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::sync::{Mutex, mpsc};
    use std::time::Instant;

    use super::*;

    /// Blocks on its first line until released, then records everything.
    struct Stalled {
        started: mpsc::Sender<()>,
        release: Arc<Mutex<Receiver<()>>>,
        delivered: Arc<Mutex<Vec<String>>>,
    }

    impl Deliver for Stalled {
        fn deliver(&mut self, _service: &str, json: &str, counters: &Arc<Counters>) {
            let _ = self.started.send(());
            let _ = self.release.lock().unwrap().recv();
            self.delivered.lock().unwrap().push(json.to_owned());
            Counters::count(&counters.sent);
        }

        fn flush(&mut self, _timeout: Duration) {}
    }

    #[test]
    fn a_full_buffer_drops_and_counts_without_blocking() {
        let (started, first_taken) = mpsc::channel();
        let (release, released) = mpsc::channel();
        let delivered = Arc::new(Mutex::new(Vec::new()));
        let stats = Arc::new(SinkStats::default());
        let stalled = Stalled {
            started,
            release: Arc::new(Mutex::new(released)),
            delivered: Arc::clone(&delivered),
        };
        let sink = LogSink::start(2, stalled, Arc::clone(&stats)).unwrap();

        sink.offer("svc", "line-0".into());
        first_taken
            .recv_timeout(Duration::from_secs(10))
            .expect("the sink thread took the first line and stalled on it");
        let offering = Instant::now();
        for n in 1..=6 {
            sink.offer("svc", format!("line-{n}"));
        }
        // Six offers into a stalled sink return at once (a blocking offer would hang here).
        assert!(offering.elapsed() < Duration::from_secs(1));
        let counters = stats.of("svc");
        assert_eq!(
            counters.buffer_full.load(Ordering::Relaxed),
            4,
            "2 fit, 4 dropped"
        );
        assert_eq!(counters.dropped(), 4);

        for _ in 0..3 {
            release.send(()).unwrap();
        }
        for _ in 1..=2 {
            // The thread has taken both buffered lines: the flush request fits.
            first_taken.recv_timeout(Duration::from_secs(10)).unwrap();
        }
        sink.flush(Duration::from_secs(10));
        assert_eq!(
            *delivered.lock().unwrap(),
            vec!["line-0", "line-1", "line-2"],
            "the stalled line and the two buffered ones are delivered, in order"
        );
        assert_eq!(counters.sent.load(Ordering::Relaxed), 3);
    }
}
