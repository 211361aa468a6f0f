/* cam-run-json.h: a small JSON object writer for cam-run --json-status
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One flat JSON object, built member by member. */
typedef struct {
  GString  *text;
  gboolean  empty;    /* no member yet: no comma before the next one */
} CamRunJson;

void  cam_run_json_begin       (CamRunJson *json);
void  cam_run_json_add_string  (CamRunJson *json,
                                const char *name,
                                const char *value);
void  cam_run_json_add_int     (CamRunJson *json,
                                const char *name,
                                gint64      value);
void  cam_run_json_add_seconds (CamRunJson *json,
                                const char *name,
                                guint64     usec);
void  cam_run_json_add_bool    (CamRunJson *json,
                                const char *name,
                                gboolean    value);
void  cam_run_json_add_null    (CamRunJson *json,
                                const char *name);
char *cam_run_json_end         (CamRunJson *json);

G_END_DECLS
