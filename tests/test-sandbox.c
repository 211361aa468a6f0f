/* test-sandbox.c: CamProcessFlags and fd remapping
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each flag is observed from inside the child by cam-test-helper:
 * NoNewPrivs, session, fds.  Bad input must give a GError and leave no
 * child.  Issue #3.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cam-test-utils.h"

static CamProcess *
process_new_with_flags (CamProcessFlags flags)
{
  CamProcess *process = cam_process_new ();

  cam_process_set_flags (process, flags);
  return process;
}

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

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_flags_property (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  CamProcessFlags some = CAM_PROCESS_FLAGS_NO_NEW_PRIVS |
                         CAM_PROCESS_FLAGS_NEW_SESSION;
  CamProcessFlags flags = 0;
  guint notified = 0;

  g_assert_true (G_TYPE_IS_FLAGS (g_type_from_name ("CamProcessFlags")));
  g_assert_cmpint (cam_process_get_flags (process), ==,
                   CAM_PROCESS_FLAGS_NONE);

  g_signal_connect (process, "notify::flags", G_CALLBACK (count_notify),
                    &notified);
  g_object_set (process, "flags", some, NULL);
  g_object_get (process, "flags", &flags, NULL);
  g_assert_cmpint (flags, ==, some);
  g_assert_cmpint (cam_process_get_flags (process), ==, some);
  cam_process_set_flags (process, some);
  g_assert_cmpuint (notified, ==, 1);
}

static void
test_no_new_privs (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(CamProcess) plain = cam_process_new ();
  g_autofree char *own = NULL, *nnp = NULL, *inherited = NULL;

  process = process_new_with_flags (CAM_PROCESS_FLAGS_NO_NEW_PRIVS);
  nnp = cam_test_run_helper_report (process, "print-status", "NoNewPrivs",
                                    NULL);
  g_assert_cmpstr (nnp, ==, "NoNewPrivs 1\n");

  /* Without the flag the child has ours: this shows the flag did it. */
  own = g_strdup_printf ("NoNewPrivs %d\n",
                         prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  inherited = cam_test_run_helper_report (plain, "print-status", "NoNewPrivs",
                                          NULL);
  g_assert_cmpstr (inherited, ==, own);
  if (g_str_equal (own, "NoNewPrivs 1\n"))
    g_test_incomplete ("the test runs with no_new_privs already set");
}

static void
test_new_session (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(CamProcess) plain = cam_process_new ();
  g_autofree char *out = NULL, *plain_out = NULL, *own_sid = NULL;
  g_auto(GStrv) ids = NULL, plain_ids = NULL;

  process = process_new_with_flags (CAM_PROCESS_FLAGS_NEW_SESSION);
  out = cam_test_run_helper_report (process, "print-session", NULL);
  ids = g_strsplit (g_strstrip (out), " ", -1);
  g_assert_cmpstr (ids[1], ==, ids[0]);   /* sid == pid */
  g_assert_cmpstr (ids[2], ==, ids[0]);   /* pgid == pid */

  plain_out = cam_test_run_helper_report (plain, "print-session", NULL);
  plain_ids = g_strsplit (g_strstrip (plain_out), " ", -1);
  own_sid = g_strdup_printf ("%d", (int) getsid (0));
  g_assert_cmpstr (plain_ids[1], ==, own_sid);
}

/* Forks a middle process that starts a sleeping helper with @flags,
 * sends us its pid once it runs, then waits to be killed.  The helper
 * holds the only write end of a pipe at fd 3: the returned read end sees
 * EOF once the helper is gone.  (No pidfd here: valgrind 3.19 has neither
 * pidfd_open() nor pidfd_send_signal().) */
