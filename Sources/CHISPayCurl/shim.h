#ifndef CHISPAY_CURL_SHIM_H
#define CHISPAY_CURL_SHIM_H
#include <curl/curl.h>
#endif
