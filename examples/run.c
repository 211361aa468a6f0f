/* run: run a helper through CamProcess, talk to it, react to "finished"
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   run [PROGRAM [ARG…]]
 *
 * Starts the helper (default: `/usr/bin/tr a-z A-Z`) in a sandbox
 * (CAM_PROCESS_FLAGS_SANDBOX: its own user namespace, no network, no new
 * privileges, killed with its parent; never host root) with pipes on its
 * standard input and output, feeds it a line, prints what it writes back
 * and the "finished" signal.  The exit status is 0 only if the helper
 * exited with 0, and 77 (a skip for `meson test`) where the system does
 * not allow user namespaces.  examples/run.py does the same from Python.
 */
#include <stdio.h>
#include <stdlib.h>

#include <camprocess/camprocess.h>

/* What `meson test` counts as a skipped test. */
#define EXIT_SKIP 77

typedef struct {
  GMainLoop *loop;
  gboolean   succeeded;
} RunState;

static void
on_finished (CamProcess           *process,
             CamProcessExitStatus  status,
             int                   code,
             gpointer              user_data)
{
  g_autofree char *name = g_enum_to_string (CAM_TYPE_PROCESS_EXIT_STATUS,
                                            status);

  printf ("finished: status=%s code=%d\n", name, code);
}

/* Comes after "finished": communicate also waits for the exit. */
static void
on_communicated (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CamProcess *process = CAM_PROCESS (source_object);
  RunState *state = user_data;
  g_autoptr(GBytes) output = NULL;
  g_autoptr(GError) error = NULL;

  if (!cam_process_communicate_finish (process, result, &output, NULL,
                                       &error))
    fprintf (stderr, "run: %s\n", error->message);
  else
    {
      gsize size;
      const char *data = g_bytes_get_data (output, &size);

      printf ("output: %.*s", (int) size, data);
      state->succeeded =
        cam_process_get_exit_status (process) ==
          CAM_PROCESS_EXIT_STATUS_NORMAL_EXIT &&
        cam_process_get_exit_code (process) == 0;
    }

  g_main_loop_quit (state->loop);
}

int
main (int   argc,
      char *argv[])
{
  const char *default_argv[] = { "/usr/bin/tr", "a-z", "A-Z", NULL };
  const char * const *helper_argv = argc > 1 ? (const char * const *) argv + 1
                                             : default_argv;
  const char input[] = "hello from camprocess\n";
  g_autoptr(GBytes) input_bytes = g_bytes_new_static (input,
                                                      sizeof input - 1);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(CamProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  RunState state = { loop, FALSE };

  /* cam_process_newv() takes the stdio flags only; other properties,
   * such as the sandbox flags, go through g_initable_new(). */
  process = g_initable_new (CAM_TYPE_PROCESS, NULL, &error,
                            "argv", helper_argv,
                            "flags", CAM_PROCESS_FLAGS_SANDBOX,
                            "stdio-flags", CAM_PROCESS_STDIO_FLAGS_STDIN_PIPE |
                                           CAM_PROCESS_STDIO_FLAGS_STDOUT_PIPE,
                            NULL);
  if (process == NULL)
    {
      fprintf (stderr, "run: %s\n", error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED)
             ? EXIT_SKIP : EXIT_FAILURE;
    }

  g_signal_connect (process, "finished", G_CALLBACK (on_finished), NULL);
  cam_process_communicate_async (process, input_bytes, NULL, on_communicated,
                                 &state);
  g_main_loop_run (loop);

  return state.succeeded ? EXIT_SUCCESS : EXIT_FAILURE;
}
