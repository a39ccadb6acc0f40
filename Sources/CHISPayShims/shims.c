#include "CHISPayShims.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdlib.h>

CURLcode hispay_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode hispay_curl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode hispay_curl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode hispay_curl_easy_setopt_data_callback(CURL *handle, CURLoption option, hispay_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

CURLcode hispay_curl_easy_setopt_progress_callback(CURL *handle, hispay_curl_progress_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

CURLcode hispay_curl_easy_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length) {
    struct curl_blob blob;
    blob.data = (void *)data;
    blob.len = length;
    blob.flags = CURL_BLOB_COPY;
    return curl_easy_setopt(handle, option, &blob);
}

CURLcode hispay_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

struct hispay_curl_share {
    CURLSH *handle;
    pthread_mutex_t mutexes[CURL_LOCK_DATA_LAST];
};

static void hispay_share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *userptr) {
    (void)handle;
    (void)access;
    struct hispay_curl_share *share = userptr;
    pthread_mutex_lock(&share->mutexes[data]);
}

static void hispay_share_unlock(CURL *handle, curl_lock_data data, void *userptr) {
    (void)handle;
    struct hispay_curl_share *share = userptr;
    pthread_mutex_unlock(&share->mutexes[data]);
}

hispay_curl_share *hispay_curl_share_create(void) {
    struct hispay_curl_share *share = calloc(1, sizeof(*share));
    if (share == NULL) return NULL;
    share->handle = curl_share_init();
    if (share->handle == NULL) {
        free(share);
        return NULL;
    }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&share->mutexes[i], NULL);
    curl_share_setopt(share->handle, CURLSHOPT_USERDATA, share);
    curl_share_setopt(share->handle, CURLSHOPT_LOCKFUNC, hispay_share_lock);
    curl_share_setopt(share->handle, CURLSHOPT_UNLOCKFUNC, hispay_share_unlock);
    curl_share_setopt(share->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    return share;
}

CURLSH *hispay_curl_share_handle(hispay_curl_share *share) {
    return share->handle;
}

void hispay_curl_share_destroy(hispay_curl_share *share) {
    if (share == NULL) return;
    curl_share_cleanup(share->handle);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&share->mutexes[i]);
    free(share);
}

long hispay_BIO_get_mem_data(BIO *bio, const char **data) {
    char *pointer = NULL;
    long length = BIO_get_mem_data(bio, &pointer);
    *data = pointer;
    return length;
}

int hispay_EVP_PKEY_PUBLIC_KEY(void) { return EVP_PKEY_PUBLIC_KEY; }

int hispay_EVP_PKEY_KEYPAIR(void) { return EVP_PKEY_KEYPAIR; }

/* RFC 2253 order and escaping, but UTF-8 kept as is (like Java's X500Principal.getName()). */
unsigned long hispay_XN_FLAG_RFC2253_UTF8(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }
