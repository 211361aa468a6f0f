/* test-sandbox.c: CamProcessFlags, fd remapping, rlimits, cgroup placement
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each flag is observed from inside the child by cam-test-helper: its
 * namespaces (/proc/self/ns inodes against ours), network interfaces,
 * NoNewPrivs, resource limits, session, cgroup.  Bad input must give a
 * GError and leave no child.  Issue #3.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cam-test-seccomp.h"
#include "cam-test-utils.h"

/* Why the root cases need root. */
static const char * const why_root =
  "a namespace without a user namespace needs CAP_SYS_ADMIN";

/* Asserts which namespaces of the child (print-ns) differ from ours. */
static void
assert_namespaces (const char *print_ns,
                   const char *isolated)
{
  static const char * const names[] = { "user", "net", "ipc", "pid", "mnt" };
  g_auto(GStrv) lines = g_strsplit (print_ns, "\n", -1);
  g_auto(GStrv) expected = g_strsplit (isolated, " ", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (names) + 1);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/ns/%s", names[i]);
      g_autofree char *own = NULL;
      struct stat st;

      g_assert_no_errno (stat (path, &st));
      own = g_strdup_printf ("%s %llu", names[i],
                             (unsigned long long) st.st_ino);
      if (g_strv_contains ((const char * const *) expected, names[i]))
        g_assert_cmpstr (lines[i], !=, own);
      else
        g_assert_cmpstr (lines[i], ==, own);
    }
}

/* "         0      65534          1\n" → "0 65534 1" */
static char *
squeeze (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (gsize i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (" ", (char **) kept->pdata);
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
test_isolate_user (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *ns = NULL, *ids = NULL, *map = NULL, *line = NULL;
  g_autofree char *expected = NULL, *setgroups = NULL;

  if (cam_test_skip_unless_userns ())
    return;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_ISOLATE_USER);
  ns = cam_test_run_helper_report (process, "print-ns", NULL);
  assert_namespaces (ns, "user");

  ids = cam_test_run_helper_report (process, "print-ids", NULL);
  g_assert_cmpstr (ids, ==, "uid 0 0 0\ngid 0 0 0\ngroups 0\n");

  /* Inside 0 is the host's nobody for root, the caller's uid otherwise. */
  map = cam_test_run_helper_report (process, "print-file",
                                    "/proc/self/uid_map", NULL);
  line = squeeze (map);
  expected = g_strdup_printf ("0 %u 1", geteuid () == 0 ? 65534 : geteuid ());
  g_assert_cmpstr (line, ==, expected);

  setgroups = cam_test_run_helper_report (process, "print-file",
                                          "/proc/self/setgroups", NULL);
  g_assert_cmpstr (setgroups, ==, "deny\n");
}

static void
test_isolate_net (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *ns = NULL, *ifs = NULL;

  if (cam_test_skip_unless_root (why_root))
    return;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_ISOLATE_NET);
  ns = cam_test_run_helper_report (process, "print-ns", NULL);
  assert_namespaces (ns, "net");
  ifs = cam_test_run_helper_report (process, "print-netifs", NULL);
  g_assert_cmpstr (ifs, ==, "lo down\n");
}

static void
test_isolate_ipc (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *ns = NULL;

  if (cam_test_skip_unless_root (why_root))
    return;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_ISOLATE_IPC);
  ns = cam_test_run_helper_report (process, "print-ns", NULL);
  assert_namespaces (ns, "ipc");
}

static void
test_isolate_pid (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *ns = NULL, *session = NULL;
  g_auto(GStrv) ids = NULL;

  if (cam_test_skip_unless_root (why_root))
    return;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_ISOLATE_PID);
  ns = cam_test_run_helper_report (process, "print-ns", NULL);
  assert_namespaces (ns, "pid");

  /* The program itself is pid 1, not a child of an intermediate. */
  session = cam_test_run_helper_report (process, "print-session", NULL);
  ids = g_strsplit (session, " ", -1);
  g_assert_cmpstr (ids[0], ==, "1");
}

