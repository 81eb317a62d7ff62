// tweeling-bench-feed-server: one process serving many virtual Tweeling nodes, so that a hub's
// harvester (not 400 node processes) is what a benchmark measures.
//
//   tweeling-bench-feed-server --data records.ndjson --sources 400 [--listen 127.0.0.1:0] [--threads 2]
//
// The NDJSON records (bench/generate.py) are split into S contiguous blocks, one per virtual node
// with origin bench-0001 ... bench-SSSS, normalised once with the node's own code
// (record::normalizeForStorage) and kept in memory as ready-made feed-entry fragments, so a page is a
// string concatenation.
//
//   GET  /n/{i}/feed?after=SEQ&limit=N   exactly the shape of a node's /feed (registry/api/api.cpp)
//   GET  /n/{i}/health, GET /health      {"status":"ok",...}
//   GET  /n/{i}/.well-known/tweeling.json  the node identity and its Ed25519 key (each virtual node
//                                        signs its entries); GET /admin/keys lists "N KEY" lines
//   POST /admin/mutate?fraction=0.01     changes that share of all records (new `updated`, a title
//                                        suffix) and appends each as a new feed entry with a new seq,
//                                        compacting its old entry, like a node does on PUT
//   GET  /admin/stats                    sources, records, latest seq per source summed
//
// Prints {"message":"listening on http://HOST:PORT"} on stderr once ready; stops on SIGINT/SIGTERM.
#include "common/json.hpp"
#include "common/signature.hpp"
#include "common/time.hpp"
#include "record/record.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/net.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <shared_mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using tweeling::common::Json;
using tweeling::common::JsonValue;

struct Entry {
    std::string id;
    std::int64_t seq = 0;
    std::string fragment;          // {"seq":..,"op":"put","id":..,"origin":..,"at":..,"record":{...}}
    std::size_t recordOffset = 0;  // where the record's JSON starts inside fragment (ends before the final '}')
};

struct Source {
    std::string origin;
    // Each virtual node signs its entries, as a node does (README, "Signed records").
    std::shared_ptr<const tweeling::common::SigningKey> key;
    std::string epoch;
    std::int64_t latest = 0;
    std::vector<Entry> entries;               // one per record
    std::map<std::int64_t, std::size_t> bySeq;  // the compacted feed: seq -> entry index
};

struct State {
    std::vector<Source> sources;
    std::shared_mutex mutex;
    std::string base;  // http://HOST:PORT
    std::uint64_t mutations = 0;
    std::atomic<std::uint64_t> feedPages{0};
    std::atomic<std::uint64_t> feedBytes{0};
};

