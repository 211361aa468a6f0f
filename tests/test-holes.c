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
 *   thread;
 * - tiocsti: a child given the caller's controlling terminal must not be
 *   able to push input into it;
 * - pdeathsig: nothing started inside may outlive the thread that started
 *   it, however it forks or clears its death signal;
 * - kill, ipc: no host process visible or signalable from inside, no host
 *   System V IPC object nor POSIX message queue reachable;
 * - exit-status: what must keep working meanwhile: the exit code or signal
 *   of the payload, reported exactly, and terminate.
 *
 * The hostile payloads are cam-test-attacker's modes.  Issue "Sandbox
 * holes".
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cam-test-utils.h"

/* Why the root cases need root. */
static const char * const why_root =
  "the attack is on a root caller, or needs another uid";

/* How many SANDBOX spawns the memory attacker gets to watch; the hole it
 * looks for opened within a few. */
#define MEM_SPAWNS 300
#define SECRET_SIZE 64
/* The fds the memory attacker keeps to write through at the end. */
#define MEM_MAX_KEPT_FDS 256
/* Exit status of a forked attacker, victim or middle parent that could not
 * set itself up. */
#define FORKED_SETUP_FAILED 3
/* How long a forked victim or middle parent lives at most, should the test
 * die before killing it. */
#define LINGER_SECONDS 60

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
skip_unless_sandbox (void)
{
  return cam_test_skip_unless_userns () ||
         cam_test_skip_unless_public (attacker_path ());
}

/* The start of an attack: skips it unless a SANDBOX child can run the
 * attacker (and, if @as_root, unless we are root), else runs it again in a
 * g_test_trap_subprocess() child.  Returns: TRUE in that child, which must
 * run the attack. */
static gboolean
begin_attack (gboolean as_root)
{
  if ((as_root && cam_test_skip_unless_root (why_root)) ||
      skip_unless_sandbox ())
    return FALSE;
  return cam_test_in_subprocess ();
}

/* Switches to @uid and @gid with no supplementary groups, and makes the
 * process dumpable again, as any process that uid starts is (the id switch
 * cleared the flag); async-signal-safe, for forked children too.  Returns
 * -1 with errno set on failure. */
