/* cam-test-seccomp.c: seccomp filters that make one system call fail or wait
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The tests use these to take the library down its fallback paths (clone3 or
 * close_range answering ENOSYS, PIDFD_GET_INFO answering ENOTTY) on a kernel
 * that has all of them, or to raise a signal in the child between clone and
 * exec (SIGSYS from a trapped system call).  A filter applies to every thread of the calling
 * process (SECCOMP_FILTER_FLAG_TSYNC) and to all its future children, and it
 * cannot be removed: install it only in a g_test_trap_subprocess() child.
 *
 * A user-notification filter (cam_test_seccomp_notify_syscall()) stops the
 * child in one system call instead, between clone and exec, until a thread of
 * the test answers on the listener: the test can look at the child from
 * outside meanwhile (/proc/PID/status), then let the call go on or kill the
 * child.
 */

#include "cam-test-seccomp.h"

#include <errno.h>
#include <stddef.h>
#include <endian.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(__LP64__)
# define CAM_TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__i386__)
# define CAM_TEST_AUDIT_ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__)
# define CAM_TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
# define CAM_TEST_AUDIT_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER == __LITTLE_ENDIAN
# define CAM_TEST_AUDIT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
# define CAM_TEST_AUDIT_ARCH AUDIT_ARCH_S390X
#endif

/* seccomp_data.args[] are 64-bit; BPF loads 32-bit words. */
#if __BYTE_ORDER == __LITTLE_ENDIAN
# define ARG_LOW_WORD(n) (offsetof (struct seccomp_data, args[n]))
#else
# define ARG_LOW_WORD(n) (offsetof (struct seccomp_data, args[n]) + sizeof (guint32))
#endif

/**
 * cam_test_seccomp_supported:
 *
 * Returns: whether this file knows the audit architecture of the build, which
 *   the filters check before they look at a system call number
 */
gboolean
cam_test_seccomp_supported (void)
{
#ifdef CAM_TEST_AUDIT_ARCH
  return TRUE;
#else
  return FALSE;
#endif
}

/**
 * cam_test_skip_unless_seccomp:
 *
 * Skips the current test unless cam_test_seccomp_supported().
 *
 * Returns: %TRUE if the test was skipped
 */
gboolean
cam_test_skip_unless_seccomp (void)
{
  if (cam_test_seccomp_supported ())
    return FALSE;
  g_test_skip ("no seccomp filter for this architecture");
  return TRUE;
}

static int
install_filter (struct sock_filter *filter,
                unsigned short      len)
{
  struct sock_fprog prog = { .len = len, .filter = filter };
  long r;

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return -1;

  r = syscall (__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
  if (r > 0)
    {
      /* TSYNC names the thread that could not be synchronised. */
      errno = EBUSY;
      return -1;
    }

  return (int) r;
}

#ifdef CAM_TEST_AUDIT_ARCH
/* Allows the system call unless it is the native @sysno; otherwise goes on
 * with the next instruction. */
# define CHECK_ARCH_AND_NR(sysno) \
  BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)), \
  BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, CAM_TEST_AUDIT_ARCH, 1, 0), \
  BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW), \
  BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)), \
  BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (sysno), 1, 0), \
  BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#endif

/* Answers every later @syscall_nr call with the filter return @action. */
static int
filter_syscall (long    syscall_nr,
                guint32 action)
{
#ifdef CAM_TEST_AUDIT_ARCH
  struct sock_filter filter[] = {
    CHECK_ARCH_AND_NR (syscall_nr),
    BPF_STMT (BPF_RET | BPF_K, action),
  };

  return install_filter (filter, G_N_ELEMENTS (filter));
#else
  errno = ENOTSUP;
  return -1;
#endif
}

/**
 * cam_test_seccomp_fail_syscall:
 * @syscall_nr: a native system call number (`__NR_…`)
 * @errnum: the errno the system call returns from now on
 *
 * Makes every later @syscall_nr call in this process and its children fail
 * with @errnum, without reaching the kernel.
 *
 * Returns: 0, or -1 with errno set
 */
int
cam_test_seccomp_fail_syscall (long syscall_nr,
                               int  errnum)
{
  return filter_syscall (syscall_nr,
                         SECCOMP_RET_ERRNO | (errnum & SECCOMP_RET_DATA));
}

/**
 * cam_test_seccomp_trap_syscall:
 * @syscall_nr: a native system call number (`__NR_…`)
 *
 * Makes every later @syscall_nr call in this process and its children raise
 * SIGSYS in the calling thread instead of reaching the kernel
 * (SECCOMP_RET_TRAP).  If a handler returns, the call returns the system
 * call number, as if it had succeeded.
 *
 * Returns: 0, or -1 with errno set
 */
int
cam_test_seccomp_trap_syscall (long syscall_nr)
{
  return filter_syscall (syscall_nr, SECCOMP_RET_TRAP);
}