/* An init process only gets the signals it handles: SIGTERM is dropped,
 * SIGKILL is not, as the docs of ISOLATE_PID say. */
static void
test_isolate_pid_signals (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL, *ready_arg = NULL;
  CamTestFinished finished;
  int p[2];

  if (cam_test_skip_unless_root (why_root))
    return;
  if (pidfd_send_signal (-1, 0, NULL, 0) < 0 && errno == ENOSYS)
    {
      g_test_skip ("pidfd_send_signal() is not available (valgrind 3.19?)");
      return;
    }

  /* DIE_WITH_PARENT: a failed assertion must not leave the helper behind. */
  process = cam_test_process_new (CAM_PROCESS_FLAGS_ISOLATE_PID |
                                  CAM_PROCESS_FLAGS_DIE_WITH_PARENT);
  cam_test_finished_watch (&finished, process);
  cam_test_pipe (p);
  ready_arg = g_strdup_printf ("%d", p[1]);
  g_assert_true (cam_test_start_helper (process, &p[1], 1, &error, "sleep",
                                        ready_arg, NULL));
  g_assert_no_error (error);
  g_assert_no_errno (close (p[1]));
  ready = cam_test_read_line (p[0]);
  g_assert_cmpstr (ready, ==, "ready");

  g_assert_true (cam_process_send_signal (process, SIGTERM, &error));
  g_assert_no_error (error);
  cam_test_iterate_for (200);
  g_assert_cmpuint (finished.n_finished, ==, 0);
  g_assert_true (cam_process_get_running (process));

  cam_process_kill (process);
  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT,
                                 SIGKILL);
  cam_test_finished_unwatch (&finished);
  g_assert_no_errno (close (p[0]));
}

/* Mounts the child makes must not propagate back, even under a shared
 * mount: in a mount namespace of our own we make a shared tmpfs, and the
 * child mounts on a directory of it. */
static void
test_isolate_mount (void)
{
  g_autofree char *dir = NULL, *sub = NULL, *mountinfo = NULL;
  g_autofree char *ns = NULL, *ready = NULL, *ready_arg = NULL;
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  int p[2], in[2];

  if (cam_test_skip_unless_root (why_root) || !cam_test_in_subprocess ())
    return;

  dir = g_dir_make_tmp ("cam-test-mount-XXXXXX", NULL);
  g_assert_nonnull (dir);
  sub = g_build_filename (dir, "sub", NULL);
  g_assert_no_errno (unshare (CLONE_NEWNS));
  g_assert_no_errno (mount ("none", "/", NULL, MS_REC | MS_PRIVATE, NULL));
  g_assert_no_errno (mount ("cam-test", dir, "tmpfs", 0, NULL));
  g_assert_no_errno (mount ("none", dir, NULL, MS_SHARED, NULL));
  g_assert_no_errno (g_mkdir (sub, 0755));

  process = cam_test_process_new (CAM_PROCESS_FLAGS_ISOLATE_MOUNT);
  ns = cam_test_run_helper_report (process, "print-ns", NULL);
  assert_namespaces (ns, "mnt");

  /* The helper waits for EOF on stdin: it ends when we close our end, or
   * die. */
  cam_test_finished_watch (&finished, process);
  cam_test_pipe (p);
  cam_test_pipe (in);
  cam_process_take_fd (process, in[0], STDIN_FILENO);
  ready_arg = g_strdup_printf ("%d", p[1]);
  g_assert_true (cam_test_start_helper (process, &p[1], 1, &error,
                                        "mount-tmpfs", ready_arg, sub, NULL));
  g_assert_no_error (error);
  g_assert_no_errno (close (p[1]));
  ready = cam_test_read_line (p[0]);
  g_assert_cmpstr (ready, ==, "mounted");

  g_assert_true (g_file_get_contents ("/proc/self/mountinfo", &mountinfo,
                                      NULL, NULL));
  g_assert_null (strstr (mountinfo, sub));

  g_assert_no_errno (close (in[1]));
  cam_test_finished_wait (&finished);
  g_assert_cmpint (finished.code, ==, 0);
  cam_test_finished_unwatch (&finished);
  g_assert_no_errno (close (p[0]));

  g_assert_no_errno (umount (dir));
  g_assert_no_errno (g_rmdir (dir));
}

