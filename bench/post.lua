-- wrk script: POST the benchmark's chat body. The body and the Authorization value come from
-- the environment (set by bench/run.mjs), so one static script serves every scenario.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("BENCH_AUTHORIZATION")
