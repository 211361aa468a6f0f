/* cam-test-syscalls.c: the payload of the seccomp tests, an attacker
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: cam-test-syscalls OUT_FD DIR ATTACK…
 *
 * Runs each ATTACK in a child of its own (fork), so that one that succeeds
 * (a new user namespace, a personality, a tracer) changes nothing for the
 * next, and writes one line per attack to OUT_FD:
 *
 *   "ATTACK N"         the child exited with N: 0 if the system call
 *                      succeeded, else its errno (value attacks: the value)
 *   "ATTACK killed S"  the child was killed by signal S (a filter that
 *                      kills, or a crash)
 *
 * DIR is an empty directory that is not a mount point, for the mount
 * attacks.  Each attack uses arguments for which the kernel itself never
 * answers EPERM to root in a mount namespace of its own (it succeeds, or
 * fails with another errno): an EPERM there comes from a seccomp filter.
 * Successful attacks undo what they did (a tmpfs is unmounted at once).
 *
 * Attacks:
 *   unshare-user clone-newuser clone3 setns-user fork
 *   mount-tmpfs umount pivot-root
 *   ptrace-traceme ptrace-attach process-vm-readv process-vm-writev
 *   keyctl add-key request-key bpf perf-event-open userfaultfd
 *   io-uring-setup io-uring-enter kexec-file-load finit-module
 *   delete-module
 *   personality-bsd personality-high personality-linux personality-query
 *   tiocsti tiocsti-high tioclinux
 *   ia32-getpid ia32-unshare x32-getpid (x86_64 only; others exit ENOSYS
 *   without trying)
 *   pdeathsig-0 pdeathsig-kill pdeathsig-term-high
 *   uname
 * Value attacks:
 *   no-new-privs      PR_GET_NO_NEW_PRIVS
 *   seccomp-filters   the Seccomp_filters field of /proc/self/status
 *
 * Exit status: 0 once every attack has run, 2 on a usage error or an
 * unknown attack, 1 if the program itself failed.
 *
 * libc only, like cam-test-helper; it does not link GLib.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
# define UFFD_USER_MODE_ONLY 1
#endif
#ifndef __X32_SYSCALL_BIT
# define __X32_SYSCALL_BIT 0x40000000
#endif

/* The KEY_SPEC_* serials of <linux/keyctl.h>. */
#define CAM_KEY_SPEC_PROCESS_KEYRING (-2)
#define CAM_KEY_SPEC_SESSION_KEYRING (-3)
#define CAM_KEYCTL_GET_KEYRING_ID 0

static const char *dir;

/* Each attack returns 0 or an errno, or a value for the value attacks. */
typedef int (*AttackFunc) (void);

static int
result (long r)
{
  return r < 0 ? errno : 0;
}

/* After a raw fork-like call that returned @pid: the child exits at once,
 * the parent reaps it.  Returns the call's errno, or 0 if it forked. */
static int
reap_forked (long pid)
{
  int status;

  if (pid == 0)
    _exit (0);
  if (pid < 0)
    return errno;
  if (waitpid ((pid_t) pid, &status, 0) < 0)
    return errno;
  return 0;
}

