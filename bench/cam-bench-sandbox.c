/* cam-bench-sandbox: what a sandbox costs, CamProcess and cam-run against
 * their peers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   cam-bench-sandbox [--rounds N] [--markdown FILE] [--only KEY,…] CAM_RUN
 *
 * Times one round trip of /bin/true (spawn, wait for the exit) in one run
 * and side by side:
 *
 *  - CamProcess in this process ("finished" on the default main context,
 *    as cam-bench does) with no flags, with the "holes" sandbox (user,
 *    net, IPC and PID namespaces, a new session, no_new_privs, death with
 *    the parent: everything but a root of its own and the seccomp filter),
 *    with ISOLATE_FILES alone and with the whole CAM_PROCESS_FLAGS_SANDBOX;
 *  - the command CAM_RUN (the built tools/cam-run) with and without
 *    --sandbox, and /usr/bin/env, a small dynamically linked program, as
 *    the floor of a command's own start;
 *  - bwrap with the isolation of SANDBOX (every namespace, a new session,
 *    death with the parent, /usr and /etc read-only, the top-level
 *    symlinks of this machine, its own /proc, /dev and /tmp), `unshare -U
 *    -n` and `systemd-run --pipe`; a peer that is missing or fails its
 *    first run is skipped with the reason;
 *  - posix_spawn + waitpid, the floor.
 *
 * Each round runs every method once, starting with a different method
 * each round, so that a slow spell of the shared machine hits them all
 * alike; a figure is the median over the rounds (with the quartiles, to
 * show the noise).  The first round trip of each method is a warm-up, not
 * counted: it checks that the method works, and builds what CamProcess
 * keeps for the life of the process (the seccomp program).  The report is
 * Markdown, printed and optionally written to a file; each goal is marked
 * PASS or MISS, and the exit status does not depend on them.  --only runs
 * some methods alone, e.g. to profile one under perf or strace.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <camprocess/camprocess.h>
#include <gio/gio.h>

#include "cam-bench-machine.h"

#define ROUNDS_DEFAULT 1000

/* The goals, as ratios of medians. */
#define GOAL_HOLES_VS_PLAIN     1.5
#define GOAL_SANDBOX_VS_BWRAP   0.5
#define GOAL_SANDBOX_VS_PLAIN   2.0   /* stretch */

#define HOLES_FLAGS (CAM_PROCESS_FLAGS_ISOLATE_USER | \
                     CAM_PROCESS_FLAGS_ISOLATE_NET | \
                     CAM_PROCESS_FLAGS_ISOLATE_IPC | \
                     CAM_PROCESS_FLAGS_ISOLATE_PID | \
                     CAM_PROCESS_FLAGS_NEW_SESSION | \
                     CAM_PROCESS_FLAGS_NO_NEW_PRIVS | \
                     CAM_PROCESS_FLAGS_DIE_WITH_PARENT)
/* SANDBOX before the holes were fixed: what the network namespace alone
 * costs shows against it. */
#define USER_NET_FLAGS (CAM_PROCESS_FLAGS_ISOLATE_USER | \
                        CAM_PROCESS_FLAGS_ISOLATE_NET | \
                        CAM_PROCESS_FLAGS_NO_NEW_PRIVS | \
                        CAM_PROCESS_FLAGS_DIE_WITH_PARENT)

extern char **environ;

typedef enum {
  M_CAM,
  M_CAM_HOLES,
  M_CAM_HOLES_NO_NET,
  M_CAM_USER_NET,
  M_CAM_FILES,
  M_CAM_SANDBOX,
  M_CAM_RUN_SANDBOX,
  M_CAM_RUN,
  M_ENV,
  M_BWRAP,
  M_UNSHARE,
  M_SYSTEMD_RUN,
  M_POSIX_SPAWN,
  N_METHODS
} MethodId;

