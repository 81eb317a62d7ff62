#include "harvest/address_policy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>

namespace tweeling::federation::harvest {
namespace {

// True when the top `bits` bits of `address` equal those of `network`.
constexpr bool inIpv4(std::uint32_t address, std::uint32_t network, int bits) {
    const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (address & mask) == (network & mask);
}

constexpr std::uint32_t ipv4(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | std::uint32_t{d};
}

// True when `bytes` starts with the first `bits` bits of `prefix` (zero bytes beyond its end).
bool inIpv6(const unsigned char (&bytes)[16], std::initializer_list<unsigned char> prefix, int bits) {
    for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
        const unsigned char value = i < prefix.size() ? prefix.begin()[i] : 0;
        const unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
        if ((bytes[i] & mask) != (value & mask)) return false;
    }
    return true;
}

std::uint32_t ipv4At(const unsigned char (&bytes)[16], int offset) {
    return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
           (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
}

bool zeroes(const unsigned char (&bytes)[16], int from, int to) {
    return std::all_of(bytes + from, bytes + to, [](unsigned char b) { return b == 0; });
}

}  // namespace

AddressKind classifyIpv4(std::uint32_t a) {
    if (inIpv4(a, ipv4(0, 0, 0, 0), 8)) return AddressKind::Unspecified;  // "this network"
    if (inIpv4(a, ipv4(10, 0, 0, 0), 8)) return AddressKind::Private;
    if (inIpv4(a, ipv4(100, 64, 0, 0), 10)) return AddressKind::SharedNat;
    if (inIpv4(a, ipv4(127, 0, 0, 0), 8)) return AddressKind::Loopback;
    if (inIpv4(a, ipv4(169, 254, 0, 0), 16)) return AddressKind::LinkLocal;
    if (inIpv4(a, ipv4(172, 16, 0, 0), 12)) return AddressKind::Private;
    if (inIpv4(a, ipv4(192, 0, 0, 0), 24)) return AddressKind::Reserved;     // IETF protocol assignments
    if (inIpv4(a, ipv4(192, 0, 2, 0), 24)) return AddressKind::Reserved;     // documentation
    if (inIpv4(a, ipv4(192, 88, 99, 0), 24)) return AddressKind::Reserved;   // 6to4 relays, deprecated
    if (inIpv4(a, ipv4(192, 168, 0, 0), 16)) return AddressKind::Private;
    if (inIpv4(a, ipv4(198, 18, 0, 0), 15)) return AddressKind::Reserved;    // benchmarking
    if (inIpv4(a, ipv4(198, 51, 100, 0), 24)) return AddressKind::Reserved;  // documentation
    if (inIpv4(a, ipv4(203, 0, 113, 0), 24)) return AddressKind::Reserved;   // documentation
    if (inIpv4(a, ipv4(224, 0, 0, 0), 4)) return AddressKind::Multicast;
    if (a == ipv4(255, 255, 255, 255)) return AddressKind::Broadcast;
    if (inIpv4(a, ipv4(240, 0, 0, 0), 4)) return AddressKind::Reserved;
    return AddressKind::Public;
}

AddressKind classifyIpv6(const unsigned char (&b)[16]) {
    if (zeroes(b, 0, 16)) return AddressKind::Unspecified;
    if (zeroes(b, 0, 15) && b[15] == 1) return AddressKind::Loopback;
    // Forms that carry an IPv4 address in their last four bytes: judged by that address.
    if (zeroes(b, 0, 10) && b[10] == 0xff && b[11] == 0xff) return classifyIpv4(ipv4At(b, 12));  // ::ffff:a.b.c.d
    if (zeroes(b, 0, 8) && b[8] == 0xff && b[9] == 0xff && zeroes(b, 10, 12))
        return classifyIpv4(ipv4At(b, 12));  // ::ffff:0:a.b.c.d (IPv4-translated)
    if (zeroes(b, 0, 12)) return AddressKind::Reserved;  // ::a.b.c.d, IPv4-compatible: deprecated, unused
    if (inIpv6(b, {0x00, 0x64, 0xff, 0x9b}, 96)) return classifyIpv4(ipv4At(b, 12));  // NAT64 64:ff9b::/96
    if (inIpv6(b, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48)) return AddressKind::Private;  // local NAT64
    if (inIpv6(b, {0x20, 0x02}, 16)) return classifyIpv4(ipv4At(b, 2));  // 6to4 2002:a.b.c.d::/48
    if (inIpv6(b, {0xfc}, 7)) return AddressKind::Private;     // unique local
    if (inIpv6(b, {0xfe, 0x80}, 10)) return AddressKind::LinkLocal;
    if (inIpv6(b, {0xfe, 0xc0}, 10)) return AddressKind::Private;  // site-local, deprecated
    if (inIpv6(b, {0xff}, 8)) return AddressKind::Multicast;
    if (inIpv6(b, {0x20, 0x01, 0x0d, 0xb8}, 32)) return AddressKind::Reserved;  // documentation
    if (inIpv6(b, {0x3f, 0xff}, 20)) return AddressKind::Reserved;              // documentation
    if (inIpv6(b, {0x20, 0x01, 0x00, 0x00}, 32)) return AddressKind::Reserved;  // Teredo
    if (inIpv6(b, {0x20, 0x01, 0x00, 0x02, 0x00, 0x00}, 48)) return AddressKind::Reserved;  // benchmarking
    // Every global unicast address is in 2000::/3; the rest (100::/64 discard included) is not a server.
    if (!inIpv6(b, {0x20}, 3)) return AddressKind::Reserved;
    return AddressKind::Public;
}

AddressKind classifyAddress(const sockaddr* address) {
    if (!address) return AddressKind::NotIp;
    if (address->sa_family == AF_INET) {
        sockaddr_in v4;
        std::memcpy(&v4, address, sizeof v4);
        return classifyIpv4(ntohl(v4.sin_addr.s_addr));
    }
    if (address->sa_family == AF_INET6) {
        sockaddr_in6 v6;
        std::memcpy(&v6, address, sizeof v6);
        unsigned char bytes[16];
        std::memcpy(bytes, v6.sin6_addr.s6_addr, sizeof bytes);
        return classifyIpv6(bytes);
    }
    return AddressKind::NotIp;
}

std::optional<AddressKind> classifyAddress(const std::string& numericAddress) {
    in_addr v4{};
    if (inet_pton(AF_INET, numericAddress.c_str(), &v4) == 1) return classifyIpv4(ntohl(v4.s_addr));
    in6_addr v6{};
    if (inet_pton(AF_INET6, numericAddress.c_str(), &v6) == 1) {
        unsigned char bytes[16];
        std::memcpy(bytes, v6.s6_addr, sizeof bytes);
        return classifyIpv6(bytes);
    }
    return std::nullopt;
}

bool isCloudMetadata(const std::string& numericAddress) {
    auto kind = classifyAddress(numericAddress);
    if (!kind) return false;
    if (*kind == AddressKind::LinkLocal) return true;
    in_addr v4{};
    in6_addr v6{};
    if (inet_pton(AF_INET, numericAddress.c_str(), &v4) == 1) return ntohl(v4.s_addr) == ipv4(100, 100, 100, 200);
    if (inet_pton(AF_INET6, numericAddress.c_str(), &v6) != 1) return false;
    unsigned char bytes[16];
    std::memcpy(bytes, v6.s6_addr, sizeof bytes);
    static constexpr unsigned char kAwsV6[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
    if (std::equal(bytes, bytes + 16, kAwsV6)) return true;
    const bool mapped = zeroes(bytes, 0, 10) && bytes[10] == 0xff && bytes[11] == 0xff;
    return mapped && ipv4At(bytes, 12) == ipv4(100, 100, 100, 200);
}

bool isCloudMetadata(const sockaddr* address) {
    if (!address || (address->sa_family != AF_INET && address->sa_family != AF_INET6)) return false;
    return isCloudMetadata(addressText(address));
}

const char* describe(AddressKind kind) {
    switch (kind) {
        case AddressKind::Public: return "public address";
        case AddressKind::Loopback: return "loopback address";
        case AddressKind::Private: return "private address";
        case AddressKind::LinkLocal: return "link-local address";
        case AddressKind::Unspecified: return "unspecified address";
        case AddressKind::SharedNat: return "carrier-grade NAT address";
        case AddressKind::Multicast: return "multicast address";
        case AddressKind::Broadcast: return "broadcast address";
        case AddressKind::Reserved: return "reserved address";
        case AddressKind::NotIp: return "non-IP address";
    }
    return "address";
}

std::string addressText(const sockaddr* address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address && address->sa_family == AF_INET) {
        sockaddr_in v4;
        std::memcpy(&v4, address, sizeof v4);
        if (inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text)) return text;
    } else if (address && address->sa_family == AF_INET6) {
        sockaddr_in6 v6;
        std::memcpy(&v6, address, sizeof v6);
        if (inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text)) return text;
    }
    return "an address of family " + std::to_string(address ? address->sa_family : -1);
}

}  // namespace tweeling::federation::harvest
