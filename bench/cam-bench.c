/* cam-bench: CamProcess against the other ways to spawn from GLib
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   cam-bench [--quick] [--markdown FILE] [--only METHOD] [--scenario N] …
 *
 * Measures, in one run and side by side, the same job for CamProcess,
 * GSubprocess (g_subprocess_newv + g_subprocess_wait), g_spawn_async +
 * g_child_watch_add, posix_spawn + waitpid and fork + execve + waitpid
 * (issue #5):
 *
 *  1. the round trip of /bin/true, from spawn until its exit is dispatched;
 *  2. the same while the parent holds 4 GiB of touched anonymous memory in
 *     small pages: fork-based paths copy its page tables, ~0.1 s a spawn,
 *     so they run 20 spawns there instead of 2,000;
 *  3. a crowd of children (100, 1,000, then 10,000) alive at once: the
 *     start cost per child while it grows; one idle iteration of the
 *     default main context with all alive; released together by closing
 *     the pipes they block on, the time until every exit is dispatched,
 *     per exit, and the parent's CPU time meanwhile; released in 20
 *     groups over one second, the parent's CPU time per exit;
 *  4. the parent's peak RSS (VmHWM, reset through /proc/self/clear_refs
 *     before each crowd), open fds and main-loop iterations with the
 *     largest crowd.
 *
 * Round trips run in batches, and the batches of the methods take turns
 * so that a slow spell of the machine hits all of them alike; a figure is
 * the median over the batches of the time per spawn.  Crowd figures are
 * medians over --repeats runs (three times as many for the small crowds).
 * The report is Markdown, printed and optionally written to a file; each
 * target of the issue is marked PASS or MISS, and the exit status does not
 * depend on them: machines are noisy.  --only and --scenario narrow a run
 * down, e.g. to profile one method under perf or strace.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <camprocess/camprocess.h>
#include <gio/gio.h>

#include "cam-bench-machine.h"

#define ROUND_TRIPS_DEFAULT        2000
#define ROUND_TRIPS_QUICK          200
#define FORK_BIG_DEFAULT           20
#define FORK_BIG_QUICK             5
#define BATCHES_DEFAULT            40
#define BIG_MIB_DEFAULT            4096
#define CHILDREN_DEFAULT           10000
#define REPEATS_DEFAULT            3
#define REPEATS_QUICK              1

/* Crowd sizes: two fixed ones, then --children. */
#define N_SIZES                    3
#define SMALL_CROWD                100
#define MEDIUM_CROWD               1000
#define SMALL_CROWD_RUNS           3
#define IDLE_ITERATIONS            20

/* Targets of issue #5, as ratios. */
#define TARGET_VS_POSIX_SPAWN      1.0
#define TARGET_VS_GSUBPROCESS      0.7
#define TARGET_BIG_VS_TINY         1.2
#define TARGET_LARGE_VS_SMALL      1.3

/* Targets of the issue "One watch per main context", 10,000 children vs
 * 100 (the largest crowd vs the smallest). */
#define TARGET_IDLE_LARGE_VS_SMALL  2.0
#define TARGET_EXIT_LARGE_VS_SMALL  1.3
#define TARGET_START_LARGE_VS_SMALL 1.3

enum {
  METHOD_CAM,
  METHOD_GSUBPROCESS,
  METHOD_GSPAWN,
  METHOD_POSIX_SPAWN,
  METHOD_FORK,
  N_METHODS
};

typedef struct {
  guint     n_round_trips;
  guint     n_fork_big;
  guint     n_batches;
  guint     big_mib;
  guint     n_children;
  guint     n_repeats;
  guint     scenario;             /* 1, 2 or 3; 0 runs all */
  gboolean  enabled[N_METHODS];   /* all, or only the one of --only */
  char     *child_path;
  char     *markdown;
} BenchOptions;

/* The children of a crowd are spread over N_GROUPS pipes, released all
 * at once or one group after the other over STAGGER_MS. */
#define N_GROUPS                   20
#define STAGGER_MS                 1000

typedef struct {
  const char *child_path;
  guint       n;
  guint       n_started;
  guint       n_exited;
  int         wait_fds[N_GROUPS][2]; /* children read [0]; only the parent
                                      * has [1] */
  int         ready_fds[2];  /* each child writes one byte to [1] */
  char        wait_args[N_GROUPS][16];
  char        ready_arg[16];
  GPtrArray  *objects;       /* CamProcess or GSubprocess, owned */
  GSubprocessLauncher *launchers[N_GROUPS];  /* GSubprocess only */
} Crowd;

/* The group of the next child to start. */
static guint
crowd_next_group (Crowd *crowd)
{
  return crowd->n_started++ % N_GROUPS;
}

typedef struct {
  const char *key;   /* for --only */
  const char *name;
  gboolean    copies_page_tables;
  void      (*round_trip)    (const char * const *argv);
  void      (*crowd_start)   (Crowd *crowd);  /* NULL: not in the crowd */
  void      (*crowd_collect) (Crowd *crowd);  /* NULL: run the main context */
  guint       max_crowd;     /* larger crowds are not measured; 0: none */
} Method;

/* GSubprocess watches each child with a source of its own on GLib's
 * worker context, which every spawn wakes: starting a crowd costs O(N²)
 * (6.6 ms per start at 1,500 children here), so 10,000 would take most of
 * an hour over the runs. */
#define GSUBPROCESS_MAX_CROWD      2000

typedef struct {
  guint  n;       /* spawns measured; 0 if the method did not run */
  double us;      /* median wall time per round trip, or NAN */
  double cpu_us;  /* median CPU time of the parent per round trip */
} RoundTrip;

typedef struct {
  double spawn_ms;      /* starting the whole crowd */
  double dispatch_ms;   /* release until every exit is dispatched */
  double cpu_ms;        /* the parent's CPU time (all threads) meanwhile */
  guint  iterations;    /* of the default main context meanwhile */
  double idle_us;       /* one iteration with nothing to dispatch */
  double base_rss_mib;  /* before the first spawn */
  double peak_rss_mib;  /* VmHWM from the first spawn to the last exit */
  int    base_fds;      /* before the first spawn */
  int    n_fds;         /* all children alive */
} CrowdRun;

typedef struct {
  gboolean measured;
  double   spawn_ms[N_SIZES];     /* medians */
  double   dispatch_ms[N_SIZES];
  double   per_exit_us[N_SIZES];
  double   cpu_per_exit_us[N_SIZES];
  double   idle_us[N_SIZES];
  double   spawn_per_child_us[N_SIZES];
  double   stagger_ms[N_SIZES];   /* release until the last dispatch */
  double   stagger_cpu_per_exit_us[N_SIZES];
  CrowdRun largest;               /* last run of the largest crowd */
} CrowdStats;

