// The hub's pages for people: /sources, /sources/{id} and /twin (pages.hpp).
#include "hub/pages.hpp"

#include "common/json.hpp"
#include "common/url.hpp"

#include <cmath>
#include <stdexcept>

namespace tweeling::federation::hub {

namespace html = registry::api::html;
using common::JsonValue;
using registry::api::Request;
using registry::api::Response;

namespace {

// The hub wrote this JSON itself a moment ago.
common::Json parsed(const std::string& json) {
    common::Json doc;
    doc.Parse(json.c_str(), json.size());
    if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("the JSON of a hub page is not an object");
    return doc;
}

std::string textOf(const JsonValue& object, const char* name) {
    auto value = common::stringMember(object, name);
    return value ? std::string(*value) : std::string();
}

// A number member as text, "" when absent or null.
std::string numberOf(const JsonValue& object, const char* name) {
    const JsonValue* value = common::member(object, name);
    return value && value->IsNumber() ? common::toString(*value) : "";
}

void cell(std::string& out, const std::string& text) {
    out += "<td>";
    out += html::escape(text.empty() ? "–" : text);
    out += "</td>";
}

// The share of probed records no check fails, as a percentage; "–" when nothing was probed.
std::string score(const JsonValue& source) {
    const JsonValue* quality = common::member(source, "quality");
    const JsonValue* value = quality && quality->IsObject() ? common::member(*quality, "score") : nullptr;
    if (!value || !value->IsNumber()) return "–";
    return std::to_string(static_cast<int>(std::lround(value->GetDouble() * 100))) + "%";
}

// The table of sources. The quality column only when a source has a quality (a hub that probes
// assets lists it per source at /sources/{id}; the list leaves it out, for it costs queries per source).
void sourceTable(std::string& out, const JsonValue& sources, const std::string& base) {
    bool quality = false;
    for (const auto& source : sources.GetArray())
        quality = quality || (source.IsObject() && source.HasMember("quality"));
    out +=
        "<table class=\"sources\"><tr><th>Source</th><th>Kind</th><th>State</th><th>Last success</th>"
        "<th>Records held</th><th>Rejected</th>";
    if (quality) out += "<th>Quality</th>";
    out += "</tr>";
    for (const auto& source : sources.GetArray()) {
        if (!source.IsObject()) continue;
        const std::string id = textOf(source, "id");
        out += "<tr><td>";
        html::anchor(out, base + "/sources/" + common::percentEncode(id, common::percent::kPathSegment) + "?f=html",
                     id);
        out += "</td>";
        cell(out, textOf(source, "kind"));
        cell(out, textOf(source, "state"));
        cell(out, textOf(source, "lastSuccess"));
        cell(out, numberOf(source, "recordsHeld"));
        cell(out, numberOf(source, "recordsRejected"));
        if (quality) cell(out, score(source));
        out += "</tr>";
    }
    out += "</table>\n";
}

// What the probes found in the source's records: counts, each check, the failing records.
void qualitySection(std::string& out, const JsonValue& quality, const std::string& base) {
    out += "<h2>Quality of its records' assets</h2><dl>";
    for (const char* name : {"held", "probed", "pass", "warn", "fail", "score"})
        html::term(out, name, numberOf(quality, name));
    html::term(out, "last checked", textOf(quality, "lastChecked"));
    out += "</dl>\n";
    const JsonValue* checks = common::member(quality, "checks");
    if (checks && checks->IsArray() && !checks->Empty()) {
        out += "<table class=\"checks\"><tr><th>Check</th><th>Records</th><th>Pass</th><th>Warn</th><th>Fail</th></tr>";
        for (const auto& check : checks->GetArray()) {
            if (!check.IsObject()) continue;
            out += "<tr>";
            cell(out, textOf(check, "id"));
            for (const char* name : {"records", "pass", "warn", "fail"}) cell(out, numberOf(check, name));
            out += "</tr>";
        }
        out += "</table>\n";
    }
    const JsonValue* failing = common::member(quality, "failing");
    if (failing && failing->IsArray() && !failing->Empty()) {
        out += "<h3>Failing records</h3><ul class=\"failing\">";
        for (const auto& record : failing->GetArray()) {
            if (!record.IsObject()) continue;
            const std::string key = textOf(record, "record");
            out += "<li>";
            html::anchor(out,
                         base + "/collections/twins/items/" +
                             common::percentEncode(key, common::percent::kPathSegment) + "?f=html",
                         key);
            const JsonValue* failed = common::member(record, "checks");
            if (failed && failed->IsArray())
                for (const auto& check : failed->GetArray())
                    if (check.IsObject())
                        out += "<br><small>" + html::escape(textOf(check, "id")) + ": " +
                               html::escape(textOf(check, "message")) + "</small>";
            out += "</li>";
        }
        out += "</ul>\n";
    }
}

std::vector<html::Link> pageLinks(const std::string& self, const std::string& json, const char* jsonType,
                                  const char* jsonName) {
    return {{self, "self", "text/html", "This document"},
            {json, "alternate", jsonType, std::string("This document as ") + jsonName}};
}

}  // namespace

Response sourcesPage(const std::string& json, const html::Shell& shell) {
    const common::Json doc = parsed(json);
    const std::string& base = shell.base;
    std::string content =
        "<h1>Sources</h1>\n<p class=\"description\">The registry nodes, hubs and catalogs this hub harvests, "
        "and how their last harvests went.</p>\n";
    const JsonValue* sources = common::member(doc, "sources");
    if (sources && sources->IsArray() && !sources->Empty())
        sourceTable(content, *sources, base);
    else
        content += "<p>This hub has no sources yet.</p>\n";
    auto links = pageLinks(base + "/sources?f=html", base + "/sources", "application/json", "JSON");
    html::Trail trail = {{base + "/?f=html", "Home"}, {"", "Sources"}};
    return html::pageResponse(html::document(shell, {"sources", "Sources", links, trail, content}), links);
}

Response sourcePage(const std::string& json, const html::Shell& shell) {
    const common::Json doc = parsed(json);
    const std::string& base = shell.base;
    const std::string id = textOf(doc, "id");
    const std::string url = base + "/sources/" + common::percentEncode(id, common::percent::kPathSegment);
    std::string content = "<h1>Source " + html::escape(id) + "</h1>\n";
    common::Json row(rapidjson::kArrayType);
    row.PushBack(JsonValue(doc, row.GetAllocator()), row.GetAllocator());
    sourceTable(content, row, base);
    content += "<dl><dt>URL</dt><dd>";
    const std::string sourceUrl = textOf(doc, "url");
    html::outsideUrl(content, sourceUrl, sourceUrl);
    content += "</dd>";
    html::term(content, "Last attempt", textOf(doc, "lastAttempt"));
    html::term(content, "Last error", textOf(doc, "lastError"));
    html::term(content, "Next harvest", textOf(doc, "nextHarvest"));
    html::term(content, "Pending deletions", numberOf(doc, "pendingDeletions"));
    content += "</dl>\n<p>";
    html::anchor(
        content,
        base + "/collections/twins/items?f=html&source=" + common::percentEncode(id, common::percent::kQueryValue),
        "The records harvested from it");
    content += " · ";
    html::anchor(content, url + "/reports/latest", "The report of its last harvest (JSON)");
    content += "</p>\n";
    if (const JsonValue* quality = common::member(doc, "quality"); quality && quality->IsObject())
        qualitySection(content, *quality, base);
    auto links = pageLinks(url + "?f=html", url, "application/json", "JSON");
    html::Trail trail = {{base + "/?f=html", "Home"}, {base + "/sources?f=html", "Sources"}, {"", id}};
    return html::pageResponse(html::document(shell, {"source", "Source " + id, links, trail, content}), links);
}

Response twinPage(const Request& request, const html::Shell& shell) {
    const std::string& base = shell.base;
    // The page's search parameters are the tileset's: /twin?themes=buildings shows that tileset.
    std::string query;
    for (const auto& [name, value] : request.query) {
        if (name == "f") continue;
        query += (query.empty() ? "?" : "&") + common::percentEncode(name, common::percent::kQueryValue) + "=" +
                 common::percentEncode(value, common::percent::kQueryValue);
    }
    const std::string tileset = base + "/twin/tileset.json" + query;
    std::string content =
        "<h1>The national 3D twin</h1>\n<p class=\"description\">One 3D Tiles 1.1 tileset assembled from the "
        "tilesets of the records this hub holds; every tile comes from its publisher's own server. This page "
        "shows it in 3D with JavaScript and WebGL.</p>\n<p>Without them, open the tileset in any 3D Tiles "
        "viewer: ";
    html::anchor(content, tileset, tileset);
    content += "</p>\n";
    auto links = pageLinks(base + "/twin" + query, tileset, "application/json", "3D Tiles tileset");
    html::Trail trail = {{base + "/?f=html", "Home"}, {"", "3D twin"}};
    return html::pageResponse(html::document(shell, {"twin", "The national 3D twin", links, trail, content}), links);
}

}  // namespace tweeling::federation::hub
