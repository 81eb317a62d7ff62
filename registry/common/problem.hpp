#pragma once
// A problem found in a record: where (RFC 6901 JSON Pointer into the record) and what (a sentence a
// publisher understands). Validation returns a list of these; it never throws for bad input.
#include <string>
#include <vector>

namespace tweeling::common {

struct Problem {
    std::string pointer;  // e.g. "/properties/distributions/0/href"; "" is the whole document
    std::string message;  // e.g. "must be an absolute http or https URL"
};

using Problems = std::vector<Problem>;

}  // namespace tweeling::common
