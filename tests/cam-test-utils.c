/* cam-test-utils.c: helpers shared by the camprocess tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "cam-test-utils.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* bookworm's headers predate PIDFD_GET_INFO (Linux 6.13) and
 * PIDFD_INFO_EXIT (Linux 6.15); this is the first version of the struct. */
struct cam_test_pidfd_info
{
  guint64 mask;
  guint64 cgroupid;
  guint32 pid;
  guint32 tgid;
  guint32 ppid;
  guint32 ruid;
  guint32 rgid;
  guint32 euid;
  guint32 egid;
  guint32 suid;
  guint32 sgid;
  guint32 fsuid;
  guint32 fsgid;
  gint32  exit_code;
};
G_STATIC_ASSERT (sizeof (struct cam_test_pidfd_info) == 64);

#define CAM_TEST_PIDFD_GET_INFO  _IOWR (0xFF, 11, struct cam_test_pidfd_info)
#define CAM_TEST_PIDFD_INFO_EXIT (G_GUINT64_CONSTANT (1) << 3)

/**
 * cam_test_in_subprocess:
 *
 * Runs the current test again in a g_test_trap_subprocess() child, for the
 * cases that install seccomp filters, reap children they did not start or
 * count fds.  Use it as `if (!cam_test_in_subprocess ()) return;` followed
 * by the test body.
 *
 * Returns: %TRUE in the child, which must run the test body; %FALSE in the
 *   parent, once the child has passed
 */
gboolean
cam_test_in_subprocess (void)
{
  if (g_test_subprocess ())
    return TRUE;

  g_test_trap_subprocess (NULL, CAM_TEST_SUBPROCESS_TIMEOUT_USEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  return FALSE;
}

/**
 * cam_test_timeout_ms:
 *
 * Returns: %CAM_TEST_TIMEOUT_MS: 10,000 times CAM_TEST_TIMEOUT_SCALE (a
 *   whole number, 1 when unset)
 */
guint
cam_test_timeout_ms (void)
{
  const char *scale = g_getenv ("CAM_TEST_TIMEOUT_SCALE");
  guint64 factor = 1;

  if (scale != NULL &&
      !g_ascii_string_to_unsigned (scale, 10, 1, 100, &factor, NULL))
    factor = 1;
  return 10000 * (guint) factor;
}

/**
 * cam_test_become_unprivileged:
 *
 * Makes the calling process (a g_test_trap_subprocess() child) host
 * nobody, uid and gid 65534 with no supplementary groups, if it is root; a
 * caller that is not root stays who it is.  The id switch clears the
 * dumpable flag, which any process that nobody starts has: it is set
 * again, as it would be.
 */
void
cam_test_become_unprivileged (void)
{
  if (geteuid () != 0)
    return;
  g_assert_no_errno (setgroups (0, NULL));
  g_assert_no_errno (setresgid (65534, 65534, 65534));
  g_assert_no_errno (setresuid (65534, 65534, 65534));
  g_assert_no_errno (prctl (PR_SET_DUMPABLE, 1, 0, 0, 0));
}

/**
 * cam_test_process_new:
 * @flags: the flags to set
 *
 * Returns: (transfer full): a new #CamProcess with @flags set
 */
CamProcess *
cam_test_process_new (CamProcessFlags flags)
{
  CamProcess *process = cam_process_new ();

  cam_process_set_flags (process, flags);
  return process;
}

/**
 * cam_test_skip_unless_root:
 * @why: what the test needs root for
 *
 * Skips the current test, giving @why as the reason, unless the caller is
 * root.  Use it as `if (cam_test_skip_unless_root ("…")) return;`.
 *
 * Returns: %TRUE if the test was skipped
 */
gboolean
cam_test_skip_unless_root (const char *why)
{
  g_autofree char *msg = NULL;

  if (geteuid () == 0)
    return FALSE;
  msg = g_strdup_printf ("needs root: %s", why);
  g_test_skip (msg);
  return TRUE;
}

/**
 * cam_test_userns_enabled:
 *
 * Returns: whether unprivileged user namespaces may be created here
 *   (user.max_user_namespaces is above 0)
 */
gboolean
cam_test_userns_enabled (void)
{
  g_autofree char *max = NULL;

  return g_file_get_contents ("/proc/sys/user/max_user_namespaces", &max,
                              NULL, NULL) &&
         g_ascii_strtoll (max, NULL, 10) > 0;
}

/**
 * cam_test_skip_unless_userns:
 *
 * Skips the current test unless cam_test_userns_enabled().
 *
 * Returns: %TRUE if the test was skipped
 */
gboolean
cam_test_skip_unless_userns (void)
{
  if (cam_test_userns_enabled ())
    return FALSE;
  g_test_skip ("user namespaces are disabled here (user.max_user_namespaces)");
  return TRUE;
}

/**
 * cam_test_skip_unless_public:
 * @path: (type filename): a program of the build tree
 *
 * Skips the current test unless another uid (a SANDBOX child of root, a
 * test that drops its ids) could execute @path: every directory above it
 * must be searchable by others.
 *
 * Returns: %TRUE if the test was skipped
 */
gboolean
cam_test_skip_unless_public (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *dir = g_canonicalize_filename (path, NULL);

  for (;;)
    {
      struct stat st;
      char *slash;

      g_assert_no_errno (stat (dir, &st));
      if (!(st.st_mode & S_IXOTH))
        {
          g_autofree char *msg = g_strdup_printf ("%s is not searchable by other users, who could not run %s",
                                                  dir, name);

          g_test_skip (msg);
          return TRUE;
        }
      if (g_str_equal (dir, "/"))
        return FALSE;
      slash = strrchr (dir, '/');
      slash[slash == dir ? 1 : 0] = '\0';
    }
}

/**
 * cam_test_warm_up:
 *
 * Runs the helper once to completion, so that whatever GLib and the library
 * set up on first use (the main context and its wakeup fd, cached kernel
 * probes) exists before a test takes a baseline of its fds.
 */
void
cam_test_warm_up (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autofree char *report = NULL;

  report = cam_test_run_helper_report (process, "print-cwd", NULL);
  g_assert_cmpstr (report, !=, "");
}

/**
 * cam_test_helper_path:
 *
 * Returns: (transfer none): the absolute path of cam-test-helper
 */
const char *
cam_test_helper_path (void)
{
  static char *path = NULL;

  if (g_once_init_enter (&path))
    g_once_init_leave (&path, g_test_build_filename (G_TEST_BUILT, "cam-test-helper", NULL));

  return path;
}

static GPtrArray *
helper_argv_va (const char *mode,
                va_list     args)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *arg;

  g_ptr_array_add (argv, (gpointer) cam_test_helper_path ());
  g_ptr_array_add (argv, (gpointer) mode);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);

  return argv;
}

