/* cam-process.c: CamProcess, a child process supervised through its pidfd
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * State machine: a CamProcess is idle (pidfd == -1) until start()
 * succeeds, then running (pidfd >= 0, registered in the watch of the
 * context that was thread-default at start, cam-context-watch.c: one
 * source per context for all its children), then finished once the watch
 * has reaped the child: the pidfd is closed, the exit fields are set, the
 * properties notify and "finished" is emitted, in that order, from that
 * context.  start() may then run again.
 *
 * Locking: @lock guards pid, pidfd, context, the exit fields and the
 * pending waits, so that send_signal(), the getters and the waits may be
 * called from any thread while the watch reaps in another.  Signals are
 * emitted and tasks returned without the lock.
 *
 * Waits (cam-process-wait.c) are GTasks linked into @pending_waits while a
 * child runs.  The reap steals that list together with the exit status,
 * emits "finished", then returns the tasks: "finished" always comes first.
 * Waits made from another thread while "finished" is being emitted
 * (@announcing, no new child) go to @late_waits and return after it too;
 * those made by a handler (in @announcing_thread) return at once.
 *
 * Construction: CamProcess implements GInitable.  With the "argv"
 * property set, init() starts that child once and remembers the outcome;
 * without it, init() does nothing, so cam_process_new() needs no init().
 *
 * Lifetime, as GSubprocess: a running CamProcess holds a reference on
 * itself (@keep_alive) from start() until its child is reaped and
 * "finished" has been emitted, so dropping the caller's last reference
 * neither kills the child nor leaks the object.  With
 * CAM_PROCESS_FLAGS_KILL_ON_DISPOSE at start() it holds none: the watch
 * only has a weak reference, and disposing the running CamProcess kills
 * the child with SIGKILL and reaps it at once, so no zombie and no pidfd
 * outlive the object.  Pending waits hold a reference, so only an
 * explicit g_object_run_dispose() finds some: they complete with
 * G_IO_ERROR_CLOSED.
 *
 * Child setup (flags, taken fds, rlimits, cgroup, user, seccomp filter) is
 * configuration
 * read by start(), which hands it to cam_spawn() in CamSpawnArgs.  Taken
 * fds are owned here until a start() consumes them.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "camprocess/camprocess.h"
#include "cam-marshal.h"
#include "cam-pidfd-util.h"
#include "cam-process-object.h"
#include "cam-spawn.h"
#include "cam-spawn-path.h"

extern char **environ;

/**
 * CamProcess:
 *
 * A child process, created with `clone()` and supervised through its
 * pidfd.
 *
 * A `CamProcess` starts one child at a time, with
 * [method@Cam.Process.start] or in one call with [ctor@Cam.Process.newv],
 * and watches its pidfd from the #GMainContext that was thread-default at
 * the start.  When the child exits, it reaps it and emits
 * [signal@Cam.Process::finished].  It installs no `SIGCHLD` handler and
 * never touches another child of the program, and it signals the child
 * through the pidfd, so a reused pid can never be hit.
 *
 * The GIO-style API waits for the child ([method@Cam.Process.wait_async],
 * [method@Cam.Process.wait_check_async], [method@Cam.Process.wait]), stops
 * it gracefully ([method@Cam.Process.terminate_async]), and talks to it
 * through pipes ([property@Cam.Process:stdio-flags],
 * [method@Cam.Process.get_stdout_pipe],
 * [method@Cam.Process.communicate_async]).  Cancelling any of these never
 * kills the child.
 *
 * ## Lifetime
 *
 * As with #GSubprocess, a running `CamProcess` keeps itself alive until
 * its child has been reaped and [signal@Cam.Process::finished] emitted:
 * dropping the last reference (or a binding's garbage collector doing so)
 * neither kills the child nor leaks the object, as long as the context it
 * is watched from runs.  %CAM_PROCESS_FLAGS_KILL_ON_DISPOSE makes the
 * caller's last reference kill and reap the child instead.
 *
 * All the children watched from one #GMainContext share one source that
 * polls a single fd, so a context's iterations cost the same whatever the
 * number of children.
 *
 * ## Threads
 *
 * [method@Cam.Process.send_signal], [method@Cam.Process.kill], the getters
 * of the child's state ([method@Cam.Process.get_pid],
 * [method@Cam.Process.get_pidfd], [method@Cam.Process.get_running],
 * [method@Cam.Process.get_exit_status], [method@Cam.Process.get_exit_code])
 * and the waits ([method@Cam.Process.wait_async], [method@Cam.Process.wait],
 * [method@Cam.Process.wait_check], [method@Cam.Process.terminate_async] and
 * their twins) may be called from any thread, concurrently.
 * [method@Cam.Process.start] may be too: of concurrent calls, one starts
 * the child and the others fail with %G_IO_ERROR_PENDING.  The
 * configuration (flags, stdio flags, taken fds, environment, working
 * directory, resource limits, cgroup, user) and the pipes
 * ([method@Cam.Process.get_stdout_pipe] and the like,
 * [method@Cam.Process.communicate_async]) are not locked: use them from
 * one thread at a time, and not while another thread calls start().
 *
 * ```c
 * const char *argv[] = { "/usr/bin/tr", "a-z", "A-Z", NULL };
 * g_autoptr(GBytes) input = g_bytes_new_static ("hello\n", 6);
 * g_autoptr(GBytes) output = NULL;
 * g_autoptr(GError) error = NULL;
 * g_autoptr(CamProcess) process = NULL;
 *
 * process = cam_process_newv (argv, CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
 *                                   CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE,
 *                             &error);
 * if (process == NULL ||
 *     !cam_process_communicate (process, input, NULL, &output, NULL, &error))
 *   g_error ("%s", error->message);
 * ```
 *
 * Since: 1.0
 */

enum {
  PROP_0,
  PROP_PID,
  PROP_RUNNING,
  PROP_EXIT_STATUS,
  PROP_EXIT_CODE,
  PROP_FLAGS,
  PROP_STDIO_FLAGS,
  PROP_ARGV,
  PROP_CWD,
  PROP_ENVIRON,
  N_PROPS
};

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static guint notify_signal_id;

