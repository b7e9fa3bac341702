-- Rate-limit policies (api.md §8): the defaults and one override per user, each the
-- state of a RateLimitPolicy aggregate. Ids are UUIDv5 of the target ("default" or the
-- user), so they do not sort by time; the list is ordered by user_id, hence its index.
-- `policies` is the canonical JSON array of rules as text; a deleted override keeps its
-- row (and version) with `deleted` set, so its ETag never comes back.
CREATE TABLE rate_limit_policy (
    policy_id   BINARY(16)      NOT NULL,
    owner       VARCHAR(255)    NOT NULL,
    user_id     VARCHAR(255)    NULL,
    policies    TEXT            NOT NULL,
    deleted     BOOLEAN         NOT NULL,
    version     BIGINT UNSIGNED NOT NULL,
    created_at  DATETIME(6)     NOT NULL,
    updated_at  DATETIME(6)     NOT NULL,
    PRIMARY KEY (policy_id),
    KEY rate_limit_policy_user (deleted, user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
