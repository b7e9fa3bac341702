-- Bookkeeping of the projector (architecture.md §6).
--
-- projection_checkpoint: where each projection stands in each partition of the log, and
-- the claim that was valid there. It is upserted in the same transaction as the rows the
-- records produced, so "applied" and "checkpointed" can never disagree; the projector
-- seeks to next_offset on assignment instead of trusting Kafka's committed offsets.
-- `partition` is a reserved word in MySQL, hence partition_id.
CREATE TABLE projection_checkpoint (
    projection    VARCHAR(64)     NOT NULL,
    partition_id  INT             NOT NULL,
    next_offset   BIGINT          NOT NULL,
    claim_epoch   BIGINT UNSIGNED NULL,
    claim_writer  VARCHAR(255)    NULL,
    updated_at    DATETIME(6)     NOT NULL,
    PRIMARY KEY (projection, partition_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The version of every aggregate as far as the valid log goes: the input of the
-- validity rule's version check. Kept apart from the views so that every view, present
-- or future, agrees on which batches are valid.
CREATE TABLE projected_aggregate (
    aggregate_id    VARCHAR(64)     NOT NULL,
    aggregate_type  VARCHAR(64)     NOT NULL,
    partition_id    INT             NOT NULL,
    version         BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (aggregate_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Records that could not be decoded or applied, with the reason, so the partition can
-- move on (sequenced dead-letter: later records of the same aggregate park behind the
-- first). The raw value is kept so that the replay tooling can retry it.
CREATE TABLE parked_event (
    parked_event_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    projection      VARCHAR(64)     NOT NULL,
    partition_id    INT             NOT NULL,
    record_offset   BIGINT          NOT NULL,
    aggregate_id    VARCHAR(64)     NULL,
    reason          TEXT            NOT NULL,
    record_value    LONGBLOB        NULL,
    parked_at       DATETIME(6)     NOT NULL,
    PRIMARY KEY (parked_event_id),
    UNIQUE KEY parked_event_position (projection, partition_id, record_offset),
    KEY parked_event_aggregate (aggregate_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
