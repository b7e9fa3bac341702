-- Diagnoses (api.md §15): one row per recorded run of the rule engine, the state of a
-- Diagnosis aggregate. The projector keeps the newest `views::diagnosis::HISTORY_PER_CLUSTER`
-- per cluster (older rows are deleted when a new one lands), listed newest first by
-- (cluster_id, recorded_at). `insights` is JSON text; the counts serve list filters.
CREATE TABLE diagnosis (
    diagnosis_id     BINARY(16)      NOT NULL,
    owner            VARCHAR(255)    NOT NULL,
    cluster_id       BINARY(16)      NOT NULL,
    requested_by     VARCHAR(255)    NOT NULL,
    operation_id     BINARY(16)      NULL,
    job_id           BINARY(16)      NULL,
    source           VARCHAR(16)     NOT NULL,
    insights         MEDIUMTEXT      NOT NULL,
    error_count      INT UNSIGNED    NOT NULL,
    warning_count    INT UNSIGNED    NOT NULL,
    suggestion_count INT UNSIGNED    NOT NULL,
    version          BIGINT UNSIGNED NOT NULL,
    recorded_at      DATETIME(6)     NOT NULL,
    PRIMARY KEY (diagnosis_id),
    KEY diagnosis_cluster (cluster_id, recorded_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
