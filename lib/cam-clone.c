/* cam-clone.c: clone3() running a function on a caller's stack, and the
 * stacks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * glibc 2.36 exports no clone3() wrapper, and syscall(SYS_clone3) cannot
 * take CLONE_VM from C: the child would return through the caller's frames
 * on its new, empty stack.  So, as glibc's own clone3.S does, a few
 * instructions per architecture make the system call and, in the child,
 * call fn (fn_arg) on the new stack and exit with its result, without ever
 * returning into C.  The child finds fn and fn_arg in registers, never on
 * the old stack: the kernel copies the parent's registers into the child
 * except the return value (x86_64 also loses rcx and r11 to `syscall`;
 * aarch64 only x0 to `svc`).
 *
 * Other architectures get -EOPNOTSUPP at once and use glibc's clone().
 */
#include "config.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cam-clone.h"

#if defined(__SANITIZE_ADDRESS__)
# define HAVE_ASAN 1
#elif defined(__has_feature)
# if __has_feature (address_sanitizer)
#  define HAVE_ASAN 1
# endif
#endif
#ifdef HAVE_ASAN
# include <sanitizer/asan_interface.h>
/* A child never returns from its frames (it execs or _exits), so their
 * redzones stay poisoned in the shadow memory it shared with us under
 * CLONE_VM: clear them before the stack serves again or is unmapped. */
# define UNPOISON_STACK(stack) \
  ASAN_UNPOISON_MEMORY_REGION ((stack), CAM_CLONE_STACK_SIZE)
#else
# define UNPOISON_STACK(stack) ((void) (stack))
#endif

/* One child stack per thread, kept from one spawn to the next: an mmap()
 * and munmap() per spawn cost the parent a page fault in the child and,
 * since a CLONE_VM child ran on another CPU, a TLB shootdown at munmap().
 * Reuse is safe because CLONE_VFORK suspends the calling thread until the
 * child has exec'd or exited, so a stack is never in use by two children;
 * a child that a debugger or valgrind runs as a plain fork has a copy of
 * it.  Below the stack, a PROT_NONE guard page turns an overflow into a
 * SIGSEGV instead of a write into the parent's memory. */
static gsize
guard_size (void)
{
  static gsize cached = 0;

  if (g_once_init_enter (&cached))
    g_once_init_leave (&cached, (gsize) sysconf (_SC_PAGESIZE));
  return cached;
}

static void
stack_free (gpointer stack)
{
  UNPOISON_STACK (stack);
  munmap ((char *) stack - guard_size (), guard_size () + CAM_CLONE_STACK_SIZE);
}

static GPrivate thread_stack = G_PRIVATE_INIT (stack_free);

/**
 * cam_clone_stack_get:
 * @ret_stack: (out): the lowest address of a stack of
 *   %CAM_CLONE_STACK_SIZE bytes
 *
 * Returns the calling thread's child stack, mapping it on first use.  It
 * is unmapped when the thread exits.  It serves one CLONE_VFORK child at a
 * time: the caller must not return before the child has exec'd or exited.
 *
 * Returns: 0, or -errno
 */
