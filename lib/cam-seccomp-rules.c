/* cam-seccomp-rules.c: the rules of the built-in seccomp filters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one definition of what each set of CamSeccompRules refuses, and the
 * call that has libseccomp turn a set into a classic BPF program: it knows
 * the system call numbers and the architecture checks.  cam-seccomp-gen
 * runs it at build time for every set (cam-seccomp.c returns what it
 * wrote); a cross build runs it in each process (cam-seccomp-runtime.c).
 * libseccomp 2.5 can only export to an fd (seccomp_export_bpf(); the _mem
 * variant is 2.6), so the program goes through a memfd and is read back.
 *
 * Every rule refuses with EPERM; none kills, so a program that probes for
 * a feature sees an ordinary error.  Arguments the kernel truncates to 32
 * bits (an ioctl request, a prctl option, clone flags, a personality) are
 * compared on their low 32 bits only (SCMP_CMP_MASKED_EQ with a 32-bit
 * mask), or setting the upper bits would slip past the rule while the
 * kernel still acts on the lower ones (CVE-2019-10063, TIOCSTI in
 * flatpak).  libseccomp 2.5's SCMP_A0_32() and friends still compare the
 * upper half with zero, so they do not do this.
 */
#include "config.h"

#include "cam-seccomp-rules.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <seccomp.h>

/* seccomp_data.args[] are 64-bit; the kernel reads these as int or
 * unsigned int. */
#define LOW32(arg, value) SCMP_CMP ((arg), SCMP_CMP_MASKED_EQ, 0xffffffffULL, \
                                    (scmp_datum_t) (guint32) (value))
#define HAS_BITS(arg, bits) SCMP_CMP ((arg), SCMP_CMP_MASKED_EQ, \
                                      (scmp_datum_t) (guint32) (bits), \
                                      (scmp_datum_t) (guint32) (bits))

/* clone()'s flags come first, except on s390, which swaps them with the
 * stack. */
#if defined(__s390__) || defined(__CRIS__)
# define CLONE_FLAGS_ARG 1
#else
# define CLONE_FLAGS_ARG 0
#endif

/* Adds one rule refusing @nr with @errnum under @n_cmps comparisons.  A
 * system call this architecture lacks (libseccomp gives it a negative
 * pseudo number) needs no rule.  -errno on failure. */
static int
refuse (scmp_filter_ctx              ctx,
        int                          errnum,
        int                          nr,
        unsigned int                 n_cmps,
        const struct scmp_arg_cmp   *cmps)
{
  if (nr < 0)
    return 0;
  return seccomp_rule_add_array (ctx, SCMP_ACT_ERRNO (errnum), nr,
                                 n_cmps, cmps);
}

/* Namespaces: clone() and unshare() with a CLONE_NEW* flag, setns() of
 * any kind.  clone3() passes its flags in memory, which a filter cannot
 * read: it answers ENOSYS, so that glibc (and others) fall back to
 * clone(), whose flags are in a register.  CLONE_NEWTIME is in clone()'s
 * exit signal byte there; only unshare() and clone3() take it. */
static int
add_namespace_rules (scmp_filter_ctx ctx)
{
  static const int ns_flags[] = {
    CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
    CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWTIME,
  };
  int r;

  for (gsize i = 0; i < G_N_ELEMENTS (ns_flags); i++)
    {
      struct scmp_arg_cmp cmp = HAS_BITS (0, ns_flags[i]);
      struct scmp_arg_cmp clone_cmp = HAS_BITS (CLONE_FLAGS_ARG, ns_flags[i]);

      if ((r = refuse (ctx, EPERM, SCMP_SYS (unshare), 1, &cmp)) < 0)
        return r;
      if (ns_flags[i] != CLONE_NEWTIME &&
          (r = refuse (ctx, EPERM, SCMP_SYS (clone), 1, &clone_cmp)) < 0)
        return r;
    }
  if ((r = refuse (ctx, EPERM, SCMP_SYS (setns), 0, NULL)) < 0)
    return r;
  return refuse (ctx, ENOSYS, SCMP_SYS (clone3), 0, NULL);
}

