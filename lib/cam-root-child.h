/* cam-root-child.h: the child's own root, built between clone and exec
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "cam-process-private.h"

G_BEGIN_DECLS

int cam_root_child_setup (const CamSpawnArgs *args,
                          int                *ret_index);

G_END_DECLS
