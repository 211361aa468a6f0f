/* cam-spawn.c: the parent side of a spawn
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cam_spawn() checks the request, prepares every table the child reads
 * (cam-process-private.h), blocks all signals, clones with a pidfd and
 * waits on a report pipe until the child has exec'd (EOF) or failed (a
 * CamSpawnReport).  A failed child is reaped before cam_spawn() returns,
 * and its report becomes a GError naming the step.
 *
 * The pidfd comes from the clone itself: there is no window in which the
 * pid could be reused before we hold it.  The child's exit signal is 0 until
 * exec (execve() resets it to SIGCHLD): a child that fails before exec is
 * invisible to a foreign waitpid(-1), so we always reap it ourselves.
 *
 * Child setup (namespaces, identity, rlimits, cgroup, seccomp) is decided
 * here, in prepare_child_setup(), so that the child only follows a plan:
 * which ids to switch to, which namespaces to create with the clone, the
 * exact uid_map and gid_map lines (which the parent writes, see
 * cam-spawn-userns.c), the seccomp programs to load (cam-seccomp.c has the
 * built-in ones).  The vfork-like clone serves every request; a child
 * whose maps the parent writes is cloned without CLONE_VFORK.  Only where
 * the clone3 trampoline is missing (an architecture without one, valgrind)
 * do a cgroup or such a child take the fork-like path: CLONE_INTO_CGROUP
 * exists only for clone3(), and valgrind runs CLONE_VM only with
 * CLONE_VFORK (see clone_child()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "cam-clone.h"
#include "cam-dumpable.h"
#include "cam-pidfd-util.h"
#include "cam-root-plan.h"
#include "cam-seccomp.h"
#include "cam-spawn.h"
#include "cam-spawn-userns.h"

/* Checks the fd map: every source open, every target unique. */
static gboolean
check_fds (const CamSpawnFd  *fds,
           gsize              n_fds,
           GError           **error)
{
  struct rlimit nofile = { RLIM_INFINITY, RLIM_INFINITY };

  /* The child inherits our limit: it cannot have a target at or above it
   * (and targets below it cannot overflow the fd arithmetic). */
  getrlimit (RLIMIT_NOFILE, &nofile);

  for (gsize i = 0; i < n_fds; i++)
    {
      if (fds[i].source < 0 || fds[i].target < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Invalid file descriptor %d"),
                       fds[i].source < 0 ? fds[i].source : fds[i].target);
          return FALSE;
        }
      if ((rlim_t) fds[i].target >= nofile.rlim_cur)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("File descriptor %d cannot be given to the child: it exceeds the limit of open files (RLIMIT_NOFILE is %lu)"),
                       fds[i].target, (unsigned long) nofile.rlim_cur);
          return FALSE;
        }
      if (fcntl (fds[i].source, F_GETFD) < 0)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("File descriptor %d cannot be passed to the child: %s"),
                       fds[i].source, g_strerror (errsv));
          return FALSE;
        }
      for (gsize j = 0; j < i; j++)
        if (fds[j].target == fds[i].target)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         _("File descriptor %d is given to the child twice"),
                         fds[i].target);
            return FALSE;
          }
    }
  return TRUE;
}

/* Opens the report pipe with its write end above every fd of the map, so
 * the child's dup3() cannot land on it.  -errno on failure. */
static int
open_report_pipe (int  base_fd,
                  int *ret_read_fd,
                  int *ret_write_fd)
{
  int p[2];

  if (pipe2 (p, O_CLOEXEC) < 0)
    return -errno;

  if (p[1] < base_fd)
    {
      int fd = fcntl (p[1], F_DUPFD_CLOEXEC, base_fd);
      int errsv = errno;

      close (p[1]);
      if (fd < 0)
        {
          close (p[0]);
          return -errsv;
        }
      p[1] = fd;
    }

  *ret_read_fd = p[0];
  *ret_write_fd = p[1];
  return 0;
}

/* Fills the child's fd tables; the write end of the report pipe must be
 * open already. */
static int
prepare_fd_tables (CamSpawnArgs *args)
{
  gsize n = 0;

  args->keep = g_new (int, args->n_fds + 4);
  args->keep[n++] = STDIN_FILENO;
  args->keep[n++] = STDOUT_FILENO;
  args->keep[n++] = STDERR_FILENO;
  for (gsize i = 0; i < args->n_fds; i++)
    if (args->fds[i].target > STDERR_FILENO)
      args->keep[n++] = args->fds[i].target;
  args->keep[n++] = args->report_fd;
  qsort (args->keep, n, sizeof (int), cam_compare_int);
  args->n_keep = n;

  args->scratch = g_new0 (int, MAX (args->n_fds, 1));

  if (!cam_close_range_supported ())
    return cam_list_open_fds ((int **) &args->open_fds, &args->n_open_fds);
  return 0;
}

static int
compute_base_fd (const CamSpawnFd *fds,
                 gsize             n_fds)
{
  int top = STDERR_FILENO;

  for (gsize i = 0; i < n_fds; i++)
    top = MAX (top, MAX (fds[i].source, fds[i].target));
  return top + 1;
}

/* clone3() like fork(), with the pidfd and handlers cleared by the
 * kernel, @ns_flags (CLONE_NEW*) and, if @cgroup_fd >= 0, straight into
 * that cgroup.  Returns the pid, 0 in the child, or -errno. */
