/* cam-process-wait.c: waiting for the child, in the GIO pattern
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A wait is a GTask linked into @pending_waits (a ref, under @lock) while
 * a child runs.  When the child is reaped, cam_process_child_exited()
 * steals the list together with the exit status, emits "finished", then
 * calls cam_process_complete_waits(), which returns every task with that
 * status.  A task returns in the context that was thread-default when it
 * was made, as any GTask.  A wait made while no child runs returns at once
 * with the status of the last child, unless another thread is emitting
 * "finished" for that child right now (@announcing): it then goes to
 * @late_waits, returned after the emission, so that a wait never returns
 * before "finished".  A wait made by a handler of "finished" (in
 * @announcing_thread) returns at once: the emission is its caller, and a
 * synchronous wait there would otherwise wait for itself.
 *
 * Whoever unlinks a task under the lock returns it: the exit, or its
 * cancellable.  Cancelling only unlinks the task and returns
 * G_IO_ERROR_CANCELLED; the child keeps running and a later wait sees its
 * exit.
 *
 * A terminate is a wait with a SIGKILL timer as task data.  The timer
 * holds a ref on its task and is destroyed whenever the task is unlinked,
 * which breaks that cycle; it sends SIGKILL only while its task is still
 * linked (checked under the lock), so it can never hit a child started
 * after the one it was meant for.
 *
 * The reap happens in the watch of the context that was thread-default at
 * start (cam-context-watch.c).  A synchronous call iterates a private
 * context instead, which would never see that watch dispatch when it
 * blocks the thread that runs that context, or when nobody runs it.  So
 * cam_process_sync_begin() moves the child into the watch of its private
 * context, unless another thread runs the child's context right now (it
 * cannot be acquired): that thread's watch then reaps and returns our task
 * into our private context.  The move takes the child out of one watch and
 * into the other in one step under the watches' lock, so exactly one of
 * them reaps it.  No context is held during the wait: a second synchronous
 * wait in another thread on another child of the same context moves its
 * own child and returns as soon as that one exits.  cam_process_sync_end()
 * moves a child that is still running (a cancelled wait) back.
 * cam_process_child_exited() emits "finished" with the child's own context
 * pushed as thread-default where this thread can acquire it, and a start()
 * from a handler watches from that context.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>

#include <glib/gi18n-lib.h>

#include "camprocess/camprocess.h"
#include "cam-pidfd-util.h"
#include "cam-process-object.h"

/**
 * cam_process_error_quark:
 *
 * The error domain of [error@Cam.ProcessError], which
 * [method@Cam.Process.wait_check] uses for a child that did not exit with
 * code 0.
 *
 * Returns: the #GQuark of %CAM_PROCESS_ERROR
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (cam-process-error-quark, cam_process_error)

/**
 * cam_process_has_started:
 * @self: a #CamProcess
 *
 * A process that has never been started has nothing to wait for: waiting
 * on it is a caller bug.
 *
 * Returns: whether a child runs or has run
 */
gboolean
cam_process_has_started (CamProcess *self)
{
  gboolean started;

  g_mutex_lock (&self->lock);
  started = self->pidfd >= 0 ||
            self->exit_status != CAM_PROCESS_EXIT_STATUS_NOT_EXITED;
  g_mutex_unlock (&self->lock);
  return started;
}

/* Turns a final status into the result of wait_check. */
static gboolean
check_exit_status (CamProcessExitStatus   status,
                   int                    code,
                   GError               **error)
{
  switch (status)
    {
    case CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT:
      if (code == 0)
        return TRUE;
      g_set_error (error, CAM_PROCESS_ERROR, CAM_PROCESS_ERROR_EXITED,
                   _("The child process exited with code %d"), code);
      return FALSE;
    case CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT:
      g_set_error (error, CAM_PROCESS_ERROR, CAM_PROCESS_ERROR_SIGNALED,
                   _("The child process was killed by signal %d (%s)"), code,
                   g_strsignal (code));
      return FALSE;
    case CAM_PROCESS_EXIT_STATUS_UNKNOWN:
      g_set_error_literal (error, CAM_PROCESS_ERROR,
                           CAM_PROCESS_ERROR_UNKNOWN_STATUS,
                           _("The exit status of the child process is unknown: another part of the program reaped it"));
      return FALSE;
    case CAM_PROCESS_EXIT_STATUS_NOT_EXITED:
    default:
      g_assert_not_reached ();
    }
}

