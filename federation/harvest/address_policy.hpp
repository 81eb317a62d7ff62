#pragma once
// Which addresses the harvester may connect to. A hub fetches URLs that others chose (source URLs,
// their redirects, `next` links), so without a check it could be made to reach its own loopback,
// the private network behind it or a cloud metadata service (169.254.169.254): server-side request
// forgery. The fetcher asks this classifier about the exact address of every connection it opens
// and refuses anything but a public address unless the request allows private ones.
#include <cstdint>
#include <optional>
#include <string>

struct sockaddr;

namespace tweeling::federation::harvest {

enum class AddressKind {
    Public,
    Loopback,     // 127.0.0.0/8, ::1
    Private,      // 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10, 64:ff9b:1::/48
    LinkLocal,    // 169.254/16 (cloud metadata lives here), fe80::/10
    Unspecified,  // 0.0.0.0/8, ::
    SharedNat,    // 100.64/10, carrier-grade NAT
    Multicast,    // 224/4, ff00::/8
    Broadcast,    // 255.255.255.255
    Reserved,     // 240/4, documentation, benchmarking and protocol ranges, IPv6 outside 2000::/3
    NotIp,        // neither IPv4 nor IPv6
};

// IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4
// (2002::/16) addresses are classified by the IPv4 address they carry; the deprecated
// IPv4-compatible form (::a.b.c.d) is reserved.
AddressKind classifyIpv4(std::uint32_t hostOrderAddress);
AddressKind classifyIpv6(const unsigned char (&bytes)[16]);
// AF_INET or AF_INET6; anything else is NotIp.
AddressKind classifyAddress(const sockaddr* address);
// Numeric text ("10.0.0.1", "::ffff:127.0.0.1"); nullopt when it is not an IP address.
std::optional<AddressKind> classifyAddress(const std::string& numericAddress);

// Cloud metadata services, refused even where private addresses are allowed (--allow-private):
// all of link-local (169.254/16, where AWS, GCP, Azure, OpenStack and ECS answer; fe80::/10), and the
// ones outside it: 100.100.100.200 (Alibaba Cloud) and fd00:ec2::254 (AWS over IPv6), also in their
// IPv4-mapped forms. A node never needs to live there; the credentials of the hub's machine do.
bool isCloudMetadata(const sockaddr* address);
bool isCloudMetadata(const std::string& numericAddress);

// "loopback address", "private address", … for error sentences.
const char* describe(AddressKind kind);
// The numeric form of an address, e.g. "127.0.0.1" or "::ffff:10.0.0.1".
std::string addressText(const sockaddr* address);

}  // namespace tweeling::federation::harvest
