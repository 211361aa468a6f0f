/* cam-spawn.h: the parent side of a spawn
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cam-process-private.h"

G_BEGIN_DECLS

gboolean cam_spawn (CamSpawnArgs *args,
                    int          *ret_pidfd,
                    int          *ret_pid,
                    GError      **error);

char *cam_spawn_rlimit_name (int resource);

G_END_DECLS
