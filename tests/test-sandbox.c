/* test-sandbox.c: fd remapping
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The child gets each fd at the number asked for; cam-test-helper writes
 * to them.  Bad input must give a GError and leave no child.  Issue #3.
 */
#include <string.h>
#include <unistd.h>

#include "cam-test-utils.h"

/* Asserts that start() fails with @domain, @code and a message that holds
 * @fragment, and that no child is left, not even a zombie. */
static void
assert_start_fails (CamProcess *process,
                    GQuark      domain,
                    int         code,
                    const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL;

  g_assert_false (cam_test_start_helper (process, NULL, 0, &error, "exit", "0",
                                         NULL));
  g_assert_error (error, domain, code);
  g_test_message ("start() failed as expected: %s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
  g_assert_false (cam_process_get_running (process));
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

/* Asserts that the write end of the pipe @read_fd reads was closed. */
static void
assert_pipe_closed (int read_fd)
{
  g_autofree char *rest = cam_test_read_to_eof (read_fd);

  g_assert_cmpstr (rest, ==, "");
  g_assert_no_errno (close (read_fd));
}

/* The child gets a pipe at fd 5 whatever its number here, and our copy is
 * closed once start() returns, or the read would never see EOF. */
static void
test_take_fd (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  CamTestFinished finished;
  int p[2];

  cam_test_finished_watch (&finished, process);
  cam_test_pipe (p);
  cam_process_take_fd (process, p[1], 5);
  g_assert_true (cam_test_start_helper (process, NULL, 0, &error, "write-fds",
                                        "5", "hello", NULL));
  g_assert_no_error (error);
  got = cam_test_read_to_eof (p[0]);
  g_assert_cmpstr (got, ==, "hello");
  g_assert_no_errno (close (p[0]));

  cam_test_finished_wait (&finished);
  g_assert_cmpint (finished.status, ==, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT);
  g_assert_cmpint (finished.code, ==, 0);
  cam_test_finished_unwatch (&finished);
}

/* Two taken fds swap numbers (each source is the other's target), next
 * to an fd of start()'s own list and a taken fd on stdout. */
static void
test_take_fd_swap (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *got_a = NULL, *got_b = NULL, *got_c = NULL;
  g_autofree char *got_out = NULL;
  g_autofree char *at_b = NULL, *at_a = NULL, *at_c = NULL;
  CamTestFinished finished;
  int a[2], b[2], c[2], o[2];

  cam_test_pipe (a);
  cam_test_pipe (b);
  cam_test_pipe (c);
  cam_test_pipe (o);
  at_b = g_strdup_printf ("%d", b[1]);   /* where a's write end lands */
  at_a = g_strdup_printf ("%d", a[1]);   /* where b's write end lands */
  at_c = g_strdup_printf ("%d", c[1]);

  cam_test_finished_watch (&finished, process);
  cam_process_take_fd (process, a[1], b[1]);
  cam_process_take_fd (process, b[1], a[1]);
  cam_process_take_fd (process, o[1], STDOUT_FILENO);
  g_assert_true (cam_test_start_helper (process, &c[1], 1, &error, "write-fds",
                                        at_b, "to-a", at_a, "to-b",
                                        at_c, "to-c", "1", "to-stdout", NULL));
  g_assert_no_error (error);
  g_assert_no_errno (close (c[1]));

  got_a = cam_test_read_to_eof (a[0]);
  got_b = cam_test_read_to_eof (b[0]);
  got_c = cam_test_read_to_eof (c[0]);
  got_out = cam_test_read_to_eof (o[0]);
  g_assert_cmpstr (got_a, ==, "to-a");
  g_assert_cmpstr (got_b, ==, "to-b");
  g_assert_cmpstr (got_c, ==, "to-c");
  g_assert_cmpstr (got_out, ==, "to-stdout");

  cam_test_finished_wait (&finished);
  g_assert_cmpint (finished.code, ==, 0);
  cam_test_finished_unwatch (&finished);
  g_assert_no_errno (close (a[0]));
  g_assert_no_errno (close (b[0]));
  g_assert_no_errno (close (c[0]));
  g_assert_no_errno (close (o[0]));
}

static void
test_take_fd_bad_target (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  int p[2];

  cam_test_pipe (p);
  cam_process_take_fd (process, p[1], -1);
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                      "Invalid file descriptor -1");
  assert_pipe_closed (p[0]);
}

static void
test_take_fd_same_target (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  int p[2], q[2];

  cam_test_pipe (p);
  cam_test_pipe (q);
  cam_process_take_fd (process, p[1], 5);
  cam_process_take_fd (process, q[1], 5);
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                      "File descriptor 5 is given to the child twice");
  assert_pipe_closed (p[0]);
  assert_pipe_closed (q[0]);
}

/* A taken fd whose target is also in start()'s own list. */
static void
test_take_fd_same_target_as_list (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL;
  int p[2], q[2];

  cam_test_pipe (p);
  cam_test_pipe (q);
  cam_process_take_fd (process, p[1], q[1]);
  g_assert_false (cam_test_start_helper (process, &q[1], 1, &error, "exit",
                                         "0", NULL));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
  assert_pipe_closed (p[0]);
  g_assert_no_errno (close (q[0]));
  g_assert_no_errno (close (q[1]));
}

static void
test_take_fd_dispose (void)
{
  CamProcess *process = cam_process_new ();
  int p[2];

  cam_test_pipe (p);
  cam_process_take_fd (process, p[1], 3);
  g_object_unref (process);
  assert_pipe_closed (p[0]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/sandbox/take-fd", test_take_fd);
  g_test_add_func ("/process/sandbox/take-fd/swap", test_take_fd_swap);
  g_test_add_func ("/process/sandbox/take-fd/bad-target",
                   test_take_fd_bad_target);
  g_test_add_func ("/process/sandbox/take-fd/same-target",
                   test_take_fd_same_target);
  g_test_add_func ("/process/sandbox/take-fd/same-target-as-list",
                   test_take_fd_same_target_as_list);
  g_test_add_func ("/process/sandbox/take-fd/dispose", test_take_fd_dispose);

  return g_test_run ();
}