void appendEscaped(std::string& out, const std::string& text) {
    out += '"';
    for (unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                    out += buffer;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

void makeFragment(Entry& entry, const Source& source, const std::string& at, const Json& doc) {
    const std::string& origin = source.origin;
    const std::string recordJson = tweeling::common::toString(doc);
    std::string updated;
    if (const JsonValue* properties = tweeling::common::member(doc, "properties"))
        updated = std::string(tweeling::common::stringMember(*properties, "updated").value_or(""));
    const std::string signature =
        source.key->sign(tweeling::common::signedBytes(origin, entry.id, "put", updated, &doc));
    std::string& out = entry.fragment;
    out.clear();
    out.reserve(recordJson.size() + 128);
    out += "{\"seq\":";
    out += std::to_string(entry.seq);
    out += ",\"op\":\"put\",\"id\":";
    appendEscaped(out, entry.id);
    out += ",\"origin\":";
    appendEscaped(out, origin);
    out += ",\"at\":";
    appendEscaped(out, at);
    out += ",\"signature\":";
    appendEscaped(out, signature);
    out += ",\"record\":";
    entry.recordOffset = out.size();
    out += recordJson;
    out += '}';
}

std::string randomHex(std::size_t bytes) {
    std::random_device device;
    std::string out;
    const char* digits = "0123456789abcdef";
    for (std::size_t i = 0; i < bytes; ++i) {
        unsigned value = device() & 0xff;
        out += digits[value >> 4];
        out += digits[value & 15];
    }
    return out;
}

std::string rfc3339(std::time_t seconds) {
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

// Loads the NDJSON and splits it into `sourceCount` contiguous blocks.
void load(State& state, const std::string& path, int sourceCount) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(std::move(line));
    if (lines.empty()) throw std::runtime_error(path + " holds no records");
    const std::size_t total = lines.size();
    const std::size_t count = static_cast<std::size_t>(sourceCount);
    state.sources.resize(count);
    const std::string at = rfc3339(std::time(nullptr));
    for (std::size_t s = 0; s < count; ++s) {
        Source& source = state.sources[s];
        char origin[32];
        std::snprintf(origin, sizeof origin, "bench-%04zu", s + 1);
        source.origin = origin;
        source.epoch = randomHex(16);
        source.key = std::make_shared<const tweeling::common::SigningKey>(tweeling::common::SigningKey::generate());
        std::size_t begin = total * s / count, end = total * (s + 1) / count;
        source.entries.reserve(end - begin);
        for (std::size_t i = begin; i < end; ++i) {
            Json doc;
            if (auto error = tweeling::common::parseUntrusted(lines[i], doc))
                throw std::runtime_error(path + ": line " + std::to_string(i + 1) + " is not JSON: " + error->message);
            Entry entry;
            if (auto id = tweeling::common::stringMember(doc, "id")) entry.id = std::string(*id);
            tweeling::registry::record::normalizeForStorage(doc, source.origin);
            entry.seq = ++source.latest;
            makeFragment(entry, source, at, doc);
            source.bySeq.emplace(entry.seq, source.entries.size());
            source.entries.push_back(std::move(entry));
            std::string().swap(lines[i]);
        }
    }
}

std::string feedPage(State& state, std::size_t index, std::int64_t after, int limit) {
    std::shared_lock<std::shared_mutex> lock(state.mutex);
    const Source& source = state.sources[index];
    const std::string self = state.base + "/n/" + std::to_string(index + 1) + "/feed";
    std::string out;
    std::size_t estimate = 256;
    auto it = source.bySeq.upper_bound(after);
    {
        auto probe = it;
        for (int n = 0; n < limit && probe != source.bySeq.end(); ++n, ++probe)
            estimate += source.entries[probe->second].fragment.size() + 1;
    }
    out.reserve(estimate);
    out += "{\"epoch\":";
    appendEscaped(out, source.epoch);
    out += ",\"origin\":";
    appendEscaped(out, source.origin);
    out += ",\"publicKey\":";
    appendEscaped(out, source.key->publicKey().base64Url());
    out += ",\"latest\":";
    out += std::to_string(source.latest);
    out += ",\"entries\":[";
    std::int64_t last = after;
    int written = 0;
    for (; it != source.bySeq.end() && written < limit; ++it, ++written) {
        if (written) out += ',';
        out += source.entries[it->second].fragment;
        last = it->first;
    }
    out += "],\"next\":";
    if (last < source.latest && written > 0)
        appendEscaped(out, self + "?after=" + std::to_string(last) + "&limit=" + std::to_string(limit));
    else
        out += "null";
    out += ",\"links\":[{\"href\":";
    appendEscaped(out, self + "?after=" + std::to_string(after) + "&limit=" + std::to_string(limit));
    out += ",\"rel\":\"self\",\"type\":\"application/json\",\"title\":\"This page of the change feed\"}]}";
    state.feedPages.fetch_add(1);
    state.feedBytes.fetch_add(out.size());
    return out;
}

// Changes round(fraction × records) records chosen by a seeded shuffle (deterministic per round).
std::string mutate(State& state, double fraction) {
    std::unique_lock<std::shared_mutex> lock(state.mutex);
    ++state.mutations;
    std::vector<std::pair<std::size_t, std::size_t>> all;
    for (std::size_t s = 0; s < state.sources.size(); ++s)
        for (std::size_t e = 0; e < state.sources[s].entries.size(); ++e) all.emplace_back(s, e);
    std::size_t count = static_cast<std::size_t>(fraction * static_cast<double>(all.size()) + 0.5);
    count = std::min(count, all.size());
    std::mt19937_64 rng(1000 + state.mutations);
    for (std::size_t i = 0; i < count; ++i) {  // partial Fisher–Yates
        std::uniform_int_distribution<std::size_t> pick(i, all.size() - 1);
        std::swap(all[i], all[pick(rng)]);
    }
    std::sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count));  // seq order within a source
    const std::time_t now = std::time(nullptr) + static_cast<std::time_t>(state.mutations);
    const std::string at = rfc3339(now);
    const std::string suffix = " (herzien " + std::to_string(state.mutations) + ")";
    for (std::size_t i = 0; i < count; ++i) {
        Source& source = state.sources[all[i].first];
        Entry& entry = source.entries[all[i].second];
        std::string recordJson = entry.fragment.substr(entry.recordOffset, entry.fragment.size() - entry.recordOffset - 1);
        Json doc;
        if (tweeling::common::parseUntrusted(recordJson, doc)) continue;
        auto properties = doc.FindMember("properties");
        if (properties == doc.MemberEnd() || !properties->value.IsObject()) continue;
        auto& allocator = doc.GetAllocator();
        JsonValue& props = properties->value;
        if (auto title = props.FindMember("title"); title != props.MemberEnd() && title->value.IsString()) {
            std::string text = title->value.GetString();
            if (auto cut = text.find(" (herzien "); cut != std::string::npos) text.erase(cut);
            text += suffix;
            title->value.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), allocator);
        }
        if (auto updated = props.FindMember("updated"); updated != props.MemberEnd())
            updated->value.SetString(at.c_str(), static_cast<rapidjson::SizeType>(at.size()), allocator);
        else
            props.AddMember("updated", JsonValue(at.c_str(), allocator), allocator);
        source.bySeq.erase(entry.seq);
        entry.seq = ++source.latest;
        makeFragment(entry, source, at, doc);
        source.bySeq.emplace(entry.seq, all[i].second);
    }
    return "{\"changed\":" + std::to_string(count) + ",\"records\":" + std::to_string(all.size()) +
           ",\"round\":" + std::to_string(state.mutations) + "}";
}

