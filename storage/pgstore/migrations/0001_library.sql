-- bmrkit schema version 1: one template library, its audit trail and its
-- issuance register. The journal and revision tables are append-only: a
-- trigger refuses UPDATE, DELETE and TRUNCATE, and the application role
-- is granted only SELECT and INSERT on them (grants.sql). A superuser can
-- still disable the trigger; the hash chain kept per row (see
-- internal/journal) makes any such edit visible to "bmrkit audit verify"
-- and "bmrkit register verify".

CREATE TABLE bmrkit_settings (
    id      integer PRIMARY KEY CHECK (id = 1),
    content bytea   NOT NULL
);

-- One row per record of the audit trail ('audit') and the issuance
-- register ('register'), exactly the fields of a line of the directory
-- store's NAME.jsonl. pos is the order of insertion.
CREATE TABLE bmrkit_journal (
    pos     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    journal text   NOT NULL CHECK (journal IN ('audit', 'register')),
    seq     bigint NOT NULL,
    prev    text   NOT NULL,
    data    text   NOT NULL,
    hash    text   NOT NULL,
    UNIQUE (journal, seq)
);

-- The head of each journal, as the directory store's NAME.anchor: one
-- line of JSON with the record count, the last hash and the seal signed
-- by the last signer. Writers lock this row (SELECT … FOR UPDATE) for the
-- whole read-decide-append transaction: that is what serialises serial
-- allocation and approvals across workstations.
CREATE TABLE bmrkit_anchor (
    journal text PRIMARY KEY CHECK (journal IN ('audit', 'register')),
    content text NOT NULL
);
INSERT INTO bmrkit_anchor (journal, content) VALUES
    ('audit', '{"journal":"bmrkit-journal/1","count":0,"head":"0000000000000000000000000000000000000000000000000000000000000000","size":0}' || chr(10)),
    ('register', '{"journal":"bmrkit-journal/1","count":0,"head":"0000000000000000000000000000000000000000000000000000000000000000","size":0}' || chr(10));

-- The content of each revision. A draft that was never approved may be
-- replaced: the new content is a new row (replaces = true) and the
-- newest row is the current content; nothing is overwritten.
CREATE TABLE bmrkit_revision (
    pos      bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc      text    NOT NULL,
    rev      integer NOT NULL CHECK (rev >= 1),
    content  bytea   NOT NULL,
    replaces boolean NOT NULL
);
CREATE UNIQUE INDEX bmrkit_revision_first ON bmrkit_revision (doc, rev) WHERE NOT replaces;
CREATE INDEX bmrkit_revision_current ON bmrkit_revision (doc, rev, pos);

-- Files derived from the audit trail (the signers tables), rewritten
-- after every change of the signers.
CREATE TABLE bmrkit_file (
    name    text  PRIMARY KEY,
    content bytea NOT NULL
);

CREATE FUNCTION bmrkit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'bmrkit: % on % is refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER bmrkit_journal_append_only BEFORE UPDATE OR DELETE ON bmrkit_journal
    FOR EACH ROW EXECUTE FUNCTION bmrkit_append_only();
CREATE TRIGGER bmrkit_journal_no_truncate BEFORE TRUNCATE ON bmrkit_journal
    FOR EACH STATEMENT EXECUTE FUNCTION bmrkit_append_only();
CREATE TRIGGER bmrkit_revision_append_only BEFORE UPDATE OR DELETE ON bmrkit_revision
    FOR EACH ROW EXECUTE FUNCTION bmrkit_append_only();
CREATE TRIGGER bmrkit_revision_no_truncate BEFORE TRUNCATE ON bmrkit_revision
    FOR EACH STATEMENT EXECUTE FUNCTION bmrkit_append_only();
