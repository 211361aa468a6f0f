/* cam-test-helper.c: the child program the camprocess tests spawn
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: cam-test-helper MODE [ARG…]
 *
 * The mode is argv[1].  Modes that report something write it to an output
 * fd given on the command line (default: stdout).  The tests pass the write
 * end of a pipe in the fd list of cam_process_start() and name its number
 * here, because the fd list keeps fd numbers and cannot move a pipe onto fd 1.
 *
 *   exit N                  exit with status N (0–255)
 *   sleep [READY_FD]        write "ready\n" to READY_FD if given, then wait
 *                           for a signal (for at most SLEEP_LIMIT_SECONDS)
 *   ignore-term [READY_FD]  ignore SIGTERM, then like sleep
 *   list-fds [OUT_FD]       write the sorted numbers of the open fds,
 *                           space-separated, then "\n"
 *   print-args [OUT_FD]     write each argv element followed by "\n",
 *                           argv[0] included
 *   print-environ [OUT_FD]  write each environ entry followed by "\n"
 *   print-cwd [OUT_FD]      write the working directory followed by "\n"
 *   print-sigmask [OUT_FD]  write the numbers of the blocked signals,
 *                           space-separated, then "\n"
 *   print-sigdisp [OUT_FD]  write the SigIgn and SigCgt lines of
 *                           /proc/self/status (the ignored and the caught
 *                           signals, as hex masks), in that order
 *   cat [IN_FD [OUT_FD]]    copy IN_FD (default: stdin) to OUT_FD until EOF
 *
 * Modes of the sandbox and identity tests, which observe the child's setup
 * from inside:
 *
 *   print-ids OUT_FD        write "uid R E S", "gid R E S" and "groups N"
 *                           (the number of supplementary groups), as the
 *                           child sees them in its user namespace
 *   print-status OUT_FD NAME…
 *                           write "NAME VALUE" for each field of
 *                           /proc/self/status, spaces squeezed ("Uid 0 0 0 0",
 *                           "Groups", "NoNewPrivs 1")
 *   print-file OUT_FD PATH  copy PATH (a uid_map, /proc/self/cgroup) to OUT_FD
 *   print-ns OUT_FD         write "NAME INODE" for user, net, ipc, pid and
 *                           mnt in /proc/self/ns
 *   print-netifs OUT_FD     write "NAME up" or "NAME down" for each network
 *                           interface that if_nameindex() lists
 *   print-rlimit OUT_FD RESOURCE
 *                           write "SOFT HARD" of that RLIMIT_* number, -1 for
 *                           RLIM_INFINITY
 *   print-session OUT_FD    write "PID SID PGID"
 *   try-open OUT_FD PATH    open PATH for reading; write "ok" or the errno
 *   try-create OUT_FD PATH  create PATH (O_EXCL); write "ok" or the errno
 *   write-fds FD TEXT [FD TEXT…]
 *                           write each TEXT to its FD, without "\n"
 *   mount-tmpfs READY_FD DIR
 *                           mount a tmpfs on DIR, write "mounted\n" to
 *                           READY_FD, then read stdin until EOF
 *
 * Exit status: 0 on success, 1 when a system call fails, 2 on a usage error
 * (this includes running with no mode at all, which the tests rely on).
 *
 * This program uses libc only, so that its start-up opens no fd of its own
 * and stays fast for the tests that spawn it a thousand times.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CAM_TEST_PAYLOAD_NAME "cam-test-helper"
#include "cam-test-payload.h"

/* A sleeping helper whose test failed before killing it is orphaned; SIGALRM
 * ends it after this long, well past any test's timeout. */
#define SLEEP_LIMIT_SECONDS 120

extern char **environ;

/* Parses an fd number, or returns @default_fd when @arg is NULL. */
static int
parse_fd (const char *arg,
          int         default_fd)
{
  char *end;
  long value;

  if (arg == NULL)
    return default_fd;

  errno = 0;
  value = strtol (arg, &end, 10);
  if (errno != 0 || end == arg || *end != '\0' || value < 0 || value > INT_MAX)
    usage ("invalid fd number");

  return (int) value;
}

/* Waits for a signal, stdin, stdout and stderr sent to /dev/null first
 * (see detach_stdio()). */
static void
wait_forever (const char *ready_fd_arg)
{
  alarm (SLEEP_LIMIT_SECONDS);
  detach_stdio ();

  if (ready_fd_arg != NULL)
    write_line (parse_fd (ready_fd_arg, -1), "ready");

  for (;;)
    pause ();
}

