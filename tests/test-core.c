/* test-core.c: spawning, exit status, fds, signals and reaping of CamProcess
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <camprocess/camprocess.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cam-test-seccomp.h"
#include "cam-test-utils.h"

/* Long enough for a wrong second emission of "finished" to get dispatched. */
#define SETTLE_MS 100

/* A path whose directory does not exist, so that execve() fails with ENOENT. */
#define MISSING_PATH "/nonexistent-cam-test/missing-binary"

static void
assert_no_children (void)
{
  g_autofree char *children = cam_test_list_children ();

  g_assert_cmpstr (children, ==, "");
}

/* What `cam-test-helper list-fds` should report when it inherits @passed:
 * those fds plus whichever of 0, 1 and 2 are open here. */
static char *
expected_child_fds (const int *passed,
                    gsize      n_passed)
{
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *list = NULL;

  for (int fd = 0; fd <= 2; fd++)
    {
      if (fcntl (fd, F_GETFD) >= 0)
        g_array_append_val (fds, fd);
    }
  g_array_append_vals (fds, passed, n_passed);
  list = cam_test_format_numbers (fds);

  return g_strconcat (list, "\n", NULL);
}

/* Checks that a failed start() left nothing behind: no process, no child,
 * no fd, no "finished". */
static void
assert_start_left_nothing (CamProcess      *process,
                           CamTestFinished *finished,
                           const char      *fds_before)
{
  g_autofree char *fds_after = NULL;

  g_assert_false (cam_process_get_running (process));
  assert_no_children ();

  cam_test_iterate_for (SETTLE_MS);
  g_assert_cmpuint (finished->n_finished, ==, 0);

  fds_after = cam_test_list_fds ();
  g_assert_cmpstr (fds_after, ==, fds_before);
}

static void
test_exit_code (void)
{
  static const int codes[] = { 0, 1, 42, 255 };

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr(CamProcess) process = cam_process_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *code_arg = g_strdup_printf ("%d", codes[i]);
      CamTestFinished finished;
      gboolean ok;

      g_test_message ("exit %d", codes[i]);
      cam_test_finished_watch (&finished, process);

      ok = cam_test_start_helper (process, NULL, 0, &error, "exit", code_arg, NULL);
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_true (cam_process_get_running (process));
      g_assert_cmpint (cam_process_get_pid (process), >, 0);
      g_assert_cmpint (cam_process_get_pidfd (process), >=, 0);
      g_assert_cmpint (cam_process_get_exit_status (process), ==,
                       CAM_PROCESS_EXIT_STATUS_NOT_EXITED);

      cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                     codes[i]);
      /* Handlers see the final state. */
      g_assert_false (finished.running);

      g_assert_false (cam_process_get_running (process));
      cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                            codes[i]);
      assert_no_children ();

      cam_test_finished_unwatch (&finished);
    }
}

static void
test_argv (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out_fd_arg = NULL;
  g_autofree char *report = NULL;
  g_autofree char *expected = NULL;
  CamTestFinished finished;
  int pipe_fds[2];
  gboolean ok;

  cam_test_pipe (pipe_fds);
  out_fd_arg = g_strdup_printf ("%d", pipe_fds[1]);

  {
    /* argv[0] need not be the path, and arguments go through untouched. */
    const char * const argv[] = {
      "custom-argv0", "print-args", out_fd_arg, "two words", "", "ünïcödé", NULL
    };

    cam_test_finished_watch (&finished, process);
    ok = cam_process_start (process, cam_test_helper_path (), argv, &pipe_fds[1], 1, &error);
    g_assert_no_error (error);
    g_assert_true (ok);
  }
  g_assert_no_errno (close (pipe_fds[1]));

  report = cam_test_read_to_eof (pipe_fds[0]);
  g_assert_no_errno (close (pipe_fds[0]));
  expected = g_strdup_printf ("custom-argv0\nprint-args\n%s\ntwo words\n\nünïcödé\n", out_fd_arg);
  g_assert_cmpstr (report, ==, expected);

  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 0);
  cam_test_finished_unwatch (&finished);
}

static void
test_argv_null (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  gboolean ok;

  g_test_summary ("A NULL argv runs the program with argv = { path, NULL }; "
                  "the helper exits with its usage status when it gets no mode.");

  cam_test_finished_watch (&finished, process);
  ok = cam_process_start (process, cam_test_helper_path (), NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 CAM_TEST_HELPER_EXIT_USAGE);
  cam_test_finished_unwatch (&finished);
}

static void
test_kill (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  CamTestFinished finished;

  g_test_summary ("cam_process_kill() sends SIGKILL, which a child that "
                  "ignores SIGTERM cannot ignore; killing again is harmless.");

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "ignore-term");

  cam_process_kill (process);
  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT,
                                 SIGKILL);
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT, SIGKILL);
  assert_no_children ();

  cam_process_kill (process);
  cam_test_iterate_for (SETTLE_MS);
  g_assert_cmpuint (finished.n_finished, ==, 1);

  cam_test_finished_unwatch (&finished);
}

static void
test_send_signal (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  gboolean ok;

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");

  ok = cam_process_send_signal (process, SIGTERM, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT,
                                 SIGTERM);
  assert_no_children ();

  cam_test_finished_unwatch (&finished);
}

static void
test_send_signal_invalid (void)
{
  static const int bad_signals[] = { -1, 65, INT_MAX };
  g_autoptr(CamProcess) process = cam_process_new ();
  CamTestFinished finished;

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");

  for (gsize i = 0; i < G_N_ELEMENTS (bad_signals); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("signal %d", bad_signals[i]);
      ok = cam_process_send_signal (process, bad_signals[i], &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_false (ok);
    }

  g_assert_true (cam_process_get_running (process));
  g_assert_cmpuint (finished.n_finished, ==, 0);

  cam_process_kill (process);
  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT,
                                 SIGKILL);

  cam_test_finished_unwatch (&finished);
}

static void
assert_send_signal_fails (CamProcess *process)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = cam_process_send_signal (process, SIGTERM, &error);
  g_assert_nonnull (error);
  g_assert_cmpuint (error->domain, ==, G_IO_ERROR);
  g_assert_false (ok);
}

static void
test_send_signal_not_running (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  gboolean ok;

  g_test_summary ("Signalling a process that was never started, or that has "
                  "finished, is a GError.");

  assert_send_signal_fails (process);

  cam_test_finished_watch (&finished, process);
  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "0", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);
  cam_test_finished_wait (&finished);

  assert_send_signal_fails (process);
  cam_test_finished_unwatch (&finished);
}

