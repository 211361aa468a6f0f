/* cam-pidfd-util.h: small pidfd and kernel helpers returning -errno
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <linux/types.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "camprocess/cam-process.h"

G_BEGIN_DECLS

/* From <linux/pidfd.h> of Linux 6.15, which bookworm's headers predate.
 * The ioctl number encodes the struct size; the kernel accepts any size
 * from the first version (64 bytes) on. */
struct cam_pidfd_info {
  __u64 mask;
  __u64 cgroupid;
  __u32 pid;
  __u32 tgid;
  __u32 ppid;
  __u32 ruid;
  __u32 rgid;
  __u32 euid;
  __u32 egid;
  __u32 suid;
  __u32 sgid;
  __u32 fsuid;
  __u32 fsgid;
  __s32 exit_code;
};

#define CAM_PIDFS_IOCTL_MAGIC 0xFF
#define CAM_PIDFD_GET_INFO    _IOWR (CAM_PIDFS_IOCTL_MAGIC, 11, struct cam_pidfd_info)
#define CAM_PIDFD_INFO_EXIT   (1ULL << 3)

/* Closes *fd if open and sets it to -1 (g_clear_fd() is GLib 2.76). */
static inline void
cam_clear_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

int      cam_pidfd_send_signal      (int                   pidfd,
                                     int                   pid,
                                     int                   signum);
int      cam_pidfd_reap             (int                   pidfd,
                                     gboolean              block,
                                     CamProcessExitStatus *ret_status,
                                     int                  *ret_code);
int      cam_pidfd_reap_rusage      (int                   pidfd,
                                     gboolean              block,
                                     CamProcessExitStatus *ret_status,
                                     int                  *ret_code,
                                     struct rusage        *ret_rusage);
gboolean cam_close_range_supported  (void);
gboolean cam_waitid_pidfd_supported (void);
int      cam_compare_int            (const void           *a,
                                     const void           *b);
int      cam_list_open_fds          (int                 **ret_fds,
                                     gsize                *ret_n_fds);

G_END_DECLS
