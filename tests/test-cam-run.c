/* test-cam-run.c: the cam-run command, run as a shell would run it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs the built tools/cam-run (its path in $CAM_RUN) on /bin/sh snippets
 * and asserts on its exit status, its stdout (the child's alone) and its
 * stderr (cam-run's messages).
 */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

typedef struct {
  int   status;   /* exit status as a shell gives it */
  char *out;
  char *err;
} CamRunResult;

static void
cam_run_result_clear (CamRunResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CamRunResult, cam_run_result_clear)

static int
shell_status (int wait_status)
{
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  if (WIFSIGNALED (wait_status))
    return 128 + WTERMSIG (wait_status);
  g_assert_not_reached ();
}

static const char *
cam_run_path (void)
{
  const char *path = g_getenv ("CAM_RUN");

  g_assert_nonnull (path);
  return path;
}

/* The command line cam-run @args (NULL-terminated); the strings are
 * borrowed. */
static GPtrArray *
cam_run_argv (const char * const *args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) cam_run_path ());
  for (gsize i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Runs cam-run with @args (NULL-terminated) and waits for it. */
static void
run_argv (CamRunResult       *result,
          const char * const *args)
{
  g_autoptr(GPtrArray) argv = cam_run_argv (args);
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  gboolean ok;

  /* LEAVE_DESCRIPTORS_OPEN: the --fd tests give cam-run fds of ours. */
  ok = g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                     G_SPAWN_LEAVE_DESCRIPTORS_OPEN, NULL, NULL,
                     &result->out, &result->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  result->status = shell_status (wait_status);
  if (result->err[0] != '\0')
    g_test_message ("cam-run stderr: %s", result->err);
}

#define run(result, ...) \
  run_argv ((result), (const char * const []) { __VA_ARGS__, NULL })

static void
assert_run (int         status,
            const char *out,
            const char * const *args)
{
  g_auto(CamRunResult) result = { 0 };

  run_argv (&result, args);
  g_assert_cmpstr (result.out, ==, out);
  g_assert_cmpint (result.status, ==, status);
}

#define assert_runs(status, out, ...) \
  assert_run ((status), (out), (const char * const []) { __VA_ARGS__, NULL })

/* cam-run failed by itself: status 125, a message, nothing on stdout. */
static void
assert_refused (int                 status,
                const char         *message,
                const char * const *args)
{
  g_auto(CamRunResult) result = { 0 };

  run_argv (&result, args);
  g_assert_cmpint (result.status, ==, status);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_true (g_str_has_prefix (result.err, "cam-run: "));
  if (message != NULL)
    g_assert_nonnull (strstr (result.err, message));
}

#define assert_fails(status, message, ...) \
  assert_refused ((status), (message), \
                  (const char * const []) { __VA_ARGS__, NULL })

static void
test_exit_code (void)
{
  g_auto(CamRunResult) result = { 0 };

  g_test_summary ("The child's exit code is cam-run's; its stdout is "
                  "untouched and cam-run says nothing.");

  run (&result, "/bin/sh", "-c", "printf 'a\\n\\nb'; exit 42");
  g_assert_cmpint (result.status, ==, 42);
  g_assert_cmpstr (result.out, ==, "a\n\nb");
  g_assert_cmpstr (result.err, ==, "");

  assert_runs (0, "", "/bin/true");
  assert_runs (1, "", "/bin/false");
  assert_runs (3, "", "--", "/bin/sh", "-c", "exit 3");
}

static void
test_exit_signal (void)
{
  g_test_summary ("A signal death is 128 + the signal, as a shell has it.");

  assert_runs (128 + SIGKILL, "", "/bin/sh", "-c", "kill -KILL $$");
  assert_runs (128 + SIGTERM, "", "/bin/sh", "-c", "kill -TERM $$");
  assert_runs (128 + SIGSEGV, "", "/bin/sh", "-c", "kill -SEGV $$");
}

static void
test_exit_not_found (void)
{
  g_test_summary ("A program not found is 127, one that cannot be "
                  "executed 126, with a message and nothing on stdout.");

  assert_fails (127, "no-such-program-cam-run", "no-such-program-cam-run");
  assert_fails (127, "/nonexistent/prog", "/nonexistent/prog");
  /* Not executable: a plain file, a directory. */
  assert_fails (126, "/etc/passwd", "/etc/passwd");
  assert_fails (126, NULL, "/tmp");
  /* Options end at PROGRAM: this --help is a program name. */
  assert_fails (127, "--help", "--", "--help");
}

static void
test_exit_start_failure (void)
{
  g_test_summary ("A failure of cam-run's own setup is 125, even when the "
                  "error is a missing file that is not the program.");

  assert_fails (125, "/nonexistent-dir", "--chdir", "/nonexistent-dir",
                "/bin/true");
  assert_fails (125, "/nonexistent-cgroup", "--cgroup", "/nonexistent-cgroup",
                "/bin/true");
}

static void
test_bad_options (void)
{
  g_test_summary ("Bad options give a clear message on stderr, status 125 "
                  "and nothing on stdout.");

  assert_fails (125, "--no-such-option", "--no-such-option", "/bin/true");
  assert_fails (125, "PROGRAM", "--verbose");
  assert_fails (125, "PROGRAM", "--");
  assert_fails (125, "bogus", "--rlimit", "bogus=1", "/bin/true");
  assert_fails (125, "nofile", "--rlimit", "nofile=lots", "/bin/true");
  assert_fails (125, "NAME=SOFT", "--rlimit", "nofile", "/bin/true");
  assert_fails (125, "--timeout", "--timeout", "soon", "/bin/true");
  assert_fails (125, "--timeout", "--timeout", "1:x", "/bin/true");
  assert_fails (125, "--env", "--env", "NOEQUALS", "/bin/true");
  assert_fails (125, "--unsetenv", "--unsetenv", "A=B", "/bin/true");
  assert_fails (125, "--user", "--user", "no-such-user-cam-run", "/bin/true");
  assert_fails (125, "--isolate", "--isolate", "user,time", "/bin/true");
  assert_fails (125, "--fd", "--fd", "987", "/bin/true");
  assert_fails (125, "--fd-map", "--fd-map", "1", "/bin/true");
  assert_fails (125, "--fd-map", "--fd-map", "987:3", "/bin/true");
  assert_fails (125, "--json-status", "--json-status", "987", "/bin/true");
}

static void
test_help (void)
{
  static const char * const options[] = {
    "--sandbox", "--isolate", "--new-session", "--die-with-parent",
    "--no-new-privs", "--restrict-syscalls", "--bind", "--bind-rw",
    "--seccomp", "--user", "--cgroup", "--rlimit", "--chdir", "--env",
    "--unsetenv", "--clear-env", "--fd", "--fd-map", "--timeout",
    "--json-status", "--verbose",
  };
  g_auto(CamRunResult) result = { 0 };

  g_test_summary ("--help documents every option and the exit statuses.");

  run (&result, "--help");
  g_assert_cmpint (result.status, ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (options); i++)
    {
      g_autofree char *entry = g_strdup_printf (" %s", options[i]);

      g_assert_nonnull (strstr (result.out, entry));
    }
  g_assert_nonnull (strstr (result.out, "127"));
}

static void
test_options_end_at_program (void)
{
  g_test_summary ("Arguments after PROGRAM are the program's, options or "
                  "not; a name without a slash is searched in PATH.");

  assert_runs (0, "-v --verbose\n", "sh", "-c", "echo \"$@\"", "sh", "-v",
               "--verbose");
  assert_runs (0, "/\n", "ls", "-d", "/");
}

static void
test_env (void)
{
  g_test_summary ("--env and --unsetenv edit the environment in order; "
                  "--clear-env starts from an empty one.");

  g_setenv ("CAM_RUN_TEST_INHERITED", "yes", TRUE);
  assert_runs (0, "yes 1 2\n", "--env", "CAM_RUN_TEST_A=1", "--env",
               "CAM_RUN_TEST_B=2", "/bin/sh", "-c",
               "echo $CAM_RUN_TEST_INHERITED $CAM_RUN_TEST_A $CAM_RUN_TEST_B");
  assert_runs (0, "unset\n", "--unsetenv", "CAM_RUN_TEST_INHERITED",
               "/bin/sh", "-c", "echo ${CAM_RUN_TEST_INHERITED-unset}");
  assert_runs (0, "B=2\n", "--env", "A=1", "--unsetenv", "A", "--clear-env",
               "--env", "B=2", "/usr/bin/env");
  g_unsetenv ("CAM_RUN_TEST_INHERITED");
}

static void
test_chdir (void)
{
  g_test_summary ("--chdir changes the directory before exec.");

  assert_runs (0, "/usr\n", "--chdir", "/usr", "/bin/sh", "-c", "pwd");
}

static void
test_rlimit (void)
{
  g_test_summary ("--rlimit takes prlimit(1) names; one value sets both "
                  "limits.");

  assert_runs (0, "64 64\n", "--rlimit", "nofile=64", "/bin/sh", "-c",
               "echo $(ulimit -Sn) $(ulimit -Hn)");
  assert_runs (0, "32 64\n", "--rlimit", "NOFILE=32:64", "/bin/sh", "-c",
               "echo $(ulimit -Sn) $(ulimit -Hn)");
  assert_runs (0, "0 unlimited\n", "--rlimit", "core=0:unlimited", "/bin/sh",
               "-c", "echo $(ulimit -Sc) $(ulimit -Hc)");
  /* A soft limit above the hard one: the library refuses it. */
  assert_fails (125, NULL, "--rlimit", "nofile=64:32", "/bin/true");
}

static void
test_user (void)
{
  g_test_summary ("--user runs the program as UID[:GID], by number or "
                  "name.");

  if (getuid () != 0)
    {
      g_test_skip ("Changing the user needs root");
      return;
    }
  assert_runs (0, "65534 65534\n", "--user", "65534:65534", "/bin/sh", "-c",
               "echo $(id -u) $(id -g)");
  assert_runs (0, "65534\n", "--user", "nobody", "/usr/bin/id", "-u");
}

static void
test_cgroup (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *out = NULL;
  g_autofree char *name = NULL;

  g_test_summary ("--cgroup starts the program inside a cgroup v2 "
                  "directory.");

  if (!g_file_test ("/sys/fs/cgroup/cgroup.procs", G_FILE_TEST_EXISTS) ||
      access ("/sys/fs/cgroup", W_OK) < 0)
    {
      g_test_skip ("No writable cgroup v2 hierarchy at /sys/fs/cgroup");
      return;
    }
  name = g_strdup_printf ("cam-run-test-%d", (int) getpid ());
  dir = g_build_filename ("/sys/fs/cgroup", name, NULL);
  if (g_mkdir (dir, 0755) < 0)
    {
      g_test_skip ("Cannot create a cgroup");
      return;
    }
  out = g_strdup_printf ("0::/%s\n", name);
  assert_runs (0, out, "--cgroup", dir, "/bin/cat", "/proc/self/cgroup");
  g_rmdir (dir);
}

static void
test_fds (void)
{
  g_autofree char *fd_arg = NULL;
  g_autofree char *map_arg = NULL;
  g_autofree char *script = NULL;
  char buffer[64] = { 0 };
  int fds[2];

  g_test_summary ("--fd passes an fd at its number, --fd-map at another; "
                  "the child gets no other fd.");

  /* Without O_CLOEXEC: cam-run inherits both ends. */
  g_assert_no_errno (pipe (fds));
  fd_arg = g_strdup_printf ("%d", fds[1]);
  map_arg = g_strdup_printf ("%d:7", fds[1]);
  script = g_strdup_printf ("echo one >/proc/self/fd/%d; "
                            "echo two >/proc/self/fd/7", fds[1]);
  assert_runs (0, "", "--fd", fd_arg, "--fd-map", map_arg, "/bin/sh", "-c",
               script);
  g_assert_cmpint (read (fds[0], buffer, sizeof buffer - 1), ==, 8);
  g_assert_cmpstr (buffer, ==, "one\ntwo\n");
  close (fds[0]);

  /* cam-run has the fd, but the child does not get it unasked. */
  assert_runs (1, "", "/bin/sh", "-c",
               "test -e /proc/self/fd/$0 && exit 0; exit 1", fd_arg);
  close (fds[1]);
}

/* The inode of a namespace of this process, or of the child. */
static char *
own_namespace (const char *name)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/ns/%s", name);
  g_autoptr(GError) error = NULL;
  g_autofree char *link = g_file_read_link (path, &error);

  g_assert_no_error (error);
  return g_strconcat (link, "\n", NULL);
}