/**
 * cam_test_start_helper:
 * @process: a #CamProcess
 * @fds: (array length=n_fds): fds the helper inherits
 * @n_fds: the length of @fds
 * @error: return location for an error
 * @mode: the helper mode (argv[1])
 * @...: more arguments, then %NULL
 *
 * Starts cam-test-helper in @mode.
 *
 * Returns: what cam_process_start() returns
 */
gboolean
cam_test_start_helper (CamProcess  *process,
                       const int   *fds,
                       gsize        n_fds,
                       GError     **error,
                       const char  *mode,
                       ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, mode);
  argv = helper_argv_va (mode, args);
  va_end (args);

  return cam_process_start (process, cam_test_helper_path (),
                            (const char * const *) argv->pdata,
                            fds, n_fds, error);
}

/**
 * cam_test_start_ready_helper:
 * @process: a #CamProcess
 * @mode: a helper mode that takes a READY_FD argument ("sleep",
 *   "ignore-term")
 *
 * Starts `cam-test-helper MODE READY_FD` and returns once it has written
 * "ready", i.e. once it has set up its signal dispositions.
 */
void
cam_test_start_ready_helper (CamProcess *process,
                             const char *mode)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ready_fd_arg = NULL;
  g_autofree char *line = NULL;
  int pipe_fds[2];
  gboolean ok;

  cam_test_pipe (pipe_fds);
  ready_fd_arg = g_strdup_printf ("%d", pipe_fds[1]);

  ok = cam_test_start_helper (process, &pipe_fds[1], 1, &error, mode,
                              ready_fd_arg, NULL);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_no_errno (close (pipe_fds[1]));

  line = cam_test_read_line (pipe_fds[0]);
  g_assert_cmpstr (line, ==, "ready");
  g_assert_no_errno (close (pipe_fds[0]));
}

