/* test-identity.c: who a child is on the host
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * set_user() switches groups, gid and uid with raw syscalls; a caller
 * without the privilege gets a GError naming the refused call.  Issue #8.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cam-test-utils.h"

static gboolean
skip_unless_root (void)
{
  if (geteuid () == 0)
    return FALSE;
  g_test_skip ("needs root (CAP_SETUID, CAP_SETGID, and root-owned files to protect)");
  return TRUE;
}

/* A child that is not root must be able to execute the helper: every
 * directory above it must be searchable by others. */
static gboolean
skip_unless_helper_public (void)
{
  g_autofree char *path = g_canonicalize_filename (cam_test_helper_path (),
                                                   NULL);

  for (;;)
    {
      struct stat st;
      char *slash;

      g_assert_no_errno (stat (path, &st));
      if (!(st.st_mode & S_IXOTH))
        {
          g_autofree char *msg = g_strdup_printf ("%s is not searchable by other users, who could not run the helper",
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

/* set_user(): all ids switched, groups dropped. */
static void
test_set_user (void)
{
  static const gid_t groups[] = { 4, 27 };
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(CamProcess) plain = cam_process_new ();
  g_autofree char *status = NULL, *plain_status = NULL;

  if (skip_unless_root () || skip_unless_helper_public () ||
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

/* Makes the calling process (a test subprocess) host nobody, if it is
 * root; a caller that is not root stays who it is. */
static void
become_unprivileged (void)
{
  if (geteuid () != 0)
    return;
  g_assert_no_errno (setgroups (0, NULL));
  g_assert_no_errno (setresgid (65534, 65534, 65534));
  g_assert_no_errno (setresuid (65534, 65534, 65534));
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

  become_unprivileged ();
  other = geteuid () == 1000 ? 1001 : 1000;
  uid_fragment = g_strdup_printf ("Failed to set the user ID of the child process to %u (setresuid): %s",
                                  other, g_strerror (EPERM));
  assert_set_user_fails (other, getegid (), uid_fragment);

  gid_fragment = g_strdup_printf ("(setresgid): %s", g_strerror (EPERM));
  assert_set_user_fails (geteuid (), other, gid_fragment);
}

/* Under CLONE_VM the dumpable flag is the parent's too (it lives in the
 * mm): the child's id switch clears it.  The parent's own value must
 * survive. */
static void
test_dumpable_kept (void)
{
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autofree char *report = NULL;

  if (skip_unless_root () || skip_unless_helper_public () ||
      !cam_test_in_subprocess ())
    return;

  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);
  cam_process_set_user (process, 65534, 65534);
  report = cam_test_run_helper_report (process, "print-ids", NULL);
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/identity/set-user", test_set_user);
  g_test_add_func ("/process/identity/unprivileged/set-user",
                   test_unprivileged_set_user);
  g_test_add_func ("/process/identity/dumpable-kept", test_dumpable_kept);

  return g_test_run ();
}
