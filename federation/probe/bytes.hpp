#pragma once
// Little-endian fields of binary headers (GLB, LAS, ...), read byte by byte so the host's byte
// order and alignment do not matter. Every reader checks its bounds: a field that does not lie
// wholly within `data` is nullopt, so a short or truncated response never reads past its end.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace tweeling::federation::probe::bytes {

inline std::optional<std::uint64_t> readUnsigned(std::string_view data, std::size_t offset, std::size_t size) {
    if (offset > data.size() || size > data.size() - offset) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i)
        value |= static_cast<std::uint64_t>(static_cast<unsigned char>(data[offset + i])) << (8 * i);
    return value;
}

inline std::optional<std::uint8_t> u8(std::string_view data, std::size_t offset) {
    auto value = readUnsigned(data, offset, 1);
    return value ? std::optional<std::uint8_t>(static_cast<std::uint8_t>(*value)) : std::nullopt;
}
inline std::optional<std::uint16_t> u16(std::string_view data, std::size_t offset) {
    auto value = readUnsigned(data, offset, 2);
    return value ? std::optional<std::uint16_t>(static_cast<std::uint16_t>(*value)) : std::nullopt;
}
inline std::optional<std::uint32_t> u32(std::string_view data, std::size_t offset) {
    auto value = readUnsigned(data, offset, 4);
    return value ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*value)) : std::nullopt;
}
inline std::optional<std::uint64_t> u64(std::string_view data, std::size_t offset) {
    return readUnsigned(data, offset, 8);
}
inline std::optional<double> f64(std::string_view data, std::size_t offset) {
    auto bits = readUnsigned(data, offset, 8);
    if (!bits) return std::nullopt;
    double value;
    std::memcpy(&value, &*bits, sizeof value);  // IEEE 754 binary64 on every platform we build for
    return value;
}

// A fixed-size text field (a LAS user id): its bytes up to the first NUL.
inline std::string_view text(std::string_view data, std::size_t offset, std::size_t size) {
    if (offset > data.size()) return {};
    std::string_view field = data.substr(offset, size);
    return field.substr(0, field.find('\0'));
}

}  // namespace tweeling::federation::probe::bytes
