// Publisher keys: `twk_<keyId>_<secret>`. keyId (12 hex characters) is public and finds the row;
// the secret (43 characters, base64url of 32 random bytes) is never stored: only SHA-256 of the
// whole key is, and it is compared in constant time.
#include "store/store.hpp"

#include "common/time.hpp"
#include "store/crypto.hpp"
#include "store/store_private.hpp"

#include <ctime>
#include <stdexcept>

namespace tweeling::registry::store {
namespace {

constexpr std::string_view kPrefix = "twk_";
constexpr std::size_t kKeyIdBytes = 6;    // 12 hex characters
constexpr std::size_t kSecretBytes = 32;  // 43 base64url characters
constexpr std::size_t kKeyIdLength = kKeyIdBytes * 2;
constexpr std::size_t kSecretLength = (kSecretBytes * 4 + 2) / 3;
constexpr std::size_t kKeyLength = kPrefix.size() + kKeyIdLength + 1 + kSecretLength;

bool isLowerHex(std::string_view text) {
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

bool isBase64Url(std::string_view text) {
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_'))
            return false;
    return true;
}

// The key id of a well-formed key, or "" when the text cannot be one of ours.
std::string_view parseKeyId(std::string_view key) {
    if (key.size() != kKeyLength || key.substr(0, kPrefix.size()) != kPrefix) return {};
    std::string_view keyId = key.substr(kPrefix.size(), kKeyIdLength);
    if (!isLowerHex(keyId) || key[kPrefix.size() + kKeyIdLength] != '_') return {};
    if (!isBase64Url(key.substr(kPrefix.size() + kKeyIdLength + 1))) return {};
    return keyId;
}

KeyInfo readKey(Statement& statement, int first) {
    KeyInfo info;
    info.keyId = statement.text(first);
    info.publisher = statement.text(first + 1);
    info.created = statement.text(first + 2);
    if (!statement.isNull(first + 3)) info.expires = statement.text(first + 3);
    info.revoked = statement.int64(first + 4) != 0;
    return info;
}

}  // namespace

std::string KeyInfo::status() const {
    if (revoked) return "revoked";
    if (expires) {
        std::optional<std::int64_t> at = common::parseRfc3339(*expires);
        if (!at || static_cast<std::int64_t>(std::time(nullptr)) >= *at) return "expired";
    }
    return "active";
}

std::string Store::createKey(const std::string& publisher, std::optional<std::string> expires) {
    if (publisher.empty()) throw std::invalid_argument("a key needs a publisher");
    if (expires) {
        const std::optional<std::int64_t> at = common::parseRfc3339(*expires);
        if (!at)
            throw std::invalid_argument("key expiry is not an RFC 3339 date or date-time: " + expires->substr(0, 64));
        // A key that expired before it was made could never be used: a mistyped year, most likely.
        if (*at <= static_cast<std::int64_t>(std::time(nullptr)))
            throw std::invalid_argument("key expiry " + *expires + " is not in the future");
    }
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    // 48 random bits make a clash of key ids rare, not impossible: draw again when one is taken.
    for (int attempt = 0; attempt < 8; ++attempt) {
        std::vector<unsigned char> idBytes = randomBytes(kKeyIdBytes);
        std::string keyId = toHex(idBytes.data(), idBytes.size());
        {
            StatementUse taken = m_private->writer.statement("SELECT 1 FROM keys WHERE key_id = ?1");
            taken->bind(1, keyId);
            if (taken->step()) continue;
        }
        std::vector<unsigned char> secret = randomBytes(kSecretBytes);
        std::string key = std::string(kPrefix) + keyId + "_" + base64Url(secret.data(), secret.size());
        Sha256Digest digest = sha256(key);
        StatementUse insert = m_private->writer.statement(
            "INSERT INTO keys(key_id, hash, publisher, created, expires, revoked) VALUES (?1, ?2, ?3, ?4, ?5, 0)");
        insert->bind(1, keyId).bindBlob(2, digest.data(), digest.size()).bind(3, publisher).bind(4, common::nowRfc3339());
        if (expires)
            insert->bind(5, *expires);
        else
            insert->bindNull(5);
        insert->execute();
        transaction.commit();
        return key;
    }
    throw std::runtime_error("could not draw an unused key id");
}

std::optional<KeyInfo> Store::authenticate(std::string_view presentedKey) const {
    std::string_view keyId = parseKeyId(presentedKey);
    if (keyId.empty()) return std::nullopt;
    ConnectionPool::Lease connection = m_private->readers.acquire();
    StatementUse statement = connection->statement(
        "SELECT hash, key_id, publisher, created, expires, revoked FROM keys WHERE key_id = ?1");
    statement->bind(1, keyId);
    if (!statement->step()) return std::nullopt;
    Sha256Digest presented = sha256(presentedKey);
    std::string_view stored = statement->textView(0);  // blob bytes
    if (!constantTimeEqual(reinterpret_cast<const unsigned char*>(stored.data()), stored.size(), presented.data(),
                           presented.size()))
        return std::nullopt;
    KeyInfo info = readKey(*statement, 1);
    if (info.revoked) return std::nullopt;
    if (info.expires) {
        std::optional<std::int64_t> expiresAt = common::parseRfc3339(*info.expires);
        // An expiry we cannot read is treated as passed: fail closed.
        if (!expiresAt || static_cast<std::int64_t>(std::time(nullptr)) >= *expiresAt) return std::nullopt;
    }
    return info;
}

std::vector<KeyInfo> Store::listKeys() const {
    std::vector<KeyInfo> keys;
    ConnectionPool::Lease connection = m_private->readers.acquire();
    StatementUse statement = connection->statement(
        "SELECT key_id, publisher, created, expires, revoked FROM keys ORDER BY created, key_id");
    while (statement->step()) keys.push_back(readKey(*statement, 0));
    return keys;
}

bool Store::revokeKey(const std::string& keyId) {
    std::lock_guard<std::mutex> lock(m_private->writeMutex);
    Transaction transaction(m_private->writer.database());
    StatementUse statement = m_private->writer.statement("UPDATE keys SET revoked = 1 WHERE key_id = ?1");
    statement->bind(1, keyId);
    statement->execute();
    bool changed = m_private->writer.database().changes() > 0;
    transaction.commit();
    return changed;
}

}  // namespace tweeling::registry::store
