// bench/rest reference server: PostGraphile v4 (library mode) over the bench's database, set up
// the way its docs recommend for production and mirroring basalt's request path: one login role
// (authenticator), the anon API key verified as an HS256 JWT, `role` and `jwt.claims.*` set per
// transaction. Started and stopped by bench/rest/run.sh; see bench/rest/README.md.
//
// Environment: PGHOST/PGPORT/PGDATABASE/PGUSER (node-postgres reads them), PORT, JWT_SECRET,
// WORKERS (Node processes, one per core like basalt's I/O threads), POOL_SIZE (connections in
// total, split across the workers).
'use strict';

const cluster = require('node:cluster');
const http = require('node:http');
const { postgraphile } = require('postgraphile');

const port = Number(process.env.PORT);
const workers = Math.max(1, Number(process.env.WORKERS || 1));
const poolSize = Math.max(1, Number(process.env.POOL_SIZE || 16));

if (cluster.isPrimary && workers > 1) {
    // The primary only accepts connections and hands them to workers (round-robin on Linux).
    let shuttingDown = false;
    for (let i = 0; i < workers; i++) cluster.fork();
    cluster.on('exit', (worker, code) => {
        if (!shuttingDown) {
            console.error(`postgraphile worker ${worker.process.pid} died (${code})`);
            process.exit(1);
        }
    });
    process.on('SIGTERM', () => {
        shuttingDown = true;
        for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
        process.exit(0);
    });
} else {
    const handler = postgraphile(
        { max: Math.max(1, Math.ceil(poolSize / workers)) },
        'public',
        {
            // Production settings (no GraphiQL, no schema watch, no EXPLAIN, no per-query log).
            graphiql: false,
            watchPg: false,
            allowExplain: false,
            disableQueryLog: true,
            extendedErrors: [],
            showErrorStack: false,
            retryOnInitFail: false,
            ignoreRBAC: false,
            setofFunctionsContainNulls: false,
            // Same authorization inputs as basalt: the anon key is an HS256 JWT without `aud`
            // (PostGraphile expects aud=postgraphile unless told otherwise).
            jwtSecret: process.env.JWT_SECRET,
            jwtVerifyOptions: { audience: [], algorithms: ['HS256'] },
            pgDefaultRole: 'anon',
        },
    );
    const server = http.createServer(handler);
    server.keepAliveTimeout = 60_000;
    server.listen(port, '127.0.0.1');
    process.on('SIGTERM', () => process.exit(0));
}
