/* cam-process-io.c: the child's standard input, output and error
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The stdio flags say, per stream, whether the child shares the caller's
 * fd, gets /dev/null or gets one end of a pipe.  Nothing of this runs in
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
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "camprocess/camprocess.h"
#include "cam-pidfd-util.h"
#include "cam-process-object.h"

#define STDIN_FLAGS  (CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE | \
                      CAM_PROCESS_STDIO_FLAGS_STDIN_NULL)
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

/**
 * cam_process_stdio_open:
 * @flags: valid stdio flags
 * @stdio: (out caller-allocates): the fds of this start
 * @error: return location for a #GError
 *
 * Opens the pipes and /dev/null that @flags ask for.  On failure @stdio
 * holds no fd.
 *
 * Returns: %TRUE on success
 */
gboolean
cam_process_stdio_open (CamProcessStdioFlags   flags,
                        CamProcessStdio       *stdio,
                        GError               **error)
{
  gboolean ok = TRUE;

  *stdio = (CamProcessStdio) {
    .null_fd = -1,
    .child_fds = { -1, -1, -1 },
    .parent_fds = { -1, -1, -1 },
  };

  if (flags & CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE)
    ok = open_pipe (stdio, STDIN_FILENO, error);
  else if (flags & CAM_PROCESS_STDIO_FLAGS_STDIN_NULL)
    ok = open_null (stdio, STDIN_FILENO, error);

  if (ok && (flags & CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE))
    ok = open_pipe (stdio, STDOUT_FILENO, error);
  else if (ok && (flags & CAM_PROCESS_STDIO_FLAGS_STDOUT_SILENCE))
    ok = open_null (stdio, STDOUT_FILENO, error);

  if (ok && (flags & CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE))
    ok = open_pipe (stdio, STDERR_FILENO, error);
  else if (ok && (flags & CAM_PROCESS_STDIO_FLAGS_STDERR_SILENCE))
    ok = open_null (stdio, STDERR_FILENO, error);
  else if (ok && (flags & CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE))
    {
      /* Whatever fd 1 of the child will be: the pipe, /dev/null, or the
       * caller's own fd 1, which the child inherits at 1 anyway. */
      int source = STDOUT_FILENO;

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
 * are dropped then.
 *
 * Since: 1.0
 */
void
cam_process_set_stdio_flags (CamProcess           *self,
                             CamProcessStdioFlags  flags)
{
  g_return_if_fail (CAM_IS_PROCESS (self));
  g_return_if_fail (cam_process_stdio_flags_valid (flags));

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
