/* aat-journal.h: the order journal, a durable write-ahead record of every order, response
 * and position change (SQLite in WAL mode). See doc/RELIABILITY.md. */
#pragma once

#if !defined(__AAT_H_INSIDE__) && !defined(AAT_COMPILATION)
#error "Only <aat.h> can be included directly."
#endif

#include <gio/gio.h>
#include "aat-types.h"

G_BEGIN_DECLS

/**
 * AAT_JOURNAL_ERROR:
 *
 * The error domain of the order journal.
 */
#define AAT_JOURNAL_ERROR (aat_journal_error_quark ())
AAT_AVAILABLE_IN_ALL
GQuark aat_journal_error_quark (void);

/**
 * AatJournalError:
 * @AAT_JOURNAL_ERROR_FAILED: a generic failure
 * @AAT_JOURNAL_ERROR_OPEN: the journal file cannot be opened or is not a journal
 * @AAT_JOURNAL_ERROR_WRITE: a record could not be made durable (disk full, I/O error);
 *   the journal refuses every later write
 * @AAT_JOURNAL_ERROR_RECONCILE: recovery found orders that the exchange and the journal
 *   disagree on, and the policy is %AAT_RECONCILE_POLICY_FAIL
 *
 * Errors of the order journal.
 */
typedef enum {
  AAT_JOURNAL_ERROR_FAILED,
  AAT_JOURNAL_ERROR_OPEN,
  AAT_JOURNAL_ERROR_WRITE,
  AAT_JOURNAL_ERROR_RECONCILE,
} AatJournalError;

/**
 * AatReconcilePolicy:
 * @AAT_RECONCILE_POLICY_CANCEL_UNKNOWN: cancel at the exchange the working orders that
 *   the journal does not know; mark as cancelled the journal's open orders that the
 *   exchange does not know
 * @AAT_RECONCILE_POLICY_ADOPT: track the exchange's unknown working orders as orders of
 *   the application (no owning strategy); mark the journal's lost orders cancelled
 * @AAT_RECONCILE_POLICY_FAIL: refuse to start when the two disagree
 *
 * What recovery does when the journal and the exchange disagree about open orders.
 */
typedef enum {
  AAT_RECONCILE_POLICY_CANCEL_UNKNOWN,
  AAT_RECONCILE_POLICY_ADOPT,
  AAT_RECONCILE_POLICY_FAIL,
} AatReconcilePolicy;

AAT_AVAILABLE_IN_ALL
gboolean aat_reconcile_policy_from_string (const char *text, AatReconcilePolicy *policy);
AAT_AVAILABLE_IN_ALL
const char *aat_reconcile_policy_to_string (AatReconcilePolicy policy);

#define AAT_TYPE_JOURNAL (aat_journal_get_type ())
AAT_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AatJournal, aat_journal, AAT, JOURNAL, GObject)

AAT_AVAILABLE_IN_ALL
AatJournal *aat_journal_open (const char *path, GError **error);
AAT_AVAILABLE_IN_ALL
const char *aat_journal_get_path (AatJournal *self);
AAT_AVAILABLE_IN_ALL
gint64 aat_journal_get_run_id (AatJournal *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_journal_is_failed (AatJournal *self);
AAT_AVAILABLE_IN_ALL
const char *aat_journal_get_failure (AatJournal *self);
AAT_AVAILABLE_IN_ALL
AatReconcilePolicy aat_journal_get_reconcile_policy (AatJournal *self);
AAT_AVAILABLE_IN_ALL
void aat_journal_set_reconcile_policy (AatJournal *self, AatReconcilePolicy policy);

AAT_AVAILABLE_IN_ALL
char *aat_journal_next_client_id (AatJournal *self);
AAT_AVAILABLE_IN_ALL
gboolean aat_journal_append_order (AatJournal *self, const char *kind, AatOrder *order,
                                   AatTrade *trade, const char *reason, GError **error);
AAT_AVAILABLE_IN_ALL
gboolean aat_journal_append_position (AatJournal *self, AatStrategy *strategy,
                                      AatInstrument *instrument, double size,
                                      double average_price, double cash, GError **error);
AAT_AVAILABLE_IN_ALL
gboolean aat_journal_print_history (AatJournal *self, GString *out, GError **error);
AAT_AVAILABLE_IN_ALL
GStrv aat_journal_get_client_ids (AatJournal *self, const char *kind, GError **error);
AAT_AVAILABLE_IN_ALL
gboolean aat_journal_recover (AatJournal *self, AatEngine *engine, GError **error);

G_END_DECLS
