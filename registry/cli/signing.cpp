#include "cli/signing.hpp"

#include "common/jcs.hpp"
#include "common/json.hpp"
#include "common/time.hpp"

#include <cstdio>
#include <iostream>
#include <stdexcept>

namespace tweeling::cli {

std::string signingKeyPath(const Arguments& arguments, const std::string& databasePath) {
    return arguments.get("signing-key", databasePath + ".signing-key.pem");
}

std::shared_ptr<const common::SigningKey> loadSigningKey(const std::string& path) {
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