static void
test_exec_not_found (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fds_before = NULL;
  CamTestFinished finished;
  gboolean ok;

  g_test_summary ("An exec failure is a GError from start(), and the failed "
                  "child is reaped before start() returns.");

  cam_test_warm_up ();
  fds_before = cam_test_list_fds ();

  cam_test_finished_watch (&finished, process);
  ok = cam_process_start (process, MISSING_PATH, NULL, NULL, 0, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_false (ok);

  assert_start_left_nothing (process, &finished, fds_before);
  cam_test_finished_unwatch (&finished);
}

/* Run by the fallback table with waitid(P_PIDFD) blocked, as on Linux 5.2
 * and 5.3, which give a pidfd but cannot wait on it. */
static void
test_no_waitid_pidfd (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fds_before = NULL;
  CamTestFinished finished;
  gboolean ok;

  /* No warm-up spawn here: the default context's wakeup fd is made now. */
  g_main_context_default ();
  fds_before = cam_test_list_fds ();

  cam_test_finished_watch (&finished, process);
  ok = cam_process_start (process, "/bin/true", NULL, NULL, 0, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_false (ok);

  assert_start_left_nothing (process, &finished, fds_before);
  cam_test_finished_unwatch (&finished);
}

static void
test_exec_permission_denied (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *fds_before = NULL;
  CamTestFinished finished;
  gboolean ok;

  /* Even root cannot execute a file without any x bit. */
  tmpdir = g_dir_make_tmp ("cam-test-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (tmpdir, "not-executable", NULL);
  g_file_set_contents (path, "#!/bin/sh\nexit 0\n", -1, &error);
  g_assert_no_error (error);
  g_assert_no_errno (g_chmod (path, 0644));

  cam_test_warm_up ();
  fds_before = cam_test_list_fds ();

  cam_test_finished_watch (&finished, process);
  ok = cam_process_start (process, path, NULL, NULL, 0, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_false (ok);

  assert_start_left_nothing (process, &finished, fds_before);
  cam_test_finished_unwatch (&finished);

  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (g_rmdir (tmpdir));
}

static void
test_fds (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out_fd_arg = NULL;
  g_autofree char *report = NULL;
  g_autofree char *expected = NULL;
  CamTestFinished finished;
  int pipe_fds[2];
  int cloexec_passed, plain_passed, high_passed;
  int plain_kept, high_plain_kept, cloexec_kept;
  gboolean ok;

  g_test_summary ("The listed fds are open in the child at the same numbers, "
                  "FD_CLOEXEC or not; every other fd but 0, 1 and 2 is closed, "
                  "FD_CLOEXEC or not; the parent's fd flags are left alone.");

  cam_test_pipe (pipe_fds);
  out_fd_arg = g_strdup_printf ("%d", pipe_fds[1]);

  cloexec_passed = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  g_assert_no_errno (cloexec_passed);
  plain_passed = open ("/dev/null", O_RDONLY);
  g_assert_no_errno (plain_passed);
  high_passed = fcntl (cloexec_passed, F_DUPFD_CLOEXEC, 200);
  g_assert_no_errno (high_passed);

  plain_kept = open ("/dev/null", O_RDONLY);
  g_assert_no_errno (plain_kept);
  high_plain_kept = fcntl (plain_kept, F_DUPFD, 100);
  g_assert_no_errno (high_plain_kept);
  cloexec_kept = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  g_assert_no_errno (cloexec_kept);

  {
    const int passed[] = { pipe_fds[1], cloexec_passed, plain_passed, high_passed };

    cam_test_finished_watch (&finished, process);
    ok = cam_test_start_helper (process, passed, G_N_ELEMENTS (passed), &error,
                                "list-fds", out_fd_arg, NULL);
    g_assert_no_error (error);
    g_assert_true (ok);

    expected = expected_child_fds (passed, G_N_ELEMENTS (passed));
  }

  g_assert_cmpint (fcntl (cloexec_passed, F_GETFD), ==, FD_CLOEXEC);
  g_assert_cmpint (fcntl (plain_passed, F_GETFD), ==, 0);
  g_assert_cmpint (fcntl (high_passed, F_GETFD), ==, FD_CLOEXEC);
  g_assert_cmpint (fcntl (pipe_fds[1], F_GETFD), ==, FD_CLOEXEC);

  g_assert_no_errno (close (pipe_fds[1]));
  report = cam_test_read_to_eof (pipe_fds[0]);
  g_assert_cmpstr (report, ==, expected);

  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 0);
  cam_test_finished_unwatch (&finished);

  g_assert_no_errno (close (pipe_fds[0]));
  g_assert_no_errno (close (cloexec_passed));
  g_assert_no_errno (close (plain_passed));
  g_assert_no_errno (close (high_passed));
  g_assert_no_errno (close (plain_kept));
  g_assert_no_errno (close (high_plain_kept));
  g_assert_no_errno (close (cloexec_kept));
}

static void
test_fds_data (void)
{
  static const char message[] = "through the inherited fds\n";
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *in_fd_arg = NULL;
  g_autofree char *out_fd_arg = NULL;
  g_autofree char *report = NULL;
  CamTestFinished finished;
  int in_pipe[2], out_pipe[2];
  gboolean ok;

  g_test_summary ("An inherited fd is the parent's open file, not just a "
                  "number: data flows through two pipes and the helper's cat.");

  cam_test_pipe (in_pipe);
  cam_test_pipe (out_pipe);
  in_fd_arg = g_strdup_printf ("%d", in_pipe[0]);
  out_fd_arg = g_strdup_printf ("%d", out_pipe[1]);

  {
    const int passed[] = { in_pipe[0], out_pipe[1] };

    cam_test_finished_watch (&finished, process);
    ok = cam_test_start_helper (process, passed, G_N_ELEMENTS (passed), &error,
                                "cat", in_fd_arg, out_fd_arg, NULL);
    g_assert_no_error (error);
    g_assert_true (ok);
  }
  g_assert_no_errno (close (in_pipe[0]));
  g_assert_no_errno (close (out_pipe[1]));

  g_assert_cmpint (write (in_pipe[1], message, strlen (message)), ==, (gssize) strlen (message));
  g_assert_no_errno (close (in_pipe[1]));

  report = cam_test_read_to_eof (out_pipe[0]);
  g_assert_no_errno (close (out_pipe[0]));
  g_assert_cmpstr (report, ==, message);

  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 0);
  cam_test_finished_unwatch (&finished);
}

static void
test_fds_invalid (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fds_before = NULL;
  CamTestFinished finished;
  int open_fd, closed_fd;
  gboolean ok;

  open_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  g_assert_no_errno (open_fd);
  closed_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  g_assert_no_errno (closed_fd);
  g_assert_no_errno (close (closed_fd));
  /* The default /dev/null of stdin would be opened at closed_fd. */
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_INHERIT);

  cam_test_warm_up ();
  fds_before = cam_test_list_fds ();
  cam_test_finished_watch (&finished, process);

  {
    const struct
    {
      const char *what;
      int         fds[2];
      gsize       n_fds;
    } cases[] = {
      { "negative", { -1 }, 1 },
      { "not open", { closed_fd }, 1 },
      { "listed twice", { open_fd, open_fd }, 2 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_test_message ("fd list: %s", cases[i].what);
        ok = cam_test_start_helper (process, cases[i].fds, cases[i].n_fds, &error,
                                    "exit", "0", NULL);
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
        g_assert_false (ok);
        g_clear_error (&error);

        assert_start_left_nothing (process, &finished, fds_before);
      }
  }

  /* The failures left the object usable. */
  ok = cam_test_start_helper (process, &open_fd, 1, &error, "exit", "3", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);
  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 3);

  cam_test_finished_unwatch (&finished);
  g_assert_no_errno (close (open_fd));
}

static void
test_start_pending (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  gboolean ok;
  int pid;

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");
  pid = cam_process_get_pid (process);

  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "0", NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_false (ok);

  /* Still tracking the first child. */
  g_assert_true (cam_process_get_running (process));
  g_assert_cmpint (cam_process_get_pid (process), ==, pid);
  {
    g_autofree char *children = cam_test_list_children ();
    g_autofree char *expected = g_strdup_printf ("%d", pid);

    g_assert_cmpstr (children, ==, expected);
  }

  cam_process_kill (process);
  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT,
                                 SIGKILL);

  cam_test_iterate_for (SETTLE_MS);
  g_assert_cmpuint (finished.n_finished, ==, 1);
  assert_no_children ();

  cam_test_finished_unwatch (&finished);
}

