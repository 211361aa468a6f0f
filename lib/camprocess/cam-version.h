/* cam-version.h: symbol visibility for the public API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__CAMPROCESS_H_INSIDE__) && !defined(CAMPROCESS_COMPILATION)
#error "Only <camprocess/camprocess.h> can be included directly."
#endif

/**
 * CAM_AVAILABLE_IN_ALL:
 *
 * Marks a symbol as part of the exported camprocess API.
 *
 * Since: 1.0
 */
#define CAM_AVAILABLE_IN_ALL __attribute__((visibility ("default"))) extern
