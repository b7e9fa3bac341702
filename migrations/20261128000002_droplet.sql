-- The droplet read model: one row per droplet, a copy of the aggregate state folded by
-- domain::Droplet::evolve. `version` is the aggregate version (the ETag); writes are
-- guarded by it so a replayed record never moves a row backwards.
--
-- Ids are UUIDv7 in BINARY(16), so the primary key grows in creation order. Listing is
-- keyset-paged on (owner, created_at, droplet_id), hence that index; the others back
-- the filter shortcuts. Tags are a JSON array kept as text (MariaDB's JSON is an alias
-- of LONGTEXT anyway, and MySQL 8 accepts the same statements).
CREATE TABLE droplet (
    droplet_id      BINARY(16)      NOT NULL,
    owner           VARCHAR(255)    NOT NULL,
    name            VARCHAR(255)    NOT NULL,
    region          VARCHAR(32)     NOT NULL,
    size_slug       VARCHAR(64)     NOT NULL,
    image           VARCHAR(64)     NOT NULL,
    status          VARCHAR(16)     NOT NULL,
    locked          BOOLEAN         NOT NULL,
    vcpus           INT UNSIGNED    NOT NULL,
    memory_mb       INT UNSIGNED    NOT NULL,
    disk_gb         INT UNSIGNED    NOT NULL,
    ipv4            VARCHAR(15)     NULL,
    tags            TEXT            NOT NULL,
    failure_reason  TEXT            NULL,
    created_at      DATETIME(6)     NOT NULL,
    updated_at      DATETIME(6)     NOT NULL,
    delete_time     DATETIME(6)     NULL,
    purge_time      DATETIME(6)     NULL,
    version         BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (droplet_id),
    KEY droplet_owner_created (owner, created_at, droplet_id),
    KEY droplet_owner_name (owner, name),
    KEY droplet_owner_status (owner, status)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