typedef struct {
  CamProcess *process;
  gint       *go;
  gboolean    ok;
  GError     *error;
} Starter;

static gpointer
starter_thread (gpointer data)
{
  Starter *starter = data;

  while (!g_atomic_int_get (starter->go))
    g_thread_yield ();
  starter->ok = cam_test_start_helper (starter->process, NULL, 0,
                                       &starter->error, "exit", "0", NULL);
  return NULL;
}

/* Two threads start one object at once: exactly one wins, the other gets
 * G_IO_ERROR_PENDING, and no pidfd or child is lost. */
static void
test_start_concurrent (void)
{
  g_autofree char *fds_before = NULL;
  g_autofree char *fds_after = NULL;

  if (!cam_test_in_subprocess ())
    return;

  for (guint round = 0; round < 50; round++)
    {
      g_autoptr(CamProcess) process = cam_process_new ();
      g_autoptr(GError) error = NULL;
      gint go = 0;
      Starter starters[2] = { { process, &go }, { process, &go } };
      GThread *threads[2];
      guint n_ok = 0;

      for (guint i = 0; i < 2; i++)
        threads[i] = g_thread_new ("starter", starter_thread, &starters[i]);
      g_atomic_int_set (&go, 1);
      for (guint i = 0; i < 2; i++)
        {
          g_thread_join (threads[i]);
          if (starters[i].ok)
            {
              g_assert_no_error (starters[i].error);
              n_ok++;
            }
          else
            {
              g_assert_error (starters[i].error, G_IO_ERROR,
                              G_IO_ERROR_PENDING);
              g_clear_error (&starters[i].error);
            }
        }
      g_assert_cmpuint (n_ok, ==, 1);

      g_assert_true (cam_process_wait (process, NULL, &error));
      g_assert_no_error (error);
      cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 0);
      assert_no_children ();

      /* GLib opens an eventfd of its own on first use from threads. */
      if (round == 0)
        fds_before = cam_test_list_fds ();
    }
  fds_after = cam_test_list_fds ();
  g_assert_cmpstr (fds_after, ==, fds_before);
}

static void
test_restart (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  CamTestFinished finished;

  cam_test_finished_watch (&finished, process);

  for (int i = 1; i <= 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code_arg = g_strdup_printf ("%d", i);
      gboolean ok;

      ok = cam_test_start_helper (process, NULL, 0, &error, "exit", code_arg, NULL);
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_true (cam_process_get_running (process));
      g_assert_cmpint (cam_process_get_exit_status (process), ==,
                       CAM_PROCESS_EXIT_STATUS_NOT_EXITED);

      cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                     i);
      g_assert_cmpint (cam_process_get_exit_code (process), ==, i);
    }

  cam_test_iterate_for (SETTLE_MS);
  g_assert_cmpuint (finished.n_finished, ==, 3);
  assert_no_children ();

  cam_test_finished_unwatch (&finished);
}

/* A "finished" handler that starts `exit 2` after the child that exited
 * with 1. */
static void
restart_on_finished (CamProcess           *process,
                     CamProcessExitStatus  status,
                     int                   code,
                     gpointer              user_data)
{
  g_autoptr(GError) error = NULL;
  guint *n_restarts = user_data;
  gboolean ok;

  if (code != 1)
    return;

  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "2", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);
  (*n_restarts)++;
}

static void
test_restart_from_handler (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  guint n_restarts = 0;
  gboolean ok;

  g_test_summary ("A \"finished\" handler may start the process again.");

  cam_test_finished_watch (&finished, process);
  g_signal_connect (process, "finished", G_CALLBACK (restart_on_finished), &n_restarts);

  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "1", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);

  cam_test_finished_wait (&finished);
  g_assert_cmpint (finished.code, ==, 1);
  g_assert_false (finished.running);
  g_assert_cmpuint (n_restarts, ==, 1);
  g_assert_true (cam_process_get_running (process));

  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 2);

  cam_test_iterate_for (SETTLE_MS);
  g_assert_cmpuint (finished.n_finished, ==, 2);
  g_assert_false (cam_process_get_running (process));
  assert_no_children ();

  g_signal_handlers_disconnect_by_data (process, &n_restarts);
  cam_test_finished_unwatch (&finished);
}

