/* cam-process-private.h: what the parent prepares for the child
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything the child reads between clone and exec lives in one
 * CamSpawnArgs filled by the parent before the clone.  The child allocates
 * nothing, takes no lock and calls no GLib: it may run as a CLONE_VM child
 * of a threaded parent, where any lock it finds taken stays taken forever.
 */
#pragma once

#include <linux/filter.h>
#include <signal.h>
#include <sys/types.h>
#include <glib.h>

#include "camprocess/cam-process.h"
#include "cam-seccomp.h"

G_BEGIN_DECLS

/* The steps the child runs, in order; a failure reports the step. */
typedef enum {
  CAM_SPAWN_STEP_NONE,
  /* Run by the parent while the child waits (cam-spawn-userns.c). */
  CAM_SPAWN_STEP_SETGROUPS_DENY,
  CAM_SPAWN_STEP_UID_MAP,
  CAM_SPAWN_STEP_GID_MAP,
  /* Run by the child (cam-spawn-child.c). */
  CAM_SPAWN_STEP_SIGNALS,
  CAM_SPAWN_STEP_SETGROUPS,
  CAM_SPAWN_STEP_SETRESGID,
  CAM_SPAWN_STEP_SETRESUID,
  CAM_SPAWN_STEP_PDEATHSIG,
  CAM_SPAWN_STEP_PARENT_GONE,
  CAM_SPAWN_STEP_MOUNT_PRIVATE,
  CAM_SPAWN_STEP_ROOT,
  CAM_SPAWN_STEP_CHDIR,
  CAM_SPAWN_STEP_DUP_FDS,
  CAM_SPAWN_STEP_CLOSE_FDS,
  CAM_SPAWN_STEP_RLIMIT,
  CAM_SPAWN_STEP_SETSID,
  CAM_SPAWN_STEP_NO_NEW_PRIVS,
  CAM_SPAWN_STEP_SECCOMP,
  CAM_SPAWN_STEP_EXEC,
} CamSpawnStep;

/* What a failed child writes to the report pipe before _exit (127):
 * twelve bytes, less than PIPE_BUF, so written at once or not at all. */
typedef struct {
  int step;     /* CamSpawnStep */
  int error;    /* errno of the failed call, never 0 */
  int index;    /* CAM_SPAWN_STEP_RLIMIT: index in rlimits;
                 * CAM_SPAWN_STEP_SECCOMP: a CamSpawnSeccomp;
                 * CAM_SPAWN_STEP_ROOT: index in root_ops; else 0 */
} CamSpawnReport;

/* One resource limit the child sets with prlimit64(). */
typedef struct {
  int     resource;     /* RLIMIT_* */
  guint64 soft;         /* RLIM64_INFINITY is G_MAXUINT64 */
  guint64 hard;
} CamSpawnRlimit;

/* The seccomp filters the child loads, in this order.  The kernel runs
 * them all, so neither can allow what the other refuses; the built-in one
 * goes first, so that a caller's filter refusing seccomp() itself cannot
 * keep it out. */
typedef enum {
  CAM_SPAWN_SECCOMP_BUILTIN,
  CAM_SPAWN_SECCOMP_CALLER,
  CAM_SPAWN_N_SECCOMP,
} CamSpawnSeccomp;
/* A host path made visible in the child's own root
 * (CAM_PROCESS_FLAGS_ISOLATE_FILES); @source absolute, @target absolute
 * and canonical (g_canonicalize_filename()), never "/". */
typedef struct {
  char     *source;
  char     *target;
  gboolean  writable;
} CamSpawnBind;

/* What the child does to build its root (cam-root-plan.c prepares them,
 * cam-root-child.c runs them in order).  After the first op the child's
 * root and cwd are the new root, with the host's at /oldroot until the
 * last op; @path is relative to it. */
typedef enum {
  CAM_ROOT_OP_ENTER,     /* mount a tmpfs on @path (host), make it the
                          * root and cwd; the host's root stays at
                          * /oldroot */
  CAM_ROOT_OP_MKDIR,     /* mkdir @path, mode @flags; an existing one is fine */
  CAM_ROOT_OP_MKFILE,    /* an empty file as a mount point; existing is fine */
  CAM_ROOT_OP_SYMLINK,   /* symlink @source at @path */
  CAM_ROOT_OP_BIND,      /* bind @source, a host path */
  CAM_ROOT_OP_ATTACH,    /* attach the detached tree @fd (open_tree) */
  CAM_ROOT_OP_REMOUNT,   /* remount @path with @flags (MS_REMOUNT|MS_BIND…) */
  CAM_ROOT_OP_MOUNT,     /* a new file system @fstype on @path */
  CAM_ROOT_OP_LEAVE,     /* detach /oldroot and remove the directory */
} CamRootOpKind;

/* One prepared operation: mount (@source, @path, @fstype, @flags, @data)
 * for the mount kinds.  @name is the path messages show (the host source
 * of a bind, else the path in the new root). */
typedef struct {
  CamRootOpKind  kind;
  const char    *path;
  const char    *source;  /* nullable */
  const char    *fstype;  /* nullable */
  unsigned long  flags;
  const char    *data;    /* nullable */
  const char    *name;
  int            fd;      /* CAM_ROOT_OP_ATTACH: a tree of the plan */
} CamRootOp;

