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
 *                           for a signal forever
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
 * Exit status: 0 on success, 1 when a system call fails, 2 on a usage error
 * (this includes running with no mode at all, which the tests rely on).
 *
 * This program uses libc only, so that its start-up opens no fd of its own
 * and stays fast for the tests that spawn it a thousand times.
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_SYSCALL_FAILED 1
#define EXIT_USAGE          2

extern char **environ;

static void
die (const char *what)
{
  fprintf (stderr, "cam-test-helper: %s: %s\n", what, strerror (errno));
  exit (EXIT_SYSCALL_FAILED);
}

static void
usage (const char *message)
{
  fprintf (stderr, "cam-test-helper: %s (see the comment at the top of cam-test-helper.c)\n",
           message);
  exit (EXIT_USAGE);
}

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

static void
write_all (int         fd,
           const char *data,
           size_t      len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        die ("write");

      data += n;
      len -= (size_t) n;
    }
}

static void
write_line (int         fd,
            const char *line)
{
  write_all (fd, line, strlen (line));
  write_all (fd, "\n", 1);
}

static void
wait_forever (const char *ready_fd_arg)
{
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

static const struct
{
  const char *name;
  int       (*run) (int    argc,
                    char **argv);
} modes[] = {
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
};

int
main (int    argc,
      char **argv)
{
  size_t i;

  if (argc < 2)
    usage ("no mode given");

  for (i = 0; i < sizeof modes / sizeof modes[0]; i++)
    {
      if (strcmp (argv[1], modes[i].name) == 0)
        return modes[i].run (argc, argv);
    }

  usage ("unknown mode");
  return EXIT_USAGE;
}
