/* cam-run-options.c: the command line of cam-run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GOptionContext in strict POSIX mode: the options end at PROGRAM, so that
 * `cam-run ls -l` gives -l to ls.  Every value is checked here, before any
 * child exists; an error is a GError that cam-run reports with status 125.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cam-run-options.h"
#include "cam-run-rlimit.h"

/* An option callback as GOptionEntry.arg_data.  The detour through an
 * integer keeps -Wpedantic quiet: ISO C has no conversion from a function
 * pointer to void *. */
#define CALLBACK(func) ((gpointer) (guintptr) (func))

static gboolean
parse_fd (const char  *option_name,
          const char  *text,
          int         *ret_fd,
          GError     **error)
{
  guint64 fd;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &fd, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid file descriptor “%s” for %s"), text,
                   option_name);
      return FALSE;
    }
  if (fcntl ((int) fd, F_GETFD) < 0)
    {
      int errsv = errno;

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("File descriptor %d of %s is not open: %s"), (int) fd,
                   option_name, g_strerror (errsv));
      return FALSE;
    }
  *ret_fd = (int) fd;
  return TRUE;
}

/* Seconds, with decimals: "10", "0.5". */
static gboolean
parse_seconds (const char *text,
               guint64    *ret_ms)
{
  char *end = NULL;
  double seconds;

  if (*text == '\0' || g_ascii_isspace (*text))
    return FALSE;
  errno = 0;
  seconds = g_ascii_strtod (text, &end);
  if (errno != 0 || *end != '\0' || !(seconds >= 0) ||
      seconds > (double) (G_MAXUINT / 1000))
    return FALSE;
  *ret_ms = (guint64) (seconds * 1000 + 0.5);
  if (*ret_ms == 0 && seconds > 0)
    *ret_ms = 1;
  return TRUE;
}

static gboolean
parse_id (const char *text,
          gboolean    group,
          guint32    *ret_id)
{
  guint64 id;

  if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32 - 1, &id, NULL))
    {
      *ret_id = (guint32) id;
      return TRUE;
    }
  if (group)
    {
      struct group *gr = getgrnam (text);

      if (gr == NULL)
        return FALSE;
      *ret_id = gr->gr_gid;
    }
  else
    {
      struct passwd *pw = getpwnam (text);

      if (pw == NULL)
        return FALSE;
      *ret_id = pw->pw_uid;
    }
  return TRUE;
}

/* The part of @value before its first colon, all of it if it has none;
 * @ret_rest is what follows the colon, or NULL. */
static char *
split_at_colon (const char  *value,
                const char **ret_rest)
{
  const char *colon = strchr (value, ':');

  *ret_rest = colon != NULL ? colon + 1 : NULL;
  return colon != NULL ? g_strndup (value, (gsize) (colon - value))
                       : g_strdup (value);
}

static gboolean
on_isolate (const char  *option_name,
            const char  *value,
            gpointer     data,
            GError     **error)
{
  CamRunOptions *options = data;
  g_auto(GStrv) names = g_strsplit (value, ",", -1);

  for (gsize i = 0; names[i] != NULL; i++)
    {
      const char *name = names[i];

      if (strcmp (name, "user") == 0)
        options->flags |= CAM_PROCESS_FLAGS_ISOLATE_USER;
      else if (strcmp (name, "net") == 0)
        options->flags |= CAM_PROCESS_FLAGS_ISOLATE_NET;
      else if (strcmp (name, "ipc") == 0)
        options->flags |= CAM_PROCESS_FLAGS_ISOLATE_IPC;
      else if (strcmp (name, "pid") == 0)
        options->flags |= CAM_PROCESS_FLAGS_ISOLATE_PID;
      else if (strcmp (name, "mount") == 0)
        options->flags |= CAM_PROCESS_FLAGS_ISOLATE_MOUNT;
      else if (strcmp (name, "files") == 0)
        {
          options->flags |= CAM_PROCESS_FLAGS_ISOLATE_FILES;
        }
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("Unknown namespace “%s” for --isolate (user, net, ipc, pid, mount, files)"),
                       name);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
on_bind (const char  *option_name,
         const char  *value,
         gpointer     data,
         GError     **error)
{
  CamRunOptions *options = data;
  const char *target;
  g_autofree char *source = split_at_colon (value, &target);
  CamRunBind bind = { 0 };

  if (*source == '\0' || (target != NULL && *target == '\0'))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid value “%s” for %s: expected SRC[:DST]"), value,
                   option_name);
      return FALSE;
    }
  bind.source = g_canonicalize_filename (source, NULL);
  bind.target = target != NULL ? g_canonicalize_filename (target, "/")
                               : NULL;
  bind.writable = strcmp (option_name, "--bind-rw") == 0;
  g_array_append_val (options->binds, bind);
  return TRUE;
}

