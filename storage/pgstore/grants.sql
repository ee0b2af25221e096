-- Grants for the role bmrkit's users connect as, in the database (and
-- schema) of one library, after "bmrkit library init URL" created it as
-- the owning role. Run as the owner or a superuser:
--
--   psql "postgres://owner@host/db" -v role=bmrkit_app -f grants.sql
--
-- The role may read everything and append records and revisions; it may
-- not UPDATE or DELETE a record or a revision. It updates only the
-- anchor (the head of each chain) and the derived signers tables.
GRANT USAGE ON SCHEMA public TO :"role";
GRANT SELECT ON bmrkit_schema, bmrkit_settings TO :"role";
GRANT SELECT, INSERT ON bmrkit_journal, bmrkit_revision, bmrkit_witness TO :"role";
GRANT SELECT, UPDATE ON bmrkit_anchor TO :"role";
GRANT SELECT, INSERT, UPDATE ON bmrkit_file TO :"role";
REVOKE UPDATE, DELETE, TRUNCATE ON bmrkit_journal, bmrkit_revision, bmrkit_witness FROM :"role";
