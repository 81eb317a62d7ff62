#include "hub/report.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sstream>

namespace tweeling::federation::hub {

void HarvestReport::reject(RecordProblems problems) {
    ++rejected;
    if (rejectedRecords.size() < kMaxListed) rejectedRecords.push_back(std::move(problems));
}

void HarvestReport::warn(RecordProblems problems) {
    ++warnings;
    if (warnedRecords.size() < kMaxListed) warnedRecords.push_back(std::move(problems));
}

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void text(Writer& writer, const char* name, const std::string& value) {
    writer.Key(name);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void records(Writer& writer, const char* name, const std::vector<RecordProblems>& list) {
    writer.Key(name);
    writer.StartArray();
    for (const auto& record : list) {
        writer.StartObject();
        text(writer, "id", record.id);
        text(writer, "origin", record.origin);
        text(writer, "where", record.where);
        writer.Key("problems");
        writer.StartArray();
        for (const auto& problem : record.problems) {
            writer.StartObject();
            text(writer, "pointer", problem.pointer);
            text(writer, "message", problem.message);
            writer.EndObject();
        }
        writer.EndArray();
        writer.EndObject();
    }
    writer.EndArray();
}

}  // namespace

std::string HarvestReport::toJson() const {
    rapidjson::StringBuffer buffer;
    Writer writer(buffer);
    writer.StartObject();
    text(writer, "source", source);
    text(writer, "kind", kind);
    text(writer, "url", url);
    text(writer, "started", started);
    text(writer, "finished", finished);
    text(writer, "status", status);
    if (!error.empty()) text(writer, "error", error);
    writer.Key("resync");
    writer.Bool(resync);
    writer.Key("continues");
    writer.Bool(continues);
    writer.Key("pages");
    writer.Int(pages);
    writer.Key("counts");
    writer.StartObject();
    for (auto [name, value] : {std::pair<const char*, std::int64_t>{"added", added},
                               {"updated", updated},
                               {"unchanged", unchanged},
                               {"stale", stale},
                               {"deleted", deleted},
                               {"rejected", rejected},
                               {"warnings", warnings},
                               {"heldDeletions", heldDeletions}}) {
        writer.Key(name);
        writer.Int64(value);
    }
    writer.EndObject();
    records(writer, "rejected", rejectedRecords);
    records(writer, "warnings", warnedRecords);
    writer.Key("notes");
    writer.StartArray();
    for (const auto& note : notes) writer.String(note.c_str(), static_cast<rapidjson::SizeType>(note.size()));
    writer.EndArray();
    writer.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string HarvestReport::toText() const {
    std::ostringstream out;
    out << source << " (" << kind << ", " << url << "): " << status;
    if (resync) out << ", full resync";
    if (continues) out << ", continues next round";
    out << "\n  " << added << " added, " << updated << " updated, " << unchanged << " unchanged, " << stale
        << " stale, " << deleted << " deleted, " << rejected << " rejected, " << warnings << " with warnings";
    if (heldDeletions) out << ", " << heldDeletions << " deletions held back";
    out << " (" << pages << " pages, " << started << " – " << finished << ")\n";
    if (!error.empty()) out << "  error: " << error << "\n";
    for (const auto& note : notes) out << "  note: " << note << "\n";
    auto list = [&](const char* label, const std::vector<RecordProblems>& records) {
        for (const auto& record : records) {
            out << "  " << label << " " << (record.origin.empty() ? "" : record.origin + ":") << record.id << " ("
                << record.where << ")\n";
            for (const auto& problem : record.problems)
                out << "    " << (problem.pointer.empty() ? "/" : problem.pointer) << ": " << problem.message << "\n";
        }
    };
    list("rejected", rejectedRecords);
    list("warning", warnedRecords);
    return out.str();
}

}  // namespace tweeling::federation::hub