/* personality() takes an unsigned int: refuse every value but PER_LINUX
 * (0) and the query 0xffffffff.  libseccomp 2.5 allows one comparison per
 * argument in a rule, so the range [1, 0xfffffffe] is covered by prefix
 * blocks: for each bit k below 31, the values whose bits above k are all
 * clear and bit k set (1, 2–3, 4–7, …, up to 0x7fffffff), and those whose
 * bits above k are all set and bit k clear (…, up to 0xfffffffe). */
static int
add_personality_rules (scmp_filter_ctx ctx)
{
  for (int k = 0; k < 31; k++)
    {
      guint32 mask = 0xffffffffU << k;
      struct scmp_arg_cmp low = SCMP_CMP (0, SCMP_CMP_MASKED_EQ, mask,
                                          1U << k);
      struct scmp_arg_cmp high = SCMP_CMP (0, SCMP_CMP_MASKED_EQ, mask,
                                           mask & ~(1U << k));
      int r;

      if ((r = refuse (ctx, EPERM, SCMP_SYS (personality), 1, &low)) < 0 ||
          (r = refuse (ctx, EPERM, SCMP_SYS (personality), 1, &high)) < 0)
        return r;
    }
  return 0;
}

/* Every system call that changes mounts, whatever its arguments. */
static int
add_mount_rules (scmp_filter_ctx ctx)
{
  static const int mounts[] = {
    SCMP_SYS (mount), SCMP_SYS (umount), SCMP_SYS (umount2),
    SCMP_SYS (pivot_root), SCMP_SYS (move_mount), SCMP_SYS (open_tree),
    SCMP_SYS (fsopen), SCMP_SYS (fsconfig), SCMP_SYS (fsmount),
    SCMP_SYS (fspick), SCMP_SYS (mount_setattr),
  };
  int r;

  for (gsize i = 0; i < G_N_ELEMENTS (mounts); i++)
    if ((r = refuse (ctx, EPERM, mounts[i], 0, NULL)) < 0)
      return r;
  return 0;
}

/* RESTRICT's rules but the mounts' (add_mount_rules() comes with it). */
static int
add_restrict_rules (scmp_filter_ctx ctx)
{
  /* Refused whatever their arguments. */
  static const int always[] = {
    /* other processes' memory */
    SCMP_SYS (ptrace), SCMP_SYS (process_vm_readv),
    SCMP_SYS (process_vm_writev),
    /* keyrings, which are not namespaced */
    SCMP_SYS (keyctl), SCMP_SYS (add_key), SCMP_SYS (request_key),
    /* large kernel attack surfaces */
    SCMP_SYS (bpf), SCMP_SYS (perf_event_open), SCMP_SYS (userfaultfd),
    SCMP_SYS (io_uring_setup), SCMP_SYS (io_uring_enter),
    SCMP_SYS (io_uring_register),
    /* the kernel itself */
    SCMP_SYS (kexec_load), SCMP_SYS (kexec_file_load),
    SCMP_SYS (init_module), SCMP_SYS (finit_module),
    SCMP_SYS (delete_module),
  };
  /* Pushing input into a terminal, or TIOCLINUX's selection paste. */
  static const unsigned long ioctls[] = { TIOCSTI, TIOCLINUX };
  int r;

  for (gsize i = 0; i < G_N_ELEMENTS (always); i++)
    if ((r = refuse (ctx, EPERM, always[i], 0, NULL)) < 0)
      return r;

  for (gsize i = 0; i < G_N_ELEMENTS (ioctls); i++)
    {
      struct scmp_arg_cmp cmp = LOW32 (1, ioctls[i]);

      if ((r = refuse (ctx, EPERM, SCMP_SYS (ioctl), 1, &cmp)) < 0)
        return r;
    }

  if ((r = add_namespace_rules (ctx)) < 0)
    return r;
  return add_personality_rules (ctx);
}

/* prctl()'s option is an int; its signal an unsigned long, which the
 * kernel checks whole (valid_signal()), so it is compared whole. */
static int
add_lock_pdeathsig_rules (scmp_filter_ctx ctx)
{
  struct scmp_arg_cmp cmps[] = {
    LOW32 (0, PR_SET_PDEATHSIG),
    SCMP_A1_64 (SCMP_CMP_NE, SIGKILL),
  };

  return refuse (ctx, EPERM, SCMP_SYS (prctl), G_N_ELEMENTS (cmps), cmps);
}

