-- wrk script: distinct URLs of one commune, none the same, the way a crawler
-- or an attacker fills a cache with keys (deploy/drill key-flood).
--   wrk -t1 -c16 -d600s -s bench/flood.lua URL -- HOST COUNT DONE_FILE
-- HOST       the commune's host name (sent as Host)
-- COUNT      how many answers in all; the thread stops after them
-- DONE_FILE  created then (wrk itself runs until -d or SIGINT, which the
--            caller sends when the file appears; wrk then prints its figures)
-- Requests cycle through query strings no page reads (?x=N, ?fbclid=N,
-- ?utm_source=N on the news list) and page numbers past the last page.
local host, limit, n, done, done_file = "localhost", 50000, 0, 0, nil
local forms = { "/?x=%d", "/?fbclid=%d", "/tin-tuc?utm_source=%d&utm_medium=social", "/tin-tuc?trang=%d" }

function init(args)
  host = args[1] or host
  limit = tonumber(args[2]) or limit
  done_file = args[3]
end

function request()
  n = n + 1
  local form = forms[(n % #forms) + 1]
  return wrk.format("GET", string.format(form, n), { Host = host })
end

function response()
  done = done + 1
  if done == limit then
    if done_file then
      local f = io.open(done_file, "w")
      if f then f:close() end
    end
    wrk.thread:stop()
  end
end
