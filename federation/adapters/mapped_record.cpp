#include "adapters/mapped_record.hpp"

#include <algorithm>

#include "record/record.hpp"

namespace tweeling::federation::adapters {

using common::Problem;
using common::Problems;

namespace {

// True when `inner` is `outer` or lies inside it.
bool within(const std::string& inner, const std::string& outer) {
    if (inner == outer) return true;
    return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 && inner[outer.size()] == '/';
}

}  // namespace

void addProfileProblems(MappedRecord& mapped, const registry::record::Profile& profile) {
    Problems problems = profile.validate(mapped.record);
    Problems warned = mapped.warnings;
    for (Problem& problem : problems) {
        auto covers = [&](const Problem& own) { return within(problem.pointer, own.pointer); };
        if (std::any_of(mapped.rejections.begin(), mapped.rejections.end(), covers)) continue;
        if (registry::record::isEssentialProblem(problem.pointer)) {
            mapped.rejections.push_back(std::move(problem));
            continue;
        }
        // Already said as a warning: not repeated.
        if (std::any_of(warned.begin(), warned.end(), covers)) continue;
        mapped.warnings.push_back(std::move(problem));
    }
}

}  // namespace tweeling::federation::adapters
