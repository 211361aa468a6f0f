/* cam-spawn-userns.h: the parent writes a child's user namespace maps
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sys/types.h>

#include "cam-process-private.h"

G_BEGIN_DECLS

int cam_spawn_userns_write_maps (const CamSpawnArgs *args,
                                 pid_t               pid,
                                 CamSpawnReport     *ret_report);

G_END_DECLS
