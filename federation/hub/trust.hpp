#pragma once
// Trust in a hub: the pinned public keys of the origins whose records it holds, and the check of
// every record's signature against them (README, "Signed records").
//
// A key is pinned for an origin (a node id) in one of three ways:
//  - `sources add --public-key KEY`: the key a node must present at its first harvest;
//  - `sources approve SOURCE`: a key first seen at a harvest waits ("pending") until approved;
//  - an origin first met through a hub whose own key is pinned (a province hub relaying its
//    municipalities) is pinned as that hub vouches for it in its /sources. Decision: following an
//    approved hub's pins spares hundreds of manual approvals at the national hub, and such a hub can
//    introduce origins but never change a key already pinned here.
// A pinned key changes only by a rotation statement signed by the key before it; the old key is then
// "retired" and still verifies records whose `updated` is not after the rotation.
#include "common/json.hpp"
#include "common/signature.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tweeling::federation::hub {

struct OriginKey {
    std::string origin;
    std::string publicKey;
    std::string state;  // pinned | pending | retired
    std::string via;    // the source it was learned from
    std::string since;
    std::string retiredAt;  // RFC 3339, for retired keys
};

// The keys of one harvest run, fixed before its pages are read: thread-safe to use.
class Verifier {
public:
    enum class Result { Verified, Unsigned, Missing, Bad, UnknownOrigin };

    // `retiredAt`: epoch seconds after which the key no longer signs (INT64_MAX while current).
    void allow(const std::string& origin, const common::PublicKey& key, std::int64_t retiredAt);
    // Origins whose records are not signed at all (crawled from a foreign catalog by a hub).
    void allowUnsigned(const std::string& origin);
    bool knows(const std::string& origin) const;

    // `record`: the record as received (members a hub adds are left out of the check); null for
    // a delete. `updated`: the signed time (properties.updated, or the deletion time).
    Result verify(const std::string& origin, const std::string& id, const std::string& op,
                  const std::string& updated, const common::JsonValue* record, const std::string& signature) const;
    static std::string explain(Result result, const std::string& origin);

private:
    struct Entry {
        common::PublicKey key;
        std::int64_t retiredAt;
    };
    std::map<std::string, std::vector<Entry>> m_keys;
    std::set<std::string> m_unsigned;
};

class KeyRing {
public:
    explicit KeyRing(registry::store::Store& store);  // creates its tables when missing

    enum class Outcome { Trusted, Pending, Refused };
    struct Meeting {
        Outcome outcome = Outcome::Refused;
        std::string message;  // for the report: what happened and what to do
    };
    // A source presents `key` for `origin` (its own identity, or an origin it relays), with the
    // rotation statements it knows of. `vouched`: met through a hub whose own key is pinned.
    Meeting meet(const std::string& origin, const std::string& key, const std::string& via,
                 const common::JsonValue* rotations, bool vouched);

    // `sources add --public-key`: the key the source's own identity must have.
    void pinForSource(const std::string& source, const std::string& key);
    // `sources approve`: pins the keys waiting from `source` (only `expected`, when given).
    // Returns the keys approved.
    std::vector<OriginKey> approve(const std::string& source, const std::optional<std::string>& expected);
    void forgetSource(const std::string& source);

    std::vector<OriginKey> list() const;
    std::vector<OriginKey> learnedVia(const std::string& source) const;
    // The signed rotation statements this hub followed for `origin`, as a JSON array.
    std::string rotationsOf(const std::string& origin) const;
    // Adds every pinned and retired key of these origins to `verifier`.
    void load(Verifier& verifier, const std::set<std::string>& origins) const;

private:
    registry::store::Store& m_store;
};

// The canonical JSON a relayed record was signed as: without the top-level members hubs add
// (harvest, validation, signature, verified).
std::string canonicalSignedRecord(const common::JsonValue& record);

}  // namespace tweeling::federation::hub
