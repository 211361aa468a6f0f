/* cam-seccomp-runtime.c: the built-in seccomp filters, built at run time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The cam_seccomp_get_program() of a cross build.  A native build writes
 * every program at build time (cam-seccomp.c); a cross build cannot, as
 * the build machine's libseccomp writes BPF for its own architecture, so
 * here libseccomp turns the rules of cam-seccomp-rules.c into the program
 * in each process.  It runs in the parent, because the child may share
 * our memory (CLONE_VM) and must not allocate.
 *
 * A program depends on nothing but the rule set, so each one is built once
 * per process, on first use, and kept: it is immutable from then on and
 * may be handed to any number of children at once.  Building the
 * RESTRICT program (about 250 instructions) takes 300–450 µs on the
 * 2-core machine it was measured on, more than half a spawn round trip,
 * so it is not done per start.
 */
#include "config.h"

#include "cam-seccomp.h"
#include "cam-seccomp-rules.h"

#include <errno.h>

/**
 * cam_seccomp_get_program:
 * @rules: a non-empty set of built-in rules
 * @ret_program: (out) (transfer none): the filter, for SECCOMP_SET_MODE_FILTER
 *
 * Gets the filter that refuses what @rules say, built on first use and
 * kept for the life of the process.  Thread-safe.
 *
 * Returns: 0, or -errno if libseccomp failed (nothing is kept then)
 */
int
cam_seccomp_get_program (CamSeccompRules           rules,
                         const struct sock_fprog **ret_program)
{
  static struct sock_fprog *programs[CAM_SECCOMP_RULES_ALL + 1];
  G_LOCK_DEFINE_STATIC (programs);
  int r = 0;

  g_return_val_if_fail (rules != 0 && (rules & ~CAM_SECCOMP_RULES_ALL) == 0,
                        -EINVAL);

  G_LOCK (programs);
  if (programs[rules] == NULL)
    r = cam_seccomp_rules_build (rules, &programs[rules]);
  if (r == 0)
    *ret_program = programs[rules];
  G_UNLOCK (programs);

  return r;
}
