/* aat-journal.c: the order journal.
 *
 * What it owns: one SQLite database in WAL mode with synchronous=FULL, and a prepared
 * insert. Every record is its own transaction, so an append returns only once the record
 * is on disk (fsync of the WAL): the engine appends an order before it sends it and a
 * response before it reports it, so a crash at any point leaves a journal that knows at
 * least as much as the strategies and the exchange were told (doc/RELIABILITY.md).
 *
 * Data flow:
 * - The engine (aat_engine_set_journal()) calls aat_journal_next_client_id() and
 *   aat_journal_append_order ("new") in aat_engine_send_order(), "cancel-request" in
 *   aat_engine_cancel_order(), "received"/"fill"/"canceled"/"rejected" when an exchange
 *   reports, and aat_journal_append_position() after a fill is booked.
 * - A run is a row of `runs`, made when the first record is written; client order ids
 *   are "RUN-SEQ", so they never repeat across restarts (the run id is AUTOINCREMENT and
 *   is committed before any id of the run is handed out).
 * - aat_journal_recover() rebuilds open orders and positions from the records and
 *   reconciles the open orders with each exchange's aat_exchange_open_orders().
 * - A failed write (disk full, I/O error) makes the journal refuse every later write; the
 *   engine then rejects new orders: aat never trades without a journal.
 */
#include "config.h"
#include "aat-private.h"

#include <math.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

G_DEFINE_QUARK (aat-journal-error-quark, aat_journal_error)

#define SCHEMA_VERSION "1"

struct _AatJournal
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  sqlite3_stmt *insert;
  gint64 run_id;           /* 0 until the run's row is written */
  guint64 next_seq;        /* client order id sequence within the run */
  gboolean failed;
  char *failure;
  AatReconcilePolicy policy;
};

G_DEFINE_FINAL_TYPE (AatJournal, aat_journal, G_TYPE_OBJECT)

static void
aat_journal_finalize (GObject *object)
{
  AatJournal *self = AAT_JOURNAL (object);

  if (self->insert != NULL)
    sqlite3_finalize (self->insert);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self->path);
  g_free (self->failure);
  G_OBJECT_CLASS (aat_journal_parent_class)->finalize (object);
}

static void
aat_journal_class_init (AatJournalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aat_journal_finalize;
}

static void
aat_journal_init (AatJournal *self)
{
  self->policy = AAT_RECONCILE_POLICY_CANCEL_UNKNOWN;
}

static const char * const policy_names[] = { "cancel-unknown", "adopt", "fail", NULL };

/**
 * aat_reconcile_policy_from_string:
 * @text: `cancel-unknown`, `adopt` or `fail`
 * @policy: (out): the policy
 *
 * Returns: %TRUE if @text names a policy
 */
