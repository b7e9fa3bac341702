-- Billing usage (api.md §14), written only by the projector's usage view.
--
-- `usage_interval`: one row per run of a droplet at one size — opened by
-- `droplet.provisioned` or `droplet.resized` (the opening event's id is the key, so a
-- replayed record inserts nothing twice), closed by the next `droplet.resized` or by
-- `droplet.deleted` (`closed_by` = that event's id). Powered-off time is inside a run:
-- only deletion stops the meter. Money is not stored: query-api computes it at read time
-- with `domain::billing`, so price changes and month boundaries split deterministically.
-- `provider` is the provider's name, `NULL` until droplets carry one.
CREATE TABLE usage_interval (
    event_id     BINARY(16)   NOT NULL,
    droplet_id   BINARY(16)   NOT NULL,
    owner        VARCHAR(255) NOT NULL,
    name         VARCHAR(255) NOT NULL,
    region       VARCHAR(32)  NOT NULL,
    size_slug    VARCHAR(64)  NOT NULL,
    vcpus        INT UNSIGNED NOT NULL,
    provider     VARCHAR(255) NULL,
    cluster_id   BINARY(16)   NULL,
    node_pool_id BINARY(16)   NULL,
    start_time   DATETIME(6)  NOT NULL,
    end_time     DATETIME(6)  NULL,
    closed_by    BINARY(16)   NULL,
    PRIMARY KEY (event_id),
    KEY usage_interval_droplet (droplet_id, start_time),
    KEY usage_interval_owner (owner, start_time),
    KEY usage_interval_cluster (cluster_id, start_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
