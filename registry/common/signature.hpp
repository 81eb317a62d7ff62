#pragma once
// Ed25519 signatures of records (RFC 8032): key files through OpenSSL, signing and verifying
// through libsodium.
//
// What is signed (README, "Signed records"): the RFC 8785 canonical JSON of
//   {"id": ID, "op": "put"|"delete", "origin": ORIGIN, "record": RECORD|null, "updated": UPDATED}
// where RECORD is the record as its origin stores it (the feed's `record`) and UPDATED its
// properties.updated, or, for a delete, null and the RFC 3339 time of the deletion. Keys and
// signatures travel as base64url without padding (RFC 4648 §5): 32 and 64 raw bytes.
#include "common/json.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tweeling::common {

class SignatureError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string base64UrlEncode(std::string_view bytes);
std::optional<std::string> base64UrlDecode(std::string_view text);  // nullopt when not base64url

// The bytes signed for one feed entry / record.
std::string signedBytes(std::string_view origin, std::string_view id, std::string_view op, std::string_view updated,
                        const JsonValue* record);
// The same, with the record already in canonical JSON (or "null").
std::string signedBytesCanonical(std::string_view origin, std::string_view id, std::string_view op,
                                 std::string_view updated, std::string_view canonicalRecord);

// A key rotation statement (README, "Key rotation"): the canonical JSON of
//   {"at": T, "origin": O, "previousKey": K1, "publicKey": K2, "type": "tweeling-key-rotation"}
// which K1 signs; the statement travels with a "signature" member added.
std::string rotationStatementBytes(std::string_view origin, std::string_view previousKey, std::string_view publicKey,
                                   std::string_view at);

// A public key: verify() is thread-safe (libsodium, on the raw 32 bytes).
class PublicKey {
public:
    // From the raw 32 bytes in base64url; throws SignatureError when malformed.
    static PublicKey fromBase64Url(std::string_view text);
    PublicKey();
    ~PublicKey();
    PublicKey(PublicKey&&) noexcept;
    PublicKey& operator=(PublicKey&&) noexcept;
    PublicKey(const PublicKey&);
    PublicKey& operator=(const PublicKey&);

    bool valid() const;
    const std::string& base64Url() const;
    // `signature`: base64url of the raw 64 bytes. False on any mismatch or malformed input.
    bool verify(std::string_view message, std::string_view signature) const;

private:
    struct Private;
    std::shared_ptr<Private> m_private;
};

// A private signing key, kept in a PEM (PKCS #8) file readable by its owner only.
class SigningKey {
public:
    static SigningKey generate();
    static SigningKey load(const std::string& path);  // throws SignatureError
    // Loads `path`, or creates it (mode 0600, never overwriting) when it does not exist.
    static SigningKey loadOrCreate(const std::string& path);
    SigningKey();
    ~SigningKey();
    SigningKey(SigningKey&&) noexcept;
    SigningKey& operator=(SigningKey&&) noexcept;

    bool valid() const;
    void save(const std::string& path) const;  // creates with mode 0600; fails if it exists
    const PublicKey& publicKey() const;
    std::string sign(std::string_view message) const;  // base64url of the raw 64 bytes

    struct Private;  // OpenSSL's key; defined in signature.cpp

private:
    std::unique_ptr<Private> m_private;
};

}  // namespace tweeling::common
