/* cam-spawn-path.c: the program of a spawn, found in PATH by the parent
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A program named without a slash is searched in PATH as execvp() and
 * GLib's g_spawn (G_SPAWN_SEARCH_PATH, used by GSubprocess) search it, but
 * here, in the parent, before the clone: the child allocates nothing and
 * reads no environment, so it gets the path found and only executes it.
 *
 * The rules, checked against glibc 2.36 and GLib 2.74 on Debian bookworm:
 *  - the elements are tried in order, and the first one that holds an
 *    executable regular file wins (execvp() goes on after ENOENT, ENOTDIR
 *    and EACCES, which a directory or a file without an x bit gives);
 *  - an empty element (a leading or trailing ':', or "::") means the
 *    working directory, and so does an empty PATH; a relative element is
 *    relative to it;
 *  - when PATH is unset, glibc searches confstr (_CS_PATH), "/bin:/usr/bin",
 *    while g_spawn searches "/bin:/usr/bin:.": we follow GSubprocess, whose
 *    users this serves;
 *  - only an EACCES seen on the way turns "not found" into "permission
 *    denied".
 * The working directory is the child's: a relative candidate is checked
 * under @cwd and handed to the child as it is, which resolves it after its
 * chdir().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "cam-spawn-path.h"

/* 0 if @path (relative to @cwd unless absolute) is an executable regular
 * file, else -errno. */
static int
check_executable (const char *path,
                  const char *cwd)
{
  g_autofree char *full = NULL;
  struct stat st;

  if (cwd != NULL && !g_path_is_absolute (path))
    path = full = g_build_filename (cwd, path, NULL);

  if (stat (path, &st) < 0)
    return -errno;
  if (!S_ISREG (st.st_mode))
    return -EACCES;
  /* The effective ids, as execve() checks them. */
  if (faccessat (AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
    return -errno;
  return 0;
}

/**
 * cam_spawn_find_program:
 * @name: a program name without a slash
 * @search_path: a `:`-separated list of directories
 * @cwd: (nullable): the child's working directory, or %NULL for ours
 * @error: return location for a #GError
 *
 * Finds @name in @search_path, as described at the top of this file.
 *
 * Returns: (transfer full): the path the child executes, or %NULL with
 *   %G_IO_ERROR_NOT_FOUND (or %G_IO_ERROR_PERMISSION_DENIED when a
 *   candidate was not executable) set
 */
char *
cam_spawn_find_program (const char  *name,
                        const char  *search_path,
                        const char  *cwd,
                        GError     **error)
{
  gboolean got_eacces = FALSE;
  const char *p = search_path;

  g_assert (strchr (name, '/') == NULL);

  for (;;)
    {
      const char *end = strchrnul (p, ':');
      g_autofree char *candidate = NULL;
      int r;

      if (end == p)
        candidate = g_strdup (name);
      else
        candidate = g_strdup_printf ("%.*s/%s", (int) (end - p), p, name);

      r = check_executable (candidate, cwd);
      if (r == 0)
        return g_steal_pointer (&candidate);
      if (r == -EACCES)
        got_eacces = TRUE;

      if (*end == '\0')
        break;
      p = end + 1;
    }

  if (got_eacces)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 _("Failed to execute child process “%s”: no executable file of that name in PATH “%s”"),
                 name, search_path);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("Failed to execute child process “%s”: not found in PATH “%s”"),
                 name, search_path);
  return NULL;
}

/**
 * cam_spawn_script_argv:
 * @path: the program the child executes
 * @argv: its argument vector, `argv[0]` included
 *
 * Builds the argument vector the child tries when execve() of @path fails
 * with `ENOEXEC` (a script without `#!`): `{ "/bin/sh", path, argv[1], …,
 * NULL }`, as execvp() and g_spawn do.
 *
 * Returns: (transfer container): the vector; its strings are borrowed from
 *   @path and @argv
 */
char **
cam_spawn_script_argv (const char         *path,
                       const char * const *argv)
{
  guint argc = g_strv_length ((char **) argv);
  const char **script = g_new (const char *, MAX (argc, 1) + 2);
  guint n = 0;

  script[n++] = "/bin/sh";
  script[n++] = path;
  for (guint i = 1; i < argc; i++)
    script[n++] = argv[i];
  script[n] = NULL;
  return (char **) script;
}
