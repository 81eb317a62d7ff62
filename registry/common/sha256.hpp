#pragma once
// SHA-256 as lower-case hex: the content hash of records (store, harvest) and of foreign documents.
#include <string>
#include <string_view>

namespace tweeling::common {

// 64 lower-case hex digits. Throws std::runtime_error if OpenSSL fails.
std::string sha256Hex(std::string_view data);

}  // namespace tweeling::common
