/* test-files.c: CAM_PROCESS_FLAGS_ISOLATE_FILES and bind_path()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The payload, cam-test-files, plays the attacker in a root of its own: it
 * tries to read and write the caller's files, reach its sockets, see its
 * processes and devices, and reports what happened.  Each case runs in a
 * g_test_trap_subprocess() (but see run_files_test()) as three callers:
 *
 *  - unprivileged: a caller that is not root (root tests drop to 65534);
 *  - root: a plain root caller, whose child is host uid 65534;
 *  - root-mapped: a root caller that keeps host uid 0 for its child
 *    (set_user (0, 0)): file isolation must hold even then.
 *
 * Issue "Confinement", the file-system part.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cam-test-utils.h"

typedef enum {
  CALLER_UNPRIVILEGED = 1 << 0,
  CALLER_ROOT         = 1 << 1,
  CALLER_ROOT_MAPPED  = 1 << 2,
  CALLER_ALL          = 0x7,
} Caller;

static Caller current_caller;

static const char *
payload_path (void)
{
  static char *path = NULL;

  /* Absolute: a relative one would be resolved from a set cwd. */
  if (path == NULL)
    {
      g_autofree char *built = g_test_build_filename (G_TEST_BUILT,
                                                      "cam-test-files", NULL);

      path = g_canonicalize_filename (built, NULL);
    }
  return path;
}

static CamProcess *
files_process_new (void)
{
  CamProcess *process = cam_process_new ();

  cam_process_set_flags (process, CAM_PROCESS_FLAGS_ISOLATE_FILES);
  if (current_caller == CALLER_ROOT_MAPPED)
    cam_process_set_user (process, 0, 0);
  return process;
}

/* Starts the payload; FALSE with @error set on failure. */
static gboolean
start_payload (CamProcess  *process,
               GError     **error,
               const char  *mode,
               va_list      args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;

  g_ptr_array_add (argv, (char *) payload_path ());
  g_ptr_array_add (argv, (char *) mode);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, NULL);

  cam_process_set_stdio_flags (process, CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE);
  return cam_process_start (process, payload_path (),
                            (const char * const *) argv->pdata, NULL, 0,
                            error);
}

/* Runs the payload to a successful exit and returns its output. */
static char * G_GNUC_NULL_TERMINATED
run_payload (CamProcess *process,
             const char *mode,
             ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  va_list args;
  gboolean ok;

  va_start (args, mode);
  ok = start_payload (process, &error, mode, args);
  va_end (args);
  g_assert_no_error (error);
  g_assert_true (ok);

  cam_process_communicate (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  cam_process_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

/* Expects start() to fail with @code and a message containing @fragment,
 * and no child to be left. */
static void G_GNUC_NULL_TERMINATED
assert_start_fails (CamProcess *process,
                    GQuark      domain,
                    int         code,
                    const char *fragment,
                    ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL;
  va_list args;
  gboolean ok;

  va_start (args, fragment);
  ok = start_payload (process, &error, "cwd", args);
  va_end (args);
  g_assert_false (ok);
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, fragment));
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

static char *
make_dir (mode_t mode)
{
  char *dir = g_dir_make_tmp ("cam-test-files-XXXXXX", NULL);

  g_assert_nonnull (dir);
  g_assert_no_errno (g_chmod (dir, mode));
  return dir;
}

static char *
make_file (const char *dir,
           const char *name,
           const char *contents,
           int         mode)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents_full (path, contents, -1,
                                           G_FILE_SET_CONTENTS_NONE, mode,
                                           NULL));
  return path;
}

static void
assert_file_contents (const char *path,
                      const char *expected)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected);
}

/* A 0600 file of the caller, in a directory not bound: neither readable
 * nor writable, not even by a child that is host root. */
static void
test_private_file (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *dir = make_dir (0700);
  g_autofree char *secret = make_file (dir, "secret", "shadow", 0600);
  g_autofree char *read = NULL, *write = NULL;

  read = run_payload (process, "read", secret, NULL);
  g_assert_cmpstr (read, ==, "error ENOENT\n");
  write = run_payload (process, "write", secret, "owned", NULL);
  g_assert_cmpstr (write, ==, "error ENOENT\n");
  assert_file_contents (secret, "shadow");
}

