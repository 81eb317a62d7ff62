// One record: reading it (also as DCAT-AP), publishing (POST, PUT) and deleting it.
#include "api/api_internal.hpp"

#include "api/crs_negotiation.hpp"
#include "api/http_helpers.hpp"
#include "api/ingest.hpp"
#include "common/json.hpp"
#include "common/text.hpp"

#include <openssl/rand.h>

#include <cstdio>

namespace tweeling::registry::api {

using namespace detail;

namespace {

std::string uuid4() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
    char text[37];
    std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                  bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                  bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
    return text;
}


}  // namespace

// Adds the per-response navigation links (self, alternate, collection) in front of a stored record's
// links and writes it. Stored records never hold navigation links (normalizeForStorage strips them).
void Api::writeRecord(Writer& writer, const std::string& storedJson, const std::string& source,
                      const std::string& key, const Context& context, const std::string& signature,
                      bool verified, const OfferedCrs* crs) const {
    // Parsed in place, in a copy: its strings are not copied again one by one (a tenth of a search
    // page's CPU went to that). The copy outlives `doc`, whose strings point into it.
    std::string text;
    common::Json doc;
    if (!common::parseTrustedInPlace(storedJson, text, doc) || !doc.IsObject()) {
        writer.RawValue(storedJson.c_str(), storedJson.size(), rapidjson::kObjectType);
        return;
    }
    std::string itemUrl = context.itemUrl(key);
    auto& allocator = doc.GetAllocator();
    common::JsonValue links(rapidjson::kArrayType);
    auto addLink = [&](const std::string& href, const char* rel, const char* type, const char* title) {
        common::JsonValue linkValue(rapidjson::kObjectType);
        linkValue.AddMember("href", common::JsonValue(href.c_str(), allocator), allocator);
        linkValue.AddMember("rel", common::JsonValue(rel, allocator), allocator);
        linkValue.AddMember("type", common::JsonValue(type, allocator), allocator);
        linkValue.AddMember("title", common::JsonValue(title, allocator), allocator);
        links.PushBack(linkValue, allocator);
    };
    addLink(itemUrl, "self", kGeoJson, "This record");
    addLink(itemUrl + "?f=json", "alternate", kJson, "This record as JSON");
    addLink(context.collectionUrl(), "collection", kJson, "The catalog this record belongs to");
    auto existing = doc.FindMember("links");
    if (existing != doc.MemberEnd()) {
        if (existing->value.IsArray())
            for (auto& value : existing->value.GetArray()) links.PushBack(value, allocator);
        existing->value = links;  // a "links" that is not an array is replaced, never doubled
    } else {
        doc.AddMember("links", links, allocator);
    }
    // EraseMember keeps the other members' order (RemoveMember moves the last one into the hole).
    if (doc.HasMember("signature")) doc.EraseMember("signature");
    if (doc.HasMember("verified")) doc.EraseMember("verified");
    if (!signature.empty()) doc.AddMember("signature", common::JsonValue(signature.c_str(), allocator), allocator);
    doc.AddMember("verified", verified, allocator);
    if (crs) recordToCrs(doc, allocator, *crs);  // the response only: the stored record stays as signed
    if (m_decorator) m_decorator(doc, source);
    doc.Accept(writer);
}

Response Api::item(const Request& request, const Context& context, const std::string& key) const {
    checkParameters(request, {"crs"});
    std::optional<dcat::Format> dcatFormat = negotiatedDcat(request);
    const OfferedCrs& crs = responseCrs(request, dcatFormat.has_value());
    // On a hub the item key is origin:id; the record's own id works too when only one origin uses it.
    auto stored = m_store.find(key);
    if (!stored) throw ApiError(problem::kRecordNotFound, "There is no record with id '" + key + "'");
    // Each representation has its own strong ETag (RFC 9110 §8.8.3), each CRS too.
    std::string etag = "\"" + recordTag(*stored) +
                       (dcatFormat ? std::string("-") + dcat::formatParameter(*dcatFormat) : "") + crsTagSuffix(crs) +
                       "\"";
    Response response;
    response.headers.emplace_back("ETag", etag);
    if (!dcatFormat) response.headers.emplace_back("Content-Crs", contentCrs(crs));
    response.headers.emplace_back("Vary", "Accept");
    if (etagMatches(request.header("if-none-match"), etag, true)) {
        response.status = 304;
        response.contentType.clear();
        return response;
    }
    if (dcatFormat) {
        common::Json doc;
        doc.Parse(stored->json.c_str(), stored->json.size());
        if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("stored record " + key + " is not a JSON object");
        if (m_decorator) m_decorator(doc, stored->source);
        response.status = 200;
        response.contentType = dcat::mediaType(*dcatFormat);
        response.body = dcat::record(*dcatFormat, dcatCatalogInfo(m_options, context.base), {&doc, context.itemUrl(stored->key)});
        return response;
    }
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writeRecord(writer, stored->json, stored->source, stored->key, context, stored->signature, stored->verified, &crs);
    bool plainJson = request.query.count("f") && request.query.at("f") == "json";
    response.status = 200;
    response.contentType = plainJson ? kJson : kGeoJson;
    response.body = bufferText(buffer);
    return response;
}