static void cam_process_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CamProcess, cam_process, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      cam_process_initable_iface_init))

/* Takes the child out of its watch and hands its pidfd to the caller, who
 * closes it: the watch must never poll a closed (or reused) fd number.
 * Under the lock, so that a synchronous wait (cam-process-wait.c) sees the
 * watch and the pidfd together.  Returns whether the child was still
 * registered, i.e. no watch reaped it nor will; the reference on the
 * context goes to @ret_context. */
static gboolean
release_child_locked (CamProcess    *self,
                      GMainContext **ret_context,
                      int           *ret_pidfd)
{
  gboolean registered = FALSE;

  if (self->watch != NULL)
    registered = cam_context_watch_remove (g_steal_pointer (&self->watch));
  *ret_context = g_steal_pointer (&self->context);
  *ret_pidfd = self->pidfd;
  self->pidfd = -1;
  self->pid = 0;
  return registered;
}

static void
cam_process_dispose (GObject *object)
{
  CamProcess *self = CAM_PROCESS (object);
  g_autoptr(GMainContext) context = NULL;
  gboolean registered, kept;
  int pidfd, pid = self->pid;

  cam_process_close_taken_fds (self);

  g_mutex_lock (&self->lock);
  registered = release_child_locked (self, &context, &pidfd);
  /* Only g_object_run_dispose() finds the self-reference still held. */
  kept = self->keep_alive;
  self->keep_alive = FALSE;
  g_clear_pointer (&self->restart_context, g_main_context_unref);
  g_mutex_unlock (&self->lock);

  if (registered)
    {
      CamProcessExitStatus status;
      int code;

      /* Out of its watch, so nobody else reaps it.  A child we could not
       * kill is not waited for: better a zombie than a hang. */
      if (cam_pidfd_send_signal (pidfd, pid, SIGKILL) == 0)
        cam_pidfd_reap (pidfd, TRUE, &status, &code);
      else
        cam_pidfd_reap (pidfd, FALSE, &status, &code);
    }
  cam_clear_fd (&pidfd);

  cam_process_close_waits (self);
  g_clear_object (&self->stdin_pipe);
  g_clear_object (&self->stdout_pipe);
  g_clear_object (&self->stderr_pipe);

  if (kept)
    g_object_unref (self);

  G_OBJECT_CLASS (cam_process_parent_class)->dispose (object);
}

static void
cam_process_finalize (GObject *object)
{
  CamProcess *self = CAM_PROCESS (object);

  g_strfreev (self->envp);
  g_free (self->cwd);
  g_array_unref (self->taken_fds);
  g_array_unref (self->rlimits);
  g_array_unref (self->binds);
  g_free (self->cgroup);
  for (int i = 0; i < 3; i++)
    g_free (self->stdio_paths[i]);
  g_clear_pointer (&self->seccomp_program, g_bytes_unref);
  g_strfreev (self->argv);
  g_clear_error (&self->init_error);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cam_process_parent_class)->finalize (object);
}

