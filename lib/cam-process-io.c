/* cam-process-io.c: the child's standard input, output and error
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The stdio flags say, per stream, whether the child shares the caller's
 * fd, gets /dev/null or gets one end of a pipe; a file path set for a
 * stream instead (never both: a caller bug) is opened at each start.
 * Standard input without either is /dev/null, as in GSubprocess, unless
 * the caller gives an fd for 0 itself.  Nothing of this runs in
 * the child: start() appends the child's ends to the fd map of the spawn
 * (source → 0, 1, 2) and the child's dup step puts them in place, as it
 * does for any fd the caller passes.
 *
 * The parent's ends are O_CLOEXEC, so that no later child inherits them,
 * and O_NONBLOCK: GUnixInputStream and GUnixOutputStream poll before they
 * read or write, so their sync calls still block, and their async calls
 * never do.  A blocking pipe polls writable with one free page but blocks
 * a larger write until all of it fits, which would stall the main loop of
 * communicate() while the child waits for us to read its output.
 *
 * The streams belong to the CamProcess and are replaced at each start;
 * they stay usable after the child exits, to read what it left in the pipes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "camprocess/camprocess.h"
#include "cam-pidfd-util.h"
#include "cam-process-object.h"

#define STDIN_FLAGS  (CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE | \
                      CAM_PROCESS_STDIO_FLAGS_STDIN_NULL | \
                      CAM_PROCESS_STDIO_FLAGS_STDIN_INHERIT)
#define STDOUT_FLAGS (CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE | \
                      CAM_PROCESS_STDIO_FLAGS_STDOUT_SILENCE)
#define STDERR_FLAGS (CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE | \
                      CAM_PROCESS_STDIO_FLAGS_STDERR_SILENCE | \
                      CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE)

static gboolean
at_most_one_bit (guint bits)
{
  return (bits & (bits - 1)) == 0;
}

/* The stdio flags of stream @target (0, 1 or 2): those that conflict
 * with a file path for it. */
CamProcessStdioFlags
cam_process_stdio_stream_flags (int target)
{
  static const CamProcessStdioFlags stream_flags[3] = {
    STDIN_FLAGS, STDOUT_FLAGS, STDERR_FLAGS,
  };

  g_assert (target >= 0 && target < 3);
  return stream_flags[target];
}

/* At most one flag per stream, and no unknown bits. */
gboolean
cam_process_stdio_flags_valid (CamProcessStdioFlags flags)
{
  return (flags & ~(STDIN_FLAGS | STDOUT_FLAGS | STDERR_FLAGS)) == 0 &&
         at_most_one_bit (flags & STDIN_FLAGS) &&
         at_most_one_bit (flags & STDOUT_FLAGS) &&
         at_most_one_bit (flags & STDERR_FLAGS);
}

static void
set_pipe_error (GError **error,
                int      target,
                int      errsv)
{
  GIOErrorEnum code = g_io_error_from_errno (errsv);

  switch (target)
    {
    case STDIN_FILENO:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to create a pipe for the standard input of the child process: %s"),
                   g_strerror (errsv));
      break;
    case STDOUT_FILENO:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to create a pipe for the standard output of the child process: %s"),
                   g_strerror (errsv));
      break;
    default:
      g_set_error (error, G_IO_ERROR, code,
                   _("Failed to create a pipe for the standard error of the child process: %s"),
                   g_strerror (errsv));
      break;
    }
}

/* Opens a pipe for the child's @target: the child's end goes to the map,
 * the parent's end is made non-blocking. */
static gboolean
open_pipe (CamProcessStdio  *stdio,
           int               target,
           GError          **error)
{
  int p[2];
  int child_end, parent_end;

  if (pipe2 (p, O_CLOEXEC) < 0)
    {
      set_pipe_error (error, target, errno);
      return FALSE;
    }

  child_end = target == STDIN_FILENO ? p[0] : p[1];
  parent_end = target == STDIN_FILENO ? p[1] : p[0];
  stdio->child_fds[target] = child_end;
  stdio->parent_fds[target] = parent_end;
  stdio->map[stdio->n_map++] = (CamSpawnFd) { child_end, target };

  /* Only fails on a bad fd, which a new pipe is not. */
  g_unix_set_fd_nonblocking (parent_end, TRUE, NULL);
  return TRUE;
}