static pid_t
clone3_fork (int  ns_flags,
             int  cgroup_fd,
             int *ret_pidfd)
{
  struct clone_args ca = {
    .flags = CLONE_PIDFD | CLONE_CLEAR_SIGHAND | (guint64) ns_flags,
    .pidfd = (guint64) (guintptr) ret_pidfd,
    .exit_signal = 0,
  };
  long pid;

  if (cgroup_fd >= 0)
    {
      ca.flags |= CLONE_INTO_CGROUP;
      ca.cgroup = (guint64) cgroup_fd;
    }
  pid = syscall (SYS_clone3, &ca, sizeof ca);
  return pid < 0 ? -errno : (pid_t) pid;
}

/* clone(2) like fork(), for kernels or sandboxes without clone3 (valgrind
 * 3.19 answers ENOSYS).  CLONE_PIDFD stores the pidfd through parent_tid.
 * child_tid and tls are unused, so their order (which differs between
 * architectures) does not matter; only s390 swaps the first two. */
static pid_t
clone_fork (int  ns_flags,
            int *ret_pidfd)
{
  unsigned long flags = CLONE_PIDFD | (unsigned long) ns_flags |
                        /* exit_signal= */ 0;
  long pid;

#if defined(__s390__) || defined(__CRIS__)
  pid = syscall (SYS_clone, NULL, flags, ret_pidfd, NULL, NULL);
#else
  pid = syscall (SYS_clone, flags, NULL, ret_pidfd, NULL, NULL);
#endif
  return pid < 0 ? -errno : (pid_t) pid;
}

/* clone3() like fork(), with the pidfd and handlers cleared by the
 * kernel; clone(2) where clone3() is missing.  Slower than clone_vfork()
 * with a large parent (page tables are copied), but it takes the clone3
 * flags that clone() lacks: CLONE_INTO_CGROUP, which has no fallback. */
static pid_t
clone_fork_child (CamSpawnArgs *args,
                  int          *ret_pidfd)
{
  pid_t pid;

  /* Kernels before 5.5 answer EINVAL to CLONE_CLEAR_SIGHAND; container
   * seccomp profiles may answer EPERM or ENOSYS to clone3.  EPERM may
   * also come from a namespace flag: clone() then answers it again. */
  args->reset_handlers = FALSE;
  pid = clone3_fork (args->clone_ns, args->cgroup_fd, ret_pidfd);
  if (args->cgroup_fd < 0 &&
      (pid == -ENOSYS || pid == -EINVAL || pid == -EPERM))
    {
      args->reset_handlers = TRUE;
      pid = clone_fork (args->clone_ns, ret_pidfd);
    }

  if (pid == 0)
    cam_spawn_child (args);
  return pid;
}

/* clone(CLONE_VM | CLONE_VFORK) on a stack of its own, as glibc's
 * posix_spawn: the child borrows the parent's address space instead of
 * copying its page tables, so the cost does not grow with the parent's
 * memory, and the parent sleeps until the child has exec'd or exited.
 * clone3() through cam-clone.c's trampoline, so that the kernel clears the
 * handlers (CLONE_CLEAR_SIGHAND; the child need not query 62 signals and
 * reset each handler while the parent waits); glibc's clone() where
 * clone3() cannot be used (valgrind, which runs it as a fork; the report
 * pipe works the same either way).
 *
 * A child that waits for its maps (sync_fd) needs the parent to run
 * meanwhile: it is cloned without CLONE_VFORK, still sharing the memory,
 * and cam_spawn() waits on the report pipe instead, which closes as the
 * child execs or exits.  glibc's clone() cannot serve it (valgrind takes
 * CLONE_VM without CLONE_VFORK for a thread it does not support): the
 * fork-like path does. */
static pid_t
clone_vfork (CamSpawnArgs *args,
             int          *ret_pidfd)
{
  guint64 vfork = args->sync_fd >= 0 ? 0 : CLONE_VFORK;
  struct clone_args ca = {
    .flags = CLONE_VM | vfork | CLONE_PIDFD | CLONE_CLEAR_SIGHAND |
             args->clone_ns,
    .pidfd = (guint64) (guintptr) ret_pidfd,
    .exit_signal = 0,
    .stack_size = CAM_CLONE_STACK_SIZE,
  };
  void *stack;
  pid_t pid;
  int r;

  /* This thread's stack, reused: we return only once the child is done
   * with it. */
  r = cam_clone_stack_get (&stack);
  if (r < 0)
    return r;
  ca.stack = (guint64) (guintptr) stack;

  if (args->cgroup_fd >= 0)
    {
      ca.flags |= CLONE_INTO_CGROUP;
      ca.cgroup = (guint64) args->cgroup_fd;
    }

  args->reset_handlers = FALSE;
  pid = cam_clone3_on_stack (&ca, cam_spawn_child, args);
  if (pid == -EOPNOTSUPP && (args->cgroup_fd >= 0 || vfork == 0))
    return clone_fork_child (args, ret_pidfd);
  if (pid == -EOPNOTSUPP)
    {
      /* No CLONE_CLEAR_SIGHAND for clone(): the child resets handlers. */
      args->reset_handlers = TRUE;
      pid = clone (cam_spawn_child, (char *) stack + CAM_CLONE_STACK_SIZE,
                   CLONE_VM | CLONE_VFORK | CLONE_PIDFD | args->clone_ns |
                   /* exit_signal= */ 0,
                   args, ret_pidfd);
      if (pid < 0)
        pid = -errno;
    }
  return pid;
}

