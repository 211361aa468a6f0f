/* test-spawn.c: what each spawn path does to the child's signal handlers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The library spawns through one of four paths: clone3() with CLONE_VM |
 * CLONE_VFORK (the default) or glibc's clone() with the same flags where
 * clone3() fails; with CAM_PROCESS_SPAWN_METHOD=clone3, a fork-like clone3()
 * or a fork-like clone(2) where clone3() fails.  The clone3() paths have
 * the kernel reset the handlers (CLONE_CLEAR_SIGHAND); the clone() paths
 * reset them in the child.  Either way no handler of the parent may run in
 * the child, and ignored signals stay ignored, as across exec.  Every case
 * runs in a g_test_trap_subprocess() child: the spawn method is read once
 * per process, and handlers and seccomp filters cannot be taken back.
 *
 * Some cases stop the child between clone and exec, in its chdir(), with a
 * seccomp user notification, and look at it from a thread of the test
 * meanwhile (its handlers, the spawning thread's mask), or kill it there.
 */

#include <camprocess/camprocess.h>

#include <errno.h>
#include <elf.h>
#include <link.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cam-test-seccomp.h"
#include "cam-test-utils.h"

typedef struct
{
  const char *name;
  const char *spawn_method;   /* CAM_PROCESS_SPAWN_METHOD, nullable */
  int         clone3_errno;   /* 0, or what clone3() answers (seccomp) */
} SpawnPath;

static const SpawnPath spawn_paths[] = {
  { "vfork/clone3", NULL, 0 },
  { "vfork/clone-no-clone3", NULL, ENOSYS },
  { "vfork/clone-clone3-eperm", NULL, EPERM },
  { "fork/clone3", "clone3", 0 },
  { "fork/clone-no-clone3", "clone3", ENOSYS },
};

/* The write end of a pipe, for on_signal(). */
static int handler_fd = -1;

static void
on_signal (int signum)
{
  char byte = (char) signum;

  /* Async-signal-safe, and visible to the test whether the handler runs in
   * the parent or, wrongly, in a child (with or without CLONE_VM). */
  if (write (handler_fd, &byte, 1) < 0)
    { /* The test sees no byte and fails. */ }
}

static void
set_handler (int     signum,
             void  (*handler) (int))
{
  struct sigaction sa = { .sa_handler = handler };

  sigemptyset (&sa.sa_mask);
  g_assert_no_errno (sigaction (signum, &sa, NULL));
}

/* Takes this subprocess down @path; FALSE if it cannot be taken there. */
static gboolean
enter_spawn_path (const SpawnPath *path)
{
  /* Read once by the library, at the first spawn, still to come here. */
  if (path->spawn_method != NULL)
    g_setenv ("CAM_PROCESS_SPAWN_METHOD", path->spawn_method, TRUE);
  else
    g_unsetenv ("CAM_PROCESS_SPAWN_METHOD");

  if (path->clone3_errno != 0)
    {
      long r;

      if (cam_test_skip_unless_seccomp ())
        return FALSE;
      g_assert_no_errno (cam_test_seccomp_fail_syscall (__NR_clone3, path->clone3_errno));
      /* Arguments the kernel itself rejects (size 0). */
      r = syscall (__NR_clone3, 1, 0);
      g_assert_cmpint (r, ==, -1);
      g_assert_cmpint (errno, ==, path->clone3_errno);
    }

  return TRUE;
}

