#pragma once
// The store's schema as an ordered list of migrations, tracked by PRAGMA user_version. Internal to
// registry/store.
#include "store/sqlite.hpp"

namespace tweeling::registry::store {

// The schema version this build writes. A database with a higher user_version was made by newer
// software and is refused.
int latestSchemaVersion();

// Applies every migration newer than the database's user_version, each in its own IMMEDIATE
// transaction (re-reading user_version inside it, so two processes opening a new file at once do not
// both migrate). Idempotent: a database that is up to date is left untouched.
void migrate(Database& database);

}  // namespace tweeling::registry::store
