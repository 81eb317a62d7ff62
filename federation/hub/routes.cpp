#include "hub/routes.hpp"

#include "api/errors.hpp"
#include "api/html.hpp"
#include "api/http_helpers.hpp"
#include "hub/assembly.hpp"
#include "hub/pages.hpp"
#include "common/json.hpp"
#include "common/time.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <map>
#include <mutex>

namespace tweeling::federation::hub {

using registry::api::ApiError;
namespace problem = registry::api::problem;
using registry::api::Request;
using registry::api::Response;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

namespace {

void text(Writer& writer, const char* name, const std::string& value) {
    writer.Key(name);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void optionalText(Writer& writer, const char* name, const std::optional<std::string>& value) {
    writer.Key(name);
    if (value)
        writer.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
    else
        writer.Null();
}

void link(Writer& writer, const std::string& href, const char* rel, const char* title) {
    writer.StartObject();
    text(writer, "href", href);
    text(writer, "rel", rel);
    text(writer, "type", "application/json");
    text(writer, "title", title);
    writer.EndObject();
}

void writeSource(Writer& writer, const SourceState& state, const std::string& base, const KeyRing* keys) {
    const std::string url = base + "/sources/" + state.config.id;
    writer.StartObject();
    text(writer, "id", state.config.id);
    text(writer, "kind", kindName(state.config.kind));
    text(writer, "url", state.config.url);
    writer.Key("everySeconds");
    writer.Int64(state.config.everySeconds);
    text(writer, "state", state.state);
    text(writer, "added", state.added);
    optionalText(writer, "lastAttempt", state.lastAttempt);
    optionalText(writer, "lastSuccess", state.lastSuccess);
    optionalText(writer, "lastError", state.lastError);
    text(writer, "nextHarvest", state.nextHarvest == 0 ? common::nowRfc3339() : common::formatRfc3339(state.nextHarvest));
    writer.Key("consecutiveFailures");
    writer.Int(state.consecutiveFailures);
    writer.Key("recordsHeld");
    writer.Int64(state.recordsHeld);
    writer.Key("recordsRejected");
    writer.Int64(state.recordsRejected);
    writer.Key("pendingDeletions");
    writer.Int64(state.pendingDeletions);
    if (state.config.kind == SourceKind::Tweeling) {
        text(writer, "epoch", state.epoch);
        writer.Key("cursor");
        writer.Int64(state.cursor);
    }
    writer.Key("maxDeleteFraction");
    writer.Double(state.config.maxDeleteFraction);
    writer.Key("allowPrivate");
    writer.Bool(state.config.allowPrivate);
    optionalText(writer, "tlsPin",
                 state.config.tlsPin.empty() ? std::nullopt : std::optional<std::string>(state.config.tlsPin));
    if (keys) {
        // The keys pinned for the origins met through this source, with the signed rotations
        // followed: a hub harvesting this one learns them here (README, "Signed records").
        writer.Key("origins");
        writer.StartArray();
        for (const OriginKey& key : keys->learnedVia(state.config.id)) {
            if (key.state == "retired") continue;
            writer.StartObject();
            text(writer, "origin", key.origin);
            text(writer, "publicKey", key.publicKey);
            text(writer, "state", key.state);
            text(writer, "since", key.since);
            writer.Key("keyRotations");
            std::string rotations = keys->rotationsOf(key.origin);
            writer.RawValue(rotations.c_str(), rotations.size(), rapidjson::kArrayType);
            writer.EndObject();
        }
        writer.EndArray();
    }
    writer.Key("links");
    writer.StartArray();
    link(writer, url, "self", "This source");
    link(writer, url + "/reports/latest", "describedby", "The report of its last harvest");
    writer.StartObject();
    text(writer, "href", base + "/collections/twins/items?source=" + state.config.id);
    text(writer, "rel", "items");
    text(writer, "type", "application/geo+json");
    text(writer, "title", "The records harvested from it");
    writer.EndObject();
    writer.EndArray();
    writer.EndObject();
}

Response json(int status, const std::string& body) {
    Response response;
    response.status = status;
    response.contentType = "application/json";
    response.body = body;
    return response;
}

}  // namespace

std::string sourceJson(const SourceState& state, const std::string& base, const KeyRing* keys) {
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writeSource(writer, state, base, keys);
    return std::string(buffer.GetString(), buffer.GetSize());
}

struct HubRoutes::Private {
    SourceRegistry& sources;
    registry::store::Store& store;
    std::function<void()> wake;
    KeyRing keys;
    const registry::api::Api* api = nullptr;  // set by install()
    const AssetProber* prober = nullptr;
    std::unique_ptr<TwinAssembly> assembly;