/* "0 65534 1\n": one line of a uid_map or gid_map, with room to spare. */
#define CAM_SPAWN_ID_MAP_SIZE 48

/* One fd the child gets: @source in the parent becomes @target in the
 * child, without FD_CLOEXEC.  Targets are unique. */
typedef struct {
  int source;
  int target;
} CamSpawnFd;

typedef struct {
  /* Filled by cam-process.c; borrowed for the duration of cam_spawn(). */
  const char         *path;
  const char * const *argv;
  const char * const *envp;
  const char         *cwd;          /* nullable; under ISOLATE_FILES,
                                     * cam_spawn() points it at the plan's
                                     * absolute copy while it runs */
  const char * const *script_argv;  /* nullable: { "/bin/sh", path,
                                     * argv[1], … }, executed when path
                                     * fails with ENOEXEC */
  const CamSpawnFd   *fds;
  gsize               n_fds;

  /* Child setup, filled by cam-process.c; borrowed for the duration of
   * cam_spawn().  See cam_process_set_flags() for the meaning. */
  CamProcessFlags       flags;
  gboolean              has_user;     /* uid and gid were set */
  guint32               uid;
  guint32               gid;
  const CamSpawnRlimit *rlimits;      /* resources are unique */
  gsize                 n_rlimits;
  const char           *cgroup;       /* nullable: a cgroup v2 directory */
  GBytes               *seccomp_program; /* nullable: the caller's filter,
                                          * struct sock_filter[], checked
                                          * by set_seccomp_filter() */
  const CamSpawnBind   *binds;        /* in the order given */
  gsize                 n_binds;

  /* Filled by cam_spawn() before the clone; owned by cam_spawn(). */
  int                *keep;         /* sorted fds the child keeps open:
                                     * 0, 1, 2, the targets, report_fd */
  gsize               n_keep;
  int                *scratch;      /* n_fds slots the child writes: each
                                     * source moved to >= base_fd */
  int                 base_fd;      /* above every source and target */
  const int          *open_fds;     /* nullable: the parent's open fds,
                                     * listed only when close_range() is
                                     * missing; sorted */
  gsize               n_open_fds;
  gboolean            reset_handlers; /* no CLONE_CLEAR_SIGHAND */
  sigset_t            reset_ignored; /* ignored signals the program gets
                                      * with SIG_DFL (see cam_spawn()) */
  sigset_t            child_mask;   /* the mask the program starts with */
  int                 report_fd;    /* write end of an O_CLOEXEC pipe,
                                     * above base_fd */

  /* Child setup, prepared by cam_spawn() from the fields above. */
  int                 clone_ns;     /* every CLONE_NEW* requested: all go
                                     * to the clone, which creates the
                                     * others owned by a new user
                                     * namespace */
  gboolean            set_ids;      /* switch to switch_uid/switch_gid */
  gboolean            drop_groups;  /* setgroups (0) first: the caller has
                                     * supplementary groups */
  guint32             switch_uid;   /* ids the child switches to: 0 in a
                                     * new user namespace, else the
                                     * target ids */
  guint32             switch_gid;
  guint32             target_uid;   /* host ids of the child */
  guint32             target_gid;
  /* The user namespace, set up by the parent (cam-spawn-userns.c) while
   * the child waits on sync_fd: a child that shares or copies our memory
   * never becomes dumpable as another uid, nor lives in a user namespace
   * that another uid owns. */
  gboolean            deny_setgroups; /* "deny" to setgroups: unless the
                                       * child must drop groups first */
  char                uid_map[CAM_SPAWN_ID_MAP_SIZE]; /* "" or one line */
  char                gid_map[CAM_SPAWN_ID_MAP_SIZE];
  int                 sync_fd;      /* -1, or the read end of a pipe: the
                                     * child waits for one byte, sent
                                     * once its maps are written */
  int                 sync_peer_fd; /* its write end, closed first by the
                                     * child, so that EOF means the
                                     * parent gave up */
  pid_t               parent_pid;   /* getpid () before the clone */
  int                 cgroup_fd;    /* -1, or an O_DIRECTORY fd of the
                                     * cgroup v2 directory; owned */
  gboolean            no_new_privs; /* NO_NEW_PRIVS, or any filter */
  CamSeccompRules     seccomp_rules; /* the built-in rule sets */
  struct sock_fprog   caller_fprog; /* points into seccomp_program */
  const struct sock_fprog *seccomp[CAM_SPAWN_N_SECCOMP];
                                    /* each nullable: loaded in order,
                                     * last before exec; the built-in one
                                     * is cam-seccomp.c's, kept for the
                                     * life of the process */
  const char         *exec_path;    /* what execve() gets: @path, or its
                                     * canonical path in the new root */
  const CamRootOp    *root_ops;     /* ISOLATE_FILES: the new root, built
                                     * in order; points into root_plan */
  gsize               n_root_ops;
  struct _CamRootPlan *root_plan;   /* owned by cam_spawn(): the ops, their
                                     * strings and the fds of detached
                                     * mount trees */
} CamSpawnArgs;

int cam_spawn_child (void *data);

G_END_DECLS