static gboolean
open_null (CamProcessStdio  *stdio,
           int               target,
           GError          **error)
{
  if (stdio->null_fd < 0)
    {
      stdio->null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
      if (stdio->null_fd < 0)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Failed to open “%s”: %s"), "/dev/null",
                       g_strerror (errsv));
          return FALSE;
        }
    }

  stdio->map[stdio->n_map++] = (CamSpawnFd) { stdio->null_fd, target };
  return TRUE;
}

/* Opens the file set for the child's @target, as GSubprocessLauncher does:
 * read-only for stdin, else created or truncated. */
static gboolean
open_file (CamProcessStdio  *stdio,
           const char       *path,
           int               target,
           GError          **error)
{
  int fd;

  if (target == STDIN_FILENO)
    fd = open (path, O_RDONLY | O_CLOEXEC);
  else
    fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Failed to open “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }

  stdio->child_fds[target] = fd;
  stdio->map[stdio->n_map++] = (CamSpawnFd) { fd, target };
  return TRUE;
}

/**
 * cam_process_stdio_open:
 * @self: a #CamProcess about to start
 * @stdout_fd: the fd the child gets at 1 unless the flags set it: a fd
 *   taken for target 1, or `STDOUT_FILENO`
 * @stdin_given: whether the caller gives the child an fd for 0, which
 *   replaces the default `/dev/null`
 * @stdio: (out caller-allocates): the fds of this start
 * @error: return location for a #GError
 *
 * Opens the pipes, files and /dev/null that the stdio flags and file paths
 * of @self ask for.  On failure @stdio holds no fd.
 *
 * Returns: %TRUE on success
 */
gboolean
cam_process_stdio_open (CamProcess            *self,
                        int                    stdout_fd,
                        gboolean               stdin_given,
                        CamProcessStdio       *stdio,
                        GError               **error)
{
  CamProcessStdioFlags flags = self->stdio_flags;
  char **paths = self->stdio_paths;
  gboolean ok = TRUE;

  *stdio = (CamProcessStdio) {
    .null_fd = -1,
    .child_fds = { -1, -1, -1 },
    .parent_fds = { -1, -1, -1 },
  };

  if (flags & CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE)
    ok = open_pipe (stdio, STDIN_FILENO, error);
  else if (paths[STDIN_FILENO] != NULL)
    ok = open_file (stdio, paths[STDIN_FILENO], STDIN_FILENO, error);
  else if ((flags & CAM_PROCESS_STDIO_FLAGS_STDIN_NULL) ||
           (!(flags & CAM_PROCESS_STDIO_FLAGS_STDIN_INHERIT) && !stdin_given))
    ok = open_null (stdio, STDIN_FILENO, error);

  if (ok && paths[STDOUT_FILENO] != NULL)
    ok = open_file (stdio, paths[STDOUT_FILENO], STDOUT_FILENO, error);
  else if (ok && (flags & CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE))
    ok = open_pipe (stdio, STDOUT_FILENO, error);
  else if (ok && (flags & CAM_PROCESS_STDIO_FLAGS_STDOUT_SILENCE))
    ok = open_null (stdio, STDOUT_FILENO, error);

  if (ok && paths[STDERR_FILENO] != NULL)
    ok = open_file (stdio, paths[STDERR_FILENO], STDERR_FILENO, error);
  else if (ok && (flags & CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE))
    ok = open_pipe (stdio, STDERR_FILENO, error);
  else if (ok && (flags & CAM_PROCESS_STDIO_FLAGS_STDERR_SILENCE))
    ok = open_null (stdio, STDERR_FILENO, error);
  else if (ok && (flags & CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE))
    {
      /* Whatever fd 1 of the child will be: the pipe, /dev/null, an fd
       * taken for 1, or the caller's own fd 1, which the child inherits at
       * 1 anyway. */
      int source = stdout_fd;

      for (gsize i = 0; i < stdio->n_map; i++)
        if (stdio->map[i].target == STDOUT_FILENO)
          source = stdio->map[i].source;
      stdio->map[stdio->n_map++] = (CamSpawnFd) { source, STDERR_FILENO };
    }

  if (!ok)
    cam_process_stdio_clear (stdio);
  return ok;
}

