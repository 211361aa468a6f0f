/* cam-process-launcher.c: CamProcessLauncher, one configuration for many
 * children
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The launcher keeps a configuration and, at each spawnv(), builds a fresh
 * CamProcess from it through the public CamProcess API only, then starts
 * it: as gsubprocesslauncher.c keeps apart from gsubprocess.c, it knows
 * nothing of the object's insides, but for the rules of the stdio flags,
 * which it checks with cam-process-io.c's own helpers (through
 * cam-process-object.h).  Values the CamProcess setters would
 * refuse with a GError (resource limits, seccomp programs) are checked
 * when set, on a scratch CamProcess, so that spawnv() only fails for what
 * a start can fail for.
 *
 * Taken fds belong to the launcher until the next spawnv(), which hands
 * them to its CamProcess whatever happens next; finalize closes those no
 * spawn took.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "camprocess/camprocess.h"
#include "cam-process-object.h"

typedef struct {
  int source;   /* owned */
  int target;
} LauncherFd;

typedef struct {
  int     resource;
  guint64 soft;
  guint64 hard;
} LauncherRlimit;

typedef struct {
  char     *source;
  char     *target;   /* nullable */
  gboolean  writable;
} LauncherBind;

struct _CamProcessLauncher
{
  GObject               parent_instance;

  CamProcessStdioFlags  stdio_flags;
  CamProcessFlags       flags;
  char                **envp;           /* nullable: the caller's */
  char                 *cwd;            /* nullable */
  char                 *stdio_paths[3]; /* nullable, per fd 0, 1, 2 */
  GArray               *fds;            /* LauncherFd, for the next spawn */
  GArray               *rlimits;        /* LauncherRlimit, unique */
  gboolean              has_user;
  guint32               uid;
  guint32               gid;
  char                 *cgroup;         /* nullable */
  GBytes               *seccomp_program; /* nullable, checked */
  GArray               *binds;          /* LauncherBind */
};

/**
 * CamProcessLauncher:
 *
 * One configuration for many children, as `GSubprocessLauncher`: set the
 * standard streams, the environment, the working directory and the child
 * setup once, then call [method@Cam.ProcessLauncher.spawnv] for each child.
 * Each spawn configures a fresh [class@Cam.Process] from the launcher and
 * starts it; changing the launcher afterwards does not change the
 * processes it spawned.
 *
 * ```c
 * g_autoptr(CamProcessLauncher) launcher =
 *   cam_process_launcher_new (CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
 * const char *argv[] = { "uname", "-r", NULL };
 * g_autoptr(CamProcess) process = NULL;
 *
 * cam_process_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
 * process = cam_process_launcher_spawnv (launcher, argv, &error);
 * ```
 *
 * A launcher is not locked: use it from one thread at a time.
 *
 * Since: 1.0
 */

G_DEFINE_FINAL_TYPE (CamProcessLauncher, cam_process_launcher, G_TYPE_OBJECT)

static void
close_fds (CamProcessLauncher *self)
{
  for (guint i = 0; i < self->fds->len; i++)
    {
      int source = g_array_index (self->fds, LauncherFd, i).source;
      gboolean seen = FALSE;

      /* One source may be taken for two targets: close it once. */
      for (guint j = 0; j < i; j++)
        seen |= g_array_index (self->fds, LauncherFd, j).source == source;
      if (!seen)
        close (source);
    }
  g_array_set_size (self->fds, 0);
}

static void
clear_bind (gpointer data)
{
  LauncherBind *bind = data;

  g_free (bind->source);
  g_free (bind->target);
}

static void
cam_process_launcher_finalize (GObject *object)
{
  CamProcessLauncher *self = CAM_PROCESS_LAUNCHER (object);

  close_fds (self);
  g_array_unref (self->fds);
  g_array_unref (self->rlimits);
  g_array_unref (self->binds);
  g_strfreev (self->envp);
  g_free (self->cwd);
  for (int i = 0; i < 3; i++)
    g_free (self->stdio_paths[i]);
  g_free (self->cgroup);
  g_clear_pointer (&self->seccomp_program, g_bytes_unref);

  G_OBJECT_CLASS (cam_process_launcher_parent_class)->finalize (object);
}

static void
cam_process_launcher_class_init (CamProcessLauncherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cam_process_launcher_finalize;
}

