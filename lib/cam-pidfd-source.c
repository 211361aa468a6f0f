/* cam-pidfd-source.c: a GSource that reaps a child through its pidfd
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A pidfd polls readable once its process has exited.  The source then
 * reaps the child (cam_pidfd_reap()) and calls its CamPidfdSourceFunc once
 * with the final status.  Each source watches one fd: an exit costs one
 * wakeup and one waitid(), whatever the number of other children.
 *
 * The pidfd is borrowed: the owner closes it after destroying the source,
 * so the context never polls a closed fd.
 */
#include "config.h"

#include <errno.h>

#include "cam-pidfd-source.h"
#include "cam-pidfd-util.h"

typedef struct {
  GSource  source;
  int      pidfd;
  gpointer tag;
} CamPidfdSource;

static gboolean
cam_pidfd_source_dispatch (GSource     *source,
                           GSourceFunc  callback,
                           gpointer     user_data)
{
  CamPidfdSource *self = (CamPidfdSource *) source;
  CamPidfdSourceFunc func = (CamPidfdSourceFunc) (void (*) (void)) callback;
  CamProcessExitStatus status;
  int code;
  int r;

  if (!(g_source_query_unix_fd (source, self->tag) & G_IO_IN))
    return G_SOURCE_CONTINUE;

  r = cam_pidfd_reap (self->pidfd, FALSE, &status, &code);
  if (r == -EAGAIN)
    return G_SOURCE_CONTINUE;   /* a foreign reaper is half-way through */
  if (r < 0)
    {
      g_warning ("Failed to reap child through pidfd %d: %s", self->pidfd,
                 g_strerror (-r));
      status = CAM_PROCESS_EXIT_STATUS_UNKNOWN;
      code = -1;
    }

  if (func != NULL)
    func (status, code, user_data);
  return G_SOURCE_REMOVE;
}

static GSourceFuncs cam_pidfd_source_funcs = {
  .dispatch = cam_pidfd_source_dispatch,
};

/**
 * cam_pidfd_source_new:
 * @pidfd: the pidfd of a child of this process (borrowed)
 *
 * Creates a source whose callback, a CamPidfdSourceFunc set with
 * g_source_set_callback(), runs once when the child has exited and been
 * reaped.
 *
 * Returns: (transfer full): a new source
 */
GSource *
cam_pidfd_source_new (int pidfd)
{
  GSource *source = g_source_new (&cam_pidfd_source_funcs,
                                  sizeof (CamPidfdSource));
  CamPidfdSource *self = (CamPidfdSource *) source;

  g_source_set_static_name (source, "CamProcess pidfd watch");
  self->pidfd = pidfd;
  self->tag = g_source_add_unix_fd (source, pidfd, G_IO_IN);
  return source;
}
