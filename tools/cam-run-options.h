/* cam-run-options.h: the command line of cam-run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <camprocess/camprocess.h>

G_BEGIN_DECLS

/* Exit statuses of cam-run itself, as timeout(1) and env(1) have them. */
#define CAM_RUN_EXIT_TIMEDOUT       124
#define CAM_RUN_EXIT_FAILURE        125
#define CAM_RUN_EXIT_CANNOT_INVOKE  126
#define CAM_RUN_EXIT_ENOENT         127
#define CAM_RUN_EXIT_SIGNAL_BASE    128

typedef struct {
  char    *source;
  char    *target;    /* nullable: the same path */
  gboolean writable;
} CamRunBind;

typedef struct {
  int     resource;
  guint64 soft;
  guint64 hard;
} CamRunRlimit;

typedef struct {
  int source;
  int target;
} CamRunFdMap;

typedef struct {
  CamProcessFlags  flags;
  gboolean         restrict_syscalls;
  GArray          *binds;        /* CamRunBind */
  int              seccomp_fd;   /* -1 */
  gboolean         has_user;
  guint32          uid;
  guint32          gid;
  char            *cgroup;       /* nullable */
  GArray          *rlimits;      /* CamRunRlimit */
  char            *chdir;        /* nullable */
  gboolean         clear_env;
  GPtrArray       *env_edits;    /* "VAR=VALUE" sets, "VAR" unsets, in order */
  GArray          *fds;          /* int */
  GArray          *fd_maps;      /* CamRunFdMap */
  guint64          timeout_ms;   /* 0: none */
  guint64          grace_ms;     /* 0: never SIGKILL */
  int              json_fd;      /* -1 */
  gboolean         verbose;
  char           **argv;         /* PROGRAM ARG… */
} CamRunOptions;

gboolean cam_run_options_parse (CamRunOptions  *options,
                                int            *argc,
                                char         ***argv,
                                GError        **error);
void     cam_run_options_clear (CamRunOptions  *options);

G_END_DECLS