/* CAM_PROCESS_SPAWN_METHOD=clone3 selects the fork-like path for every
 * spawn, so that the test suite covers it; it is read once. */
static gboolean
fork_path_forced (void)
{
  static gsize cached = 0;

  if (g_once_init_enter (&cached))
    g_once_init_leave (&cached,
                       g_strcmp0 (g_getenv ("CAM_PROCESS_SPAWN_METHOD"),
                                  "clone3") == 0 ? 1 : 2);
  return cached == 1;
}

/* Clones the child, which runs cam_spawn_child() and never returns here.
 * Returns the pid or -errno. */
static pid_t
clone_child (CamSpawnArgs *args,
             int          *ret_pidfd)
{
  if (fork_path_forced ())
    return clone_fork_child (args, ret_pidfd);
  return clone_vfork (args, ret_pidfd);
}

/* The host ids of a child of a root caller in a new user namespace, when
 * no user was set: the kernel's overflow ids, "nobody" and "nogroup". */
#define SANDBOX_UID 65534
#define SANDBOX_GID 65534

/* Reads an integer sysctl; -1 where it does not exist. */
static gint64
read_sysctl (const char *path)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  return g_ascii_strtoll (text, NULL, 10);
}

/* Says why the kernel refused a new user namespace (EPERM, ENOSPC), where
 * the system says so; NULL otherwise.  *ret_disabled tells a system that
 * disables them from a limit or a policy.  The sysctls are per user
 * namespace, and read in ours, the one the child tried to leave. */
static const char *
explain_userns_error (int       errsv,
                      gboolean *ret_disabled)
{
  *ret_disabled = FALSE;
  if (errsv != EPERM && errsv != ENOSPC)
    return NULL;

  *ret_disabled = TRUE;
  if (read_sysctl ("/proc/sys/user/max_user_namespaces") == 0)
    return _("user namespaces are disabled on this system (user.max_user_namespaces is 0)");
  /* Debian and Ubuntu kernels before 6.1 */
  if (errsv == EPERM && geteuid () != 0 &&
      read_sysctl ("/proc/sys/kernel/unprivileged_userns_clone") == 0)
    return _("unprivileged user namespaces are disabled on this system (kernel.unprivileged_userns_clone is 0)");

  *ret_disabled = FALSE;
  if (errsv == ENOSPC)
    return _("the limit of user namespaces is reached (user.max_user_namespaces)");
  return _("user namespaces are not permitted here (a container or a seccomp filter may forbid them)");
}

/* The error of a refused unshare() or namespace clone: NOT_SUPPORTED where
 * the system disables user namespaces, else from errno. */
static void
set_namespace_error (GError **error,
                     int      ns_flags,
                     int      errsv)
{
  gboolean disabled = FALSE;
  const char *why = NULL;

  if (ns_flags & CLONE_NEWUSER)
    why = explain_userns_error (errsv, &disabled);

  if (why != NULL)
    g_set_error (error, G_IO_ERROR,
                 disabled ? G_IO_ERROR_NOT_SUPPORTED
                          : g_io_error_from_errno (errsv),
                 _("Failed to create the namespaces of the child process: %s: %s"),
                 why, g_strerror (errsv));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                 _("Failed to create the namespaces of the child process: %s"),
                 g_strerror (errsv));
}

/* The name of an RLIMIT_* constant, or its number where our headers have
 * no name for it, for messages. */
