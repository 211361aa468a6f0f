/* cam-test-attacker.c: hostile payloads for the sandbox tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: cam-test-attacker MODE [ARG…]
 *
 * test-holes.c runs this program under CAM_PROCESS_FLAGS_SANDBOX and
 * checks that none of its attacks on the caller and the host work.  Each
 * attacking mode writes what it tried to OUT_FD, a pipe of the test given
 * in the fd list of cam_process_start(), one line per attempt, written
 * before the next attempt (a mode may die at the later ones):
 *
 *   NAME ok              the attempt worked (the sandbox has a hole)
 *   NAME errno N         it failed with errno N
 *
 * Modes:
 *
 *   exit N                  exit with status N (0–255)
 *   segv                    fault on a NULL pointer write (no core file)
 *   sleep READY_FD          write "ready\n" to READY_FD, then sleep for at
 *                           most LINGER_SECONDS, whatever signals it gets
 *   tiocsti OUT_FD TEXT     fd 0 is a tty of the caller.  Report
 *                           "ctty-nr N" (tty_nr of /proc/self/stat, 0 when
 *                           there is no controlling terminal), then
 *                           "tiocsti OK_COUNT errno N|ok" for ioctl(0,
 *                           TIOCSTI) of each byte of TEXT, "open-tty" for
 *                           open("/dev/tty") and "tiocsti-tty" for TIOCSTI
 *                           through that fd if it opened, "sctty" for
 *                           ioctl(0, TIOCSCTTY, 0), "sctty-steal" for
 *                           ioctl(0, TIOCSCTTY, 1), and after either
 *                           worked "tiocsti-sctty" for TIOCSTI again
 *   escape OUT_FD fork|nofork
 *                           clear PR_SET_PDEATHSIG ("clear-pdeathsig"),
 *                           then with "fork": fork a child that calls
 *                           setsid() and double-forks, so that the
 *                           attacker, that child and an orphaned
 *                           grandchild all keep OUT_FD open.  Each of them
 *                           writes "pid ROLE PID", then the attacker
 *                           writes "ready" and all sleep for at most
 *                           LINGER_SECONDS: the test sees EOF on its pipe
 *                           only when every one of them is dead
 *   kill OUT_FD PARENT TEST VICTIM PGID
 *                           for each of the pids PARENT (the caller),
 *                           TEST (the test process) and VICTIM (a host
 *                           process of the sandbox's uid): "see-NAME" for
 *                           kill(pid, 0), "kill-NAME" for kill(pid,
 *                           SIGKILL), "pidfd-NAME" for pidfd_open() +
 *                           pidfd_send_signal(SIGKILL) ("pidfd-NAME open
 *                           errno N" when the open fails), "procfd-NAME"
 *                           for open("/proc/PID") + pidfd_send_signal()
 *                           on that fd ("procfd-NAME open errno N");
 *                           then "kill-pgid" for kill(-PGID, SIGKILL),
 *                           "kill-all-probe" for kill(-1, 0) (a probe: a
 *                           real kill(-1, SIGKILL) from host nobody would
 *                           kill every nobody process of the machine), and
 *                           last "kill-own-group" for kill(0, SIGKILL),
 *                           which may kill the attacker itself
 *   ipc OUT_FD KEY SHMID MQNAME
 *                           "shmget" for shmget(KEY, 0, 0), "shmat" for
 *                           shmat(SHMID, SHM_RDONLY), "mq_open" for
 *                           mq_open(MQNAME, O_RDONLY): System V and POSIX
 *                           IPC objects of the caller
 *
 * Exit status: 0 when the mode ran (whatever the attacks gave), 1 when a
 * system call it needs fails, 2 on a usage error.
 *
 * Like cam-test-helper, this program uses libc only.  Processes that
 * linger send their standard fds to /dev/null first, so that an orphan
 * left by a failed test cannot hold `meson test`'s output pipes, and end
 * by themselves after LINGER_SECONDS.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CAM_TEST_PAYLOAD_NAME "cam-test-attacker"
#include "cam-test-payload.h"

/* How long a lingering process lives at most: well past any test's
 * timeout.  Counted with sleeps, not alarm(): as pid 1 of a PID namespace
 * the attacker would ignore its own SIGALRM. */
#define LINGER_SECONDS 60

static long
parse_number (const char *arg,
              long        min,
              long        max)
{
  char *end;
  long value;

  errno = 0;
  value = strtol (arg, &end, 10);
  if (errno != 0 || end == arg || *end != '\0' || value < min || value > max)
    usage ("invalid number");

  return value;
}

static int
parse_fd (const char *arg)
{
  return (int) parse_number (arg, 0, INT_MAX);
}

/* Writes "NAME ok" if @r is not negative, else "NAME errno N" with the
 * current errno. */
static void
report (int         fd,
        const char *name,
        long        r)
{
  char line[128];

  if (r >= 0)
    snprintf (line, sizeof line, "%s ok", name);
  else
    snprintf (line, sizeof line, "%s errno %d", name, errno);
  write_line (fd, line);
}

