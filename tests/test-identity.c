/* test-identity.c: who a child is on the host and in its user namespace
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A sandboxed child of root must never keep host uid 0: it cannot read
 * root's private files, and the parent sees a non-zero Uid for it in
 * /proc.  set_user() switches groups, gid and uid with raw syscalls; a
 * caller without the privilege gets a GError naming the refused call.
 * Issue #8.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cam-test-utils.h"

/* Why the root cases need root. */
static const char * const why_root =
  "CAP_SETUID, CAP_SETGID, and root-owned files to protect";

/* "         0      65534          1\n" → "0 65534 1" */
static char *
squeeze (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (gsize i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (" ", (char **) kept->pdata);
}

/* The field @name of /proc/@pid/status, squeezed: "65534 65534 65534 65534". */
static char *
host_status_field (int         pid,
                   const char *name)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  g_autofree char *prefix = g_strdup_printf ("%s:", name);
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  lines = g_strsplit (status, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return squeeze (lines[i] + strlen (prefix));
  g_assert_not_reached ();
}

/* The host ids of a child, seen from outside while it runs: the helper
 * copies stdin, a pipe of ours, until we close it.  Its ids are final
 * once start() returns, since it has exec'd. */
static void
assert_host_ids (CamProcess *process,
                 const char *uids,
                 const char *gids)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uid = NULL, *gid = NULL;
  CamTestFinished finished;
  int in[2];

  cam_test_finished_watch (&finished, process);
  cam_test_pipe (in);
  cam_process_take_fd (process, in[0], STDIN_FILENO);
  g_assert_true (cam_test_start_helper (process, NULL, 0, &error, "cat",
                                        NULL));
  g_assert_no_error (error);
  uid = host_status_field (cam_process_get_pid (process), "Uid");
  gid = host_status_field (cam_process_get_pid (process), "Gid");
  g_assert_no_errno (close (in[1]));
  cam_test_finished_wait (&finished);
  g_assert_cmpint (finished.code, ==, 0);
  cam_test_finished_unwatch (&finished);

  g_assert_cmpstr (uid, ==, uids);
  g_assert_cmpstr (gid, ==, gids);
}

/* As root: a SANDBOX child is host nobody, cannot read a 0600 file of
 * root nor create a file in a 0700 directory of root, and is uid 0 in its
 * own namespace. */
