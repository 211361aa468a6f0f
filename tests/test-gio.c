/* test-gio.c: the GIO-style API of CamProcess (issue #4)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Waits (async, checked, sync), terminate, stdio pipes, communicate,
 * GInitable construction and translated messages.
 *
 * main() ignores SIGPIPE, as the docs of cam_process_get_stdin_pipe() ask
 * of a program that may feed a child that does not read all its input.
 */

#include <errno.h>
#include <fcntl.h>
#include <libintl.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "cam-test-utils.h"

/* ------------------------------------------------------------------ */
/* Helpers */

/* An async call in flight: its result and how many times "finished" had
 * been emitted when its callback ran. */
typedef struct {
  GAsyncResult    *result;
  CamTestFinished *finished;
  guint            n_finished;
  guint            order;        /* 1 + index among the calls completed */
} AsyncCall;

static guint n_calls_completed;

static void
async_call_done (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AsyncCall *call = user_data;

  g_assert_null (call->result);
  call->result = g_object_ref (result);
  call->n_finished = call->finished != NULL ? call->finished->n_finished : 0;
  call->order = ++n_calls_completed;
}

static gboolean
set_flag (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

static void
set_flag_notify (gpointer user_data)
{
  set_flag (user_data);
}

/* Iterates the thread-default context until @call completes; fails after
 * CAM_TEST_TIMEOUT_MS. */
static void
async_call_wait (AsyncCall *call)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  g_autoptr(GSource) timeout = g_timeout_source_new (CAM_TEST_TIMEOUT_MS);
  gboolean timed_out = FALSE;

  g_source_set_callback (timeout, set_flag, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (call->result == NULL && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);

  if (timed_out)
    g_test_message ("async call not completed within %u ms",
                    CAM_TEST_TIMEOUT_MS);
  g_assert_nonnull (call->result);
}

static void
async_call_clear (AsyncCall *call)
{
  g_clear_object (&call->result);
}

/* Starts cam-test-helper as `cat FD 1`, FD being the read end of a pipe
 * whose write end is returned: the child blocks reading FD until that end
 * is closed, holding its standard input, output and error as the stdio
 * flags set them (the sleep modes point theirs to /dev/null), and never
 * reads stdin.  If the test dies, the EOF on FD ends the child. */
static int
start_blocked_cat (CamProcess *process)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fd_arg = NULL;
  int hold[2];

  cam_test_pipe (hold);
  fd_arg = g_strdup_printf ("%d", hold[0]);
  cam_test_start_helper (process, &hold[0], 1, &error, "cat", fd_arg, "1",
                         NULL);
  g_assert_no_error (error);
  g_assert_no_errno (close (hold[0]));
  return hold[1];
}

static void
start_exit (CamProcess *process,
            const char *code)
{
  g_autoptr(GError) error = NULL;

  cam_test_start_helper (process, NULL, 0, &error, "exit", code, NULL);
  g_assert_no_error (error);
}

/* Kills a child the test left running and waits for its "finished". */
static void
kill_and_reap (CamProcess      *process,
               CamTestFinished *finished)
{
  cam_process_kill (process);
  cam_test_finished_wait (finished);
  g_assert_cmpint (finished->status, ==, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT);
  g_assert_cmpint (finished->code, ==, SIGKILL);
}

/* @size reproducible bytes of noise. */
static GBytes *
random_bytes (gsize size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, size);
}

/* Runs the current test body in a g_test_trap_subprocess() child that
 * must fail with a critical matching @pattern. */
