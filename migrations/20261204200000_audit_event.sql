-- The audit feed (`GET /api/v1/events`, `/api/v1/events:stream`): one row per event of
-- every aggregate, written by the projector's audit view in the transaction that applies
-- the event, and never changed. `event_id` (UUIDv5 of command id and index) is the key, so
-- a replayed record inserts nothing (INSERT IGNORE).
--
-- `stream_position` = log offset * 65536 + the event's index in its record: within a
-- partition it grows in log order, and a partition's rows commit in that order (one
-- projector lane per partition), so "everything of partition p below position n" is a
-- stable, gap-free cursor for SSE resumption (`Last-Event-ID`).
-- Keys: the stream reads by (partition, position); lists read by time under the owner
-- scope, or by aggregate.
CREATE TABLE audit_event (
    event_id          BINARY(16)      NOT NULL,
    aggregate_type    VARCHAR(64)     NOT NULL,
    aggregate_id      BINARY(16)      NOT NULL,
    event_type        VARCHAR(128)    NOT NULL,
    schema_version    INT UNSIGNED    NOT NULL,
    aggregate_version BIGINT UNSIGNED NOT NULL,
    partition_id      INT             NOT NULL,
    log_offset        BIGINT          NOT NULL,
    stream_position   BIGINT          NOT NULL,
    command_name      VARCHAR(128)    NOT NULL,
    principal         VARCHAR(255)    NOT NULL,
    owner             VARCHAR(255)    NOT NULL,
    correlation_id    VARCHAR(255)    NOT NULL,
    recorded_at       DATETIME(6)     NOT NULL,
    summary           TEXT            NOT NULL,
    PRIMARY KEY (event_id),
    KEY audit_event_stream (partition_id, stream_position),
    KEY audit_event_time (recorded_at, event_id),
    KEY audit_event_owner (owner, recorded_at, event_id),
    KEY audit_event_aggregate (aggregate_id, recorded_at, event_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