static void
test_isolate (void)
{
  static const char * const names[] = { "user", "net", "ipc", "pid", "mnt" };
  static const char * const options[] = { "user", "net", "ipc", "pid",
                                          "mount" };

  g_test_summary ("Each --isolate namespace alone gives the child a new "
                  "one of that kind and keeps the others.");

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *option = g_strdup_printf ("--isolate=%s", options[i]);
      g_autofree char *path = g_strdup_printf ("/proc/self/ns/%s", names[i]);
      g_autofree char *ours = own_namespace (names[i]);
      g_autofree char *user = own_namespace ("user");
      g_auto(CamRunResult) result = { 0 };
      g_auto(CamRunResult) other = { 0 };

      run (&result, option, "/usr/bin/readlink", path);
      g_assert_cmpint (result.status, ==, 0);
      g_assert_cmpstr (result.out, !=, ours);
      g_assert_true (g_str_has_prefix (result.out, names[i]));

      if (i > 0)
        {
          run (&other, option, "/usr/bin/readlink", "/proc/self/ns/user");
          g_assert_cmpint (other.status, ==, 0);
          g_assert_cmpstr (other.out, ==, user);
        }
    }
  /* Several at once, comma-separated; pid 1 of the new pid namespace. */
  assert_runs (0, "1\n", "--isolate=user,pid", "/bin/sh", "-c", "echo $$");
}

