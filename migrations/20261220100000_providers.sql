-- Providers (features.md §2.8): one row per provider, a copy of the Provider aggregate
-- folded by domain::Provider::evolve. `reserved` is derived from `reservations` (JSON
-- object droplet id → since) and kept as a column for reads; deleted providers stay,
-- flagged, so replays fold onto them. Listed by name and creation time.
CREATE TABLE provider (
    provider_id           BINARY(16)      NOT NULL,
    owner                 VARCHAR(255)    NOT NULL,
    name                  VARCHAR(255)    NOT NULL,
    regions               TEXT            NOT NULL,
    classes               TEXT            NOT NULL,
    capacity              INT UNSIGNED    NOT NULL,
    reserved              INT UNSIGNED    NOT NULL,
    price_hourly_override BIGINT UNSIGNED NULL,
    reservations          MEDIUMTEXT      NOT NULL,
    deleted               BOOLEAN         NOT NULL,
    version               BIGINT UNSIGNED NOT NULL,
    created_at            DATETIME(6)     NOT NULL,
    updated_at            DATETIME(6)     NOT NULL,
    PRIMARY KEY (provider_id),
    KEY provider_owner_created (owner, created_at, provider_id),
    KEY provider_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A droplet's provider (its name; NULL when placed without providers), whether it still
-- holds its slot, and the providers whose slot it must still release.
ALTER TABLE droplet
    ADD COLUMN provider             VARCHAR(255) NULL,
    ADD COLUMN holds_capacity       BOOLEAN      NOT NULL DEFAULT FALSE,
    ADD COLUMN providers_to_release VARCHAR(4096) NOT NULL DEFAULT '[]';
