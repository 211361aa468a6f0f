/* cam-context-watch.c: one pidfd watch per GMainContext
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A GMainContext prepares, polls and checks every attached source on every
 * iteration, whatever woke it: one source per child makes each iteration
 * of a loop that supervises N children cost O(N).  So all the children
 * watched from one context share one source, the context's watch, which
 * polls a single epoll fd; each child's pidfd is registered in it.  An
 * idle iteration costs the same with 10,000 children as with one, and an
 * exit costs one epoll event.
 *
 * The watch lives in its context and nowhere else: it is found again with
 * g_main_context_find_source_by_funcs_user_data() (its callback data is
 * the context itself, never dereferenced), created with the first child
 * registered from that context and destroyed when its last one leaves.
 * Contexts on different threads have watches of their own.
 *
 * Entries: a CamWatchEntry belongs to its owner (a CamProcess), which
 * creates it with cam_context_watch_add() and frees it with
 * cam_context_watch_remove().  While it is registered (@watch != NULL) it
 * sits in exactly one watch; cam_context_watch_move() carries it to the
 * watch of another context (a synchronous wait's private one) in one
 * step.  The reap happens under @watch_lock and takes the entry out of
 * its watch, so exactly one party reaps a child: the watch that finds it
 * exited, or the owner that removed it first (dispose).
 *
 * Locking: @watch_lock, one lock for all watches, guards the entries, the
 * watches' tables and the finding and destruction of a watch, so that
 * finding a watch and registering into it cannot race with the watch
 * going away.  It is a lock, not a registry: the state lives in each
 * context.  Order: CamProcess's own lock, then @watch_lock, then
 * GMainContext's (g_source_destroy(), the find).  Callbacks run after it
 * is released, and so does every g_object_unref() (a last unref runs
 * dispose, which takes it).
 *
 * Each pidfd is registered edge-triggered (EPOLLET): it reports an exit
 * once, not on every iteration while it stays readable.  That matters when
 * the child cannot be reaped yet although its pidfd polls readable: a
 * ptrace tracer (strace -f, gdb) holds its zombie until the tracer has
 * waited for it, and a level-triggered poll would spin meanwhile.  Such a
 * child is tried again on a timer with a bounded exponential backoff;
 * the kernel's wakeup when the tracer lets go also arrives as a new edge.
 * A child reaped by a foreign waitpid() whose status the kernel has not
 * yet recorded in the pidfd (cam_pidfd_reap() says -EINPROGRESS) is tried
 * every millisecond, and given up as unknown after 200 tries.
 *
 * The epoll data of a pidfd is the entry's serial number, looked up in the
 * watch's table: an event for an entry removed meanwhile, or for a pidfd
 * closed behind our back whose file lives on in a dup(), names no entry
 * and is dropped.  A pidfd that reports EPOLLERR, or that the reap finds
 * invalid, is reported once with g_warning() and its child finishes with
 * %CAM_PROCESS_EXIT_STATUS_UNKNOWN: it is never polled again.
 */
#include "config.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "cam-context-watch.h"
#include "cam-pidfd-util.h"

/* Events taken from the epoll fd per dispatch: a crowd that exits at once
 * is handled over several iterations, so other sources get their turn. */
#define MAX_EVENTS            256
/* A child under a ptrace tracer: the first retry after this, doubling up
 * to BACKOFF_MAX_MS (a tracer that holds the zombie 500 ms costs about
 * ten dispatches). */
#define BACKOFF_MIN_MS        1
#define BACKOFF_MAX_MS        100
/* A child reaped by a foreign waitpid() whose status is not there yet. */
#define FOREIGN_RETRY_MS      1
#define MAX_FOREIGN_RETRIES   200

typedef struct {
  GSource       source;
  GMainContext *context;    /* unowned: the one attached to, the key */
  int           epfd;       /* owned */
  gpointer      tag;
  GHashTable   *entries;    /* &serial → CamWatchEntry, not owned */
  GQueue        retrying;   /* CamWatchEntry (retry_link), due first */
} CamContextWatch;

struct _CamWatchEntry {
  guint64              serial;      /* the epoll data, unique */
  int                  pidfd;       /* borrowed from the owner */
  GWeakRef             owner;
  CamContextWatchFunc  func;
  CamContextWatch     *watch;       /* NULL unless registered */
  GList                retry_link;  /* in watch->retrying, or unlinked */
  gboolean             retrying;
  gint64               retry_at;    /* monotonic µs */
  guint                backoff_ms;  /* of the last retry, or 0 */
  guint                n_foreign_retries;
};