static void
test_sandbox_root (void)
{
  g_autoptr(CamProcess) sandboxed = NULL;
  g_autoptr(CamProcess) plain = cam_process_new ();
  g_autofree char *dir = NULL, *secret = NULL, *private_dir = NULL;
  g_autofree char *created = NULL, *eacces = NULL;
  g_autofree char *read_sandboxed = NULL, *create_sandboxed = NULL;
  g_autofree char *read_plain = NULL, *create_plain = NULL;
  g_autofree char *ids = NULL;

  if (cam_test_skip_unless_root (why_root) || cam_test_skip_unless_userns () ||
      cam_test_skip_unless_public (cam_test_helper_path ()))
    return;

  dir = g_dir_make_tmp ("cam-test-identity-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_assert_no_errno (g_chmod (dir, 0755));
  secret = g_build_filename (dir, "secret", NULL);
  g_assert_true (g_file_set_contents_full (secret, "shadow", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0600,
                                           NULL));
  private_dir = g_build_filename (dir, "private", NULL);
  g_assert_no_errno (g_mkdir (private_dir, 0700));
  created = g_build_filename (private_dir, "created", NULL);

  /* Bound into its root writable, so that only its host identity stands
   * in its way. */
  sandboxed = cam_test_process_new (CAM_PROCESS_FLAGS_SANDBOX);
  cam_process_bind_path (sandboxed, dir, NULL, TRUE);
  read_sandboxed = cam_test_run_helper_report (sandboxed, "try-open", secret,
                                               NULL);
  create_sandboxed = cam_test_run_helper_report (sandboxed, "try-create",
                                                 created, NULL);
  eacces = g_strdup_printf ("%d\n", EACCES);
  g_assert_cmpstr (read_sandboxed, ==, eacces);
  g_assert_cmpstr (create_sandboxed, ==, eacces);

  /* Control: the same child without the sandbox, as root, can. */
  read_plain = cam_test_run_helper_report (plain, "try-open", secret, NULL);
  create_plain = cam_test_run_helper_report (plain, "try-create", created,
                                             NULL);
  g_assert_cmpstr (read_plain, ==, "ok\n");
  g_assert_cmpstr (create_plain, ==, "ok\n");

  ids = cam_test_run_helper_report (sandboxed, "print-ids", NULL);
  g_assert_cmpstr (ids, ==, "uid 0 0 0\ngid 0 0 0\ngroups 0\n");
  assert_host_ids (sandboxed, "65534 65534 65534 65534",
                   "65534 65534 65534 65534");

  g_assert_no_errno (g_unlink (created));
  g_assert_no_errno (g_rmdir (private_dir));
  g_assert_no_errno (g_unlink (secret));
  g_assert_no_errno (g_rmdir (dir));
}

/* set_user() without a namespace: all ids switched, groups dropped. */
static void
test_set_user (void)
{
  static const gid_t groups[] = { 4, 27 };
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(CamProcess) plain = cam_process_new ();
  g_autofree char *status = NULL, *plain_status = NULL;

  if (cam_test_skip_unless_root (why_root) ||
      cam_test_skip_unless_public (cam_test_helper_path ()) ||
      !cam_test_in_subprocess ())
    return;

  /* Supplementary groups of the caller, which the child must drop. */
  g_assert_no_errno (setgroups (G_N_ELEMENTS (groups), groups));
  plain_status = cam_test_run_helper_report (plain, "print-status", "Groups",
                                             NULL);
  g_assert_cmpstr (plain_status, ==, "Groups 4 27\n");

  cam_process_set_user (process, 1000, 1000);
  status = cam_test_run_helper_report (process, "print-status", "Uid", "Gid",
                                       "Groups", NULL);
  g_assert_cmpstr (status, ==,
                   "Uid 1000 1000 1000 1000\n"
                   "Gid 1000 1000 1000 1000\n"
                   "Groups\n");
}

/* set_user() with a user namespace: that is the host identity, mapped to
 * 0 inside. */
static void
test_set_user_sandbox (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *ids = NULL, *uid_map = NULL, *gid_map = NULL;
  g_autofree char *uid_line = NULL, *gid_line = NULL;

  if (cam_test_skip_unless_root (why_root) || cam_test_skip_unless_userns () ||
      cam_test_skip_unless_public (cam_test_helper_path ()))
    return;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_SANDBOX);
  cam_process_set_user (process, 1000, 1001);
  ids = cam_test_run_helper_report (process, "print-ids", NULL);
  g_assert_cmpstr (ids, ==, "uid 0 0 0\ngid 0 0 0\ngroups 0\n");
  uid_map = cam_test_run_helper_report (process, "print-file",
                                        "/proc/self/uid_map", NULL);
  uid_line = squeeze (uid_map);
  g_assert_cmpstr (uid_line, ==, "0 1000 1");
  gid_map = cam_test_run_helper_report (process, "print-file",
                                        "/proc/self/gid_map", NULL);
  gid_line = squeeze (gid_map);
  g_assert_cmpstr (gid_line, ==, "0 1001 1");
  assert_host_ids (process, "1000 1000 1000 1000", "1001 1001 1001 1001");
}

/* Asking for root explicitly is honoured: the documented exception. */
static void
test_set_user_root_sandbox (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *uid_map = NULL, *uid_line = NULL;

  if (cam_test_skip_unless_root (why_root) || cam_test_skip_unless_userns ())
    return;

  process = cam_test_process_new (CAM_PROCESS_FLAGS_SANDBOX);
  cam_process_set_user (process, 0, 0);
  uid_map = cam_test_run_helper_report (process, "print-file",
                                        "/proc/self/uid_map", NULL);
  uid_line = squeeze (uid_map);
  g_assert_cmpstr (uid_line, ==, "0 0 1");
}

/* A caller that is not root keeps its own host ids, mapped to 0. */
static void
test_unprivileged_sandbox (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autofree char *ids = NULL, *uid_map = NULL, *uid_line = NULL;
  g_autofree char *expected_map = NULL, *expected_uids = NULL;
  g_autofree char *expected_gids = NULL, *session = NULL;
  g_auto(GStrv) session_ids = NULL;

  if (cam_test_skip_unless_userns () ||
      cam_test_skip_unless_public (cam_test_helper_path ()) ||
      !cam_test_in_subprocess ())
    return;

  cam_test_become_unprivileged ();
  process = cam_test_process_new (CAM_PROCESS_FLAGS_SANDBOX);
  ids = cam_test_run_helper_report (process, "print-ids", NULL);
  g_assert_cmpstr (ids, ==, "uid 0 0 0\ngid 0 0 0\ngroups 0\n");

  uid_map = cam_test_run_helper_report (process, "print-file",
                                        "/proc/self/uid_map", NULL);
  uid_line = squeeze (uid_map);
  expected_map = g_strdup_printf ("0 %u 1", geteuid ());
  g_assert_cmpstr (uid_line, ==, expected_map);

  expected_uids = g_strdup_printf ("%u %u %u %u", geteuid (), geteuid (),
                                   geteuid (), geteuid ());
  expected_gids = g_strdup_printf ("%u %u %u %u", getegid (), getegid (),
                                   getegid (), getegid ());
  assert_host_ids (process, expected_uids, expected_gids);

  /* A PID namespace too: the user namespace then comes with the clone. */
  cam_process_set_flags (process, CAM_PROCESS_FLAGS_SANDBOX |
                                  CAM_PROCESS_FLAGS_ISOLATE_PID);
  session = cam_test_run_helper_report (process, "print-session", NULL);
  session_ids = g_strsplit (session, " ", -1);
  g_assert_cmpstr (session_ids[0], ==, "1");
}