/* The host's /tmp is not the child's: a file the caller put there is not
 * seen, and the child's /tmp starts empty and is writable. */
static void
test_host_tmp (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *path = g_build_filename (g_get_tmp_dir (),
                                            "cam-test-files-XXXXXX", NULL);
  g_autofree char *program = g_canonicalize_filename (payload_path (), NULL);
  g_autofree char *stat = NULL, *list = NULL, *write = NULL;
  g_autofree char *expected = NULL, *expected_list = NULL;
  int fd;

  /* The only thing in there: the way to the payload itself, where the
   * build tree lies below /tmp (it is made visible at its own path). */
  if (g_str_has_prefix (program, "/tmp/"))
    {
      const char *first = program + strlen ("/tmp/");

      expected_list = g_strdup_printf ("%.*s\n",
                                       (int) strcspn (first, "/"), first);
    }
  else
    expected_list = g_strdup ("\n");

  fd = g_mkstemp (path);
  g_assert_cmpint (fd, >=, 0);
  g_assert_no_errno (close (fd));

  stat = run_payload (process, "stat", path, NULL);
  expected = g_strdup_printf ("%s missing\n", path);
  g_assert_cmpstr (stat, ==, expected);
  list = run_payload (process, "list", "/tmp", NULL);
  g_assert_cmpstr (list, ==, expected_list);
  write = run_payload (process, "write", "/tmp/mine", "x", NULL);
  g_assert_cmpstr (write, ==, "ok\n");
  g_assert_false (g_file_test ("/tmp/mine", G_FILE_TEST_EXISTS));
  g_assert_no_errno (g_unlink (path));
}

/* A read-only bind is read, and every write fails with EROFS. */
static void
test_read_only_bind (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *dir = make_dir (0755);
  g_autofree char *data = make_file (dir, "data", "hello", 0644);
  g_autofree char *read = NULL, *write = NULL, *create = NULL;
  g_autofree char *created = g_build_filename (dir, "new", NULL);

  cam_process_bind_path (process, dir, "/data", FALSE);
  read = run_payload (process, "read", "/data/data", NULL);
  g_assert_cmpstr (read, ==, "ok hello\n");
  write = run_payload (process, "write", "/data/data", "owned", NULL);
  g_assert_cmpstr (write, ==, "error EROFS\n");
  create = run_payload (process, "write", "/data/new", "owned", NULL);
  g_assert_cmpstr (create, ==, "error EROFS\n");

  assert_file_contents (data, "hello");
  g_assert_false (g_file_test (created, G_FILE_TEST_EXISTS));
}

/* The program is uid 0 with every capability in its user namespace, but
 * the mounts are locked (a seccomp filter refuses every mount system
 * call): a read-only bind, of the caller's or a system directory, can be
 * neither remounted read-write nor unmounted. */
static void
test_locked (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *dir = make_dir (0777);
  g_autofree char *data = make_file (dir, "data", "hello", 0666);
  g_autofree char *bind = NULL, *etc = NULL, *write = NULL;

  cam_process_bind_path (process, dir, "/data", FALSE);
  bind = run_payload (process, "remount", "/data", NULL);
  g_assert_cmpstr (bind, ==, "error EPERM\nerror EPERM\n");
  etc = run_payload (process, "remount", "/etc", NULL);
  g_assert_cmpstr (etc, ==, "error EPERM\nerror EPERM\n");
  write = run_payload (process, "write", "/data/data", "owned", NULL);
  g_assert_cmpstr (write, ==, "error EROFS\n");
  assert_file_contents (data, "hello");
}

/* A writable bind at its own path: the caller sees the child's write. */
static void
test_writable_bind (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *dir = make_dir (0777);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *write = NULL;

  cam_process_bind_path (process, dir, NULL, TRUE);
  write = run_payload (process, "write", out, "written", NULL);
  g_assert_cmpstr (write, ==, "ok\n");
  assert_file_contents (out, "written");
}

/* A Unix socket of the caller in a directory not bound cannot be reached,
 * even with another directory bound. */
