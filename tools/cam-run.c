/* cam-run: run a program in CamProcess's sandbox, as a shell command
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   cam-run [OPTION…] [--] PROGRAM [ARG…]
 *
 * The options are parsed in cam-run-options.c; here the CamProcess is set
 * up from them, started, and supervised on the default main context:
 * "finished" ends the loop, SIGINT/SIGTERM/SIGHUP are forwarded to the
 * child through its pidfd, and --timeout arms a SIGTERM and then a SIGKILL
 * timer.
 *
 * The forwarded signals are blocked from the start of main() and read from
 * a signalfd on the loop.  g_unix_signal_add() would start GLib's worker
 * thread for them: about a millisecond of every run on a loaded 2-core
 * machine, a third of cam-run's own start (bench/RESULTS-sandbox.md).  The
 * child does not inherit the mask: CamProcess gives it an empty one.  cam-run prints nothing on stdout (the child owns it) and only
 * its errors on stderr unless --verbose.  Exit statuses follow timeout(1)
 * and env(1): see cam-run.1.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <camprocess/camprocess.h>

#include "cam-run-json.h"
#include "cam-run-options.h"

/* Forwarded to the child. */
static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP };

typedef struct {
  CamRunOptions         options;
  CamProcess           *process;
  GMainLoop            *loop;
  gint64                start_time;   /* monotonic, µs */
  gint64                end_time;
  guint                 term_id;      /* --timeout: the SIGTERM timer */
  guint                 kill_id;      /* then the SIGKILL timer */
  gboolean              timed_out;    /* SIGTERM sent by --timeout */
  gboolean              killed;       /* SIGKILL sent by --timeout */
  CamProcessExitStatus  status;
  int                   code;
} CamRun;

static void G_GNUC_PRINTF (1, 2)
cam_run_message (const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("cam-run: %s\n", message);
}

static void
send_signal (CamRun *run,
             int     signum)
{
  g_autoptr(GError) error = NULL;

  if (!cam_process_get_running (run->process))
    return;
  if (!cam_process_send_signal (run->process, signum, &error))
    cam_run_message ("%s", error->message);
}

static void
forwarded_signal_set (sigset_t *set)
{
  sigemptyset (set);
  for (gsize i = 0; i < G_N_ELEMENTS (forwarded_signals); i++)
    sigaddset (set, forwarded_signals[i]);
}

/* Forwards what the signalfd holds. */
static gboolean
forward_signals (int          fd,
                 GIOCondition condition,
                 gpointer     user_data)
{
  CamRun *run = user_data;
  struct signalfd_siginfo info;

  while (read (fd, &info, sizeof info) == sizeof info)
    {
      int signum = (int) info.ssi_signo;

      if (run->options.verbose)
        cam_run_message (_("Forwarding signal %s to the program"),
                         sigabbrev_np (signum));
      send_signal (run, signum);
    }
  return G_SOURCE_CONTINUE;
}

/* A --timeout timer has fired: says why under --verbose, then sends
 * @signum. */
static void
send_timeout_signal (CamRun     *run,
                     int         signum,
                     const char *why)
{
  if (run->options.verbose)
    cam_run_message ("%s", why);
  send_signal (run, signum);
}

static gboolean
on_kill_timeout (gpointer user_data)
{
  CamRun *run = user_data;

  run->kill_id = 0;
  run->killed = TRUE;
  send_timeout_signal (run, SIGKILL,
                       _("The program is still running: sending SIGKILL"));
  return G_SOURCE_REMOVE;
}

static gboolean
on_timeout (gpointer user_data)
{
  CamRun *run = user_data;

  run->term_id = 0;
  run->timed_out = TRUE;
  send_timeout_signal (run, SIGTERM, _("Timed out: sending SIGTERM"));
  if (run->options.grace_ms > 0)
    run->kill_id = g_timeout_add ((guint) run->options.grace_ms,
                                  on_kill_timeout, run);
  return G_SOURCE_REMOVE;
}