static void G_GNUC_NORETURN
die (const char *what,
     const char *message)
{
  g_printerr ("cam-bench: %s: %s\n", what, message);
  exit (EXIT_FAILURE);
}

static void G_GNUC_NORETURN
die_error (const char *what,
           GError     *error)
{
  die (what, error->message);
}

static void G_GNUC_NORETURN
die_errno (const char *what,
           int         errsv)
{
  die (what, g_strerror (errsv));
}

static void
check_wait_status (const char *what,
                   int         wait_status)
{
  if (!WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != 0)
    die (what, "the child did not exit with status 0");
}

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* Sorts @values in place. */
static double
median (double *values,
        guint   n)
{
  if (n == 0)
    return NAN;
  qsort (values, n, sizeof (double), cam_bench_compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* Round trips, one function per method.  Each spawns argv[0], checks
 * that it exited with 0 and returns once the exit has been dispatched. */

static void
on_cam_finished (CamProcess           *process,
                 CamProcessExitStatus  status,
                 int                   code,
                 gpointer              user_data)
{
  gboolean *done = user_data;

  if (status != CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT || code != 0)
    die ("CamProcess", "the child did not exit with status 0");
  *done = TRUE;
}

static void
round_trip_cam (const char * const *argv)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_signal_connect (process, "finished", G_CALLBACK (on_cam_finished), &done);
  if (!cam_process_start (process, argv[0], argv, NULL, 0, &error))
    die_error ("cam_process_start", error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
round_trip_gsubprocess (const char * const *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
  if (process == NULL)
    die_error ("g_subprocess_newv", error);
  if (!g_subprocess_wait (process, NULL, &error))
    die_error ("g_subprocess_wait", error);
  if (!g_subprocess_get_successful (process))
    die ("GSubprocess", "the child did not exit with status 0");
}

static void
on_child_watch (GPid     pid,
                int      wait_status,
                gpointer user_data)
{
  int *ret_status = user_data;

  *ret_status = wait_status;
  g_spawn_close_pid (pid);
}

static void
round_trip_gspawn (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int wait_status = -1;
  GPid pid;

  if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                      NULL, NULL, &pid, &error))
    die_error ("g_spawn_async", error);
  g_child_watch_add (pid, on_child_watch, &wait_status);
  while (wait_status == -1)
    g_main_context_iteration (NULL, TRUE);
  check_wait_status ("g_child_watch_add", wait_status);
}

static void
wait_for_pid (const char *what,
              pid_t       pid)
{
  int wait_status;

  while (waitpid (pid, &wait_status, 0) < 0)
    if (errno != EINTR)
      die_errno ("waitpid", errno);
  check_wait_status (what, wait_status);
}

static void
round_trip_posix_spawn (const char * const *argv)
{
  pid_t pid;
  int r;

  r = posix_spawn (&pid, argv[0], NULL, NULL, (char * const *) argv, environ);
  if (r != 0)
    die_errno ("posix_spawn", r);
  wait_for_pid ("posix_spawn", pid);
}

static void
round_trip_fork (const char * const *argv)
{
  pid_t pid = fork ();

  if (pid < 0)
    die_errno ("fork", errno);
  if (pid == 0)
    {
      execve (argv[0], (char * const *) argv, environ);
      _exit (127);
    }
  wait_for_pid ("fork", pid);
}

/* The crowd: each start function spawns one cam-bench-child reading
 * wait_fds[0] and writing its ready byte to ready_fds[1]. */

static void
on_crowd_cam_finished (CamProcess           *process,
                       CamProcessExitStatus  status,
                       int                   code,
                       gpointer              user_data)
{
  Crowd *crowd = user_data;

  if (status != CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT || code != 0)
    die ("CamProcess", "a child of the crowd did not exit with status 0");
  crowd->n_exited++;
}

static void
crowd_start_cam (Crowd *crowd)
{
  guint g = crowd_next_group (crowd);
  const char *argv[] = {
    crowd->child_path, crowd->wait_args[g], crowd->ready_arg, NULL
  };
  int fds[] = { crowd->wait_fds[g][0], crowd->ready_fds[1] };
  CamProcess *process = cam_process_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (crowd->objects, process);
  g_signal_connect (process, "finished",
                    G_CALLBACK (on_crowd_cam_finished), crowd);
  if (!cam_process_start (process, argv[0], argv, fds, G_N_ELEMENTS (fds),
                          &error))
    die_error ("cam_process_start", error);
}

static void
on_crowd_subprocess_waited (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  GSubprocess *process = G_SUBPROCESS (object);
  Crowd *crowd = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (process, result, &error))
    die_error ("g_subprocess_wait_async", error);
  if (!g_subprocess_get_successful (process))
    die ("GSubprocess", "a child of the crowd did not exit with status 0");
  crowd->n_exited++;
}

static int
dup_or_die (int fd)
{
  int copy = fcntl (fd, F_DUPFD_CLOEXEC, 3);

  if (copy < 0)
    die_errno ("dup", errno);
  return copy;
}

static void
crowd_start_gsubprocess (Crowd *crowd)
{
  const char *argv[] = { crowd->child_path, "0", "1", NULL };
  g_autoptr(GError) error = NULL;
  guint g = crowd_next_group (crowd);
  GSubprocess *process;

  if (crowd->launchers[g] == NULL)
    {
      crowd->launchers[g] = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
      g_subprocess_launcher_take_stdin_fd (crowd->launchers[g],
                                           dup_or_die (crowd->wait_fds[g][0]));
      g_subprocess_launcher_take_stdout_fd (crowd->launchers[g],
                                            dup_or_die (crowd->ready_fds[1]));
    }

  process = g_subprocess_launcher_spawnv (crowd->launchers[g], argv, &error);
  if (process == NULL)
    die_error ("g_subprocess_launcher_spawnv", error);
  g_ptr_array_add (crowd->objects, process);
  g_subprocess_wait_async (process, NULL, on_crowd_subprocess_waited, crowd);
}

static void
on_crowd_child_watch (GPid     pid,
                      int      wait_status,
                      gpointer user_data)
{
  Crowd *crowd = user_data;

  check_wait_status ("g_child_watch_add", wait_status);
  g_spawn_close_pid (pid);
  crowd->n_exited++;
}