static void
linger (void)
{
  for (int i = 0; i < LINGER_SECONDS; i++)
    sleep (1);
  _exit (0);
}

static int
mode_exit (int    argc,
           char **argv)
{
  if (argc != 3)
    usage ("exit takes one argument");

  return (int) parse_number (argv[2], 0, 255);
}

/* UBSan would report the null store and exit before the fault: the
 * fault is the point. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__ ((no_sanitize_undefined))
#elif defined(__clang__)
__attribute__ ((no_sanitize ("undefined")))
#endif
static int
mode_segv (int    argc,
           char **argv)
{
  static const struct rlimit no_core = { 0, 0 };
  volatile int * volatile null = NULL;

  if (argc != 2)
    usage ("segv takes no argument");
  if (setrlimit (RLIMIT_CORE, &no_core) < 0)
    die ("setrlimit");

  /* A real fault: as pid 1 of a PID namespace, a raise(SIGSEGV) would be
   * ignored, a fault is not. */
  *null = 1;
  return EXIT_SYSCALL_FAILED;
}

static int
mode_sleep (int    argc,
            char **argv)
{
  int ready_fd;

  if (argc != 3)
    usage ("sleep takes a ready fd");
  ready_fd = parse_fd (argv[2]);

  detach_stdio ();
  write_line (ready_fd, "ready");
  close (ready_fd);
  linger ();
  return 0;
}

