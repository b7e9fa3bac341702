-- The cluster's simulated demand (issue 11: "a load model whose demand per cluster is
-- settable through the API"): the level (0..=100) and profile (calm | spike | leak |
-- flapping) of the last `cluster.demand_set` event. Two nullable columns rather than a
-- JSON text because both are scalars the SPA and `verify` compare as they are; both NULL
-- means "never set: the simulator's configured default", which is what every row written
-- before this migration stood for, so no backfill is needed.
ALTER TABLE cluster
    ADD COLUMN demand_level   TINYINT UNSIGNED NULL,
    ADD COLUMN demand_profile VARCHAR(16)      NULL;