std::string stats(State& state) {
    std::shared_lock<std::shared_mutex> lock(state.mutex);
    std::size_t records = 0;
    std::int64_t latest = 0;
    for (const auto& source : state.sources) {
        records += source.entries.size();
        latest += source.latest;
    }
    return "{\"sources\":" + std::to_string(state.sources.size()) + ",\"records\":" + std::to_string(records) +
           ",\"latestSum\":" + std::to_string(latest) + ",\"feedPages\":" + std::to_string(state.feedPages.load()) +
           ",\"feedBytes\":" + std::to_string(state.feedBytes.load()) + "}";
}

std::string problem(int status, const std::string& title, const std::string& detail) {
    std::string out = "{\"type\":\"about:blank\",\"title\":";
    appendEscaped(out, title);
    out += ",\"status\":" + std::to_string(status) + ",\"detail\":";
    appendEscaped(out, detail);
    out += '}';
    return out;
}

std::optional<long long> wholeNumber(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    for (unsigned char c : text)
        if (!std::isdigit(c)) return std::nullopt;
    return std::atoll(text.c_str());
}

class Handler : public Pistache::Http::Handler {
public:
    HTTP_PROTOTYPE(Handler)
    explicit Handler(std::shared_ptr<State> state) : m_state(std::move(state)) {}

    void onRequest(const Pistache::Http::Request& request, Pistache::Http::ResponseWriter writer) override {
        int status = 200;
        std::string body;
        std::string contentType = "application/json";
        try {
            route(request, status, body);
        } catch (const std::exception& error) {
            status = 500;
            body = problem(500, "Internal server error", error.what());
        }
        if (status >= 400) contentType = "application/problem+json";
        writer.headers().add<Pistache::Http::Header::ContentType>(Pistache::Http::Mime::MediaType::fromString(contentType));
        writer.send(static_cast<Pistache::Http::Code>(status), body);
    }

private:
    void route(const Pistache::Http::Request& request, int& status, std::string& body) {
        const std::string& path = request.resource();
        std::map<std::string, std::string> query;
        for (auto it = request.query().parameters_begin(); it != request.query().parameters_end(); ++it)
            query[it->first] = it->second;
        const bool get = request.method() == Pistache::Http::Method::Get;
        const bool post = request.method() == Pistache::Http::Method::Post;

        if (path.rfind("/n/", 0) == 0) {
            std::size_t slash = path.find('/', 3);
            std::string number = path.substr(3, slash == std::string::npos ? std::string::npos : slash - 3);
            std::string rest = slash == std::string::npos ? "" : path.substr(slash);
            auto index = wholeNumber(number);
            if (!index || *index < 1 || static_cast<std::size_t>(*index) > m_state->sources.size()) {
                status = 404;
                body = problem(404, "Not found", "no virtual node " + number);
                return;
            }
            if (!get) {
                status = 405;
                body = problem(405, "Method not allowed", "only GET");
                return;
            }
            if (rest == "/feed") {
                std::int64_t after = 0;
                int limit = 1000;
                if (auto it = query.find("after"); it != query.end()) {
                    auto value = wholeNumber(it->second);
                    if (!value) {
                        status = 400;
                        body = problem(400, "Invalid parameter", "after must be a whole number >= 0");
                        return;
                    }
                    after = *value;
                }
                if (auto it = query.find("limit"); it != query.end()) {
                    auto value = wholeNumber(it->second);
                    if (!value || *value < 1 || *value > 10000) {
                        status = 400;
                        body = problem(400, "Invalid parameter", "limit must be from 1 to 10000");
                        return;
                    }
                    limit = static_cast<int>(*value);
                }
                body = feedPage(*m_state, static_cast<std::size_t>(*index - 1), after, limit);
                return;
            }
            if (rest == "/.well-known/tweeling.json") {
                const Source& source = m_state->sources[*index - 1];
                body = "{\"nodeId\":\"" + source.origin + "\",\"kind\":\"node\",\"publicKey\":\"" +
                       source.key->publicKey().base64Url() + "\",\"keyRotations\":[]}";
                return;
            }
            if (rest == "/health" || rest == "/health/") {
                body = "{\"status\":\"ok\",\"nodeId\":\"" + m_state->sources[*index - 1].origin + "\"}";
                return;
            }
            status = 404;
            body = problem(404, "Not found", "a virtual node serves only /feed and /health");
            return;
        }
        if (path == "/health" && get) {
            body = "{\"status\":\"ok\"}";
            return;
        }
        if (path == "/admin/keys" && get) {
            // "N KEY" per virtual node, so bench/run.sh pins every source's key as an operator would.
            std::shared_lock<std::shared_mutex> lock(m_state->mutex);
            for (std::size_t i = 0; i < m_state->sources.size(); ++i)
                body += std::to_string(i + 1) + " " + m_state->sources[i].key->publicKey().base64Url() + "\n";
            return;
        }
        if (path == "/admin/stats" && get) {
            body = stats(*m_state);
            return;
        }
        if (path == "/admin/mutate" && post) {
            double fraction = 0.01;
            if (auto it = query.find("fraction"); it != query.end()) {
                char* end = nullptr;
                fraction = std::strtod(it->second.c_str(), &end);
                if (end == it->second.c_str() || *end != '\0' || !(fraction >= 0.0 && fraction <= 1.0)) {
                    status = 400;
                    body = problem(400, "Invalid parameter", "fraction must be from 0 to 1");
                    return;
                }
            }
            body = mutate(*m_state, fraction);
            return;
        }
        status = 404;
        body = problem(404, "Not found", "unknown path " + path);
    }