static void
test_flags (void)
{
  g_test_summary ("--new-session and --no-new-privs set up the child as "
                  "they say.");

  /* Field 6 of /proc/PID/stat is the session id. */
  assert_runs (0, "leader\n", "--new-session", "/bin/sh", "-c",
               "read p c s pp pg sid rest </proc/self/stat; "
               "[ $sid = $$ ] && echo leader");
  assert_runs (0, "not leader\n", "/bin/sh", "-c",
               "read p c s pp pg sid rest </proc/self/stat; "
               "[ $sid = $$ ] || echo not leader");
  assert_runs (0, "NoNewPrivs:\t1\n", "--no-new-privs", "/bin/grep",
               "NoNewPrivs", "/proc/self/status");
  assert_runs (0, "NoNewPrivs:\t0\n", "/bin/grep", "NoNewPrivs",
               "/proc/self/status");
}

/* Starts cam-run with @args; its stdout is a pipe, returned in @out_fd. */
static GPid
spawn_cam_run (const char * const *args,
               int                *out_fd)
{
  g_autoptr(GPtrArray) argv = cam_run_argv (args);
  g_autoptr(GError) error = NULL;
  GPid pid;
  gboolean ok;

  ok = g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL,
                                 G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                 NULL, out_fd, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  return pid;
}

