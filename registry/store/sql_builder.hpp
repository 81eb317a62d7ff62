#pragma once
// The builder of parameterised SQL text of the general SQL path (search_sql.cpp). Internal to
// registry/store.
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

}  // namespace tweeling::registry::store::planner
