/* test-path.c: programs named without a slash are searched in PATH
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each case builds a directory of small shell scripts that exit with a
 * code of their own, points PATH (the caller's, or the child's with
 * SEARCH_PATH_FROM_ENVP) at it and checks which one ran.  The caller's
 * PATH is restored after each case.
 */

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cam-test-utils.h"

typedef struct {
  char *dir;        /* a fresh directory with subdirectories a and b */
  char *dir_a;
  char *dir_b;
  char *saved_path; /* the caller's PATH, or NULL */
} Fixture;

static void
write_script (const char *dir,
              const char *name,
              const char *text,
              int         mode)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  g_assert_no_errno (chmod (path, mode));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cam-test-path-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->dir_a = g_build_filename (fixture->dir, "a", NULL);
  fixture->dir_b = g_build_filename (fixture->dir, "b", NULL);
  g_assert_no_errno (mkdir (fixture->dir_a, 0755));
  g_assert_no_errno (mkdir (fixture->dir_b, 0755));
  fixture->saved_path = g_strdup (g_getenv ("PATH"));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *dirs[] = { fixture->dir_a, fixture->dir_b, fixture->dir };

  if (fixture->saved_path != NULL)
    g_setenv ("PATH", fixture->saved_path, TRUE);
  else
    g_unsetenv ("PATH");

  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autoptr(GDir) dir = g_dir_open (dirs[i], 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (dirs[i], name, NULL);

          if (!g_file_test (path, G_FILE_TEST_IS_DIR))
            g_assert_no_errno (unlink (path));
        }
      g_assert_no_errno (rmdir (dirs[i]));
    }
  g_free (fixture->dir_a);
  g_free (fixture->dir_b);
  g_free (fixture->dir);
  g_free (fixture->saved_path);
}

/* Starts @name with no argument and returns its exit code. */
static int
run_program (CamProcess *process,
             const char *name)
{
  const char *argv[] = { name, NULL };
  g_autoptr(GError) error = NULL;

  cam_process_start (process, name, argv, NULL, 0, &error);
  g_assert_no_error (error);
  cam_process_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cam_process_get_exit_status (process), ==,
                   CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT);
  return cam_process_get_exit_code (process);
}

/* The first directory of the caller's PATH that holds the name wins;
 * non-existent directories, directories of that name and files without
 * an x bit are passed over. */
static void
test_search_order (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autofree char *path = NULL;
  g_autofree char *subdir = g_build_filename (fixture->dir, "cam-prog", NULL);

  g_assert_no_errno (mkdir (subdir, 0755));
  write_script (fixture->dir_a, "cam-prog", "#!/bin/sh\nexit 11\n", 0644);
  write_script (fixture->dir_b, "cam-prog", "#!/bin/sh\nexit 12\n", 0755);
  write_script (fixture->dir_a, "cam-other", "#!/bin/sh\nexit 13\n", 0755);
  write_script (fixture->dir_b, "cam-other", "#!/bin/sh\nexit 14\n", 0755);

  path = g_strjoin (":", "/nonexistent-cam-test", fixture->dir,
                    fixture->dir_a, fixture->dir_b, NULL);
  g_setenv ("PATH", path, TRUE);

  g_assert_cmpint (run_program (process, "cam-prog"), ==, 12);
  g_assert_cmpint (run_program (process, "cam-other"), ==, 13);
  g_assert_no_errno (rmdir (subdir));
}

/* A name in no directory of PATH: G_IO_ERROR_NOT_FOUND naming it, and no
 * child; one that only names files without an x bit is refused. */