    // Source states for marking stale records, refreshed at most every two seconds.
    std::mutex cacheMutex;
    std::chrono::steady_clock::time_point cacheTime;
    std::map<std::string, std::pair<std::string, std::optional<std::string>>> cache;  // id -> state, lastSuccess

    Private(SourceRegistry& registry, registry::store::Store& recordStore, std::function<void()> wakeUp)
        : sources(registry), store(recordStore), wake(std::move(wakeUp)), keys(recordStore) {}

    void requireAdmin(const Request& request) {
        static const registry::api::BearerChallenge kAdmin{
            "tweeling-hub", "Managing sources needs an admin key: send 'Authorization: Bearer <key>'",
            "The key is unknown, revoked or expired"};
        auto key = registry::api::authenticateBearer(request, store, kAdmin);
        if (key.publisher != kAdminPublisher)
            throw ApiError(problem::kForbidden, "This is a publisher key; managing sources needs an admin key "
                                             "(twin-federation keys create --admin)");
        // Admin writes count against the same per-key rate limit as publishing on a node.
        if (api) api->admitWrite(key.keyId);
    }

    std::optional<Response> handle(const Request& request, const std::string& base) {
        // Split on the raw path, as the node's routes are: an encoded "/" stays inside its segment.
        auto segments = registry::api::pathSegments(request);
        const std::string& method = request.method;
        bool isGet = method == "GET" || method == "HEAD";
        auto notAllowed = [&](const char* allowed) { return registry::api::methodNotAllowed(method, allowed); };
        if (assembly) {
            if (auto response = assembly->handle(request, base, segments)) return response;
            if (segments.size() == 1 && segments[0] == "twin") {
                if (!isGet) throw notAllowed("GET, HEAD");
                return twinPage(request, registry::api::html::shell(*api, base));
            }
        }
        if (segments.empty() || segments[0] != "sources") return std::nullopt;
        // Only f (and lang, the web UI's, on a page): another parameter is a 400 naming it, as on a node.
        if (registry::api::html::wanted(request))
            registry::api::detail::checkParameters(request, {"lang"});
        else
            registry::api::detail::checkParameters(request, {});
        if (segments.size() == 1) {
            if (isGet) return page(request, base, list(base), sourcesPage);
            if (method == "POST") return add(request, base);
            throw notAllowed("GET, HEAD, POST");
        }
        const std::string& id = segments[1];
        if (segments.size() == 2) {
            if (isGet) return page(request, base, one(id, base), sourcePage);
            if (method == "DELETE") return removeSource(request, id);
            throw notAllowed("GET, HEAD, DELETE");
        }
        if (segments.size() == 3 && segments[2] == "harvest") {
            if (method != "POST") throw notAllowed("POST");
            requireAdmin(request);
            if (!sources.queue(id)) throw ApiError(problem::kSourceNotFound, "There is no source '" + id + "'");
            if (wake) wake();
            return json(202, "{\"source\":\"" + id + "\",\"queued\":true}");
        }
        if (segments.size() == 4 && segments[2] == "reports" && segments[3] == "latest") {
            if (!isGet) throw notAllowed("GET, HEAD");
            if (!sources.get(id)) throw ApiError(problem::kSourceNotFound, "There is no source '" + id + "'");
            auto report = sources.latestReport(id);
            if (!report) throw ApiError(problem::kNoReportYet, "Source '" + id + "' has not been harvested yet");
            return json(200, prober ? withProbes(*report, prober->quality(id)) : *report);
        }
        throw ApiError(problem::kNotFound, "There is nothing at " + request.path);
    }

    // A browser (f=html, or an Accept that prefers HTML: the registry's rule) gets the page of the JSON.
    Response page(const Request& request, const std::string& base, Response json,
                  Response (*render)(const std::string&, const registry::api::html::Shell&)) {
        if (registry::api::html::wanted(request)) return render(json.body, registry::api::html::shell(*api, base));
        json.headers.emplace_back("Vary", "Accept");
        return json;
    }

