-- Droplets as nodes, droplet operations, snapshots and name bookkeeping (issue 6).
--
-- The droplet row stays a lossless copy of domain::droplet::Droplet, so every field the
-- state gained becomes a column: the node membership (cluster_id, node_pool_id: NULL
-- for a standalone droplet, both set for a node), whether a node is draining, the
-- snapshots taken, the pending operation (what `locked` means) and the names the
-- droplet still has to release. Lists are JSON text, like `tags`. Defaults let rows
-- written before this migration read back as "no node, no operation, nothing to
-- release", which is what their events said.
ALTER TABLE droplet
    ADD COLUMN cluster_id             BINARY(16)   NULL,
    ADD COLUMN node_pool_id           BINARY(16)   NULL,
    ADD COLUMN draining               BOOLEAN      NOT NULL DEFAULT FALSE,
    ADD COLUMN snapshots              TEXT         NOT NULL DEFAULT ('[]'),
    ADD COLUMN pending_operation_id   BINARY(16)   NULL,
    ADD COLUMN pending_operation_type VARCHAR(64)  NULL,
    ADD COLUMN cancel_requested       BOOLEAN      NOT NULL DEFAULT FALSE,
    ADD COLUMN names_to_release       TEXT         NOT NULL DEFAULT ('[]'),
    ADD COLUMN provisioned_at         DATETIME(6)  NULL,
    ADD KEY droplet_cluster_pool (cluster_id, node_pool_id);

-- The cluster read model: one row per cluster, a copy of domain::cluster::Cluster. Node
-- pools live inside the aggregate, so they are a JSON column here; nodes are droplets
-- and are counted from the droplet table, never kept twice.
CREATE TABLE cluster (
    cluster_id             BINARY(16)      NOT NULL,
    owner                  VARCHAR(255)    NOT NULL,
    name                   VARCHAR(255)    NOT NULL,
    region                 VARCHAR(32)     NOT NULL,
    kube_version           VARCHAR(64)     NOT NULL,
    tags                   TEXT            NOT NULL,
    status                 VARCHAR(16)     NOT NULL,
    status_message         TEXT            NOT NULL,
    pools                  MEDIUMTEXT      NOT NULL,
    pending_operation_id   BINARY(16)      NULL,
    pending_operation_type VARCHAR(64)     NULL,
    cancel_requested       BOOLEAN         NOT NULL,
    pending_scope          TEXT            NULL,
    names_to_release       TEXT            NOT NULL,
    created_at             DATETIME(6)     NOT NULL,
    updated_at             DATETIME(6)     NOT NULL,
    delete_time            DATETIME(6)     NULL,
    version                BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (cluster_id),
    KEY cluster_owner_created (owner, created_at, cluster_id),
    KEY cluster_owner_name (owner, name),
    KEY cluster_owner_status (owner, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Long-running operations (api.md §9), folded from the operation facts of the target's
-- events. `owner` is the target's owner, for scoping; `version` counts applied facts.
CREATE TABLE operation (
    operation_id      BINARY(16)      NOT NULL,
    owner             VARCHAR(255)    NOT NULL,
    op_type           VARCHAR(64)     NOT NULL,
    target_kind       VARCHAR(32)     NOT NULL,
    target_id         BINARY(16)      NOT NULL,
    status            VARCHAR(16)     NOT NULL,
    cancel_requested  BOOLEAN         NOT NULL,
    progress_percent  INT UNSIGNED    NOT NULL,
    progress_step     VARCHAR(255)    NOT NULL,
    progress_message  TEXT            NOT NULL,
    steps_total       INT UNSIGNED    NOT NULL,
    steps_done        INT UNSIGNED    NOT NULL,
    error_code        VARCHAR(64)     NULL,
    error_detail      TEXT            NULL,
    requested_by      VARCHAR(255)    NOT NULL,
    created_at        DATETIME(6)     NOT NULL,
    completed_at      DATETIME(6)     NULL,
    updated_at        DATETIME(6)     NOT NULL,
    version           BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (operation_id),
    KEY operation_owner_created (owner, created_at, operation_id),
    KEY operation_target (target_id, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The cluster timeline: every event of a cluster and of its nodes, append-only, keyed
-- by the event id (UUIDv5 of command and index), so a replayed record inserts nothing.
CREATE TABLE cluster_event (
    event_id      BINARY(16)   NOT NULL,
    cluster_id    BINARY(16)   NOT NULL,
    owner         VARCHAR(255) NOT NULL,
    event_type    VARCHAR(64)  NOT NULL,
    subject_kind  VARCHAR(32)  NOT NULL,
    subject_id    BINARY(16)   NOT NULL,
    message       TEXT         NOT NULL,
    operation_id  BINARY(16)   NULL,
    occurred_at   DATETIME(6)  NOT NULL,
    PRIMARY KEY (event_id),
    KEY cluster_event_cluster (cluster_id, occurred_at, event_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Which cluster a node droplet belongs to, learned from its creation, so the timeline
-- can place the node's later events without reading another view.
CREATE TABLE node_membership (
    droplet_id  BINARY(16) NOT NULL,
    cluster_id  BINARY(16) NOT NULL,
    PRIMARY KEY (droplet_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
