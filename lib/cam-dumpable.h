/* cam-dumpable.h: the caller's dumpable flag across spawns that share it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void cam_dumpable_hold    (void);
void cam_dumpable_release (void);

G_END_DECLS
