-- bmrkit schema version 2: the head of each journal after every append,
-- kept apart from the journal and its anchor (as the directory store keeps
-- it in the other journal's anchor). A journal whose rows were deleted, or
-- cut from the end with its anchor reset, no longer holds the record its
-- latest witness row names: "bmrkit audit verify" and "bmrkit register
-- verify" report it (a witness finding), and changes and repair are
-- refused. Append-only like the journal.

CREATE TABLE bmrkit_witness (
    pos     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    journal text   NOT NULL CHECK (journal IN ('audit', 'register')),
    count   bigint NOT NULL CHECK (count >= 1),
    head    text   NOT NULL
);
CREATE INDEX bmrkit_witness_latest ON bmrkit_witness (journal, count DESC);

CREATE TRIGGER bmrkit_witness_append_only BEFORE UPDATE OR DELETE ON bmrkit_witness
    FOR EACH ROW EXECUTE FUNCTION bmrkit_append_only();
CREATE TRIGGER bmrkit_witness_no_truncate BEFORE TRUNCATE ON bmrkit_witness
    FOR EACH STATEMENT EXECUTE FUNCTION bmrkit_append_only();

-- Libraries created at version 1 get a witness of their current heads.
INSERT INTO bmrkit_witness (journal, count, head)
    SELECT journal, max(seq), (SELECT hash FROM bmrkit_journal j2 WHERE j2.journal = j.journal ORDER BY seq DESC LIMIT 1)
    FROM bmrkit_journal j GROUP BY journal;