static void
test_finished_once (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  gboolean ok;

  g_test_summary ("\"finished\" is emitted once, from a source of the context "
                  "that was thread-default at start() (here the global default).");

  cam_test_finished_watch (&finished, process);
  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "0", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);

  cam_test_finished_wait (&finished);
  cam_test_iterate_for (SETTLE_MS);
  g_assert_cmpuint (finished.n_finished, ==, 1);
  g_assert_true (finished.thread == g_thread_self ());
  g_assert_true (finished.context == g_main_context_default ());

  cam_test_finished_unwatch (&finished);
}

typedef struct
{
  /* in */
  int           exit_code;
  GMutex       *mutex;
  GCond        *cond;
  guint        *n_started;
  /* out */
  GThread      *thread;
  GMainContext *context;
  guint         n_finished;
  CamProcessExitStatus status;
  int           code;
  GThread      *finished_thread;
  GMainContext *finished_context;
} ThreadCase;

static gpointer
spawn_in_thread (gpointer data)
{
  ThreadCase *tc = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *code_arg = g_strdup_printf ("%d", tc->exit_code);
  CamTestFinished finished;
  gboolean ok;

  tc->thread = g_thread_self ();
  tc->context = g_main_context_new ();
  g_main_context_push_thread_default (tc->context);

  process = cam_process_new ();
  cam_test_finished_watch (&finished, process);
  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", code_arg, NULL);
  g_assert_no_error (error);
  g_assert_true (ok);

  /* Both children run before either thread iterates its context. */
  g_mutex_lock (tc->mutex);
  (*tc->n_started)++;
  g_cond_broadcast (tc->cond);
  while (*tc->n_started < 2)
    g_cond_wait (tc->cond, tc->mutex);
  g_mutex_unlock (tc->mutex);

  cam_test_finished_wait (&finished);
  cam_test_iterate_for (SETTLE_MS);

  tc->n_finished = finished.n_finished;
  tc->status = finished.status;
  tc->code = finished.code;
  tc->finished_thread = finished.thread;
  tc->finished_context = finished.context;

  cam_test_finished_unwatch (&finished);
  g_clear_object (&process);
  g_main_context_pop_thread_default (tc->context);

  return NULL;
}

static void
test_thread_default_context (void)
{
  GMutex mutex;
  GCond cond;
  guint n_started = 0;
  ThreadCase cases[2] = {
    { .exit_code = 11, .mutex = &mutex, .cond = &cond, .n_started = &n_started },
    { .exit_code = 22, .mutex = &mutex, .cond = &cond, .n_started = &n_started },
  };
  GThread *threads[2];

  g_test_summary ("Two threads, each with its own thread-default context, "
                  "each get their own \"finished\" in their own thread and context.");

  g_mutex_init (&mutex);
  g_cond_init (&cond);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    threads[i] = g_thread_new ("cam-test-spawner", spawn_in_thread, &cases[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_thread_join (threads[i]);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ThreadCase *tc = &cases[i];

      g_assert_cmpuint (tc->n_finished, ==, 1);
      g_assert_cmpint (tc->status, ==, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT);
      g_assert_cmpint (tc->code, ==, tc->exit_code);
      g_assert_true (tc->finished_thread == tc->thread);
      g_assert_true (tc->finished_context == tc->context);
      g_assert_false (tc->context == g_main_context_default ());
    }
  g_assert_false (cases[0].context == cases[1].context);
  assert_no_children ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_main_context_unref (cases[i].context);
  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
}

typedef struct
{
  GString *running;      /* '1' or '0' per notify::running */
  guint    n_pid;
  guint    n_exit_status;
  guint    n_exit_code;
} NotifyLog;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  CamProcess *process = CAM_PROCESS (object);
  NotifyLog *log = user_data;

  if (g_str_equal (pspec->name, "running"))
    g_string_append_c (log->running, cam_process_get_running (process) ? '1' : '0');
  else if (g_str_equal (pspec->name, "pid"))
    log->n_pid++;
  else if (g_str_equal (pspec->name, "exit-status"))
    log->n_exit_status++;
  else if (g_str_equal (pspec->name, "exit-code"))
    log->n_exit_code++;
}

static void
test_notify (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  NotifyLog log = { .running = g_string_new (NULL) };
  CamTestFinished finished;
  CamProcessExitStatus status;
  gboolean running;
  int code, pid;
  gboolean ok;

  g_signal_connect (process, "notify", G_CALLBACK (on_notify), &log);
  cam_test_finished_watch (&finished, process);

  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "42", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpstr (log.running->str, ==, "1");
  g_assert_cmpuint (log.n_pid, >=, 1);

  g_object_get (process, "pid", &pid, "running", &running, NULL);
  g_assert_cmpint (pid, ==, cam_process_get_pid (process));
  g_assert_true (running);

  cam_test_finished_wait (&finished);
  g_assert_cmpstr (log.running->str, ==, "10");
  g_assert_cmpuint (log.n_exit_status, >=, 1);
  g_assert_cmpuint (log.n_exit_code, >=, 1);

  g_object_get (process,
                "running", &running,
                "exit-status", &status,
                "exit-code", &code,
                NULL);
  g_assert_false (running);
  g_assert_cmpint (status, ==, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT);
  g_assert_cmpint (code, ==, 42);

  cam_test_finished_unwatch (&finished);
  g_signal_handlers_disconnect_by_data (process, &log);
  g_string_free (log.running, TRUE);
}

/* Starts `exit 42` and reaps it with waitpid (-1) before the library can,
 * as a SIGCHLD handler elsewhere in the program would. */
static void
start_and_reap_behind_the_back (CamProcess      *process,
                                CamTestFinished *finished)
{
  g_autoptr(GError) error = NULL;
  int wstatus = 0;
  gboolean ok;
  pid_t pid;

  cam_test_finished_watch (finished, process);
  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "42", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);
  pid = cam_process_get_pid (process);

  g_assert_cmpint (waitpid (-1, &wstatus, 0), ==, pid);
  g_assert_true (WIFEXITED (wstatus));
  g_assert_cmpint (WEXITSTATUS (wstatus), ==, 42);
  assert_no_children ();
}

/* "notify::running" and the like, the usual idiom (g_object_bind_property()
 * connects that way too), fire although nobody listens to plain "notify". */
