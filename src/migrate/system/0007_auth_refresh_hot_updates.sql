-- Basalt system migration 0007: room on each page for HOT updates on the refresh path (#4).
-- Every refresh marks its token revoked and stamps its session's refreshed_at; neither column
-- is indexed, so PostgreSQL can update in place on the same page (a HOT update: no new entries
-- in any index, less WAL) whenever the page has room. At the default fillfactor of 100 pages
-- are packed full, so many of these updates moved the row and added an entry to each of the
-- table's indexes (three on each table). A token is inserted once and updated once; a session
-- is updated on every refresh: 15% free space per page keeps nearly all of them HOT.
-- Applies to pages written from now on (VACUUM FULL or pg_repack rewrites older ones).
ALTER TABLE auth.refresh_tokens SET (fillfactor = 85);
ALTER TABLE auth.sessions SET (fillfactor = 85);
