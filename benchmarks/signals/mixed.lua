-- wrk script: four reads of READ_PATH, then one registration (POST /api/signals/),
-- per connection, round robin. Paths and the token come from the environment
-- (set by benchmarks/signals/run.py).
local read_path = os.getenv("WR_READ_PATH")
local token = os.getenv("WR_TOKEN")
local counter = 0
local body = '{"category": "geluidsoverlast", "pillar": "safety", ' ..
             '"observed_on": "2026-10-01", "reliability": "own", ' ..
             '"description": "Geluidsoverlast na middernacht (belasting)", ' ..
             '"address": "Kade 4"}'

request = function()
  counter = counter + 1
  if counter % 5 == 0 then
    return wrk.format("POST", "/api/signals/", {
      ["Authorization"] = "Token " .. token,
      ["Content-Type"] = "application/json"}, body)
  end
  return wrk.format("GET", read_path, {["Authorization"] = "Token " .. token})
end
