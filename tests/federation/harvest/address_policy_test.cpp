#include "harvest/address_policy.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <string>
#include <utility>
#include <vector>

using namespace tweeling::federation::harvest;

namespace {

AddressKind kindOf(const std::string& text) {
    const auto kind = classifyAddress(text);
    INFO(text);
    REQUIRE(kind);
    return *kind;
}

void checkAll(const std::vector<std::pair<const char*, AddressKind>>& cases) {
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(kindOf(text) == expected);
    }
}

}  // namespace

TEST_CASE("IPv4 addresses are classified by range", "[address_policy]") {
    checkAll({
        {"8.8.8.8", AddressKind::Public},
        {"1.1.1.1", AddressKind::Public},
        {"145.97.39.155", AddressKind::Public},
        {"9.255.255.255", AddressKind::Public},
        {"11.0.0.0", AddressKind::Public},
        {"100.63.255.255", AddressKind::Public},
        {"100.128.0.0", AddressKind::Public},
        {"126.255.255.255", AddressKind::Public},
        {"128.0.0.0", AddressKind::Public},
        {"169.253.255.255", AddressKind::Public},
        {"169.255.0.0", AddressKind::Public},
        {"172.15.255.255", AddressKind::Public},
        {"172.32.0.0", AddressKind::Public},
        {"192.167.255.255", AddressKind::Public},
        {"192.169.0.0", AddressKind::Public},
        {"223.255.255.255", AddressKind::Public},

        {"127.0.0.1", AddressKind::Loopback},
        {"127.0.0.0", AddressKind::Loopback},
        {"127.255.255.254", AddressKind::Loopback},
        {"127.1.2.3", AddressKind::Loopback},
        {"10.0.0.1", AddressKind::Private},
        {"10.255.255.255", AddressKind::Private},
        {"172.16.0.1", AddressKind::Private},
        {"172.31.255.255", AddressKind::Private},
        {"192.168.0.1", AddressKind::Private},
        {"192.168.255.255", AddressKind::Private},
        {"169.254.169.254", AddressKind::LinkLocal},  // cloud metadata
        {"169.254.0.1", AddressKind::LinkLocal},
        {"0.0.0.0", AddressKind::Unspecified},
        {"0.1.2.3", AddressKind::Unspecified},
        {"100.64.0.1", AddressKind::SharedNat},
        {"100.127.255.255", AddressKind::SharedNat},
        {"224.0.0.1", AddressKind::Multicast},
        {"239.255.255.250", AddressKind::Multicast},
        {"240.0.0.1", AddressKind::Reserved},
        {"254.255.255.255", AddressKind::Reserved},
        {"255.255.255.255", AddressKind::Broadcast},
        {"192.0.0.170", AddressKind::Reserved},
        {"192.0.2.1", AddressKind::Reserved},
        {"198.18.0.1", AddressKind::Reserved},
        {"198.19.255.255", AddressKind::Reserved},
        {"198.51.100.7", AddressKind::Reserved},
        {"203.0.113.9", AddressKind::Reserved},
    });
}