/* Writes the program of @ctx to a memfd and reads it back. */
static int
export_program (scmp_filter_ctx     ctx,
                struct sock_fprog **ret_program)
{
  struct sock_fprog *program;
  struct stat st;
  ssize_t n;
  int fd, r;

  fd = memfd_create ("cam-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return -errno;

  r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    goto out;
  if (fstat (fd, &st) < 0)
    {
      r = -errno;
      goto out;
    }
  if (st.st_size <= 0 || st.st_size % sizeof (struct sock_filter) != 0 ||
      st.st_size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    {
      r = -E2BIG;
      goto out;
    }

  /* One block: the header, then the instructions. */
  program = g_malloc (sizeof *program + st.st_size);
  program->len = st.st_size / sizeof (struct sock_filter);
  program->filter = (struct sock_filter *) (program + 1);
  n = pread (fd, program->filter, st.st_size, 0);
  if (n != st.st_size)
    {
      r = n < 0 ? -errno : -EIO;
      g_free (program);
      goto out;
    }

  *ret_program = program;
  r = 0;

out:
  close (fd);
  return r;
}

/* Without RESTRICT, which refuses every other architecture, the locks
 * must hold on the compatible ones too (a 32-bit program could otherwise
 * clear its death signal through int 0x80), and such programs still run:
 * their rules are added for those architectures as well. */
static int
add_compat_archs (scmp_filter_ctx ctx)
{
#if defined(__x86_64__) && defined(__LP64__)
  static const guint32 archs[] = { SCMP_ARCH_X86, SCMP_ARCH_X32 };
#elif defined(__aarch64__)
  static const guint32 archs[] = { SCMP_ARCH_ARM };
#else
  static const guint32 archs[] = { 0 };
#endif
  int r;

  for (gsize i = 0; i < G_N_ELEMENTS (archs); i++)
    if (archs[i] != 0 && (r = seccomp_arch_add (ctx, archs[i])) < 0 &&
        r != -EEXIST)
      return r;
  return 0;
}

/**
 * cam_seccomp_rules_build:
 * @rules: a non-empty set of built-in rules
 * @ret_program: (out) (transfer full): the filter, for SECCOMP_SET_MODE_FILTER
 *
 * Has libseccomp write the program of @rules for the architecture it was
 * built for.  The header and the instructions are one block: g_free() it.
 *
 * Returns: 0, or -errno if libseccomp failed
 */
int
cam_seccomp_rules_build (CamSeccompRules     rules,
                         struct sock_fprog **ret_program)
{
  scmp_filter_ctx ctx;
  int r;

  ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (ctx == NULL)
    return -ENOMEM;

  /* Under RESTRICT only the native architecture is allowed: on x86_64 the
   * filter refuses the ia32 entry points (int 0x80, sysenter) and x32
   * system calls (__X32_SYSCALL_BIT), whose numbers differ, rather than
   * list their rules too.  A 32-bit program cannot run under it.  The
   * locks alone cover the compatible architectures (add_compat_archs());
   * any other is refused all the same. */
  r = seccomp_attr_set (ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO (EPERM));
  /* A binary search on the system call number rather than a chain of
   * comparisons: fewer instructions run per call, and at load, when the
   * kernel runs the filter for every number to fill its cache. */
  if (r >= 0)
    r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (r >= 0 && !(rules & CAM_SECCOMP_RULES_RESTRICT))
    r = add_compat_archs (ctx);
  if (r >= 0 && (rules & CAM_SECCOMP_RULES_RESTRICT))
    r = add_restrict_rules (ctx);
  if (r >= 0 &&
      (rules & (CAM_SECCOMP_RULES_RESTRICT | CAM_SECCOMP_RULES_LOCK_MOUNTS)))
    r = add_mount_rules (ctx);
  if (r >= 0 && (rules & CAM_SECCOMP_RULES_LOCK_PDEATHSIG))
    r = add_lock_pdeathsig_rules (ctx);
  if (r >= 0)
    r = export_program (ctx, ret_program);

  seccomp_release (ctx);
  return r;
}
