-- Jobs (issue 8, api.md §12.3): the job read model, one row per attempt, and log lines.
--
-- `job` is a lossless copy of domain::job::Job: the fields lists filter and sort on are
-- columns (status, type, queue, priority, cluster, owner, times), the rest is JSON text
-- (args, retry policy, attempts, last error). Deleted jobs keep their row with
-- `deleted` set (query-api hides them), so a replay never has to resurrect a row.
CREATE TABLE job (
    job_id                    BINARY(16)       NOT NULL,
    owner                     VARCHAR(255)     NOT NULL,
    job_type                  VARCHAR(32)      NOT NULL,
    args                      TEXT             NOT NULL,
    queue                     VARCHAR(64)      NOT NULL,
    priority                  TINYINT UNSIGNED NOT NULL,
    status                    VARCHAR(16)      NOT NULL,
    attempt                   INT UNSIGNED     NOT NULL,
    max_attempts              INT UNSIGNED     NOT NULL,
    run_at                    DATETIME(6)      NOT NULL,
    timeout_seconds           INT UNSIGNED     NOT NULL,
    heartbeat_timeout_seconds INT UNSIGNED     NOT NULL,
    retry_policy              TEXT             NOT NULL,
    unique_key                VARCHAR(255)     NULL,
    cluster_id                BINARY(16)       NULL,
    trace_id                  VARCHAR(255)     NULL,
    cancel_requested          BOOLEAN          NOT NULL,
    cancel_requested_at       DATETIME(6)      NULL,
    lease_worker_id           VARCHAR(255)     NULL,
    lease_expires_at          DATETIME(6)      NULL,
    progress_percent          TINYINT UNSIGNED NOT NULL,
    progress_message          TEXT             NOT NULL,
    progress_updated_at       DATETIME(6)      NULL,
    result                    MEDIUMTEXT       NULL,
    last_error                TEXT             NULL,
    attempts                  MEDIUMTEXT       NOT NULL,
    deleted                   BOOLEAN          NOT NULL,
    created_at                DATETIME(6)      NOT NULL,
    updated_at                DATETIME(6)      NOT NULL,
    finished_at               DATETIME(6)      NULL,
    version                   BIGINT UNSIGNED  NOT NULL,
    PRIMARY KEY (job_id),
    KEY job_owner_created (owner, created_at, job_id),
    KEY job_owner_status (owner, status),
    KEY job_queue_status (queue, status, priority, run_at),
    KEY job_cluster (cluster_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per attempt (claim) of a job, keyed by the job's attempt ordinal, which keeps
-- counting across user retries (`run_attempt` restarts at 1 after `:retry`).
CREATE TABLE job_attempt (
    job_id      BINARY(16)   NOT NULL,
    attempt     INT UNSIGNED NOT NULL,
    run_attempt INT UNSIGNED NOT NULL,
    owner       VARCHAR(255) NOT NULL,
    worker_id   VARCHAR(255) NOT NULL,
    started_at  DATETIME(6)  NOT NULL,
    ended_at    DATETIME(6)  NULL,
    outcome     VARCHAR(16)  NULL,
    error       TEXT         NULL,
    PRIMARY KEY (job_id, attempt)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Log lines, generic over their source: the lines of a job's attempts (projected from
-- the bounded lines job events carry) and, later, any service's lines written by
-- log-consumer. `source_key` (`<event id>/<index>` for lines from the event log) makes a
-- re-applied line insert nothing; other writers may leave it NULL.
CREATE TABLE log_lines (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    service    VARCHAR(64)     NOT NULL,
    level      VARCHAR(16)     NOT NULL,
    ts         DATETIME(6)     NOT NULL,
    message    TEXT            NOT NULL,
    job_id     BINARY(16)      NULL,
    attempt    INT UNSIGNED    NULL,
    trace_id   VARCHAR(255)    NULL,
    owner      VARCHAR(255)    NULL,
    source_key VARCHAR(80)     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY log_lines_source (source_key),
    KEY log_lines_job (job_id, attempt, id),
    KEY log_lines_service_ts (service, ts)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Queue controls: whether a queue is paused (its jobs are not claimed). A copy of
-- domain::queue::QueueControl; one row per queue ever paused or resumed.
CREATE TABLE job_queue (
    queue_id   BINARY(16)      NOT NULL,
    name       VARCHAR(64)     NOT NULL,
    paused     BOOLEAN         NOT NULL,
    changed_by VARCHAR(255)    NOT NULL,
    updated_at DATETIME(6)     NOT NULL,
    version    BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (queue_id),
    UNIQUE KEY job_queue_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