static void
test_notify_detailed (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GObject) target = NULL;
  g_autoptr(GError) error = NULL;
  NotifyLog log = { .running = g_string_new (NULL) };
  CamTestFinished finished;
  gboolean bound = FALSE;

  g_signal_connect (process, "notify::running", G_CALLBACK (on_notify), &log);
  g_signal_connect (process, "notify::exit-code", G_CALLBACK (on_notify), &log);

  /* A binding onto the "running" property of another CamProcess would be
   * read-only; bind "running" to a GSimpleAction's "enabled" instead. */
  target = G_OBJECT (g_simple_action_new ("cam-test", NULL));
  g_object_set (target, "enabled", FALSE, NULL);
  g_object_bind_property (process, "running", target, "enabled",
                          G_BINDING_DEFAULT);

  cam_test_finished_watch (&finished, process);
  cam_test_start_helper (process, NULL, 0, &error, "exit", "3", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (log.running->str, ==, "1");
  g_object_get (target, "enabled", &bound, NULL);
  g_assert_true (bound);

  cam_test_finished_wait (&finished);
  g_assert_cmpstr (log.running->str, ==, "10");
  g_assert_cmpuint (log.n_exit_code, >=, 1);
  g_assert_cmpuint (log.n_pid, ==, 0);   /* not connected */
  g_object_get (target, "enabled", &bound, NULL);
  g_assert_false (bound);

  cam_test_finished_unwatch (&finished);
  g_signal_handlers_disconnect_by_data (process, &log);
  g_string_free (log.running, TRUE);
}

/* Every value of every enum and flags type has its own name and nick:
 * glib-mkenums once read a multi-line value as another member. */
static void
test_enum_values_unique (void)
{
  GType types[] = {
    CAM_TYPE_PROCESS_FLAGS,
    CAM_TYPE_PROCESS_STDIO_FLAGS,
    CAM_TYPE_PROCESS_EXIT_STATUS,
    CAM_TYPE_PROCESS_ERROR,
  };

  for (gsize t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GTypeClass) klass = g_type_class_ref (types[t]);
      g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GHashTable) nicks = g_hash_table_new (g_str_hash, g_str_equal);
      guint n_values;

      if (G_IS_FLAGS_CLASS (klass))
        {
          GFlagsClass *flags = G_FLAGS_CLASS (klass);

          n_values = flags->n_values;
          for (guint i = 0; i < n_values; i++)
            {
              g_test_message ("%s: %s", g_type_name (types[t]),
                              flags->values[i].value_name);
              g_assert_true (g_hash_table_add (names, (gpointer) flags->values[i].value_name));
              g_assert_true (g_hash_table_add (nicks, (gpointer) flags->values[i].value_nick));
            }
        }
      else
        {
          GEnumClass *enums = G_ENUM_CLASS (klass);

          n_values = enums->n_values;
          for (guint i = 0; i < n_values; i++)
            {
              g_assert_true (g_hash_table_add (names, (gpointer) enums->values[i].value_name));
              g_assert_true (g_hash_table_add (nicks, (gpointer) enums->values[i].value_nick));
            }
        }
      g_assert_cmpuint (n_values, >, 1);
    }

  /* The composite flag keeps its value (test-sandbox checks what it
   * holds). */
  {
    g_autoptr(GFlagsClass) flags = g_type_class_ref (CAM_TYPE_PROCESS_FLAGS);
    GFlagsValue *sandbox = g_flags_get_value_by_nick (flags, "sandbox");

    g_assert_nonnull (sandbox);
    g_assert_cmpuint (sandbox->value, ==, CAM_PROCESS_FLAGS_SANDBOX);
  }
}

static void
test_foreign_reaper (void)
{
  g_autoptr(CamProcess) process = NULL;
  CamTestFinished finished;

  g_test_summary ("A child reaped by someone else still reports its true "
                  "status, which the kernel keeps for the pidfd.");

  if (!g_test_subprocess () && !cam_test_have_pidfd_info_exit ())
    {
      g_test_skip ("The kernel has no PIDFD_GET_INFO with PIDFD_INFO_EXIT (Linux 6.15)");
      return;
    }
  /* waitpid (-1) must not find children of other tests. */
  if (!cam_test_in_subprocess ())
    return;

  process = cam_process_new ();
  start_and_reap_behind_the_back (process, &finished);

  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 42);
  g_assert_false (cam_process_get_running (process));

  cam_test_iterate_for (SETTLE_MS);
  g_assert_cmpuint (finished.n_finished, ==, 1);
  cam_test_finished_unwatch (&finished);
}

static gpointer
foreign_reaper_thread (gpointer data)
{
  gint *stop = data;

  while (!g_atomic_int_get (stop))
    {
      if (waitpid (-1, NULL, __WALL) < 0 && errno == ECHILD)
        g_thread_yield ();
    }
  return NULL;
}

/* A waitpid (-1) loop in another thread races every reap.  Where the
 * kernel keeps the status for the pidfd, each exit must still come back
 * true, never UNKNOWN: waitid() may fail with ECHILD before the kernel has
 * filled in PIDFD_INFO_EXIT.  The window is narrow (3 of ~12,600 exits):
 * set CAM_TEST_RACE_ROUNDS to 30000 or so for a count that hits it
 * reliably. */
static void
test_foreign_reaper_race (void)
{
  const char *rounds = g_getenv ("CAM_TEST_RACE_ROUNDS");
  guint n_rounds = rounds != NULL ? (guint) g_ascii_strtoull (rounds, NULL, 10)
                                  : 1000;
  gint stop = 0;
  GThread *thread;
  guint n_unknown = 0;

  if (!g_test_subprocess () && !cam_test_have_pidfd_info_exit ())
    {
      g_test_skip ("The kernel has no PIDFD_GET_INFO with PIDFD_INFO_EXIT (Linux 6.15)");
      return;
    }
  /* waitpid (-1) must not find children of other tests.  (The path is not
   * under /process/core/foreign-reaper/, whose subprocess would run it
   * after the no-pidfd-info case installed its filter.) */
  if (!cam_test_in_subprocess ())
    return;

  thread = g_thread_new ("foreign-reaper", foreign_reaper_thread, &stop);
  for (guint i = 0; i < n_rounds; i++)
    {
      g_autoptr(CamProcess) process = cam_process_new ();
      g_autoptr(GError) error = NULL;

      cam_test_start_helper (process, NULL, 0, &error, "exit", "42", NULL);
      g_assert_no_error (error);
      g_assert_true (cam_process_wait (process, NULL, &error));
      g_assert_no_error (error);
      if (cam_process_get_exit_status (process) == CAM_PROCESS_EXIT_STATUS_UNKNOWN)
        n_unknown++;
      else
        cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 42);
    }
  g_atomic_int_set (&stop, 1);
  g_thread_join (thread);

  g_test_message ("%u of %u exits UNKNOWN", n_unknown, n_rounds);
  g_assert_cmpuint (n_unknown, ==, 0);
}

