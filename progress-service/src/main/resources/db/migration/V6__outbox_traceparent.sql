-- The W3C trace context (traceparent) of the request that wrote the event, null when tracing is off. The relay's
-- Outbox Event Router places it in a record header; the relay's publish span continues it (docs/operations.md,
-- "Tracing"). V6: V5 is taken by the ETA's step history on a parallel branch.
ALTER TABLE outbox_event ADD COLUMN traceparent varchar(256);
