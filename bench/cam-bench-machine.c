/* cam-bench-machine.c: what the benchmarks say about the machine they ran on
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cam-bench and cam-bench-sandbox write the same description of the
 * machine at the top of their reports; their figures only compare within
 * one run, so the load is part of it.
 */
#include <gnu/libc-version.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cam-bench-machine.h"

/* For qsort() and g_array_sort(): doubles in ascending order. */
int
cam_bench_compare_double (const void *a,
                          const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The value of the first "FIELD: value" line of @path, or "unknown". */
static char *
read_proc_field (const char *path,
                 const char *field)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("unknown");
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (g_str_has_prefix (lines[i], field) && colon != NULL)
        return g_strstrip (g_strdup (colon + 1));
    }
  return g_strdup ("unknown");
}

/* The three load averages of /proc/loadavg, or "unknown". */
char *
cam_bench_read_loadavg (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return g_strdup ("unknown");
  fields = g_strsplit (contents, " ", 4);
  if (g_strv_length (fields) < 3)
    return g_strdup ("unknown");
  return g_strdup_printf ("%s %s %s", fields[0], fields[1], fields[2]);
}

/* "- Machine: N CPUs online, MODEL, M GiB memory\n" */
void
cam_bench_append_machine (GString *out)
{
  g_autofree char *model = read_proc_field ("/proc/cpuinfo", "model name");
  g_autofree char *memory = read_proc_field ("/proc/meminfo", "MemTotal");

  g_string_append_printf (out,
                          "- Machine: %ld CPUs online, %s, %.1f GiB memory\n",
                          sysconf (_SC_NPROCESSORS_ONLN), model,
                          g_ascii_strtod (memory, NULL) / (1024.0 * 1024.0));
}

/* "KERNEL; glibc X.Y; GLib A.B.C", for the "- Kernel:" line. */
char *
cam_bench_describe_software (void)
{
  struct utsname uts;

  if (uname (&uts) < 0)
    g_strlcpy (uts.release, "unknown", sizeof uts.release);
  return g_strdup_printf ("%s; glibc %s; GLib %u.%u.%u", uts.release,
                          gnu_get_libc_version (), glib_major_version,
                          glib_minor_version, glib_micro_version);
}
