/* test-seccomp.c: the system call restrictions of a child
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The child is cam-test-syscalls, an attacker: it tries what
 * CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS refuses (new namespaces, mounts,
 * ptrace, keyrings, bpf, io_uring, TIOCSTI with the upper bits of the
 * request set, the ia32 entry point…) and reports each errno.  Its
 * arguments are chosen so that the kernel never answers EPERM to root in a
 * mount namespace of its own: /process/seccomp/plain shows it, so an
 * EPERM in the root cases can only come from the filter.  The caller's own
 * filter (set_seccomp_filter) is tested on top of the built-in one and
 * alone.  Issue "Confinement".
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cam-test-seccomp.h"
#include "cam-test-utils.h"

/* Why the root cases need root. */
static const char * const why_root =
  "the kernel answers EPERM to many of the attacks of an unprivileged caller, filter or not";

/* What RESTRICT_SYSCALLS refuses with EPERM. */
static const char * const refused[] = {
  "unshare-user", "clone-newuser", "setns-user",
  "mount-tmpfs", "umount", "pivot-root",
  "ptrace-traceme", "ptrace-attach", "process-vm-readv", "process-vm-writev",
  "keyctl", "add-key", "request-key", "bpf", "perf-event-open",
  "userfaultfd", "io-uring-setup", "io-uring-enter", "kexec-file-load",
  "finit-module", "delete-module",
  "personality-bsd", "personality-high",
  "tiocsti", "tiocsti-high", "tioclinux",
#if defined(__x86_64__)
  "ia32-getpid", "ia32-unshare", "x32-getpid",
#endif
};

/* What it leaves alone: forking (glibc falls back to clone() when clone3()
 * says ENOSYS), the personality query and PER_LINUX. */
static const char * const allowed[] = {
  "fork", "personality-linux", "personality-query", "uname",
};

static const char *
syscalls_path (void)
{
  static char *path = NULL;

  if (g_once_init_enter (&path))
    g_once_init_leave (&path, g_test_build_filename (G_TEST_BUILT,
                                                     "cam-test-syscalls",
                                                     NULL));
  return path;
}

/* Starts the payload with the attacks, NULL-terminated, and waits for it.
 * Returns the attack → result table; asserts that the payload exited
 * with 0 and that no attack was killed. */