/**
 * cam_test_run_helper_report:
 * @process: a #CamProcess that is not running
 * @mode: a helper mode that takes an output fd as its first argument
 * @...: more arguments after that fd, then %NULL
 *
 * Runs cam-test-helper in @mode with the write end of a pipe as its output
 * fd (the only fd in the fd list), waits for it to exit with status 0 and
 * returns what it wrote.
 *
 * Returns: (transfer full): the helper's report
 */
char *
cam_test_run_helper_report (CamProcess *process,
                            const char *mode,
                            ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autofree char *out_fd_arg = NULL;
  CamTestFinished finished;
  char *report;
  int pipe_fds[2];
  va_list args;

  cam_test_pipe (pipe_fds);
  out_fd_arg = g_strdup_printf ("%d", pipe_fds[1]);

  va_start (args, mode);
  argv = helper_argv_va (mode, args);
  va_end (args);
  /* The output fd goes right after the mode. */
  g_ptr_array_insert (argv, 2, out_fd_arg);

  cam_test_finished_watch (&finished, process);
  cam_process_start (process, cam_test_helper_path (),
                     (const char * const *) argv->pdata,
                     &pipe_fds[1], 1, &error);
  g_assert_no_error (error);
  g_assert_no_errno (close (pipe_fds[1]));

  report = cam_test_read_to_eof (pipe_fds[0]);
  g_assert_no_errno (close (pipe_fds[0]));

  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 0);
  cam_test_finished_unwatch (&finished);

  return report;
}

static void
on_finished (CamProcess           *process,
             CamProcessExitStatus  status,
             int                   code,
             gpointer              user_data)
{
  CamTestFinished *finished = user_data;
  GSource *source = g_main_current_source ();

  finished->n_finished++;
  finished->status = status;
  finished->code = code;
  finished->running = cam_process_get_running (process);
  finished->thread = g_thread_self ();
  finished->context = source != NULL ? g_source_get_context (source) : NULL;
}

/**
 * cam_test_finished_watch:
 * @finished: (out caller-allocates): the record to fill
 * @process: the process to watch
 *
 * Starts recording the emissions of #CamProcess::finished on @process.
 */
void
cam_test_finished_watch (CamTestFinished *finished,
                         CamProcess      *process)
{
  *finished = (CamTestFinished) {
    .status = CAM_PROCESS_EXIT_STATUS_NOT_EXITED,
    .code = -1,
    .process = g_object_ref (process),
  };
  finished->handler_id = g_signal_connect (process, "finished",
                                           G_CALLBACK (on_finished), finished);
}

/**
 * cam_test_finished_unwatch:
 * @finished: a record set up by cam_test_finished_watch()
 *
 * Stops recording and drops the reference on the process.
 */
void
cam_test_finished_unwatch (CamTestFinished *finished)
{
  g_clear_signal_handler (&finished->handler_id, finished->process);
  g_clear_object (&finished->process);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * cam_test_finished_wait:
 * @finished: a record set up by cam_test_finished_watch()
 *
 * Iterates the thread-default main context until #CamProcess::finished has
 * been emitted once more than at the previous wait, and fails the test if
 * that takes longer than %CAM_TEST_TIMEOUT_MS or if it was emitted more than
 * once.
 */
void
cam_test_finished_wait (CamTestFinished *finished)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  g_autoptr(GSource) timeout = g_timeout_source_new (CAM_TEST_TIMEOUT_MS);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, context);

  while (finished->n_finished == finished->n_waited && !timed_out)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timeout);

  if (timed_out)
    g_test_message ("\"finished\" not emitted within %u ms", CAM_TEST_TIMEOUT_MS);

  g_assert_cmpuint (finished->n_finished, ==, finished->n_waited + 1);
  finished->n_waited++;
}

