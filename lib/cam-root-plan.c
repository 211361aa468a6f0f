/* cam-root-plan.c: the parent's plan of the child's own root
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For CAM_PROCESS_FLAGS_ISOLATE_FILES the child builds a root of its own
 * between clone and exec, where it may not allocate, look anything up in
 * GLib or read a file it would have to parse.  So everything is decided
 * here, in the parent, with the caller's rights: which host paths exist,
 * which are symlinks (and to what), the flags of every mount a read-only
 * bind copies (a remount inside a user namespace must keep the flags the
 * kernel locked: MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_RDONLY, the atime
 * mode), every mount point and its parents, the canonical path of the
 * program.  The sources of the caller's binds and the program are opened
 * here, with the caller's rights.  A mount cannot be bound from an fd
 * opened in another mount namespace (/proc/self/fd/N answers EINVAL in
 * the child's), so a caller with CAP_SYS_ADMIN clones the tree here with
 * open_tree (OPEN_TREE_CLONE), a detached mount the child attaches with
 * move_mount(): it never looks the source up with its own rights (a root
 * caller's child may be uid 65534 and could not enter root's 0700
 * directories).  Other callers cannot clone a tree; their child binds the
 * canonical path resolved here, with the caller's own uid (its ids do not
 * change).  So does a root caller where open_tree() is missing (Linux
 * before 5.2, valgrind).
 *
 * The result is a flat array of CamRootOp (cam-process-private.h) that
 * cam-root-child.c runs in order.  The layout:
 *
 *   a tmpfs mounted on the host's /tmp of the child's own mount namespace
 *   becomes the new root and the child's cwd at once (pivot_root), the
 *   host's root stays reachable at /oldroot, where path binds take their
 *   sources (/oldroot/usr); the system directories are
 *   bound read-only (one recursive bind each, then one remount per mount
 *   it copied) or recreated as the same symlinks; /tmp and /dev/shm are
 *   fresh tmpfs; /dev holds binds of six harmless device nodes, a new
 *   devpts instance and symlinks; /proc is the child's own; then the
 *   caller's binds in order, then the program file; then /oldroot is
 *   detached and the root made read-only.  The program may not change
 *   any mount: see cam-root-child.c.
 *
 * The trees stay open, and every string stays put, until the plan is freed,
 * after cam_spawn() has heard from the child.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "cam-pidfd-util.h"
#include "cam-root-plan.h"

struct _CamRootPlan
{
  GArray       *ops;        /* CamRootOp, pointing into @strings */
  GStringChunk *strings;
  GArray       *fds;        /* int: owned detached trees (open_tree) */
  GHashTable   *made;       /* paths in the new root that exist as
                             * mount points; keys in @strings */
  GPtrArray    *mounts;     /* nullable: the caller's mount points,
                             * read at the first read-only bind */
  char         *exec_path;
  char         *cwd;        /* nullable */
};

/* The host directories every child sees, read-only where they are
 * directories, as the same symlink where they are symlinks. */
static const char * const system_dirs[] = {
  "/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
};

/* The device nodes of /dev, bound from the host: none gives access to
 * hardware or to another process. */
static const char * const dev_nodes[] = {
  "null", "zero", "full", "random", "urandom", "tty",
};

#define ROOT_MOUNT_FLAGS (MS_NOSUID | MS_NODEV)

/* Where the host's root is during the setup. */
#define OLD_ROOT "/oldroot"

static const char *
intern (CamRootPlan *plan,
        const char  *s)
{
  return s != NULL ? g_string_chunk_insert_const (plan->strings, s) : NULL;
}

/* Adds an operation on @target, an absolute path in the new root (for
 * CAM_ROOT_OP_ENTER, on the host), kept relative to the new root, which
 * is the child's cwd during the setup. */