static void
crowd_start_gspawn (Crowd *crowd)
{
  const char *argv[] = { crowd->child_path, "0", "1", NULL };
  g_autoptr(GError) error = NULL;
  guint g = crowd_next_group (crowd);
  GPid pid;

  if (!g_spawn_async_with_fds (NULL, (char **) argv, NULL,
                               G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                               crowd->wait_fds[g][0], crowd->ready_fds[1],
                               /* stderr_fd= */ -1, &error))
    die_error ("g_spawn_async_with_fds", error);
  g_child_watch_add (pid, on_crowd_child_watch, crowd);
}

static void
crowd_start_posix_spawn (Crowd *crowd)
{
  const char *argv[] = { crowd->child_path, "0", "1", NULL };
  posix_spawn_file_actions_t actions;
  guint g = crowd_next_group (crowd);
  pid_t pid;
  int r;

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_adddup2 (&actions, crowd->wait_fds[g][0], 0);
  posix_spawn_file_actions_adddup2 (&actions, crowd->ready_fds[1], 1);
  r = posix_spawn (&pid, argv[0], &actions, NULL, (char * const *) argv,
                   environ);
  posix_spawn_file_actions_destroy (&actions);
  if (r != 0)
    die_errno ("posix_spawn", r);
}

/* One waitpid (-1) per exit: the O(1) baseline. */
static void
crowd_collect_waitpid (Crowd *crowd)
{
  while (crowd->n_exited < crowd->n)
    {
      int wait_status;

      if (waitpid (-1, &wait_status, 0) < 0)
        {
          if (errno == EINTR)
            continue;
          die_errno ("waitpid", errno);
        }
      check_wait_status ("posix_spawn", wait_status);
      crowd->n_exited++;
    }
}

/* The crowd leaves out fork + execve: it reaps like posix_spawn. */
static const Method methods[N_METHODS] = {
  [METHOD_CAM] = { "cam", "CamProcess", FALSE, round_trip_cam,
                   crowd_start_cam, NULL },
  [METHOD_GSUBPROCESS] = { "gsubprocess", "GSubprocess (newv + wait)", TRUE,
                           round_trip_gsubprocess, crowd_start_gsubprocess,
                           NULL, GSUBPROCESS_MAX_CROWD },
  [METHOD_GSPAWN] = { "gspawn", "g_spawn_async + g_child_watch_add", TRUE,
                      round_trip_gspawn, crowd_start_gspawn, NULL },
  [METHOD_POSIX_SPAWN] = { "posix-spawn", "posix_spawn + waitpid", FALSE,
                           round_trip_posix_spawn, crowd_start_posix_spawn,
                           crowd_collect_waitpid },
  [METHOD_FORK] = { "fork", "fork + execve + waitpid", TRUE, round_trip_fork,
                    NULL, NULL },
};

/* The parent's own figures, from /proc/self. */

/* Returns a field of /proc/self/status in KiB, or -1. */
static gint64
read_status_kib (const char *field)
{
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return -1;
  line = strstr (contents, field);
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (field), NULL, 10);
}

/* Resets VmHWM to the current RSS (Linux 4.0+). */
static gboolean
reset_peak_rss (void)
{
  int fd = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, "5", 1) == 1;
  close (fd);
  return ok;
}

static int
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  int n = 0;

  if (dir == NULL)
    return -1;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n - 1;   /* the directory's own fd */
}

/* User and system time of every thread of this process. */
static gint64
cpu_time_us (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * G_USEC_PER_SEC +
         ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/* Raises RLIMIT_NOFILE to its hard limit and returns how many children
 * the parent can hold: one fd each (a pidfd), and room for the rest. */
static guint
raise_fd_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) < 0)
    return G_MAXUINT;
  if (rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &rl) < 0)
        getrlimit (RLIMIT_NOFILE, &rl);
    }
  if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > G_MAXUINT)
    return G_MAXUINT;
  return rl.rlim_cur > 256 ? (guint) rl.rlim_cur - 256 : 0;
}

/* Scenarios 1 and 2. */

/* Runs @n round trips; returns the wall time per round trip and stores
 * the parent's CPU time per round trip in @ret_cpu_us. */
static double
time_round_trips (const Method       *method,
                  const char * const *argv,
                  guint               n,
                  double             *ret_cpu_us)
{
  gint64 cpu_start = cpu_time_us ();
  gint64 start = now_ns ();

  for (guint i = 0; i < n; i++)
    method->round_trip (argv);
  *ret_cpu_us = (double) (cpu_time_us () - cpu_start) / n;
  return (double) (now_ns () - start) / n / 1000.0;
}

/* Scenario 1, or 2 with @big_parent.  Batches of all methods take turns,
 * so that a slow spell of the machine hits every method alike. */
static void
measure_round_trips (const BenchOptions *opts,
                     const char         *label,
                     gboolean            big_parent,
                     RoundTrip          *results)
{
  const char * const argv[] = { "/bin/true", NULL };
  double *samples[N_METHODS], *cpu_samples[N_METHODS];
  guint batches[N_METHODS];
  guint max_batches = 0;

  for (guint m = 0; m < N_METHODS; m++)
    {
      if (!opts->enabled[m])
        results[m].n = 0;
      else if (big_parent && methods[m].copies_page_tables)
        results[m].n = opts->n_fork_big;
      else
        results[m].n = opts->n_round_trips;
      batches[m] = MIN (opts->n_batches, results[m].n);
      samples[m] = g_new (double, batches[m]);
      cpu_samples[m] = g_new (double, batches[m]);
      max_batches = MAX (max_batches, batches[m]);
      if (results[m].n > 0)
        methods[m].round_trip (argv);   /* warm up caches and lazy state */
    }

  for (guint b = 0; b < max_batches; b++)
    {
      if (b % 10 == 0)
        g_printerr ("cam-bench: %s: batch %u/%u\n", label, b + 1,
                    max_batches);
      for (guint m = 0; m < N_METHODS; m++)
        {
          guint n = results[m].n, size;

          if (b >= batches[m])
            continue;
          size = n / batches[m] + (b < n % batches[m] ? 1 : 0);
          samples[m][b] = time_round_trips (&methods[m], argv, size,
                                            &cpu_samples[m][b]);
        }
    }

  for (guint m = 0; m < N_METHODS; m++)
    {
      results[m].us = median (samples[m], batches[m]);
      results[m].cpu_us = median (cpu_samples[m], batches[m]);
      g_free (samples[m]);
      g_free (cpu_samples[m]);
    }
}

/* Maps @size bytes and writes to every page, in small pages as most heaps
 * have them: a fork then copies one page table entry per 4 KiB. */