static void
cam_process_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CamProcess *self = CAM_PROCESS (object);

  switch (prop_id)
    {
    case PROP_PID:
      g_value_set_int (value, cam_process_get_pid (self));
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, cam_process_get_running (self));
      break;
    case PROP_EXIT_STATUS:
      g_value_set_enum (value, cam_process_get_exit_status (self));
      break;
    case PROP_EXIT_CODE:
      g_value_set_int (value, cam_process_get_exit_code (self));
      break;
    case PROP_FLAGS:
      g_value_set_flags (value, cam_process_get_flags (self));
      break;
    case PROP_STDIO_FLAGS:
      g_value_set_flags (value, cam_process_get_stdio_flags (self));
      break;
    case PROP_ARGV:
      g_value_set_boxed (value, self->argv);
      break;
    case PROP_CWD:
      g_value_set_string (value, self->cwd);
      break;
    case PROP_ENVIRON:
      g_value_set_boxed (value, self->envp);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cam_process_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CamProcess *self = CAM_PROCESS (object);

  switch (prop_id)
    {
    case PROP_FLAGS:
      cam_process_set_flags (self, g_value_get_flags (value));
      break;
    case PROP_STDIO_FLAGS:
      cam_process_set_stdio_flags (self, g_value_get_flags (value));
      break;
    case PROP_ARGV:
      /* Construct-only, hence before init() can read it. */
      self->argv = g_value_dup_boxed (value);
      break;
    case PROP_CWD:
      cam_process_set_cwd (self, g_value_get_string (value));
      break;
    case PROP_ENVIRON:
      cam_process_set_environ (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cam_process_class_init (CamProcessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cam_process_dispose;
  object_class->finalize = cam_process_finalize;
  object_class->get_property = cam_process_get_property;
  object_class->set_property = cam_process_set_property;

  cam_process_flags_get_type ();

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  /**
   * CamProcess:pid:
   *
   * The process id of the running child, or 0 when no child runs.  Prefer
   * [method@Cam.Process.get_pidfd] to refer to the child from outside: a
   * pid may be reused once the child is reaped.
   *
   * Since: 1.0
   */
  properties[PROP_PID] =
    g_param_spec_int ("pid", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                      G_PARAM_STATIC_STRINGS);

  /**
   * CamProcess:running:
   *
   * Whether a child started by [method@Cam.Process.start] has not yet been
   * reaped.
   *
   * Since: 1.0
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);

  /**
   * CamProcess:exit-status:
   *
   * How the last child ended; %CAM_PROCESS_EXIT_STATUS_NOT_EXITED while
   * it runs or before the first start.
   *
   * Since: 1.0
   */
  properties[PROP_EXIT_STATUS] =
    g_param_spec_enum ("exit-status", NULL, NULL,
                       CAM_TYPE_PROCESS_EXIT_STATUS,
                       CAM_PROCESS_EXIT_STATUS_NOT_EXITED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);

  /**
   * CamProcess:exit-code:
   *
   * The exit code of the last child for
   * %CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, its signal number for
   * %CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT, otherwise -1.
   *
   * Since: 1.0
   */
  properties[PROP_EXIT_CODE] =
    g_param_spec_int ("exit-code", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                      G_PARAM_STATIC_STRINGS);

  /**
   * CamProcess:flags:
   *
   * How the children started from now on are set up between clone and
   * exec.  See [method@Cam.Process.set_flags].
   *
   * Since: 1.0
   */
  properties[PROP_FLAGS] =
    g_param_spec_flags ("flags", NULL, NULL,
                        CAM_TYPE_PROCESS_FLAGS, CAM_PROCESS_FLAGS_NONE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS);

  /**
   * CamProcess:stdio-flags:
   *
   * Where the standard input, output and error of the children started
   * from now on go; by default standard input is `/dev/null` and the
   * others are the caller's.  The pipes of the
   * last child are [method@Cam.Process.get_stdin_pipe] and the like.
   *
   * Since: 1.0
   */
  properties[PROP_STDIO_FLAGS] =
    g_param_spec_flags ("stdio-flags", NULL, NULL,
                        CAM_TYPE_PROCESS_STDIO_FLAGS,
                        CAM_PROCESS_STDIO_FLAGS_NONE,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CamProcess:argv: (type GStrv)
   *
   * The argument vector of the child that [method@Gio.Initable.init]
   * starts, `argv[0]` being the program (a name without a slash is
   * searched in `PATH`, as by [method@Cam.Process.start]), or %NULL for a
   * process that [method@Cam.Process.start] starts.  [ctor@Cam.Process.newv]
   * sets it.  An empty vector makes init()
   * fail with %G_IO_ERROR_INVALID_ARGUMENT.
   *
   * Since: 1.0
   */
  properties[PROP_ARGV] =
    g_param_spec_boxed ("argv", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS);

  /**
   * CamProcess:cwd: (type filename)
   *
   * The working directory of the children started from now on, or %NULL
   * for the caller's.  See [method@Cam.Process.set_cwd].  As a
   * construction property it applies to the child of
   * [property@Cam.Process:argv]: `Cam.Process(argv=…, cwd=…)`.
   *
   * Since: 1.0
   */
  properties[PROP_CWD] =
    g_param_spec_string ("cwd", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * CamProcess:environ: (type GStrv)
   *
   * The environment of the children started from now on, as `NAME=VALUE`
   * strings, or %NULL for the caller's environment at start.  See
   * [method@Cam.Process.set_environ] and [method@Cam.Process.setenv].  As
   * a construction property it applies to the child of
   * [property@Cam.Process:argv].
   *
   * Since: 1.0
   */
  properties[PROP_ENVIRON] =
    g_param_spec_boxed ("environ", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CamProcess::finished:
   * @self: the process
   * @status: how the child ended
   * @code: its exit code for %CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, its
   *   signal number for %CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT, -1 for
   *   %CAM_PROCESS_EXIT_STATUS_UNKNOWN
   *
   * Emitted exactly once per successful [method@Cam.Process.start], when
   * the child has exited and been reaped, from the #GMainContext that was
   * the thread-default context when start() was called.  By then the
   * properties hold the final state and [property@Cam.Process:running] is
   * %FALSE, so a handler may start the process again.  Waits
   * ([method@Cam.Process.wait_async] and the like) pending at the exit
   * return after the emission.
   *
   * Not emitted for a child killed by the disposal of its CamProcess
   * (%CAM_PROCESS_FLAGS_KILL_ON_DISPOSE, or g_object_run_dispose()).
   *
   * Since: 1.0
   */
  notify_signal_id = g_signal_lookup ("notify", G_TYPE_OBJECT);

  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, cam_marshal_VOID__ENUM_INT, G_TYPE_NONE, 2,
                  CAM_TYPE_PROCESS_EXIT_STATUS, G_TYPE_INT);
  g_signal_set_va_marshaller (signals[SIGNAL_FINISHED],
                              G_TYPE_FROM_CLASS (klass),
                              cam_marshal_VOID__ENUM_INTv);
}

static void
clear_bind (gpointer data)
{
  CamSpawnBind *bind = data;

  g_free (bind->source);
  g_free (bind->target);
}

static void
cam_process_init (CamProcess *self)
{
  g_mutex_init (&self->lock);
  self->pidfd = -1;
  self->exit_status = CAM_PROCESS_EXIT_STATUS_NOT_EXITED;
  self->exit_code = -1;
  self->taken_fds = g_array_new (FALSE, FALSE, sizeof (CamSpawnFd));
  self->rlimits = g_array_new (FALSE, FALSE, sizeof (CamSpawnRlimit));
  self->binds = g_array_new (FALSE, FALSE, sizeof (CamSpawnBind));
  g_array_set_clear_func (self->binds, clear_bind);
}

/* An argument vector needs argv[0]: execve() with an empty one hands the
 * program an argv[0] of "" (Linux 5.18+) or nothing at all.  A GError, the
 * same for start(), cam_process_newv() and init(). */
static gboolean
check_argv (const char * const  *argv,
            GError             **error)
{
  if (argv != NULL && argv[0] == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Cannot start a process with an empty argument vector"));
      return FALSE;
    }
  return TRUE;
}

/* Starts the child of the "argv" property, once. */
static gboolean
cam_process_initable_init (GInitable     *initable,
                           GCancellable  *cancellable,
                           GError       **error)
{
  CamProcess *self = CAM_PROCESS (initable);

  if (!self->initialized)
    {
      self->initialized = TRUE;
      if (!g_cancellable_set_error_if_cancelled (cancellable,
                                                 &self->init_error) &&
          check_argv ((const char * const *) self->argv, &self->init_error) &&
          self->argv != NULL)
        cam_process_start (self, self->argv[0],
                           (const char * const *) self->argv, NULL, 0,
                           &self->init_error);
    }

  if (self->init_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->init_error));
      return FALSE;
    }
  return TRUE;
}

static void
cam_process_initable_iface_init (GInitableIface *iface)
{
  iface->init = cam_process_initable_init;
}

/**
 * cam_process_new:
 *
 * Creates a process object with no child.  Configure it, then call
 * [method@Cam.Process.start].
 *
 * Bindings see [ctor@Cam.Process.newv] under this name
 * (`Cam.Process.new()`); they create an idle process with the plain
 * GObject constructor (`Cam.Process()` in Python, `new Cam.Process()` in
 * GJS).
 *
 * Returns: (transfer full): a new #CamProcess
 *
 * Since: 1.0
 */
CamProcess *
cam_process_new (void)
{
  return g_object_new (CAM_TYPE_PROCESS, NULL);
}

/**
 * cam_process_newv: (rename-to cam_process_new)
 * @argv: (array zero-terminated=1) (element-type filename): the argument
 *   vector; `argv[0]` is the program, searched in `PATH` when it has no
 *   slash (see [method@Cam.Process.start])
 * @flags: where the child's standard input, output and error go
 * @error: return location for a #GError
 *
 * Creates a process and starts @argv in one call, through
 * [iface@Gio.Initable]: the same as [ctor@GObject.Object.new] with the
 * [property@Cam.Process:argv] and [property@Cam.Process:stdio-flags]
 * properties, then [method@Gio.Initable.init].  Other properties can be
 * given that way too, with g_initable_new().
 *
 * Language bindings call this one `Cam.Process.new()`, in place of the
 * argument-less [ctor@Cam.Process.new]; there an idle process comes from
 * the plain GObject constructor.
 *
 * The child's exit is watched from the thread-default #GMainContext, as
 * with [method@Cam.Process.start], whose errors this returns.
 *
 * An empty @argv fails with %G_IO_ERROR_INVALID_ARGUMENT, as it does in
 * start() and in init().
 *
 * Returns: (transfer full): a new #CamProcess whose child runs, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
CamProcess *
cam_process_newv (const char * const   *argv,
                  CamProcessStdioFlags  flags,
                  GError              **error)
{
  g_return_val_if_fail (argv != NULL, NULL);
  g_return_val_if_fail (cam_process_stdio_flags_valid (flags), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (CAM_TYPE_PROCESS, /* cancellable= */ NULL, error,
                         "argv", argv,
                         "stdio-flags", flags,
                         NULL);
}

