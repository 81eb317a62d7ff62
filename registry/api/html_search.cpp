// The search form and the page of search results (with a summary per record). The page has no
// facets: counting them costs more than the page on a large catalog, and the web UI asks the JSON
// API for them once the page is shown.
#include "api/html_internal.hpp"
#include "record/vocabulary.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace tweeling::registry::api::html::detail {

namespace {

constexpr std::size_t kSummaryBytes = 320;  // of a description in a list of results

void textInput(std::string& out, const char* name, const char* label, const std::string& value, const char* hint) {
    out += "<label>";
    out += label;
    out += " <input type=\"text\" name=\"";
    out += name;
    out += "\" value=\"";
    put(out, value);
    out += "\" placeholder=\"";
    out += hint;
    out += "\"></label> ";
}

// The first `bytes` bytes of a text, cut at a character boundary, with an ellipsis when cut.
std::string summary(const std::string& text, std::size_t bytes) {
    if (text.size() <= bytes) return text;
    std::size_t end = bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end) + "…";
}

void recordSummary(std::string& out, const JsonValue& record, const std::string& base) {
    const JsonValue* props = properties(record);
    out += "<li><article><h2>";
    std::string href = recordHtmlUrl(record, base);
    if (href.empty())
        put(out, recordTitle(record));
    else
        anchor(out, href, recordTitle(record));
    out += "</h2><p class=\"meta\">";
    std::string updated = stringOf(memberOf(props, "updated"));
    std::string line;
    for (const std::string& fact :
         {stringOf(memberOf(props, "type")), stringOf(memberOf(memberOf(props, "publisher"), "name")),
          updated.empty() ? updated : "updated " + updated})
        if (!fact.empty()) line += (line.empty() ? "" : " · ") + fact;
    put(out, line);
    out += "</p><p>";
    put(out, summary(stringOf(memberOf(props, "description")), kSummaryBytes));
    out += "</p>";
    std::string themes = joined(themeNames(record)), formats = joined(formatNames(record));
    if (!themes.empty() || !formats.empty()) {
        out += "<p class=\"meta\">";
        if (!themes.empty()) {
            out += "Themes: ";
            put(out, themes);
        }
        if (!themes.empty() && !formats.empty()) out += " · ";
        if (!formats.empty()) {
            out += "Formats: ";
            put(out, formats);
        }
        out += "</p>";
    }
    out += "</article></li>";
}

}  // namespace

void searchForm(std::string& out, const std::string& base, const Request& request) {
    out += "<form class=\"search\" method=\"get\" action=\"";
    put(out, base + kCollectionPath + "/items");
    out += "\"><input type=\"hidden\" name=\"f\" value=\"html\">";
    textInput(out, "q", "Search", queryValue(request, "q"), "gebouwen, hittestress");
    textInput(out, "bbox", "Area", queryValue(request, "bbox"), "4.7,52.2,5.1,52.5");
    textInput(out, "datetime", "Time", queryValue(request, "datetime"), "2024-01-01/..");
    out += "<label>Type <select name=\"type\"><option value=\"\">any</option>";
    std::string type = queryValue(request, "type");
    for (const char* candidate : record::kRecordTypes) {
        out += "<option";
        if (type == candidate) out += " selected";
        out += ">";
        out += candidate;
        out += "</option>";
    }
    out += "</select></label> <button type=\"submit\">Search</button></form>";
}

std::string itemsPage(const JsonValue& doc, const std::vector<Link>& links, const Shell& shell,
                      const Request& request) {
    const std::string& base = shell.base;
    std::int64_t matched = 0, offset = 0;
    if (const JsonValue* value = memberOf(&doc, "numberMatched"); value && value->IsInt64())
        matched = value->GetInt64();
    std::string offsetText = queryValue(request, "offset");
    if (!offsetText.empty() && offsetText.size() <= 18 &&
        std::all_of(offsetText.begin(), offsetText.end(), [](unsigned char c) { return std::isdigit(c); }))
        offset = std::atoll(offsetText.c_str());
    const JsonValue* features = memberOf(&doc, "features");
    std::size_t returned = features && features->IsArray() ? features->Size() : 0;

    std::string content = "<h1>Records</h1>\n";
    searchForm(content, base, request);
    content += "\n<p>";
    if (returned == 0) {
        content += matched == 0 ? "No records match." : "No records on this page.";
    } else {
        content += std::to_string(matched) + (matched == 1 ? " record matches" : " records match") + "; showing " +
                   std::to_string(offset + 1) + "–" + std::to_string(offset + static_cast<std::int64_t>(returned)) +
                   ".";
    }
    content += "</p>\n";
    if (returned > 0) {
        content += "<ol class=\"results\" start=\"" + std::to_string(offset + 1) + "\">";
        for (const auto& record : features->GetArray()) recordSummary(content, record, base);
        content += "</ol>\n";
    }
    content += "<p class=\"pager\">";
    for (const char* rel : {"prev", "next"})
        for (const auto& link : links)
            if (link.rel == rel) {
                anchor(content, link.href, link.rel == "prev" ? "← Previous page" : "Next page →");
                content += " ";
                break;
            }
    content += "</p>\n";
    linkList(content, "Links", links, true);
    return document(shell, {"search", "Records", links, trail(Page::Items, base, ""), content});
}

}  // namespace tweeling::registry::api::html::detail
