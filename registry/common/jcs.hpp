#pragma once
// RFC 8785 JSON Canonicalization Scheme (JCS): the exact bytes Tweeling signs and hashes.
//  - object members sorted by their names as UTF-16 code units (RFC 8785 §3.2.3);
//  - no whitespace; strings escaped only where JSON requires (", \, and control characters, the
//    latter as \b \t \n \f \r or \u00xx with lower-case hex), everything else as UTF-8;
//  - numbers as ECMAScript's Number.prototype.toString of their IEEE 754 double (§3.2.2.3):
//    4.0 is "4", 1e21 is "1e+21", 1e-7 is "1e-7", -0 is "0".
// Non-finite numbers cannot occur (RapidJSON does not parse them).
#include "common/json.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace tweeling::common {

std::string canonicalJson(const JsonValue& value);
void appendCanonicalJson(const JsonValue& value, std::string& out);
// The canonical JSON of `object` without its top-level members named in `skip` (which a hub adds to
// a record it relays: the signature covers the record as its origin stored it).
std::string canonicalJsonWithout(const JsonValue& object, std::initializer_list<std::string_view> skip);
// ECMAScript Number::toString of `value` (finite).
std::string ecmaScriptNumber(double value);

}  // namespace tweeling::common
