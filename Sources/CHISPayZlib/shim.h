#ifndef CHISPAY_ZLIB_SHIM_H
#define CHISPAY_ZLIB_SHIM_H
#include <zlib.h>
#endif
