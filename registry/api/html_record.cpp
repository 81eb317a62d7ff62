// The record page, and what a record shows (title, themes, formats; also in the search results).
#include "api/html_internal.hpp"
#include "record/geometry.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace tweeling::registry::api::html::detail {

namespace {

std::string timeText(const JsonValue& record) {
    const JsonValue* time = memberOf(&record, "time");
    if (!time) return "";
    const JsonValue* interval = memberOf(time, "interval");
    if (interval && interval->IsArray() && interval->Size() == 2 && (*interval)[0].IsString() &&
        (*interval)[1].IsString())
        return stringOf(&(*interval)[0]) + " – " + stringOf(&(*interval)[1]);
    std::string instant = stringOf(memberOf(time, "timestamp"));
    return instant.empty() ? stringOf(memberOf(time, "date")) : instant;
}

// The footprint's type and envelope ("minLon,minLat,maxLon,maxLat"), or "" when it has none.
std::string footprint(const JsonValue& record) {
    const JsonValue* geometry = memberOf(&record, "geometry");
    std::optional<record::Bbox> box = geometry ? record::envelope(*geometry) : std::nullopt;
    if (!box) return "";
    char text[128];
    std::snprintf(text, sizeof text, "%.6g,%.6g,%.6g,%.6g", box->minX, box->minY, box->maxX, box->maxY);
    return stringOf(memberOf(geometry, "type")) + " within " + text;
}

// Each distribution: its title (a link when http(s)), format and media type.
void distributionTable(std::string& content, const JsonValue* props) {
    const JsonValue* distributions = memberOf(props, "distributions");
    if (!distributions || !distributions->IsArray() || distributions->Empty()) return;
    content += "<h2>Distributions</h2><table><tr><th>Title</th><th>Format</th><th>Media type</th></tr>";
    for (const auto& distribution : distributions->GetArray()) {
        std::string href = stringOf(memberOf(&distribution, "href"));
        std::string label = stringOf(memberOf(&distribution, "title"));
        content += "<tr><td>";
        outsideUrl(content, href, label.empty() ? href : label);
        content += "</td><td>";
        put(content, stringOf(memberOf(&distribution, "format")));
        std::string version = stringOf(memberOf(&distribution, "formatVersion"));
        if (!version.empty()) put(content, " " + version);
        content += "</td><td>";
        put(content, stringOf(memberOf(&distribution, "mediaType")));
        content += "</td></tr>";
    }
    content += "</table>\n";
}

}  // namespace

const JsonValue* properties(const JsonValue& record) {
    return memberOf(&record, "properties");
}

std::string recordTitle(const JsonValue& record) {
    std::string text = stringOf(memberOf(properties(record), "title"));
    if (text.empty()) text = stringOf(memberOf(&record, "id"));
    return text.empty() ? "Untitled record" : text;
}

std::string recordHtmlUrl(const JsonValue& record, const std::string& base) {
    for (const auto& link : linksOf(memberOf(&record, "links")))
        if (link.rel == "self" && ours(link.href, base)) return withFormat(link.href, "html");
    return "";
}

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
    return text;
}

std::vector<std::string> themeNames(const JsonValue& record) {
    std::vector<std::string> names;
    const JsonValue* themes = memberOf(properties(record), "themes");
    if (!themes || !themes->IsArray()) return names;
    for (const auto& theme : themes->GetArray()) {
        const JsonValue* concepts = memberOf(&theme, "concepts");
        if (!concepts || !concepts->IsArray()) continue;
        for (const auto& concept : concepts->GetArray()) {
            std::string name = stringOf(memberOf(&concept, "title"));
            if (name.empty()) name = stringOf(memberOf(&concept, "id"));
            if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
        }
    }
    return names;
}

std::vector<std::string> formatNames(const JsonValue& record) {
    std::vector<std::string> names;
    const JsonValue* distributions = memberOf(properties(record), "distributions");
    if (!distributions || !distributions->IsArray()) return names;
    for (const auto& distribution : distributions->GetArray()) {
        std::string name = stringOf(memberOf(&distribution, "format"));
        if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    return names;
}

std::string recordPage(const JsonValue& record, const std::vector<Link>& links, const Shell& shell) {
    const std::string& base = shell.base;
    const JsonValue* props = properties(record);
    std::string name = recordTitle(record);
    std::string content = "<h1>";
    put(content, name);
    content += "</h1>\n<p class=\"description\">";
    put(content, stringOf(memberOf(props, "description")));
    content += "</p>\n<dl>";
    term(content, "Id", stringOf(memberOf(&record, "id")));
    term(content, "Type", stringOf(memberOf(props, "type")));
    const JsonValue* publisher = memberOf(props, "publisher");
    if (publisher) {
        content += "<dt>Publisher</dt><dd>";
        std::string publisherName = stringOf(memberOf(publisher, "name"));
        outsideUrl(content, stringOf(memberOf(publisher, "id")), publisherName);
        content += "</dd>";
    }
    term(content, "Themes", joined(themeNames(record)));
    term(content, "Updated", stringOf(memberOf(props, "updated")));
    term(content, "Time", timeText(record));
    term(content, "Footprint", footprint(record));
    term(content, "Origin", stringOf(memberOf(&record, "origin")));
    if (const JsonValue* verified = memberOf(&record, "verified"); verified && verified->IsBool())
        term(content, "Signature", verified->GetBool() ? "verified" : "not verified");
    content += "</dl>\n";

    distributionTable(content, props);
    if (props && props->IsObject()) {
        content += "<h2>All properties</h2>";
        renderMembers(content, *props, {"title", "description"}, 0);
    }
    // Navigation links (ours) first, then the record's own links, which are only links when http(s).
    std::vector<Link> own;
    for (const auto& link : linksOf(memberOf(&record, "links")))
        if (!ours(link.href, base) || (link.rel != "self" && link.rel != "alternate" && link.rel != "collection"))
            own.push_back(link);
    linkList(content, "Links", links, true);
    linkList(content, "Links of the record", own, false);
    return document(shell, {"record", name, links, trail(Page::Record, base, name), content});
}

}  // namespace tweeling::registry::api::html::detail
