#include "hub/asset_verdict.hpp"

#include "common/text.hpp"
#include "common/time.hpp"
#include "probe/claims.hpp"

#include <cmath>

namespace tweeling::federation::hub {

using common::Json;
using common::JsonValue;

namespace {

// Messages carry what servers sent (a status line, a found value): bounded in the record.
constexpr std::size_t kMaxMessageBytes = 400;
// A record lists at most this many checks (a record with many distributions, each with many checks).
constexpr std::size_t kMaxChecks = 200;
// The heights a tileset's region gets when only the record's footprint is known: ellipsoidal
// heights of everything built or dug in the Netherlands lie well within them.
constexpr double kFootprintMinHeight = -100, kFootprintMaxHeight = 500;

int rank(const std::string& status) { return status == "fail" ? 2 : status == "warn" ? 1 : 0; }

JsonValue checkJson(const probe::Check& check, int distribution, Json::AllocatorType& allocator) {
    JsonValue out(rapidjson::kObjectType);
    out.AddMember("id", JsonValue(check.id.c_str(), allocator), allocator);
    out.AddMember("status", JsonValue(probe::statusName(check.status), allocator), allocator);
    const std::string message = common::truncateUtf8(check.message, kMaxMessageBytes);
    out.AddMember("message", JsonValue(message.c_str(), allocator), allocator);
    if (!check.pointer.empty()) out.AddMember("pointer", JsonValue(check.pointer.c_str(), allocator), allocator);
    if (!check.url.empty()) {
        const std::string url = common::truncateUtf8(check.url, 2048);
        out.AddMember("url", JsonValue(url.c_str(), allocator), allocator);
    }
    if (distribution >= 0) out.AddMember("distribution", distribution, allocator);
    return out;
}

std::string stringOr(const JsonValue& object, const char* name) {
    return std::string(common::stringMember(object, name).value_or(""));
}

}  // namespace

RecordVerdict judgeRecord(const registry::store::StoredRecord& record, const probe::Fetch& fetch,
                          const ProberOptions& options) {
    RecordVerdict verdict;
    verdict.key = record.key;
    verdict.hash = record.hash;
    verdict.source = record.source;
    Json doc;
    if (common::parseUntrusted(record.json, doc) || !doc.IsObject()) {
        verdict.status = "fail";
        verdict.worst["record.json"] = {"fail", "the stored record is not a JSON object"};
        return verdict;
    }
    auto& allocator = doc.GetAllocator();
    const probe::Claims claims = probe::claimsOf(doc);

    JsonValue checks(rapidjson::kArrayType);
    std::string status = "pass";
    auto add = [&](const probe::Check& check, int distribution) {
        const std::string name = probe::statusName(check.status);
        if (rank(name) > rank(status)) status = name;
        auto& worst = verdict.worst[check.id];
        if (worst.first.empty() || rank(name) > rank(worst.first)) worst = {name, check.message};
        if (checks.Size() < kMaxChecks) checks.PushBack(checkJson(check, distribution, allocator), allocator);
    };
    // The profile's warnings stay as they are: the probes add to them, never replace them.
    const JsonValue* previous = common::member(doc, "validation");
    if (previous && previous->IsObject())
        if (const JsonValue* held = common::member(*previous, "checks"); held && held->IsArray())
            for (const auto& check : held->GetArray()) {
                // Records kept before checks had ids carry the profile's warnings without one.
                const std::string id = check.IsObject() ? stringOr(check, "id") : kProfileCheck;
                if (!check.IsObject() || (!id.empty() && id != kProfileCheck)) continue;
                checks.PushBack(JsonValue(check, allocator), allocator);
                status = rank("warn") > rank(status) ? "warn" : status;
                verdict.worst[kProfileCheck] = {"warn", stringOr(check, "message")};
            }

    const JsonValue* properties = common::member(doc, "properties");
    const JsonValue* distributions = properties ? common::member(*properties, "distributions") : nullptr;
    if (distributions && distributions->IsArray()) {
        int index = 0;
        for (const auto& distribution : distributions->GetArray()) {
            if (index >= options.maxDistributions) break;
            const int at = index++;
            if (!distribution.IsObject()) continue;
            const std::string href = stringOr(distribution, "href");
            const std::string format = stringOr(distribution, "format");
            if (href.empty()) continue;
            probe::ProbeResult result =
                probe::probeDistribution(format, href, stringOr(distribution, "mediaType"), fetch, options.limits);
            probe::checkClaims(claims, result);
            bool failed = false;
            for (const probe::Check& check : result.checks) {
                add(check, at);
                failed = failed || check.status == probe::Status::Fail;
            }
            if (format != "3dtiles" || failed || !result.reachable) continue;
            ProbedTileset tileset;
            tileset.key = record.key;
            tileset.distribution = at;
            tileset.href = href;
            if (auto region = probe::tilesetRegion(result.facts)) {
                tileset.region = *region;
                tileset.regionFromAsset = true;
            } else if (claims.footprint) {
                constexpr double kRadians = M_PI / 180;
                const auto& box = *claims.footprint;
                tileset.region = {box.minX * kRadians, box.minY * kRadians, box.maxX * kRadians,
                                  box.maxY * kRadians, kFootprintMinHeight, kFootprintMaxHeight};
            } else {
                continue;  // nowhere to put it
            }
            tileset.geometricError = result.facts.geometricError.value_or(0);
            tileset.extensionsUsed = result.facts.extensionsUsed;
            tileset.extensionsRequired = result.facts.extensionsRequired;
            verdict.tilesets.push_back(std::move(tileset));
        }
    }
    if (auto netherlands = probe::checkNetherlands(claims)) add(*netherlands, -1);
    verdict.status = status;

    // Unchanged (but for when it was checked): the record is not written again.
    if (previous && previous->IsObject() && stringOr(*previous, "status") == status)
        if (const JsonValue* held = common::member(*previous, "checks"); held && *held == checks) return verdict;
    JsonValue validation(rapidjson::kObjectType);
    validation.AddMember("status", JsonValue(status.c_str(), allocator), allocator);
    validation.AddMember("checkedAt", JsonValue(common::nowRfc3339().c_str(), allocator), allocator);
    validation.AddMember("checks", checks, allocator);
    doc.RemoveMember("validation");
    doc.AddMember("validation", validation, allocator);
    verdict.json = common::toString(doc);
    return verdict;
}

}  // namespace tweeling::federation::hub
