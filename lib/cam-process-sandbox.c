/* cam-process-sandbox.c: how CamProcess sets up its child
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The configuration of what the child does between clone and exec: flags
 * (namespaces, no_new_privs, die-with-parent, session, fds), taken fds,
 * resource limits, cgroup and user.  start() in cam-process.c copies it
 * into CamSpawnArgs; cam-spawn.c plans the child's steps from it and
 * cam-spawn-child.c runs them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/resource.h>

#include <glib/gi18n-lib.h>

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
 *   pid; under %CAM_PROCESS_FLAGS_ISOLATE_PID, where getppid() is 0, as
 *   `/proc/self/stat` gives it), so a parent dying during the spawn
 *   cannot leave it running.
 * - %CAM_PROCESS_FLAGS_NEW_SESSION: setsid(): a new session and process
 *   group, without controlling terminal.
 * - %CAM_PROCESS_FLAGS_INHERIT_FDS: fds of the caller without
 *   `FD_CLOEXEC` stay open in the child; the fds given to it are placed
 *   all the same.
 * - %CAM_PROCESS_FLAGS_ISOLATE_USER: a new user namespace.  The child's
 *   host identity is the one given to [method@Cam.Process.set_user]; if
 *   none was, uid 65534 and gid 65534 (`nobody`, `nogroup`) with no
 *   supplementary groups for a root caller, and the caller's own ids for
 *   any other.  Inside, that identity is mapped to uid 0 and gid 0 (a
 *   `uid_map` and a `gid_map` of the single line `0 HOST_ID 1`), so `id`
 *   shows 0 and every other id shows as 65534; `setgroups` is denied.  The
 *   capabilities this gives it apply only to objects its namespaces own.
 * - %CAM_PROCESS_FLAGS_ISOLATE_NET: a new network namespace, with no
 *   interface but a loopback `lo` that is down: no network, no abstract
 *   Unix socket of the host.  Sockets passed with
 *   [method@Cam.Process.take_fd] still work.
 * - %CAM_PROCESS_FLAGS_ISOLATE_IPC: a new IPC namespace.
 * - %CAM_PROCESS_FLAGS_ISOLATE_PID: the child is created in a new PID
 *   namespace, whose pid 1 it is: getpid() returns 1 in it, while
 *   [property@Cam.Process:pid] is its pid in the caller's namespace.  As
 *   an init process it only receives the signals it has a handler for:
 *   [method@Cam.Process.send_signal] with `SIGTERM` does nothing to a
 *   program that does not catch it, while `SIGKILL`
 *   ([method@Cam.Process.kill]) and `SIGSTOP` always work.  When it exits,
 *   the kernel kills every process left in the namespace; orphans are
 *   reparented to it, so it should reap them.  `/proc` remains the host's
 *   unless the program mounts its own.  Needs `CAP_SYS_ADMIN`, or
 *   %CAM_PROCESS_FLAGS_ISOLATE_USER with no change of ids (a caller that
 *   is not root and did not call [method@Cam.Process.set_user]): the new
 *   user namespace is then created by the same clone and owns it.
 * - %CAM_PROCESS_FLAGS_ISOLATE_MOUNT: a new mount namespace, whose mounts
 *   are made private (`MS_REC | MS_PRIVATE`): what the child mounts stays
 *   there and later host mounts do not appear.
 * - %CAM_PROCESS_FLAGS_ISOLATE_FILES: a root file system of its own, built
 *   in a tmpfs and entered with pivot_root(); the host's root is detached.
 *   It implies %CAM_PROCESS_FLAGS_ISOLATE_USER,
 *   %CAM_PROCESS_FLAGS_ISOLATE_MOUNT and %CAM_PROCESS_FLAGS_ISOLATE_PID
 *   (a `/proc` of its own needs a PID namespace of its own, and a root
 *   child without a user namespace could mount the disk).  The root holds:
 *   `/usr`, `/etc`, `/bin`, `/sbin`, `/lib`, `/lib32`, `/lib64` and
 *   `/libx32` where the host has them, read-only (with every mount below
 *   them), a symlink as the same symlink (`/bin -> usr/bin` on a merged
 *   `/usr`); an empty private writable `/tmp`; a `/proc` of its own PID
 *   namespace, where it is pid 1 and sees only its own descendants; a
 *   minimal `/dev`: the host's `null`, `zero`, `full`, `random`,
 *   `urandom` and `tty`, a private `/dev/pts` instance with `/dev/ptmx`, an
 *   empty `/dev/shm`, and the symlinks `fd`, `stdin`, `stdout` and
 *   `stderr` into `/proc/self/fd`; the program itself, as a read-only
 *   file at its canonical path, if no system directory holds it (an
 *   interpreter it names in a `#!` line is not added: bind it); the paths
 *   given to [method@Cam.Process.bind_path].  Nothing else: no `/home`,
 *   `/root`, `/run`, `/var`, `/srv`, `/mnt`, `/media` or `/sys`, no other
 *   host device.  The directories leading to a visible path exist, empty,
 *   and the root itself is read-only.  The child starts in `/` unless
 *   [method@Cam.Process.set_cwd] was called; a relative directory is
 *   resolved from the caller's, a relative program path from the set
 *   directory, else the caller's, as without the flag.  The directory must
 *   be visible in the new root, or start() fails with a #GError
 *   (%G_IO_ERROR_NOT_FOUND) and no child is left.  The
 *   child is executed at the canonical path of the program.  Before it
 *   executes, the child enters a nested user namespace (still uid 0,
 *   mapped to the uid 0 of the first) with a copy of its mount namespace,
 *   so that the kernel locks every mount and its flags: the program, for
 *   all its capabilities there, cannot remount a read-only bind
 *   read-write nor unmount one.  Its network, IPC and PID namespaces
 *   belong to the outer user namespace, where it has no capability.
 *
 * %CAM_PROCESS_FLAGS_SANDBOX is the isolation libcamera gives its image
 * processing modules (a user and a network namespace), made safe for a
 * root caller, plus no_new_privs and die-with-parent.  It promises:
 *
 * - host identity: never uid 0 unless [method@Cam.Process.set_user] asks
 *   for it.  A root caller's child runs as host uid 65534 and gid 65534
 *   with no supplementary groups; another caller's as its own uid and gid
 *   (keeping its supplementary groups, which an unprivileged process
 *   cannot drop).  To the host it is an ordinary process of that uid: it
 *   cannot read or write root's private files (a `0600` file, a `0700`
 *   directory), nor signal processes of other uids.  The child of a caller
 *   that is not root shares its uid, so it may signal (and, where Yama
 *   allows, ptrace) the caller's other processes: add
 *   %CAM_PROCESS_FLAGS_ISOLATE_PID to hide them from it;
 * - inside: uid 0 and gid 0 of its own user namespace, as above;
 * - network: none, only a down `lo`; no abstract Unix socket of the host;
 * - fds: standard input, output and error and the fds it is given, as
 *   without flags; no new privileges through exec; `SIGKILL` when its
 *   parent thread exits.
 *
 * It does not isolate the file system (the child sees the host's mounts and
 * may use whatever its host uid may, or what is world-readable and
 * world-writable; add %CAM_PROCESS_FLAGS_ISOLATE_FILES), processes (it shares the PID namespace), System V IPC,
 * nor resource use (see [method@Cam.Process.set_rlimit] and
 * [method@Cam.Process.set_cgroup]), and it installs no seccomp filter.  It
 * needs a kernel with user namespaces enabled for the caller
 * (`user.max_user_namespaces` above 0; on older Debian and Ubuntu kernels
 * `kernel.unprivileged_userns_clone` for a caller that is not root) and not
 * forbidden by a container's seccomp profile; otherwise start() fails with
 * a #GError that says so.
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
 * cam_process_set_rlimit:
 * @self: a #CamProcess
 * @resource: a resource, such as `RLIMIT_NOFILE`
 * @soft: the soft limit; %G_MAXUINT64 for `RLIM_INFINITY`
 * @hard: the hard limit; %G_MAXUINT64 for `RLIM_INFINITY`
 * @error: return location for a #GError
 *
 * Sets a resource limit of the children started from now on, replacing
 * an earlier one for the same @resource.  The child applies it with
 * prlimit() after its namespaces and identity are set up, so raising a
 * hard limit needs `CAP_SYS_RESOURCE` in the child's final identity: in a
 * sandbox only lowering works.  A limit the kernel refuses then makes
 * [method@Cam.Process.start] fail with a #GError naming the resource.
 *
 * A @resource the running kernel does not know, or @soft above @hard, is
 * rejected at once with %G_IO_ERROR_INVALID_ARGUMENT and changes nothing.
 *
 * Returns: %TRUE if the limit was recorded
 *
 * Since: 1.0
 */