/**
 * cam_process_set_environ:
 * @self: a #CamProcess
 * @env: (array zero-terminated=1) (element-type filename) (nullable): the
 *   child's environment as `NAME=VALUE` strings, or %NULL to inherit the
 *   environment of the calling process at start
 *
 * Sets [property@Cam.Process:environ], the environment of the children
 * started from now on; [method@Cam.Process.setenv] and
 * [method@Cam.Process.unsetenv] edit it.
 *
 * Since: 1.0
 */
void
cam_process_set_environ (CamProcess         *self,
                         const char * const *env)
{
  g_return_if_fail (CAM_IS_PROCESS (self));

  if (env == NULL && self->envp == NULL)
    return;
  g_strfreev (self->envp);
  self->envp = g_strdupv ((char **) env);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENVIRON]);
}

/* The environment setenv() and unsetenv() edit: the one set, or else a
 * copy of the caller's, as in GSubprocessLauncher. */
static char **
steal_environ (CamProcess *self)
{
  if (self->envp == NULL)
    return g_get_environ ();
  return g_steal_pointer (&self->envp);
}

/**
 * cam_process_setenv:
 * @self: a #CamProcess
 * @variable: (type filename): the name of a variable, without `=`
 * @value: (type filename): its value
 * @overwrite: whether to replace a value that @variable already has
 *
 * Sets @variable in the environment of the children started from now on,
 * as g_subprocess_launcher_setenv() does.  Before any
 * [method@Cam.Process.set_environ], it edits a copy of the caller's
 * environment, which the children get from then on instead of the
 * caller's environment at start.
 *
 * Since: 1.0
 */
void
cam_process_setenv (CamProcess *self,
                    const char *variable,
                    const char *value,
                    gboolean    overwrite)
{
  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (variable != NULL && *variable != '\0' &&
                    strchr (variable, '=') == NULL);
  g_return_if_fail (value != NULL);

  self->envp = g_environ_setenv (steal_environ (self), variable, value,
                                 overwrite);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENVIRON]);
}

/**
 * cam_process_unsetenv:
 * @self: a #CamProcess
 * @variable: (type filename): the name of a variable, without `=`
 *
 * Removes @variable from the environment of the children started from now
 * on, as g_subprocess_launcher_unsetenv() does; see
 * [method@Cam.Process.setenv] about the caller's environment.
 *
 * Since: 1.0
 */
void
cam_process_unsetenv (CamProcess *self,
                      const char *variable)
{
  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (variable != NULL && *variable != '\0' &&
                    strchr (variable, '=') == NULL);

  self->envp = g_environ_unsetenv (steal_environ (self), variable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENVIRON]);
}

/**
 * cam_process_getenv:
 * @self: a #CamProcess
 * @variable: (type filename): the name of a variable, without `=`
 *
 * Gets the value of @variable in the environment the children started
 * from now on get: the one set with [method@Cam.Process.set_environ] or
 * [method@Cam.Process.setenv], or else the caller's.
 *
 * Returns: (type filename) (nullable) (transfer none): the value, or %NULL
 *   when @variable is unset; it is valid until the environment changes
 *
 * Since: 1.0
 */
const char *
cam_process_getenv (CamProcess *self,
                    const char *variable)
{
  g_return_val_if_fail (CAM_IS_PROCESS (self), NULL);
  g_return_val_if_fail (variable != NULL, NULL);

  if (self->envp == NULL)
    return g_getenv (variable);
  return g_environ_getenv (self->envp, variable);
}

/**
 * cam_process_set_cwd:
 * @self: a #CamProcess
 * @cwd: (type filename) (nullable): the child's working directory, or
 *   %NULL to inherit the caller's
 *
 * Sets [property@Cam.Process:cwd], the working directory of the children
 * started from now on.  A
 * relative program path given to [method@Cam.Process.start] (one with a
 * slash, or one found through a relative element of `PATH`) is resolved
 * from this directory, as with posix_spawn().
 *
 * Since: 1.0
 */
void
cam_process_set_cwd (CamProcess *self,
                     const char *cwd)
{
  g_return_if_fail (CAM_IS_PROCESS (self));

  if (g_strcmp0 (self->cwd, cwd) == 0)
    return;
  g_free (self->cwd);
  self->cwd = g_strdup (cwd);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CWD]);
}