static void
test_foreign_reaper_no_info (void)
{
  g_autoptr(CamProcess) process = NULL;
  CamTestFinished finished;
  int r;

  g_test_summary ("Without PIDFD_GET_INFO, a child reaped by someone else "
                  "reports UNKNOWN and -1, once, without hanging.");

  if (cam_test_skip_unless_seccomp ())
    return;
  if (!cam_test_in_subprocess ())
    return;

  g_assert_no_errno (cam_test_seccomp_fail_ioctl (CAM_TEST_PIDFD_GET_INFO_TYPE_NR, ENOTTY));
  /* The filter answers before the kernel would see the bad fd (EBADF). */
  r = ioctl (-1, _IOWR (0xFF, 11, char[64]), NULL);
  g_assert_cmpint (r, ==, -1);
  g_assert_cmpint (errno, ==, ENOTTY);

  process = cam_process_new ();
  start_and_reap_behind_the_back (process, &finished);

  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_UNKNOWN,
                                 -1);
  g_assert_false (cam_process_get_running (process));
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_UNKNOWN, -1);

  cam_test_iterate_for (SETTLE_MS);
  g_assert_cmpuint (finished.n_finished, ==, 1);
  cam_test_finished_unwatch (&finished);
}

static void
test_many_cycles (void)
{
  g_autofree char *fds_before = NULL;
  g_autofree char *fds_after = NULL;

  g_test_summary ("1000 start/finish cycles leave no zombie and no fd behind.");

  if (!cam_test_in_subprocess ())
    return;

  cam_test_warm_up ();
  fds_before = cam_test_list_fds ();

  for (int i = 0; i < 1000; i++)
    {
      g_autoptr(CamProcess) process = cam_process_new ();
      g_autoptr(GError) error = NULL;
      CamTestFinished finished;
      gboolean ok;

      cam_test_finished_watch (&finished, process);
      ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "7", NULL);
      g_assert_no_error (error);
      g_assert_true (ok);

      cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                     7);
      cam_test_finished_unwatch (&finished);
    }

  assert_no_children ();
  fds_after = cam_test_list_fds ();
  g_assert_cmpstr (fds_after, ==, fds_before);
}

static void
test_dispose_running (void)
{
  CamProcess *process;
  g_autofree char *fds_before = NULL;
  g_autofree char *fds_after = NULL;
  int pid;

  g_test_summary ("With KILL_ON_DISPOSE, dropping the last reference to a "
                  "running process kills it with SIGKILL and reaps it: no "
                  "zombie, no fd left.");

  if (!cam_test_in_subprocess ())
    return;

  cam_test_warm_up ();
  fds_before = cam_test_list_fds ();

  process = cam_process_new ();
  cam_process_set_flags (process, CAM_PROCESS_FLAGS_KILL_ON_DISPOSE);
  g_object_add_weak_pointer (G_OBJECT (process), (gpointer *) &process);
  cam_test_start_ready_helper (process, "ignore-term");
  pid = cam_process_get_pid (process);

  g_object_unref (process);
  g_assert_null (process);

  g_assert_false (cam_test_pid_exists (pid));
  assert_no_children ();
  fds_after = cam_test_list_fds ();
  g_assert_cmpstr (fds_after, ==, fds_before);

  /* Nothing left to dispatch on behalf of the dead object. */
  cam_test_iterate_for (SETTLE_MS);
}

/* Hands processes started in a thread of its own to the main thread,
 * which drops them while the thread's context may be reaping them. */
typedef struct {
  GAsyncQueue     *queue;
  gint             stop;
  gint             done;
  gint             alive;   /* processes not yet finalized */
  CamProcessFlags  flags;
} DisposeRace;

static void
dispose_race_finalized (gpointer  data,
                        GObject  *where_the_object_was)
{
  DisposeRace *race = data;

  g_atomic_int_add (&race->alive, -1);
}

static gboolean
dispose_race_spawn (gpointer user_data)
{
  DisposeRace *race = user_data;
  g_autoptr(GError) error = NULL;
  CamProcess *process;

  if (g_atomic_int_get (&race->stop))
    return G_SOURCE_CONTINUE;
  process = cam_process_new ();
  g_atomic_int_inc (&race->alive);
  g_object_weak_ref (G_OBJECT (process), dispose_race_finalized, race);
  cam_process_set_flags (process, race->flags);
  g_assert_true (cam_process_start (process, "/bin/true", NULL, NULL, 0,
                                    &error));
  g_assert_no_error (error);
  g_async_queue_push (race->queue, process);
  return G_SOURCE_CONTINUE;
}