TEST_CASE("IPv6 addresses are classified by range", "[address_policy]") {
    checkAll({
        {"2001:4860:4860::8888", AddressKind::Public},
        {"2a00:1450:400e:80e::200e", AddressKind::Public},
        {"2606:4700:4700::1111", AddressKind::Public},
        {"2a01:4f8:c17:b8f::2", AddressKind::Public},

        {"::1", AddressKind::Loopback},
        {"::", AddressKind::Unspecified},
        {"fc00::1", AddressKind::Private},
        {"fd12:3456:789a::1", AddressKind::Private},
        {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", AddressKind::Private},
        {"fec0::1", AddressKind::Private},
        {"fe80::1", AddressKind::LinkLocal},
        {"febf:ffff::1", AddressKind::LinkLocal},
        {"fd00:ec2::254", AddressKind::Private},  // AWS's IPv6 metadata address
        {"ff02::1", AddressKind::Multicast},
        {"ff0e::101", AddressKind::Multicast},
        {"2001:db8::1", AddressKind::Reserved},
        {"3fff::1", AddressKind::Reserved},
        {"2001:0:4136:e378:8000:63bf:3fff:fdd2", AddressKind::Reserved},  // Teredo
        {"100::1", AddressKind::Reserved},
        {"::2", AddressKind::Reserved},
        {"64:ff9b:1::1", AddressKind::Private},
        {"4000::1", AddressKind::Reserved},
        {"1fff:ffff::1", AddressKind::Reserved},
    });
}

TEST_CASE("IPv6 forms that carry an IPv4 address are judged by it", "[address_policy]") {
    checkAll({
        {"::ffff:127.0.0.1", AddressKind::Loopback},
        {"::ffff:7f00:1", AddressKind::Loopback},
        {"::ffff:10.0.0.1", AddressKind::Private},
        {"::ffff:192.168.1.1", AddressKind::Private},
        {"::ffff:169.254.169.254", AddressKind::LinkLocal},
        {"::ffff:0.0.0.0", AddressKind::Unspecified},
        {"::ffff:100.64.0.1", AddressKind::SharedNat},
        {"::ffff:224.0.0.1", AddressKind::Multicast},
        {"::ffff:8.8.8.8", AddressKind::Public},
        {"::ffff:0:127.0.0.1", AddressKind::Loopback},  // IPv4-translated
        {"::ffff:0:8.8.8.8", AddressKind::Public},
        {"64:ff9b::127.0.0.1", AddressKind::Loopback},  // NAT64
        {"64:ff9b::a9fe:a9fe", AddressKind::LinkLocal},
        {"64:ff9b::10.1.2.3", AddressKind::Private},
        {"64:ff9b::8.8.8.8", AddressKind::Public},
        {"2002:7f00:1::1", AddressKind::Loopback},  // 6to4 of 127.0.0.1
        {"2002:a00:1::", AddressKind::Private},
        {"2002:808:808::1", AddressKind::Public},
        {"::127.0.0.1", AddressKind::Reserved},  // IPv4-compatible: deprecated
        {"::8.8.8.8", AddressKind::Reserved},
    });
}

TEST_CASE("socket addresses are classified and printed", "[address_policy]") {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(80);
    REQUIRE(inet_pton(AF_INET, "169.254.169.254", &v4.sin_addr) == 1);
    CHECK(classifyAddress(reinterpret_cast<const sockaddr*>(&v4)) == AddressKind::LinkLocal);
    CHECK(addressText(reinterpret_cast<const sockaddr*>(&v4)) == "169.254.169.254");

    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    REQUIRE(inet_pton(AF_INET6, "::ffff:10.0.0.1", &v6.sin6_addr) == 1);
    CHECK(classifyAddress(reinterpret_cast<const sockaddr*>(&v6)) == AddressKind::Private);
    CHECK(addressText(reinterpret_cast<const sockaddr*>(&v6)) == "::ffff:10.0.0.1");
    REQUIRE(inet_pton(AF_INET6, "2a00:1450:400e:80e::200e", &v6.sin6_addr) == 1);
    CHECK(classifyAddress(reinterpret_cast<const sockaddr*>(&v6)) == AddressKind::Public);

    sockaddr local{};
    local.sa_family = AF_UNIX;
    CHECK(classifyAddress(&local) == AddressKind::NotIp);
    CHECK(classifyAddress(static_cast<const sockaddr*>(nullptr)) == AddressKind::NotIp);

    CHECK_FALSE(classifyAddress(std::string("localhost")));
    CHECK_FALSE(classifyAddress(std::string("127.1")));  // numeric shorthand is for resolvers, not us
    CHECK(std::string(describe(AddressKind::Loopback)) == "loopback address");
    CHECK(std::string(describe(AddressKind::LinkLocal)) == "link-local address");
}

TEST_CASE("cloud metadata addresses are known in every form", "[address_policy]") {
    for (const char* address : {"169.254.169.254", "169.254.170.2", "fe80::1", "::ffff:169.254.169.254",
                                "100.100.100.200", "::ffff:100.100.100.200", "fd00:ec2::254"})
        CHECK(isCloudMetadata(std::string(address)));
    for (const char* address : {"127.0.0.1", "10.0.0.1", "192.168.1.1", "100.100.100.201", "fd00:ec2::253",
                                "8.8.8.8", "::1", "not an address"})
        CHECK_FALSE(isCloudMetadata(std::string(address)));
}
