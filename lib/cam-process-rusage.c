/* cam-process-rusage.c: the kernel's resource usage of a reaped child
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * waitid() fills a struct rusage when it reaps the child (the fifth
 * argument of the system call, see cam_pidfd_reap_rusage()); the pidfd
 * source stores it here before the exit is announced.  A child reaped by
 * someone else leaves none: its usage went to that reaper.
 */
#include "config.h"

#include "cam-process-object.h"

static guint64
timeval_to_usec (const struct timeval *tv)
{
  return (guint64) tv->tv_sec * G_USEC_PER_SEC + (guint64) tv->tv_usec;
}

/* Stores the usage of the child just reaped, or forgets the last one when
 * @ru is NULL (a foreign reaper, a failed reap). */
void
cam_process_set_resource_usage (CamProcess          *self,
                                const struct rusage *ru)
{
  g_mutex_lock (&self->lock);
  self->has_rusage = ru != NULL;
  self->user_usec = ru != NULL ? timeval_to_usec (&ru->ru_utime) : 0;
  self->system_usec = ru != NULL ? timeval_to_usec (&ru->ru_stime) : 0;
  /* ru_maxrss is in KiB on Linux. */
  self->max_rss_kib = ru != NULL ? (guint64) MAX (ru->ru_maxrss, 0) : 0;
  g_mutex_unlock (&self->lock);
}

/**
 * cam_process_get_resource_usage:
 * @self: a #CamProcess
 * @user_usec: (out) (optional): the CPU time the child spent in user
 *   mode, in microseconds
 * @system_usec: (out) (optional): the CPU time the child spent in the
 *   kernel, in microseconds
 * @max_rss_kib: (out) (optional): the largest resident set size of the
 *   child, in KiB
 *
 * Gets the resource usage the kernel reported when it reaped the last
 * child, as wait4() and getrusage(`RUSAGE_CHILDREN`) count it: the child's
 * own usage plus that of the descendants it waited for.  It is available
 * from the emission of [signal@Cam.Process::finished] on, until the next
 * [method@Cam.Process.start].
 *
 * There is none while the child runs, before the first start, and when
 * another part of the program reaped the child first (a foreign
 * `waitpid (-1)` or SIGCHLD handler; the usage went to that reaper): then
 * this returns %FALSE and sets the outputs to 0.
 *
 * Returns: %TRUE if the outputs hold the usage of the last child
 *
 * Since: 1.0
 */
gboolean
cam_process_get_resource_usage (CamProcess *self,
                                guint64    *user_usec,
                                guint64    *system_usec,
                                guint64    *max_rss_kib)
{
  gboolean ok;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);

  g_mutex_lock (&self->lock);
  /* The usage of an earlier child stays stored after a new start: the exit
   * status tells whether it belongs to the last one. */
  ok = self->has_rusage &&
       (self->exit_status == CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT ||
        self->exit_status == CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT);
  if (user_usec != NULL)
    *user_usec = ok ? self->user_usec : 0;
  if (system_usec != NULL)
    *system_usec = ok ? self->system_usec : 0;
  if (max_rss_kib != NULL)
    *max_rss_kib = ok ? self->max_rss_kib : 0;
  g_mutex_unlock (&self->lock);

  return ok;
}