    std::shared_ptr<State> m_state;
};

std::atomic<bool> g_stop{false};
void onSignal(int) { g_stop.store(true); }

int usage(const char* message) {
    if (message) std::cerr << "tweeling-bench-feed-server: " << message << "\n";
    std::cerr << "usage: tweeling-bench-feed-server --data FILE.ndjson [--sources 400] [--listen 127.0.0.1:0] "
                 "[--threads 2]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string data, listen = "127.0.0.1:0";
    int sources = 400, threads = 2;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
            return argv[++i];
        };
        try {
            if (arg == "--data") data = value();
            else if (arg == "--sources") sources = std::stoi(value());
            else if (arg == "--listen") listen = value();
            else if (arg == "--threads") threads = std::stoi(value());
            else if (arg == "--help" || arg == "-h") return usage(nullptr), 0;
            else return usage(("unknown option " + arg).c_str());
        } catch (const std::exception& error) {
            return usage(error.what());
        }
    }
    if (data.empty()) return usage("--data is required");
    if (sources < 1 || threads < 1) return usage("--sources and --threads must be at least 1");
    std::size_t colon = listen.rfind(':');
    if (colon == std::string::npos) return usage("--listen must be HOST:PORT");
    std::string host = listen.substr(0, colon);
    int port = std::atoi(listen.c_str() + colon + 1);

    auto state = std::make_shared<State>();
    try {
        auto started = std::chrono::steady_clock::now();
        load(*state, data, sources);
        std::size_t records = 0;
        for (const auto& source : state->sources) records += source.entries.size();
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::cerr << "{\"message\":\"loaded " << records << " records into " << sources << " virtual nodes in "
                  << seconds << " s\"}" << std::endl;
    } catch (const std::exception& error) {
        std::cerr << "tweeling-bench-feed-server: " << error.what() << "\n";
        return 1;
    }

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGPIPE, SIG_IGN);
    Pistache::Address address(host, Pistache::Port(static_cast<std::uint16_t>(port)));
    Pistache::Http::Endpoint endpoint(address);
    endpoint.init(Pistache::Http::Endpoint::options()
                      .threads(threads)
                      .flags(Pistache::Tcp::Options::ReuseAddr)
                      .maxRequestSize(64 * 1024));
    endpoint.setHandler(std::make_shared<Handler>(state));
    endpoint.serveThreaded();
    state->base = "http://" + host + ":" + std::to_string(static_cast<std::uint16_t>(endpoint.getPort()));
    std::cerr << "{\"message\":\"listening on " << state->base << "\"}" << std::endl;
    while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    endpoint.shutdown();
    return 0;
}