/* A child reaped by a dispatch, announced once the lock is released. */
typedef struct {
  CamContextWatchFunc   func;
  GObject              *owner;  /* owned */
  CamProcessExitStatus  status;
  int                   code;
  gboolean              has_rusage;
  struct rusage         rusage;
} Reaped;

static GMutex watch_lock;
static guint64 next_serial = 1;   /* under watch_lock */

static GSourceFuncs watch_funcs;

static void
update_ready_time_locked (CamContextWatch *watch)
{
  gint64 ready_time = -1;

  for (GList *l = watch->retrying.head; l != NULL; l = l->next)
    {
      CamWatchEntry *entry = l->data;

      if (ready_time < 0 || entry->retry_at < ready_time)
        ready_time = entry->retry_at;
    }
  g_source_set_ready_time (&watch->source, ready_time);
}

static void
schedule_retry_locked (CamContextWatch *watch,
                       CamWatchEntry   *entry,
                       gint64           now,
                       guint            delay_ms)
{
  entry->retry_at = now + delay_ms * G_TIME_SPAN_MILLISECOND;
  if (!entry->retrying)
    g_queue_push_tail_link (&watch->retrying, &entry->retry_link);
  entry->retrying = TRUE;
}

/* Returns the watch of @context, creating and attaching it if needed.
 * NULL with errno set if the epoll fd cannot be had. */
static CamContextWatch *
get_watch_locked (GMainContext *context)
{
  CamContextWatch *watch;
  GSource *source;
  int epfd;

  source = g_main_context_find_source_by_funcs_user_data (context,
                                                          &watch_funcs,
                                                          context);
  if (source != NULL)
    return (CamContextWatch *) source;

  epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (epfd < 0)
    return NULL;

  source = g_source_new (&watch_funcs, sizeof (CamContextWatch));
  watch = (CamContextWatch *) source;
  g_source_set_static_name (source, "CamProcess pidfd watch");
  watch->context = context;
  watch->epfd = epfd;
  watch->tag = g_source_add_unix_fd (source, epfd, G_IO_IN);
  watch->entries = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_queue_init (&watch->retrying);
  /* Never called: the callback data is only the key of the find. */
  g_source_set_callback (source, NULL, context, NULL);
  g_source_attach (source, context);
  g_source_unref (source);   /* the context holds it until destroyed */
  return watch;
}

/* Adds the pidfd of @entry to the epoll set of @watch; FALSE with errno
 * set on failure, and then a watch left without children is destroyed. */
static gboolean
epoll_add_locked (CamContextWatch *watch,
                  CamWatchEntry   *entry)
{
  struct epoll_event event = {
    .events = EPOLLIN | EPOLLET,
    .data.u64 = entry->serial,
  };

  if (epoll_ctl (watch->epfd, EPOLL_CTL_ADD, entry->pidfd, &event) < 0)
    {
      int errsv = errno;

      if (g_hash_table_size (watch->entries) == 0)
        g_source_destroy (&watch->source);
      errno = errsv;
      return FALSE;
    }
  return TRUE;
}

/* Makes @entry, whose pidfd is in the epoll set of @watch, one of its
 * children.  An exited child reports an edge at once (EPOLL_CTL_ADD polls
 * the fd), so no retry state is carried over. */
static void
insert_locked (CamContextWatch *watch,
               CamWatchEntry   *entry)
{
  g_hash_table_insert (watch->entries, &entry->serial, entry);
  entry->watch = watch;
  entry->retrying = FALSE;
  entry->backoff_ms = 0;
  entry->n_foreign_retries = 0;
}

/* Takes @entry out of its watch, which goes away with its last child.
 * The watch is not finalized here: the context or a dispatch holds it. */
static void
detach_locked (CamWatchEntry *entry)
{
  CamContextWatch *watch = entry->watch;

  /* Fails with EBADF or ENOENT for a pidfd closed behind our back: its
   * events then name no entry. */
  epoll_ctl (watch->epfd, EPOLL_CTL_DEL, entry->pidfd, NULL);
  g_hash_table_remove (watch->entries, &entry->serial);
  if (entry->retrying)
    g_queue_unlink (&watch->retrying, &entry->retry_link);
  entry->retrying = FALSE;
  entry->watch = NULL;

  if (g_hash_table_size (watch->entries) == 0)
    g_source_destroy (&watch->source);
  else
    update_ready_time_locked (watch);
}