/* Notifies the four properties a start or an exit changes.  GLib 2.74
 * queues each notification even when nobody listens: skip those nobody
 * listens to, as they cost more than the rest of the exit dispatch.  A
 * handler of "notify::running" (g_object_bind_property() connects one)
 * has that detail: g_signal_has_handler_pending() with detail 0 only
 * sees handlers of plain "notify", and (in GLib 2.74) with a detail only
 * those of that detail, so ask for both. */
static void
cam_process_notify_state (CamProcess *self)
{
  static const guint state_props[] = {
    PROP_PID, PROP_RUNNING, PROP_EXIT_STATUS, PROP_EXIT_CODE,
  };
  gboolean any_detail;
  gboolean frozen = FALSE;

  any_detail = g_signal_has_handler_pending (self, notify_signal_id,
                                             /* detail= */ 0, TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS (state_props); i++)
    {
      GParamSpec *pspec = properties[state_props[i]];

      if (!any_detail &&
          !g_signal_has_handler_pending (self, notify_signal_id,
                                         g_param_spec_get_name_quark (pspec),
                                         TRUE))
        continue;
      if (!frozen)
        g_object_freeze_notify (G_OBJECT (self));
      frozen = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), pspec);
    }
  if (frozen)
    g_object_thaw_notify (G_OBJECT (self));
}

/* The CamContextWatchFunc of the child: runs once per child, in the
 * thread that dispatches the watch that reaped it, with a reference on
 * @user_data.  That is the watch of the context that was thread-default
 * at start, or the private one of a synchronous wait that moved the child
 * there (cam-process-wait.c): "finished" then still sees the child's own
 * context as thread-default if this thread can acquire it, and a handler
 * that starts the process again watches the new child from there, not
 * from a context about to be dropped. */
static void
cam_process_child_exited (CamProcessExitStatus  status,
                          int                   code,
                          const struct rusage  *rusage,
                          gpointer              user_data)
{
  g_autoptr(CamProcess) self = g_object_ref (CAM_PROCESS (user_data));
  g_autoptr(GMainContext) context = NULL;
  GSource *current = g_main_current_source ();
  gboolean sync_reaped, pushed = FALSE, kept;
  GSList *waits;
  int pidfd;

  /* Before the announcement: "finished" handlers and waits may ask for it. */
  cam_process_set_resource_usage (self, rusage);

  /* One critical section: a wait made meanwhile sees either the running
   * child or the announcement. */
  g_mutex_lock (&self->lock);
  self->exit_status = status;
  self->exit_code = code;
  self->announcing = TRUE;
  self->announcing_thread = g_thread_self ();
  waits = g_steal_pointer (&self->pending_waits);
  kept = self->keep_alive;
  self->keep_alive = FALSE;
  release_child_locked (self, &context, &pidfd);
  sync_reaped = context != NULL &&
                (current == NULL || g_source_get_context (current) != context);
  if (sync_reaped)
    self->restart_context = g_main_context_ref (context);
  g_mutex_unlock (&self->lock);
  cam_clear_fd (&pidfd);

  if (sync_reaped && g_main_context_acquire (context))
    {
      g_main_context_push_thread_default (context);
      pushed = TRUE;
    }

  cam_process_notify_state (self);

  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, status, code);

  if (pushed)
    {
      g_main_context_pop_thread_default (context);
      g_main_context_release (context);
    }

  /* Both lists are newest first; the late waits are the newer ones. */
  g_mutex_lock (&self->lock);
  self->announcing = FALSE;
  self->announcing_thread = NULL;
  g_clear_pointer (&self->restart_context, g_main_context_unref);
  waits = g_slist_concat (g_steal_pointer (&self->late_waits), waits);
  g_mutex_unlock (&self->lock);

  cam_process_complete_waits (self, waits, status, code);

  /* The self-reference of start(); ours keeps @self until we return. */
  if (kept)
    g_object_unref (self);
}

/* Finds a @path without a slash in PATH (see cam-spawn-path.c): the
 * caller's, or with SEARCH_PATH_FROM_ENVP that of @envp, the child's; as
 * in g_spawn, an unset one falls back to the caller's, then to the
 * default.  *@ret_program is the path found, or NULL for a @path with a
 * slash, which is executed as it is. */
static gboolean
cam_process_resolve_program (CamProcess          *self,
                             const char          *path,
                             const char * const  *envp,
                             char               **ret_program,
                             GError             **error)
{
  const char *search_path = NULL;

  *ret_program = NULL;
  if (strchr (path, '/') != NULL)
    return TRUE;

  if (self->flags & CAM_PROCESS_FLAGS_SEARCH_PATH_FROM_ENVP)
    search_path = g_environ_getenv ((char **) envp, "PATH");
  if (search_path == NULL)
    search_path = g_getenv ("PATH");
  if (search_path == NULL)
    search_path = CAM_SPAWN_DEFAULT_PATH;

  *ret_program = cam_spawn_find_program (path, search_path, self->cwd, error);
  return *ret_program != NULL;
}

/* Releases the claim of a start() that failed. */
static void
end_start (CamProcess *self)
{
  g_mutex_lock (&self->lock);
  self->starting = FALSE;
  g_mutex_unlock (&self->lock);
}

