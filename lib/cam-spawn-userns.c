/* cam-spawn-userns.c: the parent writes a child's user namespace maps
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A child cloned with CLONE_NEWUSER lives in a user namespace that the
 * caller's uid owns, and runs with the caller's host ids until its maps
 * exist.  Only then does it switch to its ids inside the namespace (0,
 * mapped to the host ids of its plan), and the kernel clears the dumpable
 * flag of its memory as it does so (commit_creds() on any change of euid).
 *
 * Writing the maps here, in the parent, is what keeps the caller's memory
 * safe.  The child shares it (CLONE_VM) or holds a copy of it (the
 * fork-like path); had the child switched ids first and then written its
 * own maps, it would have had to be dumpable as the target uid (the
 * /proc/self files of a non-dumpable process belong to root) and any
 * process of that uid could have opened /proc/CHILD/mem: the caller's
 * memory, for reading and writing, for as long as it kept the fd.  This
 * is how newuidmap and systemd set up user namespaces, too.
 *
 * The caller may write the maps: it owns the namespace, and maps its own
 * ids (an unprivileged caller, after "deny" to setgroups) or, as root,
 * any.  A caller that is not root and made itself non-dumpable cannot:
 * the child's /proc files belong to root for as long as it shares that
 * memory, and making it dumpable would expose it.  The open then fails
 * with EACCES, and cam-spawn.c says why.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cam-spawn-userns.h"

/* Writes @text to /proc/@pid/@name in one write().  -errno on failure. */
static int
write_proc_file (pid_t       pid,
                 const char *name,
                 const char *text)
{
  char path[64];
  size_t len = strlen (text);
  ssize_t n;
  int fd, errsv;

  g_snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, name);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  do
    n = write (fd, text, len);
  while (n < 0 && errno == EINTR);
  errsv = n < 0 ? errno : (size_t) n != len ? EIO : 0;
  close (fd);
  return -errsv;
}

/**
 * cam_spawn_userns_write_maps:
 * @args: the plan, with uid_map and gid_map set
 * @pid: the child, waiting in its new user namespace
 * @ret_report: (out): on failure, the failed step and its errno
 *
 * Writes "deny" to the child's setgroups file where the plan says so,
 * then its uid_map and its gid_map.  "deny" must come before gid_map: an
 * unprivileged writer may not map a gid while setgroups() is allowed.
 *
 * Returns: 0, or -errno with @ret_report filled
 */
int
cam_spawn_userns_write_maps (const CamSpawnArgs *args,
                             pid_t               pid,
                             CamSpawnReport     *ret_report)
{
  const struct {
    CamSpawnStep  step;
    const char   *name;
    const char   *text;   /* NULL: not written */
  } files[] = {
    { CAM_SPAWN_STEP_SETGROUPS_DENY, "setgroups",
      args->deny_setgroups ? "deny" : NULL },
    { CAM_SPAWN_STEP_UID_MAP, "uid_map", args->uid_map },
    { CAM_SPAWN_STEP_GID_MAP, "gid_map", args->gid_map },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      int r;

      if (files[i].text == NULL)
        continue;
      r = write_proc_file (pid, files[i].name, files[i].text);
      if (r < 0)
        {
          *ret_report = (CamSpawnReport) { files[i].step, -r, 0 };
          return r;
        }
    }
  return 0;
}