/* The signals whose disposition is SIG_IGN here, as a /proc mask. */
static guint64
ignored_signals (void)
{
  guint64 mask = 0;

  for (int sig = 1; sig <= 64; sig++)
    {
      struct sigaction old;

      if (sigaction (sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        mask |= G_GUINT64_CONSTANT (1) << (sig - 1);
    }
  return mask;
}

/* Parses the "NAME:\tHEX" line of `cam-test-helper print-sigdisp`. */
static guint64
parse_sigdisp_line (const char *line,
                    const char *name)
{
  g_autofree char *prefix = g_strconcat (name, ":\t", NULL);
  guint64 mask = 0;
  GError *error = NULL;

  g_assert_true (g_str_has_prefix (line, prefix));
  g_ascii_string_to_unsigned (line + strlen (prefix), 16, 0, G_MAXUINT64, &mask, &error);
  g_assert_no_error (error);

  return mask;
}

/* The ignored signals a child gets with SIG_DFL all the same. */
static const int reset_signals[] = {
  SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGXFSZ, SIGXCPU,
  SIGALRM,
};

static void
test_dispositions (gconstpointer data)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *report = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 expected_ignored;
  int pipe_fds[2];

  g_test_summary ("The program starts with the handlers of the parent reset "
                  "to SIG_DFL, its ignored signals still ignored, except "
                  "SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, "
                  "SIGXFSZ, SIGXCPU and SIGALRM, which get SIG_DFL.");

  if (!cam_test_in_subprocess ())
    return;
  if (!enter_spawn_path (data))
    return;

  cam_test_pipe (pipe_fds);
  handler_fd = pipe_fds[1];
  set_handler (SIGUSR1, on_signal);
  set_handler (SIGUSR2, SIG_IGN);
  expected_ignored = ignored_signals ();
  g_assert_cmphex (expected_ignored & (G_GUINT64_CONSTANT (1) << (SIGUSR2 - 1)), !=, 0);
  /* As Python ignores SIGPIPE and SIGXFSZ, and a host SIGCHLD. */
  for (gsize i = 0; i < G_N_ELEMENTS (reset_signals); i++)
    {
      set_handler (reset_signals[i], SIG_IGN);
      expected_ignored &= ~(G_GUINT64_CONSTANT (1) << (reset_signals[i] - 1));
    }

  process = cam_process_new ();
  report = cam_test_run_helper_report (process, "print-sigdisp", NULL);

  lines = g_strsplit (report, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmphex (parse_sigdisp_line (lines[0], "SigIgn"), ==, expected_ignored);
  /* Only SIGUSR1: the helper's own start-up may catch signals (a
   * sanitizer's runtime catches SIGSEGV, SIGBUS and SIGFPE). */
  g_assert_cmphex (parse_sigdisp_line (lines[1], "SigCgt") &
                   (G_GUINT64_CONSTANT (1) << (SIGUSR1 - 1)), ==, 0);
  g_assert_cmpstr (lines[2], ==, "");
}

static void
test_handler_before_exec (gconstpointer data)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fragment = NULL, *children = NULL;
  int pipe_fds[2];
  char byte;
  gboolean ok;

  g_test_summary ("A signal that reaches the child between clone and exec "
                  "gets the default action, never a handler of the parent: "
                  "the child's chdir() raises SIGSYS through a seccomp trap, "
                  "and start() fails naming the signal.");

  if (!cam_test_in_subprocess ())
    return;
  if (cam_test_skip_unless_seccomp ())
    return;
  if (!enter_spawn_path (data))
    return;

  /* SIGSYS dumps core by default: no core file, and before Linux 5.16 a
   * core dump of a CLONE_VM child also killed this process. */
  g_assert_no_errno (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0));

  cam_test_pipe (pipe_fds);
  g_assert_no_errno (fcntl (pipe_fds[0], F_SETFL, O_NONBLOCK));
  handler_fd = pipe_fds[1];
  set_handler (SIGSYS, on_signal);
  /* Only the child calls chdir(), for the cwd set below. */
  g_assert_no_errno (cam_test_seccomp_trap_syscall (__NR_chdir));

  process = cam_process_new ();
  cam_process_set_cwd (process, "/");
  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "0", NULL);

  /* Had the handler run in the child, it would have written a byte, and
   * the child would have gone on to exec the helper. */
  g_assert_cmpint (read (pipe_fds[0], &byte, 1), ==, -1);
  g_assert_cmpint (errno, ==, EAGAIN);
  /* The child died before exec, without a report: EOF on the report
   * pipe, as for an exec, yet start() must not take it for one. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_false (ok);
  fragment = g_strdup_printf ("killed by signal %d", SIGSYS);
  g_assert_nonnull (strstr (error->message, fragment));
  g_assert_false (cam_process_get_running (process));
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");

  g_assert_no_errno (close (pipe_fds[0]));
  g_assert_no_errno (close (pipe_fds[1]));
}

/* The bit of @sig in a /proc/PID/status mask. */
#define SIG_BIT(sig) (G_GUINT64_CONSTANT (1) << ((sig) - 1))
/* What a thread's SigBlk shows once it blocked all 64 signals: the kernel
 * never blocks SIGKILL and SIGSTOP. */
#define ALL_BLOCKABLE (G_MAXUINT64 & ~(SIG_BIT (SIGKILL) | SIG_BIT (SIGSTOP)))
/* glibc's internal signals (__SIGRTMIN and __SIGRTMIN + 1). */
#define GLIBC_SIGCANCEL 32
#define GLIBC_SIGSETXID 33