char *
cam_spawn_rlimit_name (int resource)
{
  static const char * const names[] = {
    [RLIMIT_CPU] = "RLIMIT_CPU",
    [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
    [RLIMIT_DATA] = "RLIMIT_DATA",
    [RLIMIT_STACK] = "RLIMIT_STACK",
    [RLIMIT_CORE] = "RLIMIT_CORE",
    [RLIMIT_RSS] = "RLIMIT_RSS",
    [RLIMIT_NPROC] = "RLIMIT_NPROC",
    [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
    [RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",
    [RLIMIT_AS] = "RLIMIT_AS",
    [RLIMIT_LOCKS] = "RLIMIT_LOCKS",
    [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
    [RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE",
    [RLIMIT_NICE] = "RLIMIT_NICE",
    [RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",
    [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
  };

  if (resource >= 0 && (gsize) resource < G_N_ELEMENTS (names) &&
      names[resource] != NULL)
    return g_strdup (names[resource]);
  return g_strdup_printf ("%d", resource);
}

/* Opens the cgroup for CLONE_INTO_CGROUP and checks that it belongs to
 * cgroup v2: a v1 hierarchy (or any other directory) cannot take it. */
static gboolean
open_cgroup (CamSpawnArgs  *args,
             GError       **error)
{
  struct statfs sfs;
  int errsv;

  args->cgroup_fd = open (args->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  errsv = errno;
  if (args->cgroup_fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Failed to open cgroup “%s”: %s"), args->cgroup,
                   g_strerror (errsv));
      return FALSE;
    }

  if (fstatfs (args->cgroup_fd, &sfs) < 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Failed to open cgroup “%s”: %s"), args->cgroup,
                   g_strerror (errsv));
      return FALSE;
    }
  if (sfs.f_type != CGROUP2_SUPER_MAGIC)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Cannot place the child process in “%s”: it is not a directory of a cgroup v2 (unified) hierarchy"),
                   args->cgroup);
      return FALSE;
    }
  return TRUE;
}

/* Whether the caller's real, effective and saved ids are all @uid, @gid. */
static gboolean
ids_are (guint32 uid,
         guint32 gid)
{
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;

  getresuid (&ruid, &euid, &suid);
  getresgid (&rgid, &egid, &sgid);
  return ruid == uid && euid == uid && suid == uid &&
         rgid == gid && egid == gid && sgid == gid;
}

/* The child's host identity, for a set user or ISOLATE_USER. */
static void
prepare_identity (CamSpawnArgs *args)
{
  if (args->has_user)
    {
      args->target_uid = args->uid;
      args->target_gid = args->gid;
    }
  else if (geteuid () == 0)
    {
      args->target_uid = SANDBOX_UID;
      args->target_gid = SANDBOX_GID;
    }
  else
    {
      args->target_uid = geteuid ();
      args->target_gid = getegid ();
    }
  args->drop_groups = (args->has_user || args->target_uid != geteuid ()) &&
                      getgroups (0, NULL) > 0;
  args->set_ids = args->drop_groups ||
                  !ids_are (args->target_uid, args->target_gid);
}

/* The built-in rule sets of a child.
 *
 * LOCK_PDEATHSIG makes DIE_WITH_PARENT hold for a whole PID namespace: the
 * child is its pid 1, whose death the kernel turns into a SIGKILL of every
 * process in it, so nothing inside outlives the parent thread as long as
 * pid 1 keeps its SIGKILL death signal.  The lock refuses any other, 0
 * included; a grandchild may still set SIGKILL for itself.
 *
 * LOCK_MOUNTS keeps a program with a root of its own from changing it: as
 * uid 0 of the user namespace that owns its mounts, it could otherwise
 * remount a read-only bind read-write. */
static CamSeccompRules
plan_seccomp_rules (CamProcessFlags flags)
{
  CamSeccompRules rules = CAM_SECCOMP_RULES_NONE;

  if (flags & CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS)
    rules |= CAM_SECCOMP_RULES_RESTRICT;
  if ((flags & CAM_PROCESS_FLAGS_ISOLATE_PID) &&
      (flags & CAM_PROCESS_FLAGS_DIE_WITH_PARENT))
    rules |= CAM_SECCOMP_RULES_LOCK_PDEATHSIG;
  if (flags & CAM_PROCESS_FLAGS_ISOLATE_FILES)
    rules |= CAM_SECCOMP_RULES_LOCK_MOUNTS;
  return rules;
}

/* Turns the request (flags, user) into the child's plan.
 *
 * Identity: the set user, else for ISOLATE_USER with a root caller
 * nobody/nogroup, else the caller's own ids, untouched.  Ids are switched
 * only where they differ, and groups dropped only where there are some.
 *
 * Namespaces: all of them come with the clone, while the child still has
 * the caller's ids.  With ISOLATE_USER the new user namespace is the
 * caller's, and owns the others.  Its maps, one line each, map 0 inside
 * to the child's host ids; the parent writes them (cam-spawn-userns.c)
 * while the child waits on the sync pipe, then the child switches to 0
 * inside, which is its host identity outside.  "deny" goes to setgroups
 * unless the child must drop supplementary groups (a root caller's, who
 * may map without it); its only mapped group is then its own.
 *
 * Seccomp: the built-in rule sets the flags ask for, and the caller's
 * program; either implies no_new_privs, without which only CAP_SYS_ADMIN
 * may load a filter.
 *
 * ISOLATE_FILES implies ISOLATE_USER, ISOLATE_MOUNT and ISOLATE_PID; its
 * root is planned apart, by prepare_root(). */
static void
prepare_child_setup (CamSpawnArgs *args)
{
  CamProcessFlags flags = args->flags;

  /* A root of its own needs a /proc of its own PID namespace, and a user
   * namespace, without which a root child could mount the disk. */
  if (flags & CAM_PROCESS_FLAGS_ISOLATE_FILES)
    flags |= CAM_PROCESS_FLAGS_ISOLATE_USER | CAM_PROCESS_FLAGS_ISOLATE_MOUNT |
             CAM_PROCESS_FLAGS_ISOLATE_PID;
  args->flags = flags;

  if (args->has_user || (flags & CAM_PROCESS_FLAGS_ISOLATE_USER))
    prepare_identity (args);
  args->switch_uid = args->target_uid;
  args->switch_gid = args->target_gid;

  if (flags & CAM_PROCESS_FLAGS_ISOLATE_PID)
    args->clone_ns |= CLONE_NEWPID;
  if (flags & CAM_PROCESS_FLAGS_ISOLATE_NET)
    args->clone_ns |= CLONE_NEWNET;
  if (flags & CAM_PROCESS_FLAGS_ISOLATE_IPC)
    args->clone_ns |= CLONE_NEWIPC;
  if (flags & CAM_PROCESS_FLAGS_ISOLATE_MOUNT)
    args->clone_ns |= CLONE_NEWNS;
  if (flags & CAM_PROCESS_FLAGS_ISOLATE_USER)
    {
      args->clone_ns |= CLONE_NEWUSER;
      args->switch_uid = 0;
      args->switch_gid = 0;
      args->deny_setgroups = !args->drop_groups;
      g_snprintf (args->uid_map, sizeof args->uid_map, "0 %u 1\n",
                  args->target_uid);
      g_snprintf (args->gid_map, sizeof args->gid_map, "0 %u 1\n",
                  args->target_gid);
    }

  if (flags & CAM_PROCESS_FLAGS_DIE_WITH_PARENT)
    args->parent_pid = getpid ();

  args->seccomp_rules = plan_seccomp_rules (flags);
  args->no_new_privs = (flags & CAM_PROCESS_FLAGS_NO_NEW_PRIVS) ||
                       args->seccomp_rules != 0 ||
                       args->seccomp_program != NULL;
}

/* Points the child at its filters: the built-in one (written at build
 * time, or built once per process in a cross build; cam-seccomp.h) and
 * the caller's program. */
static gboolean
prepare_seccomp (CamSpawnArgs  *args,
                 GError       **error)
{
  if (args->seccomp_rules != 0)
    {
      int r = cam_seccomp_get_program (args->seccomp_rules,
                                       &args->seccomp[CAM_SPAWN_SECCOMP_BUILTIN]);

      if (r < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-r),
                       _("Failed to build the seccomp filter of the child process: %s"),
                       g_strerror (-r));
          return FALSE;
        }
    }

  if (args->seccomp_program != NULL)
    {
      gsize size;

      args->caller_fprog.filter =
        (struct sock_filter *) g_bytes_get_data (args->seccomp_program, &size);
      args->caller_fprog.len = size / sizeof (struct sock_filter);
      args->seccomp[CAM_SPAWN_SECCOMP_CALLER] = &args->caller_fprog;
    }
  return TRUE;
}

/* Plans the root of its own (cam-root-plan.c) for ISOLATE_FILES: the
 * child then runs args->root_ops, executes the program at its canonical
 * path and changes to an absolute cwd in that root. */
static gboolean
prepare_root (CamSpawnArgs  *args,
              GError       **error)
{
  args->exec_path = args->path;
  if (!(args->flags & CAM_PROCESS_FLAGS_ISOLATE_FILES))
    return TRUE;

  args->root_plan = cam_root_plan_new (args->binds, args->n_binds,
                                       args->path, args->cwd, error);
  if (args->root_plan == NULL)
    return FALSE;
  args->root_ops = cam_root_plan_get_ops (args->root_plan, &args->n_root_ops);
  args->exec_path = cam_root_plan_get_exec_path (args->root_plan);
  if (args->cwd != NULL)
    args->cwd = cam_root_plan_get_cwd (args->root_plan);
  return TRUE;
}

/* The error of a failed step of the root setup: names the op. */
static void
set_root_error (GError          **error,
                const CamRootOp  *op,
                int               errsv)
{
  GIOErrorEnum code = g_io_error_from_errno (errsv);
  const char *msg = g_strerror (errsv);

  switch (op->kind)
    {
    case CAM_ROOT_OP_ENTER:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set up the file system of the child process: cannot enter its root on “%s”: %s"),
                   op->path, msg);
      break;
    case CAM_ROOT_OP_MKDIR:
    case CAM_ROOT_OP_MKFILE:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set up the file system of the child process: cannot create mount point “%s”: %s"),
                   op->name, msg);
      break;
    case CAM_ROOT_OP_SYMLINK:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set up the file system of the child process: cannot create symbolic link “%s”: %s"),
                   op->name, msg);
      break;
    case CAM_ROOT_OP_BIND:
    case CAM_ROOT_OP_ATTACH:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set up the file system of the child process: cannot bind “%s”: %s"),
                   op->name, msg);
      break;
    case CAM_ROOT_OP_REMOUNT:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set up the file system of the child process: cannot make “%s” read-only: %s"),
                   op->name, msg);
      break;
    case CAM_ROOT_OP_MOUNT:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set up the file system of the child process: cannot mount %s on “%s”: %s"),
                   op->fstype, op->name, msg);
      break;
    case CAM_ROOT_OP_LEAVE:
    default:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set up the file system of the child process: cannot detach the root of the host: %s"),
                   msg);
      break;
    }
}

