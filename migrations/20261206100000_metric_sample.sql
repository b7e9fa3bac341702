-- Node telemetry read models (features.md §2.6), written only by the projector's samples
-- subscription (`projector/src/samples/`) from `<prefix>metrics.samples`.
--
-- `metric_sample`: every sample inside the retention window (`telemetry.retention_hours`;
-- the purge loop deletes older rows in bounded chunks through `metric_sample_age`).
-- `sample_id` is the key, so a redelivered or re-pushed sample inserts nothing
-- (INSERT IGNORE). `GET /clusters/{id}/metrics` pages a cluster's samples newest first by
-- (sampled_at, sample_id), optionally of one type.
CREATE TABLE metric_sample (
    sample_id   BINARY(16)  NOT NULL,
    cluster_id  BINARY(16)  NOT NULL,
    node_id     BINARY(16)  NOT NULL,
    metric_type VARCHAR(16) NOT NULL,
    value       DOUBLE      NOT NULL,
    unit        VARCHAR(8)  NOT NULL,
    sampled_at  DATETIME(6) NOT NULL,
    source      VARCHAR(16) NOT NULL,
    PRIMARY KEY (sample_id),
    KEY metric_sample_cluster (cluster_id, sampled_at, sample_id),
    KEY metric_sample_cluster_type (cluster_id, metric_type, sampled_at, sample_id),
    KEY metric_sample_age (sampled_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The newest sample per (cluster, node, type), upserted only by a newer sample, so health
-- and the Prometheus gauge read O(nodes) rows, never the samples. Not purged by age: a
-- silent node keeps its last sample, and health ignores samples outside its window.
CREATE TABLE metric_latest (
    cluster_id  BINARY(16)  NOT NULL,
    node_id     BINARY(16)  NOT NULL,
    metric_type VARCHAR(16) NOT NULL,
    value       DOUBLE      NOT NULL,
    unit        VARCHAR(8)  NOT NULL,
    sampled_at  DATETIME(6) NOT NULL,
    sample_id   BINARY(16)  NOT NULL,
    PRIMARY KEY (cluster_id, node_id, metric_type)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