static int
drop_ids (uid_t uid,
          gid_t gid)
{
  if (setgroups (0, NULL) < 0 ||
      setresgid (gid, gid, gid) < 0 ||
      setresuid (uid, uid, uid) < 0 ||
      prctl (PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    return -1;
  return 0;
}

static CamProcess *
sandbox_new (void)
{
  CamProcess *process = cam_process_new ();

  cam_process_set_flags (process, CAM_PROCESS_FLAGS_SANDBOX);
  return process;
}

/* Sleeps for at most LINGER_SECONDS, then exits: the body of a forked
 * victim or middle parent, which the test kills. */
static void G_GNUC_NORETURN
linger (void)
{
  for (int i = 0; i < LINGER_SECONDS; i++)
    sleep (1);
  _exit (0);
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

/* Runs `cam-test-attacker MODE OUT_FD ARG…` with the write end of a pipe as
 * OUT_FD, waits for its exit and returns what it wrote.  How it exited goes
 * to @status and @code. */
static char *
run_attack (CamProcess           *process,
            CamProcessExitStatus *status,
            int                  *code,
            const char           *mode,
            ...) G_GNUC_NULL_TERMINATED;

static char *
run_attack (CamProcess           *process,
            CamProcessExitStatus *status,
            int                  *code,
            const char           *mode,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out_fd_arg = NULL;
  CamTestFinished finished;
  const char *arg;
  char *report;
  int pipe_fds[2];
  va_list args;

  cam_test_pipe (pipe_fds);
  out_fd_arg = g_strdup_printf ("%d", pipe_fds[1]);

  g_ptr_array_add (argv, (gpointer) mode);
  g_ptr_array_add (argv, out_fd_arg);
  va_start (args, mode);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);

  cam_test_finished_watch (&finished, process);
  start_attacker_argv (process, &pipe_fds[1], 1, argv, &error);
  g_assert_no_error (error);
  g_assert_no_errno (close (pipe_fds[1]));

  report = cam_test_read_to_eof (pipe_fds[0]);
  g_assert_no_errno (close (pipe_fds[0]));

  cam_test_finished_wait (&finished);
  *status = finished.status;
  *code = finished.code;
  cam_test_finished_unwatch (&finished);

  attack_message ("the attacker reported:\n%s", report);
  return report;
}

/* The result of attempt @name in an attacker's report ("ok", "errno 13",
 * "0 errno 5"), or NULL if the attacker did not get to write it. */
static char *
report_lookup (const char *report,
               const char *name)
{
  g_auto(GStrv) lines = g_strsplit (report, "\n", -1);
  g_autofree char *prefix = g_strdup_printf ("%s ", name);

  for (gsize i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i] + strlen (prefix));
  return NULL;
}

/* Asserts that attempt @name was made and failed. */
static void
assert_attempt_failed (const char *report,
                       const char *name)
{
  g_autofree char *result = report_lookup (report, name);

  if (result == NULL || !g_str_has_prefix (result, "errno "))
    {
      g_autofree char *line = g_strdup_printf ("%s %s", name,
                                               result != NULL ? result : "(not reached: the attacker died or stopped before it)");
      g_autofree char *wanted = g_strdup_printf ("%s errno ...", name);

      attack_message ("attack worked: %s", line);
      g_assert_cmpstr (line, ==, wanted);
    }
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

/* Reads from @fd until a line equal to @line or EOF, whichever comes first,
 * appending to @out; gives up at @deadline.  Does not assert, so that the
 * caller can clean up first.  Returns whether @line was seen. */
static gboolean
read_until_line (int         fd,
                 const char *line,
                 GString    *out,
                 gint64      deadline)
{
  g_autofree char *wanted = g_strdup_printf ("%s\n", line);

  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      gint64 remaining = (deadline - g_get_monotonic_time ()) / 1000;
      char c;
      int r;

      if (g_str_has_suffix (out->str, wanted) &&
          (out->len == strlen (wanted) ||
           out->str[out->len - strlen (wanted) - 1] == '\n'))
        return TRUE;
      if (remaining <= 0)
        return FALSE;
      r = poll (&pfd, 1, (int) remaining);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return FALSE;
      r = read (fd, &c, 1);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return FALSE;
      g_string_append_c (out, c);
    }
}

/* Reads @fd until EOF, appending to @out, for at most until @deadline.
 * Returns whether EOF came. */
static gboolean
read_until_eof (int      fd,
                GString *out,
                gint64   deadline)
{
  for (;;)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      gint64 remaining = (deadline - g_get_monotonic_time ()) / 1000;
      char buf[256];
      gssize n;
      int r;

      if (remaining <= 0)
        return FALSE;
      r = poll (&pfd, 1, (int) remaining);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return FALSE;
      n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return n == 0;
      g_string_append_len (out, buf, n);
    }
}

static gint64
deadline_from_now (void)
{
  return g_get_monotonic_time () + CAM_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
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
  if (!begin_attack (TRUE))
    return;

  check_mem (65534, 65534, FALSE);
}