static void
cam_process_launcher_init (CamProcessLauncher *self)
{
  self->fds = g_array_new (FALSE, FALSE, sizeof (LauncherFd));
  self->rlimits = g_array_new (FALSE, FALSE, sizeof (LauncherRlimit));
  self->binds = g_array_new (FALSE, FALSE, sizeof (LauncherBind));
  g_array_set_clear_func (self->binds, clear_bind);
}

/* At most one flag per stream, and none for a stream with a file path:
 * the checks of cam_process_set_stdio_flags(), made here so that a
 * mistake shows where it is made. */
static gboolean
stdio_flags_valid (CamProcessLauncher   *self,
                   CamProcessStdioFlags  flags)
{
  if (!cam_process_stdio_flags_valid (flags))
    return FALSE;
  for (int i = 0; i < 3; i++)
    if (self->stdio_paths[i] != NULL &&
        (flags & cam_process_stdio_stream_flags (i)) != 0)
      return FALSE;
  return TRUE;
}

/**
 * cam_process_launcher_new:
 * @flags: where the standard input, output and error of the children go
 *
 * Creates a launcher, as g_subprocess_launcher_new() does.  By default the
 * children read `/dev/null` and share the caller's standard output and
 * error; see [flags@Cam.ProcessStdioFlags].
 *
 * Returns: (transfer full): a new #CamProcessLauncher
 *
 * Since: 1.0
 */
CamProcessLauncher *
cam_process_launcher_new (CamProcessStdioFlags flags)
{
  CamProcessLauncher *self = g_object_new (CAM_TYPE_PROCESS_LAUNCHER, NULL);

  cam_process_launcher_set_stdio_flags (self, flags);
  return self;
}

/**
 * cam_process_launcher_set_stdio_flags:
 * @self: a #CamProcessLauncher
 * @flags: where the standard input, output and error of the children go
 *
 * Sets the stdio flags of the children spawned from now on, as
 * [method@Cam.Process.set_stdio_flags] does for one process.  A flag for
 * a stream that has a file path is a programming error.
 *
 * Since: 1.0
 */
void
cam_process_launcher_set_stdio_flags (CamProcessLauncher   *self,
                                      CamProcessStdioFlags  flags)
{
  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));
  g_return_if_fail (stdio_flags_valid (self, flags));

  self->stdio_flags = flags;
}

/**
 * cam_process_launcher_set_flags:
 * @self: a #CamProcessLauncher
 * @flags: how the children are set up between clone and exec
 *
 * Sets the flags of the children spawned from now on; see
 * [method@Cam.Process.set_flags].
 *
 * Since: 1.0
 */
void
cam_process_launcher_set_flags (CamProcessLauncher *self,
                                CamProcessFlags     flags)
{
  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));

  self->flags = flags;
}

/**
 * cam_process_launcher_set_environ:
 * @self: a #CamProcessLauncher
 * @env: (array zero-terminated=1) (element-type filename) (nullable): the
 *   children's environment as `NAME=VALUE` strings, or %NULL for the
 *   caller's environment at each spawn
 *
 * Replaces the environment of the children spawned from now on; see
 * [method@Cam.Process.set_environ].
 *
 * Since: 1.0
 */
void
cam_process_launcher_set_environ (CamProcessLauncher *self,
                                  const char * const *env)
{
  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));

  g_strfreev (self->envp);
  self->envp = g_strdupv ((char **) env);
}

static char **
steal_environ (CamProcessLauncher *self)
{
  if (self->envp == NULL)
    return g_get_environ ();
  return g_steal_pointer (&self->envp);
}

/**
 * cam_process_launcher_setenv:
 * @self: a #CamProcessLauncher
 * @variable: (type filename): the name of a variable, without `=`
 * @value: (type filename): its value
 * @overwrite: whether to replace a value that @variable already has
 *
 * Sets @variable in the environment of the children spawned from now on.
 * Before any [method@Cam.ProcessLauncher.set_environ] it edits a copy of
 * the caller's environment, as g_subprocess_launcher_setenv() does.
 *
 * Since: 1.0
 */
void
cam_process_launcher_setenv (CamProcessLauncher *self,
                             const char         *variable,
                             const char         *value,
                             gboolean            overwrite)
{
  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));
  g_return_if_fail (variable != NULL && *variable != '\0' &&
                    strchr (variable, '=') == NULL);
  g_return_if_fail (value != NULL);

  self->envp = g_environ_setenv (steal_environ (self), variable, value,
                                 overwrite);
}

