/* cam-test-utils.h: helpers shared by the camprocess tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <camprocess/camprocess.h>

G_BEGIN_DECLS

/* How long any wait in the tests may take before it fails instead of
 * hanging: 10 s, times CAM_TEST_TIMEOUT_SCALE where the harness runs
 * slower (valgrind, sanitizers; .ci/run sets it with --timeout-multiplier). */
#define CAM_TEST_TIMEOUT_MS (cam_test_timeout_ms ())
/* The same, for g_test_trap_subprocess(). */
#define CAM_TEST_SUBPROCESS_TIMEOUT_USEC \
  ((guint64) 6 * cam_test_timeout_ms () * G_TIME_SPAN_MILLISECOND)

/* Exit status of cam-test-helper on a usage error, as when it has no mode. */
#define CAM_TEST_HELPER_EXIT_USAGE 2

/**
 * CamTestFinished:
 * @n_finished: how many times #CamProcess::finished was emitted
 * @status: the status of the last emission
 * @code: the code of the last emission
 * @running: cam_process_get_running() inside the last emission
 * @thread: the thread the last emission ran in
 * @context: the #GMainContext of the source that dispatched the last
 *   emission, or %NULL if it was not emitted from a source
 *
 * Records the emissions of #CamProcess::finished.
 */
typedef struct
{
  guint                 n_finished;
  CamProcessExitStatus  status;
  int                   code;
  gboolean              running;
  GThread              *thread;
  GMainContext         *context;

  /*< private >*/
  CamProcess           *process;
  gulong                handler_id;
  guint                 n_waited;
} CamTestFinished;

guint       cam_test_timeout_ms           (void);
gboolean    cam_test_in_subprocess        (void);
void        cam_test_become_unprivileged  (void);
void        cam_test_warm_up              (void);

CamProcess *cam_test_process_new          (CamProcessFlags   flags);
gboolean    cam_test_skip_unless_root     (const char       *why);
gboolean    cam_test_userns_enabled       (void);
gboolean    cam_test_skip_unless_userns   (void);
gboolean    cam_test_skip_unless_public   (const char       *path);

const char *cam_test_helper_path          (void);
gboolean    cam_test_start_helper         (CamProcess       *process,
                                           const int        *fds,
                                           gsize             n_fds,
                                           GError          **error,
                                           const char       *mode,
                                           ...) G_GNUC_NULL_TERMINATED;
void        cam_test_start_ready_helper   (CamProcess       *process,
                                           const char       *mode);
char       *cam_test_run_helper_report    (CamProcess       *process,
                                           const char       *mode,
                                           ...) G_GNUC_NULL_TERMINATED;

void        cam_test_finished_watch       (CamTestFinished  *finished,
                                           CamProcess       *process);
void        cam_test_finished_unwatch     (CamTestFinished  *finished);
void        cam_test_finished_wait        (CamTestFinished  *finished);
void        cam_test_assert_exit          (CamProcess       *process,
                                           CamProcessExitStatus status,
                                           int               code);
void        cam_test_finished_assert_exit (CamTestFinished  *finished,
                                           CamProcessExitStatus status,
                                           int               code);
void        cam_test_iterate_for          (guint             msec);

void        cam_test_pipe                 (int               fds[2]);
char       *cam_test_read_line            (int               fd);
char       *cam_test_read_to_eof          (int               fd);

char       *cam_test_format_numbers       (GArray           *numbers);
char       *cam_test_list_fds             (void);
char       *cam_test_list_children        (void);
gboolean    cam_test_pid_exists           (int               pid);

gboolean    cam_test_have_pidfd_info_exit (void);

G_END_DECLS
