#pragma once
// The OGC API – Records adapter lives in adapters/ogc_records/; this header forwards to it so that
// its users keep their include.
#include "adapters/ogc_records/ogc_records.hpp"