static guint8 *
map_touched_memory (gsize size)
{
  long page = sysconf (_SC_PAGESIZE);
  guint8 *p;

  p = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
            -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  madvise (p, size, MADV_NOHUGEPAGE);
  for (gsize off = 0; off < size; off += page)
    p[off] = 1;
  return p;
}

static gboolean
memory_available (gsize size)
{
  gint64 avail_kib = -1;
  g_autofree char *contents = NULL;
  const char *line;

  if (g_file_get_contents ("/proc/meminfo", &contents, NULL, NULL) &&
      (line = strstr (contents, "MemAvailable:")) != NULL)
    avail_kib = g_ascii_strtoll (line + strlen ("MemAvailable:"), NULL, 10);

  /* Keep 1 GiB for the rest of the machine. */
  return avail_kib >= 0 && (gsize) avail_kib * 1024 >= size + ((gsize) 1 << 30);
}

/* Scenarios 3 and 4. */

static void
open_pipe (int fds[2])
{
  if (pipe2 (fds, O_CLOEXEC) < 0)
    die_errno ("pipe2", errno);
}

/* The cost of one iteration of the default main context with the crowd
 * alive and nothing to dispatch: what every wakeup pays.  With one polled
 * fd per child it grows with the crowd. */
static double
time_idle_iteration (void)
{
  gint64 start = now_ns ();

  for (guint i = 0; i < IDLE_ITERATIONS; i++)
    g_main_context_iteration (NULL, FALSE);
  return (now_ns () - start) / 1e3 / IDLE_ITERATIONS;
}

static void
wait_until_ready (Crowd *crowd)
{
  char buf[512];
  guint n_ready = 0;

  while (n_ready < crowd->n)
    {
      ssize_t n = read (crowd->ready_fds[0], buf,
                        MIN (sizeof buf, crowd->n - n_ready));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        die_errno ("read", n < 0 ? errno : EPIPE);
      n_ready += n;
    }
}

/* Releases the groups of a staggered crowd, one every
 * STAGGER_MS / N_GROUPS, from a thread of its own so that every method
 * collects its exits as it would (waitpid() blocks). */
static gpointer
release_staggered (gpointer data)
{
  Crowd *crowd = data;
  gint64 start = g_get_monotonic_time ();

  for (guint g = 0; g < N_GROUPS; g++)
    {
      gint64 due = start + (gint64) g * STAGGER_MS * 1000 / N_GROUPS;
      gint64 now = g_get_monotonic_time ();

      if (due > now)
        g_usleep (due - now);
      close (crowd->wait_fds[g][1]);
    }
  return NULL;
}

/* One crowd of @n children, from the first spawn to the last dispatched
 * exit, released all at once or (@staggered) over STAGGER_MS. */
static void
run_crowd (const Method *method,
           const char   *child_path,
           guint         n,
           gboolean      staggered,
           CrowdRun     *ret)
{
  Crowd crowd = { .child_path = child_path, .n = n };
  GThread *releaser = NULL;
  gint64 start, cpu_start;

  ret->iterations = 0;
  for (guint g = 0; g < N_GROUPS; g++)
    {
      open_pipe (crowd.wait_fds[g]);
      g_snprintf (crowd.wait_args[g], sizeof crowd.wait_args[g], "%d",
                  crowd.wait_fds[g][0]);
    }
  open_pipe (crowd.ready_fds);
  g_snprintf (crowd.ready_arg, sizeof crowd.ready_arg, "%d",
              crowd.ready_fds[1]);
  crowd.objects = g_ptr_array_new_with_free_func (g_object_unref);

  ret->base_fds = count_open_fds ();
  ret->base_rss_mib = read_status_kib ("VmRSS:") / 1024.0;
  if (!reset_peak_rss ())
    g_printerr ("cam-bench: cannot reset the peak RSS: %s\n",
                g_strerror (errno));

  start = now_ns ();
  for (guint i = 0; i < n; i++)
    method->crowd_start (&crowd);
  ret->spawn_ms = (now_ns () - start) / 1e6;

  wait_until_ready (&crowd);
  for (guint g = 0; g < N_GROUPS; g++)
    g_clear_object (&crowd.launchers[g]);
  ret->n_fds = count_open_fds ();
  ret->idle_us = time_idle_iteration ();

  cpu_start = cpu_time_us ();
  start = now_ns ();
  if (staggered)
    releaser = g_thread_new ("release", release_staggered, &crowd);
  else
    for (guint g = 0; g < N_GROUPS; g++)
      close (crowd.wait_fds[g][1]);
  if (method->crowd_collect != NULL)
    method->crowd_collect (&crowd);
  else
    for (ret->iterations = 0; crowd.n_exited < crowd.n; ret->iterations++)
      g_main_context_iteration (NULL, TRUE);
  ret->dispatch_ms = (now_ns () - start) / 1e6;
  ret->cpu_ms = (cpu_time_us () - cpu_start) / 1e3;

  ret->peak_rss_mib = read_status_kib ("VmHWM:") / 1024.0;
  if (releaser != NULL)
    g_thread_join (releaser);

  g_ptr_array_unref (crowd.objects);
  for (guint g = 0; g < N_GROUPS; g++)
    close (crowd.wait_fds[g][0]);
  close (crowd.ready_fds[0]);
  close (crowd.ready_fds[1]);
}

/* The smaller crowds are cheap and, being short, noisier: they run
 * SMALL_CROWD_RUNS times as often as the largest. */
static guint
crowd_runs (const BenchOptions *opts,
            guint               s)
{
  return s == N_SIZES - 1 ? opts->n_repeats
                          : opts->n_repeats * SMALL_CROWD_RUNS;
}

/* A staggered run takes STAGGER_MS whatever the crowd: a third as many. */
static guint
stagger_runs (const BenchOptions *opts,
              guint               s)
{
  return MAX (1, crowd_runs (opts, s) / 3);
}

/* Runs every size for every method, interleaved; the figures of scenario
 * 4 come from the last run of the largest crowd. */
static gboolean
crowd_fits (const Method *method,
            guint         n)
{
  return method->max_crowd == 0 || n <= method->max_crowd;
}