static void
test_socket (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *dir = make_dir (0777);
  g_autofree char *other = make_dir (0755);
  g_autofree char *path = g_build_filename (dir, "sock", NULL);
  g_autofree char *connect = NULL;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (strlen (path), <, sizeof addr.sun_path);
  strcpy (addr.sun_path, path);
  g_assert_no_errno (bind (fd, (struct sockaddr *) &addr, sizeof addr));
  g_assert_no_errno (chmod (path, 0777));
  g_assert_no_errno (listen (fd, 1));

  cam_process_bind_path (process, other, NULL, TRUE);
  connect = run_payload (process, "connect", path, NULL);
  g_assert_cmpstr (connect, ==, "error ENOENT\n");
  g_assert_no_errno (close (fd));
}

/* /proc is the child's own: it is pid 1 and sees no other process. */
static void
test_proc (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *pids = run_payload (process, "pids", NULL);

  g_assert_cmpstr (pids, ==, "self 1\npids 1\n");
}

/* /dev: the six nodes, a private pts, nothing else, no block device. */
static void
test_dev (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *dev = NULL, *list = NULL, *stat = NULL;

  dev = run_payload (process, "dev", NULL);
  g_assert_cmpstr (dev, ==, "null ok\nzero ok\n");
  list = run_payload (process, "list", "/dev", NULL);
  g_assert_cmpstr (list, ==, "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero\n");
  stat = run_payload (process, "stat", "/dev/sda", "/dev/vda", "/dev/mem",
                      "/dev/kmsg", "/dev/ptmx", "/dev/pts/ptmx", NULL);
  g_assert_cmpstr (stat, ==,
                   "/dev/sda missing\n/dev/vda missing\n/dev/mem missing\n"
                   "/dev/kmsg missing\n/dev/ptmx link pts/ptmx\n"
                   "/dev/pts/ptmx chr\n");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The root holds the system directories, /dev, /proc, /tmp, the
 * directories leading to the program, and nothing else; it is read-only. */
static void
test_absent (void)
{
  static const char * const system_dirs[] = {
    "bin", "etc", "lib", "lib32", "lib64", "libx32", "sbin", "usr",
  };
  g_autoptr(CamProcess) process = files_process_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *stat = NULL, *list = NULL, *expected = NULL;
  g_autofree char *program = g_canonicalize_filename (payload_path (), NULL);
  g_autofree char *top = NULL, *write = NULL;

  stat = run_payload (process, "stat", "/home", "/root", "/run", "/var",
                      "/sys", "/srv", "/mnt", "/media", "/boot", NULL);
  g_assert_cmpstr (stat, ==,
                   "/home missing\n/root missing\n/run missing\n"
                   "/var missing\n/sys missing\n/srv missing\n"
                   "/mnt missing\n/media missing\n/boot missing\n");

  for (gsize i = 0; i < G_N_ELEMENTS (system_dirs); i++)
    {
      g_autofree char *path = g_strconcat ("/", system_dirs[i], NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK))
        g_ptr_array_add (names, g_strdup (system_dirs[i]));
    }
  g_ptr_array_add (names, g_strdup ("dev"));
  g_ptr_array_add (names, g_strdup ("proc"));
  g_ptr_array_add (names, g_strdup ("tmp"));
  /* And the way to the payload, unless it lies in one of those. */
  top = g_strndup (program + 1, strcspn (program + 1, "/"));
  if (!g_ptr_array_find_with_equal_func (names, top, g_str_equal, NULL))
    g_ptr_array_add (names, g_steal_pointer (&top));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  expected = g_strjoinv (" ", (char **) names->pdata);

  list = run_payload (process, "list", "/", NULL);
  g_assert_cmpstr (g_strchomp (list), ==, expected);

  /* Nothing can be added to the root itself. */
  write = run_payload (process, "write", "/home", "x", NULL);
  g_assert_cmpstr (write, ==, "error EROFS\n");
}

/* The program lives in the build tree: the file is visible at its path,
 * its directory holds nothing else. */