static int
mode_exit (int    argc,
           char **argv)
{
  char *end;
  long status;

  if (argc != 3)
    usage ("exit takes one argument");

  status = strtol (argv[2], &end, 10);
  if (end == argv[2] || *end != '\0' || status < 0 || status > 255)
    usage ("invalid exit status");

  return (int) status;
}

static int
mode_sleep (int    argc,
            char **argv)
{
  wait_forever (argc > 2 ? argv[2] : NULL);
  return 0;
}

static int
mode_ignore_term (int    argc,
                  char **argv)
{
  if (signal (SIGTERM, SIG_IGN) == SIG_ERR)
    die ("signal");

  wait_forever (argc > 2 ? argv[2] : NULL);
  return 0;
}

static int
compare_ints (const void *a,
              const void *b)
{
  int x = *(const int *) a;
  int y = *(const int *) b;

  return (x > y) - (x < y);
}

static int
mode_list_fds (int    argc,
               char **argv)
{
  int out_fd = parse_fd (argc > 2 ? argv[2] : NULL, STDOUT_FILENO);
  int fds[1024];
  size_t n_fds = 0;
  struct dirent *entry;
  DIR *dir;
  char buf[16];
  size_t i;

  dir = opendir ("/proc/self/fd");
  if (dir == NULL)
    die ("opendir /proc/self/fd");

  while ((errno = 0, entry = readdir (dir)) != NULL)
    {
      int fd;

      if (entry->d_name[0] == '.')
        continue;

      fd = parse_fd (entry->d_name, -1);
      if (fd == dirfd (dir))
        continue;

      if (n_fds == sizeof fds / sizeof fds[0])
        usage ("too many open fds");
      fds[n_fds++] = fd;
    }
  if (errno != 0)
    die ("readdir /proc/self/fd");
  closedir (dir);

  qsort (fds, n_fds, sizeof fds[0], compare_ints);

  for (i = 0; i < n_fds; i++)
    {
      snprintf (buf, sizeof buf, i == 0 ? "%d" : " %d", fds[i]);
      write_all (out_fd, buf, strlen (buf));
    }
  write_all (out_fd, "\n", 1);

  return 0;
}

static int
mode_print_args (int    argc,
                 char **argv)
{
  int out_fd = parse_fd (argc > 2 ? argv[2] : NULL, STDOUT_FILENO);
  int i;

  for (i = 0; i < argc; i++)
    write_line (out_fd, argv[i]);

  return 0;
}

static int
mode_print_environ (int    argc,
                    char **argv)
{
  int out_fd = parse_fd (argc > 2 ? argv[2] : NULL, STDOUT_FILENO);
  char **e;

  for (e = environ; *e != NULL; e++)
    write_line (out_fd, *e);

  return 0;
}

static int
mode_print_cwd (int    argc,
                char **argv)
{
  int out_fd = parse_fd (argc > 2 ? argv[2] : NULL, STDOUT_FILENO);
  char cwd[PATH_MAX];

  if (getcwd (cwd, sizeof cwd) == NULL)
    die ("getcwd");

  write_line (out_fd, cwd);

  return 0;
}

static int
mode_print_sigmask (int    argc,
                    char **argv)
{
  int out_fd = parse_fd (argc > 2 ? argv[2] : NULL, STDOUT_FILENO);
  const char *sep = "";
  sigset_t mask;
  char buf[16];

  if (sigprocmask (SIG_BLOCK, NULL, &mask) < 0)
    die ("sigprocmask");

  for (int sig = 1; sig < NSIG; sig++)
    {
      if (sigismember (&mask, sig) != 1)
        continue;
      snprintf (buf, sizeof buf, "%s%d", sep, sig);
      write_all (out_fd, buf, strlen (buf));
      sep = " ";
    }
  write_all (out_fd, "\n", 1);

  return 0;
}

static int
mode_print_sigdisp (int    argc,
                    char **argv)
{
  int out_fd = parse_fd (argc > 2 ? argv[2] : NULL, STDOUT_FILENO);
  char line[256];
  FILE *status;

  status = fopen ("/proc/self/status", "re");
  if (status == NULL)
    die ("fopen /proc/self/status");

  while (fgets (line, sizeof line, status) != NULL)
    {
      if (strncmp (line, "SigIgn:", 7) == 0 || strncmp (line, "SigCgt:", 7) == 0)
        write_all (out_fd, line, strlen (line));
    }
  if (ferror (status))
    die ("read /proc/self/status");
  fclose (status);

  return 0;
}

