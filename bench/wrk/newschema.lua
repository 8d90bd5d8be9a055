-- Registers a new schema with every request. Run one connection per thread
-- (-t16 -c16): each thread is one client.
--
--   wrk -t16 -c16 -d10s -s bench/wrk/newschema.lua http://127.0.0.1:18081 -- TEMPLATE RUN SUBJECTS
--
-- TEMPLATE is a request body with __N__ where the unique part of a field
-- name goes (bench/fill -new-template). RUN makes names unique across runs.
-- SUBJECTS = 0 gives each client a subject of its own; otherwise client k
-- registers in subject k % SUBJECTS, sharing it with the others.

local threads = 0

function setup(thread)
  thread:set("client", threads)
  threads = threads + 1
end

local template, run, path
local sent = 0
local headers = { ["Content-Type"] = "application/vnd.schemaregistry.v1+json" }

function init(args)
  local f = assert(io.open(args[1], "r"))
  template = f:read("*a")
  f:close()
  run = args[2]
  local subjects = tonumber(args[3])
  local subject = client
  if subjects > 0 then
    subject = client % subjects
  end
  path = "/subjects/bench.fresh-" .. run .. "-" .. subject .. "-value/versions"
end

function request()
  sent = sent + 1
  local body = template:gsub("__N__", run .. "_" .. client .. "_" .. sent)
  return wrk.format("POST", path, headers, body)
end
