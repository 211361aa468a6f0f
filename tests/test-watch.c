/* test-watch.c: one pidfd watch per GMainContext, and the lifetime of a
 * running CamProcess
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <camprocess/camprocess.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cam-test-utils.h"

#define N_CROWD 20

/* The number of epoll fds of this process: GLib polls with poll(), so
 * these are the watches of CamProcess. */
static guint
count_epoll_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (g_strcmp0 (target, "anon_inode:[eventpoll]") == 0)
        n++;
    }
  return n;
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef struct {
  GMainContext *context;    /* the thread's own */
  GThread      *thread;
  CamProcess   *processes[N_CROWD];
  guint         n_wrong_thread;
  guint         n_finished;
  GMutex        lock;
  GCond         cond;
  gboolean      started;
  gboolean      go;
} Crowd;

static void
crowd_on_finished (CamProcess           *process,
                   CamProcessExitStatus  status,
                   int                   code,
                   gpointer              user_data)
{
  Crowd *crowd = user_data;

  if (g_thread_self () != crowd->thread ||
      !g_main_context_is_owner (crowd->context))
    crowd->n_wrong_thread++;
  crowd->n_finished++;
}

/* Starts N_CROWD sleepers from the thread-default context. */
static void
crowd_start (Crowd *crowd)
{
  for (guint i = 0; i < N_CROWD; i++)
    {
      crowd->processes[i] = cam_process_new ();
      g_signal_connect (crowd->processes[i], "finished",
                        G_CALLBACK (crowd_on_finished), crowd);
      cam_test_start_ready_helper (crowd->processes[i], "sleep");
    }
}

/* Kills the crowd and runs its context until every exit is dispatched. */
static void
crowd_finish (Crowd *crowd)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new (CAM_TEST_TIMEOUT_MS);

  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, crowd->context);
  for (guint i = 0; i < N_CROWD; i++)
    cam_process_kill (crowd->processes[i]);
  while (crowd->n_finished < N_CROWD && !timed_out)
    g_main_context_iteration (crowd->context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);

  g_assert_cmpuint (crowd->n_finished, ==, N_CROWD);
  g_assert_cmpuint (crowd->n_wrong_thread, ==, 0);
  for (guint i = 0; i < N_CROWD; i++)
    g_clear_object (&crowd->processes[i]);
}

static gpointer
crowd_thread (gpointer data)
{
  Crowd *crowd = data;

  g_main_context_push_thread_default (crowd->context);
  crowd_start (crowd);

  g_mutex_lock (&crowd->lock);
  crowd->started = TRUE;
  g_cond_broadcast (&crowd->cond);
  while (!crowd->go)
    g_cond_wait (&crowd->cond, &crowd->lock);
  g_mutex_unlock (&crowd->lock);

  crowd_finish (crowd);
  g_main_context_pop_thread_default (crowd->context);
  return NULL;
}

static void
test_one_per_context (void)
{
  Crowd main_crowd = { 0 }, thread_crowd = { 0 };
  g_autofree char *children = NULL;
  guint base;

  g_test_summary ("The children of one context share one watch (one epoll "
                  "fd), two contexts on two threads have one each, "
                  "\"finished\" comes from the child's own context, and "
                  "the watches go away with their last child.");

  if (!cam_test_in_subprocess ())
    return;

  cam_test_warm_up ();
  base = count_epoll_fds ();

  main_crowd.context = g_main_context_ref_thread_default ();
  main_crowd.thread = g_thread_self ();
  crowd_start (&main_crowd);
  g_assert_cmpuint (count_epoll_fds (), ==, base + 1);

  thread_crowd.context = g_main_context_new ();
  g_mutex_init (&thread_crowd.lock);
  g_cond_init (&thread_crowd.cond);
  thread_crowd.thread = g_thread_new ("crowd", crowd_thread, &thread_crowd);
  g_mutex_lock (&thread_crowd.lock);
  while (!thread_crowd.started)
    g_cond_wait (&thread_crowd.cond, &thread_crowd.lock);
  g_mutex_unlock (&thread_crowd.lock);
  g_assert_cmpuint (count_epoll_fds (), ==, base + 2);

  crowd_finish (&main_crowd);
  g_assert_cmpuint (count_epoll_fds (), ==, base + 1);

  g_mutex_lock (&thread_crowd.lock);
  thread_crowd.go = TRUE;
  g_cond_broadcast (&thread_crowd.cond);
  g_mutex_unlock (&thread_crowd.lock);
  g_thread_join (thread_crowd.thread);
  g_assert_cmpuint (count_epoll_fds (), ==, base);

  g_main_context_unref (main_crowd.context);
  g_main_context_unref (thread_crowd.context);
  g_mutex_clear (&thread_crowd.lock);
  g_cond_clear (&thread_crowd.cond);
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

/* Iterates the default context until "finished", and returns how many
 * iterations dispatched something; a watchdog bounds the wait. */
static guint
count_dispatches_until_finished (CamTestFinished *finished)
{
  GSource *timeout = g_timeout_source_new (CAM_TEST_TIMEOUT_MS);
  gboolean timed_out = FALSE;
  guint n_dispatched = 0;

  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, NULL);
  while (finished->n_finished == 0 && !timed_out && n_dispatched < 100000)
    if (g_main_context_iteration (NULL, TRUE))
      n_dispatched++;
  g_source_destroy (timeout);
  g_source_unref (timeout);

  g_assert_false (timed_out);
  g_assert_cmpuint (finished->n_finished, ==, 1);
  return n_dispatched;
}

