-- http.lua — wrk's script for `make bench` (tests/bench/http.sh). Configured by the environment:
--   BENCH_METHOD, BENCH_BODY, BENCH_TOKEN  one request, repeated (wrk's fast static path); the
--                                          token goes in "Authorization: Bearer"
--   BENCH_NOCACHE=1                        "Cache-Control: no-cache": past nginx's micro-cache
--   BENCH_MIX=1, BENCH_TOKENS=FILE         the mixed read/write scenario instead: each wrk thread
--                                          signs in as its own member (one token per line of
--                                          FILE) and cycles through signed-in GETs and
--                                          PUT/DELETE /api/v1/interactions/liked/550; run it
--                                          with one connection per thread, so a thread's DELETE
--                                          always follows its own PUT's answer (never a 404)
--   BENCH_RAMP=1                           the connections' first requests spread over a few
--                                          milliseconds instead of one: nginx's limit_req counts
--                                          requests of the same millisecond against its burst
--                                          (20 for login), whatever the rate
-- done() prints one line, "BENCH_JSON {...}": requests, duration, errors and latency percentiles
-- exactly, from wrk's own histogram (microseconds).

local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local token = os.getenv("BENCH_TOKEN")

wrk.method = method
if body and body ~= "" then
	wrk.body = body
	wrk.headers["Content-Type"] = "application/json"
end
if token and token ~= "" then
	wrk.headers["Authorization"] = "Bearer " .. token
end

if os.getenv("BENCH_NOCACHE") == "1" then
	wrk.headers["Cache-Control"] = "no-cache"
end

if os.getenv("BENCH_MIX") == "1" then
	local tokens, next_thread = {}, 1
	local path = os.getenv("BENCH_TOKENS")
	assert(path, "BENCH_TOKENS is not set")
	local f = assert(io.open(path))
	for line in f:lines() do
		if line ~= "" then tokens[#tokens + 1] = line end
	end
	f:close()

	-- in wrk's main state, once per thread before it starts
	function setup(thread)
		thread:set("mix_token", tokens[(next_thread - 1) % #tokens + 1])
		next_thread = next_thread + 1
	end

	local cycle, i = {}, 0

	-- in each thread's own state
	function init(args)
		local h = { ["Authorization"] = "Bearer " .. mix_token }
		cycle = {
			wrk.format("GET", "/api/v1/movies/550", h),
			wrk.format("GET", "/api/v1/movies?genre=18&sort=rating&limit=20", h),
			wrk.format("PUT", "/api/v1/interactions/liked/550", h),
			wrk.format("GET", "/api/v1/lists", h),
			wrk.format("GET", "/api/v1/watchlist", h),
			wrk.format("DELETE", "/api/v1/interactions/liked/550", h),
		}
	end

	function request()
		i = i % #cycle + 1
		return cycle[i]
	end
end

if os.getenv("BENCH_RAMP") == "1" then
	local sent = 0

	-- before each request of this thread, in milliseconds: 1, 2, … for the first 64, then none
	function delay()
		sent = sent + 1
		return sent <= 64 and sent or 0
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
		'"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
		summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
		e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
