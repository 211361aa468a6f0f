/* cam-spawn-child.c: the child between clone and exec
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This file runs in the child of a possibly multi-threaded parent, and
 * possibly in the parent's address space (CLONE_VM).  It may only make
 * async-signal-safe calls on the memory cam_spawn() prepared: no malloc, no
 * stdio, no GLib, no gettext, no getenv, no locks.  The only memory it
 * writes is the prepared scratch slots and its own stack, and errno: under
 * CLONE_VM that is the calling thread's errno in the parent.  The parent
 * therefore reads errno only after failed calls of its own made while the
 * child is blocked or gone, never across the child's life.  The library is
 * linked with -z now, so no call here enters the dynamic linker (which
 * would write the shared GOT).
 *
 * The steps run in the order of CamSpawnStep.  The first failure writes
 * {step, errno} to the report pipe and exits with 127; the parent reads
 * the pipe, reaps the child and turns the report into a GError.  A
 * successful execve() closes the O_CLOEXEC pipe: the parent reads EOF.
 *
 * The order matters:
 *  1. with a new user namespace, wait for the parent to write its maps
 *     (cam-spawn-userns.c); until then the child has the caller's host ids
 *     in a namespace the caller owns, and must not change anything;
 *  2. signals: handlers reset, the listed ignored signals reset and the
 *     mask restored, before anything can fail;
 *  3. identity: supplementary groups, gid, then uid, with raw syscalls:
 *     glibc's setresuid() and friends signal every thread of the process
 *     to keep their credentials in sync (setxid), which a CLONE_VM child
 *     must never do; the uid goes last, as it drops the right to change
 *     the others.  In a new user namespace these are ids inside it (0);
 *     the kernel clears the dumpable flag of the memory on the way, which
 *     cam-dumpable.c puts back for the caller once the child has exec'd;
 *  4. PR_SET_PDEATHSIG, which any later change of ids would clear, then
 *     the check that the parent did not die before it was set (the
 *     signal is only sent for a death that comes after); under
 *     ISOLATE_PID the check reads the caller's /proc, so it comes before
 *     the child mounts its own;
 *  5. mount propagation made private;
 *  6. the root of its own (ISOLATE_FILES, cam-root-child.c): it needs the
 *     final identity (the user namespace must own the mount and PID
 *     namespaces, for the new /proc) and private propagation, and it
 *     attaches the mount trees the parent cloned, whose fds must still be
 *     open;
 *  7. chdir, as the final identity and in the final root;
 *  8. fds, then rlimits (a lower RLIMIT_NOFILE must not stop dup3());
 *  9. setsid, then no_new_privs, which loading a filter needs without
 *     CAP_SYS_ADMIN;
 * 10. the seccomp filters last, the built-in one then the caller's, so
 *     that no earlier step runs under them (a caller's filter may refuse
 *     anything), then exec.  The prepared programs are only passed to
 *     the kernel, which copies them.  A program the kernel refuses with
 *     ENOEXEC (a script without "#!") is executed again through /bin/sh
 *     with the argument vector the parent prepared.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cam-process-private.h"
#include "cam-root-child.h"

static void G_GNUC_NORETURN
child_fail_index (const CamSpawnArgs *args,
                  CamSpawnStep        step,
                  int                 index)
{
  CamSpawnReport report = { step, errno != 0 ? errno : ECHILD, index };

  /* Twelve bytes to a pipe are written at once or not at all. */
  if (write (args->report_fd, &report, sizeof report) < 0)
    { /* Nothing left to tell: the parent sees exit status 127. */ }
  _exit (127);
}

static void G_GNUC_NORETURN
child_fail (const CamSpawnArgs *args,
            CamSpawnStep        step)
{
  child_fail_index (args, step, 0);
}

