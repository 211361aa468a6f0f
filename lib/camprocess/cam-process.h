/* cam-process.h: CamProcess, a child process supervised through its pidfd
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__CAMPROCESS_H_INSIDE__) && !defined(CAMPROCESS_COMPILATION)
#error "Only <camprocess/camprocess.h> can be included directly."
#endif

#include <gio/gio.h>
#include <camprocess/cam-version.h>

G_BEGIN_DECLS

/**
 * CamProcessExitStatus:
 * @CAM_PROCESS_EXIT_STATUS_NOT_EXITED: the process has not exited (it runs,
 *   or it was never started)
 * @CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT: the process called exit(); the exit
 *   code is its status (0–255)
 * @CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT: the process was terminated by a
 *   signal; the exit code is the signal number
 * @CAM_PROCESS_EXIT_STATUS_UNKNOWN: the process is gone but its status could
 *   not be recovered: another part of the program reaped it first and the
 *   kernel (older than Linux 6.15) keeps no copy for the pidfd
 *
 * How a process ended, as reported by [signal@Cam.Process::finished].
 *
 * Since: 1.0
 */
typedef enum {
  CAM_PROCESS_EXIT_STATUS_NOT_EXITED,
  CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
  CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT,
  CAM_PROCESS_EXIT_STATUS_UNKNOWN,
} CamProcessExitStatus;

/**
 * CamProcessFlags:
 * @CAM_PROCESS_FLAGS_NONE: no isolation; the child inherits everything
 *   but the fds it is not given
 * @CAM_PROCESS_FLAGS_NO_NEW_PRIVS: `PR_SET_NO_NEW_PRIVS`: exec never
 *   grants privileges (set-user-ID bits, file capabilities)
 * @CAM_PROCESS_FLAGS_DIE_WITH_PARENT: the child gets `SIGKILL` when the
 *   thread that started it exits
 * @CAM_PROCESS_FLAGS_NEW_SESSION: the child calls setsid()
 * @CAM_PROCESS_FLAGS_INHERIT_FDS: the child keeps every fd of the caller
 *   that lacks `FD_CLOEXEC`, not only those it is given
 * @CAM_PROCESS_FLAGS_ISOLATE_USER: a new user namespace, with a host
 *   identity that is never root unless asked for (see
 *   [method@Cam.Process.set_user]); inside it the child is uid and gid 0
 * @CAM_PROCESS_FLAGS_ISOLATE_NET: a new network namespace: no interface
 *   but a loopback `lo` that is down
 * @CAM_PROCESS_FLAGS_ISOLATE_IPC: a new IPC namespace (System V IPC,
 *   POSIX message queues)
 * @CAM_PROCESS_FLAGS_ISOLATE_PID: a new PID namespace whose pid 1 is the
 *   child
 * @CAM_PROCESS_FLAGS_ISOLATE_MOUNT: a new mount namespace, with
 *   propagation made private
 * @CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS: a seccomp filter, installed last
 *   before exec, refuses with `EPERM` the system calls a sandboxed program
 *   has no use for and that could open a way out (new namespaces, mounts,
 *   ptrace, keyrings, bpf, io_uring, `TIOCSTI`, 32-bit system calls and
 *   more); implies %CAM_PROCESS_FLAGS_NO_NEW_PRIVS
 * @CAM_PROCESS_FLAGS_ISOLATE_FILES: a root file system of its own: the
 *   host's system directories read-only, a private `/tmp`, its own `/proc`
 *   and a minimal `/dev`, the program, and what
 *   [method@Cam.Process.bind_path] adds; implies
 *   %CAM_PROCESS_FLAGS_ISOLATE_USER, %CAM_PROCESS_FLAGS_ISOLATE_MOUNT and
 *   %CAM_PROCESS_FLAGS_ISOLATE_PID
 * @CAM_PROCESS_FLAGS_SEARCH_PATH_FROM_ENVP: a program named without a
 *   slash is searched in the `PATH` of the child's environment (see
 *   [method@Cam.Process.set_environ]) rather than in the caller's, as
 *   with `G_SUBPROCESS_FLAGS_SEARCH_PATH_FROM_ENVP`
 * @CAM_PROCESS_FLAGS_KILL_ON_DISPOSE: dropping the caller's last reference
 *   to the running process kills the child with `SIGKILL` and reaps it,
 *   as libcamera's Process does; without it the process keeps itself
 *   alive until its child has been reaped, as #GSubprocess does
 * @CAM_PROCESS_FLAGS_SANDBOX: %CAM_PROCESS_FLAGS_ISOLATE_USER,
 *   %CAM_PROCESS_FLAGS_ISOLATE_NET, %CAM_PROCESS_FLAGS_ISOLATE_IPC,
 *   %CAM_PROCESS_FLAGS_ISOLATE_PID, %CAM_PROCESS_FLAGS_ISOLATE_MOUNT,
 *   %CAM_PROCESS_FLAGS_ISOLATE_FILES, %CAM_PROCESS_FLAGS_NEW_SESSION,
 *   %CAM_PROCESS_FLAGS_NO_NEW_PRIVS, %CAM_PROCESS_FLAGS_DIE_WITH_PARENT and
 *   %CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS
 *
 * How [method@Cam.Process.start] sets up the child before it executes the
 * program; see [method@Cam.Process.set_flags] for the details and for what
 * %CAM_PROCESS_FLAGS_SANDBOX promises.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/ {
  CAM_PROCESS_FLAGS_NONE            = 0,
  CAM_PROCESS_FLAGS_NO_NEW_PRIVS    = 1 << 0,
  CAM_PROCESS_FLAGS_DIE_WITH_PARENT = 1 << 1,
  CAM_PROCESS_FLAGS_NEW_SESSION     = 1 << 2,
  CAM_PROCESS_FLAGS_INHERIT_FDS     = 1 << 3,
  CAM_PROCESS_FLAGS_ISOLATE_USER    = 1 << 4,
  CAM_PROCESS_FLAGS_ISOLATE_NET     = 1 << 5,
  CAM_PROCESS_FLAGS_ISOLATE_IPC     = 1 << 6,
  CAM_PROCESS_FLAGS_ISOLATE_PID     = 1 << 7,
  CAM_PROCESS_FLAGS_ISOLATE_MOUNT   = 1 << 8,
  CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS = 1 << 9,
  CAM_PROCESS_FLAGS_ISOLATE_FILES   = 1 << 10,
  CAM_PROCESS_FLAGS_SEARCH_PATH_FROM_ENVP = 1 << 11,
  CAM_PROCESS_FLAGS_KILL_ON_DISPOSE = 1 << 12,
  /* glib-mkenums reads one line at a time and takes any line that starts
   * with a name for a member: each continuation line of a value starts
   * with its operator. */
  CAM_PROCESS_FLAGS_SANDBOX         = CAM_PROCESS_FLAGS_ISOLATE_USER
                                    | CAM_PROCESS_FLAGS_ISOLATE_NET
                                    | CAM_PROCESS_FLAGS_ISOLATE_IPC
                                    | CAM_PROCESS_FLAGS_ISOLATE_PID
                                    | CAM_PROCESS_FLAGS_ISOLATE_MOUNT
                                    | CAM_PROCESS_FLAGS_ISOLATE_FILES
                                    | CAM_PROCESS_FLAGS_NEW_SESSION
                                    | CAM_PROCESS_FLAGS_NO_NEW_PRIVS
                                    | CAM_PROCESS_FLAGS_DIE_WITH_PARENT
                                    | CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS,
} CamProcessFlags;

