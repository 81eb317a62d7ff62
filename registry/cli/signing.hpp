#pragma once
// The signing key of a node (or hub) on the command line: where it lives, and its rotation.
#include "cli/arguments.hpp"
#include "common/signature.hpp"
#include "store/store.hpp"

#include <memory>
#include <string>

namespace tweeling::cli {

// --signing-key FILE, or the database path + ".signing-key.pem" (README, "Signed records").
std::string signingKeyPath(const Arguments& arguments, const std::string& databasePath);
// Loads the key of the database at `databasePath`, making it (mode 0600) when it does not exist
// yet. A `keys rotate-signing` killed after its commit but before it swapped the key files is
// finished first (PATH.new becomes PATH), so the node never signs with the key it retired.
std::shared_ptr<const common::SigningKey> loadSigningKey(const std::string& path, const std::string& databasePath);

// keys rotate-signing: a new key, announced by a statement signed with the current one; the store
// re-signs every record published here. Prints the new public key. The server must be stopped.
int rotateSigningKey(registry::store::Store& store, const std::string& path);

}  // namespace tweeling::cli