/* Whether valgrind runs this process (with --trace-children=yes it runs the
 * g_test_trap_subprocess() children too): its preload is in LD_PRELOAD. */
static gboolean
under_valgrind (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  return preload != NULL && strstr (preload, "vgpreload") != NULL;
}

/* Reads the hex mask of line @name ("SigCgt", "SigBlk") of the status file
 * at @path; FALSE with errno set if it cannot. */
static gboolean
read_status_mask (const char *path,
                  const char *name,
                  guint64    *ret_mask)
{
  g_autofree char *status = NULL;
  g_autofree char *prefix = g_strdup_printf ("\n%s:\t", name);
  const char *line;
  char *end;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    {
      errno = ENOENT;
      return FALSE;
    }
  line = strstr (status, prefix);
  if (line == NULL)
    {
      errno = EINVAL;
      return FALSE;
    }
  *ret_mask = g_ascii_strtoull (line + strlen (prefix), &end, 16);
  if (*end != '\n')
    {
      errno = EINVAL;
      return FALSE;
    }
  return TRUE;
}

/* What answer_chdir_thread() does with each child stopped in chdir(). */
typedef struct
{
  int      listener_fd;     /* closed by the thread on failure, then -1 */
  guint    n_expected;      /* stops to answer */
  gboolean kill;            /* SIGKILL each child, else look and go on */
  pid_t    spawner_tid;     /* the thread that calls start() */

  /* Results, for after the join. */
  guint    n_stopped;
  int      errsv;           /* errno of the first failure, or 0 */
  const char *failed;       /* what failed */
  guint64  child_sigcgt;    /* of the last child, while it was stopped */
  guint64  spawner_sigblk;  /* of the spawner, meanwhile */
} ChdirStop;

static void
chdir_stop_fail (ChdirStop  *stop,
                 const char *what)
{
  stop->errsv = errno;
  stop->failed = what;
  /* The stopped child's chdir(), and every later one, now fails with
   * ENOSYS: start() returns instead of waiting for the timeout. */
  close (stop->listener_fd);
  stop->listener_fd = -1;
}

/* Answers the stopped chdir() calls of the children: no assertion here,
 * the main thread checks the results after the join. */
static gpointer
answer_chdir_thread (gpointer data)
{
  ChdirStop *stop = data;

  for (guint i = 0; i < stop->n_expected; i++)
    {
      g_autofree char *child_status = NULL;
      g_autofree char *spawner_status = NULL;
      guint64 id;
      int pid;

      if (cam_test_seccomp_notify_receive (stop->listener_fd,
                                           CAM_TEST_TIMEOUT_MS, &id, &pid) < 0)
        {
          chdir_stop_fail (stop, "receive a stopped chdir()");
          break;
        }
      stop->n_stopped++;

      if (stop->kill)
        {
          if (kill (pid, SIGKILL) < 0)
            {
              chdir_stop_fail (stop, "kill the child");
              break;
            }
          continue;
        }

      child_status = g_strdup_printf ("/proc/%d/status", pid);
      spawner_status = g_strdup_printf ("/proc/self/task/%d/status",
                                        (int) stop->spawner_tid);
      if (!read_status_mask (child_status, "SigCgt", &stop->child_sigcgt))
        {
          chdir_stop_fail (stop, "read the SigCgt of the child");
          break;
        }
      if (!read_status_mask (spawner_status, "SigBlk", &stop->spawner_sigblk))
        {
          chdir_stop_fail (stop, "read the SigBlk of the spawning thread");
          break;
        }
      if (cam_test_seccomp_notify_continue (stop->listener_fd, id) < 0)
        {
          chdir_stop_fail (stop, "let chdir() go on");
          break;
        }
    }

  return NULL;
}

/* Installs the filter that stops chdir() for @stop, which only the child
 * calls (the test sets a cwd), and starts the thread that answers; NULL
 * with the test skipped if that cannot be done.  The filter is installed
 * by the thread that spawns, so that its children inherit it.  Call it
 * before enter_spawn_path(): on the clone-clone3-eperm path glibc can no
 * longer create threads.  It checks what enter_spawn_path() needs. */
