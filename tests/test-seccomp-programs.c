/* test-seccomp-programs.c: the built-in seccomp programs written at build time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cam-seccomp-gen writes the program of every rule set when camprocess is
 * built (lib/cam-seccomp.c).  This test has libseccomp build each one
 * again, here, from the same rules (lib/cam-seccomp-rules.c), and
 * compares the bytes: what the library loads cannot drift from the rules
 * or from what this machine's libseccomp makes of them.  Native builds
 * only; a cross build builds its programs at run time.
 */
#include <linux/filter.h>

#include <glib.h>

#include "cam-seccomp.h"
#include "cam-seccomp-rules.h"

static void
test_same_as_runtime (gconstpointer data)
{
  CamSeccompRules rules = GPOINTER_TO_UINT (data);
  g_autofree struct sock_fprog *built = NULL;
  const struct sock_fprog *generated = NULL, *again = NULL;

  g_assert_cmpint (cam_seccomp_get_program (rules, &generated), ==, 0);
  g_assert_nonnull (generated);
  g_assert_cmpint (cam_seccomp_rules_build (rules, &built), ==, 0);

  g_test_message ("%u instructions generated, %u built", generated->len,
                  built->len);
  g_assert_cmpmem (generated->filter,
                   generated->len * sizeof (struct sock_filter),
                   built->filter, built->len * sizeof (struct sock_filter));

  /* Constant data: the same program each time. */
  g_assert_cmpint (cam_seccomp_get_program (rules, &again), ==, 0);
  g_assert_true (again == generated);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const names[] = {
    "restrict", "lock-pdeathsig", "lock-mounts",
  };

  g_test_init (&argc, &argv, NULL);

  G_STATIC_ASSERT (1 << G_N_ELEMENTS (names) == CAM_SECCOMP_RULES_ALL + 1);
  for (guint rules = 1; rules <= CAM_SECCOMP_RULES_ALL; rules++)
    {
      g_autoptr(GString) path = g_string_new ("/process/seccomp/programs/");

      for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
        if (rules & (1U << i))
          g_string_append_printf (path, "%s%s",
                                  path->str[path->len - 1] == '/' ? "" : "+",
                                  names[i]);
      g_test_add_data_func (path->str, GUINT_TO_POINTER (rules),
                            test_same_as_runtime);
    }

  return g_test_run ();
}