static void
write_byte (int  fd,
            char c)
{
  while (write (fd, &c, 1) < 0 && errno == EINTR)
    ;
}

/* The tracer, in a forked child: async-signal-safe calls only.  Seizes
 * @pid, reports 'r' (or 'e'), waits for its exit without reaping it,
 * reports 'x', then holds the zombie 500 ms before it waits for it, which
 * hands it back to its real parent. */
static void G_GNUC_NORETURN
run_tracer (int pid,
            int report_fd)
{
  struct timespec hold = { 0, 500 * 1000 * 1000 };
  siginfo_t info;

  if (ptrace (PTRACE_SEIZE, pid, NULL, NULL) < 0)
    {
      write_byte (report_fd, 'e');
      _exit (1);
    }
  write_byte (report_fd, 'r');
  while (waitid (P_PID, pid, &info, WEXITED | WNOWAIT | __WALL) < 0 &&
         errno == EINTR)
    ;
  write_byte (report_fd, 'x');
  while (nanosleep (&hold, &hold) < 0 && errno == EINTR)
    ;
  while (waitid (P_PID, pid, &info, WEXITED | __WALL) < 0 && errno == EINTR)
    ;
  _exit (0);
}

static void
test_ptrace_no_spin (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  CamTestFinished finished;
  int report[2];
  int pid, tracer, wstatus;
  guint n_dispatched;
  char c = 0;

  g_test_summary ("A child whose exit a ptrace tracer holds for 500 ms "
                  "(its pidfd polls readable, it cannot be reaped yet) "
                  "costs a bounded number of dispatches, not a spinning "
                  "loop, and its true status is reported once the tracer "
                  "lets go.");

  if (!cam_test_in_subprocess ())
    return;

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");
  pid = cam_process_get_pid (process);

  cam_test_pipe (report);
  tracer = fork ();
  g_assert_cmpint (tracer, >=, 0);
  if (tracer == 0)
    run_tracer (pid, report[1]);
  g_assert_no_errno (close (report[1]));

  g_assert_cmpint (read (report[0], &c, 1), ==, 1);
  if (c != 'r')
    {
      cam_process_kill (process);
      cam_test_finished_wait (&finished);
      cam_test_finished_unwatch (&finished);
      g_assert_cmpint (waitpid (tracer, &wstatus, 0), ==, tracer);
      g_test_skip ("ptrace (PTRACE_SEIZE) is not permitted here");
      return;
    }

  cam_process_kill (process);
  /* Now a zombie that only the tracer may wait for. */
  g_assert_cmpint (read (report[0], &c, 1), ==, 1);
  g_assert_cmpint (c, ==, 'x');

  n_dispatched = count_dispatches_until_finished (&finished);
  g_test_message ("%u dispatches while the tracer held the child", n_dispatched);
  g_assert_cmpuint (n_dispatched, <=, 20);
  g_assert_cmpint (finished.status, ==, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT);
  g_assert_cmpint (finished.code, ==, SIGKILL);
  cam_test_finished_unwatch (&finished);

  g_assert_cmpint (waitpid (tracer, &wstatus, 0), ==, tracer);
  g_assert_true (WIFEXITED (wstatus) && WEXITSTATUS (wstatus) == 0);
  g_assert_no_errno (close (report[0]));
}

