#include "store/crypto.hpp"

#include "common/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace tweeling::registry::store {
namespace {

// The one place OpenSSL return codes are checked: 1 is success for every call used here.
void check(int rc, const char* what) {
    if (rc == 1) return;
    unsigned long code = ERR_get_error();
    char text[256] = {0};
    if (code != 0) ERR_error_string_n(code, text, sizeof text);
    throw CryptoError(code, std::string("openssl: ") + what + " failed" + (code != 0 ? ": " : "") + text);
}

}  // namespace

Sha256Digest sha256(std::string_view data) {
    Sha256Digest digest{};
    unsigned int size = 0;
    check(EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr), "EVP_Digest");
    if (size != digest.size()) throw CryptoError(0, "openssl: unexpected SHA-256 digest size");
    return digest;
}

std::vector<unsigned char> randomBytes(std::size_t count) {
    std::vector<unsigned char> bytes(count);
    if (count > 0) check(RAND_bytes(bytes.data(), static_cast<int>(count)), "RAND_bytes");
    return bytes;
}

std::string toHex(const unsigned char* data, std::size_t size) {
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(kDigits[data[i] >> 4]);
        out.push_back(kDigits[data[i] & 0x0f]);
    }
    return out;
}

std::string base64Url(const unsigned char* data, std::size_t size) {
    return common::base64UrlEncode(std::string_view(reinterpret_cast<const char*>(data), size));
}

bool constantTimeEqual(const unsigned char* a, std::size_t aSize, const unsigned char* b, std::size_t bSize) {
    if (aSize != bSize) return false;
    return CRYPTO_memcmp(a, b, aSize) == 0;
}

}  // namespace tweeling::registry::store