/**
 * cam_test_assert_exit:
 * @process: a #CamProcess whose child has been reaped
 * @status: the expected [property@Cam.Process:exit-status]
 * @code: the expected [property@Cam.Process:exit-code]
 *
 * Asserts how the last child of @process ended.
 */
void
cam_test_assert_exit (CamProcess           *process,
                      CamProcessExitStatus  status,
                      int                   code)
{
  g_assert_cmpint (cam_process_get_exit_status (process), ==, status);
  g_assert_cmpint (cam_process_get_exit_code (process), ==, code);
}

/**
 * cam_test_finished_assert_exit:
 * @finished: a #CamTestFinished watching a started process
 * @status: the expected status
 * @code: the expected code
 *
 * Waits for the next emission of #CamProcess::finished (see
 * cam_test_finished_wait()) and asserts its status and code.
 */
void
cam_test_finished_assert_exit (CamTestFinished      *finished,
                               CamProcessExitStatus  status,
                               int                   code)
{
  cam_test_finished_wait (finished);
  g_assert_cmpint (finished->status, ==, status);
  g_assert_cmpint (finished->code, ==, code);
}

/**
 * cam_test_iterate_for:
 * @msec: how long to iterate
 *
 * Iterates the thread-default main context for @msec milliseconds, so that
 * anything pending (such as a wrong second emission) gets dispatched.
 */
void
cam_test_iterate_for (guint msec)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  g_autoptr(GSource) timeout = g_timeout_source_new (msec);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, context);

  while (!timed_out)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timeout);
}

/**
 * cam_test_pipe:
 * @fds: (out caller-allocates) (array fixed-size=2): the read and write ends
 *
 * Creates a pipe whose both ends have FD_CLOEXEC.
 */
void
cam_test_pipe (int fds[2])
{
  g_assert_no_errno (pipe2 (fds, O_CLOEXEC));
}

/* Waits until @fd is readable; fails the test after %CAM_TEST_TIMEOUT_MS. */
static void
wait_readable (int    fd,
               gint64 deadline)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  int r;

  do
    {
      gint64 remaining = (deadline - g_get_monotonic_time ()) / 1000;

      r = poll (&pfd, 1, (int) MAX (remaining, 0));
    }
  while (r < 0 && errno == EINTR);

  g_assert_no_errno (r);
  if (r == 0)
    g_test_message ("fd %d not readable within %u ms", fd, CAM_TEST_TIMEOUT_MS);
  g_assert_cmpint (r, ==, 1);
}

static gssize
read_some (int    fd,
           char  *buf,
           gsize  len,
           gint64 deadline)
{
  gssize n;

  wait_readable (fd, deadline);
  do
    n = read (fd, buf, len);
  while (n < 0 && errno == EINTR);
  g_assert_no_errno (n);

  return n;
}

/**
 * cam_test_read_line:
 * @fd: a blocking fd, such as the read end of a pipe
 *
 * Reads up to and including the next "\n", one byte at a time so that
 * nothing after it is consumed.
 *
 * Returns: (transfer full): the line without its "\n", or what was read
 *   before EOF
 */
char *
cam_test_read_line (int fd)
{
  gint64 deadline = g_get_monotonic_time () + CAM_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  GString *line = g_string_new (NULL);
  char c;

  while (read_some (fd, &c, 1, deadline) == 1 && c != '\n')
    g_string_append_c (line, c);

  return g_string_free (line, FALSE);
}

/**
 * cam_test_read_to_eof:
 * @fd: a blocking fd, such as the read end of a pipe
 *
 * Reads until EOF; fails the test if that takes longer than
 * %CAM_TEST_TIMEOUT_MS.
 *
 * Returns: (transfer full): what was read
 */
char *
cam_test_read_to_eof (int fd)
{
  gint64 deadline = g_get_monotonic_time () + CAM_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  GString *data = g_string_new (NULL);
  char buf[4096];
  gssize n;

  while ((n = read_some (fd, buf, sizeof buf, deadline)) > 0)
    g_string_append_len (data, buf, n);

  return g_string_free (data, FALSE);
}

static int
compare_ints (gconstpointer a,
              gconstpointer b)
{
  int x = *(const int *) a;
  int y = *(const int *) b;

  return (x > y) - (x < y);
}