namespace {

// The body of a publish: a JSON object, or a 400 (with the byte offset, or the pointer of a duplicate
// member or non-UTF-8 string).
void parseRecordBody(const std::string& body, common::Json& doc) {
    if (auto error = common::parseUntrusted(body, doc)) {
        ApiError problem(problem::kMalformedJson,
                         "The body is not valid JSON at byte " + std::to_string(error->offset) + ": " + error->message);
        problem.extra("offset", static_cast<long long>(error->offset));
        if (error->pointer) problem.problems({{*error->pointer, error->message}});
        throw problem;
    }
    if (!doc.IsObject())
        throw std::move(ApiError(problem::kInvalidRecord, "The body must be a JSON object (a GeoJSON Feature)")
                            .problems({{"", "must be a JSON object (a GeoJSON Feature)"}}));
}

// The id: from the path for PUT (the body may omit it, or must agree), made up for POST without one.
// Set in `doc` when the body had none.
std::string recordId(common::Json& doc, const std::string* pathKey) {
    std::string id;
    auto bodyId = common::stringMember(doc, "id");
    if (pathKey) {
        if (bodyId && *bodyId != *pathKey)
            throw std::move(ApiError(problem::kInvalidRecord,
                                     "The record's id '" + std::string(*bodyId) + "' differs from the id in the path '" +
                                         *pathKey + "'")
                                .problems({{"/id", "must equal the id in the path ('" + *pathKey + "')"}}));
        id = *pathKey;
    } else if (bodyId) {
        id = std::string(*bodyId);
    } else if (!common::member(doc, "id")) {
        id = uuid4();
    }
    if (!id.empty() && !common::member(doc, "id"))
        // With its length: a NUL in the path's id (%00) would otherwise end it there, and the record
        // be validated and stored as another id ("a%00b" as "a"). Whole, the profile refuses it.
        doc.AddMember("id",
                      common::JsonValue(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), doc.GetAllocator()),
                      doc.GetAllocator());
    return id;
}

store::KeyInfo authenticate(const Request& request, const store::Store& store) {
    static const BearerChallenge kPublisher{"tweeling",
                                            "Publishing needs a publisher key: send 'Authorization: Bearer <key>'",
                                            "The publisher key is unknown, revoked or expired"};
    return authenticateBearer(request, store, kPublisher);
}

std::string publisherOf(const common::JsonValue& record) {
    const common::JsonValue* properties = common::member(record, "properties");
    if (!properties) return "";
    const common::JsonValue* publisher = common::member(*properties, "publisher");
    if (!publisher) return "";
    auto id = common::stringMember(*publisher, "id");
    return id ? std::string(*id) : "";
}

}  // namespace

std::optional<Response> Api::admit(Request& head) const {
    const std::string& method = head.method;
    if (!m_options.publishing || (method != "POST" && method != "PUT" && method != "DELETE")) return std::nullopt;
    Request unversioned;
    unversioned.rawPath = withoutVersionPath(head.rawPath).value_or(head.rawPath);
    std::vector<std::string> segments;
    try {
        segments = pathSegments(unversioned);
    } catch (const ApiError&) {
        return std::nullopt;  // handle() answers for the path
    }
    // The publishing routes of route(): POST .../items, PUT and DELETE .../items/{id}.
    const bool items = segments.size() >= 3 && segments[0] == "collections" && segments[1] == kCollectionId &&
                       segments[2] == "items";
    const bool write = items && ((segments.size() == 3 && method == "POST") ||
                                 (segments.size() == 4 && (method == "PUT" || method == "DELETE")));
    if (!write) return std::nullopt;
    try {
        store::KeyInfo keyInfo = authenticate(head, m_store);
        if (m_writeAdmission) m_writeAdmission(keyInfo.keyId);
        head.writeAdmitted = true;
        return std::nullopt;
    } catch (const ApiError& error) {
        return problemResponse(error.type(), error.detail(), head.rawPath, &error);
    }
}