/* A raw fork-like clone with @flags, whose child exits at once. */
static int
try_clone (unsigned long flags)
{
  long pid;

#if defined(__s390__) || defined(__CRIS__)
  pid = syscall (SYS_clone, NULL, flags | SIGCHLD, NULL, NULL, NULL);
#else
  pid = syscall (SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
#endif
  return reap_forked (pid);
}

static int
attack_unshare_user (void)
{
  return result (unshare (CLONE_NEWUSER));
}

static int
attack_clone_newuser (void)
{
  return try_clone (CLONE_NEWUSER);
}

static int
attack_clone3 (void)
{
  struct clone_args ca = { .exit_signal = SIGCHLD };

  /* Without CLONE_VM and a stack, the child returns here like fork(). */
  return reap_forked (syscall (SYS_clone3, &ca, sizeof ca));
}

/* Re-entering our own user namespace is EINVAL before any permission
 * check. */
static int
attack_setns_user (void)
{
  int fd = open ("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return 100;
  return result (setns (fd, CLONE_NEWUSER));
}

static int
attack_fork (void)
{
  return try_clone (0);
}

static int
attack_mount_tmpfs (void)
{
  if (mount ("none", dir, "tmpfs", 0, "size=64k") < 0)
    return errno;
  umount2 (dir, MNT_DETACH);
  return 0;
}

/* DIR is not a mount point: EINVAL. */
static int
attack_umount (void)
{
  return result (umount2 (dir, 0));
}

static int
attack_pivot_root (void)
{
  return result (syscall (SYS_pivot_root, dir, dir));
}

/* The child asks to be traced by us, its parent. */
static int
attack_ptrace_traceme (void)
{
  return result (ptrace (PTRACE_TRACEME, 0, NULL, NULL));
}

static int
attack_ptrace_attach (void)
{
  pid_t pid = fork ();
  int status, r;

  if (pid == 0)
    {
      pause ();
      _exit (0);
    }
  if (pid < 0)
    return 100;
  r = result (ptrace (PTRACE_ATTACH, pid, NULL, NULL));
  kill (pid, SIGKILL);
  waitpid (pid, &status, __WALL);
  return r;
}

static int
attack_process_vm (int write)
{
  char local[8] = "local", remote[8] = "remote";
  struct iovec liov = { local, sizeof local };
  struct iovec riov = { remote, sizeof remote };

  if (write)
    return result (process_vm_writev (getpid (), &liov, 1, &riov, 1, 0));
  return result (process_vm_readv (getpid (), &liov, 1, &riov, 1, 0));
}

static int
attack_process_vm_readv (void)
{
  return attack_process_vm (0);
}

static int
attack_process_vm_writev (void)
{
  return attack_process_vm (1);
}

static int
attack_keyctl (void)
{
  return result (syscall (SYS_keyctl, CAM_KEYCTL_GET_KEYRING_ID,
                          CAM_KEY_SPEC_SESSION_KEYRING, 0));
}

static int
attack_add_key (void)
{
  return result (syscall (SYS_add_key, "user", "cam-test", "x", 1,
                          CAM_KEY_SPEC_PROCESS_KEYRING));
}

static int
attack_request_key (void)
{
  return result (syscall (SYS_request_key, "user", "cam-test-missing",
                          NULL, 0));
}

/* An unknown command: EINVAL for root. */
static int
attack_bpf (void)
{
  return result (syscall (SYS_bpf, -1, NULL, 0));
}

static int
attack_perf_event_open (void)
{
  struct perf_event_attr attr = {
    .type = PERF_TYPE_SOFTWARE,
    .size = sizeof attr,
    .config = PERF_COUNT_SW_TASK_CLOCK,
    .disabled = 1,
    .exclude_kernel = 1,
  };

  return result (syscall (SYS_perf_event_open, &attr, 0, -1, -1, 0));
}

static int
attack_userfaultfd (void)
{
  return result (syscall (SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY));
}

static int
attack_io_uring_setup (void)
{
  char params[120] = { 0 };  /* struct io_uring_params, zeroed */

  return result (syscall (SYS_io_uring_setup, 1, params));
}

static int
attack_io_uring_enter (void)
{
  return result (syscall (SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0));
}

static int
attack_kexec_file_load (void)
{
  return result (syscall (SYS_kexec_file_load, -1, -1, 0, "", 0));
}

static int
attack_finit_module (void)
{
  return result (syscall (SYS_finit_module, -1, "", 0));
}

static int
attack_delete_module (void)
{
  return result (syscall (SYS_delete_module, "cam_test_missing", O_NONBLOCK));
}

static int
attack_personality_bsd (void)
{
  return result (syscall (SYS_personality, PER_BSD));
}

/* The kernel reads an unsigned int: this sets PER_BSD too. */
static int
attack_personality_high (void)
{
  return result (syscall (SYS_personality, 0x100000000UL | PER_BSD));
}

static int
attack_personality_linux (void)
{
  return result (syscall (SYS_personality, PER_LINUX));
}

static int
attack_personality_query (void)
{
  return result (syscall (SYS_personality, 0xffffffffUL));
}

/* On /dev/null, which is no terminal: ENOTTY from the kernel. */
static int
try_ioctl (unsigned long request)
{
  char c = 'x';
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return 100;
  return result (syscall (SYS_ioctl, fd, request, &c));
}

static int
attack_tiocsti (void)
{
  return try_ioctl (TIOCSTI);
}

/* The kernel truncates the request to 32 bits (CVE-2019-10063). */
static int
attack_tiocsti_high (void)
{
  return try_ioctl (0x100000000UL | TIOCSTI);
}

static int
attack_tioclinux (void)
{
  return try_ioctl (TIOCLINUX);
}

#if defined(__x86_64__)
/* A system call through the ia32 entry point, int 0x80: -errno or the
 * result.  The kernel clobbers nothing there but the result register, but
 * r8–r11 are listed as the 64-bit entry does. */
static long
ia32_syscall (long nr,
              long arg)
{
  long r;

  __asm__ volatile ("int $0x80"
                    : "=a" (r)
                    : "a" (nr), "b" (arg)
                    : "memory", "r8", "r9", "r10", "r11");
  return r;
}

static int
attack_ia32_getpid (void)
{
  long r = ia32_syscall (20 /* __NR_getpid on i386 */, 0);

  return r < 0 ? (int) -r : 0;
}

static int
attack_ia32_unshare (void)
{
  long r = ia32_syscall (310 /* __NR_unshare on i386 */, CLONE_NEWUSER);

  return r < 0 ? (int) -r : 0;
}

static int
attack_x32_getpid (void)
{
  return result (syscall (__X32_SYSCALL_BIT | SYS_getpid));
}
#else
static int
attack_ia32_getpid (void)
{
  return ENOSYS;
}

static int
attack_ia32_unshare (void)
{
  return ENOSYS;
}

static int
attack_x32_getpid (void)
{
  return ENOSYS;
}
#endif

static int
attack_pdeathsig_0 (void)
{
  return result (prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0));
}

static int
attack_pdeathsig_kill (void)
{
  return result (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0));
}