    Response list(const std::string& base) {
        rapidjson::StringBuffer buffer;
        Writer writer(buffer);
        writer.StartObject();
        writer.Key("sources");
        writer.StartArray();
        for (const auto& state : sources.list()) writeSource(writer, state, base, &keys);
        writer.EndArray();
        writer.Key("links");
        writer.StartArray();
        link(writer, base + "/sources", "self", "The sources this hub federates");
        writer.EndArray();
        writer.EndObject();
        return json(200, std::string(buffer.GetString(), buffer.GetSize()));
    }

    Response one(const std::string& id, const std::string& base) {
        auto state = sources.get(id);
        if (!state) throw ApiError(problem::kSourceNotFound, "There is no source '" + id + "'");
        std::string body = sourceJson(*state, base, &keys);
        if (prober) {
            // The quality of the source's records as its probes found it, for a province to see
            // which municipality to help.
            common::Json doc;
            doc.Parse(body.c_str(), body.size());
            doc.AddMember("quality", qualityJson(prober->quality(id), doc.GetAllocator()), doc.GetAllocator());
            body = common::toString(doc);
        }
        return json(200, body);
    }

    // The latest harvest report with the latest probes of the source's records.
    static std::string withProbes(const std::string& report, const SourceQuality& quality) {
        common::Json doc;
        doc.Parse(report.c_str(), report.size());
        if (doc.HasParseError() || !doc.IsObject()) return report;
        doc.RemoveMember("probes");
        doc.AddMember("probes", qualityJson(quality, doc.GetAllocator()), doc.GetAllocator());
        return common::toString(doc);
    }

    Response add(const Request& request, const std::string& base) {
        requireAdmin(request);
        registry::api::requireJsonBody(request);
        common::Json body;
        if (auto error = common::parseUntrusted(request.body, body)) {
            ApiError problem(problem::kMalformedJson,
                             "The body is not valid JSON at byte " + std::to_string(error->offset) + ": " + error->message);
            problem.extra("offset", static_cast<long long>(error->offset));
            // A duplicate member or a string that is not UTF-8 is named by its pointer, as on a node.
            if (error->pointer) problem.problems({{*error->pointer, error->message}});
            throw problem;
        }
        if (!body.IsObject())
            throw std::move(ApiError(problem::kInvalidSource, "The body must be a JSON object")
                                .problems({{"", "must be a JSON object ({\"id\": ..., \"url\": ...})"}}));
        SourceConfig config;
        auto field = [&](const char* name) { return common::stringMember(body, name); };
        auto bad = [&](const std::string& pointer, const std::string& message) {
            return std::move(ApiError(problem::kInvalidSource, pointer + ": " + message).problems({{pointer, message}}));
        };
        if (auto id = field("id")) config.id = std::string(*id);
        if (auto url = field("url")) config.url = std::string(*url);
        // A kind that is not a string was once ignored, and the source added as the default kind.
        if (const auto* kind = common::member(body, "kind"); kind && !kind->IsString())
            throw bad("/kind", "must be 'tweeling', 'ogcapi-records', 'ckan', 'csw' or 'dcat'");
        if (auto kind = field("kind")) {
            auto parsed = parseKind(std::string(*kind));
            if (!parsed) throw bad("/kind", "must be 'tweeling', 'ogcapi-records', 'ckan', 'csw' or 'dcat'");
            config.kind = *parsed;
        }
        if (const auto* every = common::member(body, "every")) {
            std::optional<std::int64_t> seconds;
            if (every->IsString()) seconds = parseDuration(every->GetString());
            if (every->IsInt64()) seconds = every->GetInt64();
            if (!seconds) throw bad("/every", "must be a duration such as '15m', '1h' or a number of seconds");
            config.everySeconds = *seconds;
        }
        if (const auto* fraction = common::member(body, "maxDeleteFraction")) {
            if (!fraction->IsNumber()) throw bad("/maxDeleteFraction", "must be a number from 0 to 1");
            config.maxDeleteFraction = fraction->GetDouble();
        }
        if (const auto* timeout = common::member(body, "totalTimeoutMs")) {
            if (!timeout->IsInt64()) throw bad("/totalTimeoutMs", "must be a whole number of milliseconds");
            config.totalTimeoutMs = static_cast<long>(timeout->GetInt64());
        }
        if (const auto* timeout = common::member(body, "connectTimeoutMs")) {
            if (!timeout->IsInt64()) throw bad("/connectTimeoutMs", "must be a whole number of milliseconds");
            config.connectTimeoutMs = static_cast<long>(timeout->GetInt64());
        }
        if (const auto* allowPrivate = common::member(body, "allowPrivate")) {
            if (!allowPrivate->IsBool()) throw bad("/allowPrivate", "must be true or false");
            config.allowPrivate = allowPrivate->GetBool();
        }
        if (const auto* pin = common::member(body, "tlsPin")) {
            if (!pin->IsString() && !pin->IsNull()) throw bad("/tlsPin", "must be a string such as 'sha256//…' or null");
            if (pin->IsString()) config.tlsPin = pin->GetString();
        }
        std::string publicKey;
        if (const auto* key = common::member(body, "publicKey")) {
            if (!key->IsString()) throw bad("/publicKey", "must be the source's Ed25519 key in base64url (43 characters)");
            publicKey = key->GetString();
            try {
                common::PublicKey::fromBase64Url(publicKey);
            } catch (const common::SignatureError& error) {
                throw bad("/publicKey", error.what());
            }
        }
        if (auto problem = validateConfig(config)) {
            std::string pointer = "/" + problem->substr(0, problem->find(':'));
            throw bad(pointer, problem->substr(problem->find(':') + 2));
        }
        if (sources.get(config.id))
            throw std::move(ApiError(problem::kConflict, "A source with id '" + config.id + "' exists already")
                                .header("Location", base + "/sources/" + config.id));
        sources.add(config);
        if (!publicKey.empty()) keys.pinForSource(config.id, publicKey);
        if (wake) wake();
        Response response = json(201, sourceJson(*sources.get(config.id), base, &keys));
        response.headers.emplace_back("Location", base + "/sources/" + config.id);
        return response;
    }

