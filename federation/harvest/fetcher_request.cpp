// A request's setup: its libcurl options, the callbacks that take its headers and body, and the
// address policy applied to every connection it opens.
#include "harvest/address_policy.hpp"
#include "harvest/fetcher_private.hpp"

#include "common/text.hpp"

#include <sys/socket.h>

namespace tweeling::federation::harvest {
namespace {

// Decoded body bytes (libcurl hands us what is left after gzip/deflate). MAXFILESIZE cannot stop a
// chunked or compressed body, so the cap is enforced here; returning less than given aborts.
std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    const std::size_t maxBytes = transfer->request.options.maxBytes;
    if (transfer->bodyBytes + bytes > maxBytes) {
        if (transfer->request.options.truncateAtMax) transfer->body.append(data, maxBytes - transfer->bodyBytes);
        transfer->bodyBytes = maxBytes;
        transfer->tooLarge = true;
        return 0;
    }
    transfer->bodyBytes += bytes;
    transfer->body.append(data, bytes);
    return bytes;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    const std::string line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {
        // A new response (after a redirect or a 1xx): only the last one's headers and body count.
        transfer->resetAttempt();
        const auto code = line.find(' ');
        const auto reason = code == std::string::npos ? code : line.find(' ', code + 1);
        if (reason != std::string::npos) transfer->reason = common::trim(line.substr(reason + 1));
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon != std::string::npos && colon > 0) {
        transfer->headers[common::toLowerAscii(common::trim(line.substr(0, colon)))] = common::trim(line.substr(colon + 1));
    }
    return bytes;
}

// Every connection libcurl opens comes here with the address it is about to connect to (after DNS,
// for each redirect hop): the one place the address policy is applied. Refusing makes libcurl try
// the host's next address, if any, or fail the attempt with CURLE_COULDNT_CONNECT.
curl_socket_t onOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* transfer = static_cast<Transfer*>(user);
    try {
        const FetchOptions& options = transfer->request.options;
        const sockaddr* target = &address->addr;
        bool allowed = options.allowPrivate || purpose != CURLSOCKTYPE_IPCXN;
        if (!allowed) {
            const AddressKind kind = classifyAddress(target);
            allowed = kind == AddressKind::Public ||
                      (options.treatAsPublicForTests && options.treatAsPublicForTests(target));
            if (!allowed && transfer->refusal.empty())
                transfer->refusal = "refused to connect to " + addressText(target) + " (" + describe(kind) + ")";
        }
        if (allowed && purpose == CURLSOCKTYPE_IPCXN && isCloudMetadata(target)) {
            allowed = false;
            if (transfer->refusal.empty())
                transfer->refusal = "refused to connect to " + addressText(target) +
                                    " (a cloud metadata address: never allowed, not even with --allow-private)";
        }
        if (!allowed) return CURL_SOCKET_BAD;
    } catch (...) {
        return CURL_SOCKET_BAD;  // never let an exception cross libcurl
    }
    return ::socket(address->family, address->socktype, address->protocol);
}

}  // namespace

std::string hostKeyOf(const std::string& url) {
    const auto scheme = url.find("://");
    const auto start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto end = url.find_first_of("/?#", start);
    return common::toLowerAscii(url.substr(0, end));
}

bool isHttpUrl(const std::string& url) {
    const std::string lower = common::toLowerAscii(url.substr(0, 8));
    return lower.rfind("http://", 0) == 0 || lower.rfind("https://", 0) == 0;
}

bool isHttpsUrl(const std::string& url) { return common::toLowerAscii(url.substr(0, 8)) == "https://"; }

// Why a request cannot start at all, or an empty string.
std::string refusalBeforeStart(const FetchRequest& request) {
    const std::string& url = request.url;
    if (!isHttpUrl(url)) {
        const auto colon = url.find(':');
        const std::string scheme = colon == std::string::npos || colon > 16 ? "" : url.substr(0, colon);
        return "not an http(s) URL: " + url + (scheme.empty() ? "" : " (" + scheme + ": is not fetched)");
    }
    if (!request.options.tlsPin.empty() && !isHttpsUrl(url))
        return "not an https URL: " + url + " (a source with a TLS pin is fetched over https only)";
    return {};
}

