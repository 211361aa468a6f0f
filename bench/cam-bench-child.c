/* cam-bench-child: the child of cam-bench's crowd scenario
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   cam-bench-child WAIT_FD READY_FD
 *
 * Writes one byte to READY_FD and closes it, so that the parent knows the
 * child runs, then blocks reading WAIT_FD until end of file and exits
 * with 0.  The parent holds the only write end of WAIT_FD's pipe: closing
 * it releases every child at once.
 *
 * The fd numbers come from argv because CamProcess passes fds at the
 * number they have in the parent.  Plain libc only, linked statically
 * where the toolchain can: the child's own start-up cost is the same for
 * every spawning method and should be small.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int
main (int   argc,
      char *argv[])
{
  char byte = 0;
  int wait_fd, ready_fd;
  ssize_t n;

  if (argc != 3)
    return 2;
  wait_fd = atoi (argv[1]);
  ready_fd = atoi (argv[2]);

  if (write (ready_fd, &byte, 1) != 1)
    return 3;
  close (ready_fd);

  do
    n = read (wait_fd, &byte, 1);
  while (n > 0 || (n < 0 && errno == EINTR));

  return n == 0 ? 0 : 4;
}