static void
test_closed_pidfd (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autofree char *children = NULL;
  CamTestFinished finished;
  siginfo_t info = { 0 };
  guint n_dispatched;
  int pidfd, copy;

  g_test_summary ("A pidfd closed behind CamProcess's back (its file kept "
                  "alive by a dup) is reported once with a warning and "
                  "given up, never polled in a loop.");

  if (!cam_test_in_subprocess ())
    return;

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");
  pidfd = cam_process_get_pidfd (process);
  copy = fcntl (pidfd, F_DUPFD_CLOEXEC, 3);
  g_assert_no_errno (copy);
  /* The application's bug under test; no fd is opened until "finished",
   * so the number is not reused meanwhile. */
  g_assert_no_errno (close (pidfd));
  g_assert_no_errno (pidfd_send_signal (copy, SIGKILL, NULL, 0));

  g_test_expect_message ("Cam", G_LOG_LEVEL_WARNING,
                         "Failed to reap child through pidfd*");
  n_dispatched = count_dispatches_until_finished (&finished);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (n_dispatched, <=, 5);
  g_assert_cmpint (finished.status, ==, CAM_PROCESS_EXIT_STATUS_UNKNOWN);
  g_assert_false (cam_process_get_running (process));
  cam_test_finished_unwatch (&finished);

  /* Our own copy reaps the zombie. */
  g_assert_no_errno (waitid (P_PIDFD, copy, &info, WEXITED));
  g_assert_no_errno (close (copy));
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

static void
set_finalized (gpointer  data,
               GObject  *where_the_object_was)
{
  *(gboolean *) data = TRUE;
}

static void
test_lifetime_keep_alive (void)
{
  g_autofree char *children = NULL;
  GSource *timeout;
  CamProcess *process = cam_process_new ();
  gboolean finalized = FALSE, timed_out = FALSE;
  int pid;

  g_test_summary ("By default, dropping the last reference to a running "
                  "process neither kills the child nor leaks the object: "
                  "it lives until the child is reaped and \"finished\" "
                  "emitted, as GSubprocess does.");

  if (!cam_test_in_subprocess ())
    {
      g_object_unref (process);
      return;
    }

  g_object_weak_ref (G_OBJECT (process), set_finalized, &finalized);
  cam_test_start_ready_helper (process, "sleep");
  pid = cam_process_get_pid (process);
  g_object_unref (process);

  cam_test_iterate_for (50);
  g_assert_false (finalized);
  g_assert_true (cam_test_pid_exists (pid));
  children = cam_test_list_children ();
  g_assert_cmpstr (children, !=, "");

  /* Only the pid is left to us. */
  g_assert_no_errno (kill (pid, SIGTERM));
  timeout = g_timeout_source_new (CAM_TEST_TIMEOUT_MS);
  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, NULL);
  while (!finalized && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);

  g_assert_true (finalized);
  g_assert_false (cam_test_pid_exists (pid));
  g_clear_pointer (&children, g_free);
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

static void
test_lifetime_kill_on_dispose (void)
{
  g_autofree char *children = NULL;
  CamProcess *process = cam_process_new ();
  gboolean finalized = FALSE;
  int pid;

  g_test_summary ("With KILL_ON_DISPOSE, dropping the last reference to a "
                  "running process kills and reaps its child at once.");

  g_object_weak_ref (G_OBJECT (process), set_finalized, &finalized);
  cam_process_set_flags (process, CAM_PROCESS_FLAGS_KILL_ON_DISPOSE);
  cam_test_start_ready_helper (process, "sleep");
  pid = cam_process_get_pid (process);
  g_object_unref (process);

  g_assert_true (finalized);
  g_assert_false (cam_test_pid_exists (pid));
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/watch/one-per-context", test_one_per_context);
  g_test_add_func ("/process/watch/ptrace-no-spin", test_ptrace_no_spin);
  g_test_add_func ("/process/watch/closed-pidfd", test_closed_pidfd);
  g_test_add_func ("/process/watch/lifetime/keep-alive",
                   test_lifetime_keep_alive);
  g_test_add_func ("/process/watch/lifetime/kill-on-dispose",
                   test_lifetime_kill_on_dispose);

  return g_test_run ();
}