/* The error of a failed clone. */
static void
set_clone_error (GError             **error,
                 const CamSpawnArgs  *args,
                 int                  errsv)
{
  if (args->cgroup_fd >= 0 &&
      (errsv == ENOSYS || errsv == EINVAL || errsv == E2BIG))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 _("Cannot place the child process in cgroup “%s”: this needs clone3() with CLONE_INTO_CGROUP (Linux 5.7): %s"),
                 args->cgroup, g_strerror (errsv));
  else if (args->cgroup_fd >= 0 && errsv != ENOMEM && errsv != EAGAIN)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                 _("Failed to create the child process in cgroup “%s”: %s"),
                 args->cgroup, g_strerror (errsv));
  else if (errsv == ENOSYS || errsv == EINVAL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 _("Failed to create the child process: the kernel has neither clone3() nor clone() with CLONE_PIDFD (Linux 5.2): %s"),
                 g_strerror (errsv));
  else if ((args->clone_ns & CLONE_NEWPID) &&
           !(args->clone_ns & CLONE_NEWUSER) && errsv == EPERM)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                 _("Failed to create the child process in a new PID namespace: it needs CAP_SYS_ADMIN, or ISOLATE_USER: %s"),
                 g_strerror (errsv));
  else if (args->clone_ns != 0 && errsv != ENOMEM && errsv != EAGAIN)
    set_namespace_error (error, args->clone_ns, errsv);
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                 _("Failed to create the child process: %s"),
                 g_strerror (errsv));
}

