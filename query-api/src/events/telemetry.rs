//! The event streams' instruments: open streams, rows the hub read and offered, and
//! clients dropped for overflowing their buffer. No labels: nothing per client or id.

use opentelemetry::metrics::{Counter, UpDownCounter};
use platform::metrics::Metrics;

#[derive(Clone)]
pub struct StreamMetrics {
    open: UpDownCounter<i64>,
    rows: Counter<u64>,
    overflows: Counter<u64>,
}

impl StreamMetrics {
    pub fn new(metrics: &Metrics) -> Self {
        let meter = metrics.meter("query-api");
        Self {
            open: meter
                .i64_up_down_counter("clustergenie_event_streams_open")
                .build(),
            rows: meter.u64_counter("clustergenie_event_hub_rows").build(),
            overflows: meter
                .u64_counter("clustergenie_event_stream_overflows")
                .build(),
        }
    }

    pub fn opened(&self) {
        self.open.add(1, &[]);
    }

    pub fn closed(&self) {
        self.open.add(-1, &[]);
    }

    pub fn read(&self, rows: usize) {
        self.rows.add(rows as u64, &[]);
    }

    pub fn overflowed(&self) {
        self.overflows.add(1, &[]);
    }
}
