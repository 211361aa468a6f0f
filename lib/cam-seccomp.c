/* cam-seccomp.c: the built-in seccomp filters, written at build time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cam_seccomp_get_program() gives the classic BPF program of a set of
 * built-in rules, which the child loads with the raw seccomp() system
 * call, its last step before execve().  A program depends on nothing but
 * the rule set and the architecture, so cam-seccomp-gen has libseccomp
 * write every one at build time from the rules of cam-seccomp-rules.c,
 * into cam-seccomp-programs.h; here they are constant data.  The library
 * neither links libseccomp nor builds anything when a child starts: no
 * lock, no allocation (the child may share our memory), and none of the
 * 300–450 µs that libseccomp took for the RESTRICT program (about 250
 * instructions) on the first sandboxed start of each process.
 *
 * The build machine's libseccomp writes BPF for its own architecture: a
 * cross build uses cam-seccomp-runtime.c instead (lib/meson.build).
 * test-seccomp-programs checks that these are the bytes libseccomp
 * writes at run time.
 */
#include "config.h"

#include "cam-seccomp.h"

#include <errno.h>

#include "cam-seccomp-programs.h"

G_STATIC_ASSERT (G_N_ELEMENTS (cam_seccomp_programs) == CAM_SECCOMP_RULES_ALL + 1);

/**
 * cam_seccomp_get_program:
 * @rules: a non-empty set of built-in rules
 * @ret_program: (out) (transfer none): the filter, for SECCOMP_SET_MODE_FILTER
 *
 * Gets the filter that refuses what @rules say: constant data, written at
 * build time.  Thread-safe.
 *
 * Returns: 0 (the cross build's cam-seccomp-runtime.c can fail with -errno)
 */
int
cam_seccomp_get_program (CamSeccompRules           rules,
                         const struct sock_fprog **ret_program)
{
  g_return_val_if_fail (rules != 0 && (rules & ~CAM_SECCOMP_RULES_ALL) == 0,
                        -EINVAL);

  *ret_program = &cam_seccomp_programs[rules];
  return 0;
}