/* A caller that is not root and made itself non-dumpable cannot open its
 * child's maps: they belong to root while the child shares its memory
 * (see cam-spawn-userns.c).  Says so, rather than "Permission denied". */
static gboolean
set_not_dumpable_error (GError               **error,
                        const CamSpawnReport  *report)
{
  if (report->error != EACCES || prctl (PR_GET_DUMPABLE, 0, 0, 0, 0) == 1)
    return FALSE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
               _("Cannot set up the user namespace of the child process: the caller is not dumpable (PR_SET_DUMPABLE is 0), and a caller that is not root cannot write the maps of a child that shares its memory without making that memory dumpable"));
  return TRUE;
}

static void
set_child_error (GError             **error,
                 const CamSpawnArgs  *args,
                 const CamSpawnReport *report)
{
  GIOErrorEnum code = g_io_error_from_errno (report->error);
  const char *msg = g_strerror (report->error);
  g_autofree char *name = NULL;

  switch ((CamSpawnStep) report->step)
    {
    case CAM_SPAWN_STEP_SIGNALS:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to reset the signal mask of the child process: %s"),
                   msg);
      break;
    case CAM_SPAWN_STEP_SETGROUPS:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to drop the supplementary groups of the child process (setgroups): %s"),
                   msg);
      break;
    case CAM_SPAWN_STEP_SETRESGID:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set the group ID of the child process to %u (setresgid): %s"),
                   args->target_gid, msg);
      break;
    case CAM_SPAWN_STEP_SETRESUID:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set the user ID of the child process to %u (setresuid): %s"),
                   args->target_uid, msg);
      break;
    case CAM_SPAWN_STEP_SETGROUPS_DENY:
      if (set_not_dumpable_error (error, report))
        break;
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to deny setgroups in the user namespace of the child process: %s"),
                   msg);
      break;
    case CAM_SPAWN_STEP_UID_MAP:
      if (set_not_dumpable_error (error, report))
        break;
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to map user ID %u in the user namespace of the child process (uid_map): %s"),
                   args->target_uid, msg);
      break;
    case CAM_SPAWN_STEP_GID_MAP:
      if (set_not_dumpable_error (error, report))
        break;
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to map group ID %u in the user namespace of the child process (gid_map): %s"),
                   args->target_gid, msg);
      break;
    case CAM_SPAWN_STEP_MOUNT_PRIVATE:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to make the mounts of the child process private: %s"),
                   msg);
      break;
    case CAM_SPAWN_STEP_ROOT:
      if (report->index < 0 || (gsize) report->index >= args->n_root_ops)
        goto invalid;
      set_root_error (error, &args->root_ops[report->index], report->error);
      break;
    case CAM_SPAWN_STEP_CHDIR:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to change to directory “%s”: %s"), args->cwd, msg);
      break;
    case CAM_SPAWN_STEP_DUP_FDS:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to pass file descriptors to the child process: %s"),
                   msg);
      break;
    case CAM_SPAWN_STEP_CLOSE_FDS:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to close file descriptors in the child process: %s"),
                   msg);
      break;
    case CAM_SPAWN_STEP_RLIMIT:
      if (report->index < 0 || (gsize) report->index >= args->n_rlimits)
        goto invalid;
      name = cam_spawn_rlimit_name (args->rlimits[report->index].resource);
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set resource limit “%s” of the child process: %s"),
                   name, msg);
      break;
    case CAM_SPAWN_STEP_PDEATHSIG:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set the parent death signal of the child process: %s"),
                   msg);
      break;
    case CAM_SPAWN_STEP_PARENT_GONE:
      g_set_error (error, G_IO_ERROR, code,
                   _("The parent of the child process exited during its setup: %s"),
                   msg);
      break;
    case CAM_SPAWN_STEP_SETSID:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to start a new session for the child process: %s"),
                   msg);
      break;
    case CAM_SPAWN_STEP_NO_NEW_PRIVS:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to set no_new_privs for the child process: %s"),
                   msg);
      break;
    case CAM_SPAWN_STEP_SECCOMP:
      if (report->index == CAM_SPAWN_SECCOMP_BUILTIN)
        g_set_error (error, G_IO_ERROR, code,
                     _("Failed to install the built-in seccomp filter of the child process: %s"),
                     msg);
      else if (report->index == CAM_SPAWN_SECCOMP_CALLER)
        g_set_error (error, G_IO_ERROR, code,
                     _("Failed to install the seccomp filter of the child process: %s"),
                     msg);
      else
        goto invalid;
      break;
    case CAM_SPAWN_STEP_EXEC:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to execute child process “%s”: %s"), args->path,
                   msg);
      break;
    case CAM_SPAWN_STEP_NONE:
    default:
    invalid:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The child process sent an invalid report"));
      break;
    }
}

/* Reads the child's report.  Returns 1 with @report filled if the child
 * failed, 0 if it exec'd (EOF), -errno if the pipe failed. */