static void
add_op (CamRootPlan   *plan,
        CamRootOpKind  kind,
        const char    *target,
        const char    *source,
        const char    *fstype,
        unsigned long  flags,
        const char    *data,
        const char    *name)
{
  const char *stored = intern (plan, target);
  CamRootOp op = {
    .kind = kind,
    .path = kind == CAM_ROOT_OP_ENTER ? stored
            : stored[1] != '\0' ? stored + 1 : ".",
    .source = intern (plan, source),
    .fstype = intern (plan, fstype),
    .flags = flags,
    .data = intern (plan, data),
    .name = name != NULL ? intern (plan, name) : stored,
    .fd = -1,
  };

  g_array_append_val (plan->ops, op);
}

static gboolean
has_prefix_dir (const char *path,
                const char *dir)
{
  gsize len = strlen (dir);

  if (g_str_equal (dir, "/"))
    return TRUE;
  return strncmp (path, dir, len) == 0 &&
         (path[len] == '/' || path[len] == '\0');
}

static gboolean
made_under (gpointer key,
            gpointer value,
            gpointer user_data)
{
  const char *path = key;
  const char *top = user_data;

  return !g_str_equal (path, top) && has_prefix_dir (path, top);
}

/* A mount on @target hides what was made below it. */
static void
forget_below (CamRootPlan *plan,
              const char  *target)
{
  g_hash_table_foreach_remove (plan->made, made_under, (gpointer) target);
}

/* Creates @target (absolute, canonical, not "/") and its parents, unless
 * they were made already or belong to the layout. */
static void
add_mount_point (CamRootPlan *plan,
                 const char  *target,
                 gboolean     is_dir)
{
  g_autofree char *parent = g_strdup (target);

  for (char *slash = strchr (parent + 1, '/'); slash != NULL;
       slash = strchr (slash + 1, '/'))
    {
      *slash = '\0';
      if (!g_hash_table_contains (plan->made, parent))
        {
          add_op (plan, CAM_ROOT_OP_MKDIR, parent, NULL, NULL, 0755, NULL,
                  NULL);
          g_hash_table_add (plan->made, (char *) intern (plan, parent));
        }
      *slash = '/';
    }

  if (g_hash_table_contains (plan->made, target))
    return;
  add_op (plan, is_dir ? CAM_ROOT_OP_MKDIR : CAM_ROOT_OP_MKFILE, target,
          NULL, NULL, 0755, NULL, NULL);
  g_hash_table_add (plan->made, (char *) intern (plan, target));
}

/* Adds a new file system (tmpfs, proc, devpts) on @target. */
static void
add_mount (CamRootPlan   *plan,
           const char    *target,
           const char    *fstype,
           unsigned long  flags,
           const char    *data)
{
  add_mount_point (plan, target, TRUE);
  add_op (plan, CAM_ROOT_OP_MOUNT, target, fstype, fstype, flags, data,
          NULL);
  forget_below (plan, target);
}

/* The statvfs() flags a remount must keep, as mount() flags. */
static unsigned long
locked_mount_flags (const struct statvfs *st)
{
  static const struct {
    unsigned long st_flag;
    unsigned long ms_flag;
  } map[] = {
    { ST_RDONLY, MS_RDONLY },
    { ST_NOSUID, MS_NOSUID },
    { ST_NODEV, MS_NODEV },
    { ST_NOEXEC, MS_NOEXEC },
    { ST_NOATIME, MS_NOATIME },
    { ST_NODIRATIME, MS_NODIRATIME },
    { ST_RELATIME, MS_RELATIME },
  };
  unsigned long flags = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
    if (st->f_flag & map[i].st_flag)
      flags |= map[i].ms_flag;
  /* No atime flag at all means strictatime, which must be asked for: a
   * remount without one means relatime. */
  if (!(flags & (MS_NOATIME | MS_RELATIME)))
    flags |= MS_STRICTATIME;
  return flags;
}

