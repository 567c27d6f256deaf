-- Basalt system migration 0009: a schema version the REST schema cache can compare against.
-- NOTIFY reaches the server asynchronously, so a request sent right after a DDL commit can
-- arrive before the reload it triggers has even been queued. Every DDL command now also bumps
-- basalt.schema_version; a request that names something the cache does not know compares the
-- version its snapshot was read at with the current one, and waits for a reload when they
-- differ, instead of answering "not found" for an object that exists.

CREATE SEQUENCE IF NOT EXISTS basalt.schema_version;
COMMENT ON SEQUENCE basalt.schema_version IS
    'Bumped by every DDL command (event trigger); read by the REST schema cache.';
-- The event trigger runs as whoever runs the DDL, and the basalt schema is closed to other
-- roles: the function runs as its owner instead of opening the schema.
CREATE OR REPLACE FUNCTION basalt.notify_rest_schema_reload() RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    PERFORM pg_catalog.nextval('basalt.schema_version');
    PERFORM pg_catalog.pg_notify('pgrst', 'reload schema');
END
$$;