/* --seccomp and --json-status: one fd each. */
static gboolean
on_fd_option (const char  *option_name,
              const char  *value,
              gpointer     data,
              GError     **error)
{
  CamRunOptions *options = data;
  int *slot = strcmp (option_name, "--seccomp") == 0 ? &options->seccomp_fd
                                                     : &options->json_fd;

  return parse_fd (option_name, value, slot, error);
}

static gboolean
on_user (const char  *option_name,
         const char  *value,
         gpointer     data,
         GError     **error)
{
  CamRunOptions *options = data;
  const char *group;
  g_autofree char *user = split_at_colon (value, &group);

  if (!parse_id (user, FALSE, &options->uid) ||
      (group != NULL && !parse_id (group, TRUE, &options->gid)))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid value “%s” for --user: expected UID[:GID], as numbers or names"),
                   value);
      return FALSE;
    }
  if (group == NULL)
    {
      /* The user's own group, as su and runuser pick it. */
      struct passwd *pw = getpwuid (options->uid);

      options->gid = pw != NULL ? pw->pw_gid : options->uid;
    }
  options->has_user = TRUE;
  return TRUE;
}

static gboolean
on_rlimit (const char  *option_name,
           const char  *value,
           gpointer     data,
           GError     **error)
{
  CamRunOptions *options = data;
  CamRunRlimit limit;

  if (!cam_run_rlimit_parse (value, &limit.resource, &limit.soft,
                             &limit.hard, error))
    return FALSE;
  g_array_append_val (options->rlimits, limit);
  return TRUE;
}

static gboolean
on_env (const char  *option_name,
        const char  *value,
        gpointer     data,
        GError     **error)
{
  CamRunOptions *options = data;
  const char *equal = strchr (value, '=');

  if (equal == NULL || equal == value)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid value “%s” for --env: expected VAR=VALUE"),
                   value);
      return FALSE;
    }
  g_ptr_array_add (options->env_edits, g_strdup (value));
  return TRUE;
}

static gboolean
on_unsetenv (const char  *option_name,
             const char  *value,
             gpointer     data,
             GError     **error)
{
  CamRunOptions *options = data;

  if (*value == '\0' || strchr (value, '=') != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid variable name “%s” for --unsetenv"), value);
      return FALSE;
    }
  g_ptr_array_add (options->env_edits, g_strdup (value));
  return TRUE;
}

static gboolean
on_fd (const char  *option_name,
       const char  *value,
       gpointer     data,
       GError     **error)
{
  CamRunOptions *options = data;
  int fd;

  if (!parse_fd (option_name, value, &fd, error))
    return FALSE;
  g_array_append_val (options->fds, fd);
  return TRUE;
}

static gboolean
on_fd_map (const char  *option_name,
           const char  *value,
           gpointer     data,
           GError     **error)
{
  CamRunOptions *options = data;
  const char *dest;
  g_autofree char *source = split_at_colon (value, &dest);
  CamRunFdMap map;
  guint64 target;

  if (dest == NULL ||
      !g_ascii_string_to_unsigned (dest, 10, 0, G_MAXINT, &target, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid value “%s” for --fd-map: expected SRC:DST"),
                   value);
      return FALSE;
    }
  if (!parse_fd (option_name, source, &map.source, error))
    return FALSE;
  map.target = (int) target;
  g_array_append_val (options->fd_maps, map);
  return TRUE;
}