/* The same with set_user (1000, 1000) and a uid-1000 attacker. */
static void
test_mem_set_user (void)
{
  if (!begin_attack (TRUE))
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

  if (!begin_attack (TRUE))
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

  if (!begin_attack (TRUE))
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

  if (!begin_attack (FALSE))
    return;

  cam_test_become_unprivileged ();
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

/* tiocsti: no way to the caller's terminal */

#define INJECTED "echo cam-test-holes-injected\n"

/* A root caller's child, given the caller's terminal on stdin; or that of
 * an @unprivileged caller. */
static void
check_tiocsti (gboolean unprivileged)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *report = NULL, *legacy = NULL;
  g_autofree char *ctty = NULL, *pushed = NULL, *pushed_tty = NULL;
  g_autofree char *pushed_sctty = NULL;
  CamProcessExitStatus status;
  struct termios raw;
  char queued[256];
  gssize n_queued;
  int master, slave, code, n_pending = -1;

  if (unprivileged)
    cam_test_become_unprivileged ();
  process = sandbox_new ();

  /* Closing the master hangs up our controlling terminal. */
  signal (SIGHUP, SIG_IGN);
  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_no_errno (master);
  g_assert_no_errno (grantpt (master));
  g_assert_no_errno (unlockpt (master));

  /* Our own session, with the pty as its controlling terminal. */
  g_assert_no_errno (setsid ());
  slave = open (ptsname (master), O_RDWR | O_CLOEXEC);
  g_assert_no_errno (slave);
  g_assert_no_errno (ioctl (slave, TIOCSCTTY, 0));
  g_assert_cmpint (tcgetsid (slave), ==, getsid (0));
  /* Raw: every pushed byte is readable at once, no line to complete. */
  g_assert_no_errno (tcgetattr (slave, &raw));
  cfmakeraw (&raw);
  g_assert_no_errno (tcsetattr (slave, TCSANOW, &raw));

  if (g_file_get_contents ("/proc/sys/dev/tty/legacy_tiocsti", &legacy, NULL,
                           NULL))
    attack_message ("dev.tty.legacy_tiocsti = %s", g_strstrip (legacy));

  cam_process_take_fd (process, dup (slave), STDIN_FILENO);
  report = run_attack (process, &status, &code, "tiocsti", INJECTED, NULL);
  g_assert_cmpint (status, ==, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT);
  g_assert_cmpint (code, ==, 0);

  /* What reached the input queue of our terminal. */
  g_assert_no_errno (ioctl (slave, FIONREAD, &n_pending));
  g_assert_no_errno (fcntl (slave, F_SETFL, O_NONBLOCK));
  n_queued = read (slave, queued, sizeof queued);
  if (n_queued < 0)
    {
      g_assert_cmpint (errno, ==, EAGAIN);
      n_queued = 0;
    }
  attack_message ("%d bytes pending on the caller's terminal: '%.*s'",
                  n_pending, (int) n_queued, queued);
  g_assert_no_errno (close (slave));
  g_assert_no_errno (close (master));

  g_assert_cmpint (n_pending, ==, 0);
  g_assert_cmpint (n_queued, ==, 0);

  ctty = report_lookup (report, "ctty-nr");
  g_assert_cmpstr (ctty, ==, "0");
  pushed = report_lookup (report, "tiocsti");
  g_assert_nonnull (pushed);
  g_assert_true (g_str_has_prefix (pushed, "0 errno "));
  pushed_tty = report_lookup (report, "tiocsti-tty");
  g_assert_null (pushed_tty);
  assert_attempt_failed (report, "open-tty");
  assert_attempt_failed (report, "sctty");
  assert_attempt_failed (report, "sctty-steal");
  pushed_sctty = report_lookup (report, "tiocsti-sctty");
  g_assert_null (pushed_sctty);
}

/* pdeathsig: nothing outlives the thread that started it */

typedef struct
{
  const char *how;        /* the escape mode: "fork" or "nofork" */
  int         fds[2];
  ino_t       inode;
  GString    *out;
  gboolean    ready;
  gboolean    eof;
  char       *survivors;
} EscapePipe;

/* Kills every process but us that holds the pipe of @inode, found through
 * /proc/ * /fd, and returns their pids ("" if none).  Exact, unlike the pids
 * the attacker reports, which may be in its own PID namespace. */
static char *
kill_pipe_holders (ino_t inode)
{
  g_autofree char *target = g_strdup_printf ("pipe:[%lu]", (unsigned long) inode);
  GString *killed = g_string_new (NULL);

  for (guint round = 0; round < 10; round++)
    {
      g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
      const char *name;
      gboolean found = FALSE;

      g_assert_nonnull (proc);
      while ((name = g_dir_read_name (proc)) != NULL)
        {
          g_autofree char *fd_dir = NULL;
          g_autoptr(GDir) fds = NULL;
          const char *fd_name;
          long pid = g_ascii_strtoll (name, NULL, 10);

          if (pid <= 0 || pid == getpid ())
            continue;
          fd_dir = g_strdup_printf ("/proc/%ld/fd", pid);
          fds = g_dir_open (fd_dir, 0, NULL);
          if (fds == NULL)
            continue;
          while ((fd_name = g_dir_read_name (fds)) != NULL)
            {
              g_autofree char *link_path = g_build_filename (fd_dir, fd_name, NULL);
              g_autofree char *link = g_file_read_link (link_path, NULL);

              if (g_strcmp0 (link, target) == 0)
                {
                  kill ((pid_t) pid, SIGKILL);
                  g_string_append_printf (killed, "%s%ld",
                                          killed->len > 0 ? " " : "", pid);
                  found = TRUE;
                  break;
                }
            }
        }
      if (!found)
        break;
      g_usleep (10 * G_TIME_SPAN_MILLISECOND);
    }

  return g_string_free (killed, FALSE);
}

