-- Read-model versions (issue 9, `clustergenie replay` / `cutover`). A version is a
-- separate schema `<database>_v<N>` on the same server, built by the same migrations and
-- filled by the CLI through the projector's own project(), while the live read models in
-- this (primary) schema keep serving. Cutover swaps the tables of a caught-up version into
-- the primary schema with one atomic multi-table RENAME TABLE (the previously live
-- version's tables move back into that version's own schema; the tables of the first
-- live version, built before versions existed, are registered as version 0), so
-- query-api's SQL, its read-only grant on the primary schema and its pool stay as they
-- are, and the live projector, which locks its checkpoint row in every transaction,
-- continues from the new tables' checkpoints.
--
-- This table is the control record and stays in the primary schema (never swapped):
-- one row per version; `state` is building | ready | live | retired; `scope` is `full`,
-- `scratch` (verify), the filter of a partial rebuild, or `partial` (several runs, one of
-- them partial); only `full` versions go live.
-- `live_since` is set by the cutover that made the version live.
CREATE TABLE read_model_version (
    version      INT UNSIGNED    NOT NULL,
    schema_name  VARCHAR(64)     NOT NULL,
    state        VARCHAR(16)     NOT NULL,
    scope        VARCHAR(255)    NOT NULL,
    created_at   DATETIME(6)     NOT NULL,
    updated_at   DATETIME(6)     NOT NULL,
    live_since   DATETIME(6)     NULL,
    note         TEXT            NULL,
    PRIMARY KEY (version),
    UNIQUE KEY read_model_version_schema (schema_name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