static gboolean
on_timeout (const char  *option_name,
            const char  *value,
            gpointer     data,
            GError     **error)
{
  CamRunOptions *options = data;
  const char *grace;
  g_autofree char *duration = split_at_colon (value, &grace);

  if (!parse_seconds (duration, &options->timeout_ms) ||
      (grace != NULL && !parse_seconds (grace, &options->grace_ms)))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid value “%s” for --timeout: expected SECONDS[:GRACE]"),
                   value);
      return FALSE;
    }
  return TRUE;
}

/**
 * cam_run_options_parse:
 * @options: (out caller-allocates): the options, to clear with
 *   cam_run_options_clear() whatever the outcome
 * @argc: the argument count of main()
 * @argv: the arguments of main()
 * @error: return location for a #GError
 *
 * Parses the command line.  --help and --help-all print the help to
 * stdout and exit 0, as GOptionContext does.
 *
 * Returns: %TRUE if @options holds a valid command with a PROGRAM
 */
gboolean
cam_run_options_parse (CamRunOptions  *options,
                       int            *argc,
                       char         ***argv,
                       GError        **error)
{
  gboolean sandbox = FALSE, new_session = FALSE, die_with_parent = FALSE;
  gboolean no_new_privs = FALSE;
  const GOptionEntry entries[] = {
    { "sandbox", 0, 0, G_OPTION_ARG_NONE, &sandbox,
      N_("Run in the library's sandbox (CAM_PROCESS_FLAGS_SANDBOX): new user, network, IPC and pid namespaces, a new session, no_new_privs, killed with cam-run"),
      NULL },
    { "isolate", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_isolate),
      N_("New namespaces, comma-separated: user, net, ipc, pid, mount, files (a root file system of its own)"),
      N_("NS,…") },
    { "new-session", 0, 0, G_OPTION_ARG_NONE, &new_session,
      N_("Start a new session (setsid): no controlling terminal"), NULL },
    { "die-with-parent", 0, 0, G_OPTION_ARG_NONE, &die_with_parent,
      N_("Kill the program with SIGKILL when cam-run dies"), NULL },
    { "no-new-privs", 0, 0, G_OPTION_ARG_NONE, &no_new_privs,
      N_("Set no_new_privs: exec never grants privileges"), NULL },
    { "restrict-syscalls", 0, 0, G_OPTION_ARG_NONE,
      &options->restrict_syscalls,
      N_("Refuse the system calls a sandboxed program has no use for (seccomp)"),
      NULL },
    { "bind", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_bind),
      N_("Bind SRC read-only at DST (default SRC) in the program's file system"),
      N_("SRC[:DST]") },
    { "bind-rw", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_bind),
      N_("Bind SRC writable at DST (default SRC) in the program's file system"),
      N_("SRC[:DST]") },
    { "seccomp", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_fd_option),
      N_("Load the seccomp BPF program read from FD (struct sock_filter array, as bwrap)"),
      N_("FD") },
    { "user", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_user),
      N_("Run as UID and GID (default: the user's group)"),
      N_("UID[:GID]") },
    { "cgroup", 0, 0, G_OPTION_ARG_FILENAME, &options->cgroup,
      N_("Start the program inside the cgroup v2 directory PATH"),
      N_("PATH") },
    { "rlimit", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_rlimit),
      N_("Set a resource limit, named as prlimit(1) does (nofile, nproc, as, core, cpu, …); one value sets both"),
      N_("NAME=SOFT[:HARD]") },
    { "chdir", 0, 0, G_OPTION_ARG_FILENAME, &options->chdir,
      N_("Change to DIR before executing the program"), N_("DIR") },
    { "env", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_env),
      N_("Set VAR to VALUE in the program's environment"),
      N_("VAR=VALUE") },
    { "unsetenv", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_unsetenv),
      N_("Remove VAR from the program's environment"), N_("VAR") },
    { "clear-env", 0, 0, G_OPTION_ARG_NONE, &options->clear_env,
      N_("Start from an empty environment (before any --env)"), NULL },
    { "fd", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_fd),
      N_("Pass file descriptor N to the program at the same number"),
      N_("N") },
    { "fd-map", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_fd_map),
      N_("Pass file descriptor SRC to the program as DST"),
      N_("SRC:DST") },
    { "timeout", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_timeout),
      N_("Send SIGTERM after SECONDS, then SIGKILL after GRACE more (default 5, 0 for never); exit 124, or 137 when SIGKILL was needed"),
      N_("SECONDS[:GRACE]") },
    { "json-status", 0, 0, G_OPTION_ARG_CALLBACK, CALLBACK (on_fd_option),
      N_("Write a JSON object to FD when the program ends: status, code, signal, times, max RSS"),
      N_("FD") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &options->verbose,
      N_("Report the start, forwarded signals and the end on stderr"),
      NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  GOptionGroup *group;

  *options = (CamRunOptions) {
    .binds = g_array_new (FALSE, TRUE, sizeof (CamRunBind)),
    .seccomp_fd = -1,
    .rlimits = g_array_new (FALSE, FALSE, sizeof (CamRunRlimit)),
    .env_edits = g_ptr_array_new_with_free_func (g_free),
    .fds = g_array_new (FALSE, FALSE, sizeof (int)),
    .fd_maps = g_array_new (FALSE, FALSE, sizeof (CamRunFdMap)),
    .grace_ms = 5000,
    .json_fd = -1,
  };

  context = g_option_context_new (_("[--] PROGRAM [ARG…]"));
  g_option_context_set_summary (context,
    _("Run PROGRAM in a sandbox and supervise it through its pidfd."));
  g_option_context_set_description (context,
    _("Exit status: that of PROGRAM; 128 + N when signal N killed it; "
      "124 when --timeout stopped it with SIGTERM, 137 when SIGKILL was "
      "needed; 125 when cam-run itself failed; 126 when PROGRAM cannot be "
      "executed; 127 when it was not found.  SIGINT, SIGTERM and SIGHUP "
      "sent to cam-run are forwarded to PROGRAM.  See cam-run(1)."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);

  group = g_option_group_new ("cam-run", "", "", options, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, group);

  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  /* GOptionContext leaves a "--" that ends the options in place. */
  {
    int first = 1;

    if (first < *argc && strcmp ((*argv)[first], "--") == 0)
      first++;
    if (first >= *argc)
      {
        g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                             _("No PROGRAM given"));
        return FALSE;
      }
    options->argv = g_strdupv (*argv + first);
  }

  if (sandbox)
    options->flags |= CAM_PROCESS_FLAGS_SANDBOX;
  if (new_session)
    options->flags |= CAM_PROCESS_FLAGS_NEW_SESSION;
  if (die_with_parent)
    options->flags |= CAM_PROCESS_FLAGS_DIE_WITH_PARENT;
  if (no_new_privs)
    options->flags |= CAM_PROCESS_FLAGS_NO_NEW_PRIVS;
  if (options->restrict_syscalls)
    {
      options->flags |= CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS;
    }

  return TRUE;
}

void
cam_run_options_clear (CamRunOptions *options)
{
  for (guint i = 0; options->binds != NULL && i < options->binds->len; i++)
    {
      CamRunBind *bind = &g_array_index (options->binds, CamRunBind, i);

      g_free (bind->source);
      g_free (bind->target);
    }
  g_clear_pointer (&options->binds, g_array_unref);
  g_clear_pointer (&options->cgroup, g_free);
  g_clear_pointer (&options->rlimits, g_array_unref);
  g_clear_pointer (&options->chdir, g_free);
  g_clear_pointer (&options->env_edits, g_ptr_array_unref);
  g_clear_pointer (&options->fds, g_array_unref);
  g_clear_pointer (&options->fd_maps, g_array_unref);
  g_clear_pointer (&options->argv, g_strfreev);
}