/**
 * cam_process_launcher_unsetenv:
 * @self: a #CamProcessLauncher
 * @variable: (type filename): the name of a variable, without `=`
 *
 * Removes @variable from the environment of the children spawned from now
 * on; see [method@Cam.ProcessLauncher.setenv].
 *
 * Since: 1.0
 */
void
cam_process_launcher_unsetenv (CamProcessLauncher *self,
                               const char         *variable)
{
  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));
  g_return_if_fail (variable != NULL && *variable != '\0' &&
                    strchr (variable, '=') == NULL);

  self->envp = g_environ_unsetenv (steal_environ (self), variable);
}

/**
 * cam_process_launcher_getenv:
 * @self: a #CamProcessLauncher
 * @variable: (type filename): the name of a variable, without `=`
 *
 * Gets the value of @variable in the environment the children spawned
 * from now on get.
 *
 * Returns: (type filename) (nullable) (transfer none): the value, or %NULL
 *   when @variable is unset; valid until the environment changes
 *
 * Since: 1.0
 */
const char *
cam_process_launcher_getenv (CamProcessLauncher *self,
                             const char         *variable)
{
  g_return_val_if_fail (CAM_IS_PROCESS_LAUNCHER (self), NULL);
  g_return_val_if_fail (variable != NULL, NULL);

  if (self->envp == NULL)
    return g_getenv (variable);
  return g_environ_getenv (self->envp, variable);
}

/**
 * cam_process_launcher_set_cwd:
 * @self: a #CamProcessLauncher
 * @cwd: (type filename) (nullable): the children's working directory, or
 *   %NULL for the caller's
 *
 * Sets the working directory of the children spawned from now on; see
 * [method@Cam.Process.set_cwd].
 *
 * Since: 1.0
 */
void
cam_process_launcher_set_cwd (CamProcessLauncher *self,
                              const char         *cwd)
{
  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));

  g_free (self->cwd);
  self->cwd = g_strdup (cwd);
}

/**
 * cam_process_launcher_take_fd:
 * @self: a #CamProcessLauncher
 * @source_fd: an fd of the caller, which the launcher now owns
 * @target_fd: the fd number it gets in the child
 *
 * Gives @source_fd to the next child spawned, at @target_fd, as
 * g_subprocess_launcher_take_fd() does: that spawn consumes it, whether it
 * succeeds or not; see [method@Cam.Process.take_fd].  An fd no spawn took
 * is closed with the launcher.
 *
 * Since: 1.0
 */
void
cam_process_launcher_take_fd (CamProcessLauncher *self,
                              int                 source_fd,
                              int                 target_fd)
{
  LauncherFd fd = { source_fd, target_fd };

  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));
  g_return_if_fail (source_fd >= 0 && target_fd >= 0);

  g_array_append_val (self->fds, fd);
}

/**
 * cam_process_launcher_set_rlimit:
 * @self: a #CamProcessLauncher
 * @resource: a resource, such as `RLIMIT_NOFILE`
 * @soft: the soft limit, or `RLIM64_INFINITY`
 * @hard: the hard limit, or `RLIM64_INFINITY`
 * @error: return location for a #GError
 *
 * Sets a resource limit of the children spawned from now on; see
 * [method@Cam.Process.set_rlimit], whose checks this makes at once.
 *
 * Returns: %TRUE if the limit was recorded
 *
 * Since: 1.0
 */
gboolean
cam_process_launcher_set_rlimit (CamProcessLauncher  *self,
                                 int                  resource,
                                 guint64              soft,
                                 guint64              hard,
                                 GError             **error)
{
  g_autoptr(CamProcess) scratch = NULL;
  LauncherRlimit lim = { resource, soft, hard };

  g_return_val_if_fail (CAM_IS_PROCESS_LAUNCHER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  scratch = cam_process_new ();
  if (!cam_process_set_rlimit (scratch, resource, soft, hard, error))
    return FALSE;

  for (guint i = 0; i < self->rlimits->len; i++)
    if (g_array_index (self->rlimits, LauncherRlimit, i).resource == resource)
      {
        g_array_index (self->rlimits, LauncherRlimit, i) = lim;
        return TRUE;
      }
  g_array_append_val (self->rlimits, lim);
  return TRUE;
}

/**
 * cam_process_launcher_set_user:
 * @self: a #CamProcessLauncher
 * @uid: the host user id of the children
 * @gid: their host group id
 *
 * Sets the identity of the children spawned from now on; see
 * [method@Cam.Process.set_user].
 *
 * Since: 1.0
 */
void
cam_process_launcher_set_user (CamProcessLauncher *self,
                               guint32             uid,
                               guint32             gid)
{
  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));
  g_return_if_fail (uid != (guint32) -1 && gid != (guint32) -1);

  self->has_user = TRUE;
  self->uid = uid;
  self->gid = gid;
}

