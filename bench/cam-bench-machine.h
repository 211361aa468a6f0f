/* cam-bench-machine.h: what the benchmarks say about the machine they ran on
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int   cam_bench_compare_double   (const void *a,
                                  const void *b);
char *cam_bench_read_loadavg     (void);
void  cam_bench_append_machine   (GString    *out);
char *cam_bench_describe_software (void);

G_END_DECLS