static void
test_no_new_privs (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(CamProcess) plain = cam_process_new ();
  g_autofree char *own = NULL, *nnp = NULL, *inherited = NULL;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_NO_NEW_PRIVS);
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

  process = cam_test_process_new (CAM_PROCESS_FLAGS_NEW_SESSION);
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
      g_autoptr(CamProcess) process = cam_test_process_new (flags);
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

/* In a new PID namespace getppid() is 0: the child reads its parent from
 * /proc/self/stat instead. */
static void
test_die_with_parent_isolate_pid (void)
{
  if (cam_test_skip_unless_root (why_root) || !cam_test_in_subprocess ())
    return;
  check_die_with_parent (CAM_PROCESS_FLAGS_ISOLATE_PID);
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

  process = cam_test_process_new (CAM_PROCESS_FLAGS_INHERIT_FDS);
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

  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 0);
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

/* A target at or above the fd limit, G_MAXINT included, is refused with a
 * message that says so (it once overflowed, or failed as a pipe). */
static void
test_take_fd_target_over_limit (void)
{
  struct rlimit nofile;
  const int targets[] = { 0, G_MAXINT };

  g_assert_no_errno (getrlimit (RLIMIT_NOFILE, &nofile));
  g_assert_cmpuint (nofile.rlim_cur, <, G_MAXINT);

  for (gsize i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr(CamProcess) process = cam_process_new ();
      g_autofree char *fragment = NULL;
      int target = targets[i] != 0 ? targets[i] : (int) nofile.rlim_cur;
      int p[2];

      cam_test_pipe (p);
      cam_process_take_fd (process, p[1], target);
      fragment = g_strdup_printf ("File descriptor %d cannot be given to the child: it exceeds the limit of open files",
                                  target);
      assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                          fragment);
      assert_pipe_closed (p[0]);
    }
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

/* Not RLIMIT_NOFILE, RLIMIT_DATA nor RLIMIT_STACK: valgrind emulates
 * those for the child it runs until exec, and refuses to change them. */
static void
test_rlimit (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fsize = g_strdup_printf ("%d", RLIMIT_FSIZE);
  g_autofree char *core = g_strdup_printf ("%d", RLIMIT_CORE);
  g_autofree char *got_fsize = NULL, *got_core = NULL;

  /* A later call replaces an earlier one for the same resource. */
  g_assert_true (cam_process_set_rlimit (process, RLIMIT_FSIZE, 1 << 20,
                                         1 << 21, &error));
  g_assert_true (cam_process_set_rlimit (process, RLIMIT_FSIZE, 4096, 8192,
                                         &error));
  g_assert_true (cam_process_set_rlimit (process, RLIMIT_CORE, 0, 0, &error));
  g_assert_no_error (error);

  got_fsize = cam_test_run_helper_report (process, "print-rlimit", fsize,
                                          NULL);
  g_assert_cmpstr (got_fsize, ==, "4096 8192\n");
  got_core = cam_test_run_helper_report (process, "print-rlimit", core, NULL);
  g_assert_cmpstr (got_core, ==, "0 0\n");
}

