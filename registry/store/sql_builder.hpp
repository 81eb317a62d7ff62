#pragma once
// The one builder of parameterised SQL text: the general SQL path (search_sql.cpp) and the CQL2
// compiler (cql2_sql.cpp) both write through it. Internal to registry/store.
#include "record/record.hpp"
#include "store/planner.hpp"

#include <string_view>
#include <utility>
#include <vector>

namespace tweeling::registry::store::planner {

// Appends SQL text and its parameters in step, so placeholders and values never drift apart.
class SqlBuilder {
public:
    SqlBuilder& sql(std::string_view text) {
        m_query.sql.append(text);
        return *this;
    }
    SqlBuilder& param(SqlParam value) {
        m_query.sql.push_back('?');
        m_query.params.push_back(std::move(value));
        return *this;
    }
    // A condition compiled elsewhere with bare `?` placeholders: its parameters follow in order.
    SqlBuilder& fragment(const SqlQuery& condition) {
        m_query.sql.append(condition.sql);
        m_query.params.insert(m_query.params.end(), condition.params.begin(), condition.params.end());
        return *this;
    }
    SqlBuilder& list(const std::vector<std::string>& values) {
        m_query.sql.push_back('(');
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i) m_query.sql.push_back(',');
            param(values[i]);
        }
        m_query.sql.push_back(')');
        return *this;
    }
    SqlQuery take() { return std::move(m_query); }

private:
    SqlQuery m_query;
};

// Records whose footprint intersects `box`: bbox= and CQL2's S_INTERSECTS mean the same. The
// R*Tree narrows to a superset (it rounds outwards to 32-bit floats); the row's exact bbox decides.
inline void appendBoxCondition(SqlBuilder& out, const record::Bbox& box) {
    out.sql("r.rid IN (SELECT rid FROM records_rtree WHERE min_x <= ")
        .param(box.maxX)
        .sql(" AND max_x >= ")
        .param(box.minX)
        .sql(" AND min_y <= ")
        .param(box.maxY)
        .sql(" AND max_y >= ")
        .param(box.minY)
        .sql(") AND r.min_x <= ")
        .param(box.maxX)
        .sql(" AND r.max_x >= ")
        .param(box.minX)
        .sql(" AND r.min_y <= ")
        .param(box.maxY)
        .sql(" AND r.max_y >= ")
        .param(box.minY);
}

}  // namespace tweeling::registry::store::planner
