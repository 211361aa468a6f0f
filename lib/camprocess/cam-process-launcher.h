/* cam-process-launcher.h: CamProcessLauncher, one configuration for many
 * children
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__CAMPROCESS_H_INSIDE__) && !defined(CAMPROCESS_COMPILATION)
#error "Only <camprocess/camprocess.h> can be included directly."
#endif

#include <gio/gio.h>
#include <camprocess/cam-version.h>
#include <camprocess/cam-process.h>

G_BEGIN_DECLS

#define CAM_TYPE_PROCESS_LAUNCHER (cam_process_launcher_get_type ())

CAM_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CamProcessLauncher, cam_process_launcher, CAM, PROCESS_LAUNCHER, GObject)

CAM_AVAILABLE_IN_ALL
CamProcessLauncher *cam_process_launcher_new              (CamProcessStdioFlags  flags);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_set_stdio_flags  (CamProcessLauncher   *self,
                                                           CamProcessStdioFlags  flags);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_set_flags        (CamProcessLauncher   *self,
                                                           CamProcessFlags       flags);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_set_environ      (CamProcessLauncher   *self,
                                                           const char * const   *env);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_setenv           (CamProcessLauncher   *self,
                                                           const char           *variable,
                                                           const char           *value,
                                                           gboolean              overwrite);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_unsetenv         (CamProcessLauncher   *self,
                                                           const char           *variable);
CAM_AVAILABLE_IN_ALL
const char         *cam_process_launcher_getenv           (CamProcessLauncher   *self,
                                                           const char           *variable);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_set_cwd          (CamProcessLauncher   *self,
                                                           const char           *cwd);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_take_fd          (CamProcessLauncher   *self,
                                                           int                   source_fd,
                                                           int                   target_fd);
CAM_AVAILABLE_IN_ALL
gboolean            cam_process_launcher_set_rlimit       (CamProcessLauncher   *self,
                                                           int                   resource,
                                                           guint64               soft,
                                                           guint64               hard,
                                                           GError              **error);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_set_user         (CamProcessLauncher   *self,
                                                           guint32               uid,
                                                           guint32               gid);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_set_cgroup       (CamProcessLauncher   *self,
                                                           const char           *cgroup_path);
CAM_AVAILABLE_IN_ALL
gboolean            cam_process_launcher_set_seccomp_filter (CamProcessLauncher *self,
                                                             GBytes             *program,
                                                             GError            **error);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_bind_path        (CamProcessLauncher   *self,
                                                           const char           *source,
                                                           const char           *target,
                                                           gboolean              writable);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_set_stdin_file_path  (CamProcessLauncher *self,
                                                               const char         *path);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_set_stdout_file_path (CamProcessLauncher *self,
                                                               const char         *path);
CAM_AVAILABLE_IN_ALL
void                cam_process_launcher_set_stderr_file_path (CamProcessLauncher *self,
                                                               const char         *path);
CAM_AVAILABLE_IN_ALL
CamProcess         *cam_process_launcher_spawnv           (CamProcessLauncher   *self,
                                                           const char * const   *argv,
                                                           GError              **error);

G_END_DECLS
