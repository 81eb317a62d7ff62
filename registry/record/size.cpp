#include "record/size.hpp"

#include <rapidjson/writer.h>

#include <cstring>
#include <string>

namespace tweeling::registry::record {

namespace {

// Counts what rapidjson::Writer would write, without keeping it: a record over the limit may be
// tens of megabytes.
struct CountingStream {
    using Ch = char;
    std::size_t bytes = 0;
    void Put(Ch) { ++bytes; }
    void Flush() {}
};

bool addedByHubs(const common::JsonValue& name) {
    for (const char* member : {"harvest", "validation", "signature", "verified"})
        if (name.GetStringLength() == std::strlen(member) && std::strcmp(name.GetString(), member) == 0) return true;
    return false;
}

}  // namespace

std::size_t recordBytes(const common::JsonValue& record) {
    CountingStream out;
    rapidjson::Writer<CountingStream> writer(out);
    if (!record.IsObject()) {
        record.Accept(writer);
        return out.bytes;
    }
    writer.StartObject();
    for (const auto& member : record.GetObject()) {
        if (addedByHubs(member.name)) continue;
        writer.Key(member.name.GetString(), member.name.GetStringLength());
        member.value.Accept(writer);
    }
    writer.EndObject(static_cast<rapidjson::SizeType>(record.MemberCount()));
    return out.bytes;
}

std::optional<common::Problem> checkRecordSize(const common::JsonValue& record) {
    std::size_t bytes = recordBytes(record);
    if (bytes <= kMaxRecordBytes) return std::nullopt;
    return common::Problem{"", "the record is " + std::to_string(bytes) + " bytes of JSON; a record may be at most " +
                                   std::to_string(kMaxRecordBytes) + " bytes (1 MiB)"};
}

}  // namespace tweeling::registry::record
