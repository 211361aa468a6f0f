/* test-compat.c: the calls of GSubprocess users: exit getters, identifier,
 * communicate_utf8
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <signal.h>
#include <stdlib.h>

#include "cam-test-utils.h"

static void
store_result (GObject      *source_object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GAsyncResult **ret = user_data;

  *ret = g_object_ref (result);
}

static void
run_to_exit (CamProcess *process,
             const char *mode,
             const char *arg)
{
  g_autoptr(GError) error = NULL;

  cam_test_start_helper (process, NULL, 0, &error, mode, arg, NULL);
  g_assert_no_error (error);
  cam_process_wait (process, NULL, &error);
  g_assert_no_error (error);
}

/* get_successful, get_if_exited, get_if_signaled and get_term_sig give
 * what the GSubprocess getters give. */
static void
test_exit_getters (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;

  run_to_exit (process, "exit", "0");
  g_assert_true (cam_process_get_successful (process));
  g_assert_true (cam_process_get_if_exited (process));
  g_assert_false (cam_process_get_if_signaled (process));

  run_to_exit (process, "exit", "3");
  g_assert_false (cam_process_get_successful (process));
  g_assert_true (cam_process_get_if_exited (process));
  g_assert_false (cam_process_get_if_signaled (process));
  g_assert_cmpint (cam_process_get_exit_code (process), ==, 3);

  cam_test_start_ready_helper (process, "sleep");
  cam_process_send_signal (process, SIGTERM, &error);
  g_assert_no_error (error);
  cam_process_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cam_process_get_successful (process));
  g_assert_false (cam_process_get_if_exited (process));
  g_assert_true (cam_process_get_if_signaled (process));
  g_assert_cmpint (cam_process_get_term_sig (process), ==, SIGTERM);
}

/* Before an exit they are caller bugs, as in GSubprocess. */
static void
test_exit_getters_running (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CamProcess) process = cam_process_new ();

      cam_process_get_successful (process);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*cam_process_get_successful*");
}

/* term_sig of a child that exited is a caller bug too. */
static void
test_term_sig_exited (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CamProcess) process = cam_process_new ();

      run_to_exit (process, "exit", "0");
      cam_process_get_term_sig (process);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*cam_process_get_term_sig*");
}

/* The identifier is the pid as a string while the child runs, NULL
 * before and once it is reaped. */
static void
test_identifier (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = NULL;

  g_assert_null (cam_process_get_identifier (process));
  cam_test_start_ready_helper (process, "sleep");
  pid = g_strdup_printf ("%d", cam_process_get_pid (process));
  g_assert_cmpstr (cam_process_get_identifier (process), ==, pid);
  cam_process_kill (process);
  cam_process_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (cam_process_get_identifier (process));
}

/* Text in, text out, sync and async; an empty output is "". */
static void
test_communicate_utf8 (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE);
  cam_test_start_helper (process, NULL, 0, &error, "cat", NULL);
  g_assert_no_error (error);
  g_assert_true (cam_process_communicate_utf8 (process, "grüß dich\n", NULL,
                                               &out, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "grüß dich\n");
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  cam_test_start_helper (process, NULL, 0, &error, "cat", NULL);
  g_assert_no_error (error);
  cam_process_communicate_utf8_async (process, "async\n", NULL,
                                      store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cam_process_communicate_utf8_finish (process, result, &out,
                                                      &err, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out, ==, "async\n");
  g_assert_null (err);
}

/* Invalid UTF-8 (a nul byte too) is G_IO_ERROR_FAILED, on either stream. */
static void
test_communicate_utf8_invalid (void)
{
  const char *scripts[] = {
    "printf 'ok\\377'",
    "printf 'a\\000b'",
    "printf ok; printf '\\300' >&2",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (scripts); i++)
    {
      const char *argv[] = { "/bin/sh", "-c", scripts[i], NULL };
      g_autoptr(CamProcess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("script: %s", scripts[i]);
      process = cam_process_newv (argv, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE,
                                  &error);
      g_assert_no_error (error);
      g_assert_false (cam_process_communicate_utf8 (process, NULL, NULL, &out,
                                                    &err, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
      g_assert_null (out);
      g_assert_null (err);
      g_assert_false (cam_process_get_running (process));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/compat/exit-getters", test_exit_getters);
  g_test_add_func ("/process/compat/exit-getters-running", test_exit_getters_running);
  g_test_add_func ("/process/compat/term-sig-exited", test_term_sig_exited);
  g_test_add_func ("/process/compat/identifier", test_identifier);
  g_test_add_func ("/process/compat/communicate-utf8", test_communicate_utf8);
  g_test_add_func ("/process/compat/communicate-utf8-invalid", test_communicate_utf8_invalid);

  return g_test_run ();
}