static void
on_finished (CamProcess           *process,
             CamProcessExitStatus  status,
             int                   code,
             gpointer              user_data)
{
  CamRun *run = user_data;

  run->end_time = g_get_monotonic_time ();
  run->status = status;
  run->code = code;
  g_clear_handle_id (&run->term_id, g_source_remove);
  g_clear_handle_id (&run->kill_id, g_source_remove);
  g_main_loop_quit (run->loop);
}

/* The environment of the child: cam-run's own or an empty one, then each
 * --env and --unsetenv in order. */
static char **
build_environ (const CamRunOptions *options)
{
  char **envp = options->clear_env ? g_new0 (char *, 1) : g_get_environ ();

  for (guint i = 0; i < options->env_edits->len; i++)
    {
      const char *edit = g_ptr_array_index (options->env_edits, i);
      const char *equal = strchr (edit, '=');

      if (equal != NULL)
        {
          g_autofree char *name = g_strndup (edit, (gsize) (equal - edit));

          envp = g_environ_setenv (envp, name, equal + 1, TRUE);
        }
      else
        envp = g_environ_unsetenv (envp, edit);
    }
  return envp;
}

/* Applies everything but the program and its fds; on failure the message
 * is in @error. */
static gboolean
setup_process (CamRun   *run,
               GError  **error)
{
  const CamRunOptions *options = &run->options;
  g_auto(GStrv) envp = build_environ (options);

  cam_process_set_environ (run->process, (const char * const *) envp);
  cam_process_set_flags (run->process, options->flags);
  /* A command in a pipeline reads what the shell gives it. */
  cam_process_set_stdio_flags (run->process,
                               CAM_PROCESS_STDIO_FLAGS_STDIN_INHERIT);
  if (options->chdir != NULL)
    cam_process_set_cwd (run->process, options->chdir);
  if (options->has_user)
    cam_process_set_user (run->process, options->uid, options->gid);
  if (options->cgroup != NULL)
    cam_process_set_cgroup (run->process, options->cgroup);

  for (guint i = 0; i < options->rlimits->len; i++)
    {
      const CamRunRlimit *limit = &g_array_index (options->rlimits,
                                                  CamRunRlimit, i);

      if (!cam_process_set_rlimit (run->process, limit->resource, limit->soft,
                                   limit->hard, error))
        return FALSE;
    }

  for (guint i = 0; i < options->binds->len; i++)
    {
      const CamRunBind *bind = &g_array_index (options->binds, CamRunBind, i);

      cam_process_bind_path (run->process, bind->source, bind->target,
                             bind->writable);
    }

  if (options->seccomp_fd >= 0)
    {
      g_autoptr(GBytes) program = NULL;
      g_autoptr(GByteArray) buffer = g_byte_array_new ();
      guint8 chunk[4096];
      gssize n;

      do
        {
          n = read (options->seccomp_fd, chunk, sizeof chunk);
          if (n > 0)
            g_byte_array_append (buffer, chunk, (guint) n);
        }
      while (n > 0 || (n < 0 && errno == EINTR));
      if (n < 0)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Failed to read the seccomp program from fd %d: %s"),
                       options->seccomp_fd, g_strerror (errsv));
          return FALSE;
        }
      program = g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
      if (!cam_process_set_seccomp_filter (run->process, program, error))
        return FALSE;
    }

  /* take_fd() owns what it is given and start() closes it: give it
   * copies, so that one fd may be mapped twice and cam-run keeps its own. */
  for (guint i = 0; i < options->fd_maps->len; i++)
    {
      const CamRunFdMap *map = &g_array_index (options->fd_maps,
                                               CamRunFdMap, i);
      int copy = fcntl (map->source, F_DUPFD_CLOEXEC, 3);

      if (copy < 0)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Failed to duplicate file descriptor %d: %s"),
                       map->source, g_strerror (errsv));
          return FALSE;
        }
      cam_process_take_fd (run->process, copy, map->target);
    }

  return TRUE;
}

/* The program as start() wants it: PATH is searched (with cam-run's own
 * PATH) for a name without a slash, as execvp() does. */
static char *
find_program (const char *name)
{
  if (strchr (name, '/') != NULL)
    return g_strdup (name);
  return g_find_program_in_path (name);
}

