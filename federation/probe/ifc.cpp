// IFC as a STEP physical file (ISO 10303-21): the file's start and its HEADER section, which names
// the schema (IFC2X3, IFC4, IFC4X3_ADD2, ...). The header is a few hundred bytes at the start; the
// DATA section after it is never read. ifcZIP and ifcXML are recognised but not checked.
#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "common/text.hpp"
#include "probe/fetch_checks.hpp"
#include "probe/probe.hpp"

namespace tweeling::federation::probe {

namespace {

constexpr const char* kHeader = "ifc.header";
constexpr const char* kSchema = "ifc.schema";

// The schema names buildingSMART published; anything else starting with IFC is a draft or a typo.
constexpr std::array<std::string_view, 14> kKnownSchemas = {
    "IFC2X",         "IFC2X2", "IFC2X3", "IFC2X3_TC1", "IFC4",       "IFC4_ADD1",   "IFC4_ADD2",
    "IFC4_ADD2_TC1", "IFC4X1", "IFC4X2", "IFC4X3",     "IFC4X3_TC1", "IFC4X3_ADD1", "IFC4X3_ADD2",
};

// Reads the clear text encoding's tokens that a HEADER section is made of, skipping whitespace and
// comments; strings are read with their '' escapes.
class StepScanner {
public:
    explicit StepScanner(std::string_view text) : m_text(text) {}

    bool atEnd() {
        skipSpace();
        return m_at >= m_text.size();
    }
    // Consumes `literal` if the text continues with it.
    bool take(std::string_view literal) {
        skipSpace();
        if (m_text.substr(m_at, literal.size()) != literal) return false;
        m_at += literal.size();
        return true;
    }
    std::string keyword() {
        skipSpace();
        std::size_t start = m_at;
        while (m_at < m_text.size() && (std::isalnum(static_cast<unsigned char>(m_text[m_at])) || m_text[m_at] == '_'))
            ++m_at;
        return common::toUpperAscii(m_text.substr(start, m_at - start));
    }
    std::optional<std::string> string() {
        skipSpace();
        if (m_at >= m_text.size() || m_text[m_at] != '\'') return std::nullopt;
        std::string out;
        for (++m_at; m_at < m_text.size(); ++m_at) {
            if (m_text[m_at] != '\'') {
                out += m_text[m_at];
            } else if (m_at + 1 < m_text.size() && m_text[m_at + 1] == '\'') {
                out += '\'';
                ++m_at;
            } else {
                ++m_at;
                return out;
            }
        }
        return std::nullopt;  // the text ends inside the string
    }
    // Skips the rest of a parameter list whose "(" was taken, up to and including its ")".
    bool skipList() {
        int depth = 1;
        while (depth > 0) {
            skipSpace();
            if (m_at >= m_text.size()) return false;
            char c = m_text[m_at];
            if (c == '\'') {
                if (!string()) return false;
                continue;
            }
            if (c == '(') ++depth;
            if (c == ')') --depth;
            ++m_at;
        }
        return true;
    }

private:
    void skipSpace() {
        while (m_at < m_text.size()) {
            if (std::isspace(static_cast<unsigned char>(m_text[m_at]))) {
                ++m_at;
            } else if (m_text.substr(m_at, 2) == "/*") {
                std::size_t end = m_text.find("*/", m_at + 2);
                m_at = end == std::string_view::npos ? m_text.size() : end + 2;
            } else {
                break;
            }
        }
    }

