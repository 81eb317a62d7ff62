#include "common/signature.hpp"

#include "common/jcs.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tweeling::common {

namespace {

constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct PkeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct ContextDeleter {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdContext = std::unique_ptr<EVP_MD_CTX, ContextDeleter>;

void appendString(std::string_view text, std::string& out) {
    JsonValue value(rapidjson::StringRef(text.data(), text.size()));
    appendCanonicalJson(value, out);
}

}  // namespace

std::string base64UrlEncode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    auto byte = [&](std::size_t at) { return static_cast<unsigned char>(bytes[at]); };
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back(kAlphabet[v & 63]);
    }
    if (i + 1 == bytes.size()) {
        unsigned v = byte(i) << 16;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
    } else if (i + 2 == bytes.size()) {
        unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
    }
    return out;
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        const char* at = c ? std::strchr(kAlphabet, c) : nullptr;
        if (!at) return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(at - kAlphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    // Leftover bits must be zero (canonical encoding), so one signature has one spelling.
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::string signedBytesCanonical(std::string_view origin, std::string_view id, std::string_view op,
                                 std::string_view updated, std::string_view canonicalRecord) {
    // Members in RFC 8785 order: id < op < origin < record < updated.
    std::string out;
    out.reserve(canonicalRecord.size() + origin.size() + id.size() + updated.size() + 64);
    out += "{\"id\":";
    appendString(id, out);
    out += ",\"op\":";
    appendString(op, out);
    out += ",\"origin\":";
    appendString(origin, out);
    out += ",\"record\":";
    out += canonicalRecord;
    out += ",\"updated\":";
    appendString(updated, out);
    out += "}";
    return out;
}

std::string signedBytes(std::string_view origin, std::string_view id, std::string_view op, std::string_view updated,
                        const JsonValue* record) {
    return signedBytesCanonical(origin, id, op, updated, record ? canonicalJson(*record) : std::string("null"));
}

std::string rotationStatementBytes(std::string_view origin, std::string_view previousKey, std::string_view publicKey,
                                   std::string_view at) {
    // Members in RFC 8785 order.
    std::string out = "{\"at\":";
    appendString(at, out);
    out += ",\"origin\":";
    appendString(origin, out);
    out += ",\"previousKey\":";
    appendString(previousKey, out);
    out += ",\"publicKey\":";
    appendString(publicKey, out);
    out += ",\"type\":\"tweeling-key-rotation\"}";
    return out;
}

// ---------------------------------------------------------------------------------------------
struct PublicKey::Private {
    Pkey key;
    std::string text;
};

PublicKey::PublicKey() = default;
PublicKey::~PublicKey() = default;
PublicKey::PublicKey(PublicKey&&) noexcept = default;
PublicKey& PublicKey::operator=(PublicKey&&) noexcept = default;
PublicKey::PublicKey(const PublicKey&) = default;
PublicKey& PublicKey::operator=(const PublicKey&) = default;

PublicKey PublicKey::fromBase64Url(std::string_view text) {
    auto raw = base64UrlDecode(text);
    if (!raw || raw->size() != 32)
        throw SignatureError("a public key must be 32 bytes in base64url without padding (43 characters)");
    Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                         reinterpret_cast<const unsigned char*>(raw->data()), raw->size()));
    if (!key) throw SignatureError("OpenSSL refused the Ed25519 public key");
    PublicKey out;
    out.m_private = std::make_shared<Private>();
    out.m_private->key = std::move(key);
    out.m_private->text = std::string(text);
    return out;
}

bool PublicKey::valid() const { return m_private && m_private->key; }

const std::string& PublicKey::base64Url() const {
    static const std::string empty;
    return m_private ? m_private->text : empty;
}

bool PublicKey::verify(std::string_view message, std::string_view signature) const {
    if (!valid() || signature.size() != 86) return false;
    auto raw = base64UrlDecode(signature);
    if (!raw || raw->size() != 64) return false;
    MdContext context(EVP_MD_CTX_new());
    if (!context || EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, m_private->key.get()) != 1)
        return false;
    return EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(raw->data()), raw->size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

// ---------------------------------------------------------------------------------------------
struct SigningKey::Private {
    Pkey key;
    PublicKey publicKey;
};

SigningKey::SigningKey() = default;
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

namespace {

SigningKey::Private* fill(std::unique_ptr<SigningKey::Private>& out, Pkey key) {
    std::array<unsigned char, 32> raw{};
    std::size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), raw.data(), &size) != 1 || size != 32)
        throw SignatureError("not an Ed25519 key");
    out = std::make_unique<SigningKey::Private>();
    out->key = std::move(key);
    out->publicKey =
        PublicKey::fromBase64Url(base64UrlEncode(std::string_view(reinterpret_cast<const char*>(raw.data()), size)));
    return out.get();
}

}  // namespace

SigningKey SigningKey::generate() {
    EVP_PKEY* raw = nullptr;
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr),
                                                                         EVP_PKEY_CTX_free);
    if (!context || EVP_PKEY_keygen_init(context.get()) != 1 || EVP_PKEY_keygen(context.get(), &raw) != 1)
        throw SignatureError("OpenSSL could not make an Ed25519 key");
    SigningKey out;
    fill(out.m_private, Pkey(raw));
    return out;
}

SigningKey SigningKey::load(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) throw SignatureError("cannot read the signing key " + path + ": " + std::strerror(errno));
    Pkey key(PEM_read_PrivateKey(file, nullptr, nullptr, nullptr));
    std::fclose(file);
    if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        throw SignatureError("the signing key " + path + " is not an Ed25519 private key in PEM (PKCS #8)");
    SigningKey out;
    fill(out.m_private, std::move(key));
    return out;
}

SigningKey SigningKey::loadOrCreate(const std::string& path) {
    if (::access(path.c_str(), F_OK) == 0) return load(path);
    SigningKey key = generate();
    key.save(path);
    return key;
}

bool SigningKey::valid() const { return m_private && m_private->key; }

void SigningKey::save(const std::string& path) const {
    if (!valid()) throw SignatureError("no key to save");
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw SignatureError("cannot create the signing key " + path + ": " + std::strerror(errno));
    std::FILE* file = ::fdopen(fd, "wb");
    if (!file) {
        ::close(fd);
        throw SignatureError("cannot write the signing key " + path);
    }
    bool ok = PEM_write_PrivateKey(file, m_private->key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    ok = std::fflush(file) == 0 && ::fsync(fd) == 0 && ok;
    std::fclose(file);
    if (!ok) {
        ::unlink(path.c_str());
        throw SignatureError("cannot write the signing key " + path);
    }
}

const PublicKey& SigningKey::publicKey() const {
    static const PublicKey none;
    return m_private ? m_private->publicKey : none;
}

std::string SigningKey::sign(std::string_view message) const {
    if (!valid()) throw SignatureError("no signing key");
    MdContext context(EVP_MD_CTX_new());
    std::array<unsigned char, 64> signature{};
    std::size_t size = signature.size();
    if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, m_private->key.get()) != 1 ||
        EVP_DigestSign(context.get(), signature.data(), &size, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1 ||
        size != 64)
        throw SignatureError("OpenSSL could not sign");
    return base64UrlEncode(std::string_view(reinterpret_cast<const char*>(signature.data()), size));
}

}  // namespace tweeling::common
