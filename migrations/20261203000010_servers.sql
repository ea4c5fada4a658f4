-- Several app servers on one database (#28). Each running server says so here every few
-- seconds, so a server whose search index cannot be shared (the embedded one) refuses to start
-- beside another; background jobs that must run once across servers are leased.

CREATE TABLE app_servers (
    -- One address on one host with its data folder (see `server::servers::server_id`).
    id          TEXT PRIMARY KEY,
    -- The host and data folder alone: servers sharing one (a restart on a new port, or
    -- servers started in one process by the tests) share the embedded index it holds.
    place       TEXT NOT NULL,
    search      TEXT NOT NULL CHECK (search IN ('embedded', 'meilisearch')),
    started_at  TEXT NOT NULL,
    seen_at     TEXT NOT NULL
);

CREATE TABLE job_leases (
    job     TEXT PRIMARY KEY CHECK (job <> ''),
    holder  TEXT NOT NULL CHECK (holder <> ''),
    -- The lease lapses at this time unless its holder renews it.
    until   TEXT NOT NULL
);

-- Bumped each time the search index takes changes. Only one server writes the index (the
-- holder of the `search_outbox` lease); the others read their search vocabulary again when
-- this moves.
CREATE TABLE search_generation (
    one         INTEGER PRIMARY KEY CHECK (one = 1),
    generation  BIGINT NOT NULL
);
INSERT INTO search_generation (one, generation) VALUES (1, 0);
