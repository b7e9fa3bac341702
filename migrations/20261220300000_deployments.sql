-- Deployment read models (api.md §12.4), written only by the projector.
--
-- `deployment`: one row per deployment, a lossless copy of that deployment's part of its
-- cluster's `Deployments` aggregate (`document`: the representation plus the time of its
-- last progress), with the columns lists filter and sort on. The same rows are the
-- cluster's revisions (`revision`, `image`, `config_hash`, `is_active`: the succeeded
-- one). Lists are per cluster, newest first.
CREATE TABLE deployment (
    deployment_id BINARY(16)      NOT NULL,
    ledger_id     BINARY(16)      NOT NULL,
    cluster_id    BINARY(16)      NOT NULL,
    owner         VARCHAR(255)    NOT NULL,
    revision      INT UNSIGNED    NOT NULL,
    image         VARCHAR(512)    NOT NULL,
    config_hash   VARCHAR(80)     NOT NULL,
    status        VARCHAR(16)     NOT NULL,
    is_active     BOOLEAN         NOT NULL,
    document      MEDIUMTEXT      NOT NULL,
    version       BIGINT UNSIGNED NOT NULL,
    created_at    DATETIME(6)     NOT NULL,
    updated_at    DATETIME(6)     NOT NULL,
    PRIMARY KEY (deployment_id),
    KEY deployment_ledger (ledger_id),
    KEY deployment_cluster (cluster_id, created_at, deployment_id),
    KEY deployment_list (created_at, deployment_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