static gpointer
dispose_race_thread (gpointer user_data)
{
  DisposeRace *race = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timer = g_timeout_source_new (1);

  g_main_context_push_thread_default (context);
  g_source_set_callback (timer, dispose_race_spawn, race, NULL);
  g_source_attach (timer, context);
  /* Once stopped, until every process is gone: without KILL_ON_DISPOSE
   * a dropped one lives until this context has reaped its child. */
  while (!g_atomic_int_get (&race->stop) || g_atomic_int_get (&race->alive) > 0)
    g_main_context_iteration (context, TRUE);
  g_atomic_int_set (&race->done, 1);
  g_source_destroy (timer);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_dispose_other_thread (gconstpointer data)
{
  DisposeRace race = { NULL, 0, 0, 0, GPOINTER_TO_UINT (data) };
  GThread *thread;
  CamProcess *process;

  g_test_summary ("Dropping the last reference in one thread while the "
                  "child's context reaps it in another neither crashes "
                  "nor leaves a zombie, with KILL_ON_DISPOSE (dispose "
                  "kills) and without (the context reaps).");

  if (!cam_test_in_subprocess ())
    return;

  race.queue = g_async_queue_new ();
  thread = g_thread_new ("dispose-race", dispose_race_thread, &race);
  for (int i = 0; i < 500; i++)
    {
      process = g_async_queue_pop (race.queue);
      g_usleep (g_random_int_range (0, 1200));
      g_object_unref (process);
    }
  g_atomic_int_set (&race.stop, 1);

  /* The thread may have started a few more before it saw @stop. */
  while (!g_atomic_int_get (&race.done))
    {
      while ((process = g_async_queue_try_pop (race.queue)) != NULL)
        g_object_unref (process);
      g_usleep (1000);
    }
  g_thread_join (thread);
  g_async_queue_unref (race.queue);

  assert_no_children ();
}

static void
test_dispose_exited (void)
{
  CamProcess *process;
  g_autoptr(GError) error = NULL;
  g_autofree char *fds_before = NULL;
  g_autofree char *fds_after = NULL;
  struct pollfd pfd = { .events = POLLIN };
  gboolean ok;
  int pid;

  g_test_summary ("With KILL_ON_DISPOSE, dropping the last reference to a "
                  "process that exited before \"finished\" was dispatched "
                  "reaps it.");

  if (!cam_test_in_subprocess ())
    return;

  cam_test_warm_up ();
  fds_before = cam_test_list_fds ();

  process = cam_process_new ();
  cam_process_set_flags (process, CAM_PROCESS_FLAGS_KILL_ON_DISPOSE);
  g_object_add_weak_pointer (G_OBJECT (process), (gpointer *) &process);
  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "0", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);
  pid = cam_process_get_pid (process);

  /* The pidfd turns readable when the child exits; it is a zombie then. */
  pfd.fd = cam_process_get_pidfd (process);
  g_assert_cmpint (poll (&pfd, 1, CAM_TEST_TIMEOUT_MS), ==, 1);
  g_assert_true (cam_test_pid_exists (pid));

  g_object_unref (process);
  g_assert_null (process);

  g_assert_false (cam_test_pid_exists (pid));
  assert_no_children ();
  fds_after = cam_test_list_fds ();
  g_assert_cmpstr (fds_after, ==, fds_before);

  cam_test_iterate_for (SETTLE_MS);
}

/* Drops the LD_PRELOAD line from an environment listed one entry per line:
 * valgrind puts its own LD_PRELOAD in our environment and takes it out
 * again in execve(). */
static char *
drop_ld_preload (const char *lines)
{
  g_auto(GStrv) entries = g_strsplit (lines, "\n", -1);
  GString *s = g_string_new (NULL);

  for (char **e = entries; *e != NULL; e++)
    {
      if (**e != '\0' && !g_str_has_prefix (*e, "LD_PRELOAD="))
        g_string_append_printf (s, "%s\n", *e);
    }

  return g_string_free (s, FALSE);
}

static void
test_environ (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_auto(GStrv) parent_environ = g_get_environ ();
  g_autofree char *parent_lines = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *report = NULL;
  g_autofree char *child_lines = NULL;
  const char * const custom[] = { "CAM_TEST_A=1", "CAM_TEST_B=two words", "CAM_TEST_EMPTY=", NULL };
  const char * const empty[] = { NULL };

  /* By default the child gets our environment. */
  report = cam_test_run_helper_report (process, "print-environ", NULL);
  parent_lines = g_strjoinv ("\n", parent_environ);
  expected = drop_ld_preload (parent_lines);
  child_lines = drop_ld_preload (report);
  g_assert_cmpstr (child_lines, ==, expected);
  g_clear_pointer (&report, g_free);

  cam_process_set_environ (process, custom);
  report = cam_test_run_helper_report (process, "print-environ", NULL);
  g_assert_cmpstr (report, ==, "CAM_TEST_A=1\nCAM_TEST_B=two words\nCAM_TEST_EMPTY=\n");
  g_clear_pointer (&report, g_free);

  cam_process_set_environ (process, empty);
  report = cam_test_run_helper_report (process, "print-environ", NULL);
  g_assert_cmpstr (report, ==, "");
  g_clear_pointer (&report, g_free);

  /* NULL goes back to inheriting. */
  cam_process_set_environ (process, NULL);
  report = cam_test_run_helper_report (process, "print-environ", NULL);
  g_clear_pointer (&child_lines, g_free);
  child_lines = drop_ld_preload (report);
  g_assert_cmpstr (child_lines, ==, expected);
}

static void
test_cwd (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *current = g_get_current_dir ();
  g_autofree char *tmpdir = NULL;
  g_autofree char *real_tmpdir = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *report = NULL;

  /* By default the child gets our working directory. */
  report = cam_test_run_helper_report (process, "print-cwd", NULL);
  expected = g_strconcat (current, "\n", NULL);
  g_assert_cmpstr (report, ==, expected);
  g_clear_pointer (&report, g_free);
  g_clear_pointer (&expected, g_free);

  tmpdir = g_dir_make_tmp ("cam-test-XXXXXX", &error);
  g_assert_no_error (error);
  real_tmpdir = realpath (tmpdir, NULL);
  g_assert_nonnull (real_tmpdir);

  cam_process_set_cwd (process, tmpdir);
  report = cam_test_run_helper_report (process, "print-cwd", NULL);
  expected = g_strconcat (real_tmpdir, "\n", NULL);
  g_assert_cmpstr (report, ==, expected);

  g_assert_no_errno (g_rmdir (tmpdir));
}

static void
test_cwd_missing (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fds_before = NULL;
  CamTestFinished finished;
  gboolean ok;

  g_test_summary ("A working directory that does not exist fails start() "
                  "with G_IO_ERROR_NOT_FOUND and leaves no child.");

  cam_test_warm_up ();
  fds_before = cam_test_list_fds ();

  cam_process_set_cwd (process, "/nonexistent-cam-test/cwd");
  cam_test_finished_watch (&finished, process);
  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "0", NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_false (ok);

  assert_start_left_nothing (process, &finished, fds_before);
  cam_test_finished_unwatch (&finished);
}

static void
test_signal_mask (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autofree char *report = NULL;
  sigset_t block, saved;

  g_test_summary ("The child starts with an empty signal mask, whatever the "
                  "mask of the thread that calls start().");

  sigemptyset (&block);
  sigaddset (&block, SIGUSR1);
  sigaddset (&block, SIGTERM);
  g_assert_cmpint (pthread_sigmask (SIG_BLOCK, &block, &saved), ==, 0);

  report = cam_test_run_helper_report (process, "print-sigmask", NULL);

  g_assert_cmpint (pthread_sigmask (SIG_SETMASK, &saved, NULL), ==, 0);
  g_assert_cmpstr (report, ==, "\n");
}

