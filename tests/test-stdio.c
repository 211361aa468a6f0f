/* test-stdio.c: the default standard input and the stdio file paths
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The helper copies its fd 0 to a pipe.  Our own fd 0 is made a pipe
 * holding a line first, so that /dev/null and the caller's stdin can be
 * told apart whatever meson gave us.
 */

#include <fcntl.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "cam-test-utils.h"

typedef struct {
  int   saved_stdin;  /* our fd 0, restored at tear-down */
  int   pipe_fds[2];  /* the pipe on our fd 0 */
  char *dir;          /* a fresh directory for the files */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->saved_stdin = fcntl (STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
  g_assert_no_errno (fixture->saved_stdin);
  cam_test_pipe (fixture->pipe_fds);
  g_assert_no_errno (dup2 (fixture->pipe_fds[0], STDIN_FILENO));
  fixture->dir = g_dir_make_tmp ("cam-test-stdio-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  g_assert_no_errno (dup2 (fixture->saved_stdin, STDIN_FILENO));
  g_assert_no_errno (close (fixture->saved_stdin));
  g_assert_no_errno (close (fixture->pipe_fds[0]));
  if (fixture->pipe_fds[1] >= 0)
    g_assert_no_errno (close (fixture->pipe_fds[1]));
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_assert_no_errno (unlink (path));
    }
  g_assert_no_errno (rmdir (fixture->dir));
  g_free (fixture->dir);
}

/* Runs the helper's "cat" of its stdin and returns what it wrote. */
static char *
cat_stdin (CamProcess *process)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) output = NULL;

  cam_test_start_helper (process, NULL, 0, &error, "cat", NULL);
  g_assert_no_error (error);
  cam_process_communicate (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 0);
  /* Empty bytes may have NULL data. */
  return g_strdup_printf ("%.*s", (int) g_bytes_get_size (output),
                          g_bytes_get_size (output) > 0
                          ? (const char *) g_bytes_get_data (output, NULL) : "");
}

/* start(), newv() and init() give /dev/null by default, as GSubprocess
 * does; STDIN_INHERIT gives ours.  Our stdin holds a line and is at EOF:
 * a child that inherited it would copy the line. */
