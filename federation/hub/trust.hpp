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
//
// An origin that signs here (any key known for it, pending and retired ones included, a source added
// with --public-key under its name, or this hub itself) is written only by entries carrying its valid
// signature, whatever path they come by. Unsigned records (a foreign catalog's, crawled here or
// relayed by a hub) are a namespace of their own: one that takes the name of a signing origin is
// refused as an impostor (Result::Collision), never stored under that origin.
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

// The keys of one harvest run, fixed before its pages are read: thread-safe to use. Filled only by
// KeyRing::load, which alone decides which origins may be unsigned.
class Verifier {
public:
    // Collision: an unsigned entry under the name of an origin that signs here (an impostor).
    enum class Result { Verified, Unsigned, Missing, Bad, UnknownOrigin, Collision };


    // `record`: the record as received (members a hub adds are left out of the check); null for
    // a delete. `updated`: the signed time (properties.updated, or the deletion time).
    Result verify(const std::string& origin, const std::string& id, const std::string& op,
                  const std::string& updated, const common::JsonValue* record, const std::string& signature) const;
    // The report's message for a refused entry; `op` "put" or "delete", `via` the source it came by.
    static std::string explain(Result result, const std::string& origin, const std::string& op = "put",
                               const std::string& via = "");
    // The JSON Pointer the report names for a refused entry: /origin for a collision, else /signature.
    static const char* pointer(Result result);

private:
    friend class KeyRing;
    // `retiredAt`: epoch seconds after which the key no longer signs (INT64_MAX while current).
    void allow(const std::string& origin, const common::PublicKey& key, std::int64_t retiredAt);
    // Origins whose records are not signed at all (crawled from a foreign catalog by a hub).
    void allowUnsigned(const std::string& origin);
    // Origins that sign here but were offered as unsigned: every unsigned entry for them collides.
    void refuseUnsigned(const std::string& origin);

    struct Entry {
        common::PublicKey key;
        std::int64_t retiredAt;
    };
    std::map<std::string, std::vector<Entry>> m_keys;
    std::set<std::string> m_unsigned;
    std::set<std::string> m_refused;
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
    // Whether `origin` signs at this hub: a key is known for it (pinned, pending or retired), a
    // source was added with --public-key under its name, or it is this hub's own id.
    bool signs(const std::string& origin) const;
    // Adds every pinned and retired key of `origins` to `verifier`, and lets it take the records of
    // `unsignedOrigins` unsigned, except those of an origin that signs here: these collide (and
    // are returned, for the report).
    std::vector<std::string> load(Verifier& verifier, const std::set<std::string>& origins,
                                  const std::set<std::string>& unsignedOrigins = {}) const;

private:
    registry::store::Store& m_store;
};

// The canonical JSON a relayed record was signed as: without the top-level members hubs add
// (harvest, validation, signature, verified).
std::string canonicalSignedRecord(const common::JsonValue& record);

}  // namespace tweeling::federation::hub
