// The change feed (/feed) that hubs harvest.
#include "api/api_internal.hpp"


#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace tweeling::registry::api {

using namespace detail;

Response Api::feed(const Request& request, const Context& context) const {
    checkParameters(request, {"after", "limit"});
    std::int64_t after = 0;
    int limit = 1000;
    auto number = [&](const char* name, long long max) -> std::optional<long long> {
        auto it = request.query.find(name);
        if (it == request.query.end()) return std::nullopt;
        const std::string& text = it->second;
        bool ok = !text.empty() && text.size() <= 18 &&
                  std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
        if (!ok) throw badParameter(name, "must be a whole number ≥ 0, got '" + text + "'");
        long long value = std::atoll(text.c_str());
        if (max > 0 && (value < 1 || value > max))
            throw badParameter(name, "must be from 1 to " + std::to_string(max) + ", got '" + text + "'");
        return value;
    };
    if (auto value = number("after", 0)) after = *value;
    if (auto value = number("limit", 10000)) limit = static_cast<int>(*value);

    // Bounded in bytes as well as in entries, so that a page of large records stays far below the
    // fetch cap of the hubs that harvest it; `next` continues after the last entry served.
    store::FeedPage page = m_store.feed(after, limit, m_options.feedPageBytes);
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    member(writer, "epoch", page.epoch);
    member(writer, "origin", page.origin);
    if (auto signer = m_store.signingKey()) member(writer, "publicKey", signer->publicKey().base64Url());
    key(writer, "latest");
    writer.Int64(page.latest);
    key(writer, "entries");
    writer.StartArray();
    std::int64_t last = after;
    for (const auto& entry : page.entries) {
        writer.StartObject();
        key(writer, "seq");
        writer.Int64(entry.seq);
        member(writer, "op", entry.op);
        member(writer, "id", entry.id);
        member(writer, "origin", entry.origin);
        member(writer, "at", entry.at);
        if (!entry.deletedAt.empty()) member(writer, "updated", entry.deletedAt);
        if (!entry.signature.empty()) member(writer, "signature", entry.signature);
        if (entry.json) {
            key(writer, "record");
            writer.RawValue(entry.json->c_str(), entry.json->size(), rapidjson::kObjectType);
        }
        writer.EndObject();
        last = entry.seq;
    }
    writer.EndArray();
    key(writer, "next");
    if (last < page.latest && !page.entries.empty())
        string(writer, context.base + "/feed?after=" + std::to_string(last) + "&limit=" + std::to_string(limit));
    else
        writer.Null();
    key(writer, "links");
    writer.StartArray();
    link(writer, context.base + "/feed?after=" + std::to_string(after) + "&limit=" + std::to_string(limit), "self",
         kJson, "This page of the change feed");
    writer.EndArray();
    writer.EndObject();
    return jsonResponse(200, buffer);
}

}  // namespace tweeling::registry::api
