/* test-version.c: the version macros of cam-version.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cam-version.h is generated from the meson project version, which the
 * test environment passes in CAM_TEST_VERSION.
 */

#include "cam-test-utils.h"

/* The macros must work in the preprocessor, as GLIB_CHECK_VERSION does. */
#if !CAM_CHECK_VERSION (1, 0, 0)
#error "CAM_CHECK_VERSION (1, 0, 0) is false in #if"
#endif
#if CAM_CHECK_VERSION (CAM_MAJOR_VERSION + 1, 0, 0)
#error "CAM_CHECK_VERSION of the next major version is true in #if"
#endif

/* The three numbers are the project version. */
static void
test_version_numbers (void)
{
  const char *expected = g_getenv ("CAM_TEST_VERSION");
  g_autofree char *version = NULL;

  if (expected == NULL)
    {
      g_test_skip ("CAM_TEST_VERSION is not set (run through meson test)");
      return;
    }
  version = g_strdup_printf ("%d.%d.%d", CAM_MAJOR_VERSION,
                             CAM_MINOR_VERSION, CAM_MICRO_VERSION);
  g_assert_cmpstr (version, ==, expected);
}

/* True for this version and older ones, false for any newer one. */
static void
test_version_check (void)
{
  const int major = CAM_MAJOR_VERSION;
  const int minor = CAM_MINOR_VERSION;
  const int micro = CAM_MICRO_VERSION;

  g_assert_true (CAM_CHECK_VERSION (major, minor, micro));
  g_assert_true (CAM_CHECK_VERSION (0, 0, 0));
  g_assert_true (CAM_CHECK_VERSION (major, 0, 0));
  g_assert_true (CAM_CHECK_VERSION (major - 1, minor + 1, micro + 1));
  if (micro > 0)
    g_assert_true (CAM_CHECK_VERSION (major, minor, micro - 1));
  if (minor > 0)
    g_assert_true (CAM_CHECK_VERSION (major, minor - 1, micro + 1));

  g_assert_false (CAM_CHECK_VERSION (major, minor, micro + 1));
  g_assert_false (CAM_CHECK_VERSION (major, minor + 1, 0));
  g_assert_false (CAM_CHECK_VERSION (major + 1, 0, 0));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/version/numbers", test_version_numbers);
  g_test_add_func ("/process/version/check", test_version_check);

  return g_test_run ();
}