/**
 * cam_context_watch_add:
 * @context: the context to watch from
 * @pidfd: the pidfd of a child of this process, borrowed from @owner: it
 *   must stay open until cam_context_watch_remove()
 * @owner: the object that owns @pidfd, held by a weak reference
 * @func: called once, from @context (or the context the entry was moved
 *   to), when the child has exited and been reaped, with @owner
 * @ret_errno: (out): the errno of a failure
 *
 * Registers a child in the watch of @context, which is created on the
 * first child.  Once @owner is being disposed, the watch reaps nothing and
 * calls nothing for it: the owner's dispose removes it and reaps.
 *
 * Returns: (transfer full): the entry, or %NULL on failure
 */
CamWatchEntry *
cam_context_watch_add (GMainContext        *context,
                       int                  pidfd,
                       GObject             *owner,
                       CamContextWatchFunc  func,
                       int                 *ret_errno)
{
  CamWatchEntry *entry = g_new0 (CamWatchEntry, 1);
  CamContextWatch *watch;
  gboolean ok;
  int errsv;

  entry->pidfd = pidfd;
  entry->func = func;
  entry->retry_link.data = entry;
  g_weak_ref_init (&entry->owner, owner);

  g_mutex_lock (&watch_lock);
  entry->serial = next_serial++;
  watch = get_watch_locked (context);
  ok = watch != NULL && epoll_add_locked (watch, entry);
  errsv = errno;
  if (ok)
    insert_locked (watch, entry);
  g_mutex_unlock (&watch_lock);

  if (ok)
    return entry;

  g_weak_ref_clear (&entry->owner);
  g_free (entry);
  *ret_errno = errsv;
  return NULL;
}

/**
 * cam_context_watch_move:
 * @entry: an entry
 * @from: the context whose watch should hold @entry
 * @to: the context to watch it from instead
 * @ret_errno: (out) (optional): the errno of a failure, or 0
 *
 * Moves @entry from the watch of @from to the one of @to in one step: no
 * exit can be missed or reaped twice in between.
 *
 * Returns: %TRUE if moved; %FALSE if @entry is not in the watch of @from
 *   (it is being reaped, or was moved elsewhere; *ret_errno is 0) or on
 *   failure, where it stays there
 */
gboolean
cam_context_watch_move (CamWatchEntry *entry,
                        GMainContext  *from,
                        GMainContext  *to,
                        int           *ret_errno)
{
  CamContextWatch *old_watch, *new_watch;
  gboolean ok = FALSE;
  int errsv = 0;

  g_mutex_lock (&watch_lock);
  old_watch = entry->watch;
  if (old_watch != NULL && old_watch->context == from && from != to)
    {
      /* Into the new epoll set first: a failure leaves it where it was.
       * The pidfd sits in both for a moment, under the lock. */
      new_watch = get_watch_locked (to);
      ok = new_watch != NULL && epoll_add_locked (new_watch, entry);
      if (ok)
        {
          detach_locked (entry);
          insert_locked (new_watch, entry);
        }
      if (!ok)
        errsv = errno;
    }
  g_mutex_unlock (&watch_lock);

  if (ret_errno != NULL)
    *ret_errno = errsv;
  return ok;
}

/**
 * cam_context_watch_remove:
 * @entry: (transfer full): an entry
 *
 * Takes @entry out of its watch, if it is still there, and frees it.  Call
 * it before closing the pidfd.
 *
 * Returns: %TRUE if it was still registered: no watch has reaped the child
 *   nor will, so the caller may reap it
 */
gboolean
cam_context_watch_remove (CamWatchEntry *entry)
{
  gboolean registered;

  g_mutex_lock (&watch_lock);
  registered = entry->watch != NULL;
  if (registered)
    detach_locked (entry);
  g_mutex_unlock (&watch_lock);

  g_weak_ref_clear (&entry->owner);
  g_free (entry);
  return registered;
}

/* Tries to reap the child of @entry.  A final status takes the entry out
 * of the watch and goes to @reaped; otherwise the entry is scheduled for a
 * retry.  References to release after the lock go to @unrefs. */
