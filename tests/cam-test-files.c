/* cam-test-files.c: the payload of test-files, run in a root of its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Plays the attacker inside CAM_PROCESS_FLAGS_ISOLATE_FILES: tries to
 * read, write, connect, list and stat, and prints what happened on
 * standard output, one result per line, for the test to compare.  libc
 * only: it must run in a root that holds the system directories and
 * nothing else, and it lives in the build tree, outside them.  Errors are
 * printed by name ("error ENOENT"); exit status 2 is a usage error.
 *
 *   read PATH            "ok CONTENT" or "error ERRNO"
 *   write PATH TEXT      "ok" or "error ERRNO" (O_CREAT | O_TRUNC)
 *   connect PATH         "ok" or "error ERRNO" (AF_UNIX, SOCK_STREAM)
 *   stat PATH...         "PATH TYPE" per path: missing, dir, file, chr,
 *                        blk, sock, fifo or "link TARGET" (lstat)
 *   list DIR             the sorted names in DIR, one line
 *   pids                 "self PID", then "pids N N …" from /proc
 *   dev                  "null ok", "zero ok", then "blk NAME" for each
 *                        block device under /dev and /dev/pts
 *   cwd                  the working directory
 *   remount PATH         "ok" or "error ERRNO": a remount of the bind at
 *                        PATH read-write, then an unmount of it
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void
print_error (int errsv)
{
  const char *name = strerrorname_np (errsv);

  if (name != NULL)
    printf ("error %s\n", name);
  else
    printf ("error %d\n", errsv);
}

static int
do_read (const char *path)
{
  char buf[256];
  ssize_t n;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      print_error (errno);
      return 0;
    }
  n = read (fd, buf, sizeof buf - 1);
  if (n < 0)
    print_error (errno);
  else
    printf ("ok %.*s\n", (int) n, buf);
  close (fd);
  return 0;
}

static int
do_write (const char *path,
          const char *text)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  size_t len = strlen (text);

  if (fd < 0)
    {
      print_error (errno);
      return 0;
    }
  if (write (fd, text, len) != (ssize_t) len)
    print_error (errno);
  else if (close (fd) < 0)
    print_error (errno);
  else
    printf ("ok\n");
  return 0;
}

static int
do_connect (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || strlen (path) >= sizeof addr.sun_path)
    return 2;
  strcpy (addr.sun_path, path);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    print_error (errno);
  else
    printf ("ok\n");
  close (fd);
  return 0;
}

static int
do_stat (char **paths)
{
  for (; *paths != NULL; paths++)
    {
      struct stat st;
      char target[4096];
      ssize_t n;

      if (lstat (*paths, &st) < 0)
        {
          printf ("%s missing\n", *paths);
          continue;
        }
      switch (st.st_mode & S_IFMT)
        {
        case S_IFDIR: printf ("%s dir\n", *paths); break;
        case S_IFREG: printf ("%s file\n", *paths); break;
        case S_IFCHR: printf ("%s chr\n", *paths); break;
        case S_IFBLK: printf ("%s blk\n", *paths); break;
        case S_IFSOCK: printf ("%s sock\n", *paths); break;
        case S_IFIFO: printf ("%s fifo\n", *paths); break;
        case S_IFLNK:
          n = readlink (*paths, target, sizeof target - 1);
          if (n < 0)
            return 1;
          printf ("%s link %.*s\n", *paths, (int) n, target);
          break;
        default:
          printf ("%s other\n", *paths);
          break;
        }
    }
  return 0;
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static int
do_list (const char *dir)
{
  char *names[1024];
  size_t n = 0;
  struct dirent *e;
  DIR *d = opendir (dir);

  if (d == NULL)
    {
      print_error (errno);
      return 0;
    }
  while ((e = readdir (d)) != NULL && n < 1024)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      names[n++] = strdup (e->d_name);
  closedir (d);
  qsort (names, n, sizeof *names, compare_names);
  for (size_t i = 0; i < n; i++)
    {
      printf ("%s%s", i > 0 ? " " : "", names[i]);
      free (names[i]);
    }
  printf ("\n");
  return 0;
}

static int
compare_ints (const void *a,
              const void *b)
{
  return *(const long *) a < *(const long *) b ? -1
         : *(const long *) a > *(const long *) b;
}

static int
do_pids (void)
{
  long pids[4096];
  size_t n = 0;
  struct dirent *e;
  DIR *d = opendir ("/proc");

  printf ("self %ld\n", (long) getpid ());
  if (d == NULL)
    {
      print_error (errno);
      return 0;
    }
  while ((e = readdir (d)) != NULL && n < 4096)
    {
      char *end;
      long pid = strtol (e->d_name, &end, 10);

      if (*end == '\0' && end != e->d_name)
        pids[n++] = pid;
    }
  closedir (d);
  qsort (pids, n, sizeof *pids, compare_ints);
  printf ("pids");
  for (size_t i = 0; i < n; i++)
    printf (" %ld", pids[i]);
  printf ("\n");
  return 0;
}

static void
list_block_devices (const char *dir)
{
  struct dirent *e;
  DIR *d = opendir (dir);

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    {
      char path[4096];
      struct stat st;

      snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
      if (lstat (path, &st) == 0 && S_ISBLK (st.st_mode))
        printf ("blk %s\n", path);
    }
  closedir (d);
}

static int
do_dev (void)
{
  char buf[16] = "xxxxxxxxxxxxxxx";
  int fd;

  fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd >= 0 && write (fd, "x", 1) == 1 && read (fd, buf, sizeof buf) == 0)
    printf ("null ok\n");
  else
    print_error (errno);
  if (fd >= 0)
    close (fd);

  fd = open ("/dev/zero", O_RDONLY | O_CLOEXEC);
  if (fd >= 0 && read (fd, buf, sizeof buf) == sizeof buf &&
      buf[0] == 0 && buf[sizeof buf - 1] == 0)
    printf ("zero ok\n");
  else
    print_error (errno);
  if (fd >= 0)
    close (fd);

  list_block_devices ("/dev");
  list_block_devices ("/dev/pts");
  return 0;
}

static int
do_remount (const char *path)
{
  if (mount ("none", path, "none", MS_REMOUNT | MS_BIND, NULL) < 0)
    print_error (errno);
  else
    printf ("ok\n");
  if (umount2 (path, MNT_DETACH) < 0)
    print_error (errno);
  else
    printf ("ok\n");
  return 0;
}

int
main (int    argc,
      char **argv)
{
  char cwd[4096];

  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc >= 3 && strcmp (argv[1], "read") == 0)
    return do_read (argv[2]);
  if (argc >= 4 && strcmp (argv[1], "write") == 0)
    return do_write (argv[2], argv[3]);
  if (argc >= 3 && strcmp (argv[1], "connect") == 0)
    return do_connect (argv[2]);
  if (argc >= 3 && strcmp (argv[1], "stat") == 0)
    return do_stat (argv + 2);
  if (argc >= 3 && strcmp (argv[1], "list") == 0)
    return do_list (argv[2]);
  if (argc >= 2 && strcmp (argv[1], "pids") == 0)
    return do_pids ();
  if (argc >= 2 && strcmp (argv[1], "dev") == 0)
    return do_dev ();
  if (argc >= 3 && strcmp (argv[1], "remount") == 0)
    return do_remount (argv[2]);
  if (argc >= 2 && strcmp (argv[1], "cwd") == 0)
    {
      if (getcwd (cwd, sizeof cwd) == NULL)
        return 1;
      printf ("%s\n", cwd);
      return 0;
    }
  fprintf (stderr, "usage: %s MODE [ARG…]\n", argv[0]);
  return 2;
}
