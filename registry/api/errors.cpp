#include "api/errors.hpp"

#include "common/text.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace tweeling::registry::api {

namespace {

// Problem documents quote what the client sent (a parameter, a member name, a media type, the
// path): each text is cut to a bound, and the list of errors too, so that no input is echoed
// without limit; and whatever bytes came in, the document stays UTF-8.
constexpr std::size_t kMaxProblemText = 1024;
constexpr std::size_t kMaxProblemInstance = 8192;
constexpr std::size_t kMaxProblemErrors = 100;

std::string quoted(const std::string& text, std::size_t limit = kMaxProblemText) {
    return common::toValidUtf8(common::truncateUtf8(text, limit));
}

void member(rapidjson::Writer<rapidjson::StringBuffer>& writer, const char* name, const std::string& value) {
    writer.Key(name);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::string problemDocument(const ProblemType& type, const std::string& detail, const std::string& instance,
                            const ApiError* error) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    member(writer, "type", type.uri());
    member(writer, "title", type.title);
    writer.Key("status");
    writer.Int(type.status);
    member(writer, "detail", quoted(detail));
    if (!instance.empty()) member(writer, "instance", quoted(instance, kMaxProblemInstance));
    if (error) {
        if (!error->parameter().empty()) member(writer, "parameter", quoted(error->parameter()));
        for (const auto& [name, value] : error->extras()) {
            writer.Key(name.c_str());
            writer.Int64(value);
        }
        if (!error->problems().empty()) {
            writer.Key("errors");
            writer.StartArray();
            std::size_t listed = 0;
            for (const auto& problem : error->problems()) {
                if (listed++ == kMaxProblemErrors) break;  // "detail" says how many there are
                writer.StartObject();
                member(writer, "pointer", quoted(problem.pointer));
                member(writer, "detail", quoted(problem.message));
                writer.EndObject();
            }
            writer.EndArray();
        }
        if (!error->parameter().empty() || !error->problems().empty()) {
            writer.Key("invalid-params");
            writer.StartArray();
            if (!error->parameter().empty()) {
                writer.StartObject();
                member(writer, "name", quoted(error->parameter()));
                member(writer, "reason", quoted(error->parameterReason()));
                writer.EndObject();
            }
            std::size_t listed = 0;
            for (const auto& problem : error->problems()) {
                if (listed++ == kMaxProblemErrors) break;
                writer.StartObject();
                member(writer, "name", quoted(problem.pointer));
                member(writer, "reason", quoted(problem.message));
                writer.EndObject();
            }
            writer.EndArray();
        }
    }
    writer.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace tweeling::registry::api
