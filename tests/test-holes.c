/* test-holes.c: the sandbox attacked from inside and from beside it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each test plays an attacker against CAM_PROCESS_FLAGS_SANDBOX and
 * asserts on what the attack achieved, never on how the library stops it:
 *
 * - mem: an unprivileged process of the child's host uid polls
 *   /proc/PID/mem of every new process while the caller spawns; it must
 *   never read the caller's secret nor write into its memory, and the
 *   caller's dumpable flag must stay its own, at every instant, from every
 *   thread.
 *
 * The payloads are cam-test-attacker's modes.  Issue "Sandbox holes".
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cam-test-utils.h"

/* How many SANDBOX spawns the memory attacker gets to watch; the hole it
 * looks for opened within a few. */
#define MEM_SPAWNS 300
#define SECRET_SIZE 64
/* The fds the memory attacker keeps to write through at the end. */
#define MEM_MAX_KEPT_FDS 256
/* Exit status of a forked attacker that could not set itself up. */
#define FORKED_SETUP_FAILED 3

/* Spawns of the dumpable tests. */
#define DUMPABLE_SPAWNS 300
#define DUMPABLE_THREADS 8
#define DUMPABLE_SPAWNS_PER_THREAD 50
#define DUMPABLE_UNPRIVILEGED_SPAWNS 100

static const char marker[SECRET_SIZE] = "cam-test-holes: the attacker wrote this into the caller";

/* Setup and skips */

/* g_test_message(), also on stderr in a g_test_trap_subprocess() child,
 * whose messages would be lost otherwise: what the attacker achieved must
 * show in the log of a failed test. */
static void G_GNUC_PRINTF (1, 2)
attack_message (const char *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_test_message ("%s", message);
  if (g_test_subprocess ())
    g_printerr ("# %s\n", message);
}

static const char *
attacker_path (void)
{
  static char *path = NULL;

  if (g_once_init_enter (&path))
    g_once_init_leave (&path, g_test_build_filename (G_TEST_BUILT, "cam-test-attacker", NULL));

  return path;
}

static gboolean
skip_unless_root (void)
{
  if (geteuid () == 0)
    return FALSE;
  g_test_skip ("needs root: the attack is on a root caller, or needs another uid");
  return TRUE;
}

static gboolean
skip_unless_userns (void)
{
  g_autofree char *max = NULL;

  if (g_file_get_contents ("/proc/sys/user/max_user_namespaces", &max, NULL,
                           NULL) &&
      g_ascii_strtoll (max, NULL, 10) > 0)
    return FALSE;
  g_test_skip ("user namespaces are disabled here (user.max_user_namespaces)");
  return TRUE;
}

/* A SANDBOX child of root, or a test that drops its ids, runs as another
 * uid, which must be able to execute the attacker: every directory above
 * it must be searchable by others. */
static gboolean
skip_unless_attacker_public (void)
{
  g_autofree char *path = g_canonicalize_filename (attacker_path (), NULL);

  for (;;)
    {
      struct stat st;
      char *slash;

      g_assert_no_errno (stat (path, &st));
      if (!(st.st_mode & S_IXOTH))
        {
          g_autofree char *msg = g_strdup_printf ("%s is not searchable by other users, who could not run the attacker",
                                                  path);

          g_test_skip (msg);
          return TRUE;
        }
      if (g_str_equal (path, "/"))
        return FALSE;
      slash = strrchr (path, '/');
      slash[slash == path ? 1 : 0] = '\0';
    }
}

static gboolean
skip_unless_sandbox (void)
{
  return skip_unless_userns () || skip_unless_attacker_public ();
}

/* Switches to @uid and @gid with no supplementary groups; async-signal-safe,
 * for forked children too.  Returns -1 with errno set on failure. */
static int
drop_ids (uid_t uid,
          gid_t gid)
{
  if (setgroups (0, NULL) < 0 ||
      setresgid (gid, gid, gid) < 0 ||
      setresuid (uid, uid, uid) < 0)
    return -1;
  return 0;
}