static void
reap_locked (CamContextWatch *watch,
             CamWatchEntry   *entry,
             guint32          revents,
             gint64           now,
             GArray          *reaped,
             GPtrArray       *unrefs)
{
  Reaped done = { entry->func, NULL, CAM_PROCESS_EXIT_STATUS_UNKNOWN, -1 };
  int r;

  /* The owner's last reference may be dropped in another thread right
   * now: then its dispose removes the entry, kills and reaps the child and
   * closes the pidfd.  Holding a reference keeps dispose away while we
   * reap. */
  done.owner = g_weak_ref_get (&entry->owner);
  if (done.owner == NULL)
    {
      /* Look again later, should the removal not come. */
      schedule_retry_locked (watch, entry, now, BACKOFF_MAX_MS);
      return;
    }

  if (revents & EPOLLERR)
    {
      g_warning ("Error polling the pidfd %d of a child: giving it up",
                 entry->pidfd);
      r = 0;
    }
  else
    r = cam_pidfd_reap_rusage (entry->pidfd, FALSE, &done.status,
                               &done.code, &done.rusage);
  done.has_rusage = r > 0;

  if (r == -EAGAIN)
    {
      /* Not reapable although polled readable: a tracer holds it. */
      entry->backoff_ms = entry->backoff_ms == 0
                          ? BACKOFF_MIN_MS
                          : MIN (entry->backoff_ms * 2, BACKOFF_MAX_MS);
      schedule_retry_locked (watch, entry, now, entry->backoff_ms);
      g_ptr_array_add (unrefs, done.owner);
      return;
    }
  if (r == -EINPROGRESS && ++entry->n_foreign_retries < MAX_FOREIGN_RETRIES)
    {
      /* A foreign reaper is half-way through. */
      schedule_retry_locked (watch, entry, now, FOREIGN_RETRY_MS);
      g_ptr_array_add (unrefs, done.owner);
      return;
    }
  if (r == -EINPROGRESS)
    {
      /* Reaped by somebody else, and the kernel keeps no status. */
      done.status = CAM_PROCESS_EXIT_STATUS_UNKNOWN;
      done.code = -1;
    }
  else if (r < 0)
    {
      g_warning ("Failed to reap child through pidfd %d: %s", entry->pidfd,
                 g_strerror (-r));
      done.status = CAM_PROCESS_EXIT_STATUS_UNKNOWN;
      done.code = -1;
    }

  detach_locked (entry);
  g_array_append_val (reaped, done);
}

static gboolean
watch_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  CamContextWatch *watch = (CamContextWatch *) source;
  struct epoll_event events[MAX_EVENTS];
  g_autoptr(GArray) reaped = g_array_new (FALSE, FALSE, sizeof (Reaped));
  g_autoptr(GPtrArray) unrefs = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = g_source_get_time (source);
  GList *next;
  int n = 0;

  g_mutex_lock (&watch_lock);

  if (g_source_query_unix_fd (source, watch->tag) & G_IO_IN)
    {
      do
        n = epoll_wait (watch->epfd, events, MAX_EVENTS, /* timeout= */ 0);
      while (n < 0 && errno == EINTR);
    }
  for (int i = 0; i < n; i++)
    {
      CamWatchEntry *entry = g_hash_table_lookup (watch->entries,
                                                  &events[i].data.u64);

      if (entry != NULL)
        reap_locked (watch, entry, events[i].events, now, reaped, unrefs);
    }

  /* Retries that are due; reap_locked() may unlink the current one. */
  for (GList *l = watch->retrying.head; l != NULL; l = next)
    {
      CamWatchEntry *entry = l->data;

      next = l->next;
      if (entry->retry_at <= now)
        reap_locked (watch, entry, 0, now, reaped, unrefs);
    }

  if (!g_source_is_destroyed (source))
    update_ready_time_locked (watch);

  g_mutex_unlock (&watch_lock);

  for (guint i = 0; i < reaped->len; i++)
    {
      Reaped *done = &g_array_index (reaped, Reaped, i);

      done->func (done->status, done->code,
                  done->has_rusage ? &done->rusage : NULL, done->owner);
      g_object_unref (done->owner);
    }
  return G_SOURCE_CONTINUE;
}

static void
watch_finalize (GSource *source)
{
  CamContextWatch *watch = (CamContextWatch *) source;

  /* Only a context finalized with children still registered gets here
   * with entries (a synchronous wait that could not move its child back):
   * they are left unwatched.  Never under watch_lock then. */
  if (g_hash_table_size (watch->entries) > 0)
    {
      GHashTableIter iter;
      gpointer value;

      g_mutex_lock (&watch_lock);
      g_hash_table_iter_init (&iter, watch->entries);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          CamWatchEntry *entry = value;

          entry->watch = NULL;
          entry->retrying = FALSE;
        }
      g_mutex_unlock (&watch_lock);
    }
  g_hash_table_unref (watch->entries);
  close (watch->epfd);
}

static GSourceFuncs watch_funcs = {
  .dispatch = watch_dispatch,
  .finalize = watch_finalize,
};