gboolean
aat_reconcile_policy_from_string (const char *text, AatReconcilePolicy *policy)
{
  for (guint i = 0; policy_names[i] != NULL; i++)
    if (g_strcmp0 (text, policy_names[i]) == 0)
      {
        *policy = (AatReconcilePolicy) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * aat_reconcile_policy_to_string:
 * @policy: a policy
 *
 * Returns: its name, as the config spells it
 */
const char *
aat_reconcile_policy_to_string (AatReconcilePolicy policy)
{
  g_return_val_if_fail ((guint) policy <= AAT_RECONCILE_POLICY_FAIL, NULL);
  return policy_names[policy];
}

static gboolean
exec_sql (AatJournal *self, const char *sql, GError **error)
{
  char *msg = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_OPEN, "%s: %s", self->path,
                   msg != NULL ? msg : sqlite3_errmsg (self->db));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

/**
 * aat_journal_open:
 * @path: the journal file; created if missing
 * @error: return location for an error
 *
 * Opens (or creates) an order journal: an SQLite database in WAL mode with
 * synchronous=FULL, so each record is durable when its append returns. Opening writes
 * nothing but the schema; a run starts with the first record.
 *
 * Returns: (transfer full): the journal, or %NULL with @error set
 */
AatJournal *
aat_journal_open (const char *path, GError **error)
{
  g_autoptr (AatJournal) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  self = g_object_new (AAT_TYPE_JOURNAL, NULL);
  self->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_OPEN, "%s: cannot open: %s", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  /* WAL: an append is one sequential write plus an fsync; FULL: that fsync happens at
   * every commit, so a record survives a power cut too, not only a crash of aat. */
  if (!exec_sql (self, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", error) ||
      !exec_sql (self,
                 "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
                 "INSERT OR IGNORE INTO meta VALUES ('schema', '" SCHEMA_VERSION "');"
                 "CREATE TABLE IF NOT EXISTS runs ("
                 "  run_id INTEGER PRIMARY KEY AUTOINCREMENT, started INTEGER NOT NULL,"
                 "  pid INTEGER NOT NULL);"
                 "CREATE TABLE IF NOT EXISTS records ("
                 "  seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL,"
                 "  ts INTEGER NOT NULL, kind TEXT NOT NULL, client_id TEXT,"
                 "  order_id INTEGER, strategy TEXT, instrument TEXT, exchange TEXT,"
                 "  side TEXT, order_type TEXT, volume REAL, price REAL, stop_price REAL,"
                 "  filled REAL, status TEXT, fill_volume REAL, fill_price REAL, fee REAL,"
                 "  position REAL, average_price REAL, cash REAL, reason TEXT);"
                 "CREATE INDEX IF NOT EXISTS records_client_id ON records (client_id);",
                 error))
    return NULL;
  {
    sqlite3_stmt *st = NULL;
    gboolean ok = FALSE;
    if (sqlite3_prepare_v2 (self->db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step (st) == SQLITE_ROW)
      ok = g_strcmp0 ((const char *) sqlite3_column_text (st, 0), SCHEMA_VERSION) == 0;
    sqlite3_finalize (st);
    if (!ok)
      {
        g_set_error (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_OPEN,
                     "%s: not an aat journal of schema version " SCHEMA_VERSION, path);
        return NULL;
      }
  }
  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO records (run_id, ts, kind, client_id, order_id, strategy,"
                           " instrument, exchange, side, order_type, volume, price, stop_price,"
                           " filled, status, fill_volume, fill_price, fee, position, average_price,"
                           " cash, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                           " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
                           -1, &self->insert, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_OPEN, "%s: %s", path, sqlite3_errmsg (self->db));
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * aat_journal_get_path:
 * @self: a journal
 *
 * Returns: (transfer none): its file
 */
const char *
aat_journal_get_path (AatJournal *self)
{
  g_return_val_if_fail (AAT_IS_JOURNAL (self), NULL);
  return self->path;
}

/**
 * aat_journal_get_run_id:
 * @self: a journal
 *
 * Returns: the id of this process's run in the journal, or 0 before its first record
 */
gint64
aat_journal_get_run_id (AatJournal *self)
{
  g_return_val_if_fail (AAT_IS_JOURNAL (self), 0);
  return self->run_id;
}

/**
 * aat_journal_is_failed:
 * @self: a journal
 *
 * Returns: %TRUE once a write has failed; the journal then refuses every write
 */
gboolean
aat_journal_is_failed (AatJournal *self)
{
  g_return_val_if_fail (AAT_IS_JOURNAL (self), TRUE);
  return self->failed;
}

/**
 * aat_journal_get_failure:
 * @self: a journal
 *
 * Returns: (nullable): why the journal failed, or %NULL
 */
const char *
aat_journal_get_failure (AatJournal *self)
{
  g_return_val_if_fail (AAT_IS_JOURNAL (self), NULL);
  return self->failure;
}

/**
 * aat_journal_get_reconcile_policy:
 * @self: a journal
 *
 * Returns: what recovery does when the journal and an exchange disagree
 */
AatReconcilePolicy
aat_journal_get_reconcile_policy (AatJournal *self)
{
  g_return_val_if_fail (AAT_IS_JOURNAL (self), AAT_RECONCILE_POLICY_FAIL);
  return self->policy;
}

/**
 * aat_journal_set_reconcile_policy:
 * @self: a journal
 * @policy: what recovery does when the journal and an exchange disagree
 *
 * Sets the reconciliation policy (the default is
 * %AAT_RECONCILE_POLICY_CANCEL_UNKNOWN).
 */
void
aat_journal_set_reconcile_policy (AatJournal *self, AatReconcilePolicy policy)
{
  g_return_if_fail (AAT_IS_JOURNAL (self));
  self->policy = policy;
}

static gboolean
write_failed (AatJournal *self, const char *what, GError **error)
{
  if (!self->failed)
    {
      self->failed = TRUE;
      self->failure = g_strdup_printf ("%s: cannot write the journal (%s): %s", self->path, what,
                                       sqlite3_errmsg (self->db));
    }
  g_set_error_literal (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_WRITE, self->failure);
  return FALSE;
}

/* The run's row is written with the first record, so opening a journal to read it
 * (aat-run --replay) leaves no trace. */
static gboolean
ensure_run (AatJournal *self, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc;

  if (self->failed)
    {
      g_set_error_literal (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_WRITE, self->failure);
      return FALSE;
    }
  if (self->run_id != 0)
    return TRUE;
  rc = sqlite3_prepare_v2 (self->db, "INSERT INTO runs (started, pid) VALUES (?1, ?2)", -1, &st, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (st, 1, g_get_real_time () * 1000);
      sqlite3_bind_int64 (st, 2, getpid ());
      rc = sqlite3_step (st);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return write_failed (self, "starting a run", error);
  self->run_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

/**
 * aat_journal_next_client_id:
 * @self: a journal
 *
 * Makes a client order id that no run of this journal has used or will use:
 * `RUN-SEQ`, where RUN is this process's run id, durable before the id is returned.
 *
 * Returns: (transfer full) (nullable): the id, or %NULL if the journal cannot be written
 */
char *
aat_journal_next_client_id (AatJournal *self)
{
  g_return_val_if_fail (AAT_IS_JOURNAL (self), NULL);
  if (!ensure_run (self, NULL))
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT "-%" G_GUINT64_FORMAT, self->run_id, ++self->next_seq);
}

static const char *
nick (GType type, int value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);
  const char *out = v != NULL ? v->value_nick : "?";

  g_type_class_unref (klass);   /* enum classes of libaat stay alive: static types */
  return out;
}

static void
bind_text (sqlite3_stmt *st, int col, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (st, col, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (st, col);
}

static gboolean
insert_step (AatJournal *self, GError **error)
{
  int rc = sqlite3_step (self->insert);

  sqlite3_reset (self->insert);
  sqlite3_clear_bindings (self->insert);
  if (rc != SQLITE_DONE)
    return write_failed (self, "appending a record", error);
  return TRUE;
}

/**
 * aat_journal_append_order:
 * @self: a journal
 * @kind: the record's kind: `new`, `cancel-request`, `received`, `fill`, `canceled`,
 *   `rejected`, `adopt`, `recovered`
 * @order: the order
 * @trade: (nullable): the fill, for `fill`
 * @reason: (nullable): why, for `rejected` and `canceled`
 * @error: return location for an error
 *
 * Appends a record about @order (its client id, owner, instrument, side, type, volume,
 * prices, filled volume and status at this moment) and makes it durable.
 *
 * Returns: %TRUE once the record is on disk; %FALSE with @error when it cannot be
 *   written, after which the journal refuses every write
 */
gboolean
aat_journal_append_order (AatJournal *self, const char *kind, AatOrder *order, AatTrade *trade,
                          const char *reason, GError **error)
{
  sqlite3_stmt *st;

  g_return_val_if_fail (AAT_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (kind != NULL && order != NULL, FALSE);
  if (!ensure_run (self, error))
    return FALSE;
  st = self->insert;
  sqlite3_bind_int64 (st, 1, self->run_id);
  sqlite3_bind_int64 (st, 2, g_get_real_time () * 1000);
  bind_text (st, 3, kind);
  bind_text (st, 4, order->client_id);
  sqlite3_bind_int64 (st, 5, (sqlite3_int64) order->id);
  bind_text (st, 6, order->strategy != NULL ? aat_strategy_get_name (order->strategy) : NULL);
  bind_text (st, 7, order->instrument != NULL ? aat_instrument_get_name (order->instrument) : NULL);
  bind_text (st, 8, order->exchange != NULL ? aat_exchange_type_get_name (order->exchange) : NULL);
  bind_text (st, 9, nick (AAT_TYPE_SIDE, order->side));
  bind_text (st, 10, nick (AAT_TYPE_ORDER_TYPE, order->type));
  sqlite3_bind_double (st, 11, order->volume);
  sqlite3_bind_double (st, 12, order->price);
  sqlite3_bind_double (st, 13, order->stop_price);
  sqlite3_bind_double (st, 14, order->filled);
  bind_text (st, 15, nick (AAT_TYPE_ORDER_STATUS, order->status));
  if (trade != NULL)
    {
      sqlite3_bind_double (st, 16, trade->volume);
      sqlite3_bind_double (st, 17, trade->price);
      sqlite3_bind_double (st, 18, trade->fee);
    }
  bind_text (st, 22, reason);
  return insert_step (self, error);
}

/**
 * aat_journal_append_position:
 * @self: a journal
 * @strategy: (nullable): the owner, or %NULL for the application's orders
 * @instrument: the instrument
 * @size: the signed position after the change
 * @average_price: its average price
 * @cash: the owner's cash after the change
 * @error: return location for an error
 *
 * Appends a position change and makes it durable.
 *
 * Returns: %TRUE once the record is on disk
 */
gboolean
aat_journal_append_position (AatJournal *self, AatStrategy *strategy, AatInstrument *instrument,
                             double size, double average_price, double cash, GError **error)
{
  sqlite3_stmt *st;

  g_return_val_if_fail (AAT_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (instrument != NULL, FALSE);
  if (!ensure_run (self, error))
    return FALSE;
  st = self->insert;
  sqlite3_bind_int64 (st, 1, self->run_id);
  sqlite3_bind_int64 (st, 2, g_get_real_time () * 1000);
  bind_text (st, 3, "position");
  bind_text (st, 6, strategy != NULL ? aat_strategy_get_name (strategy) : NULL);
  bind_text (st, 7, aat_instrument_get_name (instrument));
  sqlite3_bind_double (st, 19, size);
  sqlite3_bind_double (st, 20, average_price);
  sqlite3_bind_double (st, 21, cash);
  return insert_step (self, error);
}

/* ---- reading ---- */

enum {
  C_SEQ, C_RUN, C_TS, C_KIND, C_CLIENT, C_ORDER, C_STRATEGY, C_INSTRUMENT, C_EXCHANGE, C_SIDE,
  C_TYPE, C_VOLUME, C_PRICE, C_STOP, C_FILLED, C_STATUS, C_FILL_VOLUME, C_FILL_PRICE, C_FEE,
  C_POSITION, C_AVERAGE, C_CASH, C_REASON,
};

static sqlite3_stmt *
select_all (AatJournal *self, GError **error)
{
  sqlite3_stmt *st = NULL;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT seq, run_id, ts, kind, client_id, order_id, strategy, instrument,"
                          " exchange, side, order_type, volume, price, stop_price, filled, status,"
                          " fill_volume, fill_price, fee, position, average_price, cash, reason"
                          " FROM records ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
    {
      g_set_error (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_FAILED, "%s: cannot read: %s", self->path,
                   sqlite3_errmsg (self->db));
      sqlite3_finalize (st);
      return NULL;
    }
  return st;
}

static const char *
col_text (sqlite3_stmt *st, int col)
{
  const char *t = (const char *) sqlite3_column_text (st, col);
  return t != NULL ? t : "-";
}

/**
 * aat_journal_print_history:
 * @self: a journal
 * @out: where to append the text
 * @error: return location for an error
 *
 * Appends the journal's history, one line per record, oldest first.
 *
 * Returns: %TRUE on success
 */
gboolean
aat_journal_print_history (AatJournal *self, GString *out, GError **error)
{
  sqlite3_stmt *st;
  int rc;

  g_return_val_if_fail (AAT_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  st = select_all (self, error);
  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (sqlite3_column_int64 (st, C_TS) / 1000000000);
      g_autofree char *when = dt != NULL ? g_date_time_format (dt, "%FT%TZ") : g_strdup ("?");
      const char *kind = col_text (st, C_KIND);

      g_string_append_printf (out, "%6" G_GINT64_FORMAT " run %" G_GINT64_FORMAT " %s %-14s", (gint64) sqlite3_column_int64 (st, C_SEQ),
                              (gint64) sqlite3_column_int64 (st, C_RUN), when, kind);
      if (strcmp (kind, "position") == 0)
        g_string_append_printf (out, " %s %s size %g @ %g cash %.2f", col_text (st, C_STRATEGY),
                                col_text (st, C_INSTRUMENT), sqlite3_column_double (st, C_POSITION),
                                sqlite3_column_double (st, C_AVERAGE), sqlite3_column_double (st, C_CASH));
      else
        {
          g_string_append_printf (out, " %s #%" G_GINT64_FORMAT " %s %s %s %s %g @ %g filled %g %s",
                                  col_text (st, C_CLIENT), (gint64) sqlite3_column_int64 (st, C_ORDER),
                                  col_text (st, C_STRATEGY), col_text (st, C_INSTRUMENT),
                                  col_text (st, C_SIDE), col_text (st, C_TYPE),
                                  sqlite3_column_double (st, C_VOLUME), sqlite3_column_double (st, C_PRICE),
                                  sqlite3_column_double (st, C_FILLED), col_text (st, C_STATUS));
          if (sqlite3_column_type (st, C_FILL_VOLUME) != SQLITE_NULL)
            g_string_append_printf (out, " fill %g @ %g fee %g", sqlite3_column_double (st, C_FILL_VOLUME),
                                    sqlite3_column_double (st, C_FILL_PRICE), sqlite3_column_double (st, C_FEE));
        }
      if (sqlite3_column_type (st, C_REASON) != SQLITE_NULL)
        g_string_append_printf (out, " (%s)", col_text (st, C_REASON));
      g_string_append_c (out, '\n');
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_FAILED, "%s: cannot read: %s", self->path,
                   sqlite3_errmsg (self->db));
      return FALSE;
    }
  return TRUE;
}

/**
 * aat_journal_get_client_ids:
 * @self: a journal
 * @kind: (nullable): a record kind such as `new`, or %NULL for any
 * @error: return location for an error
 *
 * Returns: (transfer full): the client order ids of the records of @kind, oldest first
 *   (with repeats if the journal holds repeats), or %NULL with @error set
 */
GStrv
aat_journal_get_client_ids (AatJournal *self, const char *kind, GError **error)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  sqlite3_stmt *st;
  int rc;

  g_return_val_if_fail (AAT_IS_JOURNAL (self), NULL);
  st = select_all (self, error);
  if (st == NULL)
    return NULL;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    if (sqlite3_column_type (st, C_CLIENT) != SQLITE_NULL &&
        (kind == NULL || strcmp (col_text (st, C_KIND), kind) == 0))
      g_strv_builder_add (b, col_text (st, C_CLIENT));
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_FAILED, "%s: cannot read: %s", self->path,
                   sqlite3_errmsg (self->db));
      return NULL;
    }
  return g_strv_builder_end (b);
}

/* ---- recovery ---- */

typedef struct {
  char *client_id, *strategy, *instrument, *exchange;
  AatSide side;
  AatOrderType type;
  double volume, price, stop_price, filled;
  gboolean done;
} JOrder;

static void
jorder_free (gpointer data)
{
  JOrder *o = data;

  g_free (o->client_id);
  g_free (o->strategy);
  g_free (o->instrument);
  g_free (o->exchange);
  g_free (o);
}

static int
enum_value (GType type, const char *text)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value_by_nick (klass, text);
  int out = v != NULL ? v->value : 0;

  g_type_class_unref (klass);
  return out;
}

static void
ptr_array_unref0 (gpointer data)
{
  if (data != NULL)
    g_ptr_array_unref (data);
}

static AatStrategy *
strategy_named (AatEngine *engine, const char *name)
{
  GPtrArray *s = aat_engine_get_strategies (engine);

  for (guint i = 0; name != NULL && i < s->len; i++)
    if (g_strcmp0 (aat_strategy_get_name (s->pdata[i]), name) == 0)
      return s->pdata[i];
  return NULL;
}

static AatOrder *
find_client_id (GPtrArray *orders, const char *client_id)
{
  for (guint i = 0; orders != NULL && i < orders->len; i++)
    if (g_strcmp0 (aat_order_get_client_id (orders->pdata[i]), client_id) == 0)
      return orders->pdata[i];
  return NULL;
}

/**
 * aat_journal_recover:
 * @self: a journal
 * @engine: the engine that is starting, whose exchanges have started
 * @error: return location for an error
 *
 * Rebuilds the state of earlier runs: replays every journaled fill into the engine's
 * portfolio (positions, cash, realized P&L), collects the orders still open, and
 * reconciles them with each exchange's aat_exchange_open_orders() by client order id.
 * Orders both sides know are adopted by their owner again; the others are reported and
 * resolved by the journal's #AatReconcilePolicy, and every resolution is journaled.
 * The engine calls this when it starts in live, sandbox or simulation mode.
 *
 * Returns: %TRUE on success; %FALSE with @error if the journal cannot be read or the
 *   policy is %AAT_RECONCILE_POLICY_FAIL and the two disagree
 */
gboolean
aat_journal_recover (AatJournal *self, AatEngine *engine, GError **error)
{
  g_autoptr (GHashTable) open = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) jorders = g_ptr_array_new_with_free_func (jorder_free);
  g_autoptr (GPtrArray) listed = g_ptr_array_new_with_free_func (ptr_array_unref0);
  g_autoptr (GString) problems = g_string_new (NULL);
  GPtrArray *exchanges = aat_engine_get_exchanges (engine);
  AatPortfolio *portfolio = aat_engine_get_portfolio (engine);
  guint n_fills = 0, n_recovered = 0, n_lost = 0, n_unknown = 0;
  sqlite3_stmt *st;
  int rc;

  g_return_val_if_fail (AAT_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (AAT_IS_ENGINE (engine), FALSE);

  /* 1. Replay the records: open orders by client id, and every fill into the portfolio. */
  st = select_all (self, error);
  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *kind = col_text (st, C_KIND);
      const char *cid = (const char *) sqlite3_column_text (st, C_CLIENT);
      JOrder *o = cid != NULL ? g_hash_table_lookup (open, cid) : NULL;

      if (cid == NULL)
        continue;
      if (o == NULL && (strcmp (kind, "new") == 0 || strcmp (kind, "adopt") == 0))
        {
          o = g_new0 (JOrder, 1);
          o->client_id = g_strdup (cid);
          o->strategy = g_strdup ((const char *) sqlite3_column_text (st, C_STRATEGY));
          o->instrument = g_strdup ((const char *) sqlite3_column_text (st, C_INSTRUMENT));
          o->exchange = g_strdup ((const char *) sqlite3_column_text (st, C_EXCHANGE));
          o->side = enum_value (AAT_TYPE_SIDE, col_text (st, C_SIDE));
          o->type = enum_value (AAT_TYPE_ORDER_TYPE, col_text (st, C_TYPE));
          o->volume = sqlite3_column_double (st, C_VOLUME);
          o->price = sqlite3_column_double (st, C_PRICE);
          o->stop_price = sqlite3_column_double (st, C_STOP);
          o->filled = sqlite3_column_double (st, C_FILLED);
          g_ptr_array_add (jorders, o);
          g_hash_table_insert (open, o->client_id, o);
          continue;
        }
      if (o == NULL)
        continue;
      if (strcmp (kind, "fill") == 0)
        {
          AatInstrument *inst = aat_engine_lookup_instrument (engine, o->instrument);
          o->filled = sqlite3_column_double (st, C_FILLED);
          if (o->filled >= o->volume - 1e-9)
            o->done = TRUE;
          if (inst != NULL)
            {
              aat_portfolio_apply_fill (portfolio, strategy_named (engine, o->strategy), inst, o->side,
                                        sqlite3_column_double (st, C_FILL_VOLUME),
                                        sqlite3_column_double (st, C_FILL_PRICE), sqlite3_column_double (st, C_FEE),
                                        sqlite3_column_int64 (st, C_TS));
              n_fills++;
            }
          else
            g_string_append_printf (problems, "  a fill of %s in %s, which no exchange of this run lists, is not booked\n",
                                    o->client_id, o->instrument);
        }
      else if (strcmp (kind, "canceled") == 0 || strcmp (kind, "rejected") == 0)
        o->done = TRUE;
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_FAILED, "%s: cannot read: %s", self->path,
                   sqlite3_errmsg (self->db));
      return FALSE;
    }

  /* 2. What each exchange says is working (NULL: it cannot tell). */
  for (guint i = 0; i < exchanges->len; i++)
    {
      g_autoptr (GError) local = NULL;
      GPtrArray *orders = aat_exchange_open_orders (exchanges->pdata[i], &local);
      if (orders == NULL && !g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
        {
          g_set_error (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_RECONCILE, "exchange '%s': cannot list open orders: %s",
                       aat_exchange_get_name (exchanges->pdata[i]), local->message);
          return FALSE;
        }
      g_ptr_array_add (listed, orders);
    }

  /* 3. With policy=fail, refuse before changing anything. */
  if (self->policy == AAT_RECONCILE_POLICY_FAIL)
    {
      g_autoptr (GString) why = g_string_new (NULL);
      for (guint k = 0; k < jorders->len; k++)
        {
          JOrder *o = jorders->pdata[k];
          gboolean found = FALSE;
          for (guint i = 0; i < listed->len && !found; i++)
            found = find_client_id (listed->pdata[i], o->client_id) != NULL;
          if (!o->done && !found)
            g_string_append_printf (why, " %s (journal only)", o->client_id);
        }
      for (guint i = 0; i < listed->len; i++)
        for (guint k = 0; listed->pdata[i] != NULL && k < ((GPtrArray *) listed->pdata[i])->len; k++)
          {
            AatOrder *x = ((GPtrArray *) listed->pdata[i])->pdata[k];
            JOrder *o = aat_order_get_client_id (x) != NULL ? g_hash_table_lookup (open, aat_order_get_client_id (x)) : NULL;
            if (o == NULL || o->done)
              g_string_append_printf (why, " %s (exchange '%s' only)", aat_order_get_client_id (x) ? aat_order_get_client_id (x) : "(no client id)",
                                      aat_exchange_get_name (exchanges->pdata[i]));
          }
      if (why->len > 0)
        {
          g_set_error (error, AAT_JOURNAL_ERROR, AAT_JOURNAL_ERROR_RECONCILE,
                       "%s: the journal and the exchanges disagree about open orders:%s (reconcile=fail)", self->path, why->str);
          return FALSE;
        }
    }

  /* 4. The journal's open orders: adopt the exchange's object, or resolve as lost. */
  for (guint k = 0; k < jorders->len; k++)
    {
      JOrder *o = jorders->pdata[k];
      AatOrder *x = NULL;
      if (o->done)
        continue;
      for (guint i = 0; i < listed->len && x == NULL; i++)
        x = find_client_id (listed->pdata[i], o->client_id);
      if (x != NULL)
        {
          _aat_engine_adopt_order (engine, strategy_named (engine, o->strategy), x);
          if (fabs (x->filled - o->filled) > 1e-9)
            g_string_append_printf (problems, "  %s: the exchange reports %g filled, the journal %g\n", o->client_id,
                                    x->filled, o->filled);
          if (!aat_journal_append_order (self, "recovered", x, NULL, NULL, error))
            return FALSE;
          n_recovered++;
        }
      else
        {
          AatInstrument *inst = aat_engine_lookup_instrument (engine, o->instrument);
          g_autoptr (AatOrder) lost = NULL;
          if (inst == NULL)
            inst = aat_instrument_get (o->instrument != NULL ? o->instrument : "?", AAT_INSTRUMENT_TYPE_EQUITY);
          lost = aat_order_new (inst, o->side, o->type, o->volume, o->price);
          aat_order_set_client_id (lost, o->client_id);
          lost->filled = o->filled;
          lost->status = AAT_ORDER_STATUS_CANCELED;
          g_string_append_printf (problems, "  %s (%s %g %s for %s): open in the journal, unknown to the exchange: marked cancelled\n",
                                  o->client_id, nick (AAT_TYPE_SIDE, o->side), o->volume, o->instrument,
                                  o->strategy != NULL ? o->strategy : "(none)");
          if (!aat_journal_append_order (self, "canceled", lost, NULL, "reconcile: unknown to the exchange", error))
            return FALSE;
          n_lost++;
        }
    }

  /* 5. The exchanges' working orders the journal does not know. */
  for (guint i = 0; i < listed->len; i++)
    for (guint k = 0; listed->pdata[i] != NULL && k < ((GPtrArray *) listed->pdata[i])->len; k++)
      {
        AatOrder *x = ((GPtrArray *) listed->pdata[i])->pdata[k];
        JOrder *o = aat_order_get_client_id (x) != NULL ? g_hash_table_lookup (open, aat_order_get_client_id (x)) : NULL;
        if (o != NULL && !o->done)
          continue;
        n_unknown++;
        _aat_engine_adopt_order (engine, NULL, x);
        if (!aat_journal_append_order (self, "adopt", x, NULL, "reconcile: unknown to the journal", error))
          return FALSE;
        g_string_append_printf (problems, "  %s at exchange '%s': unknown to the journal: %s\n",
                                aat_order_get_client_id (x) ? aat_order_get_client_id (x) : "(no client id)",
                                aat_exchange_get_name (exchanges->pdata[i]),
                                self->policy == AAT_RECONCILE_POLICY_ADOPT ? "adopted" : "cancelling");
        if (self->policy == AAT_RECONCILE_POLICY_CANCEL_UNKNOWN)
          aat_engine_cancel_order (engine, x);
      }

  if (jorders->len > 0 || n_unknown > 0)
    g_message ("journal %s: recovered %u fill%s, %u open order%s; %u lost, %u unknown to the journal (reconcile=%s)%s%s",
               self->path, n_fills, n_fills == 1 ? "" : "s", n_recovered, n_recovered == 1 ? "" : "s", n_lost,
               n_unknown, aat_reconcile_policy_to_string (self->policy), problems->len > 0 ? ":\n" : "",
               problems->len > 0 ? problems->str : "");
  return TRUE;
}
