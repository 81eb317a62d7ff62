#pragma once
// The store's few uses of OpenSSL (content hashes, random ids, key secrets), behind a header that
// does not include OpenSSL, so nothing else in the store sees it. Internal to registry/store.
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tweeling::registry::store {

// Thrown when OpenSSL fails; carries OpenSSL's error code (ERR_get_error), 0 when none was queued.
class CryptoError : public std::runtime_error {
public:
    CryptoError(unsigned long code, const std::string& message) : std::runtime_error(message), m_code(code) {}
    unsigned long code() const noexcept { return m_code; }

private:
    unsigned long m_code;
};

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view data);
std::vector<unsigned char> randomBytes(std::size_t count);  // cryptographically strong
std::string toHex(const unsigned char* data, std::size_t size);
std::string base64Url(const unsigned char* data, std::size_t size);  // RFC 4648 §5, no padding
// Constant-time comparison of equal-length buffers (false when the sizes differ).
bool constantTimeEqual(const unsigned char* a, std::size_t aSize, const unsigned char* b, std::size_t bSize);

}  // namespace tweeling::registry::store
