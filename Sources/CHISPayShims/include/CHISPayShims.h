#ifndef CHISPAY_SHIMS_H
#define CHISPAY_SHIMS_H

/* Prefixed wrappers for the variadic and macro C APIs Swift cannot import
   (curl_easy_setopt, curl_easy_getinfo, curl_share_setopt, BIO_get_mem_data).
   Every symbol starts with hispay_. */

#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>
#include <openssl/bio.h>

typedef size_t (*hispay_curl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*hispay_curl_progress_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                             curl_off_t ultotal, curl_off_t ulnow);

CURLcode hispay_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode hispay_curl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode hispay_curl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode hispay_curl_easy_setopt_data_callback(CURL *handle, CURLoption option, hispay_curl_data_callback callback);
CURLcode hispay_curl_easy_setopt_progress_callback(CURL *handle, hispay_curl_progress_callback callback);
/* Passes bytes by copy (CURL_BLOB_COPY), e.g. for CURLOPT_SSLCERT_BLOB / CURLOPT_CAINFO_BLOB. */
CURLcode hispay_curl_easy_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);
CURLcode hispay_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);

/* A share handle for DNS, TLS sessions and connections, with its own pthread locks.
   Destroy it only after every easy handle using it has been cleaned up. */
typedef struct hispay_curl_share hispay_curl_share;
hispay_curl_share *hispay_curl_share_create(void);
CURLSH *hispay_curl_share_handle(hispay_curl_share *share);
void hispay_curl_share_destroy(hispay_curl_share *share);

/* OpenSSL constants defined as composite macros. */
int hispay_EVP_PKEY_PUBLIC_KEY(void);
int hispay_EVP_PKEY_KEYPAIR(void);
unsigned long hispay_XN_FLAG_RFC2253_UTF8(void);

/* BIO_get_mem_data is a macro. */
long hispay_BIO_get_mem_data(BIO *bio, const char **data);

#endif