static void
measure_crowds (const BenchOptions *opts,
                const guint         sizes[N_SIZES],
                CrowdStats         *stats)
{
  guint max_runs = crowd_runs (opts, 0);
  gsize n_samples = N_METHODS * N_SIZES * max_runs;
  g_autofree double *spawn = g_new (double, n_samples);
  g_autofree double *dispatch = g_new (double, n_samples);
  g_autofree double *cpu = g_new (double, n_samples);
  g_autofree double *idle = g_new (double, n_samples);
  g_autofree double *stagger_wall = g_new (double, n_samples);
  g_autofree double *stagger_cpu = g_new (double, n_samples);

  for (guint r = 0; r < max_runs; r++)
    for (guint s = 0; s < N_SIZES; s++)
      for (guint m = 0; m < N_METHODS; m++)
        {
          guint i = (m * N_SIZES + s) * max_runs + r;
          CrowdRun run;

          if (!opts->enabled[m] || methods[m].crowd_start == NULL ||
              r >= crowd_runs (opts, s) || !crowd_fits (&methods[m], sizes[s]))
            continue;
          g_printerr ("cam-bench: crowd: run %u/%u, %u children, %s\n",
                      r + 1, crowd_runs (opts, s), sizes[s], methods[m].name);
          run_crowd (&methods[m], opts->child_path, sizes[s], FALSE, &run);
          spawn[i] = run.spawn_ms;
          dispatch[i] = run.dispatch_ms;
          cpu[i] = run.cpu_ms;
          idle[i] = run.idle_us;
          if (s == N_SIZES - 1)
            stats[m].largest = run;

          if (r >= stagger_runs (opts, s))
            continue;
          g_printerr ("cam-bench: crowd: staggered run %u/%u, %u children, %s\n",
                      r + 1, stagger_runs (opts, s), sizes[s], methods[m].name);
          run_crowd (&methods[m], opts->child_path, sizes[s], TRUE, &run);
          stagger_wall[i] = run.dispatch_ms;
          stagger_cpu[i] = run.cpu_ms;
        }

  for (guint m = 0; m < N_METHODS; m++)
    for (guint s = 0; s < N_SIZES; s++)
      {
        guint i = (m * N_SIZES + s) * max_runs;
        guint n_runs = crowd_runs (opts, s);

        if (!opts->enabled[m] || methods[m].crowd_start == NULL)
          continue;
        stats[m].measured = TRUE;
        if (!crowd_fits (&methods[m], sizes[s]))
          {
            stats[m].spawn_ms[s] = stats[m].dispatch_ms[s] = NAN;
            stats[m].per_exit_us[s] = stats[m].cpu_per_exit_us[s] = NAN;
            stats[m].idle_us[s] = stats[m].spawn_per_child_us[s] = NAN;
            stats[m].stagger_ms[s] = stats[m].stagger_cpu_per_exit_us[s] = NAN;
            continue;
          }
        stats[m].spawn_ms[s] = median (spawn + i, n_runs);
        stats[m].dispatch_ms[s] = median (dispatch + i, n_runs);
        stats[m].per_exit_us[s] = stats[m].dispatch_ms[s] * 1000.0 / sizes[s];
        stats[m].cpu_per_exit_us[s] = median (cpu + i, n_runs) * 1000.0 /
                                      sizes[s];
        stats[m].idle_us[s] = median (idle + i, n_runs);
        stats[m].spawn_per_child_us[s] = stats[m].spawn_ms[s] * 1000.0 /
                                         sizes[s];
        stats[m].stagger_ms[s] = median (stagger_wall + i,
                                         stagger_runs (opts, s));
        stats[m].stagger_cpu_per_exit_us[s] =
          median (stagger_cpu + i, stagger_runs (opts, s)) * 1000.0 / sizes[s];
      }
}

/* The report. */

/* /proc/loadavg when the run started, and the note of a machine that
 * could not hold the crowd asked for. */
static char *load_at_start;
static char *crowd_note;

static void
append_machine (GString    *out,
                const char *command)
{
  g_autofree char *load_at_end = cam_bench_read_loadavg ();
  g_autofree char *software = cam_bench_describe_software ();

  cam_bench_append_machine (out);
  g_string_append_printf (out,
                          "- Kernel: %s\n"
                          "- Command: `%s` (paths relative to the source root)\n",
                          software, command);
  g_string_append_printf (out,
                          "- Load average (1, 5, 15 min): %s at the start, %s at the end; the "
                          "machine is shared with other builds, so compare methods within a run, "
                          "not runs with each other\n",
                          load_at_start, load_at_end);
  if (crowd_note != NULL)
    g_string_append_printf (out, "- %s\n", crowd_note);
  g_string_append_c (out, '\n');
}

static void
append_value (GString *out,
              double   value)
{
  if (isnan (value))
    g_string_append (out, " — |");
  else
    g_string_append_printf (out, " %.1f |", value);
}

static void
append_ratio (GString *out,
              double   value,
              double   reference)
{
  if (isnan (value) || isnan (reference))
    g_string_append (out, " — |");
  else
    g_string_append_printf (out, " %.2f× |", value / reference);
}

static void
append_round_trips (GString         *out,
                    const char      *title,
                    const RoundTrip *results,
                    const RoundTrip *tiny)
{
  g_string_append_printf (out, "### %s\n\n", title);
  g_string_append (out, "| method | spawns | median µs per round trip | vs CamProcess |");
  g_string_append (out, tiny != NULL ? " vs tiny parent |" : "");
  g_string_append (out, " parent CPU µs per round trip |\n|---|--:|--:|--:|");
  g_string_append (out, tiny != NULL ? "--:|--:|\n" : "--:|\n");

  for (guint m = 0; m < N_METHODS; m++)
    {
      if (results[m].n == 0)
        continue;
      g_string_append_printf (out, "| %s | %u | %.1f |", methods[m].name,
                              results[m].n, results[m].us);
      append_ratio (out, results[m].us, results[METHOD_CAM].us);
      if (tiny != NULL)
        append_ratio (out, results[m].us, tiny[m].us);
      g_string_append_printf (out, " %.1f |\n", results[m].cpu_us);
    }
  g_string_append_c (out, '\n');
}

/* One row per crowd method: per-exit figures by size, the largest against
 * the smallest, and the largest against CamProcess. */
static void
append_per_exit_rows (GString          *out,
                      const CrowdStats *stats,
                      gboolean          cpu,
                      gboolean          totals)
{
  guint large = N_SIZES - 1;

  for (guint m = 0; m < N_METHODS; m++)
    {
      const double *per_exit = cpu ? stats[m].cpu_per_exit_us
                                   : stats[m].per_exit_us;
      const double *cam = cpu ? stats[METHOD_CAM].cpu_per_exit_us
                              : stats[METHOD_CAM].per_exit_us;

      if (!stats[m].measured)
        continue;
      g_string_append_printf (out, "| %s |", methods[m].name);
      for (guint s = 0; s < N_SIZES; s++)
        append_value (out, per_exit[s]);
      append_ratio (out, per_exit[large], per_exit[0]);
      append_ratio (out, per_exit[large],
                    stats[METHOD_CAM].measured ? cam[large] : NAN);
      if (totals)
        {
          append_value (out, stats[m].dispatch_ms[large]);
          append_value (out, stats[m].spawn_ms[large]);
        }
      g_string_append_c (out, '\n');
    }
  g_string_append_c (out, '\n');
}