/**
 * CamProcessStdioFlags:
 * @CAM_PROCESS_STDIO_FLAGS_NONE: the child reads its standard input from
 *   `/dev/null` and shares standard output and error with the caller
 * @CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE: the child reads its standard input
 *   from a pipe, written through [method@Cam.Process.get_stdin_pipe]
 * @CAM_PROCESS_STDIO_FLAGS_STDIN_NULL: the child reads its standard input
 *   from `/dev/null`
 * @CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE: the child writes its standard
 *   output to a pipe, read through [method@Cam.Process.get_stdout_pipe]
 * @CAM_PROCESS_STDIO_FLAGS_STDOUT_SILENCE: the child writes its standard
 *   output to `/dev/null`
 * @CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE: the child writes its standard
 *   error to a pipe, read through [method@Cam.Process.get_stderr_pipe]
 * @CAM_PROCESS_STDIO_FLAGS_STDERR_SILENCE: the child writes its standard
 *   error to `/dev/null`
 * @CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE: the child writes its standard
 *   error wherever its standard output goes: the stdout pipe, `/dev/null`,
 *   an fd given to [method@Cam.Process.take_fd] for fd 1, the file of
 *   [method@Cam.Process.set_stdout_file_path], or the caller's
 * @CAM_PROCESS_STDIO_FLAGS_STDIN_INHERIT: the child shares the caller's
 *   standard input (by default it reads `/dev/null`)
 *
 * Where the standard input, output and error of a child go, set with
 * [method@Cam.Process.set_stdio_flags] or [ctor@Cam.Process.newv].  At most
 * one flag per stream: combining two `STDIN_`, two `STDOUT_` or two
 * `STDERR_` flags is a programming error, and so is a flag for a stream
 * that has a file path ([method@Cam.Process.set_stdin_file_path] and the
 * like).
 *
 * Without a `STDIN_` flag, a file path, an fd given for fd 0 to
 * [method@Cam.Process.start] or [method@Cam.Process.take_fd], the child's
 * standard input is `/dev/null`, as with GSubprocess.
 *
 * Since: 1.0
 */
