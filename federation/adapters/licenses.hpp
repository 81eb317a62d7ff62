#pragma once
// Licences as foreign catalogs name them (CKAN's licence ids, data.overheid.nl's and ISO 19139's
// Creative Commons URIs) -> SPDX ids, shared by the adapters of every catalog kind.
#include <optional>
#include <string>
#include <string_view>

namespace tweeling::federation::adapters {

// The SPDX id of a licence id ("cc-by", "cc-zero", "odc-odbl", ...; any case, trimmed) or of a
// Creative Commons URI (".../publicdomain/zero/1.0/...", ".../licenses/by/4.0/..."); nullopt when
// not recognisable.
std::optional<std::string> spdxLicenseOf(std::string_view raw);

}  // namespace tweeling::federation::adapters