static void
append_per_exit_header (GString     *out,
                        const guint  sizes[N_SIZES],
                        const char  *unit,
                        gboolean     totals)
{
  guint large = N_SIZES - 1;

  g_string_append (out, "| method |");
  for (guint s = 0; s < N_SIZES; s++)
    g_string_append_printf (out, " %s, %u |", unit, sizes[s]);
  g_string_append_printf (out, " %u vs %u | vs CamProcess |", sizes[large],
                          sizes[0]);
  if (totals)
    g_string_append_printf (out, " all %u dispatched, ms | start all %u, ms |",
                            sizes[large], sizes[large]);
  g_string_append (out, "\n|---|");
  for (guint s = 0; s < N_SIZES + (totals ? 4 : 2); s++)
    g_string_append (out, "--:|");
  g_string_append_c (out, '\n');
}

static const double *get_idle_us (const CrowdStats *st) { return st->idle_us; }
static const double *get_stagger_cpu (const CrowdStats *st) { return st->stagger_cpu_per_exit_us; }
static const double *get_stagger_ms (const CrowdStats *st) { return st->stagger_ms; }
static const double *get_spawn_per_child (const CrowdStats *st) { return st->spawn_per_child_us; }

/* One row per crowd method: a figure per size, the largest against the
 * smallest, and the largest against CamProcess. */
static void
append_size_table (GString           *out,
                   const guint        sizes[N_SIZES],
                   const CrowdStats  *stats,
                   const char        *unit,
                   const double    *(*get) (const CrowdStats *))
{
  guint large = N_SIZES - 1;

  g_string_append (out, "| method |");
  for (guint s = 0; s < N_SIZES; s++)
    g_string_append_printf (out, " %s, %u |", unit, sizes[s]);
  g_string_append_printf (out, " %u vs %u | vs CamProcess |\n|---|", sizes[large],
                          sizes[0]);
  for (guint s = 0; s < N_SIZES + 2; s++)
    g_string_append (out, "--:|");
  g_string_append_c (out, '\n');
  for (guint m = 0; m < N_METHODS; m++)
    {
      const double *values = get (&stats[m]);

      if (!stats[m].measured)
        continue;
      g_string_append_printf (out, "| %s |", methods[m].name);
      for (guint s = 0; s < N_SIZES; s++)
        append_value (out, values[s]);
      append_ratio (out, values[large], values[0]);
      append_ratio (out, values[large],
                    stats[METHOD_CAM].measured ? get (&stats[METHOD_CAM])[large]
                                               : NAN);
      g_string_append_c (out, '\n');
    }
  g_string_append_c (out, '\n');
}

static void
append_crowds (GString            *out,
               const BenchOptions *opts,
               const guint         sizes[N_SIZES],
               const CrowdStats   *stats)
{
  gboolean any = FALSE;

  for (guint m = 0; m < N_METHODS; m++)
    any |= stats[m].measured;
  if (!any)
    {
      g_string_append (out, "### 3. Crowd: not measured\n\n");
      return;
    }

  g_string_append_printf (out,
                          "### 3. Crowd: children alive at once, released together\n\n"
                          "Per-exit cost: wall time from closing the pipe the children block on until "
                          "every exit has been dispatched, divided by the number of children (median "
                          "of %u runs, %u for the largest crowd).  It includes the children's own exit in the kernel, on the "
                          "same 2 cores; posix_spawn + waitpid reaps with `waitpid (-1)` and "
                          "dispatches nothing: it is the floor.  GSubprocess runs crowds of at most "
                          "%u: each spawn wakes GLib's worker context, which polls one source per "
                          "child, so starting a crowd costs O(N²) and 10,000 would take most of an "
                          "hour over the runs (“—”: not measured).\n\n",
                          crowd_runs (opts, 0), crowd_runs (opts, N_SIZES - 1),
                          GSUBPROCESS_MAX_CROWD);
  append_per_exit_header (out, sizes, "µs per exit", TRUE);
  append_per_exit_rows (out, stats, FALSE, TRUE);

  g_string_append (out,
                   "The parent's own share: its CPU time (user + system, all threads, from "
                   "getrusage) over the same interval, per exit.\n\n");
  append_per_exit_header (out, sizes, "CPU µs per exit", FALSE);
  append_per_exit_rows (out, stats, TRUE, FALSE);

  g_string_append (out,
                   "One iteration of the default main context with the crowd alive and nothing "
                   "to dispatch, µs (what each wakeup costs; GSubprocess watches from GLib's "
                   "worker thread, waitpid polls nothing):\n\n");
  append_size_table (out, sizes, stats, "µs", get_idle_us);

  g_string_append_printf (out,
                          "Released over %u ms instead, %u groups one after the other (median of "
                          "%u runs, %u for the largest crowd): the parent's CPU time per exit, µs, "
                          "from the first release to the last dispatch.\n\n",
                          STAGGER_MS, N_GROUPS, stagger_runs (opts, 0),
                          stagger_runs (opts, N_SIZES - 1));
  append_size_table (out, sizes, stats, "CPU µs per exit", get_stagger_cpu);
  g_string_append (out,
                   "The same runs: wall time from the first release to the last dispatched exit, "
                   "ms (the last group is released after 95 % of the span).\n\n");
  append_size_table (out, sizes, stats, "ms", get_stagger_ms);

  g_string_append (out,
                   "Start cost per child while the crowd grows: wall time to start the whole "
                   "crowd, divided by its size, µs (the children still running meanwhile).\n\n");
  append_size_table (out, sizes, stats, "µs per start", get_spawn_per_child);

  g_string_append_printf (out,
                          "### 4. Parent during the crowd of %u\n\n"
                          "Last run.  Iterations: of the default main context until every exit was "
                          "dispatched (none for waitpid).\n\n"
                          "| method | peak RSS, MiB | RSS before, MiB | open fds, all alive | fds before | iterations |\n"
                          "|---|--:|--:|--:|--:|--:|\n",
                          sizes[N_SIZES - 1]);
  for (guint m = 0; m < N_METHODS; m++)
    {
      const CrowdRun *run = &stats[m].largest;

      if (!stats[m].measured || !crowd_fits (&methods[m], sizes[N_SIZES - 1]))
        continue;
      g_string_append_printf (out, "| %s | %.1f | %.1f | %d | %d | %u |\n",
                              methods[m].name, run->peak_rss_mib,
                              run->base_rss_mib, run->n_fds, run->base_fds,
                              run->iterations);
    }
  g_string_append_c (out, '\n');
}

