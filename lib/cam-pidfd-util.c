/* cam-pidfd-util.c: reaping through a pidfd, kernel probes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers return 0 or -errno, as in systemd's pidfd-util.c; they never set
 * a GError.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cam-pidfd-util.h"

static void
decode_wait_status (int                   wstatus,
                    CamProcessExitStatus *ret_status,
                    int                  *ret_code)
{
  if (WIFEXITED (wstatus))
    {
      *ret_status = CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT;
      *ret_code = WEXITSTATUS (wstatus);
    }
  else if (WIFSIGNALED (wstatus))
    {
      *ret_status = CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT;
      *ret_code = WTERMSIG (wstatus);
    }
  else
    {
      *ret_status = CAM_PROCESS_EXIT_STATUS_UNKNOWN;
      *ret_code = -1;
    }
}

/* The status of a child that somebody else reaped, kept by Linux 6.15+ in
 * the pidfd.  -EOPNOTSUPP where the kernel has no PIDFD_GET_INFO.
 * -EINPROGRESS while the kernel has not filled it in (yet): the foreign
 * waitpid() makes our waitid() fail with ECHILD as soon as it claims the
 * child, before the release that records the status for the pidfd; in
 * that window PIDFD_GET_INFO fails with ESRCH or replies without
 * PIDFD_INFO_EXIT (which 6.13 and 6.14 never set). */
static int
pidfd_get_exit_status (int  pidfd,
                       int *ret_wstatus)
{
  struct cam_pidfd_info info = { .mask = CAM_PIDFD_INFO_EXIT };

  if (ioctl (pidfd, CAM_PIDFD_GET_INFO, &info) < 0)
    {
      int errsv = errno;

      /* ENOTTY, EINVAL: no PIDFD_GET_INFO (before 6.13). */
      return errsv == ESRCH ? -EINPROGRESS : -EOPNOTSUPP;
    }
  if (!(info.mask & CAM_PIDFD_INFO_EXIT))
    return -EINPROGRESS;

  *ret_wstatus = info.exit_code;
  return 0;
}

/**
 * cam_pidfd_send_signal:
 * @pidfd: a pidfd of our child, not yet reaped by us
 * @pid: its pid
 * @signum: the signal
 *
 * Signals the child through its pidfd.  Where pidfd_send_signal() is
 * missing (valgrind 3.19 answers ENOSYS to it; the kernel has it since 5.1,
 * before CLONE_PIDFD), falls back to kill(), once waitid(WNOWAIT) on the
 * pidfd has shown that the child is still ours: the pid of an unreaped
 * child cannot be reused.
 *
 * Returns: 0, or -errno
 */
int
cam_pidfd_send_signal (int pidfd,
                       int pid,
                       int signum)
{
  siginfo_t info = { 0 };

  if (pidfd_send_signal (pidfd, signum, NULL, 0) == 0)
    return 0;
  if (errno != ENOSYS)
    return -errno;

  /* Still ours (running or a zombie), not reaped by a foreign waitpid()? */
  if (waitid (P_PIDFD, (id_t) pidfd, &info,
              WEXITED | WNOHANG | WNOWAIT | __WALL) < 0)
    return errno == ECHILD ? -ESRCH : -errno;
  if (kill (pid, signum) == 0)
    return 0;
  return -errno;
}

/* The kernel fills a struct rusage of longs and struct __kernel_old_timeval;
 * glibc's struct rusage has the same layout unless a 32-bit build asks for
 * 64-bit time_t, where the raw waitid() below would misplace every field. */
G_STATIC_ASSERT (sizeof (struct timeval) == 2 * sizeof (long));

/* waitid() with the fifth argument of the system call, which glibc's
 * wrapper passes as NULL: the resource usage of the reaped child (and of
 * its reaped descendants), as wait4() reports it for a pid. */
static int
raw_waitid (idtype_t       idtype,
            id_t           id,
            siginfo_t     *info,
            int            options,
            struct rusage *ru)
{
  return (int) syscall (SYS_waitid, idtype, id, info, options, ru);
}

/**
 * cam_pidfd_reap_rusage:
 * @pidfd: a pidfd of our child
 * @block: whether to wait for the child to exit
 * @ret_status: (out): how it ended
 * @ret_code: (out): exit code, signal number, or -1 when unknown
 * @ret_rusage: (out): the kernel's resource usage of the reaped child,
 *   zeroed when we did not reap it ourselves
 *
 * Reaps the child with waitid(P_PIDFD).  When a foreign waitpid(-1) or
 * SIGCHLD handler reaped it first (ECHILD), recovers the status from the
 * pidfd itself, or reports %CAM_PROCESS_EXIT_STATUS_UNKNOWN where the
 * kernel keeps none; the resource usage went to that reaper.  __WALL: a
 * child whose exec failed still has exit signal 0, and waitid() without
 * __WALL does not see such a "clone" child.
 *
 * Without @block, two answers mean "not yet", and they differ:
 *
 * - -EAGAIN: the child is ours and cannot be reaped yet.  It runs, or it
 *   has exited but a ptrace tracer (strace -f, gdb) holds its zombie until
 *   the tracer has waited for it: the pidfd polls readable all that time.
 *   Call again later; there is no bound.
 * - -EINPROGRESS: a foreign reaper has claimed the child but the kernel
 *   has not yet recorded its status for the pidfd (or never will, on 6.13
 *   and 6.14): call again a little later, and take the status as unknown
 *   after a while.  With @block, that case reports
 *   %CAM_PROCESS_EXIT_STATUS_UNKNOWN at once.
 *
 * Returns: 1 when we reaped the child and @ret_rusage is filled, 0 when
 *   the status is final but came from the pidfd (or is unknown), -EAGAIN
 *   or -EINPROGRESS as above (only without @block), another -errno on
 *   failure
 */