/* Handlers installed by the parent must not run in the child: reset them
 * to SIG_DFL, as exec would.  Ignored signals stay ignored, as across
 * exec.  Only needed where clone3's CLONE_CLEAR_SIGHAND was not used.
 *
 * glibc's sigaction() refuses its internal signals (SIGCANCEL and
 * SIGSETXID, from __SIGRTMIN to below SIGRTMIN), whose handlers work on
 * the calling thread's descriptor: the parent's, here.  They get SIG_DFL
 * through the system call, whose struct is all zeroes for SIG_DFL on
 * every architecture.  The parent blocked them around the clone. */
static void
reset_signal_handlers (void)
{
  for (int sig = 1; sig < _NSIG; sig++)
    {
      struct sigaction sa = { .sa_handler = SIG_DFL };
      struct sigaction old;

      if (sig >= __SIGRTMIN && sig < SIGRTMIN)
        {
          static const char zeroes[64];

          syscall (SYS_rt_sigaction, sig, zeroes, NULL, (size_t) (_NSIG / 8));
          continue;
        }
      /* SIGKILL and SIGSTOP fail with EINVAL. */
      if (sigaction (sig, NULL, &old) < 0)
        continue;
      if (old.sa_handler == SIG_DFL || old.sa_handler == SIG_IGN)
        continue;
      sigaction (sig, &sa, NULL);
    }
}

/* Gives back the default action to the ignored signals the parent listed:
 * a program expects SIGPIPE, SIGCHLD and the like as exec leaves them in a
 * fresh process, not as the caller (Python ignores SIGPIPE) set them. */
static int
reset_ignored_signals (const CamSpawnArgs *args)
{
  for (int sig = 1; sig < _NSIG; sig++)
    {
      struct sigaction sa = { .sa_handler = SIG_DFL };

      if (sigismember (&args->reset_ignored, sig) == 1 &&
          sigaction (sig, &sa, NULL) < 0)
        return -1;
    }
  return 0;
}

/* Gives each target its source without FD_CLOEXEC.  Sources are first
 * moved above every source and target, so that one pair's target may be
 * another pair's source. */
static int
dup_fds (const CamSpawnArgs *args)
{
  for (gsize i = 0; i < args->n_fds; i++)
    {
      if (args->fds[i].source == args->fds[i].target)
        continue;
      args->scratch[i] = fcntl (args->fds[i].source, F_DUPFD_CLOEXEC,
                                args->base_fd);
      if (args->scratch[i] < 0)
        return -1;
    }

  for (gsize i = 0; i < args->n_fds; i++)
    {
      int r;

      if (args->fds[i].source == args->fds[i].target)
        r = fcntl (args->fds[i].target, F_SETFD, 0);
      else
        r = dup3 (args->scratch[i], args->fds[i].target, /* flags= */ 0);
      if (r < 0)
        return -1;
    }

  return 0;
}

static int
close_range_between (int first,
                     int last)
{
  if (first > last)
    return 0;
  return close_range ((unsigned int) first, (unsigned int) last,
                      /* flags= */ 0);
}

/* Closes every fd but the sorted keep list (whose last entry is the report
 * pipe).  Without close_range() the parent listed its open fds. */
static int
close_other_fds (const CamSpawnArgs *args)
{
  int next = 0;

  if (args->open_fds != NULL)
    {
      gsize k = 0;

      for (gsize i = 0; i < args->n_open_fds; i++)
        {
          int fd = args->open_fds[i];

          while (k < args->n_keep && args->keep[k] < fd)
            k++;
          if (k < args->n_keep && args->keep[k] == fd)
            continue;
          if (close (fd) < 0 && errno != EBADF)
            return -1;
        }
      return 0;
    }

  for (gsize k = 0; k < args->n_keep; k++)
    {
      if (close_range_between (next, args->keep[k] - 1) < 0)
        return -1;
      next = args->keep[k] + 1;
    }
  return close_range ((unsigned int) next, ~0U, /* flags= */ 0);
}