/* Undoes the octal escapes of a mountinfo field (\040 for a space). */
static char *
unescape_mountinfo (const char *field)
{
  GString *s = g_string_new (NULL);

  for (const char *p = field; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' &&
          p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7')
        {
          g_string_append_c (s, (char) ((p[1] - '0') * 64 +
                                        (p[2] - '0') * 8 + (p[3] - '0')));
          p += 3;
        }
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

/* The caller's mount points, from /proc/self/mountinfo (field 5). */
static gboolean
read_mounts (CamRootPlan  *plan,
             GError      **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) local_error = NULL;

  if (plan->mounts != NULL)
    return TRUE;
  if (!g_file_get_contents ("/proc/self/mountinfo", &text, NULL,
                            &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Failed to prepare the file system of the child process: %s"),
                   local_error->message);
      return FALSE;
    }

  plan->mounts = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (text, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 6);

      if (g_strv_length (fields) >= 5)
        g_ptr_array_add (plan->mounts, unescape_mountinfo (fields[4]));
    }
  return TRUE;
}

/* Remounts @target read-only, with the flags of the host mount it copies
 * (@fd, or else @host_path), and then each mount below @host_path that the
 * recursive bind copied with it: a remount changes one mount only. */
static gboolean
add_read_only (CamRootPlan  *plan,
               const char   *host_path,
               int           fd,
               const char   *target,
               GError      **error)
{
  const unsigned long remount = MS_REMOUNT | MS_BIND | MS_RDONLY |
                                MS_NOSUID | MS_NODEV;
  struct statvfs st;
  int r, errsv;

  r = fd >= 0 ? fstatvfs (fd, &st) : statvfs (host_path, &st);
  errsv = errno;
  if (r < 0)
    goto fail;
  add_op (plan, CAM_ROOT_OP_REMOUNT, target, "none", "none",
          remount | locked_mount_flags (&st), NULL, NULL);

  if (!read_mounts (plan, error))
    return FALSE;
  for (guint i = 0; i < plan->mounts->len; i++)
    {
      const char *mount_point = plan->mounts->pdata[i];
      g_autofree char *below = NULL;

      if (g_str_equal (mount_point, host_path) ||
          !has_prefix_dir (mount_point, host_path))
        continue;
      if (statvfs (mount_point, &st) < 0)
        {
          errsv = errno;
          host_path = mount_point;
          goto fail;
        }
      below = g_strconcat (g_str_equal (target, "/") ? "" : target,
                           mount_point +
                           (g_str_equal (host_path, "/") ? 0 : strlen (host_path)),
                           NULL);
      add_op (plan, CAM_ROOT_OP_REMOUNT, below, "none", "none",
              remount | locked_mount_flags (&st), NULL, NULL);
    }
  return TRUE;

fail:
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               _("Failed to read the mount flags of “%s”: %s"), host_path,
               g_strerror (errsv));
  return FALSE;
}