static char *
read_line (int fd)
{
  GString *line = g_string_new (NULL);
  char c;

  while (read (fd, &c, 1) == 1 && c != '\n')
    g_string_append_c (line, c);
  return g_string_free (line, FALSE);
}

static int
wait_cam_run (GPid pid)
{
  int wait_status = 0;

  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  return shell_status (wait_status);
}

static void
test_die_with_parent (void)
{
  const char * const args[] = { "--die-with-parent", "/bin/sh", "-c",
                                "echo $$; exec sleep 100", NULL };
  g_autofree char *line = NULL;
  int out_fd, child;
  GPid pid;

  g_test_summary ("--die-with-parent: the child dies when cam-run does.");

  pid = spawn_cam_run (args, &out_fd);
  line = read_line (out_fd);
  child = atoi (line);
  g_assert_cmpint (child, >, 0);

  g_assert_no_errno (kill (pid, SIGKILL));
  g_assert_cmpint (wait_cam_run (pid), ==, 128 + SIGKILL);

  /* The child closes the pipe when it dies. */
  g_free (line);
  line = read_line (out_fd);
  g_assert_cmpstr (line, ==, "");
  close (out_fd);
}

static void
test_forward_signal (gconstpointer data)
{
  int signum = GPOINTER_TO_INT (data);
  g_autofree char *script = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;
  const char *args[] = { "/bin/sh", "-c", NULL, NULL };
  int out_fd;
  GPid pid;

  g_test_summary ("A signal sent to cam-run reaches the child, whose trap "
                  "sees it.");

  script = g_strdup_printf ("trap 'kill $!; echo got %s; exit 7' %s; "
                            "sleep 100 & echo ready; wait",
                            sigabbrev_np (signum), sigabbrev_np (signum));
  args[2] = script;
  pid = spawn_cam_run (args, &out_fd);
  line = read_line (out_fd);
  g_assert_cmpstr (line, ==, "ready");

  g_assert_no_errno (kill (pid, signum));
  g_free (line);
  line = read_line (out_fd);
  expected = g_strdup_printf ("got %s", sigabbrev_np (signum));
  g_assert_cmpstr (line, ==, expected);
  g_assert_cmpint (wait_cam_run (pid), ==, 7);
  close (out_fd);
}

