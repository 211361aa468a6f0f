/* cam-process-sandbox.c: how CamProcess sets up its child
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The configuration of what the child does between clone and exec: flags
 * (namespaces, no_new_privs, die-with-parent, session, fds, system call
 * restrictions), taken fds, resource limits, cgroup, user and the
 * caller's seccomp filter.  start() in cam-process.c copies it
 * into CamSpawnArgs; cam-spawn.c plans the child's steps from it and
 * cam-spawn-child.c runs them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <sys/resource.h>

#include <glib/gi18n-lib.h>

#include "camprocess/camprocess.h"
#include "cam-pidfd-util.h"
#include "cam-process-object.h"
#include "cam-spawn.h"

/* Closes the taken fds that no start() consumed, each source once: one fd
 * taken for two targets must not be closed twice, as the second close()
 * could hit an fd another thread has just opened at that number. */
void
cam_process_close_taken_fds (CamProcess *self)
{
  for (guint i = 0; i < self->taken_fds->len; i++)
    {
      CamSpawnFd *fd = &g_array_index (self->taken_fds, CamSpawnFd, i);

      for (guint j = i + 1; j < self->taken_fds->len; j++)
        if (g_array_index (self->taken_fds, CamSpawnFd, j).source == fd->source)
          g_array_index (self->taken_fds, CamSpawnFd, j).source = -1;
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
 *   With %CAM_PROCESS_FLAGS_ISOLATE_PID it holds for everything in the
 *   child's PID namespace: the kernel kills the whole namespace when its
 *   pid 1, the child, dies, and a seccomp filter keeps the child from
 *   setting any other death signal (`PR_SET_PDEATHSIG` with anything but
 *   `SIGKILL` fails with `EPERM`, in its descendants too); no_new_privs
 *   comes with it, as loading the filter needs it.
 * - %CAM_PROCESS_FLAGS_NEW_SESSION: setsid(): a new session and process
 *   group, without controlling terminal.
 * - %CAM_PROCESS_FLAGS_INHERIT_FDS: fds of the caller without
 *   `FD_CLOEXEC` stay open in the child; the fds given to it are placed
 *   all the same.
 * - %CAM_PROCESS_FLAGS_ISOLATE_USER: a new user namespace, owned by the
 *   caller, which also owns the child's other new namespaces.  The
 *   child's host identity is the one given to
 *   [method@Cam.Process.set_user]; if none was, uid 65534 and gid 65534
 *   (`nobody`, `nogroup`) with no supplementary groups for a root caller,
 *   and the caller's own ids for any other.  Inside, that identity is
 *   mapped to uid 0 and gid 0 (a `uid_map` and a `gid_map` of the single
 *   line `0 HOST_ID 1`), so `id` shows 0 and every other id shows as
 *   65534.  The caller writes the maps while the child waits, still with
 *   the caller's ids; only then does the child switch to its identity, so
 *   that a child sharing the caller's memory is never dumpable as another
 *   uid, nor in a namespace another uid owns.  `setgroups` is denied,
 *   except where the child drops supplementary groups first (a root
 *   caller's, whose only mapped group is then the child's own).  The
 *   capabilities this gives it apply only to objects its namespaces own.
 *   A caller that is not root and made itself non-dumpable
 *   (`PR_SET_DUMPABLE` 0) cannot write those maps without exposing its
 *   memory: start() then fails with %G_IO_ERROR_PERMISSION_DENIED.
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
 *   %CAM_PROCESS_FLAGS_ISOLATE_USER, whose new user namespace then owns
 *   it.
 * - %CAM_PROCESS_FLAGS_ISOLATE_MOUNT: a new mount namespace, whose mounts
 *   are made private (`MS_REC | MS_PRIVATE`): what the child mounts stays
 *   there and later host mounts do not appear.
 * - %CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS: a seccomp filter, installed as
 *   the last step before exec (after no_new_privs, which it implies, and
 *   after setsid()), that makes these system calls fail with `EPERM`;
 *   it never kills the program.
 *   - namespaces: unshare() and clone() with any `CLONE_NEW*` flag
 *     (`NEWNS`, `NEWCGROUP`, `NEWUTS`, `NEWIPC`, `NEWUSER`, `NEWPID`,
 *     `NEWNET`, `NEWTIME`), setns().  clone3() fails with `ENOSYS`
 *     instead: a filter cannot read its flags, and glibc falls back to
 *     clone() on `ENOSYS`, so fork() and threads keep working;
 *   - mounts: mount(), umount(), umount2(), pivot_root(), move_mount(),
 *     open_tree(), fsopen(), fsconfig(), fsmount(), fspick(),
 *     mount_setattr();
 *   - other processes: ptrace(), process_vm_readv(), process_vm_writev();
 *   - keyrings: keyctl(), add_key(), request_key();
 *   - kernel interfaces: bpf(), perf_event_open(), userfaultfd(),
 *     io_uring_setup(), io_uring_enter(), io_uring_register(),
 *     kexec_load(), kexec_file_load(), init_module(), finit_module(),
 *     delete_module();
 *   - personality() with any value but `PER_LINUX` and the query
 *     `0xffffffff`;
 *   - ioctl() with `TIOCSTI` (pushing input into a terminal) or
 *     `TIOCLINUX`, whatever the upper 32 bits of the request, which the
 *     kernel ignores;
 *   - every system call of another architecture than the library's: on
 *     x86_64 the 32-bit entry points (`int 0x80`, x32 system calls).  A
 *     32-bit program cannot run under this flag.
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
 *   child is executed at the canonical path of the program.  The mounts
 *   stay as they were made: a seccomp filter refuses the program every
 *   mount system call (mount(), umount2(), pivot_root(), the new mount
 *   API) with `EPERM`, so that, for all its capabilities in its user
 *   namespace, it can neither remount a read-only bind read-write nor
 *   unmount one; no_new_privs comes with it, as loading the filter needs
 *   it.
 *
 *   The rest of the system is allowed: it is a deny list that narrows
 *   the kernel's attack surface, not a confinement of its own.  Add your
 *   own program with [method@Cam.Process.set_seccomp_filter].
 *
 * %CAM_PROCESS_FLAGS_KILL_ON_DISPOSE changes the lifetime of the object,
 * not the child's setup.  By default a running `CamProcess` holds a
 * reference on itself from [method@Cam.Process.start] until its child has
 * been reaped and [signal@Cam.Process::finished] emitted, as #GSubprocess
 * does: dropping the last reference of the caller (or a binding's garbage
 * collector doing so) neither kills the child nor leaks the object.  With
 * the flag set at start(), it holds none: when the caller's last
 * reference goes, the child gets `SIGKILL` and is reaped at once, with no
 * "finished", as libcamera's Process does in its destructor.
 *
 * %CAM_PROCESS_FLAGS_SANDBOX is the isolation for untrusted code, such as
 * libcamera's image processing modules: %CAM_PROCESS_FLAGS_ISOLATE_USER,
 * %CAM_PROCESS_FLAGS_ISOLATE_NET, %CAM_PROCESS_FLAGS_ISOLATE_IPC,
 * %CAM_PROCESS_FLAGS_ISOLATE_PID, %CAM_PROCESS_FLAGS_ISOLATE_MOUNT,
 * %CAM_PROCESS_FLAGS_ISOLATE_FILES, %CAM_PROCESS_FLAGS_NEW_SESSION,
 * %CAM_PROCESS_FLAGS_NO_NEW_PRIVS, %CAM_PROCESS_FLAGS_DIE_WITH_PARENT and
 * %CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS.  What it blocks, and what it does
 * not:
 *
 * | the child tries to reach | with SANDBOX |
 * |---|---|
 * | the caller's memory, through `/proc/PID/mem` or ptrace, while it shares or copies it before exec | blocked: its user namespace is the caller's, and it is never dumpable as another uid |
 * | the caller's files, `~/.ssh`, root's private files | blocked: a root of its own holds only the system directories, read-only, and what [method@Cam.Process.bind_path] gives it; a root caller's child also runs as host uid 65534 with no groups |
 * | the host's `/tmp`, `/run`, `/var`, `/home`, `/sys`, device nodes | blocked: its own empty `/tmp`, a minimal `/dev`, nothing else |
 * | path-named Unix sockets (the session bus, X11) | blocked: not in its root unless bound |
 * | the caller's terminal (`TIOCSTI` keystrokes, `/dev/tty`) | blocked: a new session without controlling terminal, and `TIOCSTI` and `TIOCLINUX` refused |
 * | outliving the thread that started it (clearing its death signal, forking, `setsid`) | blocked: it is pid 1 of its PID namespace, which dies with it, and may not give up its `SIGKILL` death signal |
 * | host processes: `kill()` by pid, by process group, `kill(0)`, pidfds, `/proc/PID` fds | blocked: none is visible from its PID namespace, its `/proc` and its session |
 * | System V IPC and POSIX message queues of the host | blocked: a new IPC namespace |
 * | the network, abstract Unix sockets | blocked: only a down `lo` |
 * | new privileges through set-user-ID programs | blocked: no_new_privs |
 * | the kernel's wider surface: nested namespaces, `mount`, `ptrace`, keyrings, `bpf`, `io_uring`, `perf_event_open`, 32-bit system calls | blocked: refused with `EPERM` by the seccomp filter |
 * | what it was given: its fds, its binds (writable ones for writing) | allowed, as asked |
 * | CPU, memory, fds, processes | **not limited**: see [method@Cam.Process.set_rlimit] and [method@Cam.Process.set_cgroup] |
 * | the kernel itself: a bug in a system call the filter allows | **not blocked**: narrow the surface further with [method@Cam.Process.set_seccomp_filter] |
 *
 * Inside, it is uid 0 and gid 0 of its own user namespace, as above; it
 * keeps standard input, output and error and the fds it is given.  As pid
 * 1 it receives only the signals it has a handler for: `SIGTERM` from
 * [method@Cam.Process.send_signal] does nothing to a program that does not
 * catch it, and [method@Cam.Process.terminate_async] then ends it with
 * `SIGKILL` once its grace period is over.  Its exit code or signal is
 * reported as for any child.
 *
 * It needs a kernel with user namespaces enabled for the caller
 * (`user.max_user_namespaces` above 0; on older Debian and Ubuntu kernels
 * `kernel.unprivileged_userns_clone` for a caller that is not root) and not
 * forbidden by a container's seccomp profile, and seccomp filters;
 * otherwise start() fails with a #GError that says so, and never falls
 * back to less isolation.
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
 * cam_process_set_seccomp_filter:
 * @self: a #CamProcess
 * @program: (nullable): a classic BPF seccomp program, an array of
 *   `struct sock_filter` (8 bytes each) in the byte order of the machine,
 *   as `bwrap --seccomp` takes it; or %NULL for none
 * @error: return location for a #GError
 *
 * Installs @program as a seccomp filter in the children started from now
 * on, replacing the program of an earlier call; %NULL removes it.  The
 * child loads it with `seccomp (SECCOMP_SET_MODE_FILTER)` as its last step
 * before exec, after the built-in filter of
 * %CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS, if that is set.  The kernel runs
 * every filter and obeys the one that refuses most, so @program can refuse
 * more but never allow what the built-in one refuses.  Like that flag it
 * implies %CAM_PROCESS_FLAGS_NO_NEW_PRIVS, which loading a filter without
 * `CAP_SYS_ADMIN` requires.  @program must allow what runs after it:
 * execve() and what the program needs to start.
 *
 * The bytes are kept, not copied: they must not change (a #GBytes never
 * does).  A @program that is empty, whose size is not a multiple of 8
 * bytes, or longer than `BPF_MAXINSNS` (4096) instructions, is rejected
 * here with %G_IO_ERROR_INVALID_ARGUMENT and changes nothing.  One the
 * kernel refuses (a bad instruction, a jump out of range, a kernel without
 * seccomp) makes [method@Cam.Process.start] fail with a #GError naming the
 * step, and no child is left.
 *
 * Returns: %TRUE if the program was recorded
 *
 * Since: 1.0
 */
gboolean
cam_process_set_seccomp_filter (CamProcess  *self,
                                GBytes      *program,
                                GError     **error)
{
  gsize size = 0;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (program != NULL)
    size = g_bytes_get_size (program);
  if (program != NULL &&
      (size == 0 || size % sizeof (struct sock_filter) != 0 ||
       size / sizeof (struct sock_filter) > BPF_MAXINSNS))
    {
      /* G_GSIZE_FORMAT would cut the message for xgettext; a filter fits
       * an unsigned long. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Invalid seccomp filter of %lu bytes: it must hold 1 to %d instructions of %d bytes"),
                   (unsigned long) size, BPF_MAXINSNS,
                   (int) sizeof (struct sock_filter));
      return FALSE;
    }

  g_clear_pointer (&self->seccomp_program, g_bytes_unref);
  if (program != NULL)
    self->seccomp_program = g_bytes_ref (program);
  return TRUE;
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