/**
 * cam_process_stdio_commit:
 * @self: a #CamProcess whose child has just been spawned
 * @stdio: the fds of this start
 *
 * Replaces the pipes of @self with streams on the parent's ends, which
 * @stdio no longer owns.
 */
void
cam_process_stdio_commit (CamProcess      *self,
                          CamProcessStdio *stdio)
{
  g_clear_object (&self->stdin_pipe);
  g_clear_object (&self->stdout_pipe);
  g_clear_object (&self->stderr_pipe);

  if (stdio->parent_fds[STDIN_FILENO] >= 0)
    self->stdin_pipe =
      g_unix_output_stream_new (g_steal_fd (&stdio->parent_fds[STDIN_FILENO]),
                                /* close_fd= */ TRUE);
  if (stdio->parent_fds[STDOUT_FILENO] >= 0)
    self->stdout_pipe =
      g_unix_input_stream_new (g_steal_fd (&stdio->parent_fds[STDOUT_FILENO]),
                               /* close_fd= */ TRUE);
  if (stdio->parent_fds[STDERR_FILENO] >= 0)
    self->stderr_pipe =
      g_unix_input_stream_new (g_steal_fd (&stdio->parent_fds[STDERR_FILENO]),
                               /* close_fd= */ TRUE);
}

/**
 * cam_process_stdio_clear:
 * @stdio: the fds of a start
 *
 * Closes every fd @stdio still owns.  After a spawn, the child's ends must
 * be closed in the parent, or the child's reader would never see EOF.
 */
void
cam_process_stdio_clear (CamProcessStdio *stdio)
{
  cam_clear_fd (&stdio->null_fd);
  for (int i = 0; i < 3; i++)
    {
      cam_clear_fd (&stdio->child_fds[i]);
      cam_clear_fd (&stdio->parent_fds[i]);
    }
  stdio->n_map = 0;
}

/**
 * cam_process_set_stdio_flags:
 * @self: a #CamProcess
 * @flags: where the standard input, output and error of the child go
 *
 * Sets [property@Cam.Process:stdio-flags] for the children started from
 * now on.  Each start creates new pipes; the streams of the previous child
 * are dropped then.  A flag for a stream that has a file path
 * ([method@Cam.Process.set_stdin_file_path] and the like) is a programming
 * error.
 *
 * Since: 1.0
 */
void
cam_process_set_stdio_flags (CamProcess           *self,
                             CamProcessStdioFlags  flags)
{
  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (cam_process_stdio_flags_valid (flags));
  for (int i = 0; i < 3; i++)
    g_return_if_fail (self->stdio_paths[i] == NULL ||
                      (flags & cam_process_stdio_stream_flags (i)) == 0);

  if (self->stdio_flags == flags)
    return;
  self->stdio_flags = flags;
  g_object_notify (G_OBJECT (self), "stdio-flags");
}

/**
 * cam_process_get_stdio_flags:
 * @self: a #CamProcess
 *
 * Gets [property@Cam.Process:stdio-flags].
 *
 * Returns: the stdio flags for the next start
 *
 * Since: 1.0
 */
CamProcessStdioFlags
cam_process_get_stdio_flags (CamProcess *self)
{
  g_return_val_if_fail (CAM_IS_PROCESS (self), CAM_PROCESS_STDIO_FLAGS_NONE);

  return self->stdio_flags;
}

static void
set_file_path (CamProcess *self,
               int         target,
               const char *path)
{
  g_free (self->stdio_paths[target]);
  self->stdio_paths[target] = g_strdup (path);
}