static void
test_rlimit_invalid (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL;

  g_assert_false (cam_process_set_rlimit (process, 9999, 1, 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "9999"));
  g_clear_error (&error);

  g_assert_false (cam_process_set_rlimit (process, -1, 1, 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (cam_process_set_rlimit (process, RLIMIT_NOFILE, 64, 32,
                                          &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“RLIMIT_NOFILE”"));

  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

/* A hard RLIMIT_NOFILE above fs.nr_open is refused even to root: the
 * child reports the step and the resource. */
static void
test_rlimit_refused (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *nr_open = NULL, *fragment = NULL;
  guint64 too_many;

  g_assert_true (g_file_get_contents ("/proc/sys/fs/nr_open", &nr_open, NULL,
                                      NULL));
  too_many = g_ascii_strtoull (nr_open, NULL, 10) + 1;
  g_assert_true (cam_process_set_rlimit (process, RLIMIT_NOFILE, 64,
                                         too_many, &error));
  g_assert_no_error (error);

  fragment = g_strdup_printf ("resource limit “RLIMIT_NOFILE” of the child process: %s",
                              g_strerror (EPERM));
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                      fragment);
}

/* Whether CapEff in /proc/self/status has CAP_SYS_RESOURCE (24). */
static gboolean
has_cap_sys_resource (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL,
                                      NULL));
  line = strstr (status, "\nCapEff:\t");
  g_assert_nonnull (line);
  return (g_ascii_strtoull (line + strlen ("\nCapEff:\t"), NULL, 16) >> 24) & 1;
}

/* Limits apply after the identity switch: root may raise a hard limit for
 * its child, but not for a SANDBOX child, which is nobody on the host. */
static void
test_rlimit_sandbox (void)
{
  g_autoptr(CamProcess) plain = cam_process_new ();
  g_autoptr(CamProcess) sandboxed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *msgqueue = g_strdup_printf ("%d", RLIMIT_MSGQUEUE);
  g_autofree char *raised = NULL, *expected = NULL;
  struct rlimit64 lim;
  guint64 above;

  if (geteuid () != 0)
    {
      g_test_skip ("needs root: only a root caller's SANDBOX child changes host uid");
      return;
    }
  if (cam_test_skip_unless_userns ())
    return;
  if (!has_cap_sys_resource ())
    {
      g_test_skip ("root lacks CAP_SYS_RESOURCE here (a container?): it cannot raise a hard limit either");
      return;
    }

  g_assert_no_errno (getrlimit64 (RLIMIT_MSGQUEUE, &lim));
  if (lim.rlim_max == RLIM64_INFINITY)
    {
      g_test_skip ("RLIMIT_MSGQUEUE has no hard limit to raise");
      return;
    }
  above = lim.rlim_max + 1;

  g_assert_true (cam_process_set_rlimit (plain, RLIMIT_MSGQUEUE, above,
                                         above, &error));
  raised = cam_test_run_helper_report (plain, "print-rlimit", msgqueue, NULL);
  expected = g_strdup_printf ("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
                              above, above);
  g_assert_cmpstr (raised, ==, expected);

  sandboxed = cam_test_process_new (CAM_PROCESS_FLAGS_SANDBOX);
  g_assert_true (cam_process_set_rlimit (sandboxed, RLIMIT_MSGQUEUE, above,
                                         above, &error));
  assert_start_fails (sandboxed, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                      "“RLIMIT_MSGQUEUE”");
}

/* The cgroup v2 mount point, from our mountinfo; NULL if none. */
static char *
find_cgroup2_mount (void)
{
  g_autofree char *mountinfo = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/mountinfo", &mountinfo, NULL, NULL))
    return NULL;
  lines = g_strsplit (mountinfo, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", -1);
      gsize n = g_strv_length (fields);

      /* "ID PARENT DEV ROOT MOUNT_POINT … - cgroup2 SOURCE OPTIONS" */
      if (n >= 10 && g_str_equal (fields[n - 3], "cgroup2"))
        return g_strdup (fields[4]);
    }
  return NULL;
}

/* valgrind answers ENOSYS to clone3(); CLONE_INTO_CGROUP has no other way. */
static gboolean
skip_unless_clone3 (void)
{
  if (syscall (SYS_clone3, NULL, 0) < 0 && errno != ENOSYS)
    return FALSE;
  g_test_skip ("clone3() is not available (valgrind?): no CLONE_INTO_CGROUP");
  return TRUE;
}

static void
test_cgroup (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autofree char *root = find_cgroup2_mount ();
  g_autofree char *name = NULL, *path = NULL, *msg = NULL;
  g_autofree char *cgroup = NULL, *line = NULL;
  g_auto(GStrv) lines = NULL;

  if (root == NULL)
    {
      g_test_skip ("no cgroup v2 hierarchy is mounted");
      return;
    }
  if (skip_unless_clone3 ())
    return;

  name = g_strdup_printf ("cam-test-%d", (int) getpid ());
  path = g_build_filename (root, name, NULL);
  if (g_mkdir (path, 0755) < 0)
    {
      int errsv = errno;

      msg = g_strdup_printf ("cannot create a cgroup in %s: %s", root,
                             g_strerror (errsv));
      g_test_skip (msg);
      return;
    }

  cam_process_set_cgroup (process, path);
  cgroup = cam_test_run_helper_report (process, "print-file",
                                       "/proc/self/cgroup", NULL);
  g_assert_no_errno (g_rmdir (path));

  /* The v2 line is "0::PATH", relative to our cgroup namespace. */
  lines = g_strsplit (cgroup, "\n", -1);
  line = g_strdup_printf ("0::/%s", name);
  g_assert_true (g_strv_contains ((const char * const *) lines, line));
}

static void
test_cgroup_missing (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();

  cam_process_set_cgroup (process, "/sys/fs/cgroup/cam-test-does-not-exist");
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                      "Failed to open cgroup “/sys/fs/cgroup/cam-test-does-not-exist”");
}

static void
test_cgroup_not_v2 (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autofree char *dir = g_dir_make_tmp ("cam-test-cgroup-XXXXXX", NULL);

  g_assert_nonnull (dir);
  cam_process_set_cgroup (process, dir);
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                      "not a directory of a cgroup v2");
  g_assert_no_errno (g_rmdir (dir));

  /* A controller of a v1 (legacy or hybrid) layout, where there is one. */
  if (g_file_test ("/sys/fs/cgroup/pids/cgroup.procs", G_FILE_TEST_EXISTS))
    {
      cam_process_set_cgroup (process, "/sys/fs/cgroup/pids");
      assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                          "not a directory of a cgroup v2");
    }
}

