/* cam-test-seccomp.h: seccomp filters that make one system call fail or wait
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The low 16 bits (_IOC_TYPE and _IOC_NR) of PIDFD_GET_INFO, which is
 * _IOWR (0xFF, 11, struct pidfd_info); matching on them alone keeps the
 * filter working whatever size the kernel's struct pidfd_info has. */
#define CAM_TEST_PIDFD_GET_INFO_TYPE_NR ((0xFF << 8) | 11)

gboolean cam_test_seccomp_supported     (void);
gboolean cam_test_skip_unless_seccomp   (void);
int      cam_test_seccomp_fail_syscall  (long     syscall_nr,
                                         int      errnum);
int      cam_test_seccomp_trap_syscall  (long     syscall_nr);
int      cam_test_seccomp_fail_ioctl    (guint16  request_type_nr,
                                         int      errnum);

int      cam_test_seccomp_notify_syscall  (long     syscall_nr);
int      cam_test_seccomp_notify_receive  (int      listener_fd,
                                           guint    timeout_ms,
                                           guint64 *ret_id,
                                           int     *ret_pid);
int      cam_test_seccomp_notify_continue (int      listener_fd,
                                           guint64  id);

G_END_DECLS