Fetcher::Private::Private(int maxInFlightTransfers)
    : multi(curl::makeMulti()),
      privatePool(curl::makeShare()),
      maxInFlight(static_cast<std::size_t>(std::max(1, maxInFlightTransfers))),
      random(std::random_device{}()) {
    curl::setOption(multi.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(maxInFlight));
    curl::setOption(multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(std::min(maxInFlight, kMaxTransfersPerHost)));
    curl::check(curl_share_setopt(privatePool.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT), "curl_share_setopt");
}


Fetcher::Private::~Private() {
    // Only after run() was left by an exception: detach what libcurl still holds.
    for (auto& [handle, transfer] : active) curl_multi_remove_handle(multi.get(), handle);
}

curl::EasyHandle Fetcher::Private::takeHandle() {
    if (idleHandles.empty()) return curl::makeEasy();
    curl::EasyHandle handle = std::move(idleHandles.back());
    idleHandles.pop_back();
    curl_easy_reset(handle.get());  // keeps its caches; options start over
    return handle;
}

void Fetcher::Private::configure(Transfer& transfer) {
    CURL* easy = transfer.easy.get();
    const FetchOptions& options = transfer.request.options;
    curl::setOption(easy, CURLOPT_URL, transfer.request.url.c_str());
    curl::setOption(easy, CURLOPT_NOSIGNAL, 1L);
    curl::setOption(easy, CURLOPT_PRIVATE, static_cast<void*>(&transfer));
    curl::setOption(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer);
    curl::setOption(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl::setOption(easy, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMs);
    curl::setOption(easy, CURLOPT_TIMEOUT_MS, options.totalTimeoutMs);
    curl::setOption(easy, CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedBytesPerSecond);
    curl::setOption(easy, CURLOPT_LOW_SPEED_TIME, options.lowSpeedSeconds);
    curl::setOption(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl::setOption(easy, CURLOPT_MAXREDIRS, static_cast<long>(options.maxRedirects));
    // With a pin, a redirect to plain http would skip it.
    const char* protocols = options.tlsPin.empty() ? "http,https" : "https";
    curl::setOption(easy, CURLOPT_PROTOCOLS_STR, protocols);
    curl::setOption(easy, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    curl::setOption(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl::setOption(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options.caBundlePath.empty()) curl::setOption(easy, CURLOPT_CAINFO, options.caBundlePath.c_str());
    if (!options.tlsPin.empty()) curl::setOption(easy, CURLOPT_PINNEDPUBLICKEY, options.tlsPin.c_str());
    // A proxy would be the address checked, not the target: none, whatever the environment says.
    curl::setOption(easy, CURLOPT_PROXY, "");
    curl::setOption(easy, CURLOPT_OPENSOCKETFUNCTION, &onOpenSocket);
    curl::setOption(easy, CURLOPT_OPENSOCKETDATA, static_cast<void*>(&transfer));
    const bool privatePoolUsed = options.allowPrivate || static_cast<bool>(options.treatAsPublicForTests);
    curl::setOption(easy, CURLOPT_SHARE, privatePoolUsed ? privatePool.get() : static_cast<CURLSH*>(nullptr));
    curl::setOption(easy, CURLOPT_USERAGENT, options.userAgent.c_str());
    curl::setOption(easy, CURLOPT_WRITEFUNCTION, &onBody);
    curl::setOption(easy, CURLOPT_WRITEDATA, static_cast<void*>(&transfer));
    curl::setOption(easy, CURLOPT_HEADERFUNCTION, &onHeader);
    curl::setOption(easy, CURLOPT_HEADERDATA, static_cast<void*>(&transfer));
    if (!transfer.request.body.empty()) {
        // The body lives in the transfer's request as long as libcurl may read it (and for retries).
        curl::setOption(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(transfer.request.body.size()));
        curl::setOption(easy, CURLOPT_POSTFIELDS, transfer.request.body.c_str());
    }
    transfer.headerList.reset();
    // No "Expect: 100-continue" before a body: servers that do not answer it (Pistache) cost a second.
    if (!transfer.request.body.empty()) curl::append(transfer.headerList, "Expect:");
    for (const std::string& header : transfer.request.headers) curl::append(transfer.headerList, header);
    if (transfer.headerList) curl::setOption(easy, CURLOPT_HTTPHEADER, transfer.headerList.get());
}

}  // namespace tweeling::federation::harvest
