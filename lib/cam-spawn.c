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
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "cam-clone.h"
#include "cam-pidfd-util.h"
#include "cam-spawn.h"

static int
compare_int (const void *a,
             const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;

  return (x > y) - (x < y);
}

/* Checks the fd map: every source open, every target unique. */
static gboolean
check_fds (const CamSpawnFd  *fds,
           gsize              n_fds,
           GError           **error)
{
  for (gsize i = 0; i < n_fds; i++)
    {
      if (fds[i].source < 0 || fds[i].target < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Invalid file descriptor %d"),
                       fds[i].source < 0 ? fds[i].source : fds[i].target);
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
  qsort (args->keep, n, sizeof (int), compare_int);
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
 * kernel.  Returns the pid, 0 in the child, or -errno. */
static pid_t
clone3_fork (int *ret_pidfd)
{
  struct clone_args ca = {
    .flags = CLONE_PIDFD | CLONE_CLEAR_SIGHAND,
    .pidfd = (guint64) (guintptr) ret_pidfd,
    .exit_signal = 0,
  };
  long pid = syscall (SYS_clone3, &ca, sizeof ca);

  return pid < 0 ? -errno : (pid_t) pid;
}

/* clone(2) like fork(), for kernels or sandboxes without clone3 (valgrind
 * 3.19 answers ENOSYS).  CLONE_PIDFD stores the pidfd through parent_tid.
 * child_tid and tls are unused, so their order (which differs between
 * architectures) does not matter; only s390 swaps the first two. */
static pid_t
clone_fork (int *ret_pidfd)
{
  unsigned long flags = CLONE_PIDFD | /* exit_signal= */ 0;
  long pid;

#if defined(__s390__) || defined(__CRIS__)
  pid = syscall (SYS_clone, NULL, flags, ret_pidfd, NULL, NULL);
#else
  pid = syscall (SYS_clone, flags, NULL, ret_pidfd, NULL, NULL);
#endif
  return pid < 0 ? -errno : (pid_t) pid;
}

/* clone(CLONE_VM | CLONE_VFORK) on a stack of its own, as glibc's
 * posix_spawn: the child borrows the parent's address space instead of
 * copying its page tables, so the cost does not grow with the parent's
 * memory, and the parent sleeps until the child has exec'd or exited.
 * clone3() through cam-clone.c's trampoline, so that the kernel clears the
 * handlers (CLONE_CLEAR_SIGHAND; the child need not query 62 signals and
 * reset each handler while the parent waits); glibc's clone() where
 * clone3() cannot be used (valgrind, which runs it as a fork; the report
 * pipe works the same either way). */
static pid_t
clone_vfork (CamSpawnArgs *args,
             int          *ret_pidfd)
{
  struct clone_args ca = {
    .flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_CLEAR_SIGHAND,
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

  args->reset_handlers = FALSE;
  pid = cam_clone3_on_stack (&ca, cam_spawn_child, args);
  if (pid == -EOPNOTSUPP)
    {
      /* No CLONE_CLEAR_SIGHAND for clone(): the child resets handlers. */
      args->reset_handlers = TRUE;
      pid = clone (cam_spawn_child, (char *) stack + CAM_CLONE_STACK_SIZE,
                   CLONE_VM | CLONE_VFORK | CLONE_PIDFD | /* exit_signal= */ 0,
                   args, ret_pidfd);
      if (pid < 0)
        pid = -errno;
    }
  return pid;
}

/* clone3() like fork(), with the pidfd and handlers cleared by the
 * kernel; clone(2) where clone3() is missing.  Slower than clone_vfork()
 * with a large parent (page tables are copied), but it takes the clone3
 * flags that clone() lacks. */
static pid_t
clone_fork_child (CamSpawnArgs *args,
                  int          *ret_pidfd)
{
  pid_t pid;

  /* Kernels before 5.5 answer EINVAL to CLONE_CLEAR_SIGHAND; container
   * seccomp profiles may answer EPERM or ENOSYS to clone3. */
  args->reset_handlers = FALSE;
  pid = clone3_fork (ret_pidfd);
  if (pid == -ENOSYS || pid == -EINVAL || pid == -EPERM)
    {
      args->reset_handlers = TRUE;
      pid = clone_fork (ret_pidfd);
    }

  if (pid == 0)
    cam_spawn_child (args);
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

static void
set_child_error (GError             **error,
                 const CamSpawnArgs  *args,
                 const CamSpawnReport *report)
{
  GIOErrorEnum code = g_io_error_from_errno (report->error);
  const char *msg = g_strerror (report->error);

  switch ((CamSpawnStep) report->step)
    {
    case CAM_SPAWN_STEP_SIGNALS:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to reset the signal mask of the child process: %s"),
                   msg);
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
    case CAM_SPAWN_STEP_EXEC:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to execute child process “%s”: %s"), args->path,
                   msg);
      break;
    case CAM_SPAWN_STEP_NONE:
    default:
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

/**
 * cam_spawn:
 * @args: the request, with path, argv, envp, cwd and the fd map set
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
  sigset_t all, saved;
  int read_fd = -1;
  int pidfd = -1;
  pid_t pid;
  int r, errsv;

  args->report_fd = -1;
  if (!check_fds (args->fds, args->n_fds, error))
    return FALSE;

  args->base_fd = compute_base_fd (args->fds, args->n_fds);
  r = open_report_pipe (args->base_fd, &read_fd, &args->report_fd);
  if (r < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-r),
                   _("Failed to create a pipe for the child process: %s"),
                   g_strerror (-r));
      return FALSE;
    }

  r = prepare_fd_tables (args);
  if (r < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-r),
                   _("Failed to list open file descriptors: %s"),
                   g_strerror (-r));
      goto out;
    }

  /* The child starts with every signal blocked, so that no handler of the
   * parent runs in it, and unblocks them once the handlers are reset. */
  sigemptyset (&args->child_mask);
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &saved);
  pid = clone_child (args, &pidfd);
  errsv = -pid;
  pthread_sigmask (SIG_SETMASK, &saved, NULL);

  cam_clear_fd (&args->report_fd);

  if (pid < 0)
    {
      if (errsv == ENOSYS || errsv == EINVAL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("Failed to create the child process: the kernel has neither clone3() nor clone() with CLONE_PIDFD (Linux 5.2): %s"),
                     g_strerror (errsv));
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                     _("Failed to create the child process: %s"),
                     g_strerror (errsv));
      r = -errsv;
      goto out;
    }

  r = read_report (read_fd, &report);
  if (r != 0)
    {
      CamProcessExitStatus status;
      int code;

      /* A failed child exits at once; one we cannot hear from is killed. */
      if (r < 0)
        pidfd_send_signal (pidfd, SIGKILL, NULL, 0);
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
  cam_clear_fd (&read_fd);
  cam_clear_fd (&args->report_fd);
  clear_fd_tables (args);
  return r == 0;
}
