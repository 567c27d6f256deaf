-- Basalt system migration 0003: reload the REST schema cache after DDL, without a restart.
-- An event trigger sends NOTIFY pgrst, 'reload schema' (PostgREST's channel and payload, so
-- tooling written for Supabase keeps working) at the end of every DDL command; the server
-- LISTENs on that channel and debounces bursts. Event triggers need a superuser: on an
-- external database where we are not one, this step is skipped with a notice and the cache
-- still reloads on a manual NOTIFY pgrst, 'reload schema'.

CREATE OR REPLACE FUNCTION basalt.notify_rest_schema_reload() RETURNS event_trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_catalog.pg_notify('pgrst', 'reload schema');
END
$$;

COMMENT ON FUNCTION basalt.notify_rest_schema_reload() IS
    'Event trigger: tells Basalt (channel pgrst) that the schema changed, as PostgREST expects.';

DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        RAISE NOTICE 'basalt: not a superuser; REST schema cache reloads only on NOTIFY pgrst';
        RETURN;
    END IF;
    DROP EVENT TRIGGER IF EXISTS basalt_rest_ddl_end;
    DROP EVENT TRIGGER IF EXISTS basalt_rest_sql_drop;
    CREATE EVENT TRIGGER basalt_rest_ddl_end ON ddl_command_end
        EXECUTE FUNCTION basalt.notify_rest_schema_reload();
    CREATE EVENT TRIGGER basalt_rest_sql_drop ON sql_drop
        EXECUTE FUNCTION basalt.notify_rest_schema_reload();
END
$$;