static void
test_timeout (void)
{
  g_test_summary ("--timeout ends the child: 124 when SIGTERM did, 137 when "
                  "SIGKILL was needed; a child that ends in time keeps its "
                  "status.");

  assert_runs (124, "", "--timeout", "0.2", "/bin/sleep", "100");
  assert_runs (137, "", "--timeout", "0.2:0.2", "/bin/sh", "-c",
               "trap '' TERM; exec sleep 100");
  assert_runs (3, "", "--timeout", "100", "/bin/sh", "-c", "exit 3");
}

/* Parses a --json-status object with Python's json and prints the fields
 * in a fixed order. */
static char *
parse_json (const char *text)
{
  const char *script =
    "import json, sys\n"
    "d = json.loads(sys.argv[1])\n"
    "assert set(d) == {'program', 'status', 'code', 'signal', 'exit_status',"
    " 'timed_out', 'killed', 'wall_time_s', 'user_time_s', 'system_time_s',"
    " 'max_rss_kib'}, d\n"
    "assert d['wall_time_s'] >= 0 and d['user_time_s'] >= 0\n"
    "assert d['max_rss_kib'] > 0\n"
    "print(d['program'], d['status'], d['code'], d['signal'],"
    " d['exit_status'], d['timed_out'], d['killed'])\n";
  const char *argv[] = { "/usr/bin/python3", "-c", script, text, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int wait_status;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    return NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (shell_status (wait_status), ==, 0);
  return out;
}

static void
test_json_status (void)
{
  g_auto(CamRunResult) result = { 0 };
  g_auto(CamRunResult) killed = { 0 };
  g_auto(CamRunResult) timed_out = { 0 };
  g_autofree char *fields = NULL;

  g_test_summary ("--json-status writes one JSON object with the status, "
                  "times and max RSS from the kernel's rusage.");

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("No /usr/bin/python3 to parse JSON with");
      return;
    }

  /* The child writes nothing to stdout: the object is alone there. */
  run (&result, "--json-status", "1", "/bin/sh", "-c", "exit 5");
  g_assert_cmpint (result.status, ==, 5);
  fields = parse_json (result.out);
  g_assert_cmpstr (fields, ==, "/bin/sh exited 5 None 5 False False\n");
  g_clear_pointer (&fields, g_free);

  run (&killed, "--json-status", "1", "/bin/sh", "-c", "kill -9 $$");
  g_assert_cmpint (killed.status, ==, 137);
  fields = parse_json (killed.out);
  g_assert_cmpstr (fields, ==, "/bin/sh signaled None 9 137 False False\n");
  g_clear_pointer (&fields, g_free);

  run (&timed_out, "--json-status", "1", "--timeout", "0.1", "/bin/sleep",
       "100");
  g_assert_cmpint (timed_out.status, ==, 124);
  fields = parse_json (timed_out.out);
  g_assert_cmpstr (fields, ==, "/bin/sleep signaled None 15 124 True False\n");
}