/* Fallback paths: the same cases with one system call answering ENOSYS, as on
 * older kernels, in containers or under valgrind.
 *
 * Without clone3(), the default path (CLONE_VM | CLONE_VFORK) falls back
 * to glibc's clone(), and the fork-like path that
 * CAM_PROCESS_SPAWN_METHOD=clone3 selects to a raw clone(2); test-spawn.c
 * checks the signal handlers on each.  close_range() is used on every
 * path. */
typedef struct
{
  const char *path;
  long        syscall_nr;
  int         errsv;          /* what the blocked syscall answers */
  const char *spawn_method;   /* nullable: the default */
  GTestFunc   body;
} FallbackCase;

static const FallbackCase fallback_cases[] = {
  { "/process/core/no-clone3/vfork/exit-code", __NR_clone3, ENOSYS, NULL, test_exit_code },
  { "/process/core/no-clone3/vfork/exec-not-found", __NR_clone3, ENOSYS, NULL, test_exec_not_found },
  { "/process/core/no-clone3/vfork/fds", __NR_clone3, ENOSYS, NULL, test_fds },
  { "/process/core/no-clone3/exit-code", __NR_clone3, ENOSYS, "clone3", test_exit_code },
  { "/process/core/no-clone3/exec-not-found", __NR_clone3, ENOSYS, "clone3", test_exec_not_found },
  { "/process/core/no-clone3/fds", __NR_clone3, ENOSYS, "clone3", test_fds },
  { "/process/core/no-clone3/kill", __NR_clone3, ENOSYS, "clone3", test_kill },
  { "/process/core/no-close-range/fds", __NR_close_range, ENOSYS, NULL, test_fds },
  { "/process/core/no-close-range/exec-not-found", __NR_close_range, ENOSYS, NULL, test_exec_not_found },
  /* Without waitid (P_PIDFD) no child could be reaped: none is started. */
  { "/process/core/no-waitid-pidfd", __NR_waitid, EINVAL, NULL, test_no_waitid_pidfd },
  /* A seccomp profile may answer EPERM: the table is used all the same. */
  { "/process/core/close-range-eperm/fds", __NR_close_range, EPERM, NULL, test_fds },
};

static void
test_fallback (gconstpointer data)
{
  const FallbackCase *fc = data;
  long r;

  if (cam_test_skip_unless_seccomp ())
    return;
  if (!cam_test_in_subprocess ())
    return;

  /* Read once by the library, at the first spawn, which is still to come
   * in this subprocess. */
  if (fc->spawn_method != NULL)
    g_setenv ("CAM_PROCESS_SPAWN_METHOD", fc->spawn_method, TRUE);
  else
    g_unsetenv ("CAM_PROCESS_SPAWN_METHOD");

  g_assert_no_errno (cam_test_seccomp_fail_syscall (fc->syscall_nr,
                                                    fc->errsv));
  /* Arguments the kernel itself rejects with EINVAL before anything else
   * (clone3 with size 0, close_range with first > last). */
  r = syscall (fc->syscall_nr, 1, 0, 0);
  g_assert_cmpint (r, ==, -1);
  g_assert_cmpint (errno, ==, fc->errsv);

  fc->body ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/core/exit-code", test_exit_code);
  g_test_add_func ("/process/core/argv", test_argv);
  g_test_add_func ("/process/core/argv-null", test_argv_null);
  g_test_add_func ("/process/core/kill", test_kill);
  g_test_add_func ("/process/core/send-signal", test_send_signal);
  g_test_add_func ("/process/core/send-signal/invalid", test_send_signal_invalid);
  g_test_add_func ("/process/core/send-signal/not-running", test_send_signal_not_running);
  g_test_add_func ("/process/core/exec-not-found", test_exec_not_found);
  g_test_add_func ("/process/core/exec-permission-denied", test_exec_permission_denied);
  g_test_add_func ("/process/core/fds", test_fds);
  g_test_add_func ("/process/core/fds/data", test_fds_data);
  g_test_add_func ("/process/core/fds/invalid", test_fds_invalid);
  g_test_add_func ("/process/core/start-pending", test_start_pending);
  g_test_add_func ("/process/core/start-concurrent", test_start_concurrent);
  g_test_add_func ("/process/core/restart", test_restart);
  g_test_add_func ("/process/core/restart/from-handler", test_restart_from_handler);
  g_test_add_func ("/process/core/finished-once", test_finished_once);
  g_test_add_func ("/process/core/thread-default-context", test_thread_default_context);
  g_test_add_func ("/process/core/notify", test_notify);
  g_test_add_func ("/process/core/notify/detailed", test_notify_detailed);
  g_test_add_func ("/process/core/enum-values-unique", test_enum_values_unique);
  g_test_add_func ("/process/core/foreign-reaper", test_foreign_reaper);
  g_test_add_func ("/process/core/foreign-reaper/no-pidfd-info", test_foreign_reaper_no_info);
  g_test_add_func ("/process/core/reaper-race/foreign", test_foreign_reaper_race);
  g_test_add_func ("/process/core/many-cycles", test_many_cycles);
  g_test_add_func ("/process/core/dispose/running", test_dispose_running);
  g_test_add_func ("/process/core/dispose/exited", test_dispose_exited);
  g_test_add_data_func ("/process/core/dispose/other-thread",
                        GUINT_TO_POINTER (CAM_PROCESS_FLAGS_KILL_ON_DISPOSE),
                        test_dispose_other_thread);
  g_test_add_data_func ("/process/core/dispose/other-thread/keep-alive",
                        GUINT_TO_POINTER (CAM_PROCESS_FLAGS_NONE),
                        test_dispose_other_thread);
  g_test_add_func ("/process/core/signal-mask", test_signal_mask);
  g_test_add_func ("/process/core/environ", test_environ);
  g_test_add_func ("/process/core/cwd", test_cwd);
  g_test_add_func ("/process/core/cwd/missing", test_cwd_missing);

  for (gsize i = 0; i < G_N_ELEMENTS (fallback_cases); i++)
    g_test_add_data_func (fallback_cases[i].path, &fallback_cases[i], test_fallback);

  return g_test_run ();
}