static void
test_program_outside (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *program = g_canonicalize_filename (payload_path (), NULL);
  g_autofree char *dir = g_path_get_dirname (program);
  g_autofree char *list = NULL, *stat = NULL, *expected = NULL;

  if (g_str_has_prefix (program, "/usr/"))
    {
      g_test_skip ("the payload lies in /usr");
      return;
    }
  list = run_payload (process, "list", dir, NULL);
  g_assert_cmpstr (list, ==, "cam-test-files\n");
  stat = run_payload (process, "stat", program, NULL);
  expected = g_strdup_printf ("%s file\n", program);
  g_assert_cmpstr (stat, ==, expected);
}

/* The system directories that are symlinks stay the same symlinks. */
static void
test_symlinks (void)
{
  static const char * const dirs[] = {
    "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/usr", "/etc",
  };
  g_autoptr(CamProcess) process = files_process_new ();
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *stat = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *link = g_file_read_link (dirs[i], NULL);

      if (link != NULL)
        g_string_append_printf (expected, "%s link %s\n", dirs[i], link);
      else if (g_file_test (dirs[i], G_FILE_TEST_IS_DIR))
        g_string_append_printf (expected, "%s dir\n", dirs[i]);
      else
        g_string_append_printf (expected, "%s missing\n", dirs[i]);
    }
  stat = run_payload (process, "stat", "/bin", "/sbin", "/lib", "/lib32",
                      "/lib64", "/usr", "/etc", NULL);
  g_assert_cmpstr (stat, ==, expected->str);
}

/* Without set_cwd() the child starts in /. */
static void
test_cwd_default (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *cwd = run_payload (process, "cwd", NULL);

  g_assert_cmpstr (cwd, ==, "/\n");
}

/* A set directory is looked up in the new root: one that is bound works,
 * one that is not is a GError, with no child left. */
static void
test_cwd (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *bound = make_dir (0755);
  g_autofree char *hidden = make_dir (0755);
  g_autofree char *cwd = NULL, *expected = NULL;

  cam_process_bind_path (process, bound, NULL, FALSE);
  cam_process_set_cwd (process, bound);
  cwd = run_payload (process, "cwd", NULL);
  expected = g_strdup_printf ("%s\n", bound);
  g_assert_cmpstr (cwd, ==, expected);

  cam_process_set_cwd (process, hidden);
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, hidden,
                      NULL);
}

/* A bind source that does not exist is a GError naming it. */
static void
test_missing_source (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *dir = make_dir (0755);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);

  cam_process_bind_path (process, missing, "/data", FALSE);
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, missing,
                      NULL);
}

/* A later bind may lie inside an earlier one, here a writable directory
 * inside a read-only one. */
static void
test_nested (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *outer = make_dir (0755);
  g_autofree char *inner = make_dir (0777);
  g_autofree char *outer_file = make_file (outer, "a", "outer", 0644);
  g_autofree char *sub = g_build_filename (outer, "sub", NULL);
  g_autofree char *inner_out = g_build_filename (inner, "b", NULL);
  g_autofree char *read = NULL, *write = NULL, *write_outer = NULL;

  g_assert_no_errno (g_mkdir (sub, 0755));
  cam_process_bind_path (process, outer, "/data", FALSE);
  cam_process_bind_path (process, inner, "/data/sub", TRUE);

  read = run_payload (process, "read", "/data/a", NULL);
  g_assert_cmpstr (read, ==, "ok outer\n");
  write = run_payload (process, "write", "/data/sub/b", "inner", NULL);
  g_assert_cmpstr (write, ==, "ok\n");
  write_outer = run_payload (process, "write", "/data/x", "x", NULL);
  g_assert_cmpstr (write_outer, ==, "error EROFS\n");
  assert_file_contents (inner_out, "inner");
}

/* A root caller binds a directory below its own 0700 directory: the
 * source is opened by the caller, not looked up by the child (host uid
 * 65534 could not enter it), which then reads what is world-readable in
 * it, and still cannot reach it at its host path. */