static void
test_json_escape (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *program = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(CamRunResult) result = { 0 };

  g_test_summary ("Strings in --json-status are escaped: a program name "
                  "with quotes, a backslash and a newline.");

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("No /usr/bin/python3 to parse JSON with");
      return;
    }
  dir = g_dir_make_tmp ("cam-run-XXXXXX", &error);
  g_assert_no_error (error);
  program = g_build_filename (dir, "a \"b\"\\c\nd\te", NULL);
  g_assert_no_errno (symlink ("/bin/true", program));

  run (&result, "--json-status", "1", program);
  g_assert_cmpint (result.status, ==, 0);
  fields = parse_json (result.out);
  expected = g_strdup_printf ("%s exited 0 None 0 False False\n", program);
  g_assert_cmpstr (fields, ==, expected);

  g_unlink (program);
  g_rmdir (dir);
}

static void
test_verbose (void)
{
  g_auto(CamRunResult) result = { 0 };

  g_test_summary ("--verbose reports on stderr, never on stdout.");

  run (&result, "--verbose", "/bin/sh", "-c", "echo out; exit 4");
  g_assert_cmpint (result.status, ==, 4);
  g_assert_cmpstr (result.out, ==, "out\n");
  g_assert_true (g_str_has_prefix (result.err, "cam-run: "));
  g_assert_nonnull (strstr (result.err, "\ncam-run: "));
}

static void
test_sandbox (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("--sandbox: the child is root of its own namespaces, yet "
                  "cannot read a root-only file of the host.");

  if (getuid () != 0)
    {
      g_test_skip ("The root-only file needs a root caller");
      return;
    }
  dir = g_dir_make_tmp ("cam-run-XXXXXX", &error);
  g_assert_no_error (error);
  secret = g_build_filename (dir, "secret", NULL);
  g_file_set_contents (secret, "secret\n", -1, &error);
  g_assert_no_error (error);
  g_assert_no_errno (chmod (secret, 0600));

  assert_runs (0, "secret\n", "/bin/cat", secret);
  assert_runs (1, "", "--sandbox", "/bin/cat", secret);
  assert_runs (0, "0\n", "--sandbox", "/usr/bin/id", "-u");
  assert_runs (0, "1\n", "--sandbox", "/bin/sh", "-c", "echo $$");

  g_unlink (secret);
  g_rmdir (dir);
}

