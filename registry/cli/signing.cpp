#include "cli/signing.hpp"

#include "common/jcs.hpp"
#include "common/json.hpp"
#include "common/time.hpp"

#include "store/sqlite.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <stdexcept>

namespace tweeling::cli {

namespace {

// The last key rotation the database holds (a JSON object), or null when it has none, or when
// there is no store in the file yet (the store makes one).
common::Json lastRotation(const std::string& databasePath) {
    common::Json last;
    if (::access(databasePath.c_str(), F_OK) != 0) return last;
    try {
        registry::store::Database database(databasePath);
        registry::store::Statement select(database, "SELECT value FROM meta WHERE key = 'key_rotations'");
        common::Json history;
        if (!select.step() || common::parseUntrusted(select.text(0), history) || !history.IsArray() || history.Empty())
            return last;
        last.CopyFrom(history[history.Size() - 1], last.GetAllocator());
    } catch (const registry::store::SqliteError&) {
        // No meta table yet: a new database.
    }
    return last;
}

std::string member(const common::Json& object, const char* name) {
    if (!object.IsObject()) return "";
    auto found = object.FindMember(name);
    return found != object.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
}

// `keys rotate-signing` commits the rotation in the database, then swaps the key files. Killed in
// between, it leaves the new key in PATH.new (and perhaps the old one already moved away) while
// the database has re-signed every record with it and announces it: the swap is finished here.
// A PATH.new the database does not name is a rotation that never committed: it is removed.
void finishInterruptedRotation(const std::string& path, const std::string& databasePath) {
    const std::string pending = path + ".new";
    if (::access(pending.c_str(), F_OK) != 0) return;
    common::Json last = lastRotation(databasePath);
    std::string named = member(last, "publicKey");
    bool committed = false;
    try {
        committed = !named.empty() && common::SigningKey::load(pending).publicKey().base64Url() == named;
    } catch (const common::SignatureError&) {
        // Cut short while being written: its rotation cannot have committed.
    }
    if (!committed) {
        std::remove(pending.c_str());
        return;
    }
    std::string retired = path + ".retired-" + member(last, "at");
    if (::access(path.c_str(), F_OK) == 0 && std::rename(path.c_str(), retired.c_str()) != 0)
        throw std::runtime_error("a key rotation was interrupted, and moving " + path + " to " + retired +
                                 " failed: move it, then " + pending + " to " + path + ", by hand");
    if (std::rename(pending.c_str(), path.c_str()) != 0)
        throw std::runtime_error("a key rotation was interrupted, and moving " + pending + " to " + path +
                                 " failed: move it by hand");
    std::cerr << "finished the key rotation of " << member(last, "at") << " that was interrupted: " << path
              << " is the new key, the old one is kept in " << retired << '\n';
}

}  // namespace

std::string signingKeyPath(const Arguments& arguments, const std::string& databasePath) {
    return arguments.get("signing-key", databasePath + ".signing-key.pem");
}

std::shared_ptr<const common::SigningKey> loadSigningKey(const std::string& path, const std::string& databasePath) {
    finishInterruptedRotation(path, databasePath);
    return std::make_shared<const common::SigningKey>(common::SigningKey::loadOrCreate(path));
}


int rotateSigningKey(registry::store::Store& store, const std::string& path) {
    auto current = store.signingKey();
    if (!current) throw std::runtime_error("this database has no signing key to rotate");
    auto next = std::make_shared<const common::SigningKey>(common::SigningKey::generate());
    std::string at = common::nowRfc3339();
    std::string bytes =
        common::rotationStatementBytes(store.nodeId(), current->publicKey().base64Url(), next->publicKey().base64Url(), at);
    common::Json statement;
    common::parseUntrusted(bytes, statement);
    statement.AddMember("signature", common::JsonValue(current->sign(bytes).c_str(), statement.GetAllocator()),
                        statement.GetAllocator());

    // The new key is written first, beside the current one; the database commits the rotation and
    // the re-signed records in one transaction; then the files swap. The old key is kept (renamed),
    // never deleted: it is the only proof of what it signed.
    std::string pending = path + ".new";
    std::remove(pending.c_str());
    next->save(pending);
    std::int64_t resigned = 0;
    try {
        resigned = store.rotateSigningKey(next, common::toString(statement));
    } catch (...) {
        std::remove(pending.c_str());
        throw;
    }
    std::string retired = path + ".retired-" + at;
    if (std::rename(path.c_str(), retired.c_str()) != 0 || std::rename(pending.c_str(), path.c_str()) != 0)
        throw std::runtime_error("the rotation is committed, but moving " + pending + " to " + path +
                                 " failed: move it by hand before starting the node");
    std::cerr << "rotated the signing key at " << at << "; re-signed " << resigned
              << " records and tombstones; the old key is kept in " << retired << '\n';
    std::cout << next->publicKey().base64Url() << std::endl;
    return 0;
}

}  // namespace tweeling::cli