static GHashTable *
run_attacks_v (CamProcess         *process,
               const char * const *attacks)
{
  g_autoptr(GHashTable) results = g_hash_table_new_full (g_str_hash,
                                                         g_str_equal,
                                                         g_free, g_free);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL, *report = NULL;
  g_auto(GStrv) lines = NULL;
  CamTestFinished finished;
  int pipe_fds[2];

  dir = g_dir_make_tmp ("cam-test-seccomp-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_no_errno (chmod (dir, 0755));

  cam_test_pipe (pipe_fds);
  g_ptr_array_add (argv, g_strdup (syscalls_path ()));
  g_ptr_array_add (argv, g_strdup_printf ("%d", pipe_fds[1]));
  g_ptr_array_add (argv, g_strdup (dir));
  for (gsize i = 0; attacks[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (attacks[i]));
  g_ptr_array_add (argv, NULL);

  cam_test_finished_watch (&finished, process);
  cam_process_start (process, syscalls_path (),
                     (const char * const *) argv->pdata, &pipe_fds[1], 1,
                     &error);
  g_assert_no_error (error);
  g_assert_no_errno (close (pipe_fds[1]));
  report = cam_test_read_to_eof (pipe_fds[0]);
  g_assert_no_errno (close (pipe_fds[0]));
  cam_test_finished_assert_exit (&finished,
                                 CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT, 0);
  cam_test_finished_unwatch (&finished);
  g_assert_no_errno (g_rmdir (dir));

  g_test_message ("attacks: %s", report);
  lines = g_strsplit (report, "\n", -1);
  for (gsize i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      char *space = strchr (lines[i], ' ');

      g_assert_nonnull (space);
      g_hash_table_insert (results, g_strndup (lines[i], space - lines[i]),
                           g_strdup (space + 1));
    }
  g_assert_cmpuint (g_hash_table_size (results), ==, argv->len - 4);

  return g_steal_pointer (&results);
}

static GHashTable *
run_attacks (CamProcess *process,
             const char *attack,
             ...) G_GNUC_NULL_TERMINATED;

static GHashTable *
run_attacks (CamProcess *process,
             const char *attack,
             ...)
{
  g_autoptr(GPtrArray) attacks = g_ptr_array_new ();
  va_list args;

  va_start (args, attack);
  for (; attack != NULL; attack = va_arg (args, const char *))
    g_ptr_array_add (attacks, (gpointer) attack);
  va_end (args);
  g_ptr_array_add (attacks, NULL);

  return run_attacks_v (process, (const char * const *) attacks->pdata);
}

static void
assert_result (GHashTable *results,
               const char *attack,
               int         expected)
{
  g_autofree char *expected_text = g_strdup_printf ("%d", expected);
  const char *result = g_hash_table_lookup (results, attack);

  g_test_message ("%s: %s, expected %s", attack, result, expected_text);
  g_assert_cmpstr (result, ==, expected_text);
}

/* Runs every attack: each refused one fails with EPERM, clone3() with
 * ENOSYS, the allowed ones succeed, no_new_privs is set and exactly
 * @n_filters filters are loaded. */
static void
assert_restricted (CamProcess *process,
                   int         n_filters)
{
  g_autoptr(GPtrArray) attacks = g_ptr_array_new ();
  g_autoptr(GHashTable) results = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    g_ptr_array_add (attacks, (gpointer) refused[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (allowed); i++)
    g_ptr_array_add (attacks, (gpointer) allowed[i]);
  g_ptr_array_add (attacks, (gpointer) "clone3");
  g_ptr_array_add (attacks, (gpointer) "no-new-privs");
  g_ptr_array_add (attacks, (gpointer) "seccomp-filters");
  g_ptr_array_add (attacks, NULL);

  results = run_attacks_v (process, (const char * const *) attacks->pdata);
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_result (results, refused[i], EPERM);
  for (gsize i = 0; i < G_N_ELEMENTS (allowed); i++)
    assert_result (results, allowed[i], 0);
  assert_result (results, "clone3", ENOSYS);
  assert_result (results, "no-new-privs", 1);
  assert_result (results, "seccomp-filters", n_filters);
}

/* Without the flag, root in a mount namespace of its own gets no EPERM
 * from any attack, and clone3() works: the other tests can fail. */
static void
test_plain (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GPtrArray) attacks = g_ptr_array_new ();
  g_autoptr(GHashTable) results = NULL;

  if (cam_test_skip_unless_root (why_root))
    return;

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    g_ptr_array_add (attacks, (gpointer) refused[i]);
  g_ptr_array_add (attacks, NULL);

  process = cam_test_process_new (CAM_PROCESS_FLAGS_ISOLATE_MOUNT);
  results = run_attacks_v (process, (const char * const *) attacks->pdata);
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      const char *result = g_hash_table_lookup (results, refused[i]);
      g_autofree char *eperm = g_strdup_printf ("%d", EPERM);

      g_assert_cmpstr (result, !=, eperm);
    }

  g_clear_pointer (&results, g_hash_table_unref);
  results = run_attacks (process, "clone3", "no-new-privs", "seccomp-filters",
                         NULL);
  assert_result (results, "clone3", 0);
  assert_result (results, "no-new-privs", 0);
  assert_result (results, "seccomp-filters", 0);
}

/* Root, without a user namespace: the mount namespace keeps a tmpfs out
 * of the host should the filter fail. */
static void
test_restrict_root (void)
{
  g_autoptr(CamProcess) process = NULL;

  if (cam_test_skip_unless_root (why_root))
    return;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS |
                                  CAM_PROCESS_FLAGS_ISOLATE_MOUNT);
  assert_restricted (process, 1);
}