/* Where clone3() is refused, a cgroup cannot be had: the error says why. */
static void
test_cgroup_no_clone3 (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autofree char *root = find_cgroup2_mount ();

  if (root == NULL)
    {
      g_test_skip ("no cgroup v2 hierarchy is mounted");
      return;
    }
  if (cam_test_skip_unless_seccomp ())
    return;
  if (!cam_test_in_subprocess ())
    return;

  g_assert_no_errno (cam_test_seccomp_fail_syscall (__NR_clone3, ENOSYS));
  cam_process_set_cgroup (process, root);
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                      "CLONE_INTO_CGROUP");
}

/* g_file_set_contents() writes a new file and renames it: not for /proc. */
static void
write_proc (const char *path,
            const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);

  g_assert_no_errno (fd);
  g_assert_cmpint (write (fd, text, strlen (text)), ==, strlen (text));
  g_assert_no_errno (close (fd));
}

/* In a user namespace of our own we may set user.max_user_namespaces to 0
 * for it alone, as an administrator would for the whole system. */
static void
test_userns_disabled (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *uid_map = NULL, *gid_map = NULL;
  const char *why = "user namespaces are disabled on this system (user.max_user_namespaces is 0)";

  if (cam_test_skip_unless_userns () || !cam_test_in_subprocess ())
    return;

  /* Supplementary groups could not be dropped in there (setgroups is
   * denied), and the child would try. */
  if (getgroups (0, NULL) > 0)
    g_assert_no_errno (setgroups (0, NULL));
  uid_map = g_strdup_printf ("0 %u 1", geteuid ());
  gid_map = g_strdup_printf ("0 %u 1", getegid ());
  g_assert_no_errno (unshare (CLONE_NEWUSER));
  write_proc ("/proc/self/setgroups", "deny");
  write_proc ("/proc/self/uid_map", uid_map);
  write_proc ("/proc/self/gid_map", gid_map);
  write_proc ("/proc/sys/user/max_user_namespaces", "0");

  /* We are uid 0 in here; ask for it, as nobody is not mapped. */
  process = cam_test_process_new (CAM_PROCESS_FLAGS_SANDBOX);
  cam_process_set_user (process, 0, 0);
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, why);

  /* With a PID namespace, the user namespace comes from the clone. */
  cam_process_set_flags (process, CAM_PROCESS_FLAGS_SANDBOX |
                                  CAM_PROCESS_FLAGS_ISOLATE_PID);
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, why);
}

