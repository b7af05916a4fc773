-- The audit log: one row per event id, whatever Kafka redelivers. The primary key is the processed-event
-- log: a redelivered event conflicts and is skipped inside the same transaction that would have written it.
CREATE TABLE audit_event (
    event_id        uuid          PRIMARY KEY,
    project_id      varchar(64)   NOT NULL,
    sequence        bigint        NOT NULL,
    type            varchar(64)   NOT NULL,
    change          varchar(16)   NOT NULL,
    step            varchar(64),
    status          varchar(16)   NOT NULL,
    occurred_at     timestamptz   NOT NULL,
    recorded_at     timestamptz   NOT NULL,
    kafka_partition int           NOT NULL,
    kafka_offset    bigint        NOT NULL,
    payload         jsonb         NOT NULL,
    CONSTRAINT audit_event_project_sequence UNIQUE (project_id, sequence)
);