/**
 * cam_process_set_stdin_file_path:
 * @self: a #CamProcess
 * @path: (type filename) (nullable): a file for the child to read as its
 *   standard input, or %NULL to unset it
 *
 * Makes the children started from now on read @path as their standard
 * input, as g_subprocess_launcher_set_stdin_file_path() does.  The file is
 * opened for reading by [method@Cam.Process.start], which fails with a
 * #GError naming @path when it cannot be opened.
 *
 * A `STDIN_` flag in [property@Cam.Process:stdio-flags] together with a
 * path is a programming error.
 *
 * Since: 1.0
 */
void
cam_process_set_stdin_file_path (CamProcess *self,
                                 const char *path)
{
  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (path == NULL || (self->stdio_flags & STDIN_FLAGS) == 0);

  set_file_path (self, STDIN_FILENO, path);
}

/**
 * cam_process_set_stdout_file_path:
 * @self: a #CamProcess
 * @path: (type filename) (nullable): a file for the child to write its
 *   standard output to, or %NULL to unset it
 *
 * Makes the children started from now on write their standard output to
 * @path, as g_subprocess_launcher_set_stdout_file_path() does: the file is
 * created (mode 0666 less the umask) or truncated by
 * [method@Cam.Process.start], which fails with a #GError naming @path when
 * it cannot be opened.  %CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE sends
 * standard error there too.
 *
 * A `STDOUT_` flag in [property@Cam.Process:stdio-flags] together with a
 * path is a programming error.
 *
 * Since: 1.0
 */
void
cam_process_set_stdout_file_path (CamProcess *self,
                                  const char *path)
{
  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (path == NULL || (self->stdio_flags & STDOUT_FLAGS) == 0);

  set_file_path (self, STDOUT_FILENO, path);
}

/**
 * cam_process_set_stderr_file_path:
 * @self: a #CamProcess
 * @path: (type filename) (nullable): a file for the child to write its
 *   standard error to, or %NULL to unset it
 *
 * Makes the children started from now on write their standard error to
 * @path, created or truncated as by
 * [method@Cam.Process.set_stdout_file_path].
 *
 * A `STDERR_` flag in [property@Cam.Process:stdio-flags] together with a
 * path is a programming error.
 *
 * Since: 1.0
 */
void
cam_process_set_stderr_file_path (CamProcess *self,
                                  const char *path)
{
  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (path == NULL || (self->stdio_flags & STDERR_FLAGS) == 0);

  set_file_path (self, STDERR_FILENO, path);
}

/**
 * cam_process_get_stdin_pipe:
 * @self: a #CamProcess
 *
 * Gets the stream that writes to the standard input of the last child
 * started with %CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE.  Close it to let the
 * child see end-of-file.
 *
 * The stream is a #GUnixOutputStream on a non-blocking pipe; its methods
 * wait for room as usual.  Writing after the child has closed its end
 * raises `SIGPIPE`, which kills a program that does not ignore it (Python
 * ignores it, and so does GLib once a #GSocket has been created); with
 * `SIGPIPE` ignored, the write fails with %G_IO_ERROR_BROKEN_PIPE.
 *
 * Returns: (nullable) (transfer none): the stdin pipe, or %NULL if the last
 *   start had no such flag or no child was started
 *
 * Since: 1.0
 */
GOutputStream *
cam_process_get_stdin_pipe (CamProcess *self)
{
  g_return_val_if_fail (CAM_IS_PROCESS (self), NULL);

  return self->stdin_pipe;
}

/**
 * cam_process_get_stdout_pipe:
 * @self: a #CamProcess
 *
 * Gets the stream that reads the standard output of the last child
 * started with %CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE; with
 * %CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE it carries standard error too.  It
 * stays readable after the child has exited, until the next start.
 *
 * Read it while the child runs, or use
 * [method@Cam.Process.communicate_async]: a child whose pipe is full
 * blocks until somebody reads.
 *
 * Returns: (nullable) (transfer none): the stdout pipe, or %NULL if the
 *   last start had no such flag or no child was started
 *
 * Since: 1.0
 */
GInputStream *
cam_process_get_stdout_pipe (CamProcess *self)
{
  g_return_val_if_fail (CAM_IS_PROCESS (self), NULL);

  return self->stdout_pipe;
}