typedef struct {
  const char      *key;      /* for --only */
  const char      *name;
  gboolean         in_process;
  CamProcessFlags  flags;    /* in_process */
  GPtrArray       *argv;     /* commands: char *, NULL-terminated */
  gboolean         enabled;
  char            *skipped;  /* why it did not run, or NULL */
  GArray          *usec;     /* double, one per counted round, in order */
  double           median, p25, p75;
} Method;

static const char * const true_argv[] = { "/bin/true", NULL };

static void G_GNUC_NORETURN
die (const char *what,
     const char *message)
{
  g_printerr ("cam-bench-sandbox: %s: %s\n", what, message);
  exit (EXIT_FAILURE);
}

static double
now_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void
on_finished (CamProcess           *process,
             CamProcessExitStatus  status,
             int                   code,
             gpointer              user_data)
{
  int *result = user_data;

  *result = status == CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT ? code : 256;
}

/* One round trip; FALSE with @ret_why set if it failed. */
static gboolean
round_trip_cam (CamProcessFlags   flags,
                char            **ret_why)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  int result = -1;

  cam_process_set_flags (process, flags);
  g_signal_connect (process, "finished", G_CALLBACK (on_finished), &result);
  if (!cam_process_start (process, true_argv[0], true_argv, NULL, 0, &error))
    {
      *ret_why = g_strdup (error->message);
      return FALSE;
    }
  while (result == -1)
    g_main_context_iteration (NULL, TRUE);
  if (result != 0)
    {
      *ret_why = g_strdup ("/bin/true did not exit with status 0");
      return FALSE;
    }
  return TRUE;
}

/* @quiet: with stdout and stderr on /dev/null, for the warm-up (which may
 * fail and say why); timed round trips leave them alone, as CamProcess's
 * do. */
static gboolean
round_trip_command (const char * const  *argv,
                    gboolean             quiet,
                    char               **ret_why)
{
  posix_spawn_file_actions_t actions;
  pid_t pid;
  int r, wait_status;

  posix_spawn_file_actions_init (&actions);
  if (quiet)
    {
      posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
      posix_spawn_file_actions_addopen (&actions, 2, "/dev/null", O_WRONLY, 0);
    }
  r = posix_spawn (&pid, argv[0], &actions, NULL, (char * const *) argv,
                   environ);
  posix_spawn_file_actions_destroy (&actions);
  if (r != 0)
    {
      *ret_why = g_strdup (g_strerror (r));
      return FALSE;
    }
  while (waitpid (pid, &wait_status, 0) < 0)
    if (errno != EINTR)
      die ("waitpid", g_strerror (errno));
  if (!WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != 0)
    {
      *ret_why = g_strdup ("it did not exit with status 0");
      return FALSE;
    }
  return TRUE;
}

static gboolean
round_trip (Method    *method,
            gboolean   quiet,
            char     **ret_why)
{
  if (method->in_process)
    return round_trip_cam (method->flags, ret_why);
  return round_trip_command ((const char * const *) method->argv->pdata,
                             quiet, ret_why);
}

/* The first line @argv prints on stdout or stderr, or NULL. */
static char *
first_output_line (const char * const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *text;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDIN_FROM_DEV_NULL, NULL,
                     NULL, &out, &err, NULL, NULL))
    return NULL;
  text = out != NULL && *out != '\0' ? out : err;
  if (text == NULL || *text == '\0')
    return NULL;
  return g_strndup (text, strcspn (text, "\n"));
}

/* Why a command peer fails: its first line on stderr, run once more. */
static char *
explain_failure (Method     *method,
                 const char *why)
{
  g_autofree char *line = NULL;

  line = first_output_line ((const char * const *) method->argv->pdata);
  if (line == NULL)
    return g_strdup (why);
  return g_strdup_printf ("%s (“%s”)", why, line);
}

static GPtrArray *
command (const char *first,
         ...)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return argv;
}

static void
command_insert (GPtrArray  *argv,
                const char *arg)
{
  /* Before "/bin/true" and the terminating NULL. */
  g_ptr_array_insert (argv, (int) argv->len - 2, g_strdup (arg));
}