static void
test_stdin_default (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(CamProcess) newv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autofree char *by_default = NULL;
  g_autofree char *inherited = NULL;
  const char *argv[] = { cam_test_helper_path (), "cat", NULL };

  g_assert_cmpint (write (fixture->pipe_fds[1], "ours\n", 5), ==, 5);
  g_assert_no_errno (close (fixture->pipe_fds[1]));
  fixture->pipe_fds[1] = -1;

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  by_default = cat_stdin (process);
  g_assert_cmpstr (by_default, ==, "");

  newv = cam_process_newv (argv, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  cam_process_communicate (newv, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (output), ==, 0);

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_INHERIT |
                                        CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  inherited = cat_stdin (process);
  g_assert_cmpstr (inherited, ==, "ours\n");
}

/* An fd the caller gives for 0 replaces the default: taken, or in the fd
 * list of start(). */
static void
test_stdin_given (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) in_list = NULL;
  g_autofree char *output = NULL;
  const int fds[] = { STDIN_FILENO };
  int input[2], out[2];

  cam_test_pipe (input);
  cam_test_pipe (out);
  g_assert_cmpint (write (input[1], "taken\n", 6), ==, 6);
  g_assert_no_errno (close (input[1]));
  cam_process_take_fd (process, input[0], STDIN_FILENO);
  cam_process_take_fd (process, out[1], STDOUT_FILENO);
  cam_test_start_helper (process, NULL, 0, &error, "cat", NULL);
  g_assert_no_error (error);
  output = cam_test_read_to_eof (out[0]);
  g_assert_no_errno (close (out[0]));
  g_assert_cmpstr (output, ==, "taken\n");
  cam_process_wait_check (process, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (write (fixture->pipe_fds[1], "in list\n", 8), ==, 8);
  g_assert_no_errno (close (fixture->pipe_fds[1]));
  fixture->pipe_fds[1] = -1;
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  cam_test_start_helper (process, fds, 1, &error, "cat", NULL);
  g_assert_no_error (error);
  cam_process_communicate (process, NULL, NULL, &in_list, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (in_list, NULL), g_bytes_get_size (in_list),
                   "in list\n", 8);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* The three file paths, and STDERR_MERGE into the stdout file. */
static void
test_file_paths (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autofree char *in = g_build_filename (fixture->dir, "in", NULL);
  g_autofree char *out = g_build_filename (fixture->dir, "out", NULL);
  g_autofree char *err = g_build_filename (fixture->dir, "err", NULL);
  g_autofree char *out_text = NULL;
  g_autofree char *err_text = NULL;

  g_file_set_contents (in, "from a file\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (out, "old contents, to be truncated\n", -1, &error);
  g_assert_no_error (error);

  cam_process_set_stdin_file_path (process, in);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  cam_test_start_helper (process, NULL, 0, &error, "cat", NULL);
  g_assert_no_error (error);
  cam_process_communicate (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (output, NULL), g_bytes_get_size (output),
                   "from a file\n", 12);

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_NONE);
  cam_process_set_stdin_file_path (process, NULL);
  cam_process_set_stdout_file_path (process, out);
  cam_process_set_stderr_file_path (process, err);
  cam_test_start_helper (process, NULL, 0, &error,
                         "write-fds", "1", "to out", "2", "to err", NULL);
  g_assert_no_error (error);
  cam_process_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  out_text = read_file (out);
  err_text = read_file (err);
  g_assert_cmpstr (out_text, ==, "to out");
  g_assert_cmpstr (err_text, ==, "to err");
  g_clear_pointer (&out_text, g_free);

  cam_process_set_stderr_file_path (process, NULL);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE);
  cam_test_start_helper (process, NULL, 0, &error,
                         "write-fds", "1", "out ", "2", "err", NULL);
  g_assert_no_error (error);
  cam_process_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  out_text = read_file (out);
  g_assert_cmpstr (out_text, ==, "out err");
}

/* A file that cannot be opened fails start() with an error naming it,
 * and leaves no child and no fd. */
static void
test_file_path_errors (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "missing", NULL);
  g_autofree char *no_dir = g_build_filename (fixture->dir, "no", "out", NULL);
  g_autofree char *fds_before = NULL;
  g_autofree char *fds_after = NULL;
  g_autofree char *children = NULL;

  cam_test_warm_up ();
  fds_before = cam_test_list_fds ();

  cam_process_set_stdin_file_path (process, missing);
  g_assert_false (cam_test_start_helper (process, NULL, 0, &error, "exit",
                                         "0", NULL));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  cam_process_set_stdin_file_path (process, NULL);
  cam_process_set_stdout_file_path (process, no_dir);
  g_assert_false (cam_test_start_helper (process, NULL, 0, &error, "exit",
                                         "0", NULL));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, no_dir));

  g_assert_false (cam_process_get_running (process));
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
  fds_after = cam_test_list_fds ();
  g_assert_cmpstr (fds_after, ==, fds_before);
}

/* A flag and a path for the same stream are a caller bug, either way. */
static void
test_file_path_conflicts (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CamProcess) process = cam_process_new ();

      cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE);
      cam_process_set_stdin_file_path (process, "/dev/null");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*cam_process_set_stdin_file_path*");
}

static void
test_file_path_conflicts_flags (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CamProcess) process = cam_process_new ();

      cam_process_set_stdout_file_path (process, "/dev/null");
      cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*cam_process_set_stdio_flags*");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/process/stdio/" name, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("stdin-default", test_stdin_default);
  ADD ("stdin-given", test_stdin_given);
  ADD ("file-paths", test_file_paths);
  ADD ("file-path-errors", test_file_path_errors);
#undef ADD
  g_test_add_func ("/process/stdio/file-path-conflict/path", test_file_path_conflicts);
  g_test_add_func ("/process/stdio/file-path-conflict/flags", test_file_path_conflicts_flags);

  return g_test_run ();
}