/* The host's system directories, where they exist. */
static gboolean
add_system_dirs (CamRootPlan  *plan,
                 GError      **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (system_dirs); i++)
    {
      const char *dir = system_dirs[i];
      g_autofree char *link = NULL;
      struct stat st;

      if (lstat (dir, &st) < 0)
        continue;
      if (S_ISLNK (st.st_mode))
        {
          link = g_file_read_link (dir, NULL);
          if (link == NULL)
            continue;
          add_op (plan, CAM_ROOT_OP_SYMLINK, dir, link, NULL, 0, NULL, NULL);
          g_hash_table_add (plan->made, (char *) intern (plan, dir));
        }
      else if (S_ISDIR (st.st_mode))
        {
          add_mount_point (plan, dir, TRUE);
          g_autofree char *host = g_strconcat (OLD_ROOT, dir, NULL);

          add_op (plan, CAM_ROOT_OP_BIND, dir, host, "none", MS_BIND | MS_REC,
                  NULL, NULL);
          if (!add_read_only (plan, dir, -1, dir, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* /dev: six device nodes, a devpts instance of its own, /dev/shm. */
static void
add_dev (CamRootPlan *plan)
{
  static const char * const links[][2] = {
    { "/dev/ptmx", "pts/ptmx" },
    { "/dev/fd", "/proc/self/fd" },
    { "/dev/stdin", "/proc/self/fd/0" },
    { "/dev/stdout", "/proc/self/fd/1" },
    { "/dev/stderr", "/proc/self/fd/2" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (dev_nodes); i++)
    {
      g_autofree char *path = g_strconcat ("/dev/", dev_nodes[i], NULL);
      g_autofree char *host = g_strconcat (OLD_ROOT, path, NULL);

      add_mount_point (plan, path, FALSE);
      add_op (plan, CAM_ROOT_OP_BIND, path, host, "none", MS_BIND, NULL,
              path);
    }
  /* No gid=5: the tty group is not mapped in the child's namespace. */
  add_mount (plan, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
             "newinstance,ptmxmode=0666,mode=620");
  for (gsize i = 0; i < G_N_ELEMENTS (links); i++)
    {
      add_op (plan, CAM_ROOT_OP_SYMLINK, links[i][0], links[i][1], NULL, 0,
              NULL, NULL);
      g_hash_table_add (plan->made, (char *) intern (plan, links[i][0]));
    }
  add_mount (plan, "/dev/shm", "tmpfs", ROOT_MOUNT_FLAGS, "mode=1777");
}

/* A detached copy of the mount tree at @fd, or -1 where the caller may
 * not clone one (no CAP_SYS_ADMIN) or the kernel cannot. */
static int
clone_tree (int fd)
{
  if (geteuid () != 0)
    return -1;
  return (int) syscall (SYS_open_tree, fd, "",
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
                        AT_EMPTY_PATH);
}

/* Opens @source with the caller's rights and binds it at @target. */
static gboolean
add_bind (CamRootPlan  *plan,
          const char   *source,
          const char   *target,
          gboolean      writable,
          GError      **error)
{
  g_autofree char *fd_path = NULL;
  g_autofree char *host_path = NULL;
  struct stat st;
  int fd, tree, errsv;

  fd = open (source, O_PATH | O_CLOEXEC);
  errsv = errno;
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      if (fd >= 0)
        {
          errsv = errno;
          close (fd);
        }
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot make “%s” visible to the child process: %s"),
                   source, g_strerror (errsv));
      return FALSE;
    }
  fd_path = g_strdup_printf ("/proc/self/fd/%d", fd);
  host_path = g_file_read_link (fd_path, NULL);
  if (host_path == NULL)
    host_path = g_strdup (source);
  tree = clone_tree (fd);

  add_mount_point (plan, target, S_ISDIR (st.st_mode));
  if (tree >= 0)
    {
      CamRootOp *op;

      g_array_append_val (plan->fds, tree);
      add_op (plan, CAM_ROOT_OP_ATTACH, target, NULL, NULL, 0, NULL, source);
      op = &g_array_index (plan->ops, CamRootOp, plan->ops->len - 1);
      op->fd = tree;
    }
  else
    {
      g_autofree char *old = g_strconcat (OLD_ROOT, host_path, NULL);

      add_op (plan, CAM_ROOT_OP_BIND, target, old, "none", MS_BIND | MS_REC,
              NULL, source);
    }
  forget_below (plan, target);

  if (!writable && !add_read_only (plan, host_path, fd, target, error))
    {
      close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Whether @real (canonical) is in one of the system directories bound
 * at their own path. */
static gboolean
in_system_dirs (const char *real)
{
  for (gsize i = 0; i < G_N_ELEMENTS (system_dirs); i++)
    {
      struct stat st;

      if (has_prefix_dir (real, system_dirs[i]) &&
          lstat (system_dirs[i], &st) == 0 && S_ISDIR (st.st_mode))
        return TRUE;
    }
  return FALSE;
}

/* The program: executed at its canonical path, which is bound read-only
 * (the file alone) unless a system directory holds it. */
static gboolean
add_program (CamRootPlan  *plan,
             const char   *path,
             const char   *cwd,
             GError      **error)
{
  g_autofree char *absolute = g_canonicalize_filename (path, cwd);
  char *real = realpath (absolute, NULL);

  if (real == NULL)
    {
      /* execve() fails in the child and says why. */
      plan->exec_path = g_steal_pointer (&absolute);
      return TRUE;
    }
  plan->exec_path = g_strdup (real);
  free (real);
  if (in_system_dirs (plan->exec_path))
    return TRUE;
  return add_bind (plan, plan->exec_path, plan->exec_path, FALSE, error);
}

/**
 * cam_root_plan_new:
 * @binds: (array length=n_binds): the caller's binds, in order
 * @n_binds: the number of @binds
 * @path: the program, as given to start()
 * @cwd: (nullable): the child's working directory, as set
 * @error: return location for a #GError
 *
 * Plans the child's root for %CAM_PROCESS_FLAGS_ISOLATE_FILES.  A relative
 * @path or @cwd is resolved as without it: @path from @cwd, else from the
 * caller's directory; @cwd from the caller's.
 *
 * Returns: (transfer full) (nullable): the plan, or %NULL with @error set
 *   when a bind source cannot be opened
 */
CamRootPlan *
cam_root_plan_new (const CamSpawnBind  *binds,
                   gsize                n_binds,
                   const char          *path,
                   const char          *cwd,
                   GError             **error)
{
  g_autoptr(CamRootPlan) plan = g_new0 (CamRootPlan, 1);

  plan->ops = g_array_sized_new (FALSE, FALSE, sizeof (CamRootOp), 48);
  plan->strings = g_string_chunk_new (1024);
  plan->fds = g_array_new (FALSE, FALSE, sizeof (int));
  plan->made = g_hash_table_new (g_str_hash, g_str_equal);
  if (cwd != NULL)
    plan->cwd = g_canonicalize_filename (cwd, NULL);

  add_op (plan, CAM_ROOT_OP_ENTER, "/tmp", "tmpfs", "tmpfs",
          ROOT_MOUNT_FLAGS, "mode=0755", "/");
  if (!add_system_dirs (plan, error))
    return NULL;
  add_mount (plan, "/tmp", "tmpfs", ROOT_MOUNT_FLAGS, "mode=1777");
  add_mount_point (plan, "/dev", TRUE);
  add_dev (plan);
  add_mount (plan, "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);

  for (gsize i = 0; i < n_binds; i++)
    if (!add_bind (plan, binds[i].source, binds[i].target, binds[i].writable,
                   error))
      return NULL;

  if (!add_program (plan, path, plan->cwd, error))
    return NULL;

  add_op (plan, CAM_ROOT_OP_LEAVE, OLD_ROOT, NULL, NULL, 0, NULL, NULL);
  add_op (plan, CAM_ROOT_OP_REMOUNT, "/", "none", "none",
          MS_REMOUNT | MS_BIND | MS_RDONLY | ROOT_MOUNT_FLAGS, NULL, NULL);

  return g_steal_pointer (&plan);
}

/* The ops, valid until @plan is freed. */
const CamRootOp *
cam_root_plan_get_ops (CamRootPlan *plan,
                       gsize       *ret_n_ops)
{
  *ret_n_ops = plan->ops->len;
  return (const CamRootOp *) plan->ops->data;
}

/* What the child executes: the program's canonical path. */
const char *
cam_root_plan_get_exec_path (CamRootPlan *plan)
{
  return plan->exec_path;
}

/* The child's working directory in its root, absolute, or NULL for /. */
const char *
cam_root_plan_get_cwd (CamRootPlan *plan)
{
  return plan->cwd;
}

void
cam_root_plan_free (CamRootPlan *plan)
{
  if (plan == NULL)
    return;
  for (guint i = 0; i < plan->fds->len; i++)
    cam_clear_fd (&g_array_index (plan->fds, int, i));
  g_array_unref (plan->fds);
  g_array_unref (plan->ops);
  g_hash_table_unref (plan->made);
  g_clear_pointer (&plan->mounts, g_ptr_array_unref);
  g_string_chunk_free (plan->strings);
  g_free (plan->exec_path);
  g_free (plan->cwd);
  g_free (plan);
}
