/* cam-seccomp.h: the built-in seccomp filters, which the child loads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <linux/filter.h>
#include <glib.h>

G_BEGIN_DECLS

/* The built-in rule sets; a filter is built for any combination. */
typedef enum {
  CAM_SECCOMP_RULES_NONE            = 0,
  /* CAM_PROCESS_FLAGS_RESTRICT_SYSCALLS: namespaces, mounts, ptrace,
   * keyrings, bpf, perf, userfaultfd, io_uring, kexec, modules,
   * personality, TIOCSTI/TIOCLINUX, every non-native architecture. */
  CAM_SECCOMP_RULES_RESTRICT        = 1 << 0,
  /* prctl (PR_SET_PDEATHSIG, sig) with any sig but SIGKILL. */
  CAM_SECCOMP_RULES_LOCK_PDEATHSIG  = 1 << 1,
  /* mount, umount and the new mount API: the mounts of a root of its own
   * stay as they were made (CAM_PROCESS_FLAGS_ISOLATE_FILES). */
  CAM_SECCOMP_RULES_LOCK_MOUNTS     = 1 << 2,
  CAM_SECCOMP_RULES_ALL             = (1 << 3) - 1,
} CamSeccompRules;

int cam_seccomp_get_program (CamSeccompRules            rules,
                             const struct sock_fprog  **ret_program);

G_END_DECLS