/* The middle parent: starts one SANDBOX escape attacker per pipe, tells
 * @status_fd "started" (or why not), then waits to be killed.  It runs
 * in a fork of the test subprocess, single-threaded. */
static void G_GNUC_NORETURN
middle_parent_run (EscapePipe *pipes,
                   gsize       n_pipes,
                   gboolean    unprivileged,
                   int         status_fd)
{
  g_autoptr(GPtrArray) processes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *status = NULL;

  if (unprivileged && geteuid () == 0 && drop_ids (65534, 65534) < 0)
    _exit (FORKED_SETUP_FAILED);

  for (gsize i = 0; i < n_pipes; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *fd_arg = g_strdup_printf ("%d", pipes[i].fds[1]);
      CamProcess *process = sandbox_new ();

      g_ptr_array_add (processes, process);
      if (!start_attacker (process, &pipes[i].fds[1], 1, &error, "escape",
                           fd_arg, pipes[i].how, NULL))
        {
          status = g_strdup_printf ("start() failed: %s\n", error->message);
          break;
        }
      close (pipes[i].fds[1]);
    }
  if (status == NULL)
    status = g_strdup ("started\n");
  if (write (status_fd, status, strlen (status)) < 0)
    _exit (FORKED_SETUP_FAILED);
  close (status_fd);

  linger ();
}

/* A middle parent starts an attacker that clears its death signal and
 * forks a setsid() child that double-forks ("fork"), and one that only
 * clears it ("nofork").  Once all are set, the middle parent is killed:
 * every process that holds a pipe must then die, which EOF on each pipe
 * shows.  If @unprivileged, the middle parent drops to 65534 (when we are
 * root); the test stays root to find and kill survivors. */
static void
check_pdeathsig (gboolean unprivileged)
{
  EscapePipe pipes[] = { { .how = "fork" }, { .how = "nofork" } };
  g_autofree char *status = NULL;
  int status_pipe[2];
  gint64 deadline;
  pid_t middle;
  int wstatus;

  for (gsize i = 0; i < G_N_ELEMENTS (pipes); i++)
    {
      struct stat st;

      cam_test_pipe (pipes[i].fds);
      g_assert_no_errno (fstat (pipes[i].fds[0], &st));
      pipes[i].inode = st.st_ino;
      pipes[i].out = g_string_new (NULL);
    }
  cam_test_pipe (status_pipe);

  middle = fork ();
  g_assert_no_errno (middle);
  if (middle == 0)
    {
      close (status_pipe[0]);
      for (gsize i = 0; i < G_N_ELEMENTS (pipes); i++)
        close (pipes[i].fds[0]);
      middle_parent_run (pipes, G_N_ELEMENTS (pipes), unprivileged,
                         status_pipe[1]);
    }
  g_assert_no_errno (close (status_pipe[1]));
  for (gsize i = 0; i < G_N_ELEMENTS (pipes); i++)
    g_assert_no_errno (close (pipes[i].fds[1]));

  status = cam_test_read_line (status_pipe[0]);
  g_assert_no_errno (close (status_pipe[0]));
  attack_message ("middle parent %d: %s", middle, status);

  deadline = deadline_from_now ();
  for (gsize i = 0; i < G_N_ELEMENTS (pipes); i++)
    pipes[i].ready = read_until_line (pipes[i].fds[0], "ready",
                                      pipes[i].out, deadline);

  g_assert_no_errno (kill (middle, SIGKILL));
  g_assert_cmpint (waitpid (middle, &wstatus, 0), ==, middle);

  deadline = deadline_from_now ();
  for (gsize i = 0; i < G_N_ELEMENTS (pipes); i++)
    {
      pipes[i].eof = read_until_eof (pipes[i].fds[0], pipes[i].out, deadline);
      pipes[i].survivors = kill_pipe_holders (pipes[i].inode);
      g_assert_no_errno (close (pipes[i].fds[0]));
      attack_message ("escape %s reported:\n%s%s; survivors of the middle parent (killed now): %s",
                      pipes[i].how, pipes[i].out->str,
                      pipes[i].eof ? "EOF" : "no EOF",
                      pipes[i].survivors[0] != '\0' ? pipes[i].survivors : "none");
    }

  g_assert_cmpstr (status, ==, "started");
  for (gsize i = 0; i < G_N_ELEMENTS (pipes); i++)
    {
      g_assert_true (pipes[i].ready);
      g_assert_cmpstr (pipes[i].survivors, ==, "");
      g_assert_true (pipes[i].eof);
      g_string_free (pipes[i].out, TRUE);
      g_free (pipes[i].survivors);
    }
}