/**
 * cam_process_get_stderr_pipe:
 * @self: a #CamProcess
 *
 * Gets the stream that reads the standard error of the last child started
 * with %CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE.  See
 * [method@Cam.Process.get_stdout_pipe].
 *
 * Returns: (nullable) (transfer none): the stderr pipe, or %NULL if the
 *   last start had no such flag or no child was started
 *
 * Since: 1.0
 */
GInputStream *
cam_process_get_stderr_pipe (CamProcess *self)
{
  g_return_val_if_fail (CAM_IS_PROCESS (self), NULL);

  return self->stderr_pipe;
}

/* State of one communicate(), as in gsubprocess.c: up to three splices
 * and a wait, each holding a ref on the task; the first error cancels the
 * others and is the one reported.  Unlike gsubprocess.c, the task returns
 * only once every op has come back: a synchronous communicate() drops its
 * private context when the task returns, and an op still pending there
 * would never run, leaking the task, the CamProcess and that context. */
typedef struct {
  GCancellable        *cancellable;         /* owned; cancels every op */
  GSource             *cancellable_source;  /* owned; on the caller's
                                             * cancellable, or NULL */
  GOutputStream       *stdin_pipe;          /* owned, or NULL */
  GMemoryOutputStream *stdout_buf;          /* owned, or NULL */
  GMemoryOutputStream *stderr_buf;          /* owned, or NULL */
  guint                outstanding_ops;
  GError              *error;               /* owned; the first, or NULL */
} Communicate;

static void
communicate_free (gpointer data)
{
  Communicate *state = data;

  if (state->cancellable_source != NULL)
    {
      g_source_destroy (state->cancellable_source);
      g_source_unref (state->cancellable_source);
    }
  g_clear_object (&state->cancellable);
  g_clear_object (&state->stdin_pipe);
  g_clear_object (&state->stdout_buf);
  g_clear_object (&state->stderr_buf);
  g_clear_error (&state->error);
  g_free (state);
}

static gboolean
communicate_cancelled (GCancellable *cancellable,
                       gpointer      user_data)
{
  Communicate *state = user_data;

  g_cancellable_cancel (state->cancellable);
  return G_SOURCE_REMOVE;
}

