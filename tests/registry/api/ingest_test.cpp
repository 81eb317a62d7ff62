// The one ingest path (api/ingest.hpp, prepare): what a node and a hub each keep or refuse.
#include "api/ingest.hpp"
#include "common/json.hpp"
#include "record/profile.hpp"
#include "record/size.hpp"
#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace tweeling::test;
using tweeling::common::Json;
using tweeling::common::JsonValue;
using tweeling::common::Problems;
namespace api = tweeling::registry::api;
namespace record = tweeling::registry::record;

namespace {

// The first Amsterdam sample: a valid record.
Json sample() {
    Json all;
    std::string text = readFile(sourcePath("deploy/samples/gm0363-amsterdam.json"));
    all.Parse(text.c_str(), text.size());
    REQUIRE(all.IsArray());
    REQUIRE(all.Size() > 0);
    Json doc;
    doc.CopyFrom(all[0], doc.GetAllocator());
    return doc;
}

bool names(const Problems& problems, const std::string& pointer) {
    return std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.pointer == pointer; });
}

std::string fixedHash(const JsonValue&) { return "hash-of-the-normalised-record"; }

}  // namespace

TEST_CASE("prepare keeps a valid record as a node stores it", "[ingest]") {
    Json doc = sample();
    api::IngestPolicy policy;
    policy.origin = "gm0363";
    api::Prepared prepared = api::prepare(doc, record::Profile::builtin(), policy);
    REQUIRE(prepared.put);
    CHECK(prepared.problems.empty());
    CHECK(prepared.put->origin == "gm0363");
    CHECK(prepared.put->source.empty());
    CHECK(prepared.put->contentHash.empty());  // a node's store hashes the stored JSON itself
    CHECK(tweeling::common::stringMember(doc, "origin").value_or("") == "gm0363");
    CHECK(prepared.put->json == tweeling::common::toString(doc));
}

TEST_CASE("prepare refuses or keeps with warnings by one rule", "[ingest]") {
    const auto& profile = record::Profile::builtin();
    Json minor = sample();
    minor["properties"]["license"].SetInt(42);  // not essential

    SECTION("a node refuses any problem") {
        api::IngestPolicy policy;
        policy.origin = "gm0363";
        api::Prepared prepared = api::prepare(minor, profile, policy);
        CHECK_FALSE(prepared.put);
        CHECK_FALSE(prepared.tooLarge);
        CHECK(names(prepared.problems, "/properties/license"));
    }
    SECTION("a hub that keeps warnings keeps it, with them, hashed and annotated") {
        api::IngestPolicy policy;
        policy.origin = "foreign";
        policy.source = "foreign-source";
        policy.keepWithWarnings = true;
        policy.contentHash = &fixedHash;
        Problems seen;
        std::string seenHash;
        policy.annotate = [&](Json& doc, const Problems& warnings, const std::string& hash) {
            seen = warnings;
            seenHash = hash;
            doc.AddMember("harvest", JsonValue(rapidjson::kObjectType), doc.GetAllocator());
        };
        api::Prepared prepared = api::prepare(minor, profile, policy);
        REQUIRE(prepared.put);
        CHECK(names(prepared.problems, "/properties/license"));
        CHECK(names(seen, "/properties/license"));
        CHECK(prepared.put->contentHash == "hash-of-the-normalised-record");
        CHECK(seenHash == prepared.put->contentHash);
        CHECK(prepared.put->source == "foreign-source");
        CHECK(prepared.put->json.find("\"harvest\"") != std::string::npos);
    }
    SECTION("an essential problem refuses it even there, with every problem listed") {
        Json bad = sample();
        bad["properties"]["license"].SetInt(42);
        bad["properties"]["title"].SetInt(42);
        api::IngestPolicy policy;
        policy.origin = "foreign";
        policy.keepWithWarnings = true;
        api::Prepared prepared = api::prepare(bad, profile, policy);
        CHECK_FALSE(prepared.put);
        CHECK(names(prepared.problems, "/properties/title"));
        CHECK(names(prepared.problems, "/properties/license"));
    }
    SECTION("warnings judged already (an adapter's) are kept, not validated again") {
        Problems judged{{"/geometry", "The geometry was simplified to its bounding box."}};
        api::IngestPolicy policy;
        policy.origin = "foreign";
        policy.judgedWarnings = &judged;
        api::Prepared prepared = api::prepare(minor, profile, policy);
        REQUIRE(prepared.put);
        REQUIRE(prepared.problems.size() == 1);
        CHECK(prepared.problems.front().pointer == "/geometry");
    }
}

TEST_CASE("prepare refuses a record over the size limit on its normalised form", "[ingest]") {
    Json doc = sample();
    std::string huge(record::kMaxRecordBytes, 'x');
    doc["properties"]["description"].SetString(huge.c_str(), static_cast<rapidjson::SizeType>(huge.size()),
                                               doc.GetAllocator());
    Problems none;
    api::IngestPolicy policy;
    policy.origin = "gm0363";
    policy.judgedWarnings = &none;  // past the profile's own length limits, to the size check
    api::Prepared prepared = api::prepare(doc, record::Profile::builtin(), policy);
    CHECK_FALSE(prepared.put);
    CHECK(prepared.tooLarge);
    REQUIRE(prepared.problems.size() == 1);
}