    Response removeSource(const Request& request, const std::string& id) {
        requireAdmin(request);
        if (!sources.remove(id)) throw ApiError(problem::kSourceNotFound, "There is no source '" + id + "'");
        keys.forgetSource(id);
        Response response;
        response.status = 204;
        response.contentType.clear();
        return response;
    }

    void decorate(common::Json& record, const std::string& source) {
        if (source.empty()) return;
        std::pair<std::string, std::optional<std::string>> state;
        {
            std::lock_guard<std::mutex> lock(cacheMutex);
            auto now = std::chrono::steady_clock::now();
            if (now - cacheTime > std::chrono::seconds(2)) {
                cache.clear();
                for (const auto& each : sources.list()) cache[each.config.id] = {each.state, each.lastSuccess};
                cacheTime = now;
            }
            auto it = cache.find(source);
            if (it == cache.end()) return;
            state = it->second;
        }
        if (state.first != "down") return;
        auto harvest = record.FindMember("harvest");
        if (harvest == record.MemberEnd() || !harvest->value.IsObject()) return;
        auto& allocator = record.GetAllocator();
        harvest->value.AddMember("stale", true, allocator);
        if (state.second)
            harvest->value.AddMember("lastSuccess", common::JsonValue(state.second->c_str(), allocator), allocator);
    }
};

HubRoutes::HubRoutes(SourceRegistry& sources, registry::store::Store& store, std::function<void()> wake,
                     const AssetProber* prober)
    : m_private(std::make_shared<Private>(sources, store, std::move(wake))) {
    m_private->prober = prober;
    if (prober) m_private->assembly = std::make_unique<TwinAssembly>(store, *prober);
}

HubRoutes::~HubRoutes() = default;

void HubRoutes::install(registry::api::Api& api) {
    auto self = m_private;
    self->api = &api;
    api.setRouteExtension([self](const Request& request, const std::string& base) { return self->handle(request, base); });
    api.setRecordDecorator([self](common::Json& record, const std::string& source) { self->decorate(record, source); });
    if (self->assembly)
        api.setExtraCollections([self](const std::string& base) { return self->assembly->collections(base); });
}

}  // namespace tweeling::federation::hub
