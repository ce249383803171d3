-- Who did what: submitted, cancelled, registered, deleted, signed in, changed accounts, tokens or
-- secrets. Rows are only ever added. The actor is copied by name so the record outlives the account.
CREATE TABLE audit_event (
    id           bigserial     PRIMARY KEY,
    at           timestamptz   NOT NULL DEFAULT now(),
    actor_id     uuid,
    actor        varchar(64)   NOT NULL,
    action       varchar(60)   NOT NULL,
    target_type  varchar(30),
    target_id    varchar(200),
    outcome      varchar(10)   NOT NULL DEFAULT 'success',
    remote_addr  varchar(64),
    details      jsonb         NOT NULL DEFAULT '{}',
    CONSTRAINT audit_event_outcome_known CHECK (outcome IN ('success', 'denied', 'failure'))
);

CREATE INDEX audit_event_at_idx ON audit_event (at DESC, id DESC);
CREATE INDEX audit_event_actor_idx ON audit_event (actor, at DESC);
CREATE INDEX audit_event_target_idx ON audit_event (target_type, target_id, at DESC);