/**
 * cam_process_start:
 * @self: a #CamProcess
 * @path: (type filename): the program to execute: a path, or a name
 *   without a slash to search in `PATH`
 * @argv: (array zero-terminated=1) (element-type filename) (nullable): the
 *   argument vector, `argv[0]` included, or %NULL for `{ path, NULL }`
 * @fds: (array length=n_fds) (nullable): file descriptors the child inherits
 *   at the same numbers, even those with `FD_CLOEXEC` in the caller
 * @n_fds: the number of elements of @fds
 * @error: return location for a #GError
 *
 * Starts the child.  It gets the fds in @fds from the caller, the fds
 * given to [method@Cam.Process.take_fd] at their targets, and standard
 * input, output and error as [property@Cam.Process:stdio-flags] and the
 * file paths ([method@Cam.Process.set_stdin_file_path] and the like) say
 * (by default `/dev/null` for input, the caller's output and error); every
 * other fd is closed in it unless
 * %CAM_PROCESS_FLAGS_INHERIT_FDS is set.  The program starts with an
 * empty signal mask and every handler of the caller reset to `SIG_DFL`;
 * signals the caller ignores stay ignored, as across exec, except
 * `SIGPIPE`, `SIGCHLD`, `SIGINT`, `SIGTERM`, `SIGHUP`, `SIGQUIT`,
 * `SIGXFSZ`, `SIGXCPU` and `SIGALRM`, which get `SIG_DFL` (as GLib's
 * fork path and Python's subprocess do).  It is then set up as
 * [method@Cam.Process.set_flags], [method@Cam.Process.set_user],
 * [method@Cam.Process.set_rlimit] and [method@Cam.Process.set_cgroup]
 * asked.  start() closes the taken fds in the caller when it returns.
 *
 * The child is created with clone() and `CLONE_VM | CLONE_VFORK |
 * CLONE_PIDFD` on a stack of its own, as posix_spawn() does, so spawning
 * costs the same whatever the size of the caller; the pidfd refers to the
 * child from the first instant.  Its exit is watched on the pidfd from the thread-default
 * #GMainContext: no SIGCHLD handler is installed and no other child of the
 * program is touched.  When it exits, [signal@Cam.Process::finished] is
 * emitted from that context.
 *
 * A @path without a slash is searched in `PATH` as GSubprocess and
 * execvp() search it, by the caller before the clone: the directories of
 * the caller's `PATH` (with %CAM_PROCESS_FLAGS_SEARCH_PATH_FROM_ENVP, of
 * the `PATH` of the child's environment, falling back to the caller's)
 * are tried in order, an empty element meaning the working directory of
 * the child, and the first that holds an executable regular file wins.
 * Without any `PATH`, the list is `/bin:/usr/bin:.`, as in GSubprocess
 * (glibc's execvp() uses `/bin:/usr/bin`).  A name found nowhere fails
 * with %G_IO_ERROR_NOT_FOUND, or %G_IO_ERROR_PERMISSION_DENIED when only
 * files that cannot be executed bear it; no child is created then.
 * `argv[0]` is passed unchanged.  A program that the kernel refuses with
 * `ENOEXEC`, a script without `#!`, runs through `/bin/sh` as with
 * execvp(): `/bin/sh path argv[1] …`.
 *
 * start() returns once the child has executed @path.  When anything fails
 * before that (a missing program, a bad fd, a directory that does not
 * exist, a setup step the kernel refuses, an fd given twice to the same
 * number, such as one of @fds that the stdio flags also give), it returns
 * a #GError in the %G_IO_ERROR domain naming the failed step, and no child
 * is left.  An empty @argv (no `argv[0]`) fails with
 * %G_IO_ERROR_INVALID_ARGUMENT.  Calling it while a child runs fails with
 * %G_IO_ERROR_PENDING, and so does a call made while another thread is
 * starting the same object: exactly one of two concurrent calls starts a
 * child (the other leaves the taken fds to it).
 *
 * Returns: %TRUE if the child runs @path
 *
 * Since: 1.0
 */
