#pragma once
// RFC 8785 JSON Canonicalization Scheme (JCS): the exact bytes Tweeling signs and hashes.
//  - object members sorted by their names as UTF-16 code units (RFC 8785 §3.2.3);
//  - no whitespace; strings escaped only where JSON requires (", \, and control characters, the
//    latter as \b \t \n \f \r or \u00xx with lower-case hex), everything else as UTF-8;
//  - numbers as ECMAScript's Number.prototype.toString of their IEEE 754 double (§3.2.2.3):
//    4.0 is "4", 1e21 is "1e+21", 1e-7 is "1e-7", -0 is "0".
// Iterative, so any nesting depth is safe. Bytes that are not valid UTF-8 are written unchanged and
// sorted deterministically. Non-finite numbers cannot occur in what parseUntrusted accepts (it refuses a
// number beyond the range of a double); ecmaScriptNumber throws std::invalid_argument for one.
#include "common/json.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace tweeling::common {

// How numbers are written: null for RFC 8785 (ECMAScript); a hub's content hash keeps RapidJSON's
// own spelling (federation/adapters: hashes stored before signing stay valid).
using NumberText = std::string (*)(const JsonValue&);

std::string canonicalJson(const JsonValue& value, NumberText numbers = nullptr);
// The canonical JSON of `object` without its top-level members named in `skip` (which a hub adds to
// a record it relays: the signature covers the record as its origin stored it).
std::string canonicalJsonWithout(const JsonValue& object, std::initializer_list<std::string_view> skip);
// One string, quoted and escaped as RFC 8785 writes it.
void appendCanonicalString(std::string_view text, std::string& out);
// ECMAScript Number::toString of `value`; throws std::invalid_argument when it is not finite.
std::string ecmaScriptNumber(double value);

}  // namespace tweeling::common
