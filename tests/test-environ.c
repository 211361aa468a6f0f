/* test-environ.c: setenv, unsetenv, getenv, and cwd and environ properties
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The child's environment is read back with the helper's print-environ.
 */

#include <string.h>

#include "cam-test-utils.h"

static char **
child_environ (CamProcess *process)
{
  g_autofree char *report = NULL;

  report = cam_test_run_helper_report (process, "print-environ", NULL);
  g_assert_true (g_str_has_suffix (report, "\n"));
  report[strlen (report) - 1] = '\0';
  return g_strsplit (report, "\n", -1);
}

/* Before any set_environ(), setenv() edits a copy of the caller's
 * environment, taken at the first edit. */
static void
test_setenv_copies_caller (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_auto(GStrv) env = NULL;

  g_setenv ("CAM_TEST_OURS", "ours", TRUE);
  g_setenv ("CAM_TEST_GONE", "gone", TRUE);
  g_assert_cmpstr (cam_process_getenv (process, "CAM_TEST_OURS"), ==, "ours");
  g_assert_null (cam_process_getenv (process, "CAM_TEST_NEW"));

  cam_process_setenv (process, "CAM_TEST_NEW", "new", TRUE);
  cam_process_setenv (process, "CAM_TEST_OURS", "not replaced", FALSE);
  cam_process_unsetenv (process, "CAM_TEST_GONE");
  /* A copy: later changes of ours do not reach the child. */
  g_setenv ("CAM_TEST_LATER", "later", TRUE);

  g_assert_cmpstr (cam_process_getenv (process, "CAM_TEST_NEW"), ==, "new");
  g_assert_cmpstr (cam_process_getenv (process, "CAM_TEST_OURS"), ==, "ours");
  g_assert_null (cam_process_getenv (process, "CAM_TEST_GONE"));
  g_assert_null (cam_process_getenv (process, "CAM_TEST_LATER"));

  env = child_environ (process);
  g_assert_true (g_strv_contains ((const char * const *) env,
                                  "CAM_TEST_NEW=new"));
  g_assert_true (g_strv_contains ((const char * const *) env,
                                  "CAM_TEST_OURS=ours"));
  g_assert_cmpstr (g_environ_getenv (env, "CAM_TEST_GONE"), ==, NULL);
  g_assert_cmpstr (g_environ_getenv (env, "CAM_TEST_LATER"), ==, NULL);
  g_assert_cmpstr (g_environ_getenv (env, "PATH"), ==, g_getenv ("PATH"));

  g_unsetenv ("CAM_TEST_OURS");
  g_unsetenv ("CAM_TEST_GONE");
  g_unsetenv ("CAM_TEST_LATER");
}

/* After set_environ(), they edit that environment; overwrite decides. */
static void
test_setenv_on_set_environ (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  const char *initial[] = { "A=1", "B=2", NULL };
  const char *expected[] = { "A=1", "B=3", "C=4", NULL };
  g_auto(GStrv) env = NULL;
  g_auto(GStrv) prop = NULL;

  cam_process_set_environ (process, initial);
  cam_process_setenv (process, "B", "3", TRUE);
  cam_process_setenv (process, "A", "9", FALSE);
  cam_process_setenv (process, "C", "4", FALSE);
  cam_process_setenv (process, "D", "5", TRUE);
  cam_process_unsetenv (process, "D");
  cam_process_unsetenv (process, "E");
  g_assert_null (cam_process_getenv (process, "PATH"));

  g_object_get (process, "environ", &prop, NULL);
  g_assert_cmpstrv (prop, expected);
  env = child_environ (process);
  g_assert_cmpstrv (env, expected);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

/* cwd and environ are properties: g_initable_new() sets them for the
 * child of argv, and setting them notifies. */
static void
test_properties (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autofree char *cwd = NULL;
  g_auto(GStrv) prop = NULL;
  const char *env[] = { "CAM_TEST=props", NULL };
  const char *argv[] = { "/bin/sh", "-c", "pwd; echo \"$CAM_TEST\"", NULL };
  guint notified = 0;

  process = g_initable_new (CAM_TYPE_PROCESS, NULL, &error,
                            "argv", argv,
                            "cwd", "/proc",
                            "environ", env,
                            "stdio-flags", CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE,
                            NULL);
  g_assert_no_error (error);
  cam_process_communicate (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (output, NULL), g_bytes_get_size (output),
                   "/proc\nprops\n", 12);

  g_object_get (process, "cwd", &cwd, "environ", &prop, NULL);
  g_assert_cmpstr (cwd, ==, "/proc");
  g_assert_cmpstrv (prop, env);

  g_signal_connect (process, "notify", G_CALLBACK (count_notify), &notified);
  cam_process_set_cwd (process, "/");
  cam_process_set_cwd (process, "/");
  cam_process_setenv (process, "CAM_TEST", "other", TRUE);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpstr (cam_process_getenv (process, "CAM_TEST"), ==, "other");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/environ/setenv-copies-caller", test_setenv_copies_caller);
  g_test_add_func ("/process/environ/setenv-on-set-environ", test_setenv_on_set_environ);
  g_test_add_func ("/process/environ/properties", test_properties);

  return g_test_run ();
}
