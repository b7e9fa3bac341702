-- Log lines by trace id (GET /api/v1/observability/logs?trace_id=): one trace's lines
-- across services without scanning the table; `id` orders them for keyset pages.
CREATE INDEX log_lines_trace ON log_lines (trace_id, id);
