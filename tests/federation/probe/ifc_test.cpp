#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "fake_fetch.hpp"
#include "probe/probe.hpp"

using namespace tweeling::federation::probe;
using tweeling::test::FakeFetch;
using tweeling::test::idsOf;
using tweeling::test::problemsOf;
using tweeling::test::statusOf;

namespace {

const std::string kUrl = "https://data.example.nl/bim/kantoor.ifc";

// The start of an IFC file as authoring tools write it (ISO 10303-21 clear text encoding).
std::string ifcFile(const std::string& schemaLine) {
    return "ISO-10303-21;\r\n"
           "HEADER;\r\n"
           "/* written by a test */\r\n"
           "FILE_DESCRIPTION(('ViewDefinition [ReferenceView_V1.2]'),'2;1');\r\n"
           "FILE_NAME('Kantoor''s model.ifc','2024-03-01T10:00:00',('Architect'),('Bureau'),"
           "'IfcOpenShell 0.7.0','Revit 2024','');\r\n" +
           schemaLine +
           "\r\nENDSEC;\r\n"
           "DATA;\r\n"
           "#1=IFCPROJECT('0YvctVUKr0kugbFTf53O9L',$,'Kantoor',$,$,$,$,$,$);\r\n"
           "ENDSEC;\r\n"
           "END-ISO-10303-21;\r\n";
}

ProbeResult probeText(const std::string& text, const Limits& limits = {}) {
    FakeFetch server;
    server.serve(kUrl, text, "application/x-step");
    return probeDistribution("ifc", kUrl, "model/ifc", server.fetch(), limits);
}

}  // namespace

TEST_CASE("an IFC header passes and names its schema") {
    ProbeResult result = probeText(ifcFile("FILE_SCHEMA(('IFC4'));"));
    CHECK(result.reachable);
    CHECK(problemsOf(result) == "");
    CHECK(idsOf(result) == std::vector<std::string>{"ifc.header", "ifc.schema"});
    CHECK(result.facts.version == "IFC4");
    for (const char* schema : {"IFC2X3", "IFC4X3", "IFC4X3_ADD2"})
        CHECK(probeText(ifcFile(std::string("FILE_SCHEMA(('") + schema + "'));")).facts.version == schema);
    // Spacing, case, an object identifier after the name, a byte order mark.
    CHECK(probeText(ifcFile("file_schema ( ( 'ifc4x3_add2' ) ) ;")).facts.version == "IFC4X3_ADD2");
    CHECK(probeText(ifcFile("FILE_SCHEMA(('IFC4 {1 0 10303 999}'));")).facts.version == "IFC4");
    CHECK(problemsOf(probeText("\xEF\xBB\xBF" + ifcFile("FILE_SCHEMA(('IFC2X3'));"))) == "");
}

TEST_CASE("each IFC check fires on a broken header") {
    SECTION("no FILE_SCHEMA fails; one that is only named in a string does not count") {
        ProbeResult result = probeText(ifcFile(""));
        CHECK(statusOf(result, "ifc.header") == "pass");
        CHECK(statusOf(result, "ifc.schema") == "fail");
        CHECK(result.facts.version.empty());
        CHECK(statusOf(probeText(ifcFile("FILE_AUTHOR('FILE_SCHEMA((''IFC4''))');")), "ifc.schema") == "fail");
        CHECK(statusOf(probeText(ifcFile("FILE_SCHEMA(());")), "ifc.schema") == "fail");
    }
    SECTION("an unknown IFC schema warns, another STEP schema fails") {
        ProbeResult future = probeText(ifcFile("FILE_SCHEMA(('IFC5'));"));
        CHECK(statusOf(future, "ifc.schema") == "warn");
        CHECK(future.facts.version == "IFC5");
        CHECK(statusOf(probeText(ifcFile("FILE_SCHEMA(('AUTOMOTIVE_DESIGN'));")), "ifc.schema") == "fail");
    }
    SECTION("not a STEP file, or no HEADER section") {
        ProbeResult html = probeText("<!DOCTYPE html><html>Not found</html>");
        CHECK(statusOf(html, "ifc.header") == "fail");
        CHECK(statusOf(probeText("just some text"), "ifc.header") == "fail");
        CHECK(statusOf(probeText("ISO-10303-21;\nDATA;\nENDSEC;\n"), "ifc.header") == "fail");
        ProbeResult unclosed = probeText("ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\n");
        CHECK(statusOf(unclosed, "ifc.header") == "fail");
        CHECK(statusOf(unclosed, "ifc.schema") == "pass");
    }
    SECTION("a HEADER section beyond the bytes read warns") {
        Limits limits;
        limits.maxHeaderBytes = 60;
        ProbeResult result = probeText(ifcFile("FILE_SCHEMA(('IFC4'));"), limits);
        CHECK(statusOf(result, "ifc.header") == "warn");
        CHECK(statusOf(result, "ifc.schema") == "warn");
    }
}

TEST_CASE("ifcZIP and ifcXML are recognised but not checked") {
    ProbeResult zip = probeText(std::string("PK\x03\x04", 4) + std::string(100, '\0'));
    CHECK(idsOf(zip) == std::vector<std::string>{"ifc.header"});
    CHECK(statusOf(zip, "ifc.header") == "warn");
    ProbeResult xml = probeText("<?xml version=\"1.0\"?><ifcXML/>");
    CHECK(statusOf(xml, "ifc.header") == "warn");
}

TEST_CASE("an unreachable IFC is reported as link.reachable; no prefix makes the probe throw") {
    FakeFetch server;
    CHECK(statusOf(probeDistribution("ifc", kUrl, "", server.fetch()), "link.reachable") == "fail");
    std::string text = ifcFile("FILE_SCHEMA(('IFC4'));");
    for (std::size_t size = 0; size <= text.size(); ++size) {
        ProbeResult result;
        REQUIRE_NOTHROW(result = probeText(text.substr(0, size)));
        REQUIRE_FALSE(result.checks.empty());
    }
}