/**
 * cam_process_launcher_set_cgroup:
 * @self: a #CamProcessLauncher
 * @cgroup_path: (type filename) (nullable): a cgroup v2 directory, or
 *   %NULL for the caller's cgroup
 *
 * Places the children spawned from now on in @cgroup_path; see
 * [method@Cam.Process.set_cgroup].
 *
 * Since: 1.0
 */
void
cam_process_launcher_set_cgroup (CamProcessLauncher *self,
                                 const char         *cgroup_path)
{
  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));

  g_free (self->cgroup);
  self->cgroup = g_strdup (cgroup_path);
}

/**
 * cam_process_launcher_set_seccomp_filter:
 * @self: a #CamProcessLauncher
 * @program: (nullable): a classic BPF program, an array of
 *   `struct sock_filter`, or %NULL to drop the one set
 * @error: return location for a #GError
 *
 * Sets the seccomp filter of the children spawned from now on; see
 * [method@Cam.Process.set_seccomp_filter], whose checks this makes at
 * once.
 *
 * Returns: %TRUE if the program was recorded
 *
 * Since: 1.0
 */
gboolean
cam_process_launcher_set_seccomp_filter (CamProcessLauncher  *self,
                                         GBytes              *program,
                                         GError             **error)
{
  g_autoptr(CamProcess) scratch = NULL;

  g_return_val_if_fail (CAM_IS_PROCESS_LAUNCHER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  scratch = cam_process_new ();
  if (!cam_process_set_seccomp_filter (scratch, program, error))
    return FALSE;

  g_clear_pointer (&self->seccomp_program, g_bytes_unref);
  if (program != NULL)
    self->seccomp_program = g_bytes_ref (program);
  return TRUE;
}

/**
 * cam_process_launcher_bind_path:
 * @self: a #CamProcessLauncher
 * @source: (type filename): an absolute host path
 * @target: (type filename) (nullable): where it appears in the child's
 *   root, or %NULL for @source
 * @writable: whether the child may write through it
 *
 * Adds a bind to the root of the children spawned from now on with
 * %CAM_PROCESS_FLAGS_ISOLATE_FILES; see [method@Cam.Process.bind_path],
 * whose rules apply.
 *
 * Since: 1.0
 */
void
cam_process_launcher_bind_path (CamProcessLauncher *self,
                                const char         *source,
                                const char         *target,
                                gboolean            writable)
{
  LauncherBind bind;

  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));
  g_return_if_fail (source != NULL && g_path_is_absolute (source));
  g_return_if_fail (target == NULL || g_path_is_absolute (target));

  bind.source = g_strdup (source);
  bind.target = g_strdup (target);
  bind.writable = writable;
  g_array_append_val (self->binds, bind);
}

static void
set_file_path (CamProcessLauncher *self,
               int                 target,
               const char         *path)
{
  g_return_if_fail (CAM_IS_PROCESS_LAUNCHER (self));
  g_return_if_fail (path == NULL ||
                    (self->stdio_flags &
                     cam_process_stdio_stream_flags (target)) == 0);

  g_free (self->stdio_paths[target]);
  self->stdio_paths[target] = g_strdup (path);
}

/**
 * cam_process_launcher_set_stdin_file_path:
 * @self: a #CamProcessLauncher
 * @path: (type filename) (nullable): a file for the children to read as
 *   their standard input, or %NULL
 *
 * See [method@Cam.Process.set_stdin_file_path]; a `STDIN_` stdio flag
 * together with a path is a programming error.
 *
 * Since: 1.0
 */
void
cam_process_launcher_set_stdin_file_path (CamProcessLauncher *self,
                                          const char         *path)
{
  set_file_path (self, STDIN_FILENO, path);
}

