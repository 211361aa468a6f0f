/* cam-run: run a command with CamProcess and print how it finished
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   cam-run [PROGRAM [ARG…]]
 *
 * Without arguments it runs `/bin/sh -c 'exit 3'`.  The exit status of
 * cam-run is 0 when "finished" was seen, whatever the child's status.
 */
#include <stdio.h>
#include <stdlib.h>

#include <camprocess/camprocess.h>

static void
on_finished (CamProcess           *process,
             CamProcessExitStatus  status,
             int                   code,
             gpointer              user_data)
{
  GMainLoop *loop = user_data;
  g_autofree char *name = g_enum_to_string (CAM_TYPE_PROCESS_EXIT_STATUS,
                                            status);

  printf ("finished: status=%s code=%d\n", name, code);
  g_main_loop_quit (loop);
}

int
main (int   argc,
      char *argv[])
{
  const char *default_argv[] = { "/bin/sh", "-c", "exit 3", NULL };
  const char * const *child_argv = argc > 1 ? (const char * const *) argv + 1
                                            : default_argv;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(CamProcess) process = cam_process_new ();
  g_autoptr(GError) error = NULL;

  g_signal_connect (process, "finished", G_CALLBACK (on_finished), loop);

  if (!cam_process_start (process, child_argv[0], child_argv, NULL, 0, &error))
    {
      fprintf (stderr, "cam-run: %s\n", error->message);
      return EXIT_FAILURE;
    }

  printf ("started: pid=%d\n", cam_process_get_pid (process));
  g_main_loop_run (loop);
  return EXIT_SUCCESS;
}