/* exit-status: what the fix must keep */

static void
store_result (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  GAsyncResult **result = user_data;

  *result = g_object_ref (res);
}

static gboolean
set_flag (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Starts the attacker's sleep mode and waits until it says it is ready. */
static void
start_ready_attacker (CamProcess *process)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ready_arg = NULL, *line = NULL;
  int ready[2];

  cam_test_pipe (ready);
  ready_arg = g_strdup_printf ("%d", ready[1]);
  g_assert_true (start_attacker (process, &ready[1], 1, &error, "sleep",
                                 ready_arg, NULL));
  g_assert_no_error (error);
  g_assert_no_errno (close (ready[1]));
  line = cam_test_read_line (ready[0]);
  g_assert_cmpstr (line, ==, "ready");
  g_assert_no_errno (close (ready[0]));
}

/* The status of a SANDBOX child is still reported exactly: an exit code,
 * a fault, a kill from outside; and terminate completes. */
static void
test_exit_status (void)
{
  g_autoptr(CamProcess) process = sandbox_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GSource) timeout = NULL;
  CamTestFinished finished;
  gboolean timed_out = FALSE;
  int signum;

  if (skip_unless_sandbox ())
    return;

  cam_test_finished_watch (&finished, process);

  g_assert_true (start_attacker (process, NULL, 0, &error, "exit", "42", NULL));
  g_assert_no_error (error);
  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                 42);

  g_assert_true (start_attacker (process, NULL, 0, &error, "segv", NULL));
  g_assert_no_error (error);
  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT,
                                 SIGSEGV);

  /* Killed from outside. */
  start_ready_attacker (process);
  cam_process_kill (process);
  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT,
                                 SIGKILL);

  /* terminate: SIGTERM, or SIGKILL once it has had 100 ms (an init
   * process ignores a SIGTERM it has no handler for). */
  start_ready_attacker (process);

  cam_process_terminate_async (process, 100, NULL, store_result, &result);
  timeout = g_timeout_source_new (CAM_TEST_TIMEOUT_MS);
  g_source_set_callback (timeout, set_flag, &timed_out, NULL);
  g_source_attach (timeout, NULL);
  while (result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (timeout);
  if (timed_out)
    attack_message ("terminate did not complete within %u ms", CAM_TEST_TIMEOUT_MS);
  g_assert_false (timed_out);
  g_assert_true (cam_process_terminate_finish (process, result, &error));
  g_assert_no_error (error);
  cam_test_finished_wait (&finished);
  g_assert_cmpint (finished.status, ==, CAM_PROCESS_EXIT_STATUS_SIGNAL_EXIT);
  signum = finished.code;
  attack_message ("terminate ended the child with signal %d", signum);
  g_assert_true (signum == SIGTERM || signum == SIGKILL);
  cam_test_finished_unwatch (&finished);
}

/* kill: no host process visible or signalable from inside
 *
 * The test subprocess makes itself a process group leader, so that what a
 * kill(-pgid) or kill(0) reaches stays among its own processes: itself
 * (root), a victim of uid 65534 and the caller (root, or 65534 in the
 * unprivileged variant), which starts the attacker and waits for it. */

