-- wrk: POST /auth/v1/token?grant_type=refresh_token, each request spending a different
-- pre-created refresh token (benchtok<N>), so every request is a real rotation.
-- Non-2xx answers (e.g. tokens running out) show in wrk's summary; run.sh treats them as a miss.
local counter = 0
local threads = {}
local total_threads = tonumber(os.getenv("WRK_THREADS") or "2")

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id
end

function request()
  counter = counter + total_threads
  local body = '{"refresh_token":"benchtok' .. counter .. '"}'
  return wrk.format("POST", "/auth/v1/token?grant_type=refresh_token",
    {["Content-Type"] = "application/json", ["apikey"] = os.getenv("ANON_KEY")}, body)
end