/* Called on every task that was just unlinked, before it returns.  Only a
 * terminate that signalled a child has a timer. */
static void
stop_kill_timer (GTask *task)
{
  if (g_task_get_source_tag (task) ==
        CAM_SOURCE_TAG (cam_process_terminate_async) &&
      g_task_get_task_data (task) != NULL)
    g_source_destroy (g_task_get_task_data (task));
}

/* Returns a task that is no longer linked, with the final status of the
 * child it waited for. */
static void
return_wait (GTask                *task,
             CamProcessExitStatus  status,
             int                   code)
{
  gpointer tag = g_task_get_source_tag (task);
  GError *error = NULL;

  stop_kill_timer (task);
  if (tag == CAM_SOURCE_TAG (cam_process_wait_check_async) &&
      !check_exit_status (status, code, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * cam_process_complete_waits:
 * @self: a #CamProcess
 * @waits: (transfer full): the tasks that were pending at the exit
 * @status: how the child ended
 * @code: its exit code or signal number
 *
 * Returns the waits, oldest first, after "finished" was emitted.
 */
void
cam_process_complete_waits (CamProcess           *self,
                            GSList               *waits,
                            CamProcessExitStatus  status,
                            int                   code)
{
  waits = g_slist_reverse (waits);
  for (GSList *l = waits; l != NULL; l = l->next)
    return_wait (l->data, status, code);
  g_slist_free_full (waits, g_object_unref);
}

/**
 * cam_process_close_waits:
 * @self: a #CamProcess being disposed
 *
 * Unlinks every pending wait and returns it with %G_IO_ERROR_CLOSED: the
 * child was killed by the disposal, which emits no "finished".  A
 * communicate() then completes too, once its pipes see the end.
 */
void
cam_process_close_waits (CamProcess *self)
{
  GSList *waits;

  g_mutex_lock (&self->lock);
  waits = g_slist_concat (g_steal_pointer (&self->late_waits),
                          g_steal_pointer (&self->pending_waits));
  g_mutex_unlock (&self->lock);

  waits = g_slist_reverse (waits);
  for (GSList *l = waits; l != NULL; l = l->next)
    {
      stop_kill_timer (l->data);
      g_task_return_new_error (l->data, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               _("The process object was disposed"));
    }
  g_slist_free_full (waits, g_object_unref);
}

/* "cancelled" handler of a pending wait; may run in any thread.  It is
 * connected with g_signal_connect_object(): the closure holds a ref on the
 * task while it runs and is invalidated when the task is finalized. */
static void
wait_cancelled (GCancellable *cancellable,
                GTask        *task)
{
  CamProcess *self = g_task_get_source_object (task);
  gboolean was_pending;

  g_mutex_lock (&self->lock);
  was_pending = g_slist_find (self->pending_waits, task) != NULL ||
                g_slist_find (self->late_waits, task) != NULL;
  self->pending_waits = g_slist_remove (self->pending_waits, task);
  self->late_waits = g_slist_remove (self->late_waits, task);
  g_mutex_unlock (&self->lock);

  if (!was_pending)
    return;

  stop_kill_timer (task);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
}

/* Watches the cancellable of a task that was just linked.  A cancellable
 * cancelled before the connection is caught by the check that follows. */
static void
watch_cancellable (GTask *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable == NULL)
    return;

  g_signal_connect_object (cancellable, "cancelled",
                           G_CALLBACK (wait_cancelled), task,
                           G_CONNECT_DEFAULT);
  if (g_cancellable_is_cancelled (cancellable))
    wait_cancelled (cancellable, task);
}

/* Links @task if a child runs, or if "finished" is being emitted for the
 * last one; otherwise returns it at once with the status of the last
 * child. */
static void
start_wait (CamProcess *self,
            GTask      *task)
{
  CamProcessExitStatus status;
  gboolean linked = FALSE;
  int code;

  if (g_task_return_error_if_cancelled (task))
    return;

  g_mutex_lock (&self->lock);
  if (self->pidfd >= 0)
    {
      self->pending_waits = g_slist_prepend (self->pending_waits,
                                             g_object_ref (task));
      linked = TRUE;
    }
  else if (self->announcing && self->announcing_thread != g_thread_self ())
    {
      self->late_waits = g_slist_prepend (self->late_waits,
                                          g_object_ref (task));
      linked = TRUE;
    }
  status = self->exit_status;
  code = self->exit_code;
  g_mutex_unlock (&self->lock);

  if (linked)
    watch_cancellable (task);
  else
    return_wait (task, status, code);
}

/**
 * cam_process_wait_async:
 * @self: a #CamProcess that has been started
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): a #GAsyncReadyCallback to call when the child
 *   has been reaped
 * @user_data: the data to pass to @callback
 *
 * Waits for the child to exit and be reaped, then calls @callback in the
 * thread-default #GMainContext of the caller.  Call
 * [method@Cam.Process.wait_finish] from it.
 *
 * The exit itself is seen from the context that was thread-default at
 * [method@Cam.Process.start], which must run; the callback comes after
 * [signal@Cam.Process::finished] has been emitted there.  When no child
 * runs, the wait completes at once (in a later iteration).
 *
 * Cancelling @cancellable completes the wait with %G_IO_ERROR_CANCELLED.
 * It does not kill the child, which keeps running; a later wait sees its
 * exit.  Use [method@Cam.Process.terminate_async] to stop it.
 *
 * A wait still pending when @self is disposed (g_object_run_dispose(),
 * as bindings call it) completes with %G_IO_ERROR_CLOSED; the disposal
 * has killed the child.
 *
 * Since: 1.0
 */
void
cam_process_wait_async (CamProcess          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (cam_process_has_started (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, CAM_SOURCE_TAG (cam_process_wait_async));
  start_wait (self, task);
}

/**
 * cam_process_wait_finish:
 * @self: a #CamProcess
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Cam.Process.wait_async].  The child's exit status is
 * then in [property@Cam.Process:exit-status] and
 * [property@Cam.Process:exit-code] (unless a handler of
 * [signal@Cam.Process::finished] started it again).
 *
 * Returns: %TRUE once the child has been reaped, %FALSE with
 *   %G_IO_ERROR_CANCELLED if the wait was cancelled
 *
 * Since: 1.0
 */
gboolean
cam_process_wait_finish (CamProcess    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result,
                                                  CAM_SOURCE_TAG (cam_process_wait_async)),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * cam_process_wait_check_async:
 * @self: a #CamProcess that has been started
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): a #GAsyncReadyCallback to call when the child
 *   has been reaped
 * @user_data: the data to pass to @callback
 *
 * Like [method@Cam.Process.wait_async], but
 * [method@Cam.Process.wait_check_finish] fails unless the child exited
 * with code 0.  The status is the one of the child that was running when
 * this was called, even if a handler of [signal@Cam.Process::finished]
 * started a new one.  Cancelling does not kill the child.
 *
 * Since: 1.0
 */
void
cam_process_wait_check_async (CamProcess          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (cam_process_has_started (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, CAM_SOURCE_TAG (cam_process_wait_check_async));
  start_wait (self, task);
}

/**
 * cam_process_wait_check_finish:
 * @self: a #CamProcess
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Cam.Process.wait_check_async].
 *
 * A child that exited with a non-zero code gives
 * %CAM_PROCESS_ERROR_EXITED, one killed by a signal
 * %CAM_PROCESS_ERROR_SIGNALED, one whose status was lost
 * %CAM_PROCESS_ERROR_UNKNOWN_STATUS; the message names the exit code or
 * the signal.  A cancelled wait gives %G_IO_ERROR_CANCELLED.
 *
 * Returns: %TRUE if the child exited with code 0
 *
 * Since: 1.0
 */
gboolean
cam_process_wait_check_finish (CamProcess    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result,
                                                  CAM_SOURCE_TAG (cam_process_wait_check_async)),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The SIGKILL timer of a terminate. */
static gboolean
kill_timeout (gpointer user_data)
{
  GTask *task = user_data;
  CamProcess *self = g_task_get_source_object (task);

  g_mutex_lock (&self->lock);
  if (g_slist_find (self->pending_waits, task) != NULL)
    cam_pidfd_send_signal (self->pidfd, self->pid, SIGKILL);
  g_mutex_unlock (&self->lock);

  return G_SOURCE_REMOVE;
}

/**
 * cam_process_terminate_async:
 * @self: a #CamProcess that has been started
 * @timeout_ms: how long the child has to exit after `SIGTERM`, in
 *   milliseconds, before it gets `SIGKILL`
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): a #GAsyncReadyCallback to call when the child
 *   has been reaped
 * @user_data: the data to pass to @callback
 *
 * Stops the child gracefully: sends it `SIGTERM` at once, then `SIGKILL`
 * if it is still running @timeout_ms milliseconds later, and completes
 * when it has been reaped, after [signal@Cam.Process::finished].  Signals
 * go through the pidfd, as with [method@Cam.Process.send_signal].
 *
 * The timeout runs in the thread-default #GMainContext of the caller, and
 * the exit is seen from the context that was thread-default at
 * [method@Cam.Process.start]: both must run.  When no child runs, the call
 * completes at once.  A child that another part of the program reaped
 * behind our back counts as finished: the call completes as
 * [method@Cam.Process.wait_async] would.
 *
 * Cancelling @cancellable completes the call with %G_IO_ERROR_CANCELLED and
 * cancels the `SIGKILL`; the `SIGTERM` has been sent already.
 *
 * Since: 1.0
 */
void
cam_process_terminate_async (CamProcess          *self,
                             guint                timeout_ms,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gboolean linked = FALSE;
  int r = 0, errsv = 0;

  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (cam_process_has_started (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, CAM_SOURCE_TAG (cam_process_terminate_async));
  if (g_task_return_error_if_cancelled (task))
    return;

  /* Signal, arm and link in one critical section: the reap cannot see
   * the task before its timer is attached. */
  g_mutex_lock (&self->lock);
  if (self->pidfd >= 0)
    {
      r = cam_pidfd_send_signal (self->pidfd, self->pid, SIGTERM);
      errsv = -r;
      if (r == 0)
        {
          GSource *timer = g_timeout_source_new (timeout_ms);

          g_source_set_static_name (timer, "CamProcess SIGKILL timeout");
          g_source_set_callback (timer, kill_timeout, g_object_ref (task),
                                 g_object_unref);
          g_source_attach (timer, g_task_get_context (task));
          g_task_set_task_data (task, timer, (GDestroyNotify) g_source_unref);
          self->pending_waits = g_slist_prepend (self->pending_waits,
                                                 g_object_ref (task));
          linked = TRUE;
        }
      else if (r == -ESRCH)
        {
          /* Reaped by somebody else (a foreign waitpid()), so finished:
           * the watch reports the exit and returns the task as a wait. */
          self->pending_waits = g_slist_prepend (self->pending_waits,
                                                 g_object_ref (task));
          linked = TRUE;
          r = 0;
        }
    }
  g_mutex_unlock (&self->lock);

  if (r < 0)
    g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                             _("Failed to send signal %d: %s"), SIGTERM,
                             g_strerror (errsv));
  else if (linked)
    watch_cancellable (task);
  else
    start_wait (self, task);   /* no child: completes as a plain wait */
}

/**
 * cam_process_terminate_finish:
 * @self: a #CamProcess
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Cam.Process.terminate_async].  How the child ended
 * (`SIGTERM`, `SIGKILL` or an exit of its own) is in
 * [property@Cam.Process:exit-status] and [property@Cam.Process:exit-code].
 *
 * Returns: %TRUE once the child has been reaped; %FALSE if `SIGTERM` could
 *   not be sent or the call was cancelled
 *
 * Since: 1.0
 */
gboolean
cam_process_terminate_finish (CamProcess    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result,
                                                  CAM_SOURCE_TAG (cam_process_terminate_async)),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * cam_process_sync_begin:
 * @self: a #CamProcess
 * @sync: (out caller-allocates): zero-initialized state of the call
 *
 * Pushes a private thread-default context and, unless another thread runs
 * the child's context, moves the running child into the watch of the
 * private context (see the top of this file).
 */
void
cam_process_sync_begin (CamProcess     *self,
                        CamProcessSync *sync)
{
  sync->context = g_main_context_new ();
  g_main_context_push_thread_default (sync->context);

  g_mutex_lock (&self->lock);
  if (self->watch != NULL && g_main_context_acquire (self->context))
    {
      /* Ours, or nobody runs it.  Not held for the wait: it only tells
       * that no thread is dispatching the watch there. */
      g_main_context_release (self->context);
      sync->moved = cam_context_watch_move (self->watch, self->context,
                                            sync->context, NULL);
    }
  g_mutex_unlock (&self->lock);
}

/**
 * cam_process_sync_done:
 * @source_object: the #CamProcess
 * @result: the result of the async twin
 * @user_data: the #CamProcessSync
 *
 * The #GAsyncReadyCallback to give the async twin of a synchronous call.
 */
void
cam_process_sync_done (GObject      *source_object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  CamProcessSync *sync = user_data;

  sync->result = g_object_ref (result);
}

/**
 * cam_process_sync_end:
 * @self: a #CamProcess
 * @sync: the state filled by cam_process_sync_begin()
 *
 * Iterates the private context until the async twin completes, then
 * undoes cam_process_sync_begin().
 *
 * Returns: (transfer full): the result to give the _finish() function
 */
GAsyncResult *
cam_process_sync_end (CamProcess     *self,
                      CamProcessSync *sync)
{
  while (sync->result == NULL)
    g_main_context_iteration (sync->context, TRUE);

  /* A child still running (the wait was cancelled) goes back to the watch
   * of its own context before ours goes away. */
  g_mutex_lock (&self->lock);
  if (sync->moved && self->watch != NULL)
    {
      int errsv = 0;

      if (!cam_context_watch_move (self->watch, sync->context, self->context,
                                   &errsv) && errsv != 0)
        g_warning ("Failed to watch child %d again from its own context: %s",
                   self->pid, g_strerror (errsv));
    }
  g_mutex_unlock (&self->lock);

  g_main_context_pop_thread_default (sync->context);
  g_clear_pointer (&sync->context, g_main_context_unref);

  return g_steal_pointer (&sync->result);
}

/**
 * cam_process_wait:
 * @self: a #CamProcess that has been started
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Blocks until the child has exited and been reaped, iterating a private
 * #GMainContext: no other source of the caller's contexts is dispatched
 * meanwhile.
 *
 * When the caller's thread owns the context that was thread-default at
 * [method@Cam.Process.start], or nobody runs that context, the wait reaps
 * the child itself and emits [signal@Cam.Process::finished] before it
 * returns, in the calling thread, with that context as the thread-default
 * one when the calling thread can acquire it.  When another thread runs
 * that context at the call, the emission happens there, also before this
 * returns.  Synchronous waits in several threads on children started from
 * the same context do not wait for each other: each returns when its own
 * child has exited.
 *
 * Called from a handler of [signal@Cam.Process::finished], it returns at
 * once with the status being announced, as [method@Cam.Process.wait_check]
 * and [method@Cam.Process.communicate] do.
 *
 * Cancelling @cancellable makes the wait fail with %G_IO_ERROR_CANCELLED;
 * the child keeps running.
 *
 * Returns: %TRUE once the child has been reaped
 *
 * Since: 1.0
 */
gboolean
cam_process_wait (CamProcess    *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  CamProcessSync sync = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (cam_process_has_started (self), FALSE);

  cam_process_sync_begin (self, &sync);
  cam_process_wait_async (self, cancellable, cam_process_sync_done, &sync);
  result = cam_process_sync_end (self, &sync);
  return cam_process_wait_finish (self, result, error);
}

/**
 * cam_process_wait_check:
 * @self: a #CamProcess that has been started
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Like [method@Cam.Process.wait], but fails as
 * [method@Cam.Process.wait_check_finish] does unless the child exited with
 * code 0.
 *
 * Returns: %TRUE if the child exited with code 0
 *
 * Since: 1.0
 */
gboolean
cam_process_wait_check (CamProcess    *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  CamProcessSync sync = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (cam_process_has_started (self), FALSE);

  cam_process_sync_begin (self, &sync);
  cam_process_wait_check_async (self, cancellable, cam_process_sync_done,
                                &sync);
  result = cam_process_sync_end (self, &sync);
  return cam_process_wait_check_finish (self, result, error);
}