typedef enum {
  CAM_PROCESS_STDIO_FLAGS_NONE           = 0,
  CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE     = 1 << 0,
  CAM_PROCESS_STDIO_FLAGS_STDIN_NULL     = 1 << 1,
  CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE    = 1 << 2,
  CAM_PROCESS_STDIO_FLAGS_STDOUT_SILENCE = 1 << 3,
  CAM_PROCESS_STDIO_FLAGS_STDERR_PIPE    = 1 << 4,
  CAM_PROCESS_STDIO_FLAGS_STDERR_SILENCE = 1 << 5,
  CAM_PROCESS_STDIO_FLAGS_STDERR_MERGE   = 1 << 6,
  CAM_PROCESS_STDIO_FLAGS_STDIN_INHERIT  = 1 << 7,
} CamProcessStdioFlags;

/**
 * CamProcessError:
 * @CAM_PROCESS_ERROR_EXITED: the child exited with a non-zero exit code
 * @CAM_PROCESS_ERROR_SIGNALED: the child was terminated by a signal
 * @CAM_PROCESS_ERROR_UNKNOWN_STATUS: the child is gone but its exit status
 *   could not be recovered (see %CAM_PROCESS_EXIT_STATUS_UNKNOWN)
 *
 * Error codes of the %CAM_PROCESS_ERROR domain, returned by
 * [method@Cam.Process.wait_check] and
 * [method@Cam.Process.wait_check_finish] when the child did not succeed.
 * The exit code or signal number is in the message and in
 * [property@Cam.Process:exit-code].  Failures to start or to signal a child
 * are in the %G_IO_ERROR domain.
 *
 * Since: 1.0
 */
typedef enum {
  CAM_PROCESS_ERROR_EXITED,
  CAM_PROCESS_ERROR_SIGNALED,
  CAM_PROCESS_ERROR_UNKNOWN_STATUS,
} CamProcessError;

/**
 * CAM_PROCESS_ERROR:
 *
 * The error domain of [error@Cam.ProcessError].
 *
 * Since: 1.0
 */
#define CAM_PROCESS_ERROR (cam_process_error_quark ())

CAM_AVAILABLE_IN_ALL
GQuark                cam_process_error_quark     (void);

#define CAM_TYPE_PROCESS (cam_process_get_type ())

CAM_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CamProcess, cam_process, CAM, PROCESS, GObject)

CAM_AVAILABLE_IN_ALL
CamProcess           *cam_process_new             (void);
CAM_AVAILABLE_IN_ALL
CamProcess           *cam_process_newv            (const char * const   *argv,
                                                   CamProcessStdioFlags  flags,
                                                   GError              **error);

CAM_AVAILABLE_IN_ALL
void                  cam_process_set_environ     (CamProcess         *self,
                                                   const char * const *env);
CAM_AVAILABLE_IN_ALL
void                  cam_process_set_cwd         (CamProcess         *self,
                                                   const char         *cwd);
CAM_AVAILABLE_IN_ALL
void                  cam_process_setenv          (CamProcess         *self,
                                                   const char         *variable,
                                                   const char         *value,
                                                   gboolean            overwrite);
CAM_AVAILABLE_IN_ALL
void                  cam_process_unsetenv        (CamProcess         *self,
                                                   const char         *variable);
CAM_AVAILABLE_IN_ALL
const char           *cam_process_getenv          (CamProcess         *self,
                                                   const char         *variable);

/* Child setup, read by start(). */
CAM_AVAILABLE_IN_ALL
void                  cam_process_set_flags       (CamProcess         *self,
                                                   CamProcessFlags     flags);
CAM_AVAILABLE_IN_ALL
CamProcessFlags       cam_process_get_flags       (CamProcess         *self);
CAM_AVAILABLE_IN_ALL
void                  cam_process_take_fd         (CamProcess         *self,
                                                   int                 source_fd,
                                                   int                 target_fd);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_set_rlimit      (CamProcess         *self,
                                                   int                 resource,
                                                   guint64             soft,
                                                   guint64             hard,
                                                   GError            **error);
CAM_AVAILABLE_IN_ALL
void                  cam_process_set_cgroup      (CamProcess         *self,
                                                   const char         *cgroup_path);
CAM_AVAILABLE_IN_ALL
void                  cam_process_set_user        (CamProcess         *self,
                                                   guint32             uid,
                                                   guint32             gid);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_set_seccomp_filter (CamProcess      *self,
                                                      GBytes          *program,
                                                      GError         **error);