int
cam_clone_stack_get (void **ret_stack)
{
  gsize guard = guard_size ();
  char *map;

  *ret_stack = g_private_get (&thread_stack);
  if (*ret_stack != NULL)
    {
      UNPOISON_STACK (*ret_stack);
      return 0;
    }

  map = mmap (NULL, guard + CAM_CLONE_STACK_SIZE, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (map == MAP_FAILED)
    return -errno;
  if (mprotect (map, guard, PROT_NONE) < 0)
    {
      int errsv = errno;

      munmap (map, guard + CAM_CLONE_STACK_SIZE);
      return -errsv;
    }

  g_private_set (&thread_stack, map + guard);
  *ret_stack = map + guard;
  return 0;
}

#if defined(__x86_64__) && defined(__LP64__)
# define HAVE_CLONE3_TRAMPOLINE 1

/* Returns the child's pid or -errno, as the kernel does.  The child clears
 * the outermost frame pointer, aligns the stack for the psABI and calls
 * fn (fn_arg); its return value goes to exit(2).  The "memory" clobber
 * stands for whatever a CLONE_VM child writes before the parent resumes. */
static G_GNUC_NO_INLINE long
clone3_trampoline (struct clone_args  *args,
                   gsize               size,
                   int               (*fn) (void *),
                   void               *fn_arg)
{
  register long rax __asm__ ("rax") = __NR_clone3;
  register struct clone_args *rdi __asm__ ("rdi") = args;
  register gsize rsi __asm__ ("rsi") = size;
  register int (*rdx) (void *) __asm__ ("rdx") = fn;
  register void *r8 __asm__ ("r8") = fn_arg;

  __asm__ __volatile__ (
    "syscall\n\t"
    "testq %%rax, %%rax\n\t"
    "jnz 1f\n\t"
    "xorl %%ebp, %%ebp\n\t"
    "andq $-16, %%rsp\n\t"
    "movq %%r8, %%rdi\n\t"
    "callq *%%rdx\n\t"
    "movl %%eax, %%edi\n\t"
    "movl %[nr_exit], %%eax\n\t"
    "syscall\n\t"
    "hlt\n"
    "1:"
    : "+r" (rax)
    : "r" (rdi), "r" (rsi), "r" (rdx), "r" (r8), [nr_exit] "i" (__NR_exit)
    : "rcx", "r11", "cc", "memory");

  return rax;
}

#elif defined(__aarch64__) && defined(__LP64__)
# define HAVE_CLONE3_TRAMPOLINE 1

/* As above: the child zeroes the frame pointer and link register (the end
 * of the frame chain), aligns sp to 16 bytes and calls fn (fn_arg). */
static G_GNUC_NO_INLINE long
clone3_trampoline (struct clone_args  *args,
                   gsize               size,
                   int               (*fn) (void *),
                   void               *fn_arg)
{
  register long x8 __asm__ ("x8") = __NR_clone3;
  register long x0 __asm__ ("x0") = (long) args;
  register gsize x1 __asm__ ("x1") = size;
  register int (*x2) (void *) __asm__ ("x2") = fn;
  register void *x3 __asm__ ("x3") = fn_arg;

  __asm__ __volatile__ (
    "svc #0\n\t"
    "cbnz x0, 1f\n\t"
    "mov x29, #0\n\t"
    "mov x30, #0\n\t"
    "mov x4, sp\n\t"
    "and x4, x4, #-16\n\t"
    "mov sp, x4\n\t"
    "mov x0, x3\n\t"
    "blr x2\n\t"
    "mov x8, %[nr_exit]\n\t"
    "svc #0\n\t"
    "brk #0\n"
    "1:"
    : "+r" (x0)
    : "r" (x8), "r" (x1), "r" (x2), "r" (x3), [nr_exit] "i" (__NR_exit)
    : "x4", "cc", "memory");

  return x0;
}

#endif

/**
 * cam_clone3_on_stack:
 * @args: the clone3() arguments, with a stack (@args->stack and
 *   @args->stack_size) that only the child uses
 * @fn: what the child runs; its return value is the child's exit status
 * @fn_arg: the argument of @fn
 *
 * Runs clone3(); the child calls @fn (@fn_arg) on the given stack and exits.
 * With CLONE_VM | CLONE_VFORK this is glibc's posix_spawn scheme, plus the
 * clone3-only flags: CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP.
 *
 * Whether clone3() works is learnt from the first calls and remembered for
 * the process: ENOSYS (no clone3 before Linux 5.3; valgrind 3.19 and some
 * seccomp profiles answer it too), or EINVAL or EPERM to
 * %CAM_CLONE3_BASIC_FLAGS alone (Linux 5.3 and 5.4 lack
 * CLONE_CLEAR_SIGHAND; seccomp profiles that answer EPERM) mean that it
 * does not, and every later call returns -EOPNOTSUPP at once, without a
 * system call.  An EINVAL or EPERM with more flags (namespaces,
 * CLONE_INTO_CGROUP) may be about those flags and is returned as it is.
 *
 * Returns: the child's pid in the parent; -EOPNOTSUPP when clone3() cannot
 *   be used here (also on architectures without a trampoline), for the
 *   caller to fall back to clone(); another -errno on failure
 */
pid_t
cam_clone3_on_stack (struct clone_args  *args,
                     int               (*fn) (void *),
                     void               *fn_arg)
{
#ifdef HAVE_CLONE3_TRAMPOLINE
  static int unsupported = FALSE;
  long r;

  g_return_val_if_fail (args->stack != 0 && args->stack_size != 0, -EINVAL);

  if (g_atomic_int_get (&unsupported))
    return -EOPNOTSUPP;

  r = clone3_trampoline (args, sizeof *args, fn, fn_arg);
  if (r == -ENOSYS ||
      ((r == -EINVAL || r == -EPERM) &&
       (args->flags & ~(guint64) CAM_CLONE3_BASIC_FLAGS) == 0))
    {
      g_atomic_int_set (&unsupported, TRUE);
      return -EOPNOTSUPP;
    }
  return (pid_t) r;
#else
  return -EOPNOTSUPP;
#endif
}