static int
spawn_grandchild (CamProcessFlags  flags,
                  pid_t           *ret_middle,
                  pid_t           *ret_pid)
{
  pid_t middle, pid = 0;
  int p[2], alive[2];

  cam_test_pipe (p);
  cam_test_pipe (alive);
  middle = fork ();
  g_assert_no_errno (middle);
  if (middle == 0)
    {
      g_autoptr(CamProcess) process = process_new_with_flags (flags);
      g_autofree char *ready = NULL, *ready_arg = NULL;
      int r[2];

      close (alive[0]);
      if (pipe2 (r, O_CLOEXEC) < 0)
        _exit (1);
      cam_process_take_fd (process, alive[1], 3);
      ready_arg = g_strdup_printf ("%d", r[1]);
      if (!cam_test_start_helper (process, &r[1], 1, NULL, "sleep", ready_arg,
                                  NULL))
        _exit (1);
      ready = cam_test_read_line (r[0]);
      pid = cam_process_get_pid (process);
      if (write (p[1], &pid, sizeof pid) != sizeof pid)
        _exit (1);
      for (;;)
        pause ();
    }

  g_assert_no_errno (close (alive[1]));
  g_assert_no_errno (close (p[1]));
  g_assert_cmpint (read (p[0], &pid, sizeof pid), ==, sizeof pid);
  g_assert_no_errno (close (p[0]));
  *ret_middle = middle;
  *ret_pid = pid;
  return alive[0];
}

/* Whether the write end of @alive_fd's pipe is closed within @timeout_ms. */
static gboolean
pipe_closes_within (int alive_fd,
                    int timeout_ms)
{
  struct pollfd pfd = { .fd = alive_fd, .events = POLLIN };

  return poll (&pfd, 1, timeout_ms) == 1;
}

static void
kill_middle (pid_t middle)
{
  int status;

  g_assert_no_errno (kill (middle, SIGKILL));
  g_assert_cmpint (waitpid (middle, &status, 0), ==, middle);
  g_assert_true (WIFSIGNALED (status));
}

static void
check_die_with_parent (CamProcessFlags flags)
{
  gboolean gone;
  pid_t middle, pid;
  int alive;

  /* Control: without the flag the grandchild outlives its parent. */
  alive = spawn_grandchild (flags, &middle, &pid);
  kill_middle (middle);
  gone = pipe_closes_within (alive, 200);
  if (!gone)
    g_assert_no_errno (kill (pid, SIGKILL));
  g_assert_true (pipe_closes_within (alive, CAM_TEST_TIMEOUT_MS));
  g_assert_no_errno (close (alive));
  g_assert_false (gone);

  alive = spawn_grandchild (flags | CAM_PROCESS_FLAGS_DIE_WITH_PARENT,
                            &middle, &pid);
  kill_middle (middle);
  gone = pipe_closes_within (alive, CAM_TEST_TIMEOUT_MS);
  if (!gone)
    kill (pid, SIGKILL);
  g_assert_no_errno (close (alive));
  g_assert_true (gone);
}

static void
test_die_with_parent (void)
{
  if (!cam_test_in_subprocess ())
    return;
  check_die_with_parent (CAM_PROCESS_FLAGS_NONE);
}

static gboolean
lists_fd (const char *list,
          int         fd)
{
  g_auto(GStrv) numbers = g_strsplit (g_strstrip ((char *) list), " ", -1);
  g_autofree char *name = g_strdup_printf ("%d", fd);

  return g_strv_contains ((const char * const *) numbers, name);
}

static void
test_inherit_fds (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(CamProcess) plain = cam_process_new ();
  g_autofree char *with = NULL, *without = NULL;
  int open_fd, cloexec_fd;

  if (!cam_test_in_subprocess ())
    return;

  open_fd = open ("/dev/null", O_RDONLY);
  g_assert_no_errno (open_fd);
  cloexec_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  g_assert_no_errno (cloexec_fd);

  process = process_new_with_flags (CAM_PROCESS_FLAGS_INHERIT_FDS);
  with = cam_test_run_helper_report (process, "list-fds", NULL);
  g_assert_true (lists_fd (with, open_fd));
  g_assert_false (lists_fd (with, cloexec_fd));

  without = cam_test_run_helper_report (plain, "list-fds", NULL);
  g_assert_false (lists_fd (without, open_fd));
  g_assert_false (lists_fd (without, cloexec_fd));
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

  g_test_add_func ("/process/sandbox/flags-property", test_flags_property);
  g_test_add_func ("/process/sandbox/no-new-privs", test_no_new_privs);
  g_test_add_func ("/process/sandbox/new-session", test_new_session);
  g_test_add_func ("/process/sandbox/die-with-parent", test_die_with_parent);
  g_test_add_func ("/process/sandbox/inherit-fds", test_inherit_fds);
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