/* A container's seccomp profile answers EPERM to a clone that creates a
 * user namespace.  Filters cannot read clone3()'s flags, so such profiles
 * refuse clone3 as a whole and clone with CLONE_NEWUSER; here both are
 * refused, as the test starts no thread. */
static void
test_userns_forbidden (void)
{
  g_autoptr(CamProcess) process = NULL;

  if (cam_test_skip_unless_userns ())
    return;
  if (cam_test_skip_unless_seccomp ())
    return;
  if (!cam_test_in_subprocess ())
    return;

  g_assert_no_errno (cam_test_seccomp_fail_syscall (__NR_clone3, EPERM));
  g_assert_no_errno (cam_test_seccomp_fail_syscall (__NR_clone, EPERM));
  process = cam_test_process_new (CAM_PROCESS_FLAGS_SANDBOX);
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                      "user namespaces are not permitted here");
}

static void
test_sandbox (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *ns = NULL, *ifs = NULL, *nnp = NULL, *session = NULL;
  g_auto(GStrv) session_ids = NULL;
  CamProcessFlags expected = CAM_PROCESS_FLAGS_ISOLATE_USER |
                             CAM_PROCESS_FLAGS_ISOLATE_NET |
                             CAM_PROCESS_FLAGS_ISOLATE_IPC |
                             CAM_PROCESS_FLAGS_ISOLATE_PID |
                             CAM_PROCESS_FLAGS_ISOLATE_MOUNT |
                             CAM_PROCESS_FLAGS_ISOLATE_FILES |
                             CAM_PROCESS_FLAGS_NEW_SESSION |
                             CAM_PROCESS_FLAGS_NO_NEW_PRIVS |
                             CAM_PROCESS_FLAGS_DIE_WITH_PARENT |
                             CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS;

  g_assert_cmpint (CAM_PROCESS_FLAGS_SANDBOX & expected, ==, expected);
  if (cam_test_skip_unless_userns ())
    return;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_SANDBOX);
  ns = cam_test_run_helper_report (process, "print-ns", NULL);
  assert_namespaces (ns, "user net ipc pid mnt");
  /* Pid 1 of its namespace, leader of a session of its own. */
  session = cam_test_run_helper_report (process, "print-session", NULL);
  session_ids = g_strsplit (session, " ", -1);
  g_assert_cmpstr (session_ids[0], ==, "1");
  g_assert_cmpstr (session_ids[1], ==, "1");
  ifs = cam_test_run_helper_report (process, "print-netifs", NULL);
  g_assert_cmpstr (ifs, ==, "lo down\n");
  nnp = cam_test_run_helper_report (process, "print-status", "NoNewPrivs",
                                    NULL);
  g_assert_cmpstr (nnp, ==, "NoNewPrivs 1\n");
}

/* Neither a sandboxed spawn nor a refused one leaves an fd behind (the
 * cgroup directory, the taken fds) or a child. */
