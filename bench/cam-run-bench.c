/* cam-run-bench: `cam-run --sandbox /bin/true` against its peers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   cam-run-bench CAM_RUN [ROUNDS]
 *
 * Times one round trip (spawn the command, wait for it) of cam-run with
 * its sandbox, bwrap with the same isolation, unshare -U -n and
 * systemd-run --pipe, interleaved round by round so that a drifting,
 * noisy machine hits them all alike, and prints a Markdown table of
 * medians with ratios to cam-run.  A peer that is missing or fails its
 * first run is skipped with a note.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include <glib.h>

extern char **environ;

typedef struct {
  const char *name;
  const char *argv[16];
  gboolean    available;
  GArray     *usec;     /* double */
} Peer;

static double
now_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Returns the exit status, or -1 if it could not run. */
static int
run_once (Peer *peer)
{
  posix_spawn_file_actions_t actions;
  int status = 0;
  pid_t pid;
  int r;

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen (&actions, 2, "/dev/null", O_WRONLY, 0);
  r = posix_spawnp (&pid, peer->argv[0], &actions, NULL,
                    (char **) peer->argv, environ);
  posix_spawn_file_actions_destroy (&actions);
  if (r != 0 || waitpid (pid, &status, 0) != pid)
    return -1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, values->len / 2);
}

int
main (int    argc,
      char **argv)
{
  Peer peers[] = {
    { "cam-run --sandbox", { argv[1], "--sandbox", "/bin/true", NULL } },
    { "bwrap --unshare-all --die-with-parent --new-session --ro-bind / /",
      { "bwrap", "--unshare-all", "--die-with-parent", "--new-session",
        "--ro-bind", "/", "/", "/bin/true", NULL } },
    { "unshare -U -n", { "unshare", "-U", "-n", "/bin/true", NULL } },
    { "systemd-run --pipe", { "systemd-run", "--pipe", "--quiet",
                              "/bin/true", NULL } },
  };
  int rounds = argc > 2 ? atoi (argv[2]) : 300;
  double base;

  if (argc < 2)
    {
      fprintf (stderr, "usage: cam-run-bench CAM_RUN [ROUNDS]\n");
      return 2;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (peers); i++)
    {
      peers[i].available = run_once (&peers[i]) == 0;
      peers[i].usec = g_array_new (FALSE, FALSE, sizeof (double));
    }
  if (!peers[0].available)
    {
      fprintf (stderr, "cam-run-bench: %s does not run\n", argv[1]);
      return 1;
    }

  for (int round = 0; round < rounds; round++)
    for (gsize i = 0; i < G_N_ELEMENTS (peers); i++)
      {
        double start;

        if (!peers[i].available)
          continue;
        start = now_usec ();
        if (run_once (&peers[i]) != 0)
          {
            fprintf (stderr, "cam-run-bench: %s failed\n", peers[i].name);
            return 1;
          }
        g_array_append_val (peers[i].usec, (double) { now_usec () - start });
      }

  printf ("%d round trips of /bin/true each, interleaved; median wall time.\n\n",
          rounds);
  printf ("| command | median µs per round trip | vs cam-run |\n|---|--:|--:|\n");
  base = median (peers[0].usec);
  for (gsize i = 0; i < G_N_ELEMENTS (peers); i++)
    {
      if (!peers[i].available)
        {
          printf ("| %s | skipped: not available or failed here | |\n",
                  peers[i].name);
          continue;
        }
      double m = median (peers[i].usec);
      printf ("| %s | %.0f | %.2f× |\n", peers[i].name, m, m / base);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (peers); i++)
    g_array_unref (peers[i].usec);
  return 0;
}
