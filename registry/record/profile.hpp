#pragma once
// The twin record profile: schemas/twin-record.schema.json (JSON Schema draft-04, checked by
// RapidJSON's validator) plus the checks the schema cannot express, done in code. Every problem of a
// record is reported, each with a JSON Pointer and a sentence a publisher understands.
#include "common/json.hpp"
#include "common/problem.hpp"

#include <memory>
#include <string>

namespace tweeling::registry::record {

class Profile {
public:
    // The schema compiled into the program (generated from schemas/twin-record.schema.json).
    static const Profile& builtin();
    // A schema from a file (tests, and `validate --schema`). Throws std::runtime_error if unreadable.
    static Profile fromFile(const std::string& path);
    explicit Profile(const std::string& schemaText);
    ~Profile();
    Profile(Profile&&) noexcept;

    // Thread-safe (the compiled schema is shared and const; validators are per call).
    common::Problems validate(const common::JsonValue& record) const;

private:
    struct Private;
    std::unique_ptr<Private> m_private;
};

}  // namespace tweeling::registry::record