static void
test_no_leaks (void)
{
  g_autofree char *before = NULL, *after = NULL, *children = NULL;
  g_autofree char *root = find_cgroup2_mount ();

  if (!cam_test_in_subprocess ())
    return;

  cam_test_warm_up ();
  before = cam_test_list_fds ();

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(CamProcess) process = cam_process_new ();
      g_autoptr(CamProcess) refused = cam_process_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *report = NULL;
      int p[2];

      if (cam_test_userns_enabled ())
        cam_process_set_flags (process, CAM_PROCESS_FLAGS_SANDBOX |
                                        CAM_PROCESS_FLAGS_NEW_SESSION);
      g_assert_true (cam_process_set_rlimit (process, RLIMIT_CORE, 0, 0,
                                             &error));
      cam_test_pipe (p);
      cam_process_take_fd (process, p[0], 100);
      report = cam_test_run_helper_report (process, "list-fds", NULL);
      g_assert_no_errno (close (p[1]));

      cam_process_set_cgroup (refused, root != NULL ? root : "/");
      if (root != NULL)
        cam_process_set_rlimit (refused, RLIMIT_NOFILE, 0, G_MAXUINT64 - 1,
                                NULL);
      cam_test_pipe (p);
      cam_process_take_fd (refused, p[0], 100);
      g_assert_false (cam_test_start_helper (refused, NULL, 0, &error, "exit",
                                             "0", NULL));
      g_assert_no_errno (close (p[1]));
    }

  after = cam_test_list_fds ();
  g_assert_cmpstr (after, ==, before);
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/sandbox/flags-property", test_flags_property);
  g_test_add_func ("/process/sandbox/isolate-user", test_isolate_user);
  g_test_add_func ("/process/sandbox/isolate-net", test_isolate_net);
  g_test_add_func ("/process/sandbox/isolate-ipc", test_isolate_ipc);
  g_test_add_func ("/process/sandbox/isolate-pid", test_isolate_pid);
  g_test_add_func ("/process/sandbox/isolate-pid/signals",
                   test_isolate_pid_signals);
  g_test_add_func ("/process/sandbox/isolate-mount", test_isolate_mount);
  g_test_add_func ("/process/sandbox/no-new-privs", test_no_new_privs);
  g_test_add_func ("/process/sandbox/new-session", test_new_session);
  g_test_add_func ("/process/sandbox/die-with-parent", test_die_with_parent);
  g_test_add_func ("/process/sandbox/die-with-parent/isolate-pid",
                   test_die_with_parent_isolate_pid);
  g_test_add_func ("/process/sandbox/inherit-fds", test_inherit_fds);
  g_test_add_func ("/process/sandbox/take-fd", test_take_fd);
  g_test_add_func ("/process/sandbox/take-fd/swap", test_take_fd_swap);
  g_test_add_func ("/process/sandbox/take-fd/bad-target",
                   test_take_fd_bad_target);
  g_test_add_func ("/process/sandbox/take-fd/target-over-limit",
                   test_take_fd_target_over_limit);
  g_test_add_func ("/process/sandbox/take-fd/same-target",
                   test_take_fd_same_target);
  g_test_add_func ("/process/sandbox/take-fd/same-target-as-list",
                   test_take_fd_same_target_as_list);
  g_test_add_func ("/process/sandbox/take-fd/dispose", test_take_fd_dispose);
  g_test_add_func ("/process/sandbox/rlimit", test_rlimit);
  g_test_add_func ("/process/sandbox/rlimit/invalid", test_rlimit_invalid);
  g_test_add_func ("/process/sandbox/rlimit/refused", test_rlimit_refused);
  g_test_add_func ("/process/sandbox/rlimit/sandbox", test_rlimit_sandbox);
  g_test_add_func ("/process/sandbox/cgroup", test_cgroup);
  g_test_add_func ("/process/sandbox/cgroup/missing", test_cgroup_missing);
  g_test_add_func ("/process/sandbox/cgroup/not-v2", test_cgroup_not_v2);
  g_test_add_func ("/process/sandbox/cgroup/no-clone3", test_cgroup_no_clone3);
  g_test_add_func ("/process/sandbox/userns/disabled", test_userns_disabled);
  g_test_add_func ("/process/sandbox/userns/forbidden", test_userns_forbidden);
  g_test_add_func ("/process/sandbox/sandbox", test_sandbox);
  g_test_add_func ("/process/sandbox/no-leaks", test_no_leaks);

  return g_test_run ();
}
