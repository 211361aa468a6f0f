/* cam-test-burn.c: a child with a known appetite, for test-rusage
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: cam-test-burn MIB MSEC
 *
 * Touches MIB MiB of fresh memory, so that its resident set grows by that
 * much, then spins until getrusage() shows MSEC ms of user CPU time, and
 * exits 0.  libc only, like cam-test-helper.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

int
main (int    argc,
      char **argv)
{
  volatile unsigned long sink = 0;
  size_t size;
  long msec;
  char *memory;

  if (argc != 3)
    {
      fprintf (stderr, "usage: cam-test-burn MIB MSEC\n");
      return 2;
    }
  size = (size_t) strtoul (argv[1], NULL, 10) << 20;
  msec = strtol (argv[2], NULL, 10);

  memory = malloc (size);
  if (memory == NULL)
    return 1;
  memset (memory, 0x5a, size);

  for (;;)
    {
      struct rusage ru;

      for (int i = 0; i < 100000; i++)
        sink += (unsigned long) i * memory[(size_t) i % size];
      getrusage (RUSAGE_SELF, &ru);
      if (ru.ru_utime.tv_sec * 1000L + ru.ru_utime.tv_usec / 1000 >= msec)
        break;
    }

  free (memory);
  return 0;
}
