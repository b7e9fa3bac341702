-- Autoscaling read models (api.md §13), written only by the projector.
--
-- `autoscaling_policy`: the state of each AutoscalingPolicy aggregate (a lossless copy:
-- `spec` is the policy as its JSON body, `memory` the status with the recommendation log
-- and recent scaling events). Ids are UUIDv5 of the pool, so they do not sort by time;
-- lists are keyed by (created_at, policy_id). One policy per pool: (node_pool_id) is the
-- natural lookup. A deleted policy keeps its row with `deleted` set.
CREATE TABLE autoscaling_policy (
    policy_id    BINARY(16)      NOT NULL,
    owner        VARCHAR(255)    NOT NULL,
    cluster_id   BINARY(16)      NOT NULL,
    node_pool_id BINARY(16)      NOT NULL,
    enabled      BOOLEAN         NOT NULL,
    deleted      BOOLEAN         NOT NULL,
    spec         TEXT            NOT NULL,
    memory       MEDIUMTEXT      NOT NULL,
    version      BIGINT UNSIGNED NOT NULL,
    created_at   DATETIME(6)     NOT NULL,
    updated_at   DATETIME(6)     NOT NULL,
    PRIMARY KEY (policy_id),
    KEY autoscaling_policy_list (deleted, created_at, policy_id),
    KEY autoscaling_policy_cluster (cluster_id, created_at, policy_id),
    KEY autoscaling_policy_pool (node_pool_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per scale a policy started (its operation is the key), updated when it ends:
-- the DO autoscale-pool history, read newest first per policy.
CREATE TABLE autoscaling_event (
    operation_id  BINARY(16)   NOT NULL,
    policy_id     BINARY(16)   NOT NULL,
    owner         VARCHAR(255) NOT NULL,
    current_count INT UNSIGNED NOT NULL,
    desired_count INT UNSIGNED NOT NULL,
    reason        VARCHAR(16)  NOT NULL,
    status        VARCHAR(16)  NOT NULL,
    started_at    DATETIME(6)  NOT NULL,
    finished_at   DATETIME(6)  NULL,
    PRIMARY KEY (operation_id),
    KEY autoscaling_event_policy (policy_id, started_at, operation_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The decision log: one row per recorded tick (keyed by the event that recorded it, so a
-- replay inserts nothing twice), the entry as JSON text. Bounded: the projector deletes
-- rows older than its `autoscaler.decision_retention_hours` in chunks through
-- `autoscaler_decision_age`.
CREATE TABLE autoscaler_decision (
    event_id     BINARY(16)   NOT NULL,
    policy_id    BINARY(16)   NOT NULL,
    owner        VARCHAR(255) NOT NULL,
    evaluated_at DATETIME(6)  NOT NULL,
    decision     TEXT         NOT NULL,
    PRIMARY KEY (event_id),
    KEY autoscaler_decision_policy (policy_id, evaluated_at, event_id),
    KEY autoscaler_decision_age (evaluated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