static GThread *
start_chdir_stop (ChdirStop *stop)
{
  if (cam_test_skip_unless_seccomp ())
    return NULL;
  if (under_valgrind ())
    {
      g_test_skip ("valgrind 3.19 does not know seccomp(), which a "
                   "user-notification filter needs");
      return NULL;
    }

  stop->spawner_tid = gettid ();
  stop->listener_fd = cam_test_seccomp_notify_syscall (__NR_chdir);
  if (stop->listener_fd < 0 && errno == ENOSYS)
    {
      g_test_skip ("seccomp() is not available");
      return NULL;
    }
  g_assert_no_errno (stop->listener_fd);

  return g_thread_new ("answer-chdir", answer_chdir_thread, stop);
}

/* Joins the thread and checks that it answered every stop. */
static void
finish_chdir_stop (ChdirStop *stop,
                   GThread   *thread)
{
  g_thread_join (thread);
  if (stop->failed != NULL)
    g_error ("Failed to %s: %s", stop->failed, g_strerror (stop->errsv));
  g_assert_cmpuint (stop->n_stopped, ==, stop->n_expected);
  g_assert_no_errno (close (stop->listener_fd));
}

static gpointer
wait_for_cancel (gpointer data)
{
  for (;;)
    pause ();
  return NULL;
}

/* Has glibc install its handlers of SIGCANCEL (pthread_cancel()) and
 * SIGSETXID (glibc 2.36 installs it as the first thread is created, older
 * ones at the first setxid broadcast, which setresuid() makes while another
 * thread exists).  The ids stay the same. */
static void
install_glibc_handlers (void)
{
  pthread_t thread;
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;

  g_assert_cmpint (pthread_create (&thread, NULL, wait_for_cancel, NULL), ==, 0);
  g_assert_no_errno (getresgid (&rgid, &egid, &sgid));
  g_assert_no_errno (setresgid (rgid, egid, sgid));
  g_assert_no_errno (getresuid (&ruid, &euid, &suid));
  g_assert_no_errno (setresuid (ruid, euid, suid));
  g_assert_cmpint (pthread_cancel (thread), ==, 0);
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
}

static void
test_glibc_handlers (gconstpointer data)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  ChdirStop stop = { .n_expected = 1 };
  CamTestFinished finished;
  GThread *thread;
  guint64 caught, blocked;
  gboolean ok;

  g_test_summary ("A child stopped between clone and exec has none of the "
                  "parent's handlers, glibc's SIGCANCEL and SIGSETXID "
                  "included, which sigaction() refuses to reset; the "
                  "spawning thread has all 64 signals blocked meanwhile, "
                  "those two included, which pthread_sigmask() leaves out.");

  if (!cam_test_in_subprocess ())
    return;

  /* Before enter_spawn_path(), which may leave glibc unable to create
   * threads. */
  install_glibc_handlers ();
  set_handler (SIGUSR1, on_signal);
  g_assert_true (read_status_mask ("/proc/self/status", "SigCgt", &caught));
  if ((caught & SIG_BIT (GLIBC_SIGCANCEL)) == 0 ||
      (caught & SIG_BIT (GLIBC_SIGSETXID)) == 0)
    {
      g_autofree char *msg = g_strdup_printf ("glibc did not install its handlers of signals 32 and 33 "
                                              "(SigCgt %016" G_GINT64_MODIFIER "x)",
                                              caught);

      g_test_skip (msg);
      return;
    }
  /* So that what the thread sees during the spawn is the library's doing. */
  g_assert_true (read_status_mask ("/proc/thread-self/status", "SigBlk", &blocked));
  g_assert_cmphex (blocked, !=, ALL_BLOCKABLE);

  thread = start_chdir_stop (&stop);
  if (thread == NULL)
    return;
  /* start_chdir_stop() checked what it needs: no skip from here on, with
   * the thread waiting. */
  g_assert_true (enter_spawn_path (data));

  process = cam_process_new ();
  cam_process_set_cwd (process, "/");
  cam_test_finished_watch (&finished, process);
  ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "0", NULL);
  finish_chdir_stop (&stop, thread);
  g_assert_no_error (error);
  g_assert_true (ok);
  cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 0);
  cam_test_finished_unwatch (&finished);

  g_assert_cmphex (stop.child_sigcgt & SIG_BIT (GLIBC_SIGCANCEL), ==, 0);
  g_assert_cmphex (stop.child_sigcgt & SIG_BIT (GLIBC_SIGSETXID), ==, 0);
  g_assert_cmphex (stop.child_sigcgt & caught, ==, 0);
  g_assert_cmphex (stop.spawner_sigblk, ==, ALL_BLOCKABLE);
}