/* Field 7 of /proc/self/stat: the device of the controlling terminal. */
static long
ctty_nr (void)
{
  char buf[1024];
  char *p;
  ssize_t n;
  int fd;

  fd = open ("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die ("open /proc/self/stat");
  n = read (fd, buf, sizeof buf - 1);
  if (n < 0)
    die ("read /proc/self/stat");
  close (fd);
  buf[n] = '\0';

  /* "pid (comm) state ppid pgrp session tty_nr …"; comm may hold spaces. */
  p = strrchr (buf, ')');
  if (p == NULL)
    usage ("unexpected /proc/self/stat");
  if (sscanf (p + 1, " %*c %*d %*d %*d %ld", &n) != 1)
    usage ("unexpected /proc/self/stat");

  return n;
}

/* TIOCSTI of each byte of @text on @fd: "NAME OK_COUNT ok|errno N". */
static void
push_text (int         out_fd,
           const char *name,
           int         fd,
           const char *text)
{
  char line[128];
  int n_ok = 0;
  int errsv = 0;

  for (const char *c = text; *c != '\0'; c++)
    {
      if (ioctl (fd, TIOCSTI, c) == 0)
        n_ok++;
      else
        errsv = errno;
    }

  if (errsv == 0)
    snprintf (line, sizeof line, "%s %d ok", name, n_ok);
  else
    snprintf (line, sizeof line, "%s %d errno %d", name, n_ok, errsv);
  write_line (out_fd, line);
}

static int
mode_tiocsti (int    argc,
              char **argv)
{
  char line[64];
  int out_fd;
  int tty_fd;
  int r;
  int steal;

  if (argc != 4)
    usage ("tiocsti takes an output fd and a text");
  out_fd = parse_fd (argv[2]);

  snprintf (line, sizeof line, "ctty-nr %ld", ctty_nr ());
  write_line (out_fd, line);

  push_text (out_fd, "tiocsti", STDIN_FILENO, argv[3]);

  tty_fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  report (out_fd, "open-tty", tty_fd);
  if (tty_fd >= 0)
    {
      push_text (out_fd, "tiocsti-tty", tty_fd, argv[3]);
      close (tty_fd);
    }

  r = ioctl (STDIN_FILENO, TIOCSCTTY, 0);
  report (out_fd, "sctty", r);
  steal = ioctl (STDIN_FILENO, TIOCSCTTY, 1);
  report (out_fd, "sctty-steal", steal);
  if (r == 0 || steal == 0)
    push_text (out_fd, "tiocsti-sctty", STDIN_FILENO, argv[3]);

  return 0;
}

static void
write_pid (int         out_fd,
           const char *role)
{
  char line[64];

  snprintf (line, sizeof line, "pid %s %ld", role, (long) getpid ());
  write_line (out_fd, line);
}

/* The forked side of escape: this process (the child) calls setsid() and
 * double-forks; it writes one byte to @sync_fd once its grandchild has
 * written its pid, then both linger. */
static void
escape_child (int out_fd,
              int sync_fd)
{
  int grandchild_sync[2];
  pid_t middle;
  char c;

  if (setsid () < 0)
    die ("setsid");
  write_pid (out_fd, "child");

  if (pipe (grandchild_sync) < 0)
    die ("pipe");
  middle = fork ();
  if (middle < 0)
    die ("fork");
  if (middle == 0)
    {
      pid_t grandchild = fork ();

      if (grandchild < 0)
        die ("fork");
      if (grandchild == 0)
        {
          write_pid (out_fd, "grandchild");
          write_all (grandchild_sync[1], "g", 1);
          linger ();
        }
      /* The middle process exits: the grandchild is an orphan. */
      _exit (0);
    }
  close (grandchild_sync[1]);
  if (read (grandchild_sync[0], &c, 1) != 1)
    die ("read grandchild");
  close (grandchild_sync[0]);
  waitpid (middle, NULL, 0);

  write_all (sync_fd, "c", 1);
  close (sync_fd);
  linger ();
}

static int
mode_escape (int    argc,
             char **argv)
{
  int out_fd;
  int do_fork;

  if (argc != 4)
    usage ("escape takes an output fd and fork or nofork");
  out_fd = parse_fd (argv[2]);
  if (strcmp (argv[3], "fork") == 0)
    do_fork = 1;
  else if (strcmp (argv[3], "nofork") == 0)
    do_fork = 0;
  else
    usage ("escape takes fork or nofork");

  detach_stdio ();
  report (out_fd, "clear-pdeathsig", prctl (PR_SET_PDEATHSIG, 0, 0, 0, 0));
  write_pid (out_fd, "attacker");

  if (do_fork)
    {
      int sync[2];
      pid_t child;
      char c;

      if (pipe (sync) < 0)
        die ("pipe");
      child = fork ();
      if (child < 0)
        die ("fork");
      if (child == 0)
        {
          close (sync[0]);
          escape_child (out_fd, sync[1]);
        }
      close (sync[1]);
      if (read (sync[0], &c, 1) != 1)
        die ("read child");
      close (sync[0]);
    }

  write_line (out_fd, "ready");
  linger ();
  return 0;
}

/* The attacks on one pid: see, kill, pidfd, /proc fd. */
static void
attack_pid (int         out_fd,
            const char *name,
            pid_t       pid)
{
  char what[64];
  int fd;

  snprintf (what, sizeof what, "see-%s", name);
  report (out_fd, what, kill (pid, 0));

  snprintf (what, sizeof what, "kill-%s", name);
  report (out_fd, what, kill (pid, SIGKILL));

  snprintf (what, sizeof what, "pidfd-%s", name);
  fd = pidfd_open (pid, 0);
  if (fd < 0)
    {
      snprintf (what, sizeof what, "pidfd-%s open", name);
      report (out_fd, what, fd);
    }
  else
    {
      report (out_fd, what, pidfd_send_signal (fd, SIGKILL, NULL, 0));
      close (fd);
    }

  snprintf (what, sizeof what, "/proc/%ld", (long) pid);
  fd = open (what, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      snprintf (what, sizeof what, "procfd-%s open", name);
      report (out_fd, what, fd);
    }
  else
    {
      snprintf (what, sizeof what, "procfd-%s", name);
      report (out_fd, what, pidfd_send_signal (fd, SIGKILL, NULL, 0));
      close (fd);
    }
}

static int
mode_kill (int    argc,
           char **argv)
{
  int out_fd;
  pid_t pgid;

  if (argc != 7)
    usage ("kill takes an output fd, three pids and a pgid");
  out_fd = parse_fd (argv[2]);
  pgid = (pid_t) parse_number (argv[6], 1, INT_MAX);

  attack_pid (out_fd, "parent", (pid_t) parse_number (argv[3], 1, INT_MAX));
  attack_pid (out_fd, "test", (pid_t) parse_number (argv[4], 1, INT_MAX));
  attack_pid (out_fd, "victim", (pid_t) parse_number (argv[5], 1, INT_MAX));
  report (out_fd, "kill-pgid", kill (-pgid, SIGKILL));
  report (out_fd, "kill-all-probe", kill (-1, 0));
  report (out_fd, "kill-own-group", kill (0, SIGKILL));

  return 0;
}

static int
mode_ipc (int    argc,
          char **argv)
{
  int out_fd;
  void *addr;
  mqd_t mq;

  if (argc != 6)
    usage ("ipc takes an output fd, a key, a shmid and a queue name");
  out_fd = parse_fd (argv[2]);

  report (out_fd, "shmget",
          shmget ((key_t) parse_number (argv[3], INT_MIN, INT_MAX), 0, 0));

  addr = shmat ((int) parse_number (argv[4], 0, INT_MAX), NULL, SHM_RDONLY);
  report (out_fd, "shmat", addr == (void *) -1 ? -1 : 0);
  if (addr != (void *) -1)
    shmdt (addr);

  mq = mq_open (argv[5], O_RDONLY);
  report (out_fd, "mq_open", mq == (mqd_t) -1 ? -1 : 0);
  if (mq != (mqd_t) -1)
    mq_close (mq);

  return 0;
}

static const CamTestPayloadMode modes[] = {
  { "exit", mode_exit },
  { "segv", mode_segv },
  { "sleep", mode_sleep },
  { "tiocsti", mode_tiocsti },
  { "escape", mode_escape },
  { "kill", mode_kill },
  { "ipc", mode_ipc },
};

int
main (int    argc,
      char **argv)
{
  return run_mode (modes, sizeof modes / sizeof modes[0], argc, argv);
}