static void
append_target (GString    *out,
               const char *target,
               double      value,
               double      limit)
{
  if (isnan (value))
    g_string_append_printf (out, "| %s | not measured | ≤ %.2f× | — |\n",
                            target, limit);
  else
    g_string_append_printf (out, "| %s | %.3f× | ≤ %.2f× | %s |\n",
                            target, value, limit,
                            value <= limit ? "PASS" : "MISS");
}

static void
append_targets (GString          *out,
                const guint       sizes[N_SIZES],
                const RoundTrip  *tiny,
                const RoundTrip  *big,
                const CrowdStats *stats)
{
  const CrowdStats *cam = &stats[METHOD_CAM];
  const CrowdStats *floor = &stats[METHOD_POSIX_SPAWN];
  guint large = N_SIZES - 1;
  g_autofree char *crowd = NULL;

  g_string_append (out,
                   "### Targets (issue #5)\n\n"
                   "| target | CamProcess | limit | result |\n"
                   "|---|--:|--:|---|\n");
  append_target (out, "round trip vs posix_spawn + waitpid",
                 tiny[METHOD_CAM].us / tiny[METHOD_POSIX_SPAWN].us,
                 TARGET_VS_POSIX_SPAWN);
  append_target (out, "round trip vs GSubprocess",
                 tiny[METHOD_CAM].us / tiny[METHOD_GSUBPROCESS].us,
                 TARGET_VS_GSUBPROCESS);
  append_target (out, "round trip, big parent vs tiny parent",
                 big != NULL ? big[METHOD_CAM].us / tiny[METHOD_CAM].us : NAN,
                 TARGET_BIG_VS_TINY);
  crowd = g_strdup_printf ("per-exit cost, %u children vs %u", sizes[large],
                           sizes[0]);
  append_target (out, crowd,
                 cam->measured ? cam->per_exit_us[large] / cam->per_exit_us[0]
                               : NAN,
                 TARGET_LARGE_VS_SMALL);
  g_string_append_c (out, '\n');

  g_string_append (out,
                   "### Targets (issue “One watch per main context”)\n\n"
                   "| target | CamProcess | limit | result |\n"
                   "|---|--:|--:|---|\n");
  g_free (crowd);
  crowd = g_strdup_printf ("idle iteration, %u children vs %u", sizes[large],
                           sizes[0]);
  append_target (out, crowd,
                 cam->measured ? cam->idle_us[large] / cam->idle_us[0] : NAN,
                 TARGET_IDLE_LARGE_VS_SMALL);
  g_free (crowd);
  crowd = g_strdup_printf ("per-exit cost, all released at once, %u vs %u",
                           sizes[large], sizes[0]);
  append_target (out, crowd,
                 cam->measured ? cam->per_exit_us[large] / cam->per_exit_us[0]
                               : NAN,
                 TARGET_EXIT_LARGE_VS_SMALL);
  g_free (crowd);
  crowd = g_strdup_printf ("per-exit CPU, released over %u ms, %u vs %u",
                           STAGGER_MS, sizes[large], sizes[0]);
  append_target (out, crowd,
                 cam->measured ? cam->stagger_cpu_per_exit_us[large] /
                                 cam->stagger_cpu_per_exit_us[0]
                               : NAN,
                 TARGET_EXIT_LARGE_VS_SMALL);
  g_free (crowd);
  crowd = g_strdup_printf ("start cost per child, %u vs %u", sizes[large],
                           sizes[0]);
  append_target (out, crowd,
                 cam->measured ? cam->spawn_per_child_us[large] /
                                 cam->spawn_per_child_us[0]
                               : NAN,
                 TARGET_START_LARGE_VS_SMALL);
  append_target (out, "round trip of /bin/true vs posix_spawn + waitpid",
                 tiny[METHOD_CAM].us / tiny[METHOD_POSIX_SPAWN].us,
                 TARGET_VS_POSIX_SPAWN);
  g_string_append_c (out, '\n');

  if (cam->measured && floor->measured)
    g_string_append_printf (out,
                            "For scale, %u children vs %u: the posix_spawn + waitpid floor moves by "
                            "%.2f× in wall time; the parent's CPU per exit moves by %.2f× for "
                            "CamProcess and %.2f× for the floor.\n\n",
                            sizes[large], sizes[0],
                            floor->per_exit_us[large] / floor->per_exit_us[0],
                            cam->cpu_per_exit_us[large] / cam->cpu_per_exit_us[0],
                            floor->cpu_per_exit_us[large] / floor->cpu_per_exit_us[0]);
}

/* The command line as given, with the source root left out of paths. */
static char *
describe_command (char **argv)
{
  GString *command = g_string_new ("cam-bench");

  for (guint i = 1; argv[i] != NULL; i++)
    g_string_append_printf (command, " %s", argv[i]);
  g_string_replace (command, CAM_BENCH_SOURCE_ROOT "/", "", 0);
  return g_string_free (command, FALSE);
}

static char *
find_child_program (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;

  if (self == NULL)
    return g_strdup ("cam-bench-child");
  dir = g_path_get_dirname (self);
  return g_build_filename (dir, "cam-bench-child", NULL);
}

