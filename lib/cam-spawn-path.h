/* cam-spawn-path.h: the program of a spawn, found in PATH by the parent
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The search path when PATH is unset, as GLib's g_spawn uses it. */
#define CAM_SPAWN_DEFAULT_PATH "/bin:/usr/bin:."

char  *cam_spawn_find_program (const char         *name,
                               const char         *search_path,
                               const char         *cwd,
                               GError            **error);
char **cam_spawn_script_argv  (const char         *path,
                               const char * const *argv);

G_END_DECLS
