// RFC 8785 canonical JSON (common/jcs.hpp), what Tweeling signs and hashes: for any JSON that
// parseUntrusted accepts, parse -> canonical -> parse gives the same value, and canonicalising the
// canonical form changes nothing.
#include "common/jcs.hpp"
#include "common/json.hpp"
#include "fuzz_support.hpp"

#include <vector>

using namespace tweeling;
using common::JsonValue;

namespace {

// Equal as RFC 8785 sees JSON: numbers as IEEE 754 doubles (an integer beyond 2^53 is written as
// its nearest double), members compared by name whatever their order.
bool sameValue(const JsonValue& a, const JsonValue& b) {
    std::vector<std::pair<const JsonValue*, const JsonValue*>> todo{{&a, &b}};
    while (!todo.empty()) {
        auto [x, y] = todo.back();
        todo.pop_back();
        if (x->IsNumber() && y->IsNumber()) {
            if (!(x->GetDouble() == y->GetDouble())) return false;
            continue;
        }
        if (x->GetType() != y->GetType()) return false;
        if (x->IsString()) {
            if (std::string_view(x->GetString(), x->GetStringLength()) !=
                std::string_view(y->GetString(), y->GetStringLength()))
                return false;
        } else if (x->IsArray()) {
            if (x->Size() != y->Size()) return false;
            for (rapidjson::SizeType i = 0; i < x->Size(); ++i) todo.emplace_back(&(*x)[i], &(*y)[i]);
        } else if (x->IsObject()) {
            if (x->MemberCount() != y->MemberCount()) return false;
            for (auto member = x->MemberBegin(); member != x->MemberEnd(); ++member) {
                auto other = y->FindMember(member->name);
                if (other == y->MemberEnd()) return false;
                todo.emplace_back(&member->value, &other->value);
            }
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    common::Json original;
    if (common::parseUntrusted(fuzz::text(data, size), original)) return 0;
    std::string canonical = common::canonicalJson(original);
    common::Json again;
    if (common::parseUntrusted(canonical, again)) fuzz::fail("canonical JSON does not parse");
    if (!sameValue(original, again)) fuzz::fail("canonical JSON parses to another value");
    if (common::canonicalJson(again) != canonical) fuzz::fail("canonical JSON is not a fixed point");
    return 0;
}