static void
parse_options (int          *argc,
               char       ***argv,
               BenchOptions *opts)
{
  gboolean quick = FALSE;
  int n_round_trips = 0, n_fork_big = 0, n_batches = BATCHES_DEFAULT;
  int big_mib = BIG_MIB_DEFAULT, n_children = CHILDREN_DEFAULT, n_repeats = 0;
  int scenario = 0;
  guint n_enabled = 0;
  g_autofree char *only = NULL;
  const GOptionEntry entries[] = {
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
      "Scale down: 200 round trips, 5 fork-based spawns with the big parent, one run of the largest crowd", NULL },
    { "round-trips", 'n', 0, G_OPTION_ARG_INT, &n_round_trips,
      "Round trips per method (default 2000)", "N" },
    { "fork-big", 0, 0, G_OPTION_ARG_INT, &n_fork_big,
      "Round trips of fork-based methods with the big parent (default 20)", "N" },
    { "batches", 0, 0, G_OPTION_ARG_INT, &n_batches,
      "Batches per round-trip figure (default 40)", "N" },
    { "big-mib", 0, 0, G_OPTION_ARG_INT, &big_mib,
      "Touched memory of the big parent in MiB (default 4096; 0 skips)", "MIB" },
    { "children", 'c', 0, G_OPTION_ARG_INT, &n_children,
      "Largest crowd (default 10000, more than 1000)", "N" },
    { "repeats", 'r', 0, G_OPTION_ARG_INT, &n_repeats,
      "Runs of the largest crowd (default 3; the others run 3 times as often, staggered runs a third as often)", "N" },
    { "child", 0, 0, G_OPTION_ARG_FILENAME, &opts->child_path,
      "The crowd's child program (default: cam-bench-child next to cam-bench)", "PATH" },
    { "markdown", 'm', 0, G_OPTION_ARG_FILENAME, &opts->markdown,
      "Also write the report to FILE (bench/RESULTS.md)", "FILE" },
    { "only", 'o', 0, G_OPTION_ARG_STRING, &only,
      "Run METHOD alone (cam, gsubprocess, gspawn, posix-spawn, fork), e.g. under perf or strace", "METHOD" },
    { "scenario", 's', 0, G_OPTION_ARG_INT, &scenario,
      "Run scenario N alone (1 round trip, 2 big parent, 3 crowd)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;

  context = g_option_context_new ("- CamProcess against the other ways to spawn");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    die_error ("options", error);

  if (n_round_trips == 0)
    n_round_trips = quick ? ROUND_TRIPS_QUICK : ROUND_TRIPS_DEFAULT;
  if (n_fork_big == 0)
    n_fork_big = quick ? FORK_BIG_QUICK : FORK_BIG_DEFAULT;
  if (n_repeats == 0)
    n_repeats = quick ? REPEATS_QUICK : REPEATS_DEFAULT;
  if (n_round_trips < 1 || n_fork_big < 1 || n_batches < 1 || big_mib < 0 ||
      n_children <= MEDIUM_CROWD || n_repeats < 1 || scenario < 0 ||
      scenario > 3)
    die ("options", "counts must be positive, --children more than 1000 and --scenario 1 to 3");

  for (guint m = 0; m < N_METHODS; m++)
    {
      opts->enabled[m] = only == NULL || g_str_equal (only, methods[m].key);
      n_enabled += opts->enabled[m];
    }
  if (n_enabled == 0)
    die ("--only", "unknown method");
  opts->scenario = scenario;

  opts->n_round_trips = n_round_trips;
  opts->n_fork_big = n_fork_big;
  opts->n_batches = n_batches;
  opts->big_mib = big_mib;
  opts->n_children = n_children;
  opts->n_repeats = n_repeats;
  if (opts->child_path == NULL)
    opts->child_path = find_child_program ();
}

/* Scenario 2: returns FALSE if the big parent could not be had. */
static gboolean
measure_big_parent (const BenchOptions *opts,
                    RoundTrip          *results)
{
  gsize size = (gsize) opts->big_mib << 20;
  guint8 *memory;

  if (opts->big_mib == 0 || !memory_available (size))
    return FALSE;

  g_printerr ("cam-bench: touching %u MiB\n", opts->big_mib);
  memory = map_touched_memory (size);
  if (memory == NULL)
    return FALSE;
  measure_round_trips (opts, "round trip, big parent", TRUE, results);
  munmap (memory, size);
  return TRUE;
}

static GString *
build_report (const BenchOptions *opts,
              const char         *command,
              const guint         sizes[N_SIZES],
              const RoundTrip    *tiny,
              const RoundTrip    *big,
              const CrowdStats   *stats)
{
  GString *report = g_string_new ("# camprocess benchmark\n\n"
                                  "Regenerate with `meson compile -C build bench` "
                                  "(bench/cam-bench.c).\n\n");

  append_machine (report, command);
  append_round_trips (report, "1. Round trip of /bin/true, tiny parent",
                      tiny, NULL);
  if (big != NULL)
    {
      g_autofree char *title = NULL;

      title = g_strdup_printf ("2. Round trip of /bin/true, parent with %u MiB "
                               "of touched memory (fork-based methods: %u spawns)",
                               opts->big_mib, opts->n_fork_big);
      append_round_trips (report, title, big, tiny);
      g_string_append (report,
                       "Scenarios 1 and 2 run one after the other: the “vs tiny parent” "
                       "figure of posix_spawn, which does not copy page tables either, shows "
                       "how far the machine drifted in between.\n\n");
    }
  else
    g_string_append (report, "### 2. Big parent: not measured\n\n");
  append_crowds (report, opts, sizes, stats);
  append_targets (report, sizes, tiny, big, stats);
  return report;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *command = describe_command (argv);
  BenchOptions opts = { 0 };
  RoundTrip tiny[N_METHODS] = { 0 }, big[N_METHODS] = { 0 };
  CrowdStats stats[N_METHODS] = { 0 };
  gboolean have_big = FALSE;
  GString *report;
  guint sizes[N_SIZES];

  parse_options (&argc, &argv, &opts);
  if (access (opts.child_path, X_OK) < 0)
    die_errno (opts.child_path, errno);
  load_at_start = cam_bench_read_loadavg ();
  {
    guint capacity = raise_fd_limit ();

    if (opts.n_children > capacity)
      {
        crowd_note = g_strdup_printf ("This machine cannot hold %u children "
                                      "(RLIMIT_NOFILE hard limit): the largest "
                                      "crowd is %u",
                                      opts.n_children, capacity);
        g_printerr ("cam-bench: %s\n", crowd_note);
        opts.n_children = capacity;
      }
  }

  sizes[0] = SMALL_CROWD;
  sizes[1] = MEDIUM_CROWD;
  sizes[2] = opts.n_children;
  for (guint m = 0; m < N_METHODS; m++)
    tiny[m].us = big[m].us = NAN;

  if (opts.scenario == 0 || opts.scenario == 1)
    measure_round_trips (&opts, "round trip, tiny parent", FALSE, tiny);
  if (opts.scenario == 0 || opts.scenario == 2)
    {
      have_big = measure_big_parent (&opts, big);
      if (!have_big)
        g_printerr ("cam-bench: no big parent: --big-mib is 0 or the memory is missing\n");
    }
  if (opts.scenario == 0 || opts.scenario == 3)
    measure_crowds (&opts, sizes, stats);

  report = build_report (&opts, command, sizes, tiny, have_big ? big : NULL,
                         stats);
  fputs (report->str, stdout);
  if (opts.markdown != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!g_file_set_contents (opts.markdown, report->str, report->len,
                                &error))
        die_error ("markdown", error);
    }

  g_string_free (report, TRUE);
  g_free (opts.child_path);
  g_free (opts.markdown);
  return EXIT_SUCCESS;
}
