/* cam-root-child.c: the child's own root, built between clone and exec
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs the CamRootOp list that cam-root-plan.c prepared, in order, under
 * the rules of cam-spawn-child.c: raw syscalls on the parent's memory, no
 * allocation, no lock, no GLib.  It assumes the child is in its final
 * identity, in a user namespace that owns its mount namespace (whose
 * propagation is already private) and its PID namespace (for the new
 * /proc), and that the parent's fds are still open: a bind of the
 * caller's may be a detached mount tree the parent cloned (open_tree), a
 * file descriptor the child shares.
 *
 * The first op mounts a tmpfs on the host's /tmp (of the child's own
 * mount namespace) and swaps the roots at once with pivot_root(), as
 * bubblewrap does: the tmpfs becomes "/" and the cwd, the host's root
 * moves to /oldroot, where the host's own /tmp is no longer covered, so
 * that sources bound by path anywhere on the host stay reachable as
 * /oldroot/PATH.  The other ops use paths relative to the new root; the
 * last ones detach /oldroot and remove the directory, and make the root
 * read-only.
 *
 * The program runs as uid 0 of a user namespace that owns its mount
 * namespace, with every capability there: it could remount a read-only
 * bind read-write or unmount a bind to see what lies below.  The mounts
 * are locked by the seccomp rules that come with ISOLATE_FILES
 * (cam-seccomp.c), which refuse it every mount system call.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cam-root-child.h"

static int
make_file (const char *path)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC,
                 0444);

  if (fd < 0)
    return errno == EEXIST ? 0 : -1;
  return close (fd);
}

/* -1 with errno on failure. */
static int
run_op (const CamRootOp *op)
{
  switch (op->kind)
    {
    case CAM_ROOT_OP_ENTER:
      if (mount (op->source, op->path, op->fstype, op->flags, op->data) < 0 ||
          chdir (op->path) < 0 ||
          mkdir ("oldroot", 0700) < 0 ||
          syscall (SYS_pivot_root, ".", "oldroot") < 0)
        return -1;
      return chdir ("/");
    case CAM_ROOT_OP_MKDIR:
      if (mkdir (op->path, (mode_t) op->flags) < 0 && errno != EEXIST)
        return -1;
      return 0;
    case CAM_ROOT_OP_MKFILE:
      return make_file (op->path);
    case CAM_ROOT_OP_SYMLINK:
      return symlink (op->source, op->path);
    case CAM_ROOT_OP_BIND:
    case CAM_ROOT_OP_REMOUNT:
    case CAM_ROOT_OP_MOUNT:
      return mount (op->source, op->path, op->fstype, op->flags, op->data);
    case CAM_ROOT_OP_ATTACH:
      return (int) syscall (SYS_move_mount, op->fd, "", AT_FDCWD, op->path,
                            MOVE_MOUNT_F_EMPTY_PATH);
    case CAM_ROOT_OP_LEAVE:
      if (umount2 ("oldroot", MNT_DETACH) < 0)
        return -1;
      return rmdir ("oldroot");
    default:
      errno = EINVAL;
      return -1;
    }
}

/**
 * cam_root_child_setup:
 * @args: the CamSpawnArgs prepared by cam_spawn(), with root_ops
 * @ret_index: (out): the index of the op that failed
 *
 * Builds the child's root from @args->root_ops and enters it.
 *
 * Returns: 0, or -1 with errno set and @ret_index written
 */
int
cam_root_child_setup (const CamSpawnArgs *args,
                      int                *ret_index)
{
  for (gsize i = 0; i < args->n_root_ops; i++)
    if (run_op (&args->root_ops[i]) < 0)
      {
        *ret_index = (int) i;
        return -1;
      }
  return 0;
}
