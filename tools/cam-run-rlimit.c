/* cam-run-rlimit.c: resource limits as prlimit(1) names them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * --rlimit NAME=SOFT[:HARD] takes prlimit(1)'s names and forms: one value
 * sets both limits; "SOFT:" and ":HARD" keep the other limit as cam-run
 * has it; "unlimited" (or "infinity") is RLIM_INFINITY.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gi18n-lib.h>

#include "cam-run-rlimit.h"

static const struct {
  const char *name;
  int         resource;
} rlimit_names[] = {
  { "as", RLIMIT_AS },
  { "core", RLIMIT_CORE },
  { "cpu", RLIMIT_CPU },
  { "data", RLIMIT_DATA },
  { "fsize", RLIMIT_FSIZE },
  { "locks", RLIMIT_LOCKS },
  { "memlock", RLIMIT_MEMLOCK },
  { "msgqueue", RLIMIT_MSGQUEUE },
  { "nice", RLIMIT_NICE },
  { "nofile", RLIMIT_NOFILE },
  { "nproc", RLIMIT_NPROC },
  { "rss", RLIMIT_RSS },
  { "rtprio", RLIMIT_RTPRIO },
  { "rttime", RLIMIT_RTTIME },
  { "sigpending", RLIMIT_SIGPENDING },
  { "stack", RLIMIT_STACK },
};

/* An empty @text keeps @current. */
static gboolean
parse_value (const char *text,
             guint64     current,
             guint64    *ret_value)
{
  guint64 value;

  if (*text == '\0')
    value = current;
  else if (strcmp (text, "unlimited") == 0 || strcmp (text, "infinity") == 0)
    value = G_MAXUINT64;
  else if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64 - 1, &value,
                                        NULL))
    return FALSE;

  *ret_value = value;
  return TRUE;
}

static guint64
rlim_to_guint64 (rlim_t value)
{
  return value == RLIM_INFINITY ? G_MAXUINT64 : (guint64) value;
}

gboolean
cam_run_rlimit_parse (const char  *spec,
                      int         *ret_resource,
                      guint64     *ret_soft,
                      guint64     *ret_hard,
                      GError     **error)
{
  g_autofree char *name = NULL;
  const char *values, *colon;
  g_autofree char *soft_text = NULL;
  const char *hard_text;
  struct rlimit current;
  int resource = -1;
  guint64 soft, hard;

  values = strchr (spec, '=');
  if (values == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid resource limit “%s”: expected NAME=SOFT[:HARD]"),
                   spec);
      return FALSE;
    }
  name = g_strndup (spec, (gsize) (values - spec));
  values++;

  for (gsize i = 0; i < G_N_ELEMENTS (rlimit_names); i++)
    if (g_ascii_strcasecmp (name, rlimit_names[i].name) == 0)
      resource = rlimit_names[i].resource;
  if (resource < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Unknown resource limit “%s” (as, core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)"),
                   name);
      return FALSE;
    }

  if (getrlimit (resource, &current) < 0)
    {
      int errsv = errno;

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("Failed to get resource limit “%s”: %s"), name,
                   g_strerror (errsv));
      return FALSE;
    }

  colon = strchr (values, ':');
  soft_text = colon != NULL ? g_strndup (values, (gsize) (colon - values))
                            : g_strdup (values);
  hard_text = colon != NULL ? colon + 1 : soft_text;
  if ((colon == NULL && *values == '\0') ||
      !parse_value (soft_text, rlim_to_guint64 (current.rlim_cur), &soft) ||
      !parse_value (hard_text, rlim_to_guint64 (current.rlim_max), &hard))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Invalid value “%s” for resource limit “%s”: expected a number or “unlimited”"),
                   values, name);
      return FALSE;
    }

  *ret_resource = resource;
  *ret_soft = soft;
  *ret_hard = hard;
  return TRUE;
}