CAM_AVAILABLE_IN_ALL
void                  cam_process_bind_path       (CamProcess         *self,
                                                   const char         *source,
                                                   const char         *target,
                                                   gboolean            writable);

CAM_AVAILABLE_IN_ALL
gboolean              cam_process_start           (CamProcess         *self,
                                                   const char         *path,
                                                   const char * const *argv,
                                                   const int          *fds,
                                                   gsize               n_fds,
                                                   GError            **error);

CAM_AVAILABLE_IN_ALL
gboolean              cam_process_send_signal     (CamProcess         *self,
                                                   int                 signum,
                                                   GError            **error);
CAM_AVAILABLE_IN_ALL
void                  cam_process_kill            (CamProcess         *self);

CAM_AVAILABLE_IN_ALL
int                   cam_process_get_pid         (CamProcess         *self);
CAM_AVAILABLE_IN_ALL
int                   cam_process_get_pidfd       (CamProcess         *self);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_get_running     (CamProcess         *self);
CAM_AVAILABLE_IN_ALL
CamProcessExitStatus  cam_process_get_exit_status (CamProcess         *self);
CAM_AVAILABLE_IN_ALL
int                   cam_process_get_exit_code   (CamProcess         *self);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_get_resource_usage (CamProcess      *self,
                                                      guint64         *user_usec,
                                                      guint64         *system_usec,
                                                      guint64         *max_rss_kib);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_get_successful  (CamProcess         *self);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_get_if_exited   (CamProcess         *self);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_get_if_signaled (CamProcess         *self);
CAM_AVAILABLE_IN_ALL
int                   cam_process_get_term_sig    (CamProcess         *self);
CAM_AVAILABLE_IN_ALL
const char           *cam_process_get_identifier  (CamProcess         *self);

/* Standard input, output and error (cam-process-io.c) */
CAM_AVAILABLE_IN_ALL
void                  cam_process_set_stdio_flags (CamProcess           *self,
                                                   CamProcessStdioFlags  flags);
CAM_AVAILABLE_IN_ALL
CamProcessStdioFlags  cam_process_get_stdio_flags (CamProcess           *self);
CAM_AVAILABLE_IN_ALL
void                  cam_process_set_stdin_file_path  (CamProcess      *self,
                                                        const char      *path);
CAM_AVAILABLE_IN_ALL
void                  cam_process_set_stdout_file_path (CamProcess      *self,
                                                        const char      *path);
CAM_AVAILABLE_IN_ALL
void                  cam_process_set_stderr_file_path (CamProcess      *self,
                                                        const char      *path);
CAM_AVAILABLE_IN_ALL
GOutputStream        *cam_process_get_stdin_pipe  (CamProcess           *self);
CAM_AVAILABLE_IN_ALL
GInputStream         *cam_process_get_stdout_pipe (CamProcess           *self);
CAM_AVAILABLE_IN_ALL
GInputStream         *cam_process_get_stderr_pipe (CamProcess           *self);
CAM_AVAILABLE_IN_ALL
void                  cam_process_communicate_async  (CamProcess           *self,
                                                      GBytes               *stdin_buf,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_communicate_finish (CamProcess           *self,
                                                      GAsyncResult         *result,
                                                      GBytes              **stdout_buf,
                                                      GBytes              **stderr_buf,
                                                      GError              **error);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_communicate        (CamProcess           *self,
                                                      GBytes               *stdin_buf,
                                                      GCancellable         *cancellable,
                                                      GBytes              **stdout_buf,
                                                      GBytes              **stderr_buf,
                                                      GError              **error);
CAM_AVAILABLE_IN_ALL
void                  cam_process_communicate_utf8_async  (CamProcess          *self,
                                                           const char          *stdin_buf,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_communicate_utf8_finish (CamProcess          *self,
                                                           GAsyncResult        *result,
                                                           char               **stdout_buf,
                                                           char               **stderr_buf,
                                                           GError             **error);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_communicate_utf8        (CamProcess          *self,
                                                           const char          *stdin_buf,
                                                           GCancellable        *cancellable,
                                                           char               **stdout_buf,
                                                           char               **stderr_buf,
                                                           GError             **error);

/* Waiting (cam-process-wait.c) */
CAM_AVAILABLE_IN_ALL
void                  cam_process_wait_async      (CamProcess          *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_wait_finish     (CamProcess          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_wait            (CamProcess          *self,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
CAM_AVAILABLE_IN_ALL
void                  cam_process_wait_check_async (CamProcess          *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_wait_check_finish (CamProcess          *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_wait_check      (CamProcess          *self,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
CAM_AVAILABLE_IN_ALL
void                  cam_process_terminate_async (CamProcess          *self,
                                                   guint                timeout_ms,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
CAM_AVAILABLE_IN_ALL
gboolean              cam_process_terminate_finish (CamProcess          *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
