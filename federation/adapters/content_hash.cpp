#include "adapters/content_hash.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "adapters/json_members.hpp"
#include "common/jcs.hpp"

namespace tweeling::federation::adapters {

using common::JsonValue;

std::string canonicalJson(const JsonValue& value) {
    // RFC 8785 order and escaping (common/jcs), numbers as RapidJSON writes them.
    return common::canonicalJson(value, &numberText);
}

std::string contentHash(const JsonValue& value) {
    const std::string canonical = canonicalJson(value);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(canonical.data(), canonical.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed (OpenSSL EVP_Digest)");
    static const char* kHex = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 15];
    }
    return out;
}

}  // namespace tweeling::federation::adapters
