/* cam-process-object.h: the CamProcess instance, shared by its source files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cam-process.c is the GObject surface and owns the life cycle of the
 * child; the state machine and the locking rules are described at its top.
 * Other lib/cam-process-*.c files that add a concept to CamProcess keep
 * their fields in a group of their own here.
 */
#pragma once

#include "camprocess/cam-process.h"

G_BEGIN_DECLS

struct _CamProcess
{
  GObject               parent_instance;

  /* Configuration, read by start(). */
  char                **envp;     /* nullable: inherit environ */
  char                 *cwd;      /* nullable */

  GMutex                lock;
  int                   pid;      /* 0 unless running */
  int                   pidfd;    /* -1 unless running; owned */
  CamProcessExitStatus  exit_status;
  int                   exit_code;

  GSource              *watch;    /* owned; attached to @context */
  GMainContext         *context;  /* owned; thread-default at start */

  /* Child setup (cam-process-sandbox.c), read by start(). */
  CamProcessFlags       flags;
  GArray               *taken_fds; /* CamSpawnFd; sources owned, closed
                                    * when start() returns or at dispose */
  GArray               *rlimits;  /* CamSpawnRlimit; unique resources */
  char                 *cgroup;   /* nullable */
  gboolean              has_user;
  guint32               uid;
  guint32               gid;
};

void cam_process_close_taken_fds (CamProcess *self);

G_END_DECLS