int
cam_pidfd_reap_rusage (int                   pidfd,
                       gboolean              block,
                       CamProcessExitStatus *ret_status,
                       int                  *ret_code,
                       struct rusage        *ret_rusage)
{
  siginfo_t info = { 0 };
  struct rusage ru = { 0 };
  int wstatus;
  int r;

  do
    r = raw_waitid (P_PIDFD, (id_t) pidfd, &info,
                    WEXITED | __WALL | (block ? 0 : WNOHANG), &ru);
  while (r < 0 && errno == EINTR);

  if (r == 0)
    {
      /* Not exited yet, or exited under a ptrace tracer that has not
       * waited for it yet. */
      if (info.si_pid == 0)
        return -EAGAIN;

      if (info.si_code == CLD_EXITED)
        {
          *ret_status = CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT;
          *ret_code = info.si_status;
        }
      else
        {
          *ret_status = CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT;
          *ret_code = info.si_status;
        }
      *ret_rusage = ru;
      return 1;
    }

  r = -errno;
  if (r != -ECHILD)
    return r;

  r = pidfd_get_exit_status (pidfd, &wstatus);
  if (r == 0)
    decode_wait_status (wstatus, ret_status, ret_code);
  else if (r == -EINPROGRESS && !block)
    return -EINPROGRESS;
  else
    {
      *ret_status = CAM_PROCESS_EXIT_STATUS_UNKNOWN;
      *ret_code = -1;
    }
  memset (ret_rusage, 0, sizeof *ret_rusage);
  return 0;
}

/**
 * cam_pidfd_reap:
 * @pidfd: a pidfd of our child
 * @block: whether to wait for the child to exit
 * @ret_status: (out): how it ended
 * @ret_code: (out): exit code, signal number, or -1 when unknown
 *
 * cam_pidfd_reap_rusage() for a caller that has no use for the resource
 * usage.
 *
 * Returns: 0 when the status is final, -EAGAIN when the child has not been
 *   reaped yet (only without @block), another -errno on failure
 */
int
cam_pidfd_reap (int                   pidfd,
                gboolean              block,
                CamProcessExitStatus *ret_status,
                int                  *ret_code)
{
  struct rusage ru;
  int r = cam_pidfd_reap_rusage (pidfd, block, ret_status, ret_code, &ru);

  return MIN (r, 0);
}

/**
 * cam_waitid_pidfd_supported:
 *
 * Probes waitid(P_PIDFD) (Linux 5.4) once: on an fd no process has open
 * (a negative one is EINVAL in any case) it answers EBADF where it exists,
 * EINVAL where it does not.
 *
 * Returns: whether children can be reaped through their pidfd
 */
gboolean
cam_waitid_pidfd_supported (void)
{
  static gsize cached = 0;

  if (g_once_init_enter (&cached))
    {
      siginfo_t info;
      int r = waitid (P_PIDFD, (id_t) G_MAXINT, &info, WEXITED | WNOHANG);

      g_once_init_leave (&cached, (r < 0 && errno == EBADF) ? 1 : 2);
    }
  return cached == 1;
}

/**
 * cam_close_range_supported:
 *
 * Probes close_range() (Linux 5.9) once, on a range no process can have
 * open.
 *
 * Returns: whether the child can close fds with close_range()
 */
gboolean
cam_close_range_supported (void)
{
  static gsize cached = 0;

  if (g_once_init_enter (&cached))
    {
      int r = close_range (~0U - 1, ~0U, /* flags= */ 0);

      /* Only a success counts: a seccomp filter may answer EPERM, and the
       * child would then fail to close its fds instead of using the
       * table. */
      g_once_init_leave (&cached, r == 0 ? 1 : 2);
    }
  return cached == 1;
}

/**
 * cam_compare_int:
 * @a: an int
 * @b: another int
 *
 * The qsort() comparison of two ints.
 *
 * Returns: <0, 0 or >0
 */
int
cam_compare_int (const void *a,
                 const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;

  return (x > y) - (x < y);
}

/**
 * cam_list_open_fds:
 * @ret_fds: (out) (transfer full): sorted open fds of this process
 * @ret_n_fds: (out): their number
 *
 * Lists /proc/self/fd, for a child that cannot use close_range().  An fd
 * another thread opens after the listing is not closed by the child: such
 * an fd is O_CLOEXEC in any program that spawns from threads.
 *
 * Returns: 0, or -errno
 */
int
cam_list_open_fds (int   **ret_fds,
                   gsize  *ret_n_fds)
{
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GDir) dir = NULL;
  const char *name;

  dir = g_dir_open ("/proc/self/fd", 0, NULL);
  if (dir == NULL)
    return -ENOENT;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      int fd = atoi (name);

      g_array_append_val (fds, fd);
    }

  qsort (fds->data, fds->len, sizeof (int), cam_compare_int);
  *ret_n_fds = fds->len;
  *ret_fds = (int *) g_array_free (g_steal_pointer (&fds), FALSE);
  return 0;
}
