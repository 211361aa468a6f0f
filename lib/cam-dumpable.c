/* cam-dumpable.c: the caller's dumpable flag across spawns that share it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The dumpable flag lives in the mm, not in the thread: a CLONE_VM child
 * that changes its euid or egid makes the kernel clear it (commit_creds()
 * sets it to fs.suid_dumpable, 0 by default) for the caller too, and all
 * of the caller's threads see it at 0 until it is set again.  That is the
 * safe direction, but the caller's flag must come back once no such child
 * shares the memory any more.
 *
 * Not sooner: setting it back to 1 while another thread's child still
 * shares the memory under another uid would let that uid open
 * /proc/CHILD/mem, which is the caller's memory.  So spawns that switch
 * ids hold the flag, and the last one out puts back the value the first
 * one in found.  That value is the caller's own: no spawn was running.
 *
 * This is the one piece of process-wide state in the library, because the
 * flag it protects is process-wide.  It is a count and a saved value under
 * a static lock; nothing is allocated, and nothing stays once the count is
 * back at 0.
 */
#include "config.h"

#include <sys/prctl.h>

#include "cam-dumpable.h"

static GMutex lock;
static guint n_holders;
static int saved = -1;

/**
 * cam_dumpable_hold:
 *
 * Called before cloning a child that will switch ids while it shares the
 * caller's memory.  The first holder records the caller's flag.
 */
void
cam_dumpable_hold (void)
{
  g_mutex_lock (&lock);
  if (n_holders++ == 0)
    saved = prctl (PR_GET_DUMPABLE, 0, 0, 0, 0);
  g_mutex_unlock (&lock);
}

/**
 * cam_dumpable_release:
 *
 * Called once that child has exec'd or exited.  The last holder restores
 * the recorded flag where a child changed it.  2 (SUID_DUMP_ROOT) cannot
 * be set by prctl(); only exec gives it, so it is left as the kernel put
 * it.
 */
void
cam_dumpable_release (void)
{
  g_mutex_lock (&lock);
  g_assert (n_holders > 0);
  if (--n_holders == 0 && (saved == 0 || saved == 1) &&
      prctl (PR_GET_DUMPABLE, 0, 0, 0, 0) != saved)
    prctl (PR_SET_DUMPABLE, saved, 0, 0, 0);
  g_mutex_unlock (&lock);
}