gboolean
cam_process_set_rlimit (CamProcess  *self,
                        int          resource,
                        guint64      soft,
                        guint64      hard,
                        GError     **error)
{
  CamSpawnRlimit lim = { resource, soft, hard };
  struct rlimit64 current;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The kernel knows its resources; the headers we were built with may
   * know others. */
  if (prlimit64 (/* pid= */ 0, resource, /* new_limit= */ NULL,
                 &current) < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Invalid resource limit %d: %s"), resource,
                   g_strerror (errsv));
      return FALSE;
    }
  if (soft > hard)
    {
      g_autofree char *name = cam_spawn_rlimit_name (resource);

      /* PRIu64, not G_GUINT64_FORMAT: xgettext knows the <inttypes.h>
       * macros and cuts the message at any other. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Invalid resource limit “%s”: the soft limit %" PRIu64 " is above the hard limit %" PRIu64),
                   name, (uint64_t) soft, (uint64_t) hard);
      return FALSE;
    }

  for (guint i = 0; i < self->rlimits->len; i++)
    if (g_array_index (self->rlimits, CamSpawnRlimit, i).resource == resource)
      {
        g_array_index (self->rlimits, CamSpawnRlimit, i) = lim;
        return TRUE;
      }
  g_array_append_val (self->rlimits, lim);
  return TRUE;
}

/**
 * cam_process_set_cgroup:
 * @self: a #CamProcess
 * @cgroup_path: (type filename) (nullable): a directory of the cgroup v2
 *   hierarchy, such as `/sys/fs/cgroup/camera.slice/ipa`, or %NULL for the
 *   caller's cgroup
 *
 * Places the children started from now on in @cgroup_path from their
 * creation, with clone3()'s `CLONE_INTO_CGROUP` (Linux 5.7): they never
 * run, not even for an instant, in the caller's cgroup.  The caller
 * needs write access to its `cgroup.procs`.
 *
 * The child is still cloned sharing the caller's memory until exec, as
 * without a cgroup, through camprocess's clone3() trampoline (x86_64 and
 * aarch64).  Where that cannot be used (other architectures, or clone3()
 * refused to the trampoline) a fork-like clone3() takes its place, which
 * copies the caller's page tables and costs more for a large caller.
 *
 * [method@Cam.Process.start] fails with %G_IO_ERROR_NOT_FOUND when the
 * directory does not exist and with %G_IO_ERROR_NOT_SUPPORTED when it is
 * not in a cgroup v2 hierarchy (a v1 controller, on a legacy or hybrid
 * layout, cannot take it) or the kernel, or a sandbox such as valgrind,
 * has no clone3().
 *
 * Since: 1.0
 */
void
cam_process_set_cgroup (CamProcess *self,
                        const char *cgroup_path)
{
  g_return_if_fail (CAM_IS_PROCESS (self));

  g_free (self->cgroup);
  self->cgroup = g_strdup (cgroup_path);
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
 * Under %CAM_PROCESS_FLAGS_ISOLATE_USER this is its host identity, mapped
 * to 0 inside its user namespace, and it may be 0 if the caller asks so.
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

/**
 * cam_process_bind_path:
 * @self: a #CamProcess
 * @source: (type filename): an absolute host path, a file or a directory
 * @target: (type filename) (nullable): the absolute path where the child
 *   sees it, or %NULL for @source
 * @writable: whether the child may write to it
 *
 * Makes the host path @source visible at @target in the root of the
 * children started from now on with %CAM_PROCESS_FLAGS_ISOLATE_FILES:
 * a recursive bind mount, read-only (with every mount below it) unless
 * @writable.  A writable bind gives the child what its host identity may
 * do there: the caller sees its writes.
 *
 * @source is opened by [method@Cam.Process.start] in the caller, with the
 * caller's rights, and bound from that file descriptor: the child never
 * looks it up itself, so a root caller may bind its own `0700` directory
 * to a child that runs as another uid (what the child may do inside still
 * depends on its own rights).  Symlinks in @source are followed.  A
 * @source that cannot be opened makes start() fail with a #GError naming
 * it (%G_IO_ERROR_NOT_FOUND where it does not exist) before any child is
 * created.
 *
 * Binds are made in the order given, after the system directories, `/tmp`,
 * `/dev` and `/proc`, so that a later one may lie inside an earlier one
 * (or inside `/tmp`).  The directories leading to @target are created
 * where missing, but not inside a read-only bind, where @target must exist
 * already.
 *
 * Relative paths, and `/` as @target, are programming errors.  Binds are only meaningful in a
 * root of the child's own: start() fails with
 * %G_IO_ERROR_INVALID_ARGUMENT when binds were given but
 * %CAM_PROCESS_FLAGS_ISOLATE_FILES is not set.
 *
 * Since: 1.0
 */
void
cam_process_bind_path (CamProcess *self,
                       const char *source,
                       const char *target,
                       gboolean    writable)
{
  CamSpawnBind bind;

  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (source != NULL && g_path_is_absolute (source));
  g_return_if_fail (target == NULL || g_path_is_absolute (target));

  bind.target = g_canonicalize_filename (target != NULL ? target : source,
                                         "/");
  if (g_str_equal (bind.target, "/"))
    {
      g_critical ("%s: the root of the child cannot be replaced", G_STRFUNC);
      g_free (bind.target);
      return;
    }
  bind.source = g_strdup (source);
  bind.writable = writable;
  g_array_append_val (self->binds, bind);
}