gboolean
cam_process_start (CamProcess         *self,
                   const char         *path,
                   const char * const *argv,
                   const int          *fds,
                   gsize               n_fds,
                   GError            **error)
{
  const char *default_argv[] = { path, NULL };
  g_autofree char *program = NULL;
  g_autofree char **script_argv = NULL;
  const char * const *envp;
  g_autofree CamSpawnFd *fd_map = NULL;
  CamSpawnArgs args = { 0 };
  CamProcessStdio stdio;
  GMainContext *context;
  gsize n_map;
  gboolean running, starting;
  gboolean stdin_given;
  gboolean ok;
  int pidfd, pid;
  int stdout_fd;
  int errsv;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (fds != NULL || n_fds == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_argv (argv, error))
    {
      cam_process_close_taken_fds (self);
      return FALSE;
    }

  /* One start at a time: claimed under the lock, released when the child
   * is published or the start failed. */
  g_mutex_lock (&self->lock);
  running = self->pidfd >= 0;
  starting = self->starting;
  if (!running && !starting)
    self->starting = TRUE;
  g_mutex_unlock (&self->lock);

  if (starting)
    {
      /* The taken fds belong to the start in progress. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                   _("Cannot start “%s”: another thread is starting the process"),
                   path);
      return FALSE;
    }
  if (running)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                   _("Cannot start “%s”: the process is already running"),
                   path);
      cam_process_close_taken_fds (self);
      return FALSE;
    }

  envp = self->envp != NULL ? (const char * const *) self->envp
                            : (const char * const *) environ;
  if (!cam_process_resolve_program (self, path, envp, &program, error))
    {
      cam_process_close_taken_fds (self);
      end_start (self);
      return FALSE;
    }
  if (program != NULL)
    path = program;
  script_argv = cam_spawn_script_argv (path, argv != NULL ? argv : default_argv);

  /* STDERR_MERGE follows fd 1 to an fd taken for it; an fd given for 0
   * replaces the default /dev/null. */
  stdout_fd = STDOUT_FILENO;
  stdin_given = FALSE;
  for (guint i = 0; i < self->taken_fds->len; i++)
    {
      const CamSpawnFd *taken = &g_array_index (self->taken_fds, CamSpawnFd, i);

      if (taken->target == STDOUT_FILENO)
        stdout_fd = taken->source;
      stdin_given |= taken->target == STDIN_FILENO;
    }
  for (gsize i = 0; i < n_fds; i++)
    stdin_given |= fds[i] == STDIN_FILENO;

  if (!cam_process_stdio_open (self, stdout_fd, stdin_given, &stdio, error))
    {
      cam_process_close_taken_fds (self);
      end_start (self);
      return FALSE;
    }

  n_map = n_fds + self->taken_fds->len + stdio.n_map;
  fd_map = g_new (CamSpawnFd, MAX (n_map, 1));
  for (gsize i = 0; i < n_fds; i++)
    fd_map[i] = (CamSpawnFd) { fds[i], fds[i] };
  if (self->taken_fds->len > 0)
    memcpy (fd_map + n_fds, self->taken_fds->data,
            self->taken_fds->len * sizeof (CamSpawnFd));
  memcpy (fd_map + n_fds + self->taken_fds->len, stdio.map,
          stdio.n_map * sizeof (CamSpawnFd));

  args.path = path;
  args.argv = argv != NULL ? argv : default_argv;
  args.envp = envp;
  args.cwd = self->cwd;
  args.script_argv = (const char * const *) script_argv;
  args.fds = fd_map;
  args.n_fds = n_map;
  args.flags = self->flags;
  args.has_user = self->has_user;
  args.uid = self->uid;
  args.gid = self->gid;
  args.rlimits = (const CamSpawnRlimit *) self->rlimits->data;
  args.n_rlimits = self->rlimits->len;
  args.cgroup = self->cgroup;
  args.seccomp_program = self->seccomp_program;
  args.binds = (const CamSpawnBind *) self->binds->data;
  args.n_binds = self->binds->len;

  ok = cam_spawn (&args, &pidfd, &pid, error);
  cam_process_close_taken_fds (self);
  if (ok)
    cam_process_stdio_commit (self, &stdio);
  cam_process_stdio_clear (&stdio);
  if (!ok)
    {
      end_start (self);
      return FALSE;
    }

  /* Published at once, so that a synchronous wait in another thread finds
   * either no child or a child with its watch.  A watch that reaps it
   * right away calls cam_process_child_exited(), which waits for the
   * lock. */
  g_mutex_lock (&self->lock);
  if (self->announcing_thread == g_thread_self () &&
      self->restart_context != NULL)
    context = g_main_context_ref (self->restart_context);
  else
    context = g_main_context_ref_thread_default ();
  self->watch = cam_context_watch_add (context, pidfd, G_OBJECT (self),
                                       cam_process_child_exited, &errsv);
  if (self->watch == NULL)
    {
      CamProcessExitStatus status;
      int code;

      self->starting = FALSE;
      g_mutex_unlock (&self->lock);
      g_main_context_unref (context);
      if (cam_pidfd_send_signal (pidfd, pid, SIGKILL) == 0)
        cam_pidfd_reap (pidfd, TRUE, &status, &code);
      close (pidfd);
      g_clear_object (&self->stdin_pipe);
      g_clear_object (&self->stdout_pipe);
      g_clear_object (&self->stderr_pipe);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Failed to watch the child process “%s”: %s"), path,
                   g_strerror (errsv));
      return FALSE;
    }
  self->pidfd = pidfd;
  self->pid = pid;
  g_snprintf (self->identifier, sizeof self->identifier, "%d", pid);
  self->exit_status = CAM_PROCESS_EXIT_STATUS_NOT_EXITED;
  self->exit_code = -1;
  self->context = context;
  self->starting = FALSE;
  /* Kept alive until reaped, unless the caller's last reference should
   * kill the child. */
  if (!(self->flags & CAM_PROCESS_FLAGS_KILL_ON_DISPOSE))
    {
      self->keep_alive = TRUE;
      g_object_ref (self);
    }
  g_mutex_unlock (&self->lock);

  cam_process_notify_state (self);

  return TRUE;
}

/**
 * cam_process_send_signal:
 * @self: a #CamProcess
 * @signum: a signal number, such as `SIGTERM`
 * @error: return location for a #GError
 *
 * Sends @signum to the child through its pidfd with pidfd_send_signal(),
 * so it can never reach another process that reused the pid.  May be
 * called from any thread.  Where pidfd_send_signal() is missing (valgrind,
 * seccomp filters), it uses kill() once the pidfd shows that the child is
 * still unreaped.
 *
 * Fails with %G_IO_ERROR_NOT_CONNECTED when no child runs, and with
 * %G_IO_ERROR_INVALID_ARGUMENT for an invalid signal number.  A child
 * that has exited but is not reaped yet counts as running; the signal
 * is then ignored by the kernel.
 *
 * Returns: %TRUE if the signal was sent
 *
 * Since: 1.0
 */
gboolean
cam_process_send_signal (CamProcess  *self,
                         int          signum,
                         GError     **error)
{
  int r = 0, errsv = 0;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (self->pidfd >= 0)
    {
      r = cam_pidfd_send_signal (self->pidfd, self->pid, signum);
      errsv = -r;
    }
  else
    {
      r = -ESRCH;
      errsv = ESRCH;
    }
  g_mutex_unlock (&self->lock);

  if (r == 0)
    return TRUE;

  if (errsv == ESRCH)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                 _("Cannot send signal %d: the process is not running"),
                 signum);
  else if (errsv == EINVAL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 _("Cannot send signal %d: invalid signal number"), signum);
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                 _("Failed to send signal %d: %s"), signum,
                 g_strerror (errsv));
  return FALSE;
}

/**
 * cam_process_kill:
 * @self: a #CamProcess
 *
 * Sends `SIGKILL` to the child, if one runs.  [signal@Cam.Process::finished]
 * follows with %CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT and code 9.
 *
 * Since: 1.0
 */
void
cam_process_kill (CamProcess *self)
{
  g_return_if_fail (CAM_IS_PROCESS (self));

  g_mutex_lock (&self->lock);
  if (self->pidfd >= 0)
    cam_pidfd_send_signal (self->pidfd, self->pid, SIGKILL);
  g_mutex_unlock (&self->lock);
}

/**
 * cam_process_get_pid:
 * @self: a #CamProcess
 *
 * Gets [property@Cam.Process:pid].
 *
 * Returns: the pid of the running child, or 0
 *
 * Since: 1.0
 */
int
cam_process_get_pid (CamProcess *self)
{
  int pid;

  g_return_val_if_fail (CAM_IS_PROCESS (self), 0);

  g_mutex_lock (&self->lock);
  pid = self->pid;
  g_mutex_unlock (&self->lock);
  return pid;
}

/**
 * cam_process_get_pidfd:
 * @self: a #CamProcess
 *
 * Gets the pidfd of the running child, for poll() or pidfd_getfd().  It
 * belongs to @self and is closed once the child is reaped: dup() it to
 * keep it longer, and do not wait on it.
 *
 * Returns: the pidfd, or -1 when no child runs
 *
 * Since: 1.0
 */
