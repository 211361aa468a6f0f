/* cam-test-attacker.c: hostile payloads for the sandbox tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: cam-test-attacker MODE [ARG…]
 *
 * test-holes.c runs this program under CAM_PROCESS_FLAGS_SANDBOX and
 * checks that none of its attacks on the caller and the host work.  The
 * memory and dumpable tests attack from beside the child, and only need it
 * to exit.
 *
 * Modes:
 *
 *   exit N                  exit with status N (0–255)
 *
 * Exit status: the one the mode gives, 2 on a usage error.
 *
 * Like cam-test-helper, this program uses libc only.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE          2

static void
usage (const char *message)
{
  fprintf (stderr, "cam-test-attacker: %s (see the comment at the top of cam-test-attacker.c)\n",
           message);
  exit (EXIT_USAGE);
}

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
mode_exit (int    argc,
           char **argv)
{
  if (argc != 3)
    usage ("exit takes one argument");

  return (int) parse_number (argv[2], 0, 255);
}

static const struct
{
  const char *name;
  int       (*run) (int    argc,
                    char **argv);
} modes[] = {
  { "exit", mode_exit },
};

int
main (int    argc,
      char **argv)
{
  if (argc < 2)
    usage ("no mode given");

  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    {
      if (strcmp (argv[1], modes[i].name) == 0)
        return modes[i].run (argc, argv);
    }

  usage ("unknown mode");
  return EXIT_USAGE;
}