Response Api::publish(const Request& request, const Context& context, const std::string* pathKey) const {
    store::KeyInfo keyInfo = authenticate(request, m_store);
    if (m_writeAdmission && !request.writeAdmitted) m_writeAdmission(keyInfo.keyId);

    requireJsonBody(request, "application/geo+json");
    if (request.body.size() > m_options.maxBodyBytes)
        throw ApiError(problem::kRecordTooLarge,
                       "A record may be at most " + std::to_string(m_options.maxBodyBytes) + " bytes; this one is " +
                           std::to_string(request.body.size()));

    common::Json doc;
    parseRecordBody(request.body, doc);

    std::string id = recordId(doc, pathKey);

    const std::string& origin = m_options.nodeId;
    IngestPolicy policy;
    policy.origin = origin;
    Prepared prepared = prepare(doc, m_profile, policy);
    if (prepared.tooLarge)
        throw std::move(
            ApiError(problem::kRecordTooLarge, prepared.problems.front().message).problems(prepared.problems));
    if (!prepared.put) {
        const auto& problems = prepared.problems;
        std::string detail = "The record does not follow the twin record profile (" +
                             std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems") +
                             "): " + problems.front().pointer + " " + problems.front().message;
        throw std::move(ApiError(problem::kInvalidRecord, detail).problems(problems));
    }
    std::string publisher = publisherOf(doc);
    if (publisher != keyInfo.publisher)
        throw ApiError(problem::kForbidden,
                       "This key publishes for " + keyInfo.publisher + " and may not publish a record of " +
                           (publisher.empty() ? std::string("no publisher") : publisher));

    // Ownership, If-Match and If-None-Match are checked by the store inside the write transaction:
    // checked before it, two clients doing read-modify-write could both pass and one change be lost.
    store::WriteCondition condition;
    if (pathKey) {
        condition.owner = keyInfo.publisher;
        condition.ifMatch = preconditionTags(request, "if-match");
        condition.ifNoneMatch = preconditionTags(request, "if-none-match");
    } else {
        condition.ifNoneMatch = std::vector<std::string>{"*"};  // POST creates, never replaces
    }
    store::ConditionalOutcome outcome = m_store.putIf(*prepared.put, condition);
    std::string key = m_store.itemKey(origin, id);
    if (outcome.refusal == store::Refusal::NotOwner)
        throw ApiError(problem::kForbidden,
                       "The record '" + id + "' belongs to " + outcome.heldOwner + "; this key publishes for " +
                           keyInfo.publisher);
    if (outcome.refusal == store::Refusal::PreconditionFailed) {
        if (!pathKey)
            throw std::move(
                ApiError(problem::kConflict,
                         "A record with id '" + id + "' exists already; replace it with PUT " + context.itemUrl(key))
                    .header("Location", context.itemUrl(key)));
        throw preconditionFailed(request, outcome.held, id);
    }

    Response response;
    response.status = outcome.put == store::PutOutcome::Created ? 201 : 200;
    response.contentType = kGeoJson;
    response.headers.emplace_back("Location", context.itemUrl(key));
    // The record as this write left it, with its own entity tag: read back later, it could already
    // be another client's newer version, whose tag would let this client overwrite what it never saw.
    response.headers.emplace_back("ETag", "\"" + store::entityTag(outcome.hash, outcome.signature) + "\"");
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writeRecord(writer, prepared.put->json, prepared.put->source, key, context, outcome.signature, outcome.verified);
    response.body = bufferText(buffer);
    return response;
}

Response Api::remove(const Request& request, const Context& /*context*/, const std::string& key) const {
    store::KeyInfo keyInfo = authenticate(request, m_store);
    if (m_writeAdmission && !request.writeAdmitted) m_writeAdmission(keyInfo.keyId);
    // The key names one origin and id for good; whether the record is still held, whose it is and
    // its preconditions are checked inside the delete's transaction.
    auto existing = m_store.get(key);
    if (!existing) throw ApiError(problem::kRecordNotFound, "There is no record with id '" + key + "'");
    store::WriteCondition condition;
    condition.owner = keyInfo.publisher;
    condition.ifMatch = preconditionTags(request, "if-match");
    condition.ifNoneMatch = preconditionTags(request, "if-none-match");
    store::ConditionalOutcome outcome = m_store.removeIf(existing->origin, existing->id, condition);
    if (outcome.refusal == store::Refusal::NotOwner)
        throw ApiError(problem::kForbidden,
                       "The record '" + key + "' belongs to " + outcome.heldOwner + "; this key publishes for " +
                           keyInfo.publisher);
    if (outcome.refusal == store::Refusal::PreconditionFailed) throw preconditionFailed(request, outcome.held, key);
    if (!outcome.removed) throw ApiError(problem::kRecordNotFound, "There is no record with id '" + key + "'");
    Response response;
    response.status = 204;
    response.contentType.clear();
    return response;
}

}  // namespace tweeling::registry::api