static void
test_files (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *hidden = NULL;
  g_autofree char *shown_file = NULL;
  g_autofree char *hidden_file = NULL;
  g_autofree char *bind_rw = NULL;
  g_autofree char *new_file = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("--isolate=files: the child sees what --bind gives it, "
                  "not a file left out.");

  dir = g_dir_make_tmp ("cam-run-XXXXXX", &error);
  g_assert_no_error (error);
  shown = g_build_filename (dir, "shown", NULL);
  hidden = g_build_filename (dir, "hidden", NULL);
  /* A root caller's sandboxed child is host nobody: it may write there. */
  g_assert_no_errno (g_mkdir (shown, 0755));
  g_assert_no_errno (g_chmod (shown, 0777));
  g_assert_no_errno (g_mkdir (hidden, 0755));
  shown_file = g_build_filename (shown, "file", NULL);
  hidden_file = g_build_filename (hidden, "file", NULL);
  g_file_set_contents (shown_file, "shown\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (hidden_file, "hidden\n", -1, &error);
  g_assert_no_error (error);

  assert_runs (0, "shown\n", "--isolate=files", "--bind", shown, "/bin/cat",
               shown_file);
  assert_runs (1, "", "--isolate=files", "--bind", shown, "/bin/cat",
               hidden_file);
  bind_rw = g_strdup_printf ("%s:/mnt", shown);
  assert_runs (0, "", "--isolate=files", "--bind-rw", bind_rw, "/bin/sh",
               "-c", "echo new >/mnt/new");
  g_assert_true (g_file_test (shown, G_FILE_TEST_IS_DIR));
  new_file = g_build_filename (shown, "new", NULL);
  g_file_get_contents (new_file, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "new\n");
}

static void
test_seccomp (void)
{
  g_test_summary ("--restrict-syscalls still runs a plain program; a "
                  "--seccomp program that is not BPF is refused with 125.");

  assert_runs (0, "ok\n", "--restrict-syscalls", "/bin/echo", "ok");
  assert_fails (125, NULL, "--seccomp", "0", "/bin/true");
}

static void
test_stdin (void)
{
  g_autofree char *script = NULL, *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
  int wait_status = 0;

  g_test_summary ("The program reads cam-run's standard input, as a "
                  "command in a pipeline does, sandboxed or not.");

  script = g_strdup_printf ("printf piped | '%s' /bin/cat && "
                            "printf piped | '%s' --sandbox /bin/cat",
                            cam_run_path (), cam_run_path ());
  argv[2] = script;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT,
                               NULL, NULL, &out, NULL, &wait_status,
                               &error));
  g_assert_no_error (error);
  g_assert_cmpint (shell_status (wait_status), ==, 0);
  g_assert_cmpstr (out, ==, "pipedpiped");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cam-run/exit/code", test_exit_code);
  g_test_add_func ("/cam-run/exit/signal", test_exit_signal);
  g_test_add_func ("/cam-run/exit/not-found", test_exit_not_found);
  g_test_add_func ("/cam-run/exit/start-failure", test_exit_start_failure);
  g_test_add_func ("/cam-run/options/bad", test_bad_options);
  g_test_add_func ("/cam-run/options/help", test_help);
  g_test_add_func ("/cam-run/options/end-at-program", test_options_end_at_program);
  g_test_add_func ("/cam-run/env", test_env);
  g_test_add_func ("/cam-run/stdin", test_stdin);
  g_test_add_func ("/cam-run/chdir", test_chdir);
  g_test_add_func ("/cam-run/rlimit", test_rlimit);
  g_test_add_func ("/cam-run/user", test_user);
  g_test_add_func ("/cam-run/cgroup", test_cgroup);
  g_test_add_func ("/cam-run/fds", test_fds);
  g_test_add_func ("/cam-run/isolate", test_isolate);
  g_test_add_func ("/cam-run/flags", test_flags);
  g_test_add_func ("/cam-run/die-with-parent", test_die_with_parent);
  g_test_add_data_func ("/cam-run/forward/term", GINT_TO_POINTER (SIGTERM),
                        test_forward_signal);
  g_test_add_data_func ("/cam-run/forward/int", GINT_TO_POINTER (SIGINT),
                        test_forward_signal);
  g_test_add_data_func ("/cam-run/forward/hup", GINT_TO_POINTER (SIGHUP),
                        test_forward_signal);
  g_test_add_func ("/cam-run/timeout", test_timeout);
  g_test_add_func ("/cam-run/json-status", test_json_status);
  g_test_add_func ("/cam-run/json-status/escape", test_json_escape);
  g_test_add_func ("/cam-run/verbose", test_verbose);
  g_test_add_func ("/cam-run/sandbox", test_sandbox);
  g_test_add_func ("/cam-run/files", test_files);
  g_test_add_func ("/cam-run/seccomp", test_seccomp);

  return g_test_run ();
}