static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL;
  const char *argv[] = { "cam-missing", NULL };

  write_script (fixture->dir_a, "cam-noexec", "#!/bin/sh\nexit 0\n", 0644);
  g_setenv ("PATH", fixture->dir_a, TRUE);
  /* Root passes access (X_OK) for any file with one x bit: none here. */

  g_assert_false (cam_process_start (process, "cam-missing", argv, NULL, 0,
                                     &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“cam-missing”"));
  g_assert_false (cam_process_get_running (process));
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
  g_clear_error (&error);

  argv[0] = "cam-noexec";
  g_assert_false (cam_process_start (process, "cam-noexec", argv, NULL, 0,
                                     &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "“cam-noexec”"));
  g_clear_error (&error);

  /* cam_process_newv() and init() search the same way. */
  argv[0] = "cam-missing";
  g_assert_null (cam_process_newv (argv, CAM_PROCESS_STDIO_FLAGS_NONE,
                                   &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* An empty element of PATH, and an empty PATH, mean the child's working
 * directory; an unset PATH means /bin:/usr/bin:., as in GSubprocess. */
static void
test_empty_elements (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autofree char *path = NULL;

  write_script (fixture->dir_a, "cam-here", "#!/bin/sh\nexit 21\n", 0755);
  cam_process_set_cwd (process, fixture->dir_a);

  path = g_strconcat ("/nonexistent-cam-test:", NULL);
  g_setenv ("PATH", path, TRUE);
  g_assert_cmpint (run_program (process, "cam-here"), ==, 21);
  g_setenv ("PATH", "::/nonexistent-cam-test", TRUE);
  g_assert_cmpint (run_program (process, "cam-here"), ==, 21);
  g_setenv ("PATH", "", TRUE);
  g_assert_cmpint (run_program (process, "cam-here"), ==, 21);
  g_unsetenv ("PATH");
  g_assert_cmpint (run_program (process, "cam-here"), ==, 21);
  /* ... where /bin comes first. */
  g_assert_cmpint (run_program (process, "true"), ==, 0);
}

/* With SEARCH_PATH_FROM_ENVP the PATH of the child's environment counts,
 * without it the caller's. */
static void
test_from_envp (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *child_path = g_strconcat ("PATH=", fixture->dir_b, NULL);
  const char *env[] = { child_path, NULL };
  const char *argv[] = { "cam-prog", NULL };

  write_script (fixture->dir_a, "cam-prog", "#!/bin/sh\nexit 31\n", 0755);
  write_script (fixture->dir_b, "cam-prog", "#!/bin/sh\nexit 32\n", 0755);
  g_setenv ("PATH", fixture->dir_a, TRUE);
  cam_process_set_environ (process, env);

  g_assert_cmpint (run_program (process, "cam-prog"), ==, 31);
  cam_process_set_flags (process, CAM_PROCESS_FLAGS_SEARCH_PATH_FROM_ENVP);
  g_assert_cmpint (run_program (process, "cam-prog"), ==, 32);

  /* A child environment without PATH falls back to the caller's. */
  env[0] = "CAM_TEST=1";
  cam_process_set_environ (process, env);
  g_assert_cmpint (run_program (process, "cam-prog"), ==, 31);

  /* Not found in the child's PATH, though in the caller's. */
  env[0] = "PATH=/nonexistent-cam-test";
  cam_process_set_environ (process, env);
  g_assert_false (cam_process_start (process, "cam-prog", argv, NULL, 0,
                                     &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* A script without "#!" runs through /bin/sh with its arguments, found in
 * PATH or named by its path; argv[0] stays as given. */
static void
test_script_without_shebang (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_build_filename (fixture->dir_a, "cam-script",
                                              NULL);
  const char *argv[] = { "cam-script", "41", NULL };

  write_script (fixture->dir_a, "cam-script", "exit $(($1 + 1))\n", 0755);
  g_setenv ("PATH", fixture->dir_a, TRUE);

  cam_process_start (process, "cam-script", argv, NULL, 0, &error);
  g_assert_no_error (error);
  cam_process_wait (process, NULL, &error);
  g_assert_no_error (error);
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 42);

  argv[1] = "42";
  cam_process_start (process, script, argv, NULL, 0, &error);
  g_assert_no_error (error);
  cam_process_wait (process, NULL, &error);
  g_assert_no_error (error);
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 43);
}

/* The GSubprocess idiom: a bare name in cam_process_newv(). */
static void
test_newv_true (void)
{
  const char *argv[] = { "true", NULL };
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = cam_process_newv (argv, CAM_PROCESS_STDIO_FLAGS_NONE, &error);
  g_assert_no_error (error);
  cam_process_wait_check (process, NULL, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/process/path/" name, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("search-order", test_search_order);
  ADD ("not-found", test_not_found);
  ADD ("empty-elements", test_empty_elements);
  ADD ("from-envp", test_from_envp);
  ADD ("script-without-shebang", test_script_without_shebang);
#undef ADD
  g_test_add_func ("/process/path/newv-true", test_newv_true);

  return g_test_run ();
}