/* Switches to the prepared identity: groups, gid, then uid.  Returns the
 * failed step, or CAM_SPAWN_STEP_NONE. */
static CamSpawnStep
switch_ids (const CamSpawnArgs *args)
{
  if (args->drop_groups &&
      syscall (SYS_setgroups, /* size= */ 0, /* list= */ NULL) < 0)
    return CAM_SPAWN_STEP_SETGROUPS;
  if (syscall (SYS_setresgid, args->switch_gid, args->switch_gid,
               args->switch_gid) < 0)
    return CAM_SPAWN_STEP_SETRESGID;
  if (syscall (SYS_setresuid, args->switch_uid, args->switch_uid,
               args->switch_uid) < 0)
    return CAM_SPAWN_STEP_SETRESUID;
  return CAM_SPAWN_STEP_NONE;
}

/* Waits for the parent to set up the user namespace: one byte on the sync
 * pipe.  EOF means that it failed and reports it itself; the child just
 * leaves.  Signals are all blocked (the parent blocked them around the
 * clone), so read() cannot fail with EINTR and writes no errno while the
 * parent works. */
static void
wait_for_parent (const CamSpawnArgs *args)
{
  char go;

  close (args->sync_peer_fd);
  if (read (args->sync_fd, &go, 1) != 1)
    _exit (127);
  close (args->sync_fd);
}

/* Sets the prepared limits; returns the index of the one refused, or -1. */
static int
set_rlimits (const CamSpawnArgs *args)
{
  for (gsize i = 0; i < args->n_rlimits; i++)
    {
      struct rlimit64 lim = {
        .rlim_cur = args->rlimits[i].soft,
        .rlim_max = args->rlimits[i].hard,
      };

      if (prlimit64 (/* pid= */ 0, args->rlimits[i].resource, &lim,
                     /* old_limit= */ NULL) < 0)
        return (int) i;
    }
  return -1;
}

/* Our parent's pid as /proc/self/stat gives it, for a child in a new PID
 * namespace, where getppid() is always 0 (the parent is outside it).  The
 * /proc we see is still the caller's, whose pid numbers it uses.  The
 * fourth field follows the last ')': comm may hold anything.  -1 with errno
 * on failure. */
static pid_t
read_proc_ppid (void)
{
  char buf[512];
  ssize_t n;
  pid_t ppid = 0;
  char *p = NULL;
  int fd, errsv;

  fd = open ("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  do
    n = read (fd, buf, sizeof buf - 1);
  while (n < 0 && errno == EINTR);
  errsv = errno;
  close (fd);
  if (n < 0)
    {
      errno = errsv;
      return -1;
    }
  buf[n] = '\0';

  for (ssize_t i = 0; i < n; i++)
    if (buf[i] == ')')
      p = buf + i;
  /* ") S 1234 " */
  if (p == NULL || p[1] != ' ' || p[2] == '\0' || p[3] != ' ')
    {
      errno = EIO;
      return -1;
    }
  for (p += 4; *p >= '0' && *p <= '9'; p++)
    ppid = ppid * 10 + (*p - '0');
  return ppid;
}

/* Whether the process that started us is gone: once it dies we are
 * reparented, and our parent pid changes. */
static int
parent_gone (const CamSpawnArgs *args)
{
  pid_t ppid;

  if (!(args->clone_ns & CLONE_NEWPID))
    return getppid () != args->parent_pid;

  ppid = read_proc_ppid ();
  if (ppid < 0)
    return -1;
  return ppid != args->parent_pid;
}

/* Loads a seccomp filter for this thread.  seccomp() where it exists;
 * prctl (PR_SET_SECCOMP), which the kernel turns into the same call, where
 * it answers ENOSYS (valgrind 3.19 does not know seccomp()).  A kernel
 * without seccomp filters answers EINVAL to both.  -1 with errno on
 * failure. */
static int
load_seccomp (const struct sock_fprog *program)
{
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, /* flags= */ 0,
               program) == 0)
    return 0;
  if (errno != ENOSYS)
    return -1;
  return prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, program, 0, 0);
}

