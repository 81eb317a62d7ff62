#pragma once
// Private to the harvest library: RAII owners for libcurl handles and the one place where libcurl
// return codes become exceptions. Public headers must not include this (it includes curl/curl.h).
#include <curl/curl.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace tweeling::federation::harvest::curl {

// A libcurl call failed in a way the caller cannot go on from; code() is the native code.
class CurlError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class EasyError : public CurlError {
public:
    EasyError(CURLcode code, const std::string& what);
    CURLcode code() const noexcept { return m_code; }

private:
    CURLcode m_code;
};

class MultiError : public CurlError {
public:
    MultiError(CURLMcode code, const std::string& what);
    CURLMcode code() const noexcept { return m_code; }

private:
    CURLMcode m_code;
};

class ShareError : public CurlError {
public:
    ShareError(CURLSHcode code, const std::string& what);
    CURLSHcode code() const noexcept { return m_code; }

private:
    CURLSHcode m_code;
};

class UrlError : public CurlError {
public:
    UrlError(CURLUcode code, const std::string& what);
    CURLUcode code() const noexcept { return m_code; }

private:
    CURLUcode m_code;
};

// `what` names the call, e.g. "curl_multi_add_handle".
void check(CURLcode code, const char* what);
void check(CURLMcode code, const char* what);
void check(CURLUcode code, const char* what);
void check(CURLSHcode code, const char* what);

// curl_global_init is not thread-safe and must precede every handle: done once per process.
void ensureGlobalInit();

struct EasyDeleter {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct MultiDeleter {
    void operator()(CURLM* handle) const noexcept { curl_multi_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
struct ShareDeleter {
    void operator()(CURLSH* share) const noexcept { curl_share_cleanup(share); }
};
struct UrlDeleter {
    void operator()(CURLU* url) const noexcept { curl_url_cleanup(url); }
};

using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using StringList = std::unique_ptr<curl_slist, SlistDeleter>;
using ShareHandle = std::unique_ptr<CURLSH, ShareDeleter>;
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

EasyHandle makeEasy();
MultiHandle makeMulti();
ShareHandle makeShare();
UrlHandle makeUrl();
// curl_slist_append returns a new head (or null on failure, leaving the old list intact).
void append(StringList& list, const std::string& text);

template <typename Value>
void setOption(CURL* handle, CURLoption option, Value value) {
    check(curl_easy_setopt(handle, option, value), "curl_easy_setopt");
}

template <typename Value>
void setOption(CURLM* handle, CURLMoption option, Value value) {
    check(curl_multi_setopt(handle, option, value), "curl_multi_setopt");
}

}  // namespace tweeling::federation::harvest::curl