/* Makes the calling process (a test subprocess or a forked child) host
 * nobody if it is root; a caller that is not root stays who it is. */
static void
become_unprivileged (void)
{
  if (geteuid () != 0)
    return;
  g_assert_no_errno (drop_ids (65534, 65534));
}

static CamProcess *
sandbox_new (void)
{
  CamProcess *process = cam_process_new ();

  cam_process_set_flags (process, CAM_PROCESS_FLAGS_SANDBOX);
  return process;
}

static gboolean
start_attacker_argv (CamProcess  *process,
                     const int   *fds,
                     gsize        n_fds,
                     GPtrArray   *argv,
                     GError     **error)
{
  g_ptr_array_insert (argv, 0, (gpointer) attacker_path ());
  g_ptr_array_add (argv, NULL);

  return cam_process_start (process, attacker_path (),
                            (const char * const *) argv->pdata, fds, n_fds,
                            error);
}

/* Starts `cam-test-attacker MODE ARG…`. */
static gboolean
start_attacker (CamProcess  *process,
                const int   *fds,
                gsize        n_fds,
                GError     **error,
                const char  *mode,
                ...) G_GNUC_NULL_TERMINATED;

static gboolean
start_attacker (CamProcess  *process,
                const int   *fds,
                gsize        n_fds,
                GError     **error,
                const char  *mode,
                ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) mode);
  va_start (args, mode);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);

  return start_attacker_argv (process, fds, n_fds, argv, error);
}

/* Spawns `cam-test-attacker exit 0` with @process and waits for it. */
static gboolean
spawn_exit_0 (CamProcess  *process,
              GError     **error)
{
  return start_attacker (process, NULL, 0, error, "exit", "0", NULL) &&
         cam_process_wait_check (process, NULL, error);
}

static int
get_dumpable (void)
{
  return prctl (PR_GET_DUMPABLE, 0, 0, 0, 0);
}

/* mem: an unprivileged reader of the caller's memory
 *
 * A forked copy of the test (so the secret is at the same address) drops
 * to the child's host uid and, until told to stop, opens /proc/N/mem
 * O_RDWR for the pids around the newest one (and the caller's), reads the
 * secret's address through each fd it opened, and keeps the fds that gave
 * the secret.  At the end, once every child is long gone, it writes a
 * marker through those fds.  Only fds that returned the secret are written
 * to: they are the caller's memory or a copy of it, never an unrelated
 * process of that uid. */

typedef struct
{
  guint8 *secret;
  guint8  expected[SECRET_SIZE];
  pid_t   pid;
  int     stop_fd;
  int     report_fd;
} MemAttacker;