/* bwrap with SANDBOX's isolation: the top-level directories of the host
 * that SANDBOX binds read-only, as directories or as the same symlinks. */
static GPtrArray *
bwrap_command (void)
{
  static const char * const top[] = {
    "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
  };
  GPtrArray *argv = command ("bwrap", "--unshare-all", "--die-with-parent",
                             "--new-session", "--ro-bind", "/usr", "/usr",
                             "/bin/true", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (top); i++)
    {
      g_autofree char *link = NULL;
      struct stat st;

      if (lstat (top[i], &st) < 0)
        continue;
      if (S_ISLNK (st.st_mode) &&
          (link = g_file_read_link (top[i], NULL)) != NULL)
        {
          command_insert (argv, "--symlink");
          command_insert (argv, link);
          command_insert (argv, top[i]);
        }
      else if (S_ISDIR (st.st_mode))
        {
          command_insert (argv, "--ro-bind");
          command_insert (argv, top[i]);
          command_insert (argv, top[i]);
        }
    }
  for (const char * const *arg = (const char * const[]) {
         "--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev",
         "--tmpfs", "/tmp", NULL };
       *arg != NULL; arg++)
    command_insert (argv, *arg);
  return argv;
}

static char *
command_string (const Method *method)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i + 1 < method->argv->len; i++)
    {
      g_string_append_printf (s, "%s%s", i > 0 ? " " : "",
                              (const char *) method->argv->pdata[i]);
    }
  return g_strdup (s->str);
}

static void
init_methods (Method     *methods,
              const char *cam_run)
{
  const Method table[N_METHODS] = {
    [M_CAM] = { "cam", "CamProcess, no flags", TRUE, CAM_PROCESS_FLAGS_NONE },
    [M_CAM_HOLES] = { "cam-holes",
                      "CamProcess, holes sandbox (user, net, IPC, PID, "
                      "new session, no_new_privs, die with parent)",
                      TRUE, HOLES_FLAGS },
    [M_CAM_HOLES_NO_NET] = { "cam-holes-no-net",
                             "CamProcess, holes sandbox without the network "
                             "namespace",
                             TRUE, HOLES_FLAGS & ~CAM_PROCESS_FLAGS_ISOLATE_NET },
    [M_CAM_USER_NET] = { "cam-user-net",
                         "CamProcess, user + net + no_new_privs + die with "
                         "parent (SANDBOX before the holes fix)",
                         TRUE, USER_NET_FLAGS },
    [M_CAM_FILES] = { "cam-files", "CamProcess, ISOLATE_FILES", TRUE,
                      CAM_PROCESS_FLAGS_ISOLATE_FILES },
    [M_CAM_SANDBOX] = { "cam-sandbox", "CamProcess, SANDBOX", TRUE,
                        CAM_PROCESS_FLAGS_SANDBOX },
    [M_CAM_RUN_SANDBOX] = { "cam-run-sandbox", "`cam-run --sandbox`" },
    [M_CAM_RUN] = { "cam-run", "`cam-run`" },
    [M_ENV] = { "env", "`/usr/bin/env` (a command's floor)" },
    [M_BWRAP] = { "bwrap", "`bwrap` with SANDBOX's isolation" },
    [M_UNSHARE] = { "unshare", "`unshare -U -n`" },
    [M_SYSTEMD_RUN] = { "systemd-run", "`systemd-run --pipe`" },
    [M_POSIX_SPAWN] = { "posix-spawn", "posix_spawn + waitpid (floor)" },
  };

  for (int m = 0; m < N_METHODS; m++)
    {
      methods[m] = table[m];
      methods[m].enabled = TRUE;
      methods[m].usec = g_array_new (FALSE, FALSE, sizeof (double));
    }
  methods[M_CAM_RUN_SANDBOX].argv = command (cam_run, "--sandbox",
                                             "/bin/true", NULL);
  methods[M_CAM_RUN].argv = command (cam_run, "/bin/true", NULL);
  methods[M_ENV].argv = command ("/usr/bin/env", "/bin/true", NULL);
  methods[M_BWRAP].argv = bwrap_command ();
  methods[M_UNSHARE].argv = command ("/usr/bin/unshare", "-U", "-n",
                                     "/bin/true", NULL);
  methods[M_SYSTEMD_RUN].argv = command ("/usr/bin/systemd-run", "--pipe",
                                         "--quiet", "/bin/true", NULL);
  methods[M_POSIX_SPAWN].argv = command ("/bin/true", NULL);

  /* posix_spawn() does not search PATH: bwrap is wherever it is. */
  {
    g_autofree char *bwrap = g_find_program_in_path ("bwrap");

    if (bwrap != NULL)
      {
        g_free (methods[M_BWRAP].argv->pdata[0]);
        methods[M_BWRAP].argv->pdata[0] = g_steal_pointer (&bwrap);
      }
  }
}

