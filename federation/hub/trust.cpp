#include "hub/trust.hpp"

#include "common/jcs.hpp"
#include "common/time.hpp"
#include "store/sqlite.hpp"

#include <climits>
#include <stdexcept>

namespace tweeling::federation::hub {

using registry::store::Database;
using registry::store::Statement;
using common::JsonValue;

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS origin_keys(
  origin TEXT NOT NULL,
  public_key TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pinned', 'pending', 'retired')),
  via TEXT NOT NULL,
  since TEXT NOT NULL,
  retired_at TEXT,
  rotation TEXT,  -- retired: the signed statement that replaced it (relayed to hubs further on)
  PRIMARY KEY (origin, public_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS origin_keys_by_via ON origin_keys(via);
CREATE TABLE IF NOT EXISTS source_pins(
  source TEXT PRIMARY KEY,
  public_key TEXT NOT NULL
) WITHOUT ROWID;
)sql";

std::int64_t seconds(const std::string& text) {
    if (auto parsed = common::parseRfc3339(text)) return *parsed;
    return LLONG_MIN;
}

OriginKey readKey(Statement& statement) {
    OriginKey key;
    key.origin = statement.text(0);
    key.publicKey = statement.text(1);
    key.state = statement.text(2);
    key.via = statement.text(3);
    key.since = statement.text(4);
    if (!statement.isNull(5)) key.retiredAt = statement.text(5);
    return key;
}

constexpr const char* kKeyColumns = "origin, public_key, state, via, since, retired_at";

std::optional<std::string> pinnedKey(Database& database, const std::string& origin) {
    Statement statement(database, "SELECT public_key FROM origin_keys WHERE origin = ?1 AND state = 'pinned'");
    statement.bind(1, origin);
    if (statement.step()) return statement.text(0);
    return std::nullopt;
}

void upsertKey(Database& database, const std::string& origin, const std::string& key, const char* state,
               const std::string& via, const std::string& retiredAt, const std::string& rotation = "") {
    Statement statement(database,
                        "INSERT INTO origin_keys(origin, public_key, state, via, since, retired_at, rotation)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(origin, public_key) DO UPDATE SET"
                        " state = excluded.state, retired_at = excluded.retired_at,"
                        " rotation = coalesce(excluded.rotation, rotation)");
    if (rotation.empty())
        statement.bindNull(7);
    else
        statement.bind(7, rotation);
    statement.bind(1, origin).bind(2, key).bind(3, state).bind(4, via).bind(5, common::nowRfc3339());
    if (retiredAt.empty())
        statement.bindNull(6);
    else
        statement.bind(6, retiredAt);
    statement.execute();
}

// Walks the rotation statements from `from` to `to`, each signed by the key before it. Returns the
// steps (previous key, time it was replaced), or an error.
struct Step {
    std::string previousKey;
    std::string at;
    std::string statement;  // JSON
};
std::optional<std::vector<Step>> chain(const std::string& origin, const std::string& from, const std::string& to,
                                       const JsonValue* rotations, std::string& why) {
    std::vector<Step> steps;
    if (!rotations || !rotations->IsArray()) {
        why = "it announced no key rotation";
        return std::nullopt;
    }
    std::string current = from;
    for (rapidjson::SizeType guard = 0; guard <= rotations->Size() && current != to; ++guard) {
        bool advanced = false;
        for (const auto& statement : rotations->GetArray()) {
            auto previous = common::stringMember(statement, "previousKey");
            if (!previous || *previous != current) continue;
            auto next = common::stringMember(statement, "publicKey");
            auto at = common::stringMember(statement, "at");
            auto signature = common::stringMember(statement, "signature");
            auto type = common::stringMember(statement, "type");
            auto statementOrigin = common::stringMember(statement, "origin");
            if (!next || !at || !signature || !type || *type != "tweeling-key-rotation" || !statementOrigin ||
                *statementOrigin != origin)
                continue;
            common::PublicKey key;
            try {
                key = common::PublicKey::fromBase64Url(current);
            } catch (const common::SignatureError&) {
                break;
            }
            if (!key.verify(common::rotationStatementBytes(origin, current, *next, *at), *signature)) {
                why = "the rotation from " + current + " does not carry that key's valid signature";
                continue;
            }
            steps.push_back({current, std::string(*at), common::toString(statement)});
            current = std::string(*next);
            advanced = true;
            break;
        }
        if (!advanced) break;
    }
    if (current != to) {
        if (why.empty()) why = "no rotation statement signed by the pinned key leads to it";
        return std::nullopt;
    }
    return steps;
}

}  // namespace

std::string canonicalSignedRecord(const JsonValue& record) {
    return common::canonicalJsonWithout(record, {"harvest", "validation", "signature", "verified"});
}

// ---------------------------------------------------------------------------------------------
void Verifier::allow(const std::string& origin, const common::PublicKey& key, std::int64_t retiredAt) {
    m_keys[origin].push_back({key, retiredAt});
}

void Verifier::allowUnsigned(const std::string& origin) { m_unsigned.insert(origin); }

void Verifier::refuseUnsigned(const std::string& origin) { m_refused.insert(origin); }


Verifier::Result Verifier::verify(const std::string& origin, const std::string& id, const std::string& op,
                                  const std::string& updated, const JsonValue* record,
                                  const std::string& signature) const {
    auto it = m_keys.find(origin);
    if (it == m_keys.end()) {
        // A refused origin is never also allowed unsigned (KeyRing::load), but the check comes
        // first all the same: an impostor must not depend on the order the sets were filled in.
        if (m_refused.count(origin)) return Result::Collision;
        if (m_unsigned.count(origin)) return Result::Unsigned;
        return Result::UnknownOrigin;
    }
    if (signature.empty()) return Result::Missing;
    std::string bytes = common::signedBytesCanonical(origin, id, op, updated,
                                                     record ? canonicalSignedRecord(*record) : std::string("null"));
    std::int64_t when = seconds(updated);
    for (const Entry& entry : it->second) {
        if (entry.retiredAt != LLONG_MAX && when > entry.retiredAt) continue;
        if (entry.key.verify(bytes, signature)) return Result::Verified;
    }
    return Result::Bad;
}

std::string Verifier::explain(Result result, const std::string& origin, const std::string& op,
                              const std::string& via) {
    switch (result) {
        case Result::Missing:
            if (op == "delete")
                return "the deletion carries no signature, and origin " + origin +
                       " signs its records: they are removed here only by its signed tombstone (a hub "
                       "withdrawing what it relayed is not enough)";
            return "the entry carries no signature, and origin " + origin + " signs its records";
        case Result::Collision:
            return "origin " + origin + " signs its records at this hub, but " +
                   (via.empty() ? std::string("this source") : "source " + via) +
                   " presents it as an unsigned foreign catalog: an unsigned " +
                   (op == "delete" ? "deletion" : "record") + " under the name of a signing origin is refused";
        case Result::Bad:
            return "the signature does not verify against the pinned key of origin " + origin +
                   " (the record was changed after signing, or signed by another key)";
        case Result::UnknownOrigin:
            return "no key is pinned for origin " + origin + ", so its records cannot be verified";
        default: return "";
    }
}

const char* Verifier::pointer(Result result) { return result == Result::Collision ? "/origin" : "/signature"; }

// ---------------------------------------------------------------------------------------------
KeyRing::KeyRing(registry::store::Store& store) : m_store(store) {
    m_store.write([](Database& database) { database.exec(kSchema); });
}

KeyRing::Meeting KeyRing::meet(const std::string& origin, const std::string& key, const std::string& via,
                               const JsonValue* rotations, bool vouched) {
    Meeting meeting;
    try {
        common::PublicKey::fromBase64Url(key);
    } catch (const common::SignatureError& error) {
        meeting.message = "source " + via + " presents a malformed key for " + origin + ": " + error.what();
        return meeting;
    }
    m_store.write([&](Database& database) {
        std::optional<std::string> pinned = pinnedKey(database, origin);
        std::optional<std::string> sourcePin;
        if (!pinned && !vouched) {
            Statement statement(database, "SELECT public_key FROM source_pins WHERE source = ?1");
            statement.bind(1, via);
            if (statement.step()) sourcePin = statement.text(0);
        }
        const std::optional<std::string>& anchor = pinned ? pinned : sourcePin;
        if (anchor && *anchor == key) {
            if (!pinned) upsertKey(database, origin, key, "pinned", via, "");
            meeting.outcome = Outcome::Trusted;
            return;
        }
        if (anchor) {
            std::string why;
            auto steps = chain(origin, *anchor, key, rotations, why);
            if (!steps) {
                meeting.message = "refused a key change of " + origin + " (via " + via + "): it presents " + key +
                                  ", but " + (pinned ? "the pinned key is " : "the source was added with --public-key ") +
                                  *anchor + ", and " + why;
                return;
            }
            for (const Step& step : *steps)
                upsertKey(database, origin, step.previousKey, "retired", via, step.at, step.statement);
            upsertKey(database, origin, key, "pinned", via, "");
            meeting.outcome = Outcome::Trusted;
            meeting.message = "followed a signed key rotation of " + origin + " to " + key;
            return;
        }
        if (vouched) {
            upsertKey(database, origin, key, "pinned", via, "");
            meeting.outcome = Outcome::Trusted;
            meeting.message = "pinned the key of " + origin + " as " + via + " vouches for it: " + key;
            return;
        }
        // First sight: wait for an administrator.
        Statement clear(database, "DELETE FROM origin_keys WHERE origin = ?1 AND via = ?2 AND state = 'pending'");
        clear.bind(1, origin).bind(2, via);
        clear.execute();
        upsertKey(database, origin, key, "pending", via, "");
        meeting.outcome = Outcome::Pending;
        meeting.message = "source " + via + " (origin " + origin + ") presents the signing key " + key +
                          ", which is not pinned yet: check it with the source's operator, then run "
                          "'twin-federation sources approve " + via + "' (nothing was harvested)";
    });
    return meeting;
}

void KeyRing::pinForSource(const std::string& source, const std::string& key) {
    common::PublicKey::fromBase64Url(key);  // throws on a malformed key
    m_store.write([&](Database& database) {
        Statement statement(database, "INSERT INTO source_pins(source, public_key) VALUES (?1, ?2)"
                                      " ON CONFLICT(source) DO UPDATE SET public_key = excluded.public_key");
        statement.bind(1, source).bind(2, key);
        statement.execute();
    });
}

std::vector<OriginKey> KeyRing::approve(const std::string& source, const std::optional<std::string>& expected) {
    std::vector<OriginKey> approved;
    m_store.write([&](Database& database) {
        std::vector<OriginKey> pending;
        {
            Statement statement(database, std::string("SELECT ") + kKeyColumns +
                                              " FROM origin_keys WHERE via = ?1 AND state = 'pending'");
            statement.bind(1, source);
            while (statement.step()) pending.push_back(readKey(statement));
        }
        std::string now = common::nowRfc3339();
        for (auto& key : pending) {
            if (expected && key.publicKey != *expected) continue;
            // Approving replaces a pinned key by hand (an administrator's decision).
            Statement retire(database, "UPDATE origin_keys SET state = 'retired', retired_at = ?2"
                                       " WHERE origin = ?1 AND state = 'pinned'");
            retire.bind(1, key.origin).bind(2, now);
            retire.execute();
            Statement pin(database, "UPDATE origin_keys SET state = 'pinned' WHERE origin = ?1 AND public_key = ?2");
            pin.bind(1, key.origin).bind(2, key.publicKey);
            pin.execute();
            key.state = "pinned";
            approved.push_back(key);
        }
    });
    return approved;
}

void KeyRing::forgetSource(const std::string& source) {
    m_store.write([&](Database& database) {
        Statement pins(database, "DELETE FROM source_pins WHERE source = ?1");
        pins.bind(1, source);
        pins.execute();
        Statement pending(database, "DELETE FROM origin_keys WHERE via = ?1 AND state = 'pending'");
        pending.bind(1, source);
        pending.execute();
    });
}

std::vector<OriginKey> KeyRing::list() const {
    std::vector<OriginKey> keys;
    m_store.read([&](Database& database) {
        Statement statement(database, std::string("SELECT ") + kKeyColumns + " FROM origin_keys ORDER BY origin, since");
        while (statement.step()) keys.push_back(readKey(statement));
    });
    return keys;
}

std::vector<OriginKey> KeyRing::learnedVia(const std::string& source) const {
    std::vector<OriginKey> keys;
    m_store.read([&](Database& database) {
        Statement statement(database, std::string("SELECT ") + kKeyColumns +
                                          " FROM origin_keys WHERE via = ?1 ORDER BY origin, since");
        statement.bind(1, source);
        while (statement.step()) keys.push_back(readKey(statement));
    });
    return keys;
}

std::string KeyRing::rotationsOf(const std::string& origin) const {
    std::string out = "[";
    m_store.read([&](Database& database) {
        Statement statement(database, "SELECT rotation FROM origin_keys WHERE origin = ?1 AND rotation IS NOT NULL"
                                      " ORDER BY retired_at");
        statement.bind(1, origin);
        while (statement.step()) {
            if (out.size() > 1) out += ",";
            out += statement.text(0);
        }
    });
    return out + "]";
}

namespace {

// A pending key counts: the origin presented a key, so its records are signed, whether or not an
// administrator has approved it yet. A source's pin counts under the source's id, the name its
// node almost always has, so that an impostor cannot get in before the node's first harvest.
bool signsIn(Database& database, const std::string& origin) {
    Statement statement(database, "SELECT 1 FROM origin_keys WHERE origin = ?1"
                                  " UNION ALL SELECT 1 FROM source_pins WHERE source = ?1 LIMIT 1");
    statement.bind(1, origin);
    return statement.step();
}

}  // namespace

bool KeyRing::signs(const std::string& origin) const {
    if (origin == m_store.nodeId()) return true;
    bool found = false;
    m_store.read([&](Database& database) { found = signsIn(database, origin); });
    return found;
}

std::vector<std::string> KeyRing::load(Verifier& verifier, const std::set<std::string>& origins,
                                       const std::set<std::string>& unsignedOrigins) const {
    std::vector<OriginKey> keys;
    std::vector<std::string> refused;
    m_store.read([&](Database& database) {
        Statement statement(database, std::string("SELECT ") + kKeyColumns +
                                          " FROM origin_keys WHERE origin = ?1 AND state <> 'pending'");
        for (const std::string& origin : origins) {
            statement.bind(1, origin);
            while (statement.step()) keys.push_back(readKey(statement));
            statement.reset();
        }
        for (const std::string& origin : unsignedOrigins) {
            if (origin == m_store.nodeId() || signsIn(database, origin)) {
                verifier.refuseUnsigned(origin);
                refused.push_back(origin);
            } else {
                verifier.allowUnsigned(origin);
            }
        }
    });
    for (const OriginKey& key : keys) {
        try {
            verifier.allow(key.origin, common::PublicKey::fromBase64Url(key.publicKey),
                           key.state == "pinned" ? LLONG_MAX : seconds(key.retiredAt));
        } catch (const common::SignatureError&) {
        }
    }
    return refused;
}

}  // namespace tweeling::federation::hub