int
cam_process_get_pidfd (CamProcess *self)
{
  int pidfd;

  g_return_val_if_fail (CAM_IS_PROCESS (self), -1);

  g_mutex_lock (&self->lock);
  pidfd = self->pidfd;
  g_mutex_unlock (&self->lock);
  return pidfd;
}

/**
 * cam_process_get_running:
 * @self: a #CamProcess
 *
 * Gets [property@Cam.Process:running].
 *
 * Returns: whether a child runs (or has exited but is not reaped yet)
 *
 * Since: 1.0
 */
gboolean
cam_process_get_running (CamProcess *self)
{
  return cam_process_get_pidfd (self) >= 0;
}

/**
 * cam_process_get_exit_status:
 * @self: a #CamProcess
 *
 * Gets [property@Cam.Process:exit-status].
 *
 * Unlike g_subprocess_get_exit_status(), which returns the exit code, this
 * is how the child ended, as libcamera's `Process::exitStatus()`: the code
 * is [method@Cam.Process.get_exit_code].  See the migration guide.
 *
 * Returns: how the last child ended
 *
 * Since: 1.0
 */
CamProcessExitStatus
cam_process_get_exit_status (CamProcess *self)
{
  CamProcessExitStatus status;

  g_return_val_if_fail (CAM_IS_PROCESS (self),
                        CAM_PROCESS_EXIT_STATUS_NOT_EXITED);

  g_mutex_lock (&self->lock);
  status = self->exit_status;
  g_mutex_unlock (&self->lock);
  return status;
}

/**
 * cam_process_get_exit_code:
 * @self: a #CamProcess
 *
 * Gets [property@Cam.Process:exit-code].
 *
 * Returns: the exit code or signal number of the last child, or -1
 *
 * Since: 1.0
 */
int
cam_process_get_exit_code (CamProcess *self)
{
  int code;

  g_return_val_if_fail (CAM_IS_PROCESS (self), -1);

  g_mutex_lock (&self->lock);
  code = self->exit_code;
  g_mutex_unlock (&self->lock);
  return code;
}

/* The exit of the last child, for the getters of GSubprocess users, which
 * have no meaning before it. */
static CamProcessExitStatus
get_exit (CamProcess *self,
          int        *ret_code)
{
  CamProcessExitStatus status;

  g_mutex_lock (&self->lock);
  status = self->exit_status;
  *ret_code = self->exit_code;
  g_mutex_unlock (&self->lock);
  return status;
}

/**
 * cam_process_get_successful:
 * @self: a #CamProcess whose child has exited
 *
 * Checks whether the last child exited normally with exit code 0, as
 * g_subprocess_get_successful() does.  Call it once the child has been
 * reaped ([signal@Cam.Process::finished], [method@Cam.Process.wait]).
 *
 * Returns: %TRUE if the child exited with code 0
 *
 * Since: 1.0
 */
gboolean
cam_process_get_successful (CamProcess *self)
{
  CamProcessExitStatus status;
  int code;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  status = get_exit (self, &code);
  g_return_val_if_fail (status != CAM_PROCESS_EXIT_STATUS_NOT_EXITED, FALSE);

  return status == CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT && code == 0;
}

/**
 * cam_process_get_if_exited:
 * @self: a #CamProcess whose child has exited
 *
 * Checks whether the last child called exit(), as
 * g_subprocess_get_if_exited() does; its code is then
 * [method@Cam.Process.get_exit_code].  Call it once the child has been
 * reaped.
 *
 * Returns: %TRUE if the exit status is %CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT
 *
 * Since: 1.0
 */
gboolean
cam_process_get_if_exited (CamProcess *self)
{
  CamProcessExitStatus status;
  int code;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  status = get_exit (self, &code);
  g_return_val_if_fail (status != CAM_PROCESS_EXIT_STATUS_NOT_EXITED, FALSE);

  return status == CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT;
}

/**
 * cam_process_get_if_signaled:
 * @self: a #CamProcess whose child has exited
 *
 * Checks whether the last child was terminated by a signal, as
 * g_subprocess_get_if_signaled() does; the signal is then
 * [method@Cam.Process.get_term_sig].  Call it once the child has been
 * reaped.
 *
 * Returns: %TRUE if the exit status is %CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT
 *
 * Since: 1.0
 */
gboolean
cam_process_get_if_signaled (CamProcess *self)
{
  CamProcessExitStatus status;
  int code;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  status = get_exit (self, &code);
  g_return_val_if_fail (status != CAM_PROCESS_EXIT_STATUS_NOT_EXITED, FALSE);

  return status == CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT;
}

/**
 * cam_process_get_term_sig:
 * @self: a #CamProcess whose child was terminated by a signal
 *
 * Gets the signal that terminated the last child, as
 * g_subprocess_get_term_sig() does.  Calling it unless
 * [method@Cam.Process.get_if_signaled] is %TRUE is a programming error.
 *
 * Returns: the signal number
 *
 * Since: 1.0
 */
int
cam_process_get_term_sig (CamProcess *self)
{
  CamProcessExitStatus status;
  int code;

  g_return_val_if_fail (CAM_IS_PROCESS (self), 0);
  status = get_exit (self, &code);
  g_return_val_if_fail (status == CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT, 0);

  return code;
}

/**
 * cam_process_get_identifier:
 * @self: a #CamProcess
 *
 * Gets the pid of the running child as a decimal string, as
 * g_subprocess_get_identifier() does.  May be called from any thread.
 *
 * Returns: (nullable) (transfer none): the pid, or %NULL when no child
 *   runs (before the first start, and once the child has been reaped); the
 *   string is valid until the next start or the disposal of @self
 *
 * Since: 1.0
 */
const char *
cam_process_get_identifier (CamProcess *self)
{
  const char *identifier;

  g_return_val_if_fail (CAM_IS_PROCESS (self), NULL);

  g_mutex_lock (&self->lock);
  identifier = self->pid != 0 ? self->identifier : NULL;
  g_mutex_unlock (&self->lock);
  return identifier;
}
