/* cam-run-rlimit.h: resource limits as prlimit(1) names them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean cam_run_rlimit_parse (const char  *spec,
                               int         *ret_resource,
                               guint64     *ret_soft,
                               guint64     *ret_hard,
                               GError     **error);

G_END_DECLS
