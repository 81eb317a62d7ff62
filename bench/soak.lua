-- wrk script of bench/soak.py: every request a different search or record read on a node, and
-- the answers counted by status (a 5xx, or a 4xx to a request meant to be valid, fails the soak).
--   wrk ... -s bench/soak.lua http://127.0.0.1:PORT -- RECORDS SEED
-- RECORDS: the seeded records are rec-0000000 … (RECORDS - 1) (bench/generate.py), never deleted
-- by the soak's publishers, so a record read must answer 200.
-- A third argument "trace" prints each request answered 4xx or 5xx with its status; only exact with
-- one connection (wrk -t1 -c1), since wrk does not say which request an answer belongs to.

local words = {"hittestress", "gebouwen", "wateroverlast", "bomen", "puntenwolk", "geluid", "stikstof",
               "hoogtemodel", "luchtkwaliteit", "energie", "bim", "ondergrond", "amsterdam", "rotterdam",
               "utrecht", "delft", "gebouw", "hitte", "synthetisch", "gemeente", "maastricht", "zwolle",
               "lod2", "kaart", "onbekendwoord"}
local themes = {"heat-stress", "buildings", "flooding", "vegetation", "pointcloud", "noise", "nitrogen",
                "terrain", "air-quality", "energy", "bim", "subsurface"}
local units = {"GM0363", "GM0599", "GM0344", "GM0518", "GM0772", "GM0014", "GM0503", "GM0439", "PV27", "PV28"}
local facet_names = {"themes", "formats", "type", "adminUnits", "publisher", "license", "origin"}
local types = {"dataset", "model", "simulation-result", "service"}
local sorts = {"updated", "-updated", "title", "-title", "relevance", "-relevance"}

local threads = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    records = tonumber(args[1]) or 20000
    math.randomseed((tonumber(args[2]) or 1) * 1000 + id)
    s2xx, s3xx, s4xx, s5xx, other = 0, 0, 0, 0, 0
    trace = args[3] == "trace"
end

local function pick(list, count) return list[math.random(count or #list)] end

local function encode(text)
    return (string.gsub(text, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function bbox()
    local lon, lat = 3.4 + math.random() * 3.4, 50.8 + math.random() * 2.4
    local w, h = 0.05 + math.random() * 1.5, 0.05 + math.random() * 1.0
    return string.format("%.4f,%.4f,%.4f,%.4f", lon, lat, lon + w, lat + h)
end

local function filter()
    local kind = math.random(7)
    if kind == 1 then
        return string.format("themes = '%s' AND adminUnits = '%s'", pick(themes), pick(units))
    elseif kind == 2 then
        local lon, lat = 3.4 + math.random() * 3.4, 50.8 + math.random() * 2.4
        return string.format("S_INTERSECTS(geometry, BBOX(%.3f,%.3f,%.3f,%.3f))", lon, lat, lon + 0.5, lat + 0.4)
    elseif kind == 3 then
        return string.format("T_AFTER(datetime, DATE('%d-01-01'))", 2010 + math.random(0, 15))
    elseif kind == 4 then
        return string.format("title LIKE '%%%s%%'", pick({"Hitte", "gebouwen", "Bomen", "AHN", "stadhuis"}))
    elseif kind == 5 then
        return string.format("updated > TIMESTAMP('%d-06-01T00:00:00Z') OR themes = '%s'", 2010 + math.random(0, 15),
                             pick(themes))
    elseif kind == 6 then
        return "A_CONTAINS(formats, ('3dtiles','cityjson'))"
    end
    return string.format("NOT (themes = '%s') AND (adminUnits = '%s' OR adminUnits = '%s')", pick(themes),
                         pick(units), pick(units))
end

local function search()
    local parts = {}
    local function add(name, value) table.insert(parts, name .. "=" .. encode(value)) end
    local has_q = math.random() < 0.6
    if has_q then
        local terms = pick(words)
        if math.random() < 0.3 then terms = terms .. "," .. pick(words) end
        if math.random() < 0.2 then terms = terms .. " " .. pick(words) end
        add("q", terms)
    end
    if math.random() < 0.4 then add("bbox", bbox()) end
    if math.random() < 0.3 then add("filter", filter()) end
    if math.random() < 0.2 then add("datetime", string.format("%d-01-01/..", 2010 + math.random(0, 15))) end
    if math.random() < 0.15 then add("themes", pick(themes) .. "," .. pick(themes)) end
    if math.random() < 0.1 then add("type", pick(types)) end
    if math.random() < 0.1 then add("adminUnits", pick(units)) end
    if math.random() < 0.25 then
        local first = math.random(#facet_names)
        local second = (first + math.random(#facet_names - 1) - 1) % #facet_names + 1
        add("facets", facet_names[first] .. "," .. facet_names[second])
    end
    -- Relevance needs words (a 400 without q).
    if math.random() < 0.2 then add("sortby", pick(sorts, has_q and #sorts or 4)) end
    if math.random() < 0.7 then add("limit", tostring(math.random(1, 100))) end
    if math.random() < 0.4 then add("offset", tostring(math.random(0, 2000))) end
    if math.random() < 0.25 then add("f", "html") elseif math.random() < 0.3 then add("f", "json") end
    local path = "/collections/twins/items"
    if #parts > 0 then path = path .. "?" .. table.concat(parts, "&") end
    return path
end

local function record()
    local path = string.format("/collections/twins/items/rec-%07d", math.random(0, records - 1))
    local format = math.random(4)
    if format == 2 then return path .. "?f=html" elseif format == 3 then return path .. "?f=json" end
    return path
end

function request()
    local path
    local kind = math.random(20)
    if kind <= 13 then
        path = search()
    elseif kind <= 18 then
        path = record()
    elseif kind == 19 then
        path = pick({"/", "/collections", "/collections/twins", "/collections/twins/queryables", "/conformance"})
    else
        path = "/feed?after=" .. math.random(0, records) .. "&limit=" .. math.random(1, 50)
    end
    last_path = path
    -- Now and then a search afresh, past the search page cache.
    if math.random() < 0.1 then return wrk.format("GET", path, {["Cache-Control"] = "no-cache"}) end
    return wrk.format("GET", path)
end

function response(status, headers, body)
    if trace and status >= 400 then io.write(status .. " " .. last_path .. "\n") end
    if status >= 500 then s5xx = s5xx + 1
    elseif status >= 400 then s4xx = s4xx + 1
    elseif status >= 300 then s3xx = s3xx + 1
    elseif status >= 200 then s2xx = s2xx + 1
    else other = other + 1 end
end

function done(summary, latency, requests)
    local total = {s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0, other = 0}
    for _, thread in ipairs(threads) do
        for name, _ in pairs(total) do total[name] = total[name] + (tonumber(thread:get(name)) or 0) end
    end
    io.write(string.format("SOAK-STATUSES 2xx=%d 3xx=%d 4xx=%d 5xx=%d other=%d\n", total.s2xx, total.s3xx,
                           total.s4xx, total.s5xx, total.other))
    io.write(string.format("SOAK-LATENCY-US p50=%d p90=%d p99=%d max=%d\n", latency:percentile(50),
                           latency:percentile(90), latency:percentile(99), latency.max))
    io.write(string.format("SOAK-ERRORS connect=%d read=%d write=%d timeout=%d status=%d\n", summary.errors.connect,
                           summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
end
