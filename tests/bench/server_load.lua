-- wrk script for tests/bench/server_load.py: POSTs pre-signed, unique
-- Stripe webhook deliveries and checks every answer.
--
--   wrk -t2 -c32 -d5s -s server_load.lua http://127.0.0.1:PORT -- DELIVERIES THREADS
--
-- DELIVERIES is a path prefix: thread i reads DELIVERIES.i, its own slice,
-- so that no two threads send the same event. Each record in a slice is
-- "<Stripe-Signature value> <body length>\n" followed by the body bytes.
-- THREADS is wrk's -t. done() prints one "server_load: key=value ..." line
-- for the driver.
--
-- wrk runs each thread's init() on its main thread and starts that thread
-- right after, before the next thread's init(); its clock starts once the
-- last thread is started. Loading a slice takes seconds, so without a start
-- line thread 0 would send alone, untimed, while the others load: requests
-- counted against a window that did not include them (8–24% more
-- webhooks/s than were served in the runs that found it, and repeated
-- deliveries once thread 0 ran past its slice). So the last thread's init()
-- creates DELIVERIES.go, and every thread's first request() waits for it.
-- The waiting threads' connections are open meanwhile, so the slices must
-- load within the server's 10 s request timeout: the default 250,000
-- deliveries take about 2 s; a longer wait shows as 408 answers, and the
-- row fails.

local webhook_path = "/stripe/postback"

-- The main Lua state's handles on the threads, for done().
local threads = {}

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

function init(args)
   local slice = assert(io.open(args[1] .. "." .. thread_index, "rb"))
   deliveries = {}
   while true do
      local line = slice:read("*l")
      if not line then break end
      local signature, length = line:match("^(%S+) (%d+)$")
      local body = slice:read(tonumber(length))
      -- Formatted once here, so that request() costs nothing while measuring.
      deliveries[#deliveries + 1] = wrk.format("POST", webhook_path, {
         ["Content-Type"] = "application/json; charset=utf-8",
         ["User-Agent"] = "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
         ["Stripe-Signature"] = signature,
      }, body)
   end
   slice:close()
   assert(#deliveries > 0, "empty slice " .. args[1] .. "." .. thread_index)
   -- done() reads these counters with thread:get, which copies values across
   -- Lua states: a number, never the deliveries table.
   loaded = #deliveries
   sent = 0
   non_200 = 0
   not_recorded = 0
   -- wrk calls thread 0's request() once on its main thread, right after
   -- this init(), to see what a request looks like: that call must neither
   -- wait for the start line (the others have not loaded yet) nor count.
   verifying = thread_index == 0
   started = false
   go_file = args[1] .. ".go"
   if thread_index == tonumber(args[2]) - 1 then
      assert(io.open(go_file, "w")):close()
   end
end

-- Spins: wrk's Lua has no sleep, and the wait is one slice's loading.
local function wait_for_start_line()
   while true do
      local go = io.open(go_file, "r")
      if go then
         go:close()
         return
      end
   end
end

function request()
   if verifying then
      verifying = false
      return deliveries[1]
   end
   if not started then
      wait_for_start_line()
      started = true
   end
   sent = sent + 1
   -- Cycles only if the run outlasts the slice; done() reports the repeats.
   return deliveries[(sent - 1) % #deliveries + 1]
end

function response(status, headers, body)
   if status ~= 200 then
      non_200 = non_200 + 1
   elseif not body:find('"outcome":"recorded"', 1, true) then
      -- A 200 for a duplicate or ignored event did not store a purchase:
      -- the run did not measure what it claims to.
      not_recorded = not_recorded + 1
   end
end

function done(summary, latency, requests)
   local non_200, not_recorded, repeated, loaded = 0, 0, 0, 0
   for _, thread in ipairs(threads) do
      local slice_size = thread:get("loaded")
      non_200 = non_200 + thread:get("non_200")
      not_recorded = not_recorded + thread:get("not_recorded")
      repeated = repeated + math.max(0, thread:get("sent") - slice_size)
      loaded = loaded + slice_size
   end
   local errors = summary.errors
   io.write(string.format(
      "server_load: requests=%d duration_us=%d p50_us=%d p99_us=%d non_200=%d not_recorded=%d " ..
      "repeated=%d loaded=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      non_200, not_recorded, repeated, loaded,
      errors.connect, errors.read, errors.write, errors.timeout))
end