/**
 * cam_test_seccomp_fail_ioctl:
 * @request_type_nr: the low 16 bits of an ioctl request: `_IOC_TYPE << 8 |
 *   _IOC_NR`, such as %CAM_TEST_PIDFD_GET_INFO_TYPE_NR
 * @errnum: the errno those ioctls return from now on
 *
 * Makes every later ioctl() whose request has these low 16 bits fail with
 * @errnum, whatever its direction and size bits; other ioctls still work.
 *
 * Returns: 0, or -1 with errno set
 */
int
cam_test_seccomp_fail_ioctl (guint16 request_type_nr,
                             int     errnum)
{
#ifdef CAM_TEST_AUDIT_ARCH
  struct sock_filter filter[] = {
    CHECK_ARCH_AND_NR (__NR_ioctl),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, ARG_LOW_WORD (1)),
    BPF_STMT (BPF_ALU | BPF_AND | BPF_K, 0xFFFF),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, request_type_nr, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (errnum & SECCOMP_RET_DATA)),
  };

  return install_filter (filter, G_N_ELEMENTS (filter));
#else
  errno = ENOTSUP;
  return -1;
#endif
}

/**
 * cam_test_seccomp_notify_syscall:
 * @syscall_nr: a native system call number (`__NR_…`)
 *
 * Makes every later @syscall_nr call of the calling thread, of the threads it
 * creates from now on and of all their children wait in the kernel until it
 * is answered on the returned listener (SECCOMP_RET_USER_NOTIF): see
 * cam_test_seccomp_notify_receive() and cam_test_seccomp_notify_continue().
 * Unlike the other filters this one does not reach the threads that exist
 * already: the kernel refuses SECCOMP_FILTER_FLAG_TSYNC with a new listener.
 * Install it before the test creates threads.  Should the listener be closed,
 * a waiting call and every later one fail with ENOSYS.
 *
 * Returns: the listener fd (O_CLOEXEC), or -1 with errno set; ENOSYS where
 *   seccomp() itself is missing (valgrind 3.19 does not know it)
 */
int
cam_test_seccomp_notify_syscall (long syscall_nr)
{
#ifdef CAM_TEST_AUDIT_ARCH
  struct sock_filter filter[] = {
    CHECK_ARCH_AND_NR (syscall_nr),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
  };
  struct sock_fprog prog = { .len = G_N_ELEMENTS (filter), .filter = filter };

  /* Only needed without CAP_SYS_ADMIN. */
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return -1;

  return (int) syscall (__NR_seccomp, SECCOMP_SET_MODE_FILTER,
                        SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
#else
  errno = ENOTSUP;
  return -1;
#endif
}

/**
 * cam_test_seccomp_notify_receive:
 * @listener_fd: the fd cam_test_seccomp_notify_syscall() returned
 * @timeout_ms: how long to wait for a call
 * @ret_id: (out): the id of the call, for the answer
 * @ret_pid: (out): the thread that made the call, in our PID namespace; it
 *   waits until the call is answered, the listener closed or it is killed
 *
 * Waits for the next call that the filter stops.
 *
 * Returns: 0, or -1 with errno set: ETIMEDOUT if no call came in time,
 *   ENOENT if the caller died before it could be received
 */
int
cam_test_seccomp_notify_receive (int      listener_fd,
                                 guint    timeout_ms,
                                 guint64 *ret_id,
                                 int     *ret_pid)
{
  struct pollfd pfd = { .fd = listener_fd, .events = POLLIN };
  struct seccomp_notif notif;
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  int r;

  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();

      if (left <= 0)
        {
          errno = ETIMEDOUT;
          return -1;
        }
      r = poll (&pfd, 1, (int) ((left + 999) / 1000));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;
      if (r == 0)
        continue;
      if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
        {
          errno = EPIPE;
          return -1;
        }

      /* The kernel wants the struct zeroed. */
      memset (&notif, 0, sizeof notif);
      r = ioctl (listener_fd, SECCOMP_IOCTL_NOTIF_RECV, &notif);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return -1;

      *ret_id = notif.id;
      *ret_pid = (int) notif.pid;
      return 0;
    }
}

/**
 * cam_test_seccomp_notify_continue:
 * @listener_fd: the fd cam_test_seccomp_notify_syscall() returned
 * @id: what cam_test_seccomp_notify_receive() gave
 *
 * Lets the stopped call go on into the kernel, as if no filter had stopped
 * it (SECCOMP_USER_NOTIF_FLAG_CONTINUE).
 *
 * Returns: 0, or -1 with errno set (ENOENT if the caller is gone)
 */
int
cam_test_seccomp_notify_continue (int     listener_fd,
                                  guint64 id)
{
  struct seccomp_notif_resp resp = {
    .id = id,
    .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE,
  };
  int r;

  do
    r = ioctl (listener_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
  while (r < 0 && errno == EINTR);
  return r;
}