/**
 * cam_spawn_child:
 * @data: the CamSpawnArgs prepared by cam_spawn()
 *
 * The child's entry point after clone.  Returns only through execve() or
 * _exit().
 *
 * Returns: never
 */
int
cam_spawn_child (void *data)
{
  const CamSpawnArgs *args = data;
  CamSpawnStep step;
  int r;

  if (args->sync_fd >= 0)
    wait_for_parent (args);

  if (args->reset_handlers)
    reset_signal_handlers ();
  if (reset_ignored_signals (args) < 0)
    child_fail (args, CAM_SPAWN_STEP_SIGNALS);
  if (sigprocmask (SIG_SETMASK, &args->child_mask, NULL) < 0)
    child_fail (args, CAM_SPAWN_STEP_SIGNALS);

  if (args->set_ids && (step = switch_ids (args)) != CAM_SPAWN_STEP_NONE)
    child_fail (args, step);

  if (args->flags & CAM_PROCESS_FLAGS_DIE_WITH_PARENT)
    {
      if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        child_fail (args, CAM_SPAWN_STEP_PDEATHSIG);
      r = parent_gone (args);
      if (r < 0)
        child_fail (args, CAM_SPAWN_STEP_PARENT_GONE);
      if (r > 0)
        {
          errno = ESRCH;
          child_fail (args, CAM_SPAWN_STEP_PARENT_GONE);
        }
    }

  /* Mounts made in here stay in here, and later host mounts stay out.
   * Source and type are ignored; "none" rather than NULL, which valgrind
   * reports. */
  if ((args->flags & CAM_PROCESS_FLAGS_ISOLATE_MOUNT) &&
      mount ("none", "/", "none", MS_REC | MS_PRIVATE, /* data= */ NULL) < 0)
    child_fail (args, CAM_SPAWN_STEP_MOUNT_PRIVATE);

  if (args->n_root_ops > 0 && cam_root_child_setup (args, &r) < 0)
    child_fail_index (args, CAM_SPAWN_STEP_ROOT, r);

  if (args->cwd != NULL && chdir (args->cwd) < 0)
    child_fail (args, CAM_SPAWN_STEP_CHDIR);

  if (dup_fds (args) < 0)
    child_fail (args, CAM_SPAWN_STEP_DUP_FDS);

  if (!(args->flags & CAM_PROCESS_FLAGS_INHERIT_FDS) &&
      close_other_fds (args) < 0)
    child_fail (args, CAM_SPAWN_STEP_CLOSE_FDS);

  r = set_rlimits (args);
  if (r >= 0)
    child_fail_index (args, CAM_SPAWN_STEP_RLIMIT, r);

  if ((args->flags & CAM_PROCESS_FLAGS_NEW_SESSION) && setsid () < 0)
    child_fail (args, CAM_SPAWN_STEP_SETSID);

  if (args->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    child_fail (args, CAM_SPAWN_STEP_NO_NEW_PRIVS);

  for (int i = 0; i < CAM_SPAWN_N_SECCOMP; i++)
    if (args->seccomp[i] != NULL && load_seccomp (args->seccomp[i]) < 0)
      child_fail_index (args, CAM_SPAWN_STEP_SECCOMP, i);

  execve (args->exec_path, (char * const *) args->argv,
          (char * const *) args->envp);
  /* A script without "#!" runs through /bin/sh, as with execvp(); a
   * failure of that reports the script's own ENOEXEC. */
  if (errno == ENOEXEC && args->script_argv != NULL)
    {
      execve (args->script_argv[0], (char * const *) args->script_argv,
              (char * const *) args->envp);
      errno = ENOEXEC;
    }
  child_fail (args, CAM_SPAWN_STEP_EXEC);
}
