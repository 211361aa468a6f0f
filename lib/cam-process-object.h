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

#include <sys/resource.h>

#include "camprocess/cam-process.h"
#include "cam-context-watch.h"
#include "cam-process-private.h"

G_BEGIN_DECLS

struct _CamProcess
{
  GObject               parent_instance;

  /* Configuration, read by start(). */
  char                **envp;     /* nullable: inherit environ */
  char                 *cwd;      /* nullable */

  GMutex                lock;
  int                   pid;      /* 0 unless running */
  char                  identifier[16]; /* pid as a string, written at
                                         * start while no child runs */
  int                   pidfd;    /* -1 unless running; owned */
  gboolean              starting; /* a start() is between its check and
                                   * publishing the child */
  CamProcessExitStatus  exit_status;
  int                   exit_code;

  CamWatchEntry        *watch;    /* owned; registered in the watch of
                                   * @context (or of a sync wait's
                                   * private context) until reaped;
                                   * set and cleared under @lock */
  GMainContext         *context;  /* owned; thread-default at start;
                                   * set and cleared under @lock */
  gboolean              keep_alive; /* holds a reference on itself until
                                     * the child is reaped (no
                                     * KILL_ON_DISPOSE); under @lock */

  /* Child setup (cam-process-sandbox.c), read by start(). */
  CamProcessFlags       flags;
  GArray               *taken_fds; /* CamSpawnFd; sources owned, closed
                                    * when start() returns or at dispose */
  GArray               *rlimits;  /* CamSpawnRlimit; unique resources */
  char                 *cgroup;   /* nullable */
  gboolean              has_user;
  guint32               uid;
  guint32               gid;
  GBytes               *seccomp_program; /* owned, nullable; checked */
  GArray               *binds;    /* CamSpawnBind, owned strings; in the
                                   * order given */

  /* GInitable construction (cam-process.c). */
  char                **argv;         /* construct-only, nullable */
  gboolean              initialized;  /* init() has run */
  GError               *init_error;   /* owned; its outcome, or NULL */

  /* Waits (cam-process-wait.c), guarded by @lock. */
  GSList               *pending_waits; /* owned GTasks, newest first */
  GSList               *late_waits;    /* owned GTasks made while
                                        * @announcing with no child */
  gboolean              announcing;    /* "finished" is being emitted */
  GThread              *announcing_thread; /* by this thread, or NULL */
  GMainContext         *restart_context;   /* owned, nullable: where a
                                            * start() by a handler watches
                                            * from, when a sync wait reaped
                                            * on its private context */

  /* Stdio (cam-process-io.c), used from the thread that calls start(). */
  CamProcessStdioFlags  stdio_flags;  /* for the next start */
  char                 *stdio_paths[3]; /* owned, nullable: files for fd
                                         * 0, 1, 2, opened at start */
  GOutputStream        *stdin_pipe;   /* owned, nullable; of the last child */
  GInputStream         *stdout_pipe;  /* owned, nullable; of the last child */
  GInputStream         *stderr_pipe;  /* owned, nullable; of the last child */

  /* Resource usage of the last child (cam-process-rusage.c), guarded by
   * @lock; set by the pidfd source just before the exit is announced. */
  gboolean              has_rusage;   /* we reaped it ourselves */
  guint64               user_usec;
  guint64               system_usec;
  guint64               max_rss_kib;
};

/* A function's own address as a GTask source tag.  The detour through an
 * integer keeps -Wpedantic quiet: ISO C has no conversion from a function
 * pointer to void *. */
#define CAM_SOURCE_TAG(func) ((gpointer) (guintptr) (func))

/* cam-process-sandbox.c */
void cam_process_close_taken_fds (CamProcess *self);

/* cam-process-rusage.c */
void cam_process_set_resource_usage (CamProcess          *self,
                                     const struct rusage *ru);

/* cam-process-io.c: the stdio of one start.  cam_process_stdio_open()
 * fills @map with the child's ends (at most one entry per fd 0, 1, 2;
 * none for fd 0 when @stdin_given, an fd the caller gives for 0);
 * after a successful spawn cam_process_stdio_commit() hands the parent's
 * ends to the CamProcess as streams; cam_process_stdio_clear() closes
 * whatever is left, on success or failure. */
typedef struct {
  CamSpawnFd  map[3];
  gsize       n_map;
  int         null_fd;        /* owned /dev/null, or -1 */
  int         child_fds[3];   /* owned child ends of pipes or the opened
                               * stdio files, or -1 */
  int         parent_fds[3];  /* owned parent ends of pipes, or -1 */
} CamProcessStdio;

gboolean cam_process_stdio_open   (CamProcess            *self,
                                   int                    stdout_fd,
                                   gboolean               stdin_given,
                                   CamProcessStdio       *stdio,
                                   GError               **error);
void     cam_process_stdio_commit (CamProcess            *self,
                                   CamProcessStdio       *stdio);
void     cam_process_stdio_clear  (CamProcessStdio       *stdio);
gboolean cam_process_stdio_flags_valid (CamProcessStdioFlags flags);
CamProcessStdioFlags cam_process_stdio_stream_flags (int target);

/* cam-process-wait.c */
gboolean cam_process_has_started    (CamProcess           *self);
void     cam_process_complete_waits (CamProcess           *self,
                                     GSList               *waits,
                                     CamProcessExitStatus  status,
                                     int                   code);
void     cam_process_close_waits    (CamProcess           *self);

/* A synchronous call: cam_process_sync_begin() pushes a private
 * thread-default context, the caller starts the async twin with
 * cam_process_sync_done() and &sync, and cam_process_sync_end() iterates
 * the private context until the result arrives and returns it. */
typedef struct {
  GMainContext *context;        /* owned; private */
  gboolean      moved;          /* the child was moved into the watch of
                                 * @context */
  GAsyncResult *result;         /* owned, or NULL until done */
} CamProcessSync;

void          cam_process_sync_begin (CamProcess     *self,
                                      CamProcessSync *sync);
void          cam_process_sync_done  (GObject        *source_object,
                                      GAsyncResult   *result,
                                      gpointer        user_data);
GAsyncResult *cam_process_sync_end   (CamProcess     *self,
                                      CamProcessSync *sync);

G_END_DECLS
