/* cam-test-payload.h: what the libc-only payloads share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cam-test-helper and cam-test-attacker use libc only (see their top
 * comments), so this header is libc only too, and header only: each
 * payload stays one self-contained program.  Define CAM_TEST_PAYLOAD_NAME
 * to the program's name before including it.
 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CAM_TEST_PAYLOAD_NAME
# error "Define CAM_TEST_PAYLOAD_NAME before including cam-test-payload.h"
#endif

/* Exit statuses of a payload that could not do what it was asked. */
#define EXIT_SYSCALL_FAILED 1
#define EXIT_USAGE          2

/* Reports the errno of the failed step @what and exits. */
static inline void
die (const char *what)
{
  fprintf (stderr, CAM_TEST_PAYLOAD_NAME ": %s: %s\n", what, strerror (errno));
  exit (EXIT_SYSCALL_FAILED);
}

static inline void
usage (const char *message)
{
  fprintf (stderr, CAM_TEST_PAYLOAD_NAME ": %s (see the comment at the top of "
           CAM_TEST_PAYLOAD_NAME ".c)\n", message);
  exit (EXIT_USAGE);
}

/* Writes all of @data, or dies. */
static inline void
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

static inline void
write_line (int         fd,
            const char *line)
{
  write_all (fd, line, strlen (line));
  write_all (fd, "\n", 1);
}

/* Sends stdin, stdout and stderr to /dev/null, or dies.  A payload that
 * lingers does so first: they are the test's, and `meson test` waits for
 * EOF on its output pipes, so an orphan holding them would turn a failed
 * test into a timeout. */
static inline void
detach_stdio (void)
{
  int null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);

  if (null_fd < 0)
    die ("open /dev/null");
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
    {
      if (dup2 (null_fd, fd) < 0)
        die ("dup2");
    }
  close (null_fd);
}

/* One mode of a payload, named by argv[1]. */
typedef struct
{
  const char *name;
  int       (*run) (int    argc,
                    char **argv);
} CamTestPayloadMode;

/* The body of a payload's main(): runs the mode of @modes (@n_modes of
 * them) that argv[1] names, and returns its exit status. */
static inline int
run_mode (const CamTestPayloadMode *modes,
          size_t                    n_modes,
          int                       argc,
          char                    **argv)
{
  if (argc < 2)
    usage ("no mode given");

  for (size_t i = 0; i < n_modes; i++)
    {
      if (strcmp (argv[1], modes[i].name) == 0)
        return modes[i].run (argc, argv);
    }

  usage ("unknown mode");
  return EXIT_USAGE;
}