static int
mode_cat (int    argc,
          char **argv)
{
  int in_fd = parse_fd (argc > 2 ? argv[2] : NULL, STDIN_FILENO);
  int out_fd = parse_fd (argc > 3 ? argv[3] : NULL, STDOUT_FILENO);
  char buf[4096];

  for (;;)
    {
      ssize_t n = read (in_fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        die ("read");
      if (n == 0)
        break;

      write_all (out_fd, buf, (size_t) n);
    }

  return 0;
}

/* Parses a required OUT_FD argument. */
static int
out_fd_arg (int    argc,
            char **argv)
{
  if (argc < 3)
    usage ("missing output fd");
  return parse_fd (argv[2], -1);
}

static void
write_format (int         fd,
              const char *format,
              ...) __attribute__((format (printf, 2, 3)));

static void
write_format (int         fd,
              const char *format,
              ...)
{
  char buf[512];
  va_list args;
  int n;

  va_start (args, format);
  n = vsnprintf (buf, sizeof buf, format, args);
  va_end (args);
  if (n < 0 || (size_t) n >= sizeof buf)
    usage ("line too long");
  write_all (fd, buf, (size_t) n);
}

static int
mode_print_ids (int    argc,
                char **argv)
{
  int out_fd = out_fd_arg (argc, argv);
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  int n_groups;

  if (getresuid (&ruid, &euid, &suid) < 0 || getresgid (&rgid, &egid, &sgid) < 0)
    die ("getresuid");
  n_groups = getgroups (0, NULL);
  if (n_groups < 0)
    die ("getgroups");

  write_format (out_fd, "uid %u %u %u\ngid %u %u %u\ngroups %d\n",
                ruid, euid, suid, rgid, egid, sgid, n_groups);
  return 0;
}

/* Reads a whole small file into @buf, NUL-terminated. */
static void
read_file (const char *path,
           char       *buf,
           size_t      size)
{
  size_t len = 0;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die (path);
  for (;;)
    {
      ssize_t n = read (fd, buf + len, size - 1 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        die (path);
      if (n == 0)
        break;
      len += (size_t) n;
      if (len == size - 1)
        usage ("file too long");
    }
  close (fd);
  buf[len] = '\0';
}

static int
mode_print_status (int    argc,
                   char **argv)
{
  int out_fd = out_fd_arg (argc, argv);
  char status[16384];

  read_file ("/proc/self/status", status, sizeof status);

  for (int i = 3; i < argc; i++)
    {
      size_t name_len = strlen (argv[i]);
      const char *line = status;

      while (line != NULL && !(strncmp (line, argv[i], name_len) == 0 &&
                               line[name_len] == ':'))
        {
          line = strchr (line, '\n');
          if (line != NULL)
            line++;
        }
      if (line == NULL)
        usage ("no such status field");

      write_all (out_fd, argv[i], name_len);
      for (const char *p = line + name_len + 1; *p != '\n' && *p != '\0'; )
        {
          size_t word;

          p += strspn (p, " \t");
          word = strcspn (p, " \t\n");
          if (word == 0)
            break;
          write_all (out_fd, " ", 1);
          write_all (out_fd, p, word);
          p += word;
        }
      write_all (out_fd, "\n", 1);
    }
  return 0;
}

static int
mode_print_file (int    argc,
                 char **argv)
{
  int out_fd = out_fd_arg (argc, argv);
  char text[16384];

  if (argc != 4)
    usage ("print-file takes an output fd and a path");
  read_file (argv[3], text, sizeof text);
  write_all (out_fd, text, strlen (text));
  return 0;
}

static int
mode_print_ns (int    argc,
               char **argv)
{
  static const char * const names[] = { "user", "net", "ipc", "pid", "mnt" };
  int out_fd = out_fd_arg (argc, argv);

  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    {
      char path[64];
      struct stat st;

      snprintf (path, sizeof path, "/proc/self/ns/%s", names[i]);
      if (stat (path, &st) < 0)
        die (path);
      write_format (out_fd, "%s %llu\n", names[i],
                    (unsigned long long) st.st_ino);
    }
  return 0;
}

static int
mode_print_netifs (int    argc,
                   char **argv)
{
  int out_fd = out_fd_arg (argc, argv);
  struct if_nameindex *ifs;
  int sock;

  ifs = if_nameindex ();
  if (ifs == NULL)
    die ("if_nameindex");
  sock = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    die ("socket");

  for (struct if_nameindex *i = ifs; i->if_index != 0; i++)
    {
      struct ifreq ifr = { 0 };

      snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", i->if_name);
      if (ioctl (sock, SIOCGIFFLAGS, &ifr) < 0)
        die ("SIOCGIFFLAGS");
      write_format (out_fd, "%s %s\n", i->if_name,
                    (ifr.ifr_flags & IFF_UP) ? "up" : "down");
    }

  close (sock);
  if_freenameindex (ifs);
  return 0;
}

static int
mode_print_rlimit (int    argc,
                   char **argv)
{
  int out_fd = out_fd_arg (argc, argv);
  struct rlimit64 lim;

  if (argc != 4)
    usage ("print-rlimit takes an output fd and a resource");
  if (getrlimit64 (atoi (argv[3]), &lim) < 0)
    die ("getrlimit");

  write_format (out_fd, "%lld %lld\n",
                lim.rlim_cur == RLIM64_INFINITY ? -1 : (long long) lim.rlim_cur,
                lim.rlim_max == RLIM64_INFINITY ? -1 : (long long) lim.rlim_max);
  return 0;
}

static int
mode_print_session (int    argc,
                    char **argv)
{
  int out_fd = out_fd_arg (argc, argv);

  write_format (out_fd, "%d %d %d\n", (int) getpid (), (int) getsid (0),
                (int) getpgid (0));
  return 0;
}

static int
try_open_and_report (int         out_fd,
                     const char *path,
                     int         flags)
{
  int fd = open (path, flags | O_CLOEXEC, 0600);

  if (fd < 0)
    write_format (out_fd, "%d\n", errno);
  else
    write_line (out_fd, "ok");
  return 0;
}

static int
mode_try_open (int    argc,
               char **argv)
{
  int out_fd = out_fd_arg (argc, argv);

  if (argc != 4)
    usage ("try-open takes an output fd and a path");
  return try_open_and_report (out_fd, argv[3], O_RDONLY);
}

static int
mode_try_create (int    argc,
                 char **argv)
{
  int out_fd = out_fd_arg (argc, argv);

  if (argc != 4)
    usage ("try-create takes an output fd and a path");
  return try_open_and_report (out_fd, argv[3], O_WRONLY | O_CREAT | O_EXCL);
}

static int
mode_write_fds (int    argc,
                char **argv)
{
  if (argc < 4 || argc % 2 != 0)
    usage ("write-fds takes pairs of an fd and a text");

  for (int i = 2; i < argc; i += 2)
    write_all (parse_fd (argv[i], -1), argv[i + 1], strlen (argv[i + 1]));
  return 0;
}

static int
mode_mount_tmpfs (int    argc,
                  char **argv)
{
  int ready_fd = out_fd_arg (argc, argv);

  if (argc != 4)
    usage ("mount-tmpfs takes a ready fd and a directory");
  if (mount ("cam-test", argv[3], "tmpfs", 0, NULL) < 0)
    die ("mount");

  write_line (ready_fd, "mounted");
  return mode_cat (2, argv);
}

static const CamTestPayloadMode modes[] = {
  { "exit", mode_exit },
  { "sleep", mode_sleep },
  { "ignore-term", mode_ignore_term },
  { "list-fds", mode_list_fds },
  { "print-args", mode_print_args },
  { "print-environ", mode_print_environ },
  { "print-cwd", mode_print_cwd },
  { "print-sigmask", mode_print_sigmask },
  { "print-sigdisp", mode_print_sigdisp },
  { "cat", mode_cat },
  { "print-ids", mode_print_ids },
  { "print-status", mode_print_status },
  { "print-file", mode_print_file },
  { "print-ns", mode_print_ns },
  { "print-netifs", mode_print_netifs },
  { "print-rlimit", mode_print_rlimit },
  { "print-session", mode_print_session },
  { "try-open", mode_try_open },
  { "try-create", mode_try_create },
  { "write-fds", mode_write_fds },
  { "mount-tmpfs", mode_mount_tmpfs },
};

int
main (int    argc,
      char **argv)
{
  return run_mode (modes, sizeof modes / sizeof modes[0], argc, argv);
}