/* Root inside the child's own user namespace, where it holds every
 * capability over its namespaces; and with the whole SANDBOX. */
static void
test_restrict_isolate_user (void)
{
  g_autoptr(CamProcess) process = NULL;

  if (cam_test_skip_unless_userns ())
    return;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS |
                                  CAM_PROCESS_FLAGS_ISOLATE_USER |
                                  CAM_PROCESS_FLAGS_ISOLATE_MOUNT);
  assert_restricted (process, 1);

  cam_process_set_flags (process, CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS |
                                  CAM_PROCESS_FLAGS_SANDBOX |
                                  CAM_PROCESS_FLAGS_ISOLATE_MOUNT);
  assert_restricted (process, 1);
}

/* An unprivileged caller: the filter needs no privilege (no_new_privs is
 * implied), with and without a user namespace. */
static void
test_restrict_unprivileged (void)
{
  g_autoptr(CamProcess) process = NULL;

  if (cam_test_skip_unless_userns () ||
      cam_test_skip_unless_public (syscalls_path ()) ||
      !cam_test_in_subprocess ())
    return;

  cam_test_become_unprivileged ();
  process = cam_test_process_new (CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS);
  assert_restricted (process, 1);

  cam_process_set_flags (process, CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS |
                                  CAM_PROCESS_FLAGS_ISOLATE_USER |
                                  CAM_PROCESS_FLAGS_ISOLATE_MOUNT);
  assert_restricted (process, 1);
}

/* A kernel (or a sandbox) without seccomp: start() fails naming the step,
 * never starts the child unfiltered. */
