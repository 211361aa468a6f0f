/* cam-context-watch.h: one pidfd watch per GMainContext
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <sys/resource.h>

#include "camprocess/cam-process.h"

G_BEGIN_DECLS

/* Called once per child, from the context whose watch reaped it, with a
 * strong reference on @owner held for the call.  @rusage is the kernel's
 * resource usage of the child, or NULL where we did not reap it ourselves
 * (a foreign reaper, a failed reap). */
typedef void (*CamContextWatchFunc) (CamProcessExitStatus  status,
                                     int                   code,
                                     const struct rusage  *rusage,
                                     gpointer              owner);

typedef struct _CamWatchEntry CamWatchEntry;

CamWatchEntry *cam_context_watch_add    (GMainContext        *context,
                                         int                  pidfd,
                                         GObject             *owner,
                                         CamContextWatchFunc  func,
                                         int                 *ret_errno);
gboolean       cam_context_watch_move   (CamWatchEntry       *entry,
                                         GMainContext        *from,
                                         GMainContext        *to,
                                         int                 *ret_errno);
gboolean       cam_context_watch_remove (CamWatchEntry       *entry);

G_END_DECLS
