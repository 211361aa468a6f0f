/* cam-run-json.c: a small JSON object writer for cam-run --json-status
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cam-run writes one flat object of strings, integers, booleans, nulls and
 * seconds: not worth a json-glib dependency.  Strings are escaped as RFC
 * 8259 asks (quote, backslash, control characters); a file name that is not
 * UTF-8 has its invalid bytes replaced by U+FFFD, as JSON text must be
 * UTF-8.  Numbers never depend on the locale (LC_NUMERIC may use a comma).
 */
#include "cam-run-json.h"

/* The two-character escapes of RFC 8259; other control characters get a
 * \u escape. */
static const char * const short_escapes[] = {
  ['"'] = "\\\"", ['\\'] = "\\\\",
  ['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n", ['\r'] = "\\r",
  ['\t'] = "\\t",
};

static void
append_escaped (GString    *text,
                const char *value)
{
  g_autofree char *valid = g_utf8_make_valid (value, -1);

  g_string_append_c (text, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      if (c < G_N_ELEMENTS (short_escapes) && short_escapes[c] != NULL)
        g_string_append (text, short_escapes[c]);
      else if (c < 0x20)
        g_string_append_printf (text, "\\u%04x", c);
      else
        g_string_append_c (text, (char) c);
    }
  g_string_append_c (text, '"');
}

static void
begin_member (CamRunJson *json,
              const char *name)
{
  if (!json->empty)
    g_string_append_c (json->text, ',');
  json->empty = FALSE;
  append_escaped (json->text, name);
  g_string_append_c (json->text, ':');
}

void
cam_run_json_begin (CamRunJson *json)
{
  json->text = g_string_new ("{");
  json->empty = TRUE;
}

void
cam_run_json_add_string (CamRunJson *json,
                         const char *name,
                         const char *value)
{
  begin_member (json, name);
  append_escaped (json->text, value);
}

void
cam_run_json_add_int (CamRunJson *json,
                      const char *name,
                      gint64      value)
{
  begin_member (json, name);
  g_string_append_printf (json->text, "%" G_GINT64_FORMAT, value);
}

/* Microseconds as seconds with six decimals, without floating point. */
void
cam_run_json_add_seconds (CamRunJson *json,
                          const char *name,
                          guint64     usec)
{
  begin_member (json, name);
  g_string_append_printf (json->text, "%" G_GUINT64_FORMAT ".%06u",
                          usec / G_USEC_PER_SEC,
                          (unsigned) (usec % G_USEC_PER_SEC));
}

void
cam_run_json_add_bool (CamRunJson *json,
                       const char *name,
                       gboolean    value)
{
  begin_member (json, name);
  g_string_append (json->text, value ? "true" : "false");
}

void
cam_run_json_add_null (CamRunJson *json,
                       const char *name)
{
  begin_member (json, name);
  g_string_append (json->text, "null");
}

/* Returns: (transfer full): the object, with a final newline */
char *
cam_run_json_end (CamRunJson *json)
{
  g_string_append (json->text, "}\n");
  return g_string_free (g_steal_pointer (&json->text), FALSE);
}