static gboolean
expect_critical_in_subprocess (const char *pattern)
{
  if (g_test_subprocess ())
    return TRUE;

  g_test_trap_subprocess (NULL, CAM_TEST_SUBPROCESS_TIMEOUT_USEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr (pattern);
  return FALSE;
}

/* Cancels a cancellable after CAM_TEST_TIMEOUT_MS unless stopped first:
 * turns a synchronous call that would hang into a failure. */
typedef struct {
  GMutex        lock;
  GCond         cond;
  gboolean      stopped;
  GCancellable *cancellable;
  GThread      *thread;
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *dog = data;
  gint64 deadline = g_get_monotonic_time () +
                    CAM_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  gboolean fired = FALSE;

  g_mutex_lock (&dog->lock);
  while (!dog->stopped && !fired)
    fired = !g_cond_wait_until (&dog->cond, &dog->lock, deadline);
  g_mutex_unlock (&dog->lock);

  if (fired)
    {
      g_test_message ("watchdog: call not completed within %u ms",
                      CAM_TEST_TIMEOUT_MS);
      g_cancellable_cancel (dog->cancellable);
    }
  return NULL;
}

static void
watchdog_start (Watchdog *dog)
{
  g_mutex_init (&dog->lock);
  g_cond_init (&dog->cond);
  dog->stopped = FALSE;
  dog->cancellable = g_cancellable_new ();
  dog->thread = g_thread_new ("watchdog", watchdog_thread, dog);
}

static void
watchdog_stop (Watchdog *dog)
{
  g_mutex_lock (&dog->lock);
  dog->stopped = TRUE;
  g_cond_signal (&dog->cond);
  g_mutex_unlock (&dog->lock);
  g_thread_join (dog->thread);
  g_clear_object (&dog->cancellable);
  g_mutex_clear (&dog->lock);
  g_cond_clear (&dog->cond);
}

/* ------------------------------------------------------------------ */
/* wait_async */

static void
test_wait_async_exit_code (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  cam_test_finished_watch (&finished, process);
  start_exit (process, "7");
  cam_process_wait_async (process, NULL, async_call_done, &call);
  g_assert_null (call.result);
  async_call_wait (&call);

  /* "finished" came first, exactly once. */
  g_assert_cmpuint (call.n_finished, ==, 1);
  g_assert_true (cam_process_wait_finish (process, call.result, &error));
  g_assert_no_error (error);
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 7);
  g_assert_false (cam_process_get_running (process));

  cam_test_iterate_for (50);
  g_assert_cmpuint (finished.n_finished, ==, 1);
  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

static void
test_wait_async_signal (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");
  cam_process_wait_async (process, NULL, async_call_done, &call);
  cam_process_kill (process);
  async_call_wait (&call);

  g_assert_cmpuint (call.n_finished, ==, 1);
  g_assert_true (cam_process_wait_finish (process, call.result, &error));
  g_assert_no_error (error);
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT, SIGKILL);

  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

/* A wait on a child that is gone completes with its status, in a later
 * iteration (GTask never calls back from within the _async call). */
static void
test_wait_async_not_running (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  cam_test_finished_watch (&finished, process);
  start_exit (process, "3");
  cam_test_finished_wait (&finished);

  cam_process_wait_async (process, NULL, async_call_done, &call);
  g_assert_null (call.result);
  async_call_wait (&call);
  g_assert_true (cam_process_wait_finish (process, call.result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cam_process_get_exit_code (process), ==, 3);

  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

static void
test_wait_async_several (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  CamTestFinished finished;
  AsyncCall calls[3] = {
    { NULL, &finished }, { NULL, &finished }, { NULL, &finished },
  };

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");
  n_calls_completed = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (calls); i++)
    cam_process_wait_async (process, NULL, async_call_done, &calls[i]);
  cam_process_send_signal (process, SIGTERM, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(GError) error = NULL;

      async_call_wait (&calls[i]);
      g_assert_cmpuint (calls[i].n_finished, ==, 1);
      g_assert_cmpuint (calls[i].order, ==, i + 1);
      g_assert_true (cam_process_wait_finish (process, calls[i].result,
                                              &error));
      g_assert_no_error (error);
      async_call_clear (&calls[i]);
    }
  g_assert_cmpint (cam_process_get_exit_code (process), ==, SIGTERM);
  cam_test_finished_unwatch (&finished);
}

/* Cancelling the wait leaves the child running; a later wait sees the
 * exit it then makes. */
static void
test_wait_async_cancel (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };
  AsyncCall later = { NULL, &finished };
  int pid;

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");
  pid = cam_process_get_pid (process);

  cam_process_wait_async (process, cancellable, async_call_done, &call);
  g_cancellable_cancel (cancellable);
  async_call_wait (&call);
  g_assert_false (cam_process_wait_finish (process, call.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  cam_test_iterate_for (100);
  g_assert_cmpuint (finished.n_finished, ==, 0);
  g_assert_true (cam_process_get_running (process));
  g_assert_true (cam_test_pid_exists (pid));

  cam_process_wait_async (process, NULL, async_call_done, &later);
  g_assert_true (cam_process_send_signal (process, SIGTERM, &error));
  g_assert_no_error (error);
  async_call_wait (&later);
  g_assert_true (cam_process_wait_finish (process, later.result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (later.n_finished, ==, 1);
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT, SIGTERM);

  async_call_clear (&call);
  async_call_clear (&later);
  cam_test_finished_unwatch (&finished);
}

static void
test_wait_async_cancelled_before (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");
  g_cancellable_cancel (cancellable);

  cam_process_wait_async (process, cancellable, async_call_done, &call);
  async_call_wait (&call);
  g_assert_false (cam_process_wait_finish (process, call.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (cam_process_get_running (process));

  kill_and_reap (process, &finished);
  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

static void
test_wait_async_not_started (void)
{
  if (expect_critical_in_subprocess ("*cam_process_has_started*"))
    {
      g_autoptr(CamProcess) process = cam_process_new ();

      cam_process_wait_async (process, NULL, NULL, NULL);
    }
}

/* g_object_run_dispose() (bindings call it) kills the child without
 * "finished": every pending call completes with G_IO_ERROR_CLOSED, and
 * none keeps the object alive. */
static void
test_wait_async_run_dispose (void)
{
  CamProcess *process = cam_process_new ();
  g_autoptr(GError) wait_error = NULL;
  g_autoptr(GError) check_error = NULL;
  g_autoptr(GError) comm_error = NULL;
  AsyncCall wait_call = { NULL }, check_call = { NULL }, comm_call = { NULL };
  gboolean finalized = FALSE;
  int hold_fd;

  /* Not a weak pointer: g_object_run_dispose() clears those. */
  g_object_set_data_full (G_OBJECT (process), "cam-test-finalized",
                          &finalized, set_flag_notify);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  hold_fd = start_blocked_cat (process);

  cam_process_wait_async (process, NULL, async_call_done, &wait_call);
  cam_process_wait_check_async (process, NULL, async_call_done, &check_call);
  cam_process_communicate_async (process, NULL, NULL, async_call_done,
                                 &comm_call);
  cam_test_iterate_for (50);
  g_assert_null (wait_call.result);

  g_object_run_dispose (G_OBJECT (process));
  async_call_wait (&wait_call);
  async_call_wait (&check_call);
  async_call_wait (&comm_call);
  g_assert_false (cam_process_wait_finish (process, wait_call.result,
                                           &wait_error));
  g_assert_error (wait_error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_false (cam_process_wait_check_finish (process, check_call.result,
                                                 &check_error));
  g_assert_error (check_error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_false (cam_process_communicate_finish (process, comm_call.result,
                                                  NULL, NULL, &comm_error));
  g_assert_error (comm_error, G_IO_ERROR, G_IO_ERROR_CLOSED);

  async_call_clear (&wait_call);
  async_call_clear (&check_call);
  async_call_clear (&comm_call);
  /* Results dropped: nothing else holds the object. */
  cam_test_iterate_for (50);
  g_object_unref (process);
  g_assert_true (finalized);
  g_assert_no_errno (close (hold_fd));
}

/* ------------------------------------------------------------------ */
/* wait_check */

static void
test_wait_check_success (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  cam_test_finished_watch (&finished, process);
  start_exit (process, "0");
  cam_process_wait_check_async (process, NULL, async_call_done, &call);
  async_call_wait (&call);
  g_assert_cmpuint (call.n_finished, ==, 1);
  g_assert_true (cam_process_wait_check_finish (process, call.result, &error));
  g_assert_no_error (error);

  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

static void
test_wait_check_exit_code (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  cam_test_finished_watch (&finished, process);
  start_exit (process, "3");
  cam_process_wait_check_async (process, NULL, async_call_done, &call);
  async_call_wait (&call);
  g_assert_cmpuint (call.n_finished, ==, 1);
  g_assert_false (cam_process_wait_check_finish (process, call.result,
                                                 &error));
  g_assert_error (error, CAM_PROCESS_ERROR, CAM_PROCESS_ERROR_EXITED);
  g_assert_cmpstr (error->message, ==,
                   "The child process exited with code 3");

  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

static void
test_wait_check_signal (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");
  cam_process_wait_check_async (process, NULL, async_call_done, &call);
  cam_process_kill (process);
  async_call_wait (&call);
  g_assert_false (cam_process_wait_check_finish (process, call.result,
                                                 &error));
  g_assert_error (error, CAM_PROCESS_ERROR, CAM_PROCESS_ERROR_SIGNALED);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The child process was killed by signal 9 ("));

  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

static void
restart_on_finished (CamProcess           *process,
                     CamProcessExitStatus  status,
                     int                   code,
                     gpointer              user_data)
{
  if (code == 3)
    cam_test_start_ready_helper (process, "sleep");
}

/* The check reports the child that ran when it was made, even when a
 * "finished" handler starts another one before the callback. */
static void
test_wait_check_restarted (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  cam_test_finished_watch (&finished, process);
  g_signal_connect (process, "finished", G_CALLBACK (restart_on_finished),
                    NULL);
  start_exit (process, "3");
  cam_process_wait_check_async (process, NULL, async_call_done, &call);
  async_call_wait (&call);

  g_assert_true (cam_process_get_running (process));
  g_assert_false (cam_process_wait_check_finish (process, call.result,
                                                 &error));
  g_assert_error (error, CAM_PROCESS_ERROR, CAM_PROCESS_ERROR_EXITED);

  cam_test_finished_wait (&finished);   /* the exit 3 */
  kill_and_reap (process, &finished);   /* the sleeper */
  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

static void
test_wait_check_sync (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;

  cam_test_finished_watch (&finished, process);
  start_exit (process, "4");
  g_assert_false (cam_process_wait_check (process, NULL, &error));
  g_assert_error (error, CAM_PROCESS_ERROR, CAM_PROCESS_ERROR_EXITED);
  g_assert_cmpuint (finished.n_finished, ==, 1);
  g_clear_error (&error);

  start_exit (process, "0");
  g_assert_true (cam_process_wait_check (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (finished.n_finished, ==, 2);

  cam_test_finished_unwatch (&finished);
}

/* ------------------------------------------------------------------ */
/* wait (sync) */

static gboolean
count_dispatch (gpointer user_data)
{
  guint *count = user_data;

  (*count)++;
  return G_SOURCE_CONTINUE;
}

/* The sync wait iterates a private context: an idle of the caller's
 * context does not run, yet the watch's work (the reap and "finished")
 * is done before the wait returns. */
static void
test_wait_private_context (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  guint n_idle = 0;
  guint idle_id;

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");
  idle_id = g_idle_add (count_dispatch, &n_idle);
  g_assert_true (cam_process_send_signal (process, SIGTERM, &error));

  g_assert_true (cam_process_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_idle, ==, 0);
  g_assert_cmpuint (finished.n_finished, ==, 1);
  g_assert_true (finished.thread == g_thread_self ());
  g_assert_false (finished.running);
  g_assert_cmpint (cam_process_get_exit_code (process), ==, SIGTERM);

  /* Nothing is left to dispatch for the process in the caller's context. */
  g_source_remove (idle_id);
  cam_test_iterate_for (50);
  g_assert_cmpuint (finished.n_finished, ==, 1);

  /* A second wait returns at once. */
  g_assert_true (cam_process_wait (process, NULL, &error));
  g_assert_no_error (error);
  cam_test_finished_unwatch (&finished);
}

static void
restart_once (CamProcess           *process,
              CamProcessExitStatus  status,
              int                   code,
              gpointer              user_data)
{
  guint *n_finished = user_data;
  g_autoptr(GError) error = NULL;

  if ((*n_finished)++ == 0)
    {
      g_assert_true (cam_process_start (process, cam_test_helper_path (),
                                        (const char * const[]) {
                                          cam_test_helper_path (),
                                          "exit", "7", NULL },
                                        NULL, 0, &error));
      g_assert_no_error (error);
    }
}

static void
test_wait_restart_from_handler (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  gboolean timed_out = FALSE;
  guint n_finished = 0;
  guint timeout_id;

  g_test_summary ("A child started again by a \"finished\" handler during "
                  "a synchronous wait is watched from the caller's context, "
                  "not from the wait's private one.");

  g_signal_connect (process, "finished", G_CALLBACK (restart_once),
                    &n_finished);
  g_assert_true (cam_process_start (process, "/bin/true", NULL, NULL, 0,
                                    &error));
  g_assert_no_error (error);

  g_assert_true (cam_process_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_finished, ==, 1);
  g_assert_true (cam_process_get_running (process));

  /* The timeout wakes the loop up should nothing else ever be dispatched
   * in this context, as when the new child is watched elsewhere. */
  timeout_id = g_timeout_add (CAM_TEST_TIMEOUT_MS, set_flag, &timed_out);
  while (n_finished < 2 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  g_assert_cmpuint (n_finished, ==, 2);
  g_assert_false (cam_process_get_running (process));
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 7);
}

static gpointer
cancel_later_thread (gpointer user_data)
{
  g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (user_data);
  return NULL;
}

static void
test_wait_cancel (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  GThread *thread;

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");

  thread = g_thread_new ("cancel-later", cancel_later_thread, cancellable);
  g_assert_false (cam_process_wait (process, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_thread_join (thread);

  g_assert_true (cam_process_get_running (process));
  g_assert_true (cam_test_pid_exists (cam_process_get_pid (process)));
  g_assert_cmpuint (finished.n_finished, ==, 0);

  kill_and_reap (process, &finished);
  cam_test_finished_unwatch (&finished);
}

typedef struct {
  CamProcess   *process;
  GMainContext *context;
  GMainLoop    *loop;
  GMutex        lock;
  GCond         cond;
  gboolean      started;
} Worker;

/* Starts a sleeper from its own context and runs that context, holding it
 * from before the start so that the main thread cannot acquire it. */
static gpointer
worker_thread (gpointer user_data)
{
  Worker *worker = user_data;

  g_main_context_push_thread_default (worker->context);
  g_assert_true (g_main_context_acquire (worker->context));
  cam_test_start_ready_helper (worker->process, "sleep");

  g_mutex_lock (&worker->lock);
  worker->started = TRUE;
  g_cond_signal (&worker->cond);
  g_mutex_unlock (&worker->lock);

  g_main_loop_run (worker->loop);
  g_main_context_release (worker->context);
  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

/* When another thread runs the watch's context, the sync wait leaves the
 * reap to it, and still returns only after "finished" was emitted there. */
/* What the synchronous calls made from a "finished" handler returned. */
typedef struct {
  Watchdog *dog;
  gboolean  wait_ok;
  gboolean  wait_check_ok;
  GError   *wait_check_error;
  gboolean  communicate_ok;
  GBytes   *stdout_buf;
  guint     n_calls;
} HandlerWaits;

static void
finished_then_wait (CamProcess           *process,
                    CamProcessExitStatus  status,
                    int                   code,
                    gpointer              user_data)
{
  HandlerWaits *waits = user_data;
  g_autoptr(GError) error = NULL;

  waits->n_calls++;
  waits->wait_ok = cam_process_wait (process, waits->dog->cancellable,
                                     &error);
  g_assert_no_error (error);
  waits->wait_check_ok = cam_process_wait_check (process,
                                                 waits->dog->cancellable,
                                                 &waits->wait_check_error);
  waits->communicate_ok = cam_process_communicate (process, NULL,
                                                   waits->dog->cancellable,
                                                   &waits->stdout_buf, NULL,
                                                   &error);
  g_assert_no_error (error);
}

/* A handler of "finished" may wait for the child it announces: the
 * status is final, so the synchronous calls return at once. */
static void
test_wait_from_finished (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  Watchdog dog;
  HandlerWaits waits = { &dog };
  CamTestFinished finished;

  watchdog_start (&dog);
  cam_test_finished_watch (&finished, process);
  g_signal_connect (process, "finished", G_CALLBACK (finished_then_wait),
                    &waits);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  start_exit (process, "7");
  cam_test_finished_wait (&finished);
  watchdog_stop (&dog);

  g_assert_cmpuint (waits.n_calls, ==, 1);
  g_assert_true (waits.wait_ok);
  g_assert_false (waits.wait_check_ok);
  g_assert_error (waits.wait_check_error, CAM_PROCESS_ERROR,
                  CAM_PROCESS_ERROR_EXITED);
  g_assert_true (waits.communicate_ok);
  g_assert_nonnull (waits.stdout_buf);
  g_assert_cmpuint (g_bytes_get_size (waits.stdout_buf), ==, 0);

  g_signal_handlers_disconnect_by_data (process, &waits);
  g_clear_error (&waits.wait_check_error);
  g_clear_pointer (&waits.stdout_buf, g_bytes_unref);
  cam_test_finished_unwatch (&finished);
}

static void
test_wait_other_thread (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(GError) error = NULL;
  Worker worker = { process, context, loop };
  CamTestFinished finished;
  GThread *thread;

  cam_test_finished_watch (&finished, process);
  g_mutex_init (&worker.lock);
  g_cond_init (&worker.cond);
  thread = g_thread_new ("worker", worker_thread, &worker);

  g_mutex_lock (&worker.lock);
  while (!worker.started)
    g_cond_wait (&worker.cond, &worker.lock);
  g_mutex_unlock (&worker.lock);

  g_assert_true (cam_process_send_signal (process, SIGTERM, &error));
  g_assert_true (cam_process_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (finished.n_finished, ==, 1);
  g_assert_true (finished.thread == thread);
  g_assert_true (finished.context == context);
  g_assert_cmpint (cam_process_get_exit_code (process), ==, SIGTERM);

  g_main_loop_quit (loop);
  g_thread_join (thread);
  g_mutex_clear (&worker.lock);
  g_cond_clear (&worker.cond);
  cam_test_finished_unwatch (&finished);
}

/* A synchronous wait in a thread of its own. */
typedef struct {
  CamProcess *process;
  GThread    *thread;
  GMutex      lock;
  GCond       cond;
  gboolean    done;
  gboolean    ok;
} SyncWaiter;

static gpointer
sync_waiter_thread (gpointer data)
{
  SyncWaiter *waiter = data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = cam_process_wait (waiter->process, NULL, &error);
  g_assert_no_error (error);
  g_mutex_lock (&waiter->lock);
  waiter->ok = ok;
  waiter->done = TRUE;
  g_cond_broadcast (&waiter->cond);
  g_mutex_unlock (&waiter->lock);
  return NULL;
}

static void
sync_waiter_start (SyncWaiter *waiter,
                   CamProcess *process)
{
  waiter->process = process;
  g_mutex_init (&waiter->lock);
  g_cond_init (&waiter->cond);
  waiter->thread = g_thread_new ("sync-waiter", sync_waiter_thread, waiter);
}

/* The watchdog: whether the wait returned within CAM_TEST_TIMEOUT_MS. */
static gboolean
sync_waiter_returned (SyncWaiter *waiter)
{
  gint64 deadline = g_get_monotonic_time () +
                    CAM_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  gboolean done;

  g_mutex_lock (&waiter->lock);
  while (!waiter->done &&
         g_cond_wait_until (&waiter->cond, &waiter->lock, deadline))
    ;
  done = waiter->done;
  g_mutex_unlock (&waiter->lock);
  return done;
}

static void
sync_waiter_join (SyncWaiter *waiter)
{
  g_thread_join (waiter->thread);
  g_mutex_clear (&waiter->lock);
  g_cond_clear (&waiter->cond);
}

static void
test_wait_two_threads (void)
{
  g_autoptr(CamProcess) sleeper = NULL;
  g_autoptr(CamProcess) quick = NULL;
  g_autoptr(GError) error = NULL;
  SyncWaiter waiter_a = { 0 }, waiter_b = { 0 };
  gboolean ok;

  g_test_summary ("Two synchronous waits in two threads on children of the "
                  "same context, which nobody runs: the second returns as "
                  "soon as its own child exits, while the first still "
                  "waits (g_spawn_sync from several threads).");

  if (!cam_test_in_subprocess ())
    return;

  sleeper = cam_process_new ();
  cam_test_start_ready_helper (sleeper, "sleep");
  quick = cam_process_new ();
  ok = cam_test_start_helper (quick, NULL, 0, &error, "exit", "0", NULL);
  g_assert_no_error (error);
  g_assert_true (ok);

  sync_waiter_start (&waiter_a, sleeper);
  /* Not a timing assertion: time for A to enter its wait, which used to
   * hold the default context; were A later, the test would only miss the
   * old deadlock. */
  g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  sync_waiter_start (&waiter_b, quick);

  g_assert_true (sync_waiter_returned (&waiter_b));
  g_assert_true (waiter_b.ok);
  cam_test_assert_exit (quick, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 0);
  g_assert_false (waiter_a.done);
  g_assert_true (cam_process_get_running (sleeper));

  cam_process_kill (sleeper);
  g_assert_true (sync_waiter_returned (&waiter_a));
  g_assert_true (waiter_a.ok);
  cam_test_assert_exit (sleeper, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT, SIGKILL);
  sync_waiter_join (&waiter_a);
  sync_waiter_join (&waiter_b);
}

/* ------------------------------------------------------------------ */
/* terminate */

static void
test_terminate_sigterm (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };
  gint64 start;

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "sleep");
  start = g_get_monotonic_time ();
  cam_process_terminate_async (process, CAM_TEST_TIMEOUT_MS, NULL,
                               async_call_done, &call);
  async_call_wait (&call);

  g_assert_cmpuint (call.n_finished, ==, 1);
  g_assert_true (cam_process_terminate_finish (process, call.result, &error));
  g_assert_no_error (error);
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT, SIGTERM);
  g_assert_cmpint (g_get_monotonic_time () - start, <,
                   CAM_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND / 2);

  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

/* A child that ignores SIGTERM gets SIGKILL once the timeout expires. */
static void
test_terminate_sigkill (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };
  const guint timeout_ms = 200;
  gint64 start;

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "ignore-term");
  start = g_get_monotonic_time ();
  cam_process_terminate_async (process, timeout_ms, NULL, async_call_done,
                               &call);
  async_call_wait (&call);

  g_assert_cmpint (g_get_monotonic_time () - start, >=,
                   timeout_ms * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (call.n_finished, ==, 1);
  g_assert_true (cam_process_terminate_finish (process, call.result, &error));
  g_assert_no_error (error);
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT, SIGKILL);

  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

/* Cancelling stops the wait and the SIGKILL; the child, which ignores
 * the SIGTERM already sent, keeps running past the timeout. */
static void
test_terminate_cancel (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  cam_test_finished_watch (&finished, process);
  cam_test_start_ready_helper (process, "ignore-term");
  cam_process_terminate_async (process, 100, cancellable, async_call_done,
                               &call);
  g_cancellable_cancel (cancellable);
  async_call_wait (&call);
  g_assert_false (cam_process_terminate_finish (process, call.result,
                                                &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  cam_test_iterate_for (300);
  g_assert_true (cam_process_get_running (process));
  g_assert_cmpuint (finished.n_finished, ==, 0);

  kill_and_reap (process, &finished);
  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

/* A child somebody else reaped is finished, not a failure: terminate
 * completes as a wait does, with the status the kernel kept if any. */
static void
test_terminate_foreign_reaped (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };
  int wstatus = 0;
  int pid;

  cam_test_finished_watch (&finished, process);
  start_exit (process, "42");
  pid = cam_process_get_pid (process);
  /* Reaped behind our back before the watch could dispatch. */
  g_assert_cmpint (waitpid (pid, &wstatus, __WALL), ==, pid);
  g_assert_true (cam_process_get_running (process));

  cam_process_terminate_async (process, 100, NULL, async_call_done, &call);
  async_call_wait (&call);
  g_assert_true (cam_process_terminate_finish (process, call.result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (call.n_finished, ==, 1);
  if (cam_test_have_pidfd_info_exit ())
    cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 42);
  else
    cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_UNKNOWN, -1);

  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

static void
test_terminate_not_running (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  cam_test_finished_watch (&finished, process);
  start_exit (process, "0");
  cam_test_finished_wait (&finished);

  cam_process_terminate_async (process, 0, NULL, async_call_done, &call);
  async_call_wait (&call);
  g_assert_true (cam_process_terminate_finish (process, call.result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cam_process_get_exit_code (process), ==, 0);

  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

/* ------------------------------------------------------------------ */
/* stdio */

/* What fd 0, 1 or 2 of the child must be. */
typedef enum {
  FD_INHERIT,     /* the same file as the caller's fd of that number */
  FD_PIPE,        /* a pipe whose other end is the stream of the getter */
  FD_NULL,        /* /dev/null */
  FD_AS_STDOUT,   /* the same file as the child's fd 1 */
} FdKind;

typedef struct {
  const char           *name;
  CamProcessStdioFlags  flags;
  FdKind                kinds[3];
} StdioCase;

static const StdioCase stdio_cases[] = {
  { "inherit", CAM_PROCESS_STDIO_FLAGS_NONE,
    { FD_INHERIT, FD_INHERIT, FD_INHERIT } },
  { "pipes", CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
             CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE |
             CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE,
    { FD_PIPE, FD_PIPE, FD_PIPE } },
  { "null", CAM_PROCESS_STDIO_FLAGS_STDIN_NULL |
            CAM_PROCESS_STDIO_FLAGS_STDOUT_SILENCE |
            CAM_PROCESS_STDIO_FLAGS_STDERR_SILENCE,
    { FD_NULL, FD_NULL, FD_NULL } },
  { "stdin-pipe", CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE,
    { FD_PIPE, FD_INHERIT, FD_INHERIT } },
  { "stdout-pipe-stderr-silence", CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE |
                                  CAM_PROCESS_STDIO_FLAGS_STDERR_SILENCE,
    { FD_INHERIT, FD_PIPE, FD_NULL } },
  { "merge-pipe", CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE |
                  CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE,
    { FD_INHERIT, FD_PIPE, FD_AS_STDOUT } },
  { "merge-silence", CAM_PROCESS_STDIO_FLAGS_STDOUT_SILENCE |
                     CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE,
    { FD_INHERIT, FD_NULL, FD_AS_STDOUT } },
  { "merge-inherit", CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE,
    { FD_INHERIT, FD_INHERIT, FD_AS_STDOUT } },
};

static char *
read_fd_link (int pid,
              int fd)
{
  g_autofree char *path = pid > 0
    ? g_strdup_printf ("/proc/%d/fd/%d", pid, fd)
    : g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autoptr(GError) error = NULL;
  char *target = g_file_read_link (path, &error);

  g_assert_no_error (error);
  return target;
}

static char *
pipe_link_of (int fd)
{
  struct stat st;

  g_assert_no_errno (fstat (fd, &st));
  g_assert_true (S_ISFIFO (st.st_mode));
  return g_strdup_printf ("pipe:[%lu]", (unsigned long) st.st_ino);
}

/* Each combination of flags gives the child the files it says, read from
 * /proc/PID/fd of a running child, and the getters return exactly the
 * pipes it asks for. */
static void
test_stdio_flags (gconstpointer data)
{
  const StdioCase *c = data;
  g_autoptr(CamProcess) process = cam_process_new ();
  CamTestFinished finished;
  GObject *pipes[3];
  int hold_fd;
  int pid;

  cam_test_finished_watch (&finished, process);
  cam_process_set_stdio_flags (process, c->flags);
  g_assert_cmpint (cam_process_get_stdio_flags (process), ==, c->flags);
  hold_fd = start_blocked_cat (process);
  pid = cam_process_get_pid (process);

  pipes[0] = (GObject *) cam_process_get_stdin_pipe (process);
  pipes[1] = (GObject *) cam_process_get_stdout_pipe (process);
  pipes[2] = (GObject *) cam_process_get_stderr_pipe (process);

  for (int fd = 0; fd < 3; fd++)
    {
      g_autofree char *link = read_fd_link (pid, fd);
      g_autofree char *expected = NULL;

      g_test_message ("%s: child fd %d is %s", c->name, fd, link);
      switch (c->kinds[fd])
        {
        case FD_INHERIT:
          expected = read_fd_link (0, fd);
          break;
        case FD_PIPE:
          if (fd == 0)
            {
              g_assert_true (G_IS_UNIX_OUTPUT_STREAM (pipes[fd]));
              expected = pipe_link_of (g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (pipes[fd])));
            }
          else
            {
              g_assert_true (G_IS_UNIX_INPUT_STREAM (pipes[fd]));
              expected = pipe_link_of (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (pipes[fd])));
            }
          break;
        case FD_NULL:
          expected = g_strdup ("/dev/null");
          break;
        case FD_AS_STDOUT:
          expected = read_fd_link (pid, 1);
          break;
        default:
          g_assert_not_reached ();
        }
      g_assert_cmpstr (link, ==, expected);

      if (c->kinds[fd] != FD_PIPE)
        g_assert_null (pipes[fd]);
    }

  g_assert_no_errno (close (hold_fd));
  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 0);
  cam_test_finished_unwatch (&finished);
}

/* The parent's ends of the pipes do not leak into the child. */
static void
test_stdio_no_leak (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE);
  cam_test_start_helper (process, NULL, 0, &error, "list-fds", NULL);
  g_assert_no_error (error);
  g_assert_true (cam_process_communicate (process, NULL, NULL, &out, &err,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                   "0 1 2\n", 6);
  g_assert_cmpuint (g_bytes_get_size (err), ==, 0);
  g_assert_cmpint (cam_process_get_exit_code (process), ==, 0);
}

/* The output stays readable after the exit, until the next start, which
 * creates new pipes. */
static void
test_stdio_read_after_exit (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) first = NULL;
  g_autofree char *expected = NULL;
  CamTestFinished finished;
  char buf[256];
  gsize n;

  cam_test_finished_watch (&finished, process);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  cam_test_start_helper (process, NULL, 0, &error, "print-args", NULL);
  g_assert_no_error (error);
  cam_test_finished_wait (&finished);
  g_assert_cmpint (finished.code, ==, 0);

  first = g_object_ref (cam_process_get_stdout_pipe (process));
  g_assert_true (g_input_stream_read_all (first, buf, sizeof buf, &n, NULL,
                                          &error));
  g_assert_no_error (error);
  expected = g_strdup_printf ("%s\nprint-args\n", cam_test_helper_path ());
  g_assert_cmpmem (buf, n, expected, strlen (expected));

  cam_test_start_helper (process, NULL, 0, &error, "exit", "0", NULL);
  g_assert_no_error (error);
  g_assert_true (cam_process_get_stdout_pipe (process) != first);
  cam_test_finished_wait (&finished);
  cam_test_finished_unwatch (&finished);
}

/* Sync writes and reads work on the non-blocking parent ends. */
static void
test_stdio_sync_streams (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  char buf[64];
  gsize n;

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  cam_test_start_helper (process, NULL, 0, &error, "cat", NULL);
  g_assert_no_error (error);

  g_assert_true (g_output_stream_write_all (cam_process_get_stdin_pipe (process),
                                            "hello\n", 6, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (cam_process_get_stdin_pipe (process),
                                        NULL, &error));
  g_assert_no_error (error);

  /* The read blocks (polls) until cat has written and exited. */
  g_assert_true (g_input_stream_read_all (cam_process_get_stdout_pipe (process),
                                          buf, sizeof buf, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (buf, n, "hello\n", 6);

  g_assert_true (cam_process_wait_check (process, NULL, &error));
  g_assert_no_error (error);
}

static void
write_all_done (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;
  gsize n;

  g_assert_false (g_output_stream_write_all_finish (G_OUTPUT_STREAM (source_object),
                                                    result, &n, error));
  g_assert_nonnull (*error);
}

static gboolean
count_tick (gpointer user_data)
{
  guint *n_ticks = user_data;

  (*n_ticks)++;
  return G_SOURCE_CONTINUE;
}

/* An async write far larger than the pipe, to a child that never reads,
 * leaves the main loop running: the parent's end is non-blocking, as the
 * docs say.  On a blocking pipe the write() would block the loop until
 * the child reads, here forever. */
static void
test_stdio_async_write (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GBytes) data = random_bytes (1024 * 1024);
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  GOutputStream *stdin_pipe;
  guint n_ticks = 0;
  guint tick_id;
  int hold_fd;
  int flags;

  cam_test_finished_watch (&finished, process);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE);
  hold_fd = start_blocked_cat (process);
  stdin_pipe = cam_process_get_stdin_pipe (process);

  flags = fcntl (g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (stdin_pipe)),
                 F_GETFL);
  g_assert_no_errno (flags);
  g_assert_cmpint (flags & O_NONBLOCK, ==, O_NONBLOCK);

  tick_id = g_timeout_add (10, count_tick, &n_ticks);
  g_output_stream_write_all_async (stdin_pipe, g_bytes_get_data (data, NULL),
                                   g_bytes_get_size (data), G_PRIORITY_DEFAULT,
                                   NULL, write_all_done, &error);
  cam_test_iterate_for (200);
  g_source_remove (tick_id);
  g_assert_cmpuint (n_ticks, >=, 5);
  g_assert_no_error (error);

  /* The child dies without reading: the write fails with EPIPE (SIGPIPE
   * is ignored, see main()). */
  kill_and_reap (process, &finished);
  g_assert_no_errno (close (hold_fd));
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  cam_test_finished_unwatch (&finished);
}

static void
test_stdio_fd_collision (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  const int fds[] = { STDOUT_FILENO };

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  g_assert_false (cam_test_start_helper (process, fds, G_N_ELEMENTS (fds),
                                         &error, "exit", "0", NULL));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (cam_process_get_running (process));
  g_assert_null (cam_process_get_stdout_pipe (process));
}

/* STDERR_MERGE follows fd 1 wherever it goes, a taken fd included, as
 * g_subprocess_launcher_take_stdout_fd() with merge does. */
static void
test_stdio_merge_taken_stdout (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  int out[2];

  cam_test_pipe (out);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE);
  cam_process_take_fd (process, out[1], STDOUT_FILENO);
  cam_test_start_helper (process, NULL, 0, &error,
                         "write-fds", "1", "out ", "2", "err", NULL);
  g_assert_no_error (error);
  g_assert_true (cam_process_wait_check (process, NULL, &error));
  g_assert_no_error (error);

  /* start() closed our copy of the write end: EOF once the child is gone. */
  output = cam_test_read_to_eof (out[0]);
  g_assert_cmpstr (output, ==, "out err");
  g_assert_no_errno (close (out[0]));
}

static void
test_stdio_conflict (void)
{
  if (expect_critical_in_subprocess ("*cam_process_stdio_flags_valid*"))
    {
      g_autoptr(CamProcess) process = cam_process_new ();

      cam_process_set_stdio_flags (process,
                                   CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE |
                                   CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE);
    }
}

/* ------------------------------------------------------------------ */
/* communicate */

/* 16 MiB in, 16 MiB out on stdout and on stderr: far more than the pipes
 * hold, so a communicate that did not drain both outputs while feeding the
 * input would deadlock with the child. */
static void
test_communicate_16mib (void)
{
  const char *argv[] = { "/usr/bin/tee", "/proc/self/fd/2", NULL };
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GBytes) input = random_bytes (16 * 1024 * 1024 + 5);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("needs /usr/bin/tee to write to stdout and stderr");
      return;
    }

  cam_test_finished_watch (&finished, process);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE);
  g_assert_true (cam_process_start (process, argv[0], argv, NULL, 0, &error));
  g_assert_no_error (error);

  cam_process_communicate_async (process, input, NULL, async_call_done,
                                 &call);
  async_call_wait (&call);
  g_assert_cmpuint (call.n_finished, ==, 1);
  g_assert_true (cam_process_communicate_finish (process, call.result, &out,
                                                 &err, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (g_bytes_get_size (out), ==, g_bytes_get_size (input));
  g_assert_true (g_bytes_equal (out, input));
  g_assert_cmpuint (g_bytes_get_size (err), ==, g_bytes_get_size (input));
  g_assert_true (g_bytes_equal (err, input));
  cam_test_assert_exit (process, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 0);

  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

static void
test_communicate_sync (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GBytes) input = random_bytes (1024 * 1024);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;

  cam_test_finished_watch (&finished, process);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  cam_test_start_helper (process, NULL, 0, &error, "cat", NULL);
  g_assert_no_error (error);

  g_assert_true (cam_process_communicate (process, input, NULL, &out, &err,
                                          &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (out, input));
  g_assert_null (err);
  g_assert_cmpuint (finished.n_finished, ==, 1);
  cam_test_finished_unwatch (&finished);
}

static void
test_communicate_null_stdin (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  cam_test_start_helper (process, NULL, 0, &error, "cat", NULL);
  g_assert_no_error (error);

  /* cat sees EOF at once and exits. */
  g_assert_true (cam_process_communicate (process, NULL, NULL, &out, NULL,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (out), ==, 0);
  g_assert_cmpint (cam_process_get_exit_code (process), ==, 0);
}

static void
test_communicate_no_pipes (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;

  start_exit (process, "5");
  g_assert_true (cam_process_communicate (process, NULL, NULL, &out, &err,
                                          &error));
  g_assert_no_error (error);
  g_assert_null (out);
  g_assert_null (err);
  g_assert_cmpint (cam_process_get_exit_code (process), ==, 5);
}

/* A child that exits without reading its input is not an error. */
static void
test_communicate_unread_stdin (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GBytes) input = random_bytes (16 * 1024 * 1024);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  cam_test_start_helper (process, NULL, 0, &error, "print-args", NULL);
  g_assert_no_error (error);

  g_assert_true (cam_process_communicate (process, input, NULL, &out, NULL,
                                          &error));
  g_assert_no_error (error);
  expected = g_strdup_printf ("%s\nprint-args\n", cam_test_helper_path ());
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                   expected, strlen (expected));
  g_assert_cmpint (cam_process_get_exit_code (process), ==, 0);
}

static void
test_communicate_cancel (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CamTestFinished finished;
  AsyncCall call = { NULL, &finished };
  int hold_fd;

  cam_test_finished_watch (&finished, process);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  hold_fd = start_blocked_cat (process);

  cam_process_communicate_async (process, NULL, cancellable, async_call_done,
                                 &call);
  cam_test_iterate_for (50);
  g_assert_null (call.result);
  g_cancellable_cancel (cancellable);
  async_call_wait (&call);
  g_assert_false (cam_process_communicate_finish (process, call.result, NULL,
                                                  NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (cam_process_get_running (process));

  kill_and_reap (process, &finished);
  g_assert_no_errno (close (hold_fd));
  async_call_clear (&call);
  cam_test_finished_unwatch (&finished);
}

/* ------------------------------------------------------------------ */
/* GInitable construction */

static gpointer
cancel_soon_thread (gpointer data)
{
  /* Not a timing assertion: cancelling before the call starts is fine. */
  g_usleep (50 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (data);
  return NULL;
}

/* A cancelled synchronous communicate() leaves nothing pending: the
 * object is finalized once dropped (which kills its child, with
 * KILL_ON_DISPOSE) and its
 * private context (an eventfd) is gone. */
static void
test_communicate_sync_cancel_no_leak (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fds_before = NULL;
  g_autofree char *fds_after = NULL;
  g_autofree char *children = NULL;
  gboolean finalized = FALSE;
  CamProcess *process;
  GThread *thread;
  int hold_fd;

  cam_test_warm_up ();
  fds_before = cam_test_list_fds ();

  process = cam_process_new ();
  g_object_set_data_full (G_OBJECT (process), "cam-test-finalized",
                          &finalized, set_flag_notify);
  cam_process_set_flags (process, CAM_PROCESS_FLAGS_KILL_ON_DISPOSE);
  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE |
                                        CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE);
  hold_fd = start_blocked_cat (process);

  thread = g_thread_new ("cancel", cancel_soon_thread, cancellable);
  g_assert_false (cam_process_communicate (process, NULL, cancellable, NULL,
                                           NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_thread_join (thread);
  g_assert_true (cam_process_get_running (process));

  g_object_unref (process);
  g_assert_true (finalized);
  g_assert_no_errno (close (hold_fd));

  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
  fds_after = cam_test_list_fds ();
  g_assert_cmpstr (fds_after, ==, fds_before);
}

static void
test_new_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CamProcess) process = NULL;
  g_auto(GStrv) argv_prop = NULL;
  const char *argv[] = { cam_test_helper_path (), "print-args", NULL };
  g_autoptr(GBytes) out = NULL;
  g_autofree char *expected = NULL;

  process = cam_process_newv (argv, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE,
                              &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_INITABLE (process));
  g_assert_true (cam_process_get_running (process));
  g_assert_cmpint (cam_process_get_stdio_flags (process), ==,
                   CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  g_object_get (process, "argv", &argv_prop, NULL);
  g_assert_cmpstrv (argv_prop, argv);

  g_assert_true (cam_process_communicate (process, NULL, NULL, &out, NULL,
                                          &error));
  g_assert_no_error (error);
  expected = g_strdup_printf ("%s\nprint-args\n", argv[0]);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                   expected, strlen (expected));

  /* init() runs once: a second call starts nothing. */
  g_assert_true (g_initable_init (G_INITABLE (process), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (cam_process_get_running (process));
}

static void
test_new_error (void)
{
  const char *argv[] = { "/nonexistent/program", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CamProcess) process = NULL;

  process = cam_process_newv (argv, CAM_PROCESS_STDIO_FLAGS_NONE, &error);
  g_assert_null (process);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (strstr (error->message, "“/nonexistent/program”") != NULL);
}

/* A failed init() keeps failing with the same error, without retrying. */
static void
test_new_init_fails_once (void)
{
  const char *argv[] = { "/nonexistent/program", NULL };
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_object_new (CAM_TYPE_PROCESS, "argv", argv, NULL);
  g_assert_false (g_initable_init (G_INITABLE (process), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (g_initable_init (G_INITABLE (process), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_new_cancelled (void)
{
  const char *argv[] = { cam_test_helper_path (), "exit", "0", NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *children_before = cam_test_list_children ();
  g_autofree char *children_after = NULL;
  GObject *process;

  g_cancellable_cancel (cancellable);
  process = g_initable_new (CAM_TYPE_PROCESS, cancellable, &error,
                            "argv", argv, NULL);
  g_assert_null (process);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  children_after = cam_test_list_children ();
  g_assert_cmpstr (children_after, ==, children_before);
}

/* Without argv, init() starts nothing. */
/* An empty argument vector is one caller mistake with one answer, whether
 * it reaches start(), cam_process_newv() or g_initable_init(). */
static void
test_new_empty_argv (void)
{
  const char *empty[] = { NULL };
  g_autoptr(CamProcess) idle = cam_process_new ();
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *children_before = cam_test_list_children ();
  g_autofree char *children_after = NULL;
  GObject *object;

  g_assert_false (cam_process_start (idle, cam_test_helper_path (), empty,
                                     NULL, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (cam_process_get_running (idle));
  g_clear_error (&error);

  process = cam_process_newv (empty, CAM_PROCESS_STDIO_FLAGS_NONE, &error);
  g_assert_null (process);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  object = g_initable_new (CAM_TYPE_PROCESS, NULL, &error,
                           "argv", empty, NULL);
  g_assert_null (object);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  children_after = cam_test_list_children ();
  g_assert_cmpstr (children_after, ==, children_before);
}

static void
test_new_without_argv (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) process = NULL;

  process = g_initable_new (CAM_TYPE_PROCESS, NULL, &error, NULL);
  g_assert_no_error (error);
  g_assert_false (cam_process_get_running (CAM_PROCESS (process)));
  g_assert_cmpint (cam_process_get_exit_status (CAM_PROCESS (process)), ==,
                   CAM_PROCESS_EXIT_STATUS_NOT_EXITED);
}

/* ------------------------------------------------------------------ */
/* Translations */

/* With LANGUAGE=de the messages come from build/po/de (CAM_TEST_LOCALEDIR,
 * set by tests/meson.build): the domain is rebound there after the class,
 * which binds it to the installed locale dir, is initialized.  LANGUAGE is
 * only honoured when the locale is not "C": C.UTF-8 is built into glibc
 * 2.35+, so nothing has to be generated. */
static void
test_i18n_de (void)
{
  const char *localedir = g_getenv ("CAM_TEST_LOCALEDIR");

  if (localedir == NULL)
    {
      g_test_skip ("CAM_TEST_LOCALEDIR is not set");
      return;
    }

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, CAM_TEST_SUBPROCESS_TIMEOUT_USEC,
                              G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  /* A fresh process: nothing of our domain has been looked up yet. */
  g_setenv ("LANGUAGE", "de", TRUE);
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      g_test_skip ("no C.UTF-8 locale");
      return;
    }

  {
    g_autoptr(CamProcess) process = cam_process_new ();
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (bindtextdomain ("camprocess", localedir));

    g_assert_false (cam_process_start (process, "/nonexistent/program", NULL,
                                       NULL, 0, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_test_message ("%s", error->message);
    g_assert_true (g_str_has_prefix (error->message,
                                     "Ausführen des Kindprozesses „/nonexistent/program“ fehlgeschlagen: "));
    g_clear_error (&error);

    start_exit (process, "3");
    g_assert_false (cam_process_wait_check (process, NULL, &error));
    g_assert_error (error, CAM_PROCESS_ERROR, CAM_PROCESS_ERROR_EXITED);
    g_assert_cmpstr (error->message, ==, "Der Kindprozess wurde mit Code 3 beendet");
    g_clear_error (&error);

    /* A message with <inttypes.h> format macros in its msgid. */
    g_assert_false (cam_process_set_rlimit (process, RLIMIT_NOFILE, 10, 5,
                                            &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_cmpstr (error->message, ==,
                     "Ungültige Ressourcenbegrenzung „RLIMIT_NOFILE“: Die weiche Grenze 10 liegt über der harten Grenze 5");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* See the top of this file. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/process/gio/wait-async/exit-code", test_wait_async_exit_code);
  g_test_add_func ("/process/gio/wait-async/signal", test_wait_async_signal);
  g_test_add_func ("/process/gio/wait-async/not-running", test_wait_async_not_running);
  g_test_add_func ("/process/gio/wait-async/several", test_wait_async_several);
  g_test_add_func ("/process/gio/wait-async/cancel", test_wait_async_cancel);
  g_test_add_func ("/process/gio/wait-async/cancelled-before", test_wait_async_cancelled_before);
  g_test_add_func ("/process/gio/wait-async/not-started", test_wait_async_not_started);
  g_test_add_func ("/process/gio/wait-async/run-dispose", test_wait_async_run_dispose);

  g_test_add_func ("/process/gio/wait-check/success", test_wait_check_success);
  g_test_add_func ("/process/gio/wait-check/exit-code", test_wait_check_exit_code);
  g_test_add_func ("/process/gio/wait-check/signal", test_wait_check_signal);
  g_test_add_func ("/process/gio/wait-check/restarted", test_wait_check_restarted);
  g_test_add_func ("/process/gio/wait-check/sync", test_wait_check_sync);

  g_test_add_func ("/process/gio/wait/private-context", test_wait_private_context);
  g_test_add_func ("/process/gio/wait/cancel", test_wait_cancel);
  g_test_add_func ("/process/gio/wait/restart-from-handler",
                   test_wait_restart_from_handler);
  g_test_add_func ("/process/gio/wait/other-thread", test_wait_other_thread);
  g_test_add_func ("/process/gio/wait/two-threads", test_wait_two_threads);
  g_test_add_func ("/process/gio/wait/from-finished", test_wait_from_finished);

  g_test_add_func ("/process/gio/terminate/sigterm", test_terminate_sigterm);
  g_test_add_func ("/process/gio/terminate/sigkill", test_terminate_sigkill);
  g_test_add_func ("/process/gio/terminate/cancel", test_terminate_cancel);
  g_test_add_func ("/process/gio/terminate/not-running", test_terminate_not_running);
  g_test_add_func ("/process/gio/terminate/foreign-reaped",
                   test_terminate_foreign_reaped);

  for (gsize i = 0; i < G_N_ELEMENTS (stdio_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/process/gio/stdio/flags/%s",
                                               stdio_cases[i].name);

      g_test_add_data_func (path, &stdio_cases[i], test_stdio_flags);
    }
  g_test_add_func ("/process/gio/stdio/no-leak", test_stdio_no_leak);
  g_test_add_func ("/process/gio/stdio/read-after-exit", test_stdio_read_after_exit);
  g_test_add_func ("/process/gio/stdio/sync-streams", test_stdio_sync_streams);
  g_test_add_func ("/process/gio/stdio/async-write", test_stdio_async_write);
  g_test_add_func ("/process/gio/stdio/fd-collision", test_stdio_fd_collision);
  g_test_add_func ("/process/gio/stdio/conflict", test_stdio_conflict);
  g_test_add_func ("/process/gio/stdio/merge-taken-stdout",
                   test_stdio_merge_taken_stdout);

  g_test_add_func ("/process/gio/communicate/16mib", test_communicate_16mib);
  g_test_add_func ("/process/gio/communicate/sync", test_communicate_sync);
  g_test_add_func ("/process/gio/communicate/null-stdin", test_communicate_null_stdin);
  g_test_add_func ("/process/gio/communicate/no-pipes", test_communicate_no_pipes);
  g_test_add_func ("/process/gio/communicate/unread-stdin", test_communicate_unread_stdin);
  g_test_add_func ("/process/gio/communicate/cancel", test_communicate_cancel);
  g_test_add_func ("/process/gio/communicate/sync-cancel-no-leak",
                   test_communicate_sync_cancel_no_leak);

  g_test_add_func ("/process/gio/new/start", test_new_start);
  g_test_add_func ("/process/gio/new/error", test_new_error);
  g_test_add_func ("/process/gio/new/init-fails-once", test_new_init_fails_once);
  g_test_add_func ("/process/gio/new/cancelled", test_new_cancelled);
  g_test_add_func ("/process/gio/new/without-argv", test_new_without_argv);
  g_test_add_func ("/process/gio/new/empty-argv", test_new_empty_argv);

  g_test_add_func ("/process/gio/i18n/de", test_i18n_de);

  return g_test_run ();
}
