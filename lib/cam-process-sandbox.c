/* cam-process-sandbox.c: how CamProcess sets up its child
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The configuration of what the child does between clone and exec: flags
 * (no_new_privs, die-with-parent, session, fds), taken fds and user.
 * start() in cam-process.c copies it into CamSpawnArgs; cam-spawn.c plans
 * the child's steps from it and cam-spawn-child.c runs them.
 */
#include "config.h"

#include <fcntl.h>

#include "camprocess/camprocess.h"
#include "cam-pidfd-util.h"
#include "cam-process-object.h"
#include "cam-spawn.h"

/* Closes the taken fds that no start() consumed. */
void
cam_process_close_taken_fds (CamProcess *self)
{
  for (guint i = 0; i < self->taken_fds->len; i++)
    {
      CamSpawnFd *fd = &g_array_index (self->taken_fds, CamSpawnFd, i);

      cam_clear_fd (&fd->source);
    }
  g_array_set_size (self->taken_fds, 0);
}

/**
 * cam_process_set_flags:
 * @self: a #CamProcess
 * @flags: how to set up the children started from now on
 *
 * Sets [property@Cam.Process:flags].  Each flag is applied in the child,
 * between the clone and the exec; a step that fails makes
 * [method@Cam.Process.start] return a #GError naming it, and no child is
 * left.
 *
 * - %CAM_PROCESS_FLAGS_NO_NEW_PRIVS: `PR_SET_NO_NEW_PRIVS`, set last
 *   before exec: set-user-ID bits and file capabilities grant nothing.
 * - %CAM_PROCESS_FLAGS_DIE_WITH_PARENT: `PR_SET_PDEATHSIG` with `SIGKILL`.
 *   The kernel sends it when the *thread* that called
 *   [method@Cam.Process.start] exits, not the process: start such a child
 *   from a thread that lives as long as it should.  Right after setting
 *   it, the child checks that its parent is still there (by its parent
 *   pid), so a parent dying during the spawn cannot leave it running.
 * - %CAM_PROCESS_FLAGS_NEW_SESSION: setsid(): a new session and process
 *   group, without controlling terminal.
 * - %CAM_PROCESS_FLAGS_INHERIT_FDS: fds of the caller without
 *   `FD_CLOEXEC` stay open in the child; the fds given to it are placed
 *   all the same.
 *
 * Since: 1.0
 */
void
cam_process_set_flags (CamProcess      *self,
                       CamProcessFlags  flags)
{
  g_return_if_fail (CAM_IS_PROCESS (self));

  if (self->flags == flags)
    return;
  self->flags = flags;
  g_object_notify (G_OBJECT (self), "flags");
}

/**
 * cam_process_get_flags:
 * @self: a #CamProcess
 *
 * Gets [property@Cam.Process:flags].
 *
 * Returns: the flags of the children started from now on
 *
 * Since: 1.0
 */
CamProcessFlags
cam_process_get_flags (CamProcess *self)
{
  g_return_val_if_fail (CAM_IS_PROCESS (self), CAM_PROCESS_FLAGS_NONE);

  return self->flags;
}

/**
 * cam_process_take_fd:
 * @self: a #CamProcess
 * @source_fd: an fd of the caller, which @self takes ownership of
 * @target_fd: the fd number the child gets it at
 *
 * Gives @source_fd to the next child as @target_fd, like
 * g_subprocess_launcher_take_fd(): a socket at fd 3 in the child, say,
 * whatever its number in the caller.  A target may be the source of
 * another pair, or an fd of the list given to [method@Cam.Process.start];
 * standard input, output and error may be replaced this way (targets 0,
 * 1, 2).
 *
 * @self owns @source_fd from this call on and sets `FD_CLOEXEC` on it, so
 * that no other spawn leaks it.  The next call to start() consumes the
 * taken fds: it closes them in the caller when it returns, whether it
 * succeeded or failed, so each serves one child.  Fds not consumed are
 * closed when @self is disposed.
 *
 * A @target_fd or @source_fd below 0, or a target given twice (here or in
 * the list of start()), makes start() fail with
 * %G_IO_ERROR_INVALID_ARGUMENT before any child is created.
 *
 * Since: 1.0
 */
void
cam_process_take_fd (CamProcess *self,
                     int         source_fd,
                     int         target_fd)
{
  CamSpawnFd fd = { source_fd, target_fd };

  g_return_if_fail (CAM_IS_PROCESS (self));

  if (source_fd >= 0)
    fcntl (source_fd, F_SETFD, FD_CLOEXEC);
  g_array_append_val (self->taken_fds, fd);
}

/**
 * cam_process_set_user:
 * @self: a #CamProcess
 * @uid: the host user ID of the children
 * @gid: the host group ID of the children
 *
 * Runs the children started from now on as @uid and @gid: before exec,
 * each drops its supplementary groups (if it has any), then sets its
 * real, effective and saved group ID to @gid, then its user IDs to @uid.
 *
 * Switching to other ids needs `CAP_SETUID` and `CAP_SETGID`: otherwise
 * [method@Cam.Process.start] fails with %G_IO_ERROR_PERMISSION_DENIED
 * and a message naming the refused call (`setgroups`, `setresgid` or
 * `setresuid`).
 *
 * Since: 1.0
 */
void
cam_process_set_user (CamProcess *self,
                      guint32     uid,
                      guint32     gid)
{
  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (uid != (guint32) -1 && gid != (guint32) -1);

  self->has_user = TRUE;
  self->uid = uid;
  self->gid = gid;
}