#define N_KILLED_CHILDREN 50

static void
test_killed_before_exec (gconstpointer data)
{
  ChdirStop stop = { .n_expected = N_KILLED_CHILDREN, .kill = TRUE };
  g_autofree char *fragment = NULL;
  g_autofree char *children = NULL;
  guint n_started = 0;
  GThread *thread;

  g_test_summary ("A child SIGKILLed between clone and exec (stopped in "
                  "chdir() by a seccomp user notification) makes start() "
                  "fail naming signal 9, every time, and leaves no child: "
                  "EOF on the report pipe is no proof of exec.");

  if (!cam_test_in_subprocess ())
    return;

  thread = start_chdir_stop (&stop);
  if (thread == NULL)
    return;
  /* start_chdir_stop() checked what it needs: no skip from here on, with
   * the thread waiting. */
  g_assert_true (enter_spawn_path (data));

  fragment = g_strdup_printf ("killed by signal %d", SIGKILL);
  for (guint i = 0; i < N_KILLED_CHILDREN; i++)
    {
      g_autoptr(CamProcess) process = cam_process_new ();
      g_autoptr(GError) error = NULL;
      CamTestFinished finished;
      gboolean ok;

      cam_process_set_cwd (process, "/");
      cam_test_finished_watch (&finished, process);
      ok = cam_test_start_helper (process, NULL, 0, &error, "exit", "0", NULL);
      if (ok)
        {
          /* Counted, and reaped before the next one. */
          n_started++;
          cam_test_finished_wait (&finished);
        }
      else
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
          g_assert_nonnull (strstr (error->message, fragment));
          g_assert_false (cam_process_get_running (process));
        }
      cam_test_finished_unwatch (&finished);
      children = cam_test_list_children ();
      g_assert_cmpstr (children, ==, "");
      g_clear_pointer (&children, g_free);
    }

  finish_chdir_stop (&stop, thread);
  g_assert_cmpuint (n_started, ==, 0);
}

/* What lib/cam-clone.c maps for a thread's child stack: one PROT_NONE
 * guard page, then CAM_CLONE_STACK_SIZE bytes of stack. */
#define CHILD_STACK_SIZE (64 * 1024)
#define N_THREADS 4
#define SPAWNS_PER_THREAD 25

/* Counts the child stacks in /proc/self/maps: an anonymous "---p" page
 * right below an anonymous "rw-p" mapping of CHILD_STACK_SIZE. */
static guint
count_child_stacks (void)
{
  g_autofree char *maps = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 guard_end = 0;
  guint n = 0;
  gsize page = (gsize) sysconf (_SC_PAGESIZE);

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);

  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      guint64 start, end, inode;
      char perms[5], path[2] = "";
      int n_fields;

      n_fields = sscanf (lines[i], "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x %4s %*x %*x:%*x %" G_GINT64_MODIFIER "u %1s",
                         &start, &end, perms, &inode, path);
      g_assert_cmpint (n_fields, >=, 4);

      if (inode != 0 || path[0] != '\0')
        guard_end = 0;
      else if (strcmp (perms, "---p") == 0 && end - start == page)
        guard_end = end;
      else
        {
          if (strcmp (perms, "rw-p") == 0 && start == guard_end &&
              end - start == CHILD_STACK_SIZE)
            n++;
          guard_end = 0;
        }
    }

  return n;
}

typedef struct
{
  guint   index;
  GMutex *lock;
  GCond  *cond;
  guint  *n_done;
  gboolean *release;
} SpawnThread;

static gpointer
spawn_thread (gpointer user_data)
{
  SpawnThread *st = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  for (guint i = 0; i < SPAWNS_PER_THREAD; i++)
    {
      g_autoptr(CamProcess) process = cam_process_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *code_arg = NULL;
      CamTestFinished finished;
      int code = (int) ((st->index * SPAWNS_PER_THREAD + i) % 256);
      gboolean ok;

      code_arg = g_strdup_printf ("%d", code);
      cam_test_finished_watch (&finished, process);
      ok = cam_test_start_helper (process, NULL, 0, &error, "exit", code_arg, NULL);
      g_assert_no_error (error);
      g_assert_true (ok);
      cam_test_finished_assert_exit (&finished, CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT,
                                     code);
      cam_test_finished_unwatch (&finished);
    }
  g_main_context_pop_thread_default (context);

  /* Stay alive, with the stack, until the main thread has counted. */
  g_mutex_lock (st->lock);
  (*st->n_done)++;
  g_cond_broadcast (st->cond);
  while (!*st->release)
    g_cond_wait (st->cond, st->lock);
  g_mutex_unlock (st->lock);

  return NULL;
}

