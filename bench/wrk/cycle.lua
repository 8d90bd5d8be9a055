-- Cycles over many registered schemas: each request looks one up
-- (POST /subjects/{s}) or registers it again (POST /subjects/{s}/versions).
--
--   wrk -t1 -c32 -d10s -s bench/wrk/cycle.lua http://127.0.0.1:18081 -- BODIES lookup|register
--
-- BODIES holds "subject<TAB>request body" lines, as bench/fill -bodies
-- writes them. Requests are formatted once, at start, so that the script
-- costs the load generator as little as possible.

local requests = {}
local position = 1

function init(args)
  local file, mode = args[1], args[2]
  if mode ~= "lookup" and mode ~= "register" then
    error("usage: -- BODIES lookup|register")
  end
  local headers = { ["Content-Type"] = "application/vnd.schemaregistry.v1+json" }
  for line in io.lines(file) do
    local subject, body = line:match("^([^\t]+)\t(.+)$")
    local path = "/subjects/" .. subject
    if mode == "register" then
      path = path .. "/versions"
    end
    requests[#requests + 1] = wrk.format("POST", path, headers, body)
  end
  if #requests == 0 then
    error("no request bodies in " .. file)
  end
  -- Threads start at different places, so they do not ask in lockstep.
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  position = math.random(#requests)
end

function request()
  local r = requests[position]
  position = position % #requests + 1
  return r
end
