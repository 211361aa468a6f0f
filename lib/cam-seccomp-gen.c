/* cam-seccomp-gen.c: writes the built-in seccomp programs at build time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   cam-seccomp-gen OUTPUT
 *
 * Has libseccomp build the program of every combination of the built-in
 * rule sets (1 … CAM_SECCOMP_RULES_ALL) from cam-seccomp-rules.c, and
 * writes them to OUTPUT as C: one static const struct sock_filter array
 * each, and cam_seccomp_programs[], indexed by the rule mask, which
 * cam-seccomp.c returns.  It runs on the build machine, so it writes BPF
 * for that architecture: lib/meson.build uses it in native builds only.
 */
#include "config.h"

#include "cam-seccomp-rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <seccomp.h>

static const char * const rule_names[] = {
  "CAM_SECCOMP_RULES_RESTRICT",
  "CAM_SECCOMP_RULES_LOCK_PDEATHSIG",
  "CAM_SECCOMP_RULES_LOCK_MOUNTS",
};
G_STATIC_ASSERT (1 << G_N_ELEMENTS (rule_names) == CAM_SECCOMP_RULES_ALL + 1);

/* "A | B" for the comment above a program. */
static char *
describe_rules (CamSeccompRules rules)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (rule_names); i++)
    if (rules & (1 << i))
      g_string_append_printf (s, "%s%s", s->len > 0 ? " | " : "",
                              rule_names[i]);
  return g_string_free (s, FALSE);
}

/* Writes the program of @rules as program_<rules>[].  -errno on failure. */
static int
write_program (FILE            *out,
               CamSeccompRules  rules)
{
  g_autofree struct sock_fprog *program = NULL;
  g_autofree char *names = NULL;
  int r;

  r = cam_seccomp_rules_build (rules, &program);
  if (r < 0)
    return r;

  names = describe_rules (rules);
  fprintf (out, "/* %s: %u instructions */\n", names, program->len);
  fprintf (out, "static const struct sock_filter program_%u[] = {\n", rules);
  for (unsigned int i = 0; i < program->len; i++)
    {
      const struct sock_filter *insn = &program->filter[i];

      fprintf (out, "  { 0x%04x, %3u, %3u, 0x%08x },\n",
               insn->code, insn->jt, insn->jf, insn->k);
    }
  fprintf (out, "};\n\n");
  return 0;
}

static int
write_programs (FILE *out)
{
  const struct scmp_version *version = seccomp_version ();
  int r;

  fprintf (out,
           "/* cam-seccomp-programs.h: the built-in seccomp programs\n"
           " *\n"
           " * Written by cam-seccomp-gen (lib/cam-seccomp-gen.c) with libseccomp\n"
           " * %u.%u.%u for the build machine's architecture, from the rules of\n"
           " * lib/cam-seccomp-rules.c.  Do not edit.\n"
           " */\n"
           "#pragma once\n\n"
           "#include \"cam-seccomp.h\"\n\n",
           version->major, version->minor, version->micro);

  for (CamSeccompRules rules = 1; rules <= CAM_SECCOMP_RULES_ALL; rules++)
    if ((r = write_program (out, rules)) < 0)
      return r;

  /* The kernel never writes through sock_fprog.filter: the cast only
   * drops the const that the struct does not have. */
  fprintf (out, "static const struct sock_fprog cam_seccomp_programs[] = {\n"
                "  [CAM_SECCOMP_RULES_NONE] = { 0, NULL },\n");
  for (CamSeccompRules rules = 1; rules <= CAM_SECCOMP_RULES_ALL; rules++)
    fprintf (out, "  [%u] = { G_N_ELEMENTS (program_%u), "
                  "(struct sock_filter *) program_%u },\n",
             rules, rules, rules);
  fprintf (out, "};\n");
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  FILE *out;
  int r;

  if (argc != 2)
    {
      fprintf (stderr, "Usage: %s OUTPUT\n", argv[0]);
      return EXIT_FAILURE;
    }

  out = fopen (argv[1], "we");
  if (out == NULL)
    {
      perror (argv[1]);
      return EXIT_FAILURE;
    }
  r = write_programs (out);
  if (ferror (out) && r == 0)
    r = -EIO;
  if (fclose (out) != 0 && r == 0)
    r = -errno;
  if (r < 0)
    {
      fprintf (stderr, "%s: %s\n", argv[1], g_strerror (-r));
      remove (argv[1]);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