static void
clear_methods (Method *methods)
{
  for (int m = 0; m < N_METHODS; m++)
    {
      g_clear_pointer (&methods[m].argv, g_ptr_array_unref);
      g_clear_pointer (&methods[m].usec, g_array_unref);
      g_free (methods[m].skipped);
    }
}

/* Sorts @values; the value at fraction @q, interpolated. */
static double
quantile (GArray *values,
          double  q)
{
  double pos, frac;
  guint i;

  if (values->len == 0)
    return NAN;
  pos = q * (values->len - 1);
  i = (guint) pos;
  frac = pos - i;
  if (i + 1 >= values->len)
    return g_array_index (values, double, values->len - 1);
  return g_array_index (values, double, i) * (1 - frac) +
         g_array_index (values, double, i + 1) * frac;
}

static void
compute_stats (Method *method)
{
  g_autoptr(GArray) sorted = g_array_copy (method->usec);

  g_array_sort (sorted, cam_bench_compare_double);
  method->median = quantile (sorted, 0.5);
  method->p25 = quantile (sorted, 0.25);
  method->p75 = quantile (sorted, 0.75);
}

/* The median over the rounds of @value's time / @reference's in the same
 * round: a round's figures are a few milliseconds apart, so the ratio
 * cancels much of the load that shifts both. */
static double
paired_ratio (const Method *value,
              const Method *reference)
{
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < value->usec->len && i < reference->usec->len; i++)
    {
      double r = g_array_index (value->usec, double, i) /
                 g_array_index (reference->usec, double, i);

      g_array_append_val (ratios, r);
    }
  g_array_sort (ratios, cam_bench_compare_double);
  return quantile (ratios, 0.5);
}

static gboolean
measured (const Method *method)
{
  return method->enabled && method->skipped == NULL &&
         method->usec->len > 0;
}

/* @path relative to the source root where it lies below it. */
static const char *
relative (const char *path)
{
  const char *root = CAM_BENCH_SOURCE_ROOT "/";

  if (g_str_has_prefix (path, root))
    return path + strlen (root);
  return path;
}

static void
append_machine (GString    *out,
                const char *command_line,
                const char *load_before,
                const char *load_after,
                double      seconds)
{
  g_autofree char *software = cam_bench_describe_software ();
  g_autofree char *bwrap = first_output_line ((const char * const[]) {
                                                "bwrap", "--version", NULL });
  g_autofree char *unshare = first_output_line ((const char * const[]) {
                                                  "unshare", "--version",
                                                  NULL });

  cam_bench_append_machine (out);
  g_string_append_printf (out,
                          "- Kernel: %s; %s; %s; run as uid %u\n"
                          "- Load average (1, 5, 15 min): %s before, %s after "
                          "(%.0f s); the machine is shared\n"
                          "- Command: `%s` (paths relative to the source root)\n\n",
                          software,
                          bwrap != NULL ? bwrap : "no bwrap",
                          unshare != NULL ? unshare : "no unshare",
                          (unsigned) getuid (), load_before, load_after,
                          seconds, command_line);
}

