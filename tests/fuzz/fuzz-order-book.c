/* fuzz-order-book: sequences of order-book operations decoded from the input (add limit,
 * market, stop and notional orders with any flag, cancel, change), checking after each
 * one that the book's structures agree (aat_order_book_check_consistency(), which also
 * checks that the book is not crossed at rest) and that volume is conserved: what
 * rests never exceeds what was added minus twice what traded, and cancelling every id
 * at the end leaves an empty book. */
#include <aat.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
on_event (const AatBookEvent *event, gpointer user_data)
{
}

static void
check (AatOrderBook *book, gint64 added)
{
  char *problem = aat_order_book_check_consistency (book);
  gint64 bid, ask, bv, av;

  if (problem != NULL)
    g_error ("inconsistent book: %s", problem);
  if (aat_order_book_best_raw (book, AAT_SIDE_BUY, &bid, &bv, NULL) && aat_order_book_best_raw (book, AAT_SIDE_SELL, &ask, &av, NULL))
    g_assert_cmpint (bid, <, ask);
  g_assert_cmpint (aat_order_book_get_resting_volume (book), <=, added - 2 * aat_order_book_get_traded_volume (book));
  g_assert_cmpint (aat_order_book_get_resting_volume (book), >=, 0);
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static AatInstrument *inst;
  AatOrderBook *book;
  guint64 next_id = 1;
  gint64 added = 0;

  if (inst == NULL)
    inst = aat_instrument_get ("FUZZ", AAT_INSTRUMENT_TYPE_EQUITY);
  book = aat_order_book_new (inst);
  aat_order_book_set_event_func (book, on_event, NULL, NULL);
  for (size_t i = 0; i + 6 <= size; i += 6)
    {
      const guint8 *op = data + i;
      AatBookOrder o = { 0 };
      guint64 target = 1 + (op[1] % MAX (next_id, 1));
      switch (op[0] % 8)
        {
        case 0: case 1: case 2: case 3:
          o.id = next_id++;
          o.side = op[1] & 1 ? AAT_SIDE_SELL : AAT_SIDE_BUY;
          o.type = (op[1] >> 1) % 4;   /* market, limit, stop-market, stop-limit */
          o.flag = (op[1] >> 3) % 4;
          o.price = 1 + op[2] % 64;
          o.stop_price = 1 + op[3] % 64;
          o.volume = 1 + op[4] % 16;
          if (o.type == AAT_ORDER_TYPE_MARKET && (op[5] & 0x80))
            {
              o.volume = 0;
              o.notional = 1 + op[5] % 512;
            }
          {
            gint64 traded = aat_order_book_get_traded_volume (book);
            if (aat_order_book_add_raw (book, &o) == AAT_REJECT_REASON_NONE)
              /* a notional order's volume is what it traded */
              added += o.volume > 0 ? o.volume : aat_order_book_get_traded_volume (book) - traded;
          }
          break;
        case 4: case 5:
          (void) aat_order_book_cancel (book, target);
          break;
        default:
          {
            AatBookOrder cur;
            gint64 volume = 1 + op[4] % 16, remaining = 0;
            /* a change may add volume: count at most what it can add */
            if (aat_order_book_find_raw (book, target, &cur, &remaining) &&
                aat_order_book_change_raw (book, target, 1 + op[2] % 64, volume) == AAT_REJECT_REASON_NONE &&
                volume > remaining)
              added += volume - remaining;
          }
          break;
        }
      check (book, added);
    }
  for (guint64 id = 1; id < next_id; id++)
    (void) aat_order_book_cancel (book, id);
  check (book, added);
  if (aat_order_book_get_stop_count (book) == 0)
    g_assert_cmpint (aat_order_book_get_resting_volume (book), ==, 0);
  g_object_unref (book);
  return 0;
}
