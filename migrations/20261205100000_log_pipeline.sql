-- log-consumer's tables (issue 10). It is the second writer of `log_lines` (beside the
-- projector's job-event lines): a log sink, not an event-sourced read model. Its lines'
-- `source_key` is `<topic>:<partition>:<offset>`, so a redelivered record inserts
-- nothing; `log_lines_ts` serves the retention purge of those lines.
ALTER TABLE log_lines ADD KEY log_lines_ts (ts);

-- Records log-consumer could not ship: not a valid log record (reason says why), or in a
-- batch Loki refused for good (4xx other than 429). Kept with their (truncated) payload
-- for inspection, purged with the same retention as the lines; never silently dropped.
CREATE TABLE log_parked (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    source_key      VARCHAR(80)     NOT NULL,
    topic           VARCHAR(255)    NOT NULL,
    kafka_partition INT             NOT NULL,
    kafka_offset    BIGINT          NOT NULL,
    reason          VARCHAR(1024)   NOT NULL,
    payload         MEDIUMBLOB      NOT NULL,
    parked_at       DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY log_parked_source (source_key),
    KEY log_parked_at (parked_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
