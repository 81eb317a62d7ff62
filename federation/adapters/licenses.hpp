#pragma once
// May one use the data: the licence and access-rights vocabularies of foreign catalogs, shared by
// the adapters of every catalog kind (CKAN's licence ids, Creative Commons and EU Publications
// Office licence IRIs, DCAT-AP's access-right IRIs, INSPIRE's limitations, Dutch words), so that
// each licence is recognised the same way whichever catalog says it.
#include <optional>
#include <string>
#include <string_view>

namespace tweeling::federation::adapters {

// The SPDX id of a licence given as an SPDX licence IRI (http://spdx.org/licenses/CC-BY-4.0), a CKAN
// licence id ("cc-by", "cc-zero", "odc-odbl", ...), a Creative Commons URL (…/licenses/by/4.0/, …/publicdomain/zero/1.0/) or an EU Publications Office
// licence IRI (http://publications.europa.eu/resource/authority/licence/CC_BY_4_0); nullopt when
// it is none of those.
std::optional<std::string> spdxLicense(std::string_view raw);

// Open: anyone may get the data (CC licences including NC/ND, open data licences, public domain).
bool isOpenLicense(std::string_view license);

// The twin profile's `rights` ("public", "restricted", "non-public") an access level names: a word
// or the last segment of an IRI (DCAT-AP's access-right PUBLIC/RESTRICTED/NON_PUBLIC, INSPIRE's
// LimitationsOnPublicAccess noLimitations and INSPIRE_Directive_Article13_*, Dutch openbaar/
// beperkt/niet openbaar); "" when it names none.
std::string rightsOfAccessLevel(std::string_view raw);

}  // namespace tweeling::federation::adapters