static void
append_table (GString *out,
              Method  *methods,
              guint    rounds)
{
  const Method *base = &methods[M_CAM];

  g_string_append_printf (out,
                          "### Round trip of /bin/true, %u interleaved rounds\n\n",
                          rounds);
  g_string_append (out,
                   "| method | median µs | quartiles µs | vs CamProcess, no flags |\n"
                   "|---|--:|--:|--:|\n");
  for (int m = 0; m < N_METHODS; m++)
    {
      const Method *method = &methods[m];

      if (!method->enabled)
        continue;
      if (method->skipped != NULL)
        {
          g_string_append_printf (out, "| %s | skipped | | |\n", method->name);
          continue;
        }
      g_string_append_printf (out, "| %s | %.0f | %.0f–%.0f |", method->name,
                              method->median, method->p25, method->p75);
      if (measured (base))
        g_string_append_printf (out, " %.2f× |\n", method->median / base->median);
      else
        g_string_append (out, " — |\n");
    }
  g_string_append (out, "\n");

  for (int m = 0; m < N_METHODS; m++)
    if (methods[m].enabled && methods[m].skipped != NULL)
      g_string_append_printf (out, "- %s skipped: %s.\n", methods[m].name,
                              methods[m].skipped);
  if (methods[M_BWRAP].enabled)
    {
      g_autofree char *bwrap = command_string (&methods[M_BWRAP]);

      g_string_append_printf (out, "- bwrap ran as `%s`.\n", bwrap);
    }
  g_string_append (out, "\n");
}

/* One goal: @value / @reference ≤ @goal (or < for "faster than"). */
static void
append_goal (GString      *out,
             const char   *goal,
             const Method *value,
             const Method *reference,
             double        limit,
             gboolean      strict)
{
  double ratio;

  if (!measured (value) || !measured (reference))
    {
      const Method *missing = measured (value) ? reference : value;

      g_string_append_printf (out, "| %s | — | not measured: %s %s |\n",
                              goal, missing->name,
                              missing->enabled ? "skipped" : "not run");
      return;
    }
  ratio = paired_ratio (value, reference);
  g_string_append_printf (out, "| %s | %.0f / %.0f µs; %.2f× | %s |\n", goal,
                          value->median, reference->median, ratio,
                          (strict ? ratio < limit : ratio <= limit) ?
                          "PASS" : "MISS");
}

static void
append_goals (GString *out,
              Method  *methods)
{
  g_string_append (out,
                   "### Goals\n\n"
                   "A verdict compares the median of the ratios of the two "
                   "methods' times in the same round, which the load "
                   "shifts less than the ratio of their medians.\n\n"
                   "| goal | medians; median ratio | verdict |\n|---|--:|---|\n");
  append_goal (out, "holes sandbox ≤ 1.5× CamProcess, no flags",
               &methods[M_CAM_HOLES], &methods[M_CAM], GOAL_HOLES_VS_PLAIN,
               FALSE);
  append_goal (out, "SANDBOX ≤ 0.5× bwrap (same isolation)",
               &methods[M_CAM_SANDBOX], &methods[M_BWRAP],
               GOAL_SANDBOX_VS_BWRAP, FALSE);
  append_goal (out, "stretch: SANDBOX ≤ 2× CamProcess, no flags",
               &methods[M_CAM_SANDBOX], &methods[M_CAM], GOAL_SANDBOX_VS_PLAIN,
               FALSE);
  append_goal (out, "`cam-run --sandbox` faster than bwrap",
               &methods[M_CAM_RUN_SANDBOX], &methods[M_BWRAP], 1.0, TRUE);
  append_goal (out, "`cam-run --sandbox` faster than `unshare -U -n`",
               &methods[M_CAM_RUN_SANDBOX], &methods[M_UNSHARE], 1.0, TRUE);
  append_goal (out, "`cam-run --sandbox` faster than `systemd-run --pipe`",
               &methods[M_CAM_RUN_SANDBOX], &methods[M_SYSTEMD_RUN], 1.0,
               TRUE);
  g_string_append (out, "\n");
}

