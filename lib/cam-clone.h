/* cam-clone.h: clone3() running a function on a caller's stack
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <linux/sched.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* The size of the stacks cam_clone_stack_get() returns.  The child of a
 * spawn only makes a few syscalls on prepared tables, so 64 KiB leaves
 * ample room (glibc's posix_spawn takes 32 KiB plus the size of argv). */
#define CAM_CLONE_STACK_SIZE (64 * 1024)

/* The flags every kernel with a usable clone3() accepts (CLONE_CLEAR_SIGHAND
 * is the youngest, Linux 5.5): an EINVAL or EPERM to these alone means that
 * clone3() cannot be used at all, see cam_clone3_on_stack(). */
#define CAM_CLONE3_BASIC_FLAGS \
  (CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_CLEAR_SIGHAND)

int   cam_clone_stack_get  (void              **ret_stack);
pid_t cam_clone3_on_stack  (struct clone_args  *args,
                            int               (*fn) (void *),
                            void               *fn_arg);

G_END_DECLS