/* The pid the kernel allocated last: the fifth field of /proc/loadavg. */
static long
newest_pid (void)
{
  char buf[128];
  long pid = 0;
  ssize_t n;
  int fd;

  fd = open ("/proc/loadavg", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  if (sscanf (buf, "%*s %*s %*s %*s %ld", &pid) != 1)
    return 0;
  return pid;
}

/* Tries @pid: on an open, reads the secret's address, keeps the fd if it
 * gave the secret. */
static void
mem_try_pid (const guint8 *secret,
             long          pid,
             int          *kept,
             int          *n_kept,
             int          *n_opened,
             int          *n_read)
{
  guint8 buf[SECRET_SIZE];
  char path[64];
  int fd;

  snprintf (path, sizeof path, "/proc/%ld/mem", pid);
  fd = open (path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return;
  (*n_opened)++;

  if (pread (fd, buf, sizeof buf, (off_t) (uintptr_t) secret) == sizeof buf &&
      memcmp (buf, secret, sizeof buf) == 0)
    {
      (*n_read)++;
      if (*n_kept < MEM_MAX_KEPT_FDS)
        {
          kept[(*n_kept)++] = fd;
          return;
        }
    }
  close (fd);
}

/* The forked attacker: libc only. */
static void G_GNUC_NORETURN
mem_attacker_run (const guint8 *secret,
                  uid_t         uid,
                  gid_t         gid,
                  pid_t         caller,
                  int           stop_fd,
                  int           report_fd)
{
  int kept[MEM_MAX_KEPT_FDS];
  int n_kept = 0, n_opened = 0, n_read = 0, n_wrote = 0;
  pid_t self = getpid ();
  char line[128];

  if (uid != (uid_t) -1 && drop_ids (uid, gid) < 0)
    _exit (FORKED_SETUP_FAILED);

  for (;;)
    {
      struct pollfd pfd = { .fd = stop_fd, .events = POLLIN };
      long last;

      /* A byte or EOF: stop. */
      if (poll (&pfd, 1, 0) != 0)
        break;

      mem_try_pid (secret, caller, kept, &n_kept, &n_opened, &n_read);
      last = newest_pid ();
      for (long pid = last - 2; pid <= last + 16; pid++)
        {
          if (pid > 1 && pid != self && pid != caller)
            mem_try_pid (secret, pid, kept, &n_kept, &n_opened, &n_read);
        }
    }

  for (int i = 0; i < n_kept; i++)
    {
      if (pwrite (kept[i], marker, sizeof marker, (off_t) (uintptr_t) secret) == sizeof marker)
        n_wrote++;
      close (kept[i]);
    }

  snprintf (line, sizeof line, "opened %d read-secret %d wrote %d\n",
            n_opened, n_read, n_wrote);
  if (write (report_fd, line, strlen (line)) < 0)
    _exit (FORKED_SETUP_FAILED);
  _exit (0);
}

/* Puts a random secret on the heap and forks the attacker as @uid:@gid
 * (-1: keep ours). */
static void
mem_attacker_start (MemAttacker *attacker,
                    uid_t        uid,
                    gid_t        gid)
{
  int stop[2], report[2];

  attacker->secret = g_malloc (SECRET_SIZE);
  for (gsize i = 0; i < SECRET_SIZE; i++)
    attacker->secret[i] = (guint8) g_random_int ();
  memcpy (attacker->expected, attacker->secret, SECRET_SIZE);

  cam_test_pipe (stop);
  cam_test_pipe (report);
  attacker->pid = fork ();
  g_assert_no_errno (attacker->pid);
  if (attacker->pid == 0)
    {
      close (stop[1]);
      close (report[0]);
      mem_attacker_run (attacker->secret, uid, gid, getppid (), stop[0],
                        report[1]);
    }
  g_assert_no_errno (close (stop[0]));
  g_assert_no_errno (close (report[1]));
  attacker->stop_fd = stop[1];
  attacker->report_fd = report[0];
}

/* Stops the attacker, reaps it and asserts that it got nothing. */
static void
mem_attacker_stop_and_assert (MemAttacker *attacker)
{
  g_autofree char *line = NULL;
  int n_opened = -1, n_read = -1, n_wrote = -1;
  int status;

  g_assert_no_errno (close (attacker->stop_fd));
  line = cam_test_read_line (attacker->report_fd);
  g_assert_no_errno (close (attacker->report_fd));
  g_assert_cmpint (waitpid (attacker->pid, &status, 0), ==, attacker->pid);

  attack_message ("the memory attacker reported: %s (an open alone may be of a child after its exec, whose memory is its own)",
                  line);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpint (sscanf (line, "opened %d read-secret %d wrote %d",
                           &n_opened, &n_read, &n_wrote), ==, 3);

  if (memcmp (attacker->secret, attacker->expected, SECRET_SIZE) != 0)
    attack_message ("the caller's secret was overwritten: it now reads '%.*s'",
                    SECRET_SIZE, (const char *) attacker->secret);
  g_assert_cmpint (n_read, ==, 0);
  g_assert_cmpint (n_wrote, ==, 0);
  g_assert_cmpmem (attacker->secret, SECRET_SIZE, attacker->expected,
                   SECRET_SIZE);
  g_free (attacker->secret);
}

static void
check_mem (uid_t uid,
           gid_t gid,
           gboolean set_user)
{
  g_autoptr(GError) error = NULL;
  MemAttacker attacker;
  guint n_done = 0;

  g_assert_cmpint (get_dumpable (), ==, 1);
  mem_attacker_start (&attacker, uid, gid);

  for (; n_done < MEM_SPAWNS; n_done++)
    {
      g_autoptr(CamProcess) process = sandbox_new ();

      if (set_user)
        cam_process_set_user (process, uid, gid);
      if (!spawn_exit_0 (process, &error))
        break;
    }

  mem_attacker_stop_and_assert (&attacker);
  attack_message ("%u of %u spawns done", n_done, MEM_SPAWNS);
  g_assert_no_error (error);
  g_assert_cmpint (get_dumpable (), ==, 1);
}

/* A root caller's SANDBOX child runs as host 65534: a plain 65534 process
 * must get nothing of the caller's memory. */
static void
test_mem_root_sandbox (void)
{
  if (skip_unless_root () || skip_unless_sandbox () ||
      !cam_test_in_subprocess ())
    return;

  check_mem (65534, 65534, FALSE);
}

/* The same with set_user (1000, 1000) and a uid-1000 attacker. */
static void
test_mem_set_user (void)
{
  if (skip_unless_root () || skip_unless_sandbox () ||
      !cam_test_in_subprocess ())
    return;

  check_mem (1000, 1000, TRUE);
}

/* dumpable: the caller's flag is its own at every instant */

typedef struct
{
  GThread *thread;
  gint     stop;
  gint     n_dumpable;
  guint64  n_polls;
} DumpablePoller;

static gpointer
poll_dumpable (gpointer data)
{
  DumpablePoller *poller = data;

  while (!g_atomic_int_get (&poller->stop))
    {
      if (get_dumpable () == 1)
        g_atomic_int_inc (&poller->n_dumpable);
      poller->n_polls++;
    }
  return NULL;
}

static void
poller_start (DumpablePoller *poller)
{
  *poller = (DumpablePoller) { 0, };
  poller->thread = g_thread_new ("poll-dumpable", poll_dumpable, poller);
}

/* Stops the poller; returns how often it saw the flag at 1. */
static int
poller_stop (DumpablePoller *poller)
{
  g_atomic_int_set (&poller->stop, 1);
  g_thread_join (poller->thread);
  attack_message ("a thread polling PR_GET_DUMPABLE saw 1 in %d of %" G_GUINT64_FORMAT " polls",
                  poller->n_dumpable, poller->n_polls);
  return poller->n_dumpable;
}

/* A caller that made itself non-dumpable is never seen dumpable by its
 * other threads, and stays so. */
static void
test_dumpable_non_dumpable_caller (void)
{
  g_autoptr(GError) error = NULL;
  DumpablePoller poller;
  guint n_done = 0;

  if (skip_unless_root () || skip_unless_sandbox () ||
      !cam_test_in_subprocess ())
    return;

  g_assert_no_errno (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0));
  poller_start (&poller);
  for (; n_done < DUMPABLE_SPAWNS; n_done++)
    {
      g_autoptr(CamProcess) process = sandbox_new ();

      if (!spawn_exit_0 (process, &error))
        break;
    }

  g_assert_cmpint (poller_stop (&poller), ==, 0);
  attack_message ("%u of %u spawns done", n_done, DUMPABLE_SPAWNS);
  g_assert_no_error (error);
  g_assert_cmpint (get_dumpable (), ==, 0);
}

typedef struct
{
  GMutex lock;
  guint  n_failed;
  char  *first_error;
} SpawnBatch;

static gpointer
spawn_thread (gpointer data)
{
  SpawnBatch *batch = data;
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  for (guint i = 0; i < DUMPABLE_SPAWNS_PER_THREAD; i++)
    {
      g_autoptr(CamProcess) process = sandbox_new ();
      g_autoptr(GError) error = NULL;

      if (spawn_exit_0 (process, &error))
        continue;
      g_mutex_lock (&batch->lock);
      batch->n_failed++;
      if (batch->first_error == NULL)
        batch->first_error = g_strdup (error->message);
      g_mutex_unlock (&batch->lock);
    }
  g_main_context_pop_thread_default (context);

  return NULL;
}

/* DUMPABLE_THREADS threads spawning at once; returns how many spawns
 * failed. */
static guint
spawn_from_threads (void)
{
  GThread *threads[DUMPABLE_THREADS];
  SpawnBatch batch = { 0, };

  g_mutex_init (&batch.lock);
  for (guint i = 0; i < DUMPABLE_THREADS; i++)
    threads[i] = g_thread_new ("spawn", spawn_thread, &batch);
  for (guint i = 0; i < DUMPABLE_THREADS; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&batch.lock);

  attack_message ("%u of %u spawns from %u threads failed%s%s", batch.n_failed,
                  DUMPABLE_THREADS * DUMPABLE_SPAWNS_PER_THREAD,
                  DUMPABLE_THREADS,
                  batch.first_error != NULL ? "; the first with: " : "",
                  batch.first_error != NULL ? batch.first_error : "");
  g_free (batch.first_error);
  return batch.n_failed;
}

/* Spawns from several threads at once all succeed, and the flag of a
 * dumpable caller ends at 1, that of a non-dumpable one is never seen at
 * 1 and ends at 0. */
static void
test_dumpable_threads (void)
{
  DumpablePoller poller;
  guint n_failed;
  int n_seen;

  if (skip_unless_root () || skip_unless_sandbox () ||
      !cam_test_in_subprocess ())
    return;

  g_assert_cmpint (get_dumpable (), ==, 1);
  n_failed = spawn_from_threads ();
  g_assert_cmpint (get_dumpable (), ==, 1);
  g_assert_cmpuint (n_failed, ==, 0);

  g_assert_no_errno (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0));
  poller_start (&poller);
  n_failed = spawn_from_threads ();
  n_seen = poller_stop (&poller);
  g_assert_cmpint (n_seen, ==, 0);
  g_assert_cmpint (get_dumpable (), ==, 0);
  g_assert_cmpuint (n_failed, ==, 0);
}

