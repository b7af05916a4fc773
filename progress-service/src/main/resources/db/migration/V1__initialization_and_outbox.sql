-- Step state: the single source of truth for progress.
CREATE TABLE initialization (
    project_id  varchar(64)   PRIMARY KEY,
    status      varchar(16)   NOT NULL,
    sequence    bigint        NOT NULL CHECK (sequence >= 1),
    message     varchar(1000),
    reason      varchar(1000),
    started_at  timestamptz   NOT NULL,
    updated_at  timestamptz   NOT NULL,
    finished_at timestamptz
);

CREATE TABLE initialization_step (
    project_id varchar(64)   NOT NULL REFERENCES initialization (project_id) ON DELETE CASCADE,
    position   int           NOT NULL,
    name       varchar(64)   NOT NULL,
    label      varchar(200)  NOT NULL,
    weight     int           NOT NULL CHECK (weight > 0),
    status     varchar(16)   NOT NULL,
    progress   int           NOT NULL CHECK (progress BETWEEN 0 AND 100),
    message    varchar(1000),
    started_at timestamptz,
    updated_at timestamptz,
    PRIMARY KEY (project_id, position),
    UNIQUE (project_id, name)
);

-- The transactional outbox, in the column names Debezium's Outbox Event Router expects. A row is
-- inserted and deleted in the transaction that changes the step: the WAL keeps the insert for the relay,
-- and the table itself stays empty, so it never grows.
CREATE TABLE outbox_event (
    id            uuid         PRIMARY KEY,
    aggregatetype varchar(64)  NOT NULL,
    aggregateid   varchar(64)  NOT NULL,
    type          varchar(64)  NOT NULL,
    payload       jsonb        NOT NULL,
    occurred_at   timestamptz  NOT NULL
);

-- Written by Debezium's heartbeat action so the replication slot keeps confirming WAL positions even
-- when no outbox event flows (other databases on the server still write WAL the slot would retain).
CREATE TABLE relay_heartbeat (
    id      int         PRIMARY KEY,
    beat_at timestamptz NOT NULL
);

-- The relay's durable offsets (Kafka Connect offset storage), next to the data they point into.
CREATE TABLE relay_offset (
    offset_key   bytea PRIMARY KEY,
    offset_value bytea
);

-- Only inserts and updates are decoded: the outbox's deletes never reach the relay.
CREATE PUBLICATION progress_outbox FOR TABLE outbox_event, relay_heartbeat WITH (publish = 'insert, update');
