/* camprocess.h: the only header applications include
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define __CAMPROCESS_H_INSIDE__

#include <camprocess/cam-version.h>
#include <camprocess/cam-process.h>
#include <camprocess/cam-process-launcher.h>
#include <camprocess/cam-enum-types.h>

#undef __CAMPROCESS_H_INSIDE__