/**
 * cam_process_launcher_set_stdout_file_path:
 * @self: a #CamProcessLauncher
 * @path: (type filename) (nullable): a file for the children to write
 *   their standard output to, or %NULL
 *
 * See [method@Cam.Process.set_stdout_file_path]: each spawn creates or
 * truncates it.  A `STDOUT_` stdio flag together with a path is a
 * programming error.
 *
 * Since: 1.0
 */
void
cam_process_launcher_set_stdout_file_path (CamProcessLauncher *self,
                                           const char         *path)
{
  set_file_path (self, STDOUT_FILENO, path);
}

/**
 * cam_process_launcher_set_stderr_file_path:
 * @self: a #CamProcessLauncher
 * @path: (type filename) (nullable): a file for the children to write
 *   their standard error to, or %NULL
 *
 * See [method@Cam.Process.set_stderr_file_path].  A `STDERR_` stdio flag
 * together with a path is a programming error.
 *
 * Since: 1.0
 */
void
cam_process_launcher_set_stderr_file_path (CamProcessLauncher *self,
                                           const char         *path)
{
  set_file_path (self, STDERR_FILENO, path);
}

/**
 * cam_process_launcher_spawnv:
 * @self: a #CamProcessLauncher
 * @argv: (array zero-terminated=1) (element-type filename): the argument
 *   vector; `argv[0]` is the program, searched in `PATH` when it has no
 *   slash (see [method@Cam.Process.start])
 * @error: return location for a #GError
 *
 * Creates a [class@Cam.Process] configured as @self is, gives it the fds
 * taken since the last spawn, and starts @argv, as
 * g_subprocess_launcher_spawnv() does.  The child's exit is watched from
 * the thread-default #GMainContext.  Errors are those of
 * [method@Cam.Process.start].
 *
 * Returns: (transfer full): a new #CamProcess whose child runs, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
CamProcess *
cam_process_launcher_spawnv (CamProcessLauncher  *self,
                             const char * const  *argv,
                             GError             **error)
{
  g_autoptr(CamProcess) process = NULL;

  g_return_val_if_fail (CAM_IS_PROCESS_LAUNCHER (self), NULL);
  g_return_val_if_fail (argv != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  process = cam_process_new ();

  /* First the fds, which this spawn consumes whatever happens: from now on
   * the process owns them. */
  for (guint i = 0; i < self->fds->len; i++)
    {
      const LauncherFd *fd = &g_array_index (self->fds, LauncherFd, i);

      cam_process_take_fd (process, fd->source, fd->target);
    }
  g_array_set_size (self->fds, 0);

  cam_process_set_stdio_flags (process, self->stdio_flags);
  cam_process_set_stdin_file_path (process, self->stdio_paths[STDIN_FILENO]);
  cam_process_set_stdout_file_path (process, self->stdio_paths[STDOUT_FILENO]);
  cam_process_set_stderr_file_path (process, self->stdio_paths[STDERR_FILENO]);
  cam_process_set_flags (process, self->flags);
  cam_process_set_environ (process, (const char * const *) self->envp);
  cam_process_set_cwd (process, self->cwd);
  cam_process_set_cgroup (process, self->cgroup);
  if (self->has_user)
    cam_process_set_user (process, self->uid, self->gid);
  for (guint i = 0; i < self->binds->len; i++)
    {
      const LauncherBind *bind = &g_array_index (self->binds, LauncherBind, i);

      cam_process_bind_path (process, bind->source, bind->target,
                             bind->writable);
    }
  /* Checked when set: these cannot fail. */
  for (guint i = 0; i < self->rlimits->len; i++)
    {
      const LauncherRlimit *lim = &g_array_index (self->rlimits,
                                                  LauncherRlimit, i);

      if (!cam_process_set_rlimit (process, lim->resource, lim->soft,
                                   lim->hard, error))
        return NULL;
    }
  if (!cam_process_set_seccomp_filter (process, self->seccomp_program, error))
    return NULL;

  /* An empty argv fails in start() with G_IO_ERROR_INVALID_ARGUMENT,
   * before it looks at the path. */
  if (!cam_process_start (process, argv[0] != NULL ? argv[0] : "", argv,
                          NULL, 0, error))
    return NULL;
  return g_steal_pointer (&process);
}