static void
communicate_made_progress (GObject      *source_object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;   /* the ref of this op */
  Communicate *state = g_task_get_task_data (task);
  GError *error = NULL;

  state->outstanding_ops--;

  if (source_object == (GObject *) state->stdin_pipe)
    {
      /* A child may exit without reading all its input; what it wrote
       * still matters (with SIGPIPE ignored; see get_stdin_pipe()). */
      if (g_output_stream_splice_finish (state->stdin_pipe, result,
                                         &error) < 0 &&
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
        g_clear_error (&error);
    }
  else if (source_object == (GObject *) state->stdout_buf ||
           source_object == (GObject *) state->stderr_buf)
    {
      GOutputStream *buf = G_OUTPUT_STREAM (source_object);

      /* A memory stream must be closed before its bytes can be stolen. */
      if (g_output_stream_splice_finish (buf, result, &error) >= 0)
        g_output_stream_close (buf, NULL, &error);
    }
  else
    {
      cam_process_wait_finish (CAM_PROCESS (source_object), result, &error);
    }

  if (error != NULL)
    {
      /* Later errors are mostly the cancellation caused by the first. */
      if (state->error == NULL)
        {
          state->error = g_steal_pointer (&error);
          g_cancellable_cancel (state->cancellable);
        }
      else
        g_error_free (error);
    }

  if (state->outstanding_ops > 0)
    return;
  if (state->error != NULL)
    g_task_return_error (task, g_steal_pointer (&state->error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Reads @pipe into a new memory stream, closing @pipe at the end. */
static GMemoryOutputStream *
communicate_collect (GTask        *task,
                     Communicate  *state,
                     GInputStream *pipe)
{
  GOutputStream *buf = g_memory_output_stream_new_resizable ();

  g_output_stream_splice_async (buf, pipe,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE,
                                G_PRIORITY_DEFAULT, state->cancellable,
                                communicate_made_progress,
                                g_object_ref (task));
  state->outstanding_ops++;
  return G_MEMORY_OUTPUT_STREAM (buf);
}

/**
 * cam_process_communicate_async:
 * @self: a #CamProcess that has been started
 * @stdin_buf: (nullable): the data to write to the child's standard input,
 *   or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): a #GAsyncReadyCallback to call when the child
 *   has exited and its pipes are drained
 * @user_data: the data to pass to @callback
 *
 * Writes @stdin_buf to the child's stdin pipe and closes it, reads its
 * stdout and stderr pipes to the end, and waits for it to exit, all at
 * once from the thread-default #GMainContext of the caller, so that no
 * amount of data can deadlock the child and its parent.  Call
 * [method@Cam.Process.communicate_finish] from @callback.
 *
 * Only the pipes the last start created take part (see
 * [property@Cam.Process:stdio-flags]); a pipe of the child's stdin is
 * closed at once when @stdin_buf is %NULL.  @stdin_buf must be %NULL
 * without %CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE.  Do not use the pipes
 * meanwhile; they are closed when this completes.  A child that exits
 * without reading all of @stdin_buf is not an error (but see
 * [method@Cam.Process.get_stdin_pipe] about `SIGPIPE`).
 *
 * Cancelling @cancellable completes the call with %G_IO_ERROR_CANCELLED;
 * it does not kill the child.  After a cancellation or the first error,
 * the call completes once the operations it started have stopped, so
 * that nothing of it is left pending in the caller's context.
 *
 * Since: 1.0
 */
void
cam_process_communicate_async (CamProcess          *self,
                               GBytes              *stdin_buf,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Communicate *state;

  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (stdin_buf == NULL || self->stdin_pipe != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (cam_process_has_started (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, CAM_SOURCE_TAG (cam_process_communicate_async));

  state = g_new0 (Communicate, 1);
  g_task_set_task_data (task, state, communicate_free);
  state->cancellable = g_cancellable_new ();

  if (cancellable != NULL)
    {
      state->cancellable_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (state->cancellable_source,
                             G_SOURCE_FUNC (communicate_cancelled), state,
                             NULL);
      g_source_attach (state->cancellable_source, g_task_get_context (task));
    }

  if (self->stdin_pipe != NULL)
    {
      g_autoptr(GInputStream) input = NULL;

      if (stdin_buf != NULL)
        input = g_memory_input_stream_new_from_bytes (stdin_buf);
      else
        input = g_memory_input_stream_new ();
      state->stdin_pipe = g_object_ref (self->stdin_pipe);
      g_output_stream_splice_async (state->stdin_pipe, input,
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                    G_PRIORITY_DEFAULT, state->cancellable,
                                    communicate_made_progress,
                                    g_object_ref (task));
      state->outstanding_ops++;
    }

  if (self->stdout_pipe != NULL)
    state->stdout_buf = communicate_collect (task, state, self->stdout_pipe);
  if (self->stderr_pipe != NULL)
    state->stderr_buf = communicate_collect (task, state, self->stderr_pipe);

  cam_process_wait_async (self, state->cancellable,
                          communicate_made_progress, g_object_ref (task));
  state->outstanding_ops++;
}

/**
 * cam_process_communicate_finish:
 * @self: a #CamProcess
 * @result: the #GAsyncResult passed to the callback
 * @stdout_buf: (out) (optional) (nullable) (transfer full): return location
 *   for everything the child wrote to its stdout pipe, or %NULL without
 *   %CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE
 * @stderr_buf: (out) (optional) (nullable) (transfer full): return location
 *   for everything the child wrote to its stderr pipe, or %NULL without
 *   %CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE
 * @error: return location for a #GError
 *
 * Finishes [method@Cam.Process.communicate_async].  The child has been
 * reaped; its exit status is in [property@Cam.Process:exit-status] and
 * [property@Cam.Process:exit-code], and a non-zero exit is not an error
 * here.
 *
 * Returns: %TRUE on success; %FALSE if a pipe failed or the call was
 *   cancelled
 *
 * Since: 1.0
 */
gboolean
cam_process_communicate_finish (CamProcess    *self,
                                GAsyncResult  *result,
                                GBytes       **stdout_buf,
                                GBytes       **stderr_buf,
                                GError       **error)
{
  Communicate *state;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result,
                                                  CAM_SOURCE_TAG (cam_process_communicate_async)),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  state = g_task_get_task_data (G_TASK (result));
  if (stdout_buf != NULL)
    *stdout_buf = state->stdout_buf != NULL
                  ? g_memory_output_stream_steal_as_bytes (state->stdout_buf)
                  : NULL;
  if (stderr_buf != NULL)
    *stderr_buf = state->stderr_buf != NULL
                  ? g_memory_output_stream_steal_as_bytes (state->stderr_buf)
                  : NULL;
  return TRUE;
}

/**
 * cam_process_communicate:
 * @self: a #CamProcess that has been started
 * @stdin_buf: (nullable): the data to write to the child's standard input,
 *   or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @stdout_buf: (out) (optional) (nullable) (transfer full): return location
 *   for everything the child wrote to its stdout pipe
 * @stderr_buf: (out) (optional) (nullable) (transfer full): return location
 *   for everything the child wrote to its stderr pipe
 * @error: return location for a #GError
 *
 * The synchronous [method@Cam.Process.communicate_async]: it iterates a
 * private #GMainContext, and reaps as [method@Cam.Process.wait] does.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
cam_process_communicate (CamProcess    *self,
                         GBytes        *stdin_buf,
                         GCancellable  *cancellable,
                         GBytes       **stdout_buf,
                         GBytes       **stderr_buf,
                         GError       **error)
{
  CamProcessSync sync = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (stdin_buf == NULL || self->stdin_pipe != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (cam_process_has_started (self), FALSE);

  cam_process_sync_begin (self, &sync);
  cam_process_communicate_async (self, stdin_buf, cancellable,
                                 cam_process_sync_done, &sync);
  result = cam_process_sync_end (self, &sync);
  return cam_process_communicate_finish (self, result, stdout_buf,
                                         stderr_buf, error);
}

/* The outputs of one communicate_utf8(), checked by its _finish(). */
typedef struct {
  GBytes *stdout_buf;   /* owned, or NULL */
  GBytes *stderr_buf;   /* owned, or NULL */
} CommunicateUtf8;

static void
communicate_utf8_free (gpointer data)
{
  CommunicateUtf8 *state = data;

  g_clear_pointer (&state->stdout_buf, g_bytes_unref);
  g_clear_pointer (&state->stderr_buf, g_bytes_unref);
  g_free (state);
}

static void
communicate_utf8_done (GObject      *source_object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CommunicateUtf8 *state = g_task_get_task_data (task);
  GError *error = NULL;

  if (cam_process_communicate_finish (CAM_PROCESS (source_object), result,
                                      &state->stdout_buf, &state->stderr_buf,
                                      &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * cam_process_communicate_utf8_async:
 * @self: a #CamProcess that has been started
 * @stdin_buf: (nullable): the text to write to the child's standard input,
 *   or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): a #GAsyncReadyCallback to call when the child
 *   has exited and its pipes are drained
 * @user_data: the data to pass to @callback
 *
 * [method@Cam.Process.communicate_async] for text, as
 * g_subprocess_communicate_utf8_async(): @stdin_buf is written without its
 * terminating nul, and [method@Cam.Process.communicate_utf8_finish]
 * returns the outputs as strings.
 *
 * Since: 1.0
 */
void
cam_process_communicate_utf8_async (CamProcess          *self,
                                    const char          *stdin_buf,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GBytes) input = NULL;
  GTask *task;

  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (stdin_buf == NULL || self->stdin_pipe != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (cam_process_has_started (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task,
                         CAM_SOURCE_TAG (cam_process_communicate_utf8_async));
  g_task_set_task_data (task, g_new0 (CommunicateUtf8, 1),
                        communicate_utf8_free);

  if (stdin_buf != NULL)
    input = g_bytes_new (stdin_buf, strlen (stdin_buf));
  cam_process_communicate_async (self, input, cancellable,
                                 communicate_utf8_done, task);
}

/* Turns the output of one stream into a string, or fails if it is not
 * UTF-8 (a nul byte included), as GSubprocess does. */
static gboolean
utf8_from_bytes (GBytes      *bytes,
                 int          target,
                 char       **ret_text,
                 GError     **error)
{
  const char *data;
  gsize size;

  if (bytes == NULL)
    {
      *ret_text = NULL;
      return TRUE;
    }

  data = g_bytes_get_data (bytes, &size);
  if (size > 0 && !g_utf8_validate_len (data, size, NULL))
    {
      if (target == STDOUT_FILENO)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The standard output of the child process is not valid UTF-8"));
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The standard error of the child process is not valid UTF-8"));
      return FALSE;
    }

  *ret_text = size > 0 ? g_strndup (data, size) : g_strdup ("");
  return TRUE;
}

/**
 * cam_process_communicate_utf8_finish:
 * @self: a #CamProcess
 * @result: the #GAsyncResult passed to the callback
 * @stdout_buf: (out) (optional) (nullable) (transfer full): return location
 *   for the text the child wrote to its stdout pipe, or %NULL without
 *   %CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE
 * @stderr_buf: (out) (optional) (nullable) (transfer full): return location
 *   for the text the child wrote to its stderr pipe, or %NULL without
 *   %CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE
 * @error: return location for a #GError
 *
 * Finishes [method@Cam.Process.communicate_utf8_async].  Output that is
 * not valid UTF-8 fails with %G_IO_ERROR_FAILED, as in GIO; the child has
 * been reaped all the same.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
cam_process_communicate_utf8_finish (CamProcess    *self,
                                     GAsyncResult  *result,
                                     char         **stdout_buf,
                                     char         **stderr_buf,
                                     GError       **error)
{
  g_autofree char *out_text = NULL;
  g_autofree char *err_text = NULL;
  CommunicateUtf8 *state;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result,
                                                  CAM_SOURCE_TAG (cam_process_communicate_utf8_async)),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  state = g_task_get_task_data (G_TASK (result));
  if (!utf8_from_bytes (state->stdout_buf, STDOUT_FILENO, &out_text, error) ||
      !utf8_from_bytes (state->stderr_buf, STDERR_FILENO, &err_text, error))
    return FALSE;

  if (stdout_buf != NULL)
    *stdout_buf = g_steal_pointer (&out_text);
  if (stderr_buf != NULL)
    *stderr_buf = g_steal_pointer (&err_text);
  return TRUE;
}

/**
 * cam_process_communicate_utf8:
 * @self: a #CamProcess that has been started
 * @stdin_buf: (nullable): the text to write to the child's standard input,
 *   or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @stdout_buf: (out) (optional) (nullable) (transfer full): return location
 *   for the text the child wrote to its stdout pipe
 * @stderr_buf: (out) (optional) (nullable) (transfer full): return location
 *   for the text the child wrote to its stderr pipe
 * @error: return location for a #GError
 *
 * The synchronous [method@Cam.Process.communicate_utf8_async], as
 * g_subprocess_communicate_utf8().
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
cam_process_communicate_utf8 (CamProcess    *self,
                              const char    *stdin_buf,
                              GCancellable  *cancellable,
                              char         **stdout_buf,
                              char         **stderr_buf,
                              GError       **error)
{
  CamProcessSync sync = { 0 };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CAM_IS_PROCESS (self), FALSE);
  g_return_val_if_fail (stdin_buf == NULL || self->stdin_pipe != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (cam_process_has_started (self), FALSE);

  cam_process_sync_begin (self, &sync);
  cam_process_communicate_utf8_async (self, stdin_buf, cancellable,
                                      cam_process_sync_done, &sync);
  result = cam_process_sync_end (self, &sync);
  return cam_process_communicate_utf8_finish (self, result, stdout_buf,
                                              stderr_buf, error);
}
