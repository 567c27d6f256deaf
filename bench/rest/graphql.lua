-- wrk script for bench/rest's PostGraphile row: every request POSTs the GraphQL JSON document
-- in $GQL_BODY_FILE (written by run.sh). Other headers (Authorization) come from wrk -H.
local file = assert(io.open(os.getenv("GQL_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