static gboolean
parse_only (Method     *methods,
            const char *only)
{
  g_auto(GStrv) keys = g_strsplit (only, ",", -1);

  for (int m = 0; m < N_METHODS; m++)
    methods[m].enabled = FALSE;
  for (guint i = 0; keys[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (int m = 0; m < N_METHODS; m++)
        if (g_str_equal (keys[i], methods[m].key))
          found = methods[m].enabled = TRUE;
      if (!found)
        return FALSE;
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) report = g_string_new (NULL);
  g_autoptr(GString) command_line = g_string_new ("cam-bench-sandbox");
  g_autofree char *markdown = NULL;
  g_autofree char *only = NULL;
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  Method methods[N_METHODS];
  int rounds = ROUNDS_DEFAULT;
  double start;
  GOptionEntry entries[] = {
    { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds,
      "Counted rounds (default " G_STRINGIFY (ROUNDS_DEFAULT) ")", "N" },
    { "markdown", 'm', 0, G_OPTION_ARG_FILENAME, &markdown,
      "Also write the report to FILE", "FILE" },
    { "only", 'o', 0, G_OPTION_ARG_STRING, &only,
      "Run only these methods: cam, cam-holes, cam-holes-no-net, "
      "cam-user-net, cam-files, cam-sandbox, "
      "cam-run-sandbox, cam-run, env, bwrap, unshare, systemd-run, "
      "posix-spawn", "KEY,…" },
    G_OPTION_ENTRY_NULL
  };

  context = g_option_context_new ("CAM_RUN");
  g_option_context_set_summary (context,
    "Times /bin/true round trips of CamProcess's sandboxes, cam-run and "
    "their peers.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error->message);
  if (argc != 2 || rounds < 1)
    die ("options", "give the path of cam-run, and --rounds ≥ 1");

  init_methods (methods, argv[1]);
  if (only != NULL && !parse_only (methods, only))
    die ("--only", "unknown method");

  if (rounds != ROUNDS_DEFAULT)
    g_string_append_printf (command_line, " --rounds %d", rounds);
  if (only != NULL)
    g_string_append_printf (command_line, " --only %s", only);
  if (markdown != NULL)
    g_string_append_printf (command_line, " --markdown %s", relative (markdown));
  g_string_append_printf (command_line, " %s", relative (argv[1]));

  load_before = cam_bench_read_loadavg ();
  start = now_usec ();

  /* The warm-up round: also tells which peers work here. */
  for (int m = 0; m < N_METHODS; m++)
    {
      g_autofree char *why = NULL;

      if (methods[m].enabled && !round_trip (&methods[m], TRUE, &why))
        methods[m].skipped = methods[m].in_process ? g_steal_pointer (&why)
                             : explain_failure (&methods[m], why);
    }

  for (int round = 0; round < rounds; round++)
    for (int i = 0; i < N_METHODS; i++)
      {
        Method *method = &methods[(round + i) % N_METHODS];
        g_autofree char *why = NULL;
        double t0;

        if (!method->enabled || method->skipped != NULL)
          continue;
        t0 = now_usec ();
        if (!round_trip (method, FALSE, &why))
          die (method->name, why);
        g_array_append_val (method->usec, (double) { now_usec () - t0 });
      }

  load_after = cam_bench_read_loadavg ();
  for (int m = 0; m < N_METHODS; m++)
    if (measured (&methods[m]))
      compute_stats (&methods[m]);

  g_string_append (report, "# Sandbox benchmark\n\n"
                   "Regenerate with `meson compile -C build bench-sandbox` "
                   "(bench/cam-bench-sandbox.c).\n\n");
  append_machine (report, command_line->str, load_before, load_after,
                  (now_usec () - start) / 1e6);
  append_table (report, methods, (guint) rounds);
  append_goals (report, methods);

  fputs (report->str, stdout);
  if (markdown != NULL && !g_file_set_contents (markdown, report->str,
                                                (gssize) report->len, &error))
    die ("markdown", error->message);

  clear_methods (methods);
  return 0;
}
