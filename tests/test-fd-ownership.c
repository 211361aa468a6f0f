/* test-fd-ownership.c: each fd the caller hands over is closed exactly once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A second close() of an fd number is harmless only until another thread
 * opens a new fd that gets the number.  That race cannot be provoked
 * reliably, so this program replaces close() itself: the library's calls
 * bind to this definition (an executable's symbols come first), which
 * counts the calls that found no open fd.
 */

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cam-test-utils.h"

static gint n_bad_closes;

int
close (int fd)
{
  long r = syscall (SYS_close, fd);

  if (r < 0 && errno == EBADF)
    g_atomic_int_inc (&n_bad_closes);
  return (int) r;
}

/* The interposition works: a close of a closed fd is counted. */
static void
test_close_counted (void)
{
  int fds[2];

  cam_test_pipe (fds);
  g_assert_no_errno (close (fds[0]));
  g_assert_no_errno (close (fds[1]));
  g_atomic_int_set (&n_bad_closes, 0);
  g_assert_cmpint (close (fds[1]), ==, -1);
  g_assert_cmpint (g_atomic_int_get (&n_bad_closes), ==, 1);
}

/* One source taken for two targets: both targets get it, and start()
 * closes it once. */
static void
test_take_fd_twice_start (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  int fds[2];

  cam_test_pipe (fds);
  cam_process_take_fd (process, fds[1], 5);
  cam_process_take_fd (process, fds[1], 6);
  g_atomic_int_set (&n_bad_closes, 0);
  cam_test_start_helper (process, NULL, 0, &error,
                         "write-fds", "5", "five ", "6", "six", NULL);
  g_assert_no_error (error);
  g_assert_cmpint (g_atomic_int_get (&n_bad_closes), ==, 0);
  g_assert_true (cam_process_wait_check (process, NULL, &error));
  g_assert_no_error (error);

  report = cam_test_read_to_eof (fds[0]);
  g_assert_cmpstr (report, ==, "five six");
  g_assert_no_errno (close (fds[0]));
}

/* The same when the taken fds are never used: disposal closes it once. */
static void
test_take_fd_twice_dispose (void)
{
  CamProcess *process = cam_process_new ();
  int fds[2];

  cam_test_pipe (fds);
  cam_process_take_fd (process, fds[1], 5);
  cam_process_take_fd (process, fds[1], 6);
  g_atomic_int_set (&n_bad_closes, 0);
  g_object_unref (process);
  g_assert_cmpint (g_atomic_int_get (&n_bad_closes), ==, 0);
  /* And it was closed: the read end sees EOF. */
  g_assert_cmpint (read (fds[0], &(char) { 0 }, 1), ==, 0);
  g_assert_no_errno (close (fds[0]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/fds/close-counted", test_close_counted);
  g_test_add_func ("/process/fds/take-fd-twice/start", test_take_fd_twice_start);
  g_test_add_func ("/process/fds/take-fd-twice/dispose",
                   test_take_fd_twice_dispose);

  return g_test_run ();
}