static void
check_kill (gboolean unprivileged)
{
  g_autoptr(GString) report = g_string_new (NULL);
  g_autofree char *caller_status = NULL;
  static const char * const targets[] = { "parent", "test", "victim" };
  int report_pipe[2], sync_pipe[2], status_pipe[2];
  pid_t victim, caller;
  gboolean eof, victim_alive;
  int wstatus, caller_wstatus;
  char c;

  g_assert_no_errno (setpgid (0, 0));

  cam_test_pipe (sync_pipe);
  victim = fork ();
  g_assert_no_errno (victim);
  if (victim == 0)
    {
      if (geteuid () == 0 && drop_ids (65534, 65534) < 0)
        _exit (FORKED_SETUP_FAILED);
      if (write (sync_pipe[1], "v", 1) != 1)
        _exit (FORKED_SETUP_FAILED);
      linger ();
    }
  g_assert_no_errno (close (sync_pipe[1]));
  g_assert_cmpint (read (sync_pipe[0], &c, 1), ==, 1);
  g_assert_no_errno (close (sync_pipe[0]));

  cam_test_pipe (report_pipe);
  cam_test_pipe (status_pipe);
  caller = fork ();
  g_assert_no_errno (caller);
  if (caller == 0)
    {
      g_autoptr(CamProcess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *out_arg = NULL, *parent_arg = NULL, *test_arg = NULL;
      g_autofree char *victim_arg = NULL, *pgid_arg = NULL, *status = NULL;

      close (report_pipe[0]);
      close (status_pipe[0]);
      if (unprivileged && geteuid () == 0 && drop_ids (65534, 65534) < 0)
        _exit (FORKED_SETUP_FAILED);

      out_arg = g_strdup_printf ("%d", report_pipe[1]);
      parent_arg = g_strdup_printf ("%d", getpid ());
      test_arg = g_strdup_printf ("%d", getppid ());
      victim_arg = g_strdup_printf ("%d", victim);
      pgid_arg = g_strdup_printf ("%d", getpgrp ());
      process = sandbox_new ();
      if (!start_attacker (process, &report_pipe[1], 1, &error, "kill",
                           out_arg, parent_arg, test_arg, victim_arg, pgid_arg,
                           NULL) ||
          !cam_process_wait (process, NULL, &error))
        status = g_strdup_printf ("failed: %s", error->message);
      else
        status = g_strdup_printf ("attacker exit status %d code %d",
                                  cam_process_get_exit_status (process),
                                  cam_process_get_exit_code (process));
      if (write (status_pipe[1], status, strlen (status)) < 0)
        _exit (FORKED_SETUP_FAILED);
      _exit (0);
    }
  g_assert_no_errno (close (report_pipe[1]));
  g_assert_no_errno (close (status_pipe[1]));

  eof = read_until_eof (report_pipe[0], report, deadline_from_now ());
  g_assert_no_errno (close (report_pipe[0]));
  caller_status = cam_test_read_to_eof (status_pipe[0]);
  g_assert_no_errno (close (status_pipe[0]));
  g_assert_cmpint (waitpid (caller, &caller_wstatus, 0), ==, caller);

  victim_alive = waitpid (victim, &wstatus, WNOHANG) == 0;
  kill (victim, SIGKILL);
  waitpid (victim, &wstatus, 0);

  attack_message ("the attacker (caller %d, test %d, victim %d, pgid %d) reported:\n%s",
                  caller, getpid (), victim, getpgrp (), report->str);
  attack_message ("caller: %s; %s", caller_status,
                  WIFSIGNALED (caller_wstatus) ? "killed by a signal" : "exited");
  attack_message ("victim: %s", victim_alive ? "alive" : "dead");

  g_assert_true (eof);
  g_assert_true (WIFEXITED (caller_wstatus));
  g_assert_cmpint (WEXITSTATUS (caller_wstatus), ==, 0);
  g_assert_true (g_str_has_prefix (caller_status, "attacker exit status"));
  g_assert_true (victim_alive);

  for (gsize i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *see = g_strdup_printf ("see-%s", targets[i]);
      g_autofree char *killing = g_strdup_printf ("kill-%s", targets[i]);
      g_autofree char *pidfd = g_strdup_printf ("pidfd-%s", targets[i]);
      g_autofree char *procfd = g_strdup_printf ("procfd-%s", targets[i]);
      g_autofree char *procfd_open = g_strdup_printf ("procfd-%s open", targets[i]);
      g_autofree char *pidfd_open = g_strdup_printf ("pidfd-%s open", targets[i]);
      g_autofree char *seen = report_lookup (report->str, see);
      g_autofree char *esrch = g_strdup_printf ("errno %d", ESRCH);
      g_autofree char *pidfd_opened = report_lookup (report->str, pidfd_open);
      g_autofree char *procfd_opened = report_lookup (report->str, procfd_open);

      /* Not even EPERM: a host process does not exist in there. */
      g_assert_cmpstr (seen, ==, esrch);
      assert_attempt_failed (report->str, killing);
      /* A failed open is a failed attack; an fd must not signal. */
      if (pidfd_opened == NULL)
        assert_attempt_failed (report->str, pidfd);
      if (procfd_opened == NULL)
        assert_attempt_failed (report->str, procfd);
    }
  assert_attempt_failed (report->str, "kill-pgid");
  assert_attempt_failed (report->str, "kill-all-probe");
}

/* ipc: no System V IPC object nor POSIX message queue of the host */

/* A root caller's 0600 segment and queue; or, if @unprivileged, those of a
 * caller of the child's own host uid. */
static void
check_ipc (gboolean unprivileged)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *report = NULL, *key_arg = NULL, *shmid_arg = NULL;
  g_autofree char *mq_name = NULL;
  CamProcessExitStatus status;
  key_t key;
  int shmid, errsv, code;
  mqd_t mq;

  if (unprivileged)
    cam_test_become_unprivileged ();
  process = sandbox_new ();

  do
    {
      key = (key_t) g_random_int_range (1, G_MAXINT32);
      shmid = shmget (key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    }
  while (shmid < 0 && errno == EEXIST);
  g_assert_no_errno (shmid);

  mq_name = g_strdup_printf ("/cam-test-holes-%d", getpid ());
  mq_unlink (mq_name);
  mq = mq_open (mq_name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, NULL);
  errsv = errno;
  if (mq == (mqd_t) -1)
    shmctl (shmid, IPC_RMID, NULL);
  errno = errsv;
  g_assert_no_errno (mq == (mqd_t) -1 ? -1 : 0);

  key_arg = g_strdup_printf ("%d", (int) key);
  shmid_arg = g_strdup_printf ("%d", shmid);
  attack_message ("caller's segment key %s id %s, queue %s", key_arg,
                  shmid_arg, mq_name);
  report = run_attack (process, &status, &code, "ipc", key_arg, shmid_arg,
                       mq_name, NULL);

  g_assert_no_errno (shmctl (shmid, IPC_RMID, NULL));
  g_assert_no_errno (mq_close (mq));
  g_assert_no_errno (mq_unlink (mq_name));

  g_assert_cmpint (status, ==, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT);
  g_assert_cmpint (code, ==, 0);

  assert_attempt_failed (report, "shmget");
  assert_attempt_failed (report, "shmat");
  assert_attempt_failed (report, "mq_open");
}

/* The holes tried from a root caller and from an unprivileged one. */
typedef struct
{
  const char  *path;
  void       (*check) (gboolean unprivileged);
  gboolean     unprivileged;
} HoleCase;

static const HoleCase hole_cases[] = {
  { "/process/holes/tiocsti/root", check_tiocsti, FALSE },
  { "/process/holes/tiocsti/unprivileged", check_tiocsti, TRUE },
  { "/process/holes/pdeathsig/root", check_pdeathsig, FALSE },
  { "/process/holes/pdeathsig/unprivileged", check_pdeathsig, TRUE },
  { "/process/holes/kill/root", check_kill, FALSE },
  { "/process/holes/kill/unprivileged", check_kill, TRUE },
  { "/process/holes/ipc/root", check_ipc, FALSE },
  { "/process/holes/ipc/unprivileged", check_ipc, TRUE },
};

/* Runs a HoleCase in a g_test_trap_subprocess() child. */
static void
run_hole_case (gconstpointer data)
{
  const HoleCase *hole = data;

  if (!begin_attack (!hole->unprivileged))
    return;

  hole->check (hole->unprivileged);
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
  for (gsize i = 0; i < G_N_ELEMENTS (hole_cases); i++)
    g_test_add_data_func (hole_cases[i].path, &hole_cases[i], run_hole_case);
  g_test_add_func ("/process/holes/exit-status", test_exit_status);

  return g_test_run ();
}