static int
read_report (int             fd,
             CamSpawnReport *report)
{
  ssize_t n;

  do
    n = read (fd, report, sizeof *report);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    return -errno;
  if (n == 0)
    return 0;
  if (n != sizeof *report)
    report->step = CAM_SPAWN_STEP_NONE;
  return 1;
}

static void
clear_fd_tables (CamSpawnArgs *args)
{
  g_clear_pointer (&args->keep, g_free);
  g_clear_pointer (&args->scratch, g_free);
  g_clear_pointer ((int **) &args->open_fds, g_free);
  args->n_keep = 0;
  args->n_open_fds = 0;
}

/* Opens the pipe on which a child with a new user namespace waits for its
 * maps. */
static gboolean
open_sync_pipe (CamSpawnArgs  *args,
                GError       **error)
{
  int p[2];

  if (pipe2 (p, O_CLOEXEC) < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Failed to create a pipe for the child process: %s"),
                   g_strerror (errsv));
      return FALSE;
    }
  args->sync_fd = p[0];
  args->sync_peer_fd = p[1];
  return TRUE;
}

/* Sets up what the child waits for, then lets it go through @sync_peer_fd
 * (closed here; -1 when the child waits for nothing).  Returns 0, or 1 with
 * @report filled if the setup failed; the child, which then sees EOF,
 * exits or is killed.  -errno if the pipe failed. */
static int
release_child (const CamSpawnArgs *args,
               int                 sync_peer_fd,
               pid_t               pid,
               CamSpawnReport     *report)
{
  ssize_t n;
  int errsv;

  if (sync_peer_fd < 0)
    return 0;

  if (cam_spawn_userns_write_maps (args, pid, report) < 0)
    {
      close (sync_peer_fd);
      return 1;
    }
  do
    n = write (sync_peer_fd, "", 1);
  while (n < 0 && errno == EINTR);
  errsv = n < 0 ? errno : 0;
  close (sync_peer_fd);
  return -errsv;
}

/* Blocks every signal in the calling thread, as glibc's posix_spawn does,
 * glibc's internal SIGCANCEL and SIGSETXID included: sigfillset() leaves
 * them out and pthread_sigmask() never blocks them, yet their handlers
 * must not run in a child that shares our memory.  The kernel's set is
 * the first _NSIG bits of a sigset_t. */
static void
block_all_signals (sigset_t *saved)
{
  sigset_t all;

  memset (&all, 0xff, sizeof all);
  syscall (SYS_rt_sigprocmask, SIG_SETMASK, &all, saved, (size_t) (_NSIG / 8));
}

static void
restore_signals (const sigset_t *saved)
{
  syscall (SYS_rt_sigprocmask, SIG_SETMASK, saved, NULL, (size_t) (_NSIG / 8));
}

/* The signals a program gets with their default action even where the
 * caller ignores them: those that GLib's fork path, Python's subprocess
 * and shells reset, since programs rely on their default (a pipeline's
 * writer dies of SIGPIPE; a child's own waitpid() needs SIGCHLD not
 * ignored).  Others stay ignored, as exec leaves them. */
static void
prepare_reset_ignored (sigset_t *set)
{
  static const int signals[] = {
    SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGXFSZ, SIGXCPU,
    SIGALRM,
  };

  sigemptyset (set);
  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      struct sigaction old;

      if (sigaction (signals[i], NULL, &old) == 0 &&
          old.sa_handler == SIG_IGN)
        sigaddset (set, signals[i]);
    }
}

/* EOF on the report pipe means that the child exec'd, or died before it
 * could say anything (a signal: SIGKILL, SIGSYS from a seccomp filter).
 * Exec tells them apart: it sets the exit signal, 0 until then, to SIGCHLD
 * before it closes the pipe (de_thread() comes before do_close_on_exec()).
 * __WCLONE waits only for a child whose exit signal is not SIGCHLD, so it
 * answers ECHILD at once for one that exec'd, and reaps one that did not,
 * waiting for it to finish dying.  Returns 1 with @info filled if the child
 * died before exec and is reaped, 0 if it exec'd, -errno otherwise. */
static int
reap_if_died_before_exec (int        pidfd,
                          siginfo_t *info)
{
  int r;

  memset (info, 0, sizeof *info);
  do
    r = waitid (P_PIDFD, (id_t) pidfd, info, WEXITED | __WCLONE);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return errno == ECHILD ? 0 : -errno;
  return 1;
}

static void
set_died_error (GError             **error,
                const CamSpawnArgs  *args,
                const siginfo_t     *info)
{
  if (info->si_code == CLD_KILLED || info->si_code == CLD_DUMPED)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 _("The child process was killed by signal %d (%s) before it could execute “%s”"),
                 info->si_status, g_strsignal (info->si_status), args->path);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 _("The child process exited with code %d before it could execute “%s”"),
                 info->si_status, args->path);
}

/**
 * cam_spawn:
 * @args: the request, with path, argv, envp, cwd, the fd map and the child
 *   setup (flags, user, rlimits, cgroup) set
 * @ret_pidfd: (out): the child's pidfd, O_CLOEXEC, owned by the caller
 * @ret_pid: (out): the child's pid
 * @error: return location for a #GError
 *
 * Starts the child and returns once it has exec'd.  On failure no child is
 * left: it has been reaped and its pidfd closed.
 *
 * Returns: %TRUE if the child runs the program
 */
