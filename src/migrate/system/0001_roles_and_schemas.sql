-- Basalt system migration 0001: Supabase's database conventions (roles, schemas, auth.*
-- helpers, default grants), so RLS policies and migrations written for Supabase run unchanged.
-- Roles are cluster-wide and a cluster may hold several Basalt databases: every step here is
-- idempotent and tolerates another database creating the same role at the same moment.

-- API roles. The server connects once and switches per request (SET LOCAL ROLE), so these
-- never log in. service_role bypasses RLS, as in Supabase.
DO $$
DECLARE
    spec text[];
BEGIN
    FOREACH spec SLICE 1 IN ARRAY ARRAY[
        ARRAY['anon',          'NOLOGIN NOINHERIT'],
        ARRAY['authenticated', 'NOLOGIN NOINHERIT'],
        ARRAY['service_role',  'NOLOGIN NOINHERIT BYPASSRLS'],
        ARRAY['authenticator', 'LOGIN NOINHERIT']
    ] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = spec[1]) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I %s', spec[1], spec[2]);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created concurrently by a migrator of another database
            END;
        END IF;
    END LOOP;

    -- A pre-existing service_role (created by hand) must still bypass RLS.
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'service_role' AND NOT rolbypassrls)
       AND (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        ALTER ROLE service_role BYPASSRLS;
    END IF;
END
$$;

-- authenticator (PostgREST's login role) may become any of the three. The role that runs
-- migrations is also the one Basalt's pool connects as; a superuser may SET ROLE to anything,
-- any other owner needs the memberships itself.
GRANT anon, authenticated, service_role TO authenticator;
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT anon, authenticated, service_role TO %I', current_user);
    END IF;
END
$$;

-- Schemas Supabase projects expect. basalt is internal (history table, server state): no
-- access for the API roles.
CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS storage;
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE SCHEMA IF NOT EXISTS basalt;
REVOKE ALL ON SCHEMA basalt FROM PUBLIC;
GRANT USAGE ON SCHEMA auth, storage, extensions TO anon, authenticated, service_role;

-- Extensions hosted Supabase preinstalls into "extensions" (uuid_generate_v4(), crypt(),
-- gen_random_bytes()...). Skipped with a notice where the server lacks them or we may not
-- install them (external databases).
DO $$
DECLARE
    ext text;
BEGIN
    FOREACH ext IN ARRAY ARRAY['uuid-ossp', 'pgcrypto'] LOOP
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = ext) THEN
            BEGIN
                EXECUTE format('CREATE EXTENSION IF NOT EXISTS %I WITH SCHEMA extensions', ext);
            EXCEPTION WHEN OTHERS THEN
                RAISE NOTICE 'basalt: extension % not installed: %', ext, SQLERRM;
            END;
        END IF;
    END LOOP;
END
$$;

-- Like Supabase, new sessions see the extensions schema, so unqualified uuid_generate_v4()
-- in a Supabase migration resolves. Only when the database has no search_path of its own.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_db_role_setting s
        JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
        WHERE d.datname = current_database() AND s.setrole = 0
          AND EXISTS (SELECT 1 FROM unnest(s.setconfig) c WHERE c LIKE 'search_path=%')
    ) THEN
        BEGIN
            EXECUTE format('ALTER DATABASE %I SET search_path TO "$user", public, extensions', current_database());
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'basalt: not the database owner; search_path left unchanged';
        END;
    END IF;
END
$$;

-- Request identity helpers with Supabase's behaviour: the server sets request.jwt.claims (the
-- whole JWT payload) per transaction; the older per-claim settings request.jwt.claim.<name>
-- win when present, and empty strings count as unset. Plain STABLE SQL with no SET clause so
-- the planner can inline them into RLS policies.
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
    )::uuid
$$;

CREATE OR REPLACE FUNCTION auth.role() RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
    )::text
$$;

CREATE OR REPLACE FUNCTION auth.email() RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim.email', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
    )::text
$$;

CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

COMMENT ON FUNCTION auth.uid() IS 'User id (sub claim) of the current request, as in Supabase; auth.jwt() ->> ''sub'' is the newer form.';
COMMENT ON FUNCTION auth.role() IS 'Role claim of the current request, as in Supabase; auth.jwt() ->> ''role'' is the newer form.';
COMMENT ON FUNCTION auth.email() IS 'Email claim of the current request, as in Supabase; auth.jwt() ->> ''email'' is the newer form.';
COMMENT ON FUNCTION auth.jwt() IS 'All JWT claims of the current request (request.jwt.claims).';
GRANT EXECUTE ON FUNCTION auth.uid(), auth.role(), auth.email(), auth.jwt()
    TO anon, authenticated, service_role;

-- Default grants on public, as in Supabase: USAGE on the schema, and objects created later by
-- the role running migrations are granted to the three API roles (RLS then decides rows).
-- Existing objects are deliberately left alone: granting them now could expose tables of an
-- adopted database that have no RLS.
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
