/* cam-pidfd-source.c: a GSource that reaps a child through its pidfd
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A pidfd polls readable once its process has exited.  The source then
 * reaps the child (cam_pidfd_reap_rusage()), hands the resource usage to its
 * owner, a CamProcess, and calls its CamPidfdSourceFunc once with the final
 * status.  Each source watches one fd: an exit costs one
 * wakeup and one waitid(), whatever the number of other children.
 *
 * The pidfd is borrowed: the owner closes it after destroying the source,
 * so the context never polls a closed fd.
 */
#include "config.h"

#include <errno.h>

#include "cam-pidfd-source.h"
#include "cam-pidfd-util.h"
#include "cam-process-object.h"

/* A readable pidfd whose status is not there yet is retried every
 * RETRY_INTERVAL_MS with the fd out of the poll, so that the context does
 * not spin on it, and given up as unknown after MAX_RETRIES. */
#define RETRY_INTERVAL_MS 1
#define MAX_RETRIES       200

typedef struct {
  GSource  source;
  int      pidfd;
  gpointer tag;
  GWeakRef owner;
  guint    n_retries;   /* > 0 while retrying on a timer */
} CamPidfdSource;

static gboolean
cam_pidfd_source_dispatch (GSource     *source,
                           GSourceFunc  callback,
                           gpointer     user_data)
{
  CamPidfdSource *self = (CamPidfdSource *) source;
  CamPidfdSourceFunc func = (CamPidfdSourceFunc) (void (*) (void)) callback;
  g_autoptr(GObject) owner = NULL;
  CamProcessExitStatus status;
  struct rusage ru;
  int code;
  int r;

  if (self->n_retries == 0 &&
      !(g_source_query_unix_fd (source, self->tag) & G_IO_IN))
    return G_SOURCE_CONTINUE;

  /* The owner's last reference may be dropped in another thread right
   * now: then its dispose kills and reaps the child and closes the pidfd,
   * which we must not touch.  Holding a reference keeps dispose away while
   * we reap. */
  owner = g_weak_ref_get (&self->owner);
  if (owner == NULL)
    return G_SOURCE_REMOVE;

  r = cam_pidfd_reap_rusage (self->pidfd, FALSE, &status, &code, &ru);
  if (r == -EAGAIN && self->n_retries >= MAX_RETRIES)
    {
      /* Reaped by somebody else, and the kernel keeps no status. */
      status = CAM_PROCESS_EXIT_STATUS_UNKNOWN;
      code = -1;
    }
  else if (r == -EAGAIN)
    {
      /* A foreign reaper is half-way through: the pidfd stays readable,
       * so poll it no more and look again on a timer. */
      if (self->n_retries++ == 0)
        g_source_modify_unix_fd (source, self->tag, 0);
      g_source_set_ready_time (source, g_source_get_time (source) +
                                       RETRY_INTERVAL_MS * G_TIME_SPAN_MILLISECOND);
      return G_SOURCE_CONTINUE;
    }
  else if (r < 0)
    {
      g_warning ("Failed to reap child through pidfd %d: %s", self->pidfd,
                 g_strerror (-r));
      status = CAM_PROCESS_EXIT_STATUS_UNKNOWN;
      code = -1;
    }

  /* Before the callback, which announces the exit: "finished" handlers
   * and waits may already ask for it. */
  cam_process_set_resource_usage (CAM_PROCESS (owner), r > 0 ? &ru : NULL);

  if (func != NULL)
    func (status, code, owner);
  return G_SOURCE_REMOVE;
}

static void
cam_pidfd_source_finalize (GSource *source)
{
  CamPidfdSource *self = (CamPidfdSource *) source;

  g_weak_ref_clear (&self->owner);
}

static GSourceFuncs cam_pidfd_source_funcs = {
  .dispatch = cam_pidfd_source_dispatch,
  .finalize = cam_pidfd_source_finalize,
};

/**
 * cam_pidfd_source_new:
 * @pidfd: the pidfd of a child of this process (borrowed from @owner)
 * @owner: the #CamProcess that owns @pidfd, held by a weak reference
 *
 * Creates a source whose callback, a CamPidfdSourceFunc set with
 * g_source_set_callback(), runs once when the child has exited and been
 * reaped, with @owner as its user data.  Once @owner is being disposed the
 * source reaps nothing and calls nothing: the owner's dispose does it.
 *
 * Returns: (transfer full): a new source
 */
GSource *
cam_pidfd_source_new (int      pidfd,
                      GObject *owner)
{
  GSource *source = g_source_new (&cam_pidfd_source_funcs,
                                  sizeof (CamPidfdSource));
  CamPidfdSource *self = (CamPidfdSource *) source;

  g_source_set_static_name (source, "CamProcess pidfd watch");
  self->pidfd = pidfd;
  g_weak_ref_init (&self->owner, owner);
  self->tag = g_source_add_unix_fd (source, pidfd, G_IO_IN);
  return source;
}