gboolean
cam_spawn (CamSpawnArgs *args,
           int          *ret_pidfd,
           int          *ret_pid,
           GError      **error)
{
  CamSpawnReport report = { 0 };
  const char *cwd = args->cwd;
  siginfo_t info;
  sigset_t saved;
  int report_fd, sync_fd, sync_peer_fd;
  gboolean held_dumpable = FALSE;
  gboolean kill_child;
  int read_fd = -1;
  int pidfd = -1;
  pid_t pid;
  int r, errsv;

  args->report_fd = -1;
  args->cgroup_fd = -1;
  args->sync_fd = -1;
  args->sync_peer_fd = -1;

  /* Linux 5.2 and 5.3 give a pidfd but cannot wait on it: the child would
   * never be reaped. */
  if (!cam_waitid_pidfd_supported ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Cannot start “%s”: the kernel cannot wait on a pidfd (waitid with P_PIDFD, Linux 5.4)"),
                   args->path);
      return FALSE;
    }

  if (!check_fds (args->fds, args->n_fds, error))
    return FALSE;

  /* Binds without a root of its own would change nothing: the child
   * sees the whole host. */
  if (args->n_binds > 0 && !(args->flags & CAM_PROCESS_FLAGS_ISOLATE_FILES))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot start “%s”: paths to bind were given without CAM_PROCESS_FLAGS_ISOLATE_FILES"),
                   args->path);
      return FALSE;
    }

  args->base_fd = compute_base_fd (args->fds, args->n_fds);
  r = open_report_pipe (args->base_fd, &read_fd, &args->report_fd);
  if (r < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-r),
                   _("Failed to create a pipe for the child process: %s"),
                   g_strerror (-r));
      return FALSE;
    }

  if (args->cgroup != NULL && !open_cgroup (args, error))
    {
      r = -EINVAL;
      goto out;
    }

  prepare_child_setup (args);
  if (!prepare_seccomp (args, error))
    {
      r = -EINVAL;
      goto out;
    }

  if (!prepare_root (args, error))
    {
      r = -EINVAL;
      goto out;
    }

  r = prepare_fd_tables (args);
  if (r < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-r),
                   _("Failed to list open file descriptors: %s"),
                   g_strerror (-r));
      goto out;
    }

  if ((args->clone_ns & CLONE_NEWUSER) && !open_sync_pipe (args, error))
    {
      r = -EINVAL;
      goto out;
    }

  /* The child starts with every signal blocked, so that no handler of the
   * parent runs in it, and unblocks them once the handlers are reset.  Ours
   * stay blocked until the child has exec'd: without CLONE_VFORK it runs
   * beside us, and a handler here could write the errno it shares. */
  sigemptyset (&args->child_mask);
  prepare_reset_ignored (&args->reset_ignored);
  held_dumpable = args->set_ids;
  if (held_dumpable)
    cam_dumpable_hold ();
  block_all_signals (&saved);
  pid = clone_child (args, &pidfd);
  errsv = -pid;

  /* The child may read args until it has exec'd, and may share them: the
   * parent's ends and copies are closed through locals, and args is left
   * as it is until the report is in. */
  report_fd = args->report_fd;
  sync_fd = args->sync_fd;
  sync_peer_fd = args->sync_peer_fd;
  close (report_fd);
  if (sync_fd >= 0)
    close (sync_fd);

  if (pid < 0)
    {
      if (sync_peer_fd >= 0)
        close (sync_peer_fd);
      restore_signals (&saved);
      args->report_fd = args->sync_fd = args->sync_peer_fd = -1;
      set_clone_error (error, args, errsv);
      r = -errsv;
      goto out;
    }

  /* A child that waits for a setup we could not finish, or that we cannot
   * hear from, is killed; one that reported a failure exits at once. */
  r = release_child (args, sync_peer_fd, pid, &report);
  kill_child = r != 0;
  if (r == 0)
    {
      r = read_report (read_fd, &report);
      kill_child = r < 0;
    }
  args->report_fd = args->sync_fd = args->sync_peer_fd = -1;
  restore_signals (&saved);
  if (r == 0 && reap_if_died_before_exec (pidfd, &info) > 0)
    {
      cam_clear_fd (&pidfd);
      set_died_error (error, args, &info);
      r = -ECHILD;
      goto out;
    }
  if (r != 0)
    {
      CamProcessExitStatus status;
      int code;

      if (kill_child)
        cam_pidfd_send_signal (pidfd, pid, SIGKILL);
      cam_pidfd_reap (pidfd, TRUE, &status, &code);
      cam_clear_fd (&pidfd);
      if (r > 0)
        set_child_error (error, args, &report);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-r),
                     _("Failed to read the report of the child process: %s"),
                     g_strerror (-r));
      goto out;
    }

  *ret_pidfd = pidfd;
  *ret_pid = pid;

out:
  if (held_dumpable)
    cam_dumpable_release ();
  cam_clear_fd (&read_fd);
  cam_clear_fd (&args->report_fd);
  cam_clear_fd (&args->sync_fd);
  cam_clear_fd (&args->sync_peer_fd);
  cam_clear_fd (&args->cgroup_fd);
  clear_fd_tables (args);
  g_clear_pointer (&args->root_plan, cam_root_plan_free);
  args->root_ops = NULL;
  args->n_root_ops = 0;
  args->exec_path = args->path;
  args->cwd = cwd;
  return r == 0;
}
