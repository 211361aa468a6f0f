/* cam-pidfd-source.h: a GSource that reaps a child through its pidfd
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

#include "camprocess/cam-process.h"

G_BEGIN_DECLS

typedef void (*CamPidfdSourceFunc) (CamProcessExitStatus status,
                                    int                  code,
                                    gpointer             user_data);

GSource *cam_pidfd_source_new (int      pidfd,
                               GObject *owner);

G_END_DECLS
