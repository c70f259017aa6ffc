/* aat-version-macros.h: the export macro and version gates for libaat.
 *
 * The library is built with hidden visibility; only symbols marked AAT_AVAILABLE_IN_ALL
 * are exported.
 */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#if defined(_WIN32)
#define _AAT_EXPORT __declspec(dllexport) extern
#else
#define _AAT_EXPORT __attribute__((visibility("default"))) extern
#endif

#define AAT_AVAILABLE_IN_ALL _AAT_EXPORT

/* The plugin ABI. A module built for another major, or a newer minor, is refused. */
#define AAT_ABI_MAJOR 1
#define AAT_ABI_MINOR 0