static void
assert_set_user_fails (guint32     uid,
                       guint32     gid,
                       const char *fragment)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL;

  cam_process_set_user (process, uid, gid);
  g_assert_false (cam_test_start_helper (process, NULL, 0, &error, "exit",
                                         "0", NULL));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_test_message ("start() failed as expected: %s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

/* A caller that is not root asking for another uid: setresuid answers
 * EPERM (the gid is its own, so that setresgid passes); another gid:
 * setresgid does. */
static void
test_unprivileged_set_user (void)
{
  g_autofree char *uid_fragment = NULL, *gid_fragment = NULL;
  guint32 other;

  if (!cam_test_in_subprocess ())
    return;

  cam_test_become_unprivileged ();
  other = geteuid () == 1000 ? 1001 : 1000;
  uid_fragment = g_strdup_printf ("Failed to set the user ID of the child process to %u (setresuid): %s",
                                  other, g_strerror (EPERM));
  assert_set_user_fails (other, getegid (), uid_fragment);

  gid_fragment = g_strdup_printf ("(setresgid): %s", g_strerror (EPERM));
  assert_set_user_fails (geteuid (), other, gid_fragment);
}

/* A new PID namespace comes with the clone, which needs CAP_SYS_ADMIN
 * unless a new user namespace comes with it. */
static void
test_unprivileged_isolate_pid (void)
{
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *children = NULL;

  if (!cam_test_in_subprocess ())
    return;

  cam_test_become_unprivileged ();
  process = cam_test_process_new (CAM_PROCESS_FLAGS_ISOLATE_PID);
  g_assert_false (cam_test_start_helper (process, NULL, 0, &error, "exit",
                                         "0", NULL));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_test_message ("start() failed as expected: %s", error->message);
  g_assert_nonnull (strstr (error->message, "new PID namespace: it needs CAP_SYS_ADMIN"));
  children = cam_test_list_children ();
  g_assert_cmpstr (children, ==, "");
}

/* Under CLONE_VM the dumpable flag is the parent's too (it lives in the
 * mm): the child's id switch clears it.  The parent's own value must
 * survive, 1 or 0. */
static void
test_dumpable_kept (void)
{
  g_autoptr(CamProcess) switching = cam_process_new ();
  g_autoptr(CamProcess) mapping = NULL;
  g_autofree char *report = NULL, *mapped = NULL;

  if (cam_test_skip_unless_root (why_root) || cam_test_skip_unless_userns () ||
      cam_test_skip_unless_public (cam_test_helper_path ()) ||
      !cam_test_in_subprocess ())
    return;

  /* An id switch alone. */
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);
  cam_process_set_user (switching, 65534, 65534);
  report = cam_test_run_helper_report (switching, "print-ids", NULL);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);

  /* A user namespace, our own ids kept. */
  g_assert_no_errno (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0));
  mapping = cam_test_process_new (CAM_PROCESS_FLAGS_SANDBOX);
  cam_process_set_user (mapping, 0, 0);
  mapped = cam_test_run_helper_report (mapping, "print-ids", NULL);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/identity/sandbox-root", test_sandbox_root);
  g_test_add_func ("/process/identity/set-user", test_set_user);
  g_test_add_func ("/process/identity/set-user/sandbox",
                   test_set_user_sandbox);
  g_test_add_func ("/process/identity/set-user/root-sandbox",
                   test_set_user_root_sandbox);
  g_test_add_func ("/process/identity/unprivileged/sandbox",
                   test_unprivileged_sandbox);
  g_test_add_func ("/process/identity/unprivileged/set-user",
                   test_unprivileged_set_user);
  g_test_add_func ("/process/identity/unprivileged/isolate-pid",
                   test_unprivileged_isolate_pid);
  g_test_add_func ("/process/identity/dumpable-kept", test_dumpable_kept);

  return g_test_run ();
}
