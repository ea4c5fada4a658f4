-- Planned care (#26): the work a farmer means to do on a plot, each with its due day, made by
-- hand or from the care calendar of the plot's crop; a task done becomes a diary entry
-- (`entry_id`), written in the same transaction as the entry.
CREATE TABLE care_tasks (
    id            TEXT PRIMARY KEY,
    plot_id       TEXT NOT NULL REFERENCES plots (id),
    kind          TEXT NOT NULL CHECK (kind IN ('planting', 'fertilising', 'spraying', 'irrigation',
                      'pruning', 'flower_induction', 'fruit_bagging', 'observation', 'lab_test',
                      'harvest', 'packing')),
    title         TEXT NOT NULL CHECK (title <> ''),
    note          TEXT NOT NULL DEFAULT '',
    due_on        TEXT NOT NULL,
    -- The last day of a window (a harvest window, a round of pruning); NULL for one day.
    due_until     TEXT CHECK (due_until IS NULL OR due_until >= due_on),
    source        TEXT NOT NULL CHECK (source IN ('manual', 'calendar')),
    -- A calendar task's step and day (`kind@date`): applying the calendar again adds nothing.
    calendar_key  TEXT,
    status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'skipped')),
    entry_id      TEXT REFERENCES cultivation_log_entries (id),
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL,
    closed_at     TEXT,
    -- When its reminder was written (once per task).
    reminded_at   TEXT,
    CHECK ((status = 'done') = (entry_id IS NOT NULL))
);
CREATE INDEX care_tasks_plot ON care_tasks (plot_id, status, due_on);
CREATE INDEX care_tasks_due ON care_tasks (status, due_on);
CREATE UNIQUE INDEX care_tasks_calendar ON care_tasks (plot_id, calendar_key);

-- A commune's own care calendar for a crop (crop as `diary::register::crop_key` folds it),
-- edited by its officers; a commune without one uses the calendar shipped in the code.
CREATE TABLE care_calendar_steps (
    id           TEXT PRIMARY KEY,
    commune_id   TEXT NOT NULL REFERENCES communes (id),
    crop         TEXT NOT NULL CHECK (crop <> ''),
    position     INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('planting', 'fertilising', 'spraying', 'irrigation',
                     'pruning', 'flower_induction', 'fruit_bagging', 'observation', 'lab_test',
                     'harvest', 'packing')),
    title        TEXT NOT NULL CHECK (title <> ''),
    note         TEXT NOT NULL DEFAULT '',
    month        INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day          INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
    window_days  INTEGER NOT NULL DEFAULT 0 CHECK (window_days BETWEEN 0 AND 120),
    updated_by   TEXT NOT NULL REFERENCES users (id),
    updated_at   TEXT NOT NULL,
    UNIQUE (commune_id, crop, position)
);