/* An unprivileged caller that made itself non-dumpable: either start()
 * says it cannot (a GError mentioning "dumpable", no child left), or it
 * works without ever exposing that memory: the flag is never seen at 1,
 * ends at 0, and a reader of the same uid gets nothing. */
static void
test_dumpable_unprivileged_non_dumpable (void)
{
  g_autoptr(GError) error = NULL;
  DumpablePoller poller;
  MemAttacker attacker;
  guint n_done = 0;
  int n_seen;

  if (skip_unless_sandbox () || !cam_test_in_subprocess ())
    return;

  become_unprivileged ();
  g_assert_no_errno (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0));
  mem_attacker_start (&attacker, (uid_t) -1, (gid_t) -1);
  poller_start (&poller);

  for (; n_done < DUMPABLE_UNPRIVILEGED_SPAWNS; n_done++)
    {
      g_autoptr(CamProcess) process = sandbox_new ();

      if (!spawn_exit_0 (process, &error))
        break;
    }

  n_seen = poller_stop (&poller);
  mem_attacker_stop_and_assert (&attacker);
  attack_message ("%u of %u spawns done", n_done, DUMPABLE_UNPRIVILEGED_SPAWNS);
  if (error != NULL)
    {
      g_autofree char *children = cam_test_list_children ();

      attack_message ("start() refused: %s", error->message);
      g_assert_cmpuint (n_done, ==, 0);
      g_assert_nonnull (strstr (error->message, "dumpable"));
      g_assert_cmpstr (children, ==, "");
    }
  g_assert_cmpint (n_seen, ==, 0);
  g_assert_cmpint (get_dumpable (), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/holes/mem/root-sandbox", test_mem_root_sandbox);
  g_test_add_func ("/process/holes/mem/set-user", test_mem_set_user);
  g_test_add_func ("/process/holes/dumpable/non-dumpable-caller",
                   test_dumpable_non_dumpable_caller);
  g_test_add_func ("/process/holes/dumpable/threads", test_dumpable_threads);
  g_test_add_func ("/process/holes/dumpable/unprivileged-non-dumpable",
                   test_dumpable_unprivileged_non_dumpable);

  return g_test_run ();
}