/* prctl()'s option is an int: the kernel sets SIGTERM. */
static int
attack_pdeathsig_term_high (void)
{
  return result (syscall (SYS_prctl, 0x100000000UL | PR_SET_PDEATHSIG,
                          SIGTERM, 0, 0, 0));
}

static int
attack_uname (void)
{
  struct utsname u;

  return result (uname (&u));
}

static int
attack_no_new_privs (void)
{
  return prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

static int
attack_seccomp_filters (void)
{
  char line[256];
  int n = -1;
  FILE *f = fopen ("/proc/self/status", "re");

  if (f == NULL)
    return 100;
  while (fgets (line, sizeof line, f) != NULL)
    if (sscanf (line, "Seccomp_filters: %d", &n) == 1)
      break;
  fclose (f);
  return n < 0 ? 101 : n;
}

static const struct {
  const char *name;
  AttackFunc  func;
} attacks[] = {
  { "unshare-user", attack_unshare_user },
  { "clone-newuser", attack_clone_newuser },
  { "clone3", attack_clone3 },
  { "setns-user", attack_setns_user },
  { "fork", attack_fork },
  { "mount-tmpfs", attack_mount_tmpfs },
  { "umount", attack_umount },
  { "pivot-root", attack_pivot_root },
  { "ptrace-traceme", attack_ptrace_traceme },
  { "ptrace-attach", attack_ptrace_attach },
  { "process-vm-readv", attack_process_vm_readv },
  { "process-vm-writev", attack_process_vm_writev },
  { "keyctl", attack_keyctl },
  { "add-key", attack_add_key },
  { "request-key", attack_request_key },
  { "bpf", attack_bpf },
  { "perf-event-open", attack_perf_event_open },
  { "userfaultfd", attack_userfaultfd },
  { "io-uring-setup", attack_io_uring_setup },
  { "io-uring-enter", attack_io_uring_enter },
  { "kexec-file-load", attack_kexec_file_load },
  { "finit-module", attack_finit_module },
  { "delete-module", attack_delete_module },
  { "personality-bsd", attack_personality_bsd },
  { "personality-high", attack_personality_high },
  { "personality-linux", attack_personality_linux },
  { "personality-query", attack_personality_query },
  { "tiocsti", attack_tiocsti },
  { "tiocsti-high", attack_tiocsti_high },
  { "tioclinux", attack_tioclinux },
  { "ia32-getpid", attack_ia32_getpid },
  { "ia32-unshare", attack_ia32_unshare },
  { "x32-getpid", attack_x32_getpid },
  { "pdeathsig-0", attack_pdeathsig_0 },
  { "pdeathsig-kill", attack_pdeathsig_kill },
  { "pdeathsig-term-high", attack_pdeathsig_term_high },
  { "uname", attack_uname },
  { "no-new-privs", attack_no_new_privs },
  { "seccomp-filters", attack_seccomp_filters },
};

static AttackFunc
find_attack (const char *name)
{
  for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++)
    if (strcmp (attacks[i].name, name) == 0)
      return attacks[i].func;
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  FILE *out;

  if (argc < 3)
    {
      fprintf (stderr, "Usage: %s OUT_FD DIR ATTACK…\n", argv[0]);
      return 2;
    }
  out = fdopen (atoi (argv[1]), "w");
  if (out == NULL)
    return 1;
  dir = argv[2];

  for (int i = 3; i < argc; i++)
    {
      AttackFunc func = find_attack (argv[i]);
      pid_t pid;
      int status;

      if (func == NULL)
        {
          fprintf (stderr, "Unknown attack “%s”\n", argv[i]);
          return 2;
        }

      fflush (out);
      pid = fork ();
      if (pid < 0)
        return 1;
      if (pid == 0)
        _exit (func () & 0xff);
      if (waitpid (pid, &status, 0) < 0)
        return 1;
      if (WIFSIGNALED (status))
        fprintf (out, "%s killed %d\n", argv[i], WTERMSIG (status));
      else
        fprintf (out, "%s %d\n", argv[i], WEXITSTATUS (status));
    }

  return fclose (out) == 0 ? 0 : 1;
}
