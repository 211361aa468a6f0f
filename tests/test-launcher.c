/* test-launcher.c: CamProcessLauncher, one configuration for many children
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <sys/resource.h>
#include <unistd.h>

#include "cam-test-utils.h"

static char *
communicate_text (CamProcess *process)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  cam_process_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  return out;
}

/* Every spawn gets the environment, cwd and stdio flags; a later change
 * reaches only later spawns. */
static void
test_many_children (void)
{
  g_autoptr(CamProcessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "sh", "-c", "pwd; echo \"$CAM_L\"", NULL };

  launcher = cam_process_launcher_new (CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  cam_process_launcher_setenv (launcher, "CAM_L", "one", TRUE);
  cam_process_launcher_set_cwd (launcher, "/proc");
  g_assert_cmpstr (cam_process_launcher_getenv (launcher, "CAM_L"), ==, "one");
  g_assert_cmpstr (cam_process_launcher_getenv (launcher, "PATH"), ==,
                   g_getenv ("PATH"));

  for (int i = 0; i < 2; i++)
    {
      g_autoptr(CamProcess) process = NULL;
      g_autofree char *out = NULL;

      process = cam_process_launcher_spawnv (launcher, argv, &error);
      g_assert_no_error (error);
      out = communicate_text (process);
      g_assert_cmpstr (out, ==, "/proc\none\n");
    }

  {
    g_autoptr(CamProcess) process = NULL;
    g_autofree char *out = NULL;
    const char *env[] = { "CAM_L=two", NULL };

    cam_process_launcher_set_environ (launcher, env);
    cam_process_launcher_set_cwd (launcher, NULL);
    cam_process_launcher_set_cwd (launcher, "/");
    cam_process_launcher_unsetenv (launcher, "PATH");
    /* sh is found in the caller's PATH, not the child's. */
    process = cam_process_launcher_spawnv (launcher, argv, &error);
    g_assert_no_error (error);
    out = communicate_text (process);
    g_assert_cmpstr (out, ==, "/\ntwo\n");
  }
}

/* A taken fd goes to the next spawn only; one no spawn took is closed
 * with the launcher. */
static void
test_take_fd (void)
{
  g_autoptr(CamProcessLauncher) launcher = NULL;
  g_autoptr(CamProcess) first = NULL;
  g_autoptr(CamProcess) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fds_before = NULL;
  g_autofree char *fds_after = NULL;
  g_autofree char *text = NULL;
  const char *argv[] = { cam_test_helper_path (), "write-fds", "5", "five",
                         NULL };
  int fds[2];

  cam_test_warm_up ();
  fds_before = cam_test_list_fds ();

  launcher = cam_process_launcher_new (CAM_PROCESS_STDIO_FLAGS_NONE);
  cam_test_pipe (fds);
  cam_process_launcher_take_fd (launcher, fds[1], 5);
  first = cam_process_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  text = cam_test_read_to_eof (fds[0]);
  g_assert_no_errno (close (fds[0]));
  g_assert_cmpstr (text, ==, "five");
  cam_process_wait_check (first, NULL, &error);
  g_assert_no_error (error);

  /* No fd 5 this time: the helper's write fails. */
  second = cam_process_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  cam_process_wait (second, NULL, &error);
  g_assert_no_error (error);
  cam_test_assert_exit (second, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 1);
  g_clear_object (&first);
  g_clear_object (&second);

  cam_test_pipe (fds);
  g_assert_no_errno (close (fds[0]));
  cam_process_launcher_take_fd (launcher, fds[1], 5);
  g_clear_object (&launcher);
  fds_after = cam_test_list_fds ();
  g_assert_cmpstr (fds_after, ==, fds_before);
}

/* Resource limits, a seccomp filter and stdio file paths reach each
 * child; invalid ones are refused when set. */
static void
test_setup (void)
{
  g_autoptr(CamProcessLauncher) launcher = NULL;
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bad_filter = g_bytes_new_static ("abc", 3);
  g_autofree char *dir = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *resource = g_strdup_printf ("%d", RLIMIT_FSIZE);
  const char *argv[] = { cam_test_helper_path (), "print-rlimit", "1",
                         resource, NULL };

  dir = g_dir_make_tmp ("cam-test-launcher-XXXXXX", &error);
  g_assert_no_error (error);
  out_path = g_build_filename (dir, "out", NULL);

  launcher = cam_process_launcher_new (CAM_PROCESS_STDIO_FLAGS_NONE);
  /* Not RLIMIT_NOFILE, which valgrind emulates (see test-sandbox.c). */
  g_assert_true (cam_process_launcher_set_rlimit (launcher, RLIMIT_FSIZE,
                                                  4096, 8192, &error));
  g_assert_no_error (error);
  g_assert_false (cam_process_launcher_set_rlimit (launcher, RLIMIT_FSIZE,
                                                   9, 8, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (cam_process_launcher_set_seccomp_filter (launcher,
                                                           bad_filter,
                                                           &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (cam_process_launcher_set_seccomp_filter (launcher, NULL,
                                                          &error));
  cam_process_launcher_set_flags (launcher, CAM_PROCESS_FLAGS_NO_NEW_PRIVS);
  cam_process_launcher_set_stdout_file_path (launcher, out_path);

  process = cam_process_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cam_process_get_flags (process), ==,
                   CAM_PROCESS_FLAGS_NO_NEW_PRIVS);
  cam_process_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (out_path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "4096 8192\n");

  g_assert_no_errno (unlink (out_path));
  g_assert_no_errno (rmdir (dir));
}

/* Errors are those of start(): a missing program, an empty argv. */
static void
test_errors (void)
{
  g_autoptr(CamProcessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  const char *missing[] = { "cam-no-such-program", NULL };
  const char *empty[] = { NULL };

  launcher = cam_process_launcher_new (CAM_PROCESS_STDIO_FLAGS_NONE);
  g_assert_null (cam_process_launcher_spawnv (launcher, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (cam_process_launcher_spawnv (launcher, empty, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/launcher/many-children", test_many_children);
  g_test_add_func ("/process/launcher/take-fd", test_take_fd);
  g_test_add_func ("/process/launcher/setup", test_setup);
  g_test_add_func ("/process/launcher/errors", test_errors);

  return g_test_run ();
}