static void
test_restrict_unsupported (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL, *expected = NULL;
  const char *argv[] = { syscalls_path (), "1", "/", NULL };

  if (cam_test_skip_unless_seccomp ())
    return;
  if (!cam_test_in_subprocess ())
    return;

  g_assert_no_errno (cam_test_seccomp_fail_syscall (__NR_seccomp, EINVAL));
  process = cam_test_process_new (CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS);
  g_assert_false (cam_process_start (process, syscalls_path (), argv, NULL, 0,
                                     &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  expected = g_strdup_printf ("Failed to install the built-in seccomp filter of the child process: %s",
                              g_strerror (EINVAL));
  g_assert_cmpstr (error->message, ==, expected);
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

/* A seccomp() that answers ENOSYS, as under valgrind: the child loads its
 * filter through prctl (PR_SET_SECCOMP) instead.  The test's own filter
 * counts too. */
static void
test_restrict_prctl_fallback (void)
{
  g_autoptr(CamProcess) process = NULL;

  if (cam_test_skip_unless_seccomp ())
    return;
  if (cam_test_skip_unless_root (why_root) || !cam_test_in_subprocess ())
    return;

  g_assert_no_errno (cam_test_seccomp_fail_syscall (__NR_seccomp, ENOSYS));
  process = cam_test_process_new (CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS |
                                  CAM_PROCESS_FLAGS_ISOLATE_MOUNT);
  assert_restricted (process, 2);
}

/* The parent-death signal lock (CAM_SECCOMP_RULES_LOCK_PDEATHSIG), on in
 * this branch with RESTRICT_SYSCALLS and DIE_WITH_PARENT together: only
 * SIGKILL may be set, whatever the upper bits of the option. */
static void
test_lock_pdeathsig (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GHashTable) results = NULL;

  if (cam_test_skip_unless_userns ())
    return;

  /* Pid 1 of a namespace with a parent death signal: locked, and
   * no_new_privs comes with it. */
  process = cam_test_process_new (CAM_PROCESS_FLAGS_ISOLATE_USER |
                                  CAM_PROCESS_FLAGS_ISOLATE_PID |
                                  CAM_PROCESS_FLAGS_DIE_WITH_PARENT);
  results = run_attacks (process, "pdeathsig-0", "pdeathsig-kill",
                         "pdeathsig-term-high", "no-new-privs", NULL);
  assert_result (results, "pdeathsig-0", EPERM);
  assert_result (results, "pdeathsig-kill", 0);
  assert_result (results, "pdeathsig-term-high", EPERM);
  assert_result (results, "no-new-privs", 1);
  g_clear_pointer (&results, g_hash_table_unref);

  /* The lock is a rule set of its own: with RESTRICT_SYSCALLS too, and
   * not there without a PID namespace. */
  cam_process_set_flags (process, CAM_PROCESS_FLAGS_SANDBOX |
                                  CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS);
  results = run_attacks (process, "pdeathsig-0", "unshare-user", NULL);
  assert_result (results, "pdeathsig-0", EPERM);
  assert_result (results, "unshare-user", EPERM);
  g_clear_pointer (&results, g_hash_table_unref);

  cam_process_set_flags (process, CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS |
                                  CAM_PROCESS_FLAGS_DIE_WITH_PARENT);
  results = run_attacks (process, "pdeathsig-0", "pdeathsig-kill",
                         "pdeathsig-term-high", NULL);
  assert_result (results, "pdeathsig-0", 0);
  assert_result (results, "pdeathsig-kill", 0);
  assert_result (results, "pdeathsig-term-high", 0);
}

#if defined(__x86_64__) && defined(__LP64__)
# define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
# define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef TEST_AUDIT_ARCH
/* A caller's program: uname() fails with @errnum, the rest is allowed. */
static GBytes *
uname_filter_new (int errnum)
{
  struct sock_filter filter[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_uname, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (errnum & SECCOMP_RET_DATA)),
  };

  return g_bytes_new (filter, sizeof filter);
}
#endif

#ifdef TEST_AUDIT_ARCH
/* On top of the built-in filter: both apply. */
static void
test_caller_filter_on_top (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GBytes) program = uname_filter_new (EACCES);
  g_autoptr(GHashTable) results = NULL;
  g_autoptr(GError) error = NULL;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS);
  g_assert_true (cam_process_set_seccomp_filter (process, program, &error));
  g_assert_no_error (error);

  results = run_attacks (process, "uname", "unshare-user", "fork",
                         "no-new-privs", "seccomp-filters", NULL);
  assert_result (results, "uname", EACCES);
  assert_result (results, "unshare-user", EPERM);
  assert_result (results, "fork", 0);
  assert_result (results, "no-new-privs", 1);
  assert_result (results, "seccomp-filters", 2);
}

/* Alone, it implies no_new_privs; a second call replaces it; NULL clears
 * it. */
static void
test_caller_filter_replace_clear (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GBytes) eacces = uname_filter_new (EACCES);
  g_autoptr(GBytes) enospc = uname_filter_new (ENOSPC);
  g_autoptr(GHashTable) results = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cam_process_set_seccomp_filter (process, eacces, &error));
  g_assert_no_error (error);
  results = run_attacks (process, "uname", "no-new-privs", "seccomp-filters",
                         NULL);
  assert_result (results, "uname", EACCES);
  assert_result (results, "no-new-privs", 1);
  assert_result (results, "seccomp-filters", 1);
  g_clear_pointer (&results, g_hash_table_unref);

  g_assert_true (cam_process_set_seccomp_filter (process, enospc, &error));
  g_assert_no_error (error);
  results = run_attacks (process, "uname", "seccomp-filters", NULL);
  assert_result (results, "uname", ENOSPC);
  assert_result (results, "seccomp-filters", 1);
  g_clear_pointer (&results, g_hash_table_unref);

  g_assert_true (cam_process_set_seccomp_filter (process, NULL, &error));
  g_assert_no_error (error);
  results = run_attacks (process, "uname", "no-new-privs", "seccomp-filters",
                         NULL);
  assert_result (results, "uname", 0);
  assert_result (results, "no-new-privs", 0);
  assert_result (results, "seccomp-filters", 0);
}