/**
 * cam_test_format_numbers:
 * @numbers: (element-type int): numbers, sorted in place
 *
 * Sorts @numbers and joins them with spaces, the format of
 * `cam-test-helper list-fds` without its "\n".
 *
 * Returns: (transfer full): the list, "" if empty
 */
char *
cam_test_format_numbers (GArray *numbers)
{
  GString *s = g_string_new (NULL);

  g_array_sort (numbers, compare_ints);
  for (guint i = 0; i < numbers->len; i++)
    g_string_append_printf (s, i == 0 ? "%d" : " %d", g_array_index (numbers, int, i));

  return g_string_free (s, FALSE);
}

/**
 * cam_test_list_fds:
 *
 * Lists the fds open in this process, in the format of
 * `cam-test-helper list-fds` (without its "\n"), so that a test can compare
 * them with g_assert_cmpstr() and see the difference when it fails.
 *
 * Returns: (transfer full): the sorted fd numbers, space-separated
 */
char *
cam_test_list_fds (void)
{
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* The listing includes the fd of the GDir itself; it is closed by the
   * time fcntl() checks each entry below, which drops it. */
  dir = g_dir_open ("/proc/self/fd", 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      int fd = atoi (name);

      g_array_append_val (fds, fd);
    }
  g_clear_pointer (&dir, g_dir_close);

  for (guint i = fds->len; i > 0; i--)
    {
      if (fcntl (g_array_index (fds, int, i - 1), F_GETFD) < 0)
        g_array_remove_index (fds, i - 1);
    }

  return cam_test_format_numbers (fds);
}

/**
 * cam_test_list_children:
 *
 * Lists the children of every thread of this process, zombies included, from
 * /proc/self/task/ * /children.
 *
 * Returns: (transfer full): the sorted pids, space-separated; "" if none
 */
char *
cam_test_list_children (void)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) tasks = NULL;
  const char *tid;

  tasks = g_dir_open ("/proc/self/task", 0, &error);
  g_assert_no_error (error);

  while ((tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", tid, "children", NULL);
      g_autofree char *contents = NULL;
      g_auto(GStrv) words = NULL;

      /* A thread that exited since the listing has no file any more. */
      if (!g_file_get_contents (path, &contents, NULL, NULL))
        continue;

      words = g_strsplit_set (g_strstrip (contents), " ", -1);
      for (char **w = words; *w != NULL; w++)
        {
          int pid;

          if (**w == '\0')
            continue;
          pid = atoi (*w);
          g_array_append_val (pids, pid);
        }
    }

  return cam_test_format_numbers (pids);
}

/**
 * cam_test_pid_exists:
 * @pid: a process id
 *
 * Returns: whether a process (zombie or not) has this pid
 */
gboolean
cam_test_pid_exists (int pid)
{
  g_assert_cmpint (pid, >, 0);

  return kill (pid, 0) == 0 || errno != ESRCH;
}

/**
 * cam_test_have_pidfd_info_exit:
 *
 * Checks that the kernel keeps the exit status of a reaped process for its
 * pidfds (PIDFD_GET_INFO with PIDFD_INFO_EXIT, Linux 6.15).
 *
 * Returns: whether it does
 */
gboolean
cam_test_have_pidfd_info_exit (void)
{
  struct cam_test_pidfd_info info = { .mask = CAM_TEST_PIDFD_INFO_EXIT };
  int pidfd;
  int status;
  pid_t pid;
  int r;

  /* A fork-like clone with CLONE_PIDFD rather than fork + pidfd_open:
   * valgrind 3.19 has no pidfd_open but runs this clone. */
  pid = (pid_t) syscall (SYS_clone, CLONE_PIDFD | SIGCHLD, NULL, &pidfd,
                         NULL, NULL);
  g_assert_no_errno (pid);
  if (pid == 0)
    _exit (42);

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);

  r = ioctl (pidfd, CAM_TEST_PIDFD_GET_INFO, &info);
  g_assert_no_errno (close (pidfd));

  return r == 0 &&
         (info.mask & CAM_TEST_PIDFD_INFO_EXIT) != 0 &&
         WIFEXITED (info.exit_code) &&
         WEXITSTATUS (info.exit_code) == 42;
}
