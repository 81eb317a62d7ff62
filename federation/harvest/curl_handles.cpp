#include "harvest/curl_handles.hpp"

#include <mutex>

namespace tweeling::federation::harvest::curl {

EasyError::EasyError(CURLcode code, const std::string& what)
    : CurlError(what + ": " + curl_easy_strerror(code) + " (CURLcode " + std::to_string(code) + ")"),
      m_code(code) {}

MultiError::MultiError(CURLMcode code, const std::string& what)
    : CurlError(what + ": " + curl_multi_strerror(code) + " (CURLMcode " + std::to_string(code) + ")"),
      m_code(code) {}

ShareError::ShareError(CURLSHcode code, const std::string& what)
    : CurlError(what + ": " + curl_share_strerror(code) + " (CURLSHcode " + std::to_string(code) + ")"),
      m_code(code) {}

UrlError::UrlError(CURLUcode code, const std::string& what)
    : CurlError(what + ": " + curl_url_strerror(code) + " (CURLUcode " + std::to_string(code) + ")"),
      m_code(code) {}

void check(CURLcode code, const char* what) {
    if (code != CURLE_OK) throw EasyError(code, what);
}

void check(CURLMcode code, const char* what) {
    // CURLM_CALL_MULTI_PERFORM (-1) is not an error, only an old hint to call again.
    if (code > CURLM_OK) throw MultiError(code, what);
}

void check(CURLUcode code, const char* what) {
    if (code != CURLUE_OK) throw UrlError(code, what);
}

void check(CURLSHcode code, const char* what) {
    if (code != CURLSHE_OK) throw ShareError(code, what);
}

void ensureGlobalInit() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    check(result, "curl_global_init");
}

EasyHandle makeEasy() {
    ensureGlobalInit();
    EasyHandle handle(curl_easy_init());
    if (!handle) throw EasyError(CURLE_FAILED_INIT, "curl_easy_init");
    return handle;
}

MultiHandle makeMulti() {
    ensureGlobalInit();
    MultiHandle handle(curl_multi_init());
    if (!handle) throw MultiError(CURLM_OUT_OF_MEMORY, "curl_multi_init");
    return handle;
}

ShareHandle makeShare() {
    ensureGlobalInit();
    ShareHandle handle(curl_share_init());
    if (!handle) throw ShareError(CURLSHE_NOMEM, "curl_share_init");
    return handle;
}

UrlHandle makeUrl() {
    UrlHandle handle(curl_url());
    if (!handle) throw UrlError(CURLUE_OUT_OF_MEMORY, "curl_url");
    return handle;
}

void append(StringList& list, const std::string& text) {
    curl_slist* head = curl_slist_append(list.get(), text.c_str());
    if (!head) throw EasyError(CURLE_OUT_OF_MEMORY, "curl_slist_append");
    list.release();
    list.reset(head);
}

}  // namespace tweeling::federation::harvest::curl