    std::string_view m_text;
    std::size_t m_at = 0;
};

struct StepHeader {
    bool complete = false;              // ENDSEC; was read
    std::optional<std::string> schema;  // the first name in FILE_SCHEMA
    bool schemaListed = false;          // FILE_SCHEMA was there (perhaps empty)
};

// The HEADER section's entities after "HEADER;" up to "ENDSEC;".
StepHeader readHeader(StepScanner& scanner) {
    StepHeader header;
    while (!scanner.atEnd()) {
        std::string name = scanner.keyword();
        if (name == "ENDSEC" && scanner.take(";")) {
            header.complete = true;
            return header;
        }
        if (name.empty() || !scanner.take("(")) return header;
        if (name == "FILE_SCHEMA") {
            header.schemaListed = true;
            if (scanner.take("(")) {
                if (auto first = scanner.string()) header.schema = *first;
                if (!scanner.skipList()) return header;
            }
        }
        if (!scanner.skipList() || !scanner.take(";")) return header;
    }
    return header;
}

// "IFC4X3_ADD2" from "ifc4x3_add2" or "IFC4 {1 0 10303 ...}" (a name may carry an object identifier).
std::string schemaName(const std::string& raw) {
    std::string name = common::trim(raw);
    name = name.substr(0, name.find_first_of(" {"));
    return common::toUpperAscii(name);
}

void checkSchema(const StepHeader& header, bool truncated, const Limits& limits, ProbeResult& result) {
    if (!header.schema) {
        if (!header.complete && truncated)
            addCheck(
                result, kSchema, Status::Warn,
                "No FILE_SCHEMA in the first " + byteSize(limits.maxHeaderBytes) + ", so the schema was not checked.");
        else
            addCheck(result, kSchema, Status::Fail,
                     header.schemaListed ? "FILE_SCHEMA names no schema."
                                         : "The HEADER section has no FILE_SCHEMA, which names the IFC schema "
                                           "(e.g. FILE_SCHEMA(('IFC4'))).");
        return;
    }
    std::string name = schemaName(*header.schema);
    bool known = false;
    for (std::string_view schema : kKnownSchemas) known = known || name == schema;
    if (known) {
        result.facts.version = name;
        addCheck(result, kSchema, Status::Pass, "Schema " + name + ".");
    } else if (common::startsWithIgnoreCaseAscii(name, "IFC")) {
        result.facts.version = common::toValidUtf8(name);
        addCheck(result, kSchema, Status::Warn,
                 "The schema " + quoted(name) + " is not one buildingSMART published; readers may refuse the file.");
    } else {
        addCheck(result, kSchema, Status::Fail, "The schema " + quoted(name) + " is not an IFC schema.");
    }
}

}  // namespace

void probeIfc(const std::string& url, const Fetch& fetch, const Limits& limits, ProbeResult& result) {
    RequestBudget budget(fetch, limits);
    FetchResponse response = budget.fetch(url, limits.maxHeaderBytes);
    if (!checkReachable(response, url, result)) return;
    std::string_view body = response.body;
    if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
    if (body.substr(0, 4) == "PK\x03\x04") {
        addCheck(result, kHeader, Status::Warn, "The file is a zip archive (ifcZIP), so it was not checked.");
        return;
    }
    std::string_view start = common::trimView(body.substr(0, 64));
    if (!start.empty() && start.front() == '<') {
        // A server's error or login page is HTML, and no IFC file at all.
        std::string folded = common::toLowerAscii(start);
        if (folded.find("<html") != std::string::npos || folded.find("<!doctype html") != std::string::npos)
            addCheck(result, kHeader, Status::Fail, "The server sent an HTML page, not an IFC file.");
        else
            addCheck(result, kHeader, Status::Warn, "The file is XML (ifcXML), so it was not checked.");
        return;
    }

    StepScanner scanner(body);
    if (!scanner.take("ISO-10303-21;")) {
        addCheck(result, kHeader, Status::Fail,
                 "The file does not start with ISO-10303-21;, so it is not an IFC STEP file (it starts with " +
                     quoted(start.substr(0, 16)) + ").");
        return;
    }
    if (!scanner.take("HEADER;")) {
        addCheck(result, kHeader, Status::Fail, "The file has no HEADER section after ISO-10303-21;.");
        return;
    }
    StepHeader header = readHeader(scanner);
    if (header.complete)
        addCheck(result, kHeader, Status::Pass, "An ISO 10303-21 file with a HEADER section.");
    else if (response.truncated)
        addCheck(result, kHeader, Status::Warn,
                 "The HEADER section does not end (ENDSEC;) within the first " + byteSize(limits.maxHeaderBytes) +
                     " or cannot be read.");
    else
        addCheck(result, kHeader, Status::Fail, "The HEADER section cannot be read or does not end with ENDSEC;.");
    checkSchema(header, response.truncated, limits, result);
}

}  // namespace tweeling::federation::probe
