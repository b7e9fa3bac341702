-- Skipped dead letters (issue 9): `clustergenie parked skip --reason` never drops a parked
-- record silently. The record (raw value included, so it can still be inspected or
-- re-imported) moves here with who skipped it, why and when, in the same transaction that
-- deletes it from parked_event and releases the records queued behind it.
-- parked_event_id is the id it had while parked (unique: a record is skipped once).
CREATE TABLE parked_event_skip (
    parked_event_id BIGINT UNSIGNED NOT NULL,
    projection      VARCHAR(64)     NOT NULL,
    partition_id    INT             NOT NULL,
    record_offset   BIGINT          NOT NULL,
    aggregate_id    VARCHAR(64)     NULL,
    parked_reason   TEXT            NOT NULL,
    record_value    LONGBLOB        NULL,
    parked_at       DATETIME(6)     NOT NULL,
    skipped_by      VARCHAR(255)    NOT NULL,
    skip_reason     TEXT            NOT NULL,
    skipped_at      DATETIME(6)     NOT NULL,
    PRIMARY KEY (parked_event_id),
    KEY parked_event_skip_position (projection, partition_id, record_offset)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