/* The status for a failed start: 127 and 126 only when the program itself
 * is missing or cannot be executed, not for a missing cgroup or a refused
 * namespace. */
static int
start_failure_status (const CamRunOptions *options,
                      const char          *path,
                      const GError        *error)
{
  g_autofree char *resolved = NULL;
  struct stat st;

  if (options->chdir != NULL && !g_path_is_absolute (path))
    resolved = g_build_filename (options->chdir, path, NULL);
  else
    resolved = g_strdup (path);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
      stat (resolved, &st) < 0 && errno == ENOENT)
    return CAM_RUN_EXIT_ENOENT;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) &&
      stat (resolved, &st) == 0 &&
      (!S_ISREG (st.st_mode) || access (resolved, X_OK) < 0 ||
       (st.st_mode & 0111) == 0))
    return CAM_RUN_EXIT_CANNOT_INVOKE;
  return CAM_RUN_EXIT_FAILURE;
}

static int
exit_status_of (const CamRun *run)
{
  if (run->killed)
    return CAM_RUN_EXIT_SIGNAL_BASE + SIGKILL;
  if (run->timed_out)
    return CAM_RUN_EXIT_TIMEDOUT;

  switch (run->status)
    {
    case CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT:
      return run->code;
    case CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT:
      return CAM_RUN_EXIT_SIGNAL_BASE + run->code;
    case CAM_PROCESS_EXIT_STATUS_NOT_EXITED:
    case CAM_PROCESS_EXIT_STATUS_UNKNOWN:
    default:
      return CAM_RUN_EXIT_FAILURE;
    }
}

static void
write_json_status (const CamRun *run,
                   int           exit_status)
{
  guint64 user_usec, system_usec, max_rss_kib;
  gboolean has_usage;
  g_autofree char *text = NULL;
  CamRunJson json;
  gsize done = 0, length;

  has_usage = cam_process_get_resource_usage (run->process, &user_usec,
                                              &system_usec, &max_rss_kib);

  cam_run_json_begin (&json);
  cam_run_json_add_string (&json, "program", run->options.argv[0]);
  switch (run->status)
    {
    case CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT:
      cam_run_json_add_string (&json, "status", "exited");
      cam_run_json_add_int (&json, "code", run->code);
      cam_run_json_add_null (&json, "signal");
      break;
    case CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT:
      cam_run_json_add_string (&json, "status", "signaled");
      cam_run_json_add_null (&json, "code");
      cam_run_json_add_int (&json, "signal", run->code);
      break;
    case CAM_PROCESS_EXIT_STATUS_NOT_EXITED:
    case CAM_PROCESS_EXIT_STATUS_UNKNOWN:
    default:
      cam_run_json_add_string (&json, "status", "unknown");
      cam_run_json_add_null (&json, "code");
      cam_run_json_add_null (&json, "signal");
      break;
    }
  cam_run_json_add_int (&json, "exit_status", exit_status);
  cam_run_json_add_bool (&json, "timed_out", run->timed_out);
  cam_run_json_add_bool (&json, "killed", run->killed);
  cam_run_json_add_seconds (&json, "wall_time_s",
                            (guint64) (run->end_time - run->start_time));
  if (has_usage)
    {
      cam_run_json_add_seconds (&json, "user_time_s", user_usec);
      cam_run_json_add_seconds (&json, "system_time_s", system_usec);
      cam_run_json_add_int (&json, "max_rss_kib", (gint64) max_rss_kib);
    }
  else
    {
      cam_run_json_add_null (&json, "user_time_s");
      cam_run_json_add_null (&json, "system_time_s");
      cam_run_json_add_null (&json, "max_rss_kib");
    }
  text = cam_run_json_end (&json);

  length = strlen (text);
  while (done < length)
    {
      gssize n = write (run->options.json_fd, text + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;

          cam_run_message (_("Failed to write the JSON status to fd %d: %s"),
                           run->options.json_fd, g_strerror (errsv));
          return;
        }
      done += (gsize) n;
    }
}

