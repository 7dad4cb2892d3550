-- wrk script: every request goes to a random commune.
--   wrk -t1 -c32 -d10s --latency -s bench/random_host.lua URL -- HOSTS_FILE [PATH [HEADER]]
-- HOSTS_FILE  one host name per line (e.g. every commune's dev alias)
-- PATH        default "/"; a "%d" becomes a random number 1..5 (sample news ids);
--             several paths separated by commas are picked at random
-- HEADER      "Name: value" sent with every other request (deploy/drill:
--             "Cookie: vua_sua=1" makes half the requests pass nginx's cache)
local hosts, paths = {}, { "/" }
local extra, count = nil, 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then hosts[#hosts + 1] = line end
  end
  if args[2] then
    paths = {}
    for p in string.gmatch(args[2], "[^,]+") do paths[#paths + 1] = p end
  end
  if args[3] then
    local name, value = args[3]:match("^([^:]+):%s*(.*)$")
    if name then extra = { name = name, value = value } end
  end
  local addr = tostring({}):match("0x(%x+)")
  math.randomseed(os.time() + (addr and tonumber(addr:sub(-6), 16) or 0))
end

function request()
  local host = hosts[math.random(#hosts)]
  local path = paths[math.random(#paths)]
  local p = path:find("%%d") and string.format(path, math.random(5)) or path
  count = count + 1
  if extra and count % 2 == 0 then
    return wrk.format("GET", p, { Host = host, [extra.name] = extra.value })
  end
  return wrk.format("GET", p, { Host = host })
end