static void
test_root_private_dir (void)
{
  g_autoptr(CamProcess) process = files_process_new ();
  g_autofree char *dir = make_dir (0700);
  g_autofree char *shared = g_build_filename (dir, "shared", NULL);
  g_autofree char *file = NULL, *read = NULL, *read_host = NULL;

  g_assert_no_errno (g_mkdir (shared, 0755));
  file = make_file (shared, "file", "shared", 0644);

  cam_process_bind_path (process, shared, "/shared", FALSE);
  read = run_payload (process, "read", "/shared/file", NULL);
  g_assert_cmpstr (read, ==, "ok shared\n");
  read_host = run_payload (process, "read", file, NULL);
  g_assert_cmpstr (read_host, ==, "error ENOENT\n");
}

/* Binds without a root of its own: start() refuses them. */
static void
test_binds_need_flag (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();

  cam_process_set_flags (process, CAM_PROCESS_FLAGS_ISOLATE_USER |
                                  CAM_PROCESS_FLAGS_ISOLATE_MOUNT);
  cam_process_bind_path (process, "/usr", NULL, FALSE);
  assert_start_fails (process, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                      "CAM_PROCESS_FLAGS_ISOLATE_FILES", NULL);
}

typedef struct {
  const char *name;
  void      (*func) (void);
  Caller      callers;
} FilesCase;

typedef struct {
  const FilesCase *files_case;
  Caller           caller;
} FilesTest;

static void
run_files_test (gconstpointer data)
{
  const FilesTest *test = data;

  if (test->caller != CALLER_UNPRIVILEGED &&
      cam_test_skip_unless_root ("the root callers are root"))
    return;
  if (cam_test_skip_unless_userns ())
    return;
  /* A root test of the unprivileged caller drops to uid 65534. */
  if (test->caller == CALLER_UNPRIVILEGED && geteuid () == 0 &&
      cam_test_skip_unless_public (payload_path ()))
    return;

  /* The root-mapped caller runs in the test process itself, so that a
   * valgrind run of the test (which does not follow children) covers
   * the parent's side of the spawn. */
  if (g_test_subprocess () || test->caller == CALLER_ROOT_MAPPED)
    {
      current_caller = test->caller;
      if (test->caller == CALLER_UNPRIVILEGED)
        cam_test_become_unprivileged ();
      test->files_case->func ();
      return;
    }

  g_test_trap_subprocess (NULL, CAM_TEST_SUBPROCESS_TIMEOUT_USEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  static const FilesCase cases[] = {
    { "private-file", test_private_file, CALLER_ALL },
    { "host-tmp", test_host_tmp, CALLER_ALL },
    { "read-only-bind", test_read_only_bind, CALLER_ALL },
    { "writable-bind", test_writable_bind, CALLER_ALL },
    { "locked", test_locked, CALLER_ALL },
    { "socket", test_socket, CALLER_ALL },
    { "proc", test_proc, CALLER_ALL },
    { "dev", test_dev, CALLER_ALL },
    { "absent", test_absent, CALLER_ALL },
    { "program-outside", test_program_outside, CALLER_ALL },
    { "symlinks", test_symlinks, CALLER_ALL },
    { "cwd-default", test_cwd_default, CALLER_ALL },
    { "cwd", test_cwd, CALLER_ALL },
    { "missing-source", test_missing_source, CALLER_ALL },
    { "nested", test_nested, CALLER_ALL },
    { "root-private-dir", test_root_private_dir,
      CALLER_ROOT | CALLER_ROOT_MAPPED },
    { "binds-need-flag", test_binds_need_flag, CALLER_UNPRIVILEGED },
  };
  static const struct {
    Caller      caller;
    const char *name;
  } callers[] = {
    { CALLER_UNPRIVILEGED, "unprivileged" },
    { CALLER_ROOT, "root" },
    { CALLER_ROOT_MAPPED, "root-mapped" },
  };

  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (callers); j++)
      {
        FilesTest *test;
        g_autofree char *path = NULL;

        if (!(cases[i].callers & callers[j].caller))
          continue;
        test = g_new (FilesTest, 1);
        test->files_case = &cases[i];
        test->caller = callers[j].caller;
        path = g_strdup_printf ("/process/files/%s/%s", cases[i].name,
                                callers[j].name);
        g_test_add_data_func_full (path, test, run_files_test, g_free);
      }

  return g_test_run ();
}