static int
run_program (CamRun *run)
{
  const CamRunOptions *options = &run->options;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  struct stat st;
  sigset_t forwarded;
  guint forward_id;
  int signal_fd;
  int status;

  path = find_program (options->argv[0]);
  if (path == NULL)
    {
      cam_run_message (_("“%s”: command not found"), options->argv[0]);
      return CAM_RUN_EXIT_ENOENT;
    }
  /* The library would name the step too, but the status must say that
   * cam-run failed, not the program. */
  if (options->chdir != NULL)
    {
      int errsv = 0;

      if (stat (options->chdir, &st) < 0)
        errsv = errno;
      else if (!S_ISDIR (st.st_mode))
        errsv = ENOTDIR;
      if (errsv != 0)
        {
          cam_run_message (_("Cannot change to directory “%s”: %s"),
                           options->chdir, g_strerror (errsv));
          return CAM_RUN_EXIT_FAILURE;
        }
    }

  run->process = cam_process_new ();
  run->loop = g_main_loop_new (NULL, FALSE);
  if (!setup_process (run, &error))
    {
      cam_run_message ("%s", error->message);
      return CAM_RUN_EXIT_FAILURE;
    }
  g_signal_connect (run->process, "finished", G_CALLBACK (on_finished), run);

  /* The signals have been blocked since main() began, and are read only
   * once the loop runs: one that arrives before is forwarded then. */
  forwarded_signal_set (&forwarded);
  signal_fd = signalfd (-1, &forwarded, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd < 0)
    {
      int errsv = errno;

      cam_run_message (_("Failed to watch for signals: %s"),
                       g_strerror (errsv));
      return CAM_RUN_EXIT_FAILURE;
    }
  forward_id = g_unix_fd_add (signal_fd, G_IO_IN, forward_signals, run);

  run->start_time = g_get_monotonic_time ();
  if (!cam_process_start (run->process, path,
                          (const char * const *) options->argv,
                          (const int *) (void *) options->fds->data,
                          options->fds->len, &error))
    {
      cam_run_message ("%s", error->message);
      status = start_failure_status (options, path, error);
      goto out;
    }
  if (options->verbose)
    cam_run_message (_("Started “%s” as pid %d"), path,
                     cam_process_get_pid (run->process));

  if (options->timeout_ms > 0)
    run->term_id = g_timeout_add ((guint) options->timeout_ms, on_timeout,
                                  run);

  g_main_loop_run (run->loop);

  status = exit_status_of (run);
  if (options->verbose)
    {
      if (run->status == CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT)
        cam_run_message (_("The program exited with code %d"), run->code);
      else if (run->status == CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT)
        cam_run_message (_("The program was killed by signal %s"),
                         sigabbrev_np (run->code));
    }
  if (run->status == CAM_PROCESS_EXIT_STATUS_UNKNOWN)
    cam_run_message (_("The exit status of the program is unknown"));
  if (options->json_fd >= 0)
    write_json_status (run, status);

out:
  g_source_remove (forward_id);
  close (signal_fd);
  return status;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  CamRun run = { 0 };
  sigset_t forwarded;
  int status;

  /* Before anything could start a thread, which would inherit the mask:
   * a thread that did not block them would die of them. */
  forwarded_signal_set (&forwarded);
  sigprocmask (SIG_BLOCK, &forwarded, NULL);

  /* Only what cam-run uses: the character set and the language of its
   * messages.  It formats no number, date or money for people (the JSON
   * status wants the C numbers anyway), and LC_ALL loads eleven more
   * locale files at every start, about 120 µs (the child gets the
   * environment, not this process's locale). */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("cam-run");

  if (!cam_run_options_parse (&run.options, &argc, &argv, &error))
    {
      cam_run_message ("%s", error->message);
      cam_run_message (_("Try “cam-run --help” for more information"));
      cam_run_options_clear (&run.options);
      return CAM_RUN_EXIT_FAILURE;
    }

  status = run_program (&run);

  g_clear_object (&run.process);
  g_clear_pointer (&run.loop, g_main_loop_unref);
  cam_run_options_clear (&run.options);
  return status;
}