static void
test_thread_stacks (gconstpointer data)
{
  SpawnThread threads[N_THREADS];
  GThread *handles[N_THREADS];
  GMutex lock;
  GCond cond;
  guint n_done = 0;
  gboolean release = FALSE;
  guint n_before;

  g_test_summary ("Threads spawning at once each run their children on a "
                  "stack of their own, mapped once and unmapped when the "
                  "thread exits.");

  if (!cam_test_in_subprocess ())
    return;
  if (!enter_spawn_path (data))
    return;

  /* The main thread's stack. */
  cam_test_warm_up ();
  n_before = count_child_stacks ();
  g_assert_cmpuint (n_before, ==, 1);

  g_mutex_init (&lock);
  g_cond_init (&cond);
  for (guint t = 0; t < N_THREADS; t++)
    {
      threads[t] = (SpawnThread) { t, &lock, &cond, &n_done, &release };
      handles[t] = g_thread_new ("spawn", spawn_thread, &threads[t]);
    }

  g_mutex_lock (&lock);
  while (n_done < N_THREADS)
    g_cond_wait (&cond, &lock);
  g_assert_cmpuint (count_child_stacks (), ==, n_before + N_THREADS);
  release = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&lock);

  for (guint t = 0; t < N_THREADS; t++)
    g_thread_join (handles[t]);
  g_assert_cmpuint (count_child_stacks (), ==, n_before);

  g_mutex_clear (&lock);
  g_cond_clear (&cond);
}

/* Finds libcamprocess among the loaded objects and reads whether it was
 * linked to bind every symbol at load (-z now). */
static int
find_bind_now (struct dl_phdr_info *info,
               size_t               size,
               void                *data)
{
  gboolean *bind_now = data;

  if (strstr (info->dlpi_name, "libcamprocess-") == NULL)
    return 0;

  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Dyn) *dyn;

      if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
        continue;
      dyn = (const ElfW (Dyn) *) (info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
      for (; dyn->d_tag != DT_NULL; dyn++)
        if ((dyn->d_tag == DT_FLAGS && (dyn->d_un.d_val & DF_BIND_NOW)) ||
            (dyn->d_tag == DT_FLAGS_1 && (dyn->d_un.d_val & DF_1_NOW)))
          *bind_now = TRUE;
    }
  return 1;
}

static void
test_bind_now (void)
{
  gboolean bind_now = FALSE;

  g_test_summary ("The library binds its symbols at load: a CLONE_VM child "
                  "calling libc for the first time must not enter the "
                  "dynamic linker, which would write the GOT and the TCB "
                  "it shares with the parent.");

  g_assert_cmpint (dl_iterate_phdr (find_bind_now, &bind_now), ==, 1);
  g_assert_true (bind_now);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (spawn_paths); i++)
    {
      const SpawnPath *path = &spawn_paths[i];
      g_autofree char *dispositions = NULL;
      g_autofree char *before_exec = NULL;
      g_autofree char *glibc_handlers = NULL;
      g_autofree char *killed = NULL;

      dispositions = g_strdup_printf ("/process/spawn/%s/signal-dispositions", path->name);
      before_exec = g_strdup_printf ("/process/spawn/%s/handler-before-exec", path->name);
      g_test_add_data_func (dispositions, path, test_dispositions);
      g_test_add_data_func (before_exec, path, test_handler_before_exec);
      glibc_handlers = g_strdup_printf ("/process/spawn/%s/glibc-handlers", path->name);
      killed = g_strdup_printf ("/process/spawn/%s/killed-before-exec", path->name);
      g_test_add_data_func (glibc_handlers, path, test_glibc_handlers);
      g_test_add_data_func (killed, path, test_killed_before_exec);
      /* The fork-like paths need no stack; with clone3() answering EPERM
       * glibc cannot create threads (it falls back on ENOSYS only). */
      if (path->spawn_method == NULL && path->clone3_errno != EPERM)
        {
          g_autofree char *stacks = g_strdup_printf ("/process/spawn/%s/thread-stacks", path->name);

          g_test_add_data_func (stacks, path, test_thread_stacks);
        }
    }

  g_test_add_func ("/process/spawn/bind-now", test_bind_now);

  return g_test_run ();
}