static void
assert_invalid_program (CamProcess *process,
                        gsize       size)
{
  g_autofree guint8 *data = g_malloc0 (MAX (size, 1));
  g_autoptr(GBytes) program = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;

  g_assert_false (cam_process_set_seccomp_filter (process, program, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_test_message ("%" G_GSIZE_FORMAT " bytes: %s", size, error->message);
}

/* Programs that cannot be one are refused at once, and the program set
 * before stays. */
static void
test_caller_filter_invalid (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GBytes) program = uname_filter_new (EACCES);
  g_autoptr(GHashTable) results = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cam_process_set_seccomp_filter (process, program, &error));
  g_assert_no_error (error);

  assert_invalid_program (process, 7);
  assert_invalid_program (process, 0);
  assert_invalid_program (process, (BPF_MAXINSNS + 1) *
                                   sizeof (struct sock_filter));

  results = run_attacks (process, "uname", "seccomp-filters", NULL);
  assert_result (results, "uname", EACCES);
  assert_result (results, "seccomp-filters", 1);
}
#endif

/* Programs the kernel refuses make start() fail, with no child left. */
static void
test_caller_filter_refused (void)
{
  struct sock_filter bad_opcode[] = {
    { .code = 0xffff },
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_filter bad_jump[] = {
    BPF_JUMP (BPF_JMP | BPF_JA, 100, 0, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct {
    const struct sock_filter *filter;
    gsize                     size;
    CamProcessFlags           flags;
  } cases[] = {
    { bad_opcode, sizeof bad_opcode, CAM_PROCESS_FLAGS_NONE },
    { bad_jump, sizeof bad_jump, CAM_PROCESS_FLAGS_NONE },
    { bad_jump, sizeof bad_jump, CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS },
  };
  g_autofree char *expected = g_strdup_printf ("Failed to install the seccomp filter of the child process: %s",
                                               g_strerror (EINVAL));

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CamProcess) process = cam_test_process_new (cases[i].flags);
      g_autoptr(GBytes) program = g_bytes_new (cases[i].filter, cases[i].size);
      g_autoptr(GError) error = NULL;
      g_autofree char *children = NULL;
      const char *argv[] = { syscalls_path (), "1", "/", NULL };

      g_assert_true (cam_process_set_seccomp_filter (process, program, &error));
      g_assert_no_error (error);
      g_assert_false (cam_process_start (process, syscalls_path (), argv, NULL,
                                         0, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_false (cam_process_get_running (process));
      children = cam_test_list_children ();
      g_assert_cmpstr (children, ==, "");
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/seccomp/plain", test_plain);
  g_test_add_func ("/process/seccomp/restrict/root", test_restrict_root);
  g_test_add_func ("/process/seccomp/restrict/isolate-user",
                   test_restrict_isolate_user);
  g_test_add_func ("/process/seccomp/restrict/unprivileged",
                   test_restrict_unprivileged);
  g_test_add_func ("/process/seccomp/restrict/unsupported",
                   test_restrict_unsupported);
  g_test_add_func ("/process/seccomp/restrict/prctl-fallback",
                   test_restrict_prctl_fallback);
  g_test_add_func ("/process/seccomp/lock-pdeathsig", test_lock_pdeathsig);
#ifdef TEST_AUDIT_ARCH
  g_test_add_func ("/process/seccomp/caller-filter/on-top",
                   test_caller_filter_on_top);
  g_test_add_func ("/process/seccomp/caller-filter/replace-clear",
                   test_caller_filter_replace_clear);
  g_test_add_func ("/process/seccomp/caller-filter/invalid",
                   test_caller_filter_invalid);
#endif
  g_test_add_func ("/process/seccomp/caller-filter/refused",
                   test_caller_filter_refused);

  return g_test_run ();
}
