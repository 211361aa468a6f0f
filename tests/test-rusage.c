/* test-rusage.c: cam_process_get_resource_usage()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <signal.h>
#include <sys/wait.h>

#include "cam-test-utils.h"

/* What cam-test-burn is asked to use. */
#define BURN_MIB  20
#define BURN_MSEC 50

static void
assert_no_usage (CamProcess *process)
{
  guint64 user_usec = 1, system_usec = 1, max_rss_kib = 1;

  g_assert_false (cam_process_get_resource_usage (process, &user_usec,
                                                  &system_usec,
                                                  &max_rss_kib));
  g_assert_cmpuint (user_usec, ==, 0);
  g_assert_cmpuint (system_usec, ==, 0);
  g_assert_cmpuint (max_rss_kib, ==, 0);
}

static void
test_burn (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *burn = g_test_build_filename (G_TEST_BUILT,
                                                 "cam-test-burn", NULL);
  g_autofree char *mib = g_strdup_printf ("%d", BURN_MIB);
  g_autofree char *msec = g_strdup_printf ("%d", BURN_MSEC);
  const char *argv[] = { burn, mib, msec, NULL };
  guint64 user_usec = 0, system_usec = 0, max_rss_kib = 0;
  gboolean ok;

  g_test_summary ("The usage of a child reaped by the library is the "
                  "kernel's: its CPU time and its largest resident set.");

  ok = cam_process_start (process, burn, argv, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = cam_process_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  ok = cam_process_get_resource_usage (process, &user_usec, &system_usec,
                                       &max_rss_kib);
  g_assert_true (ok);
  g_test_message ("user %" G_GUINT64_FORMAT " µs, system %" G_GUINT64_FORMAT
                  " µs, max RSS %" G_GUINT64_FORMAT " KiB",
                  user_usec, system_usec, max_rss_kib);
  g_assert_cmpuint (user_usec, >, 0);
  g_assert_cmpuint (max_rss_kib, >=, BURN_MIB * 1024);

  /* Every output is optional. */
  g_assert_true (cam_process_get_resource_usage (process, NULL, NULL, NULL));
}

static void
on_finished_get_usage (CamProcess           *process,
                       CamProcessExitStatus  status,
                       int                   code,
                       gpointer              user_data)
{
  gboolean *seen = user_data;
  guint64 max_rss_kib = 0;

  *seen = cam_process_get_resource_usage (process, NULL, NULL, &max_rss_kib);
  g_assert_cmpuint (max_rss_kib, >, 0);
}

static void
test_running (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  gboolean seen = FALSE;
  gboolean ok;

  g_test_summary ("There is no usage before the first start nor while the "
                  "child runs; \"finished\" handlers see it.");

  assert_no_usage (process);

  g_signal_connect (process, "finished", G_CALLBACK (on_finished_get_usage),
                    &seen);
  cam_test_start_ready_helper (process, "sleep");
  assert_no_usage (process);

  ok = cam_process_send_signal (process, SIGTERM, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = cam_process_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (seen);
  g_assert_true (cam_process_get_resource_usage (process, NULL, NULL, NULL));

  /* A new child hides the usage of the last one until it is reaped. */
  cam_test_start_ready_helper (process, "sleep");
  assert_no_usage (process);
  cam_process_kill (process);
  ok = cam_process_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (cam_process_get_resource_usage (process, NULL, NULL, NULL));
}

static void
test_foreign_reaper (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  int wstatus = 0;
  gboolean ok;
  pid_t pid;

  g_test_summary ("A child reaped by a foreign waitpid (-1) leaves no "
                  "usage: it went to that reaper.");

  /* waitpid (-1) must not find children of other tests. */
  if (!cam_test_in_subprocess ())
    return;

  process = cam_process_new ();

  /* A usage from an earlier child must not show through either. */
  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "0", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = cam_process_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (cam_process_get_resource_usage (process, NULL, NULL, NULL));

  cam_test_finished_watch (&finished, process);
  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "42", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);
  pid = cam_process_get_pid (process);
  g_assert_cmpint (waitpid (-1, &wstatus, 0), ==, pid);

  cam_test_finished_wait (&finished);
  g_assert_cmpuint (finished.n_finished, ==, 1);
  assert_no_usage (process);
  cam_test_finished_unwatch (&finished);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/rusage/burn", test_burn);
  g_test_add_func ("/process/rusage/running", test_running);
  g_test_add_func ("/process/rusage/foreign-reaper", test_foreign_reaper);

  return g_test_run ();
}
