/* test-iex.c: the IEX HIST reader and the "iex" exchange, on files that the test writes
 * itself to the IEX-TP v1 and TOPS 1.6 specifications: raw segments, pcap, pcap-ng and
 * gzip wrappings, every decoded message type, truncated and malformed input, sequence
 * gaps and repeats, and the exchange's merged quote and trade events. */
#include <aat.h>
#include "aat-iex-reader.h"

#include <string.h>
#include <glib/gstdio.h>

#ifdef AAT_IEX_TEST_EXCHANGE
GType aat_iex_exchange_get_type (void);
#endif

#define T0 G_GINT64_CONSTANT (1496150000000000000)   /* 2017-05-30 13:13:20 UTC, in ns */

/* ---- a generator, written from the specifications ---------------------------------- */

static void
put8 (GByteArray *a, guint8 v)
{
  g_byte_array_append (a, &v, 1);
}

static void
put16 (GByteArray *a, guint16 v)
{
  guint16 le = GUINT16_TO_LE (v);
  g_byte_array_append (a, (guint8 *) &le, 2);
}

static void
put32 (GByteArray *a, guint32 v)
{
  guint32 le = GUINT32_TO_LE (v);
  g_byte_array_append (a, (guint8 *) &le, 4);
}

static void
put64 (GByteArray *a, guint64 v)
{
  guint64 le = GUINT64_TO_LE (v);
  g_byte_array_append (a, (guint8 *) &le, 8);
}

static void
put_symbol (GByteArray *a, const char *symbol)
{
  char padded[8];

  memset (padded, ' ', 8);
  memcpy (padded, symbol, MIN (strlen (symbol), 8));
  g_byte_array_append (a, (guint8 *) padded, 8);
}

/* A message: its 2-byte length, then the body. */
static void
put_message (GByteArray *payload, GByteArray *body)
{
  put16 (payload, (guint16) body->len);
  g_byte_array_append (payload, body->data, body->len);
  g_byte_array_unref (body);
}

static void
msg_system (GByteArray *p, char event, gint64 ts)
{
  GByteArray *b = g_byte_array_new ();
  put8 (b, 'S'); put8 (b, (guint8) event); put64 (b, (guint64) ts);
  put_message (p, b);
}

static void
msg_directory (GByteArray *p, const char *sym, gint64 ts, guint32 round_lot, gint64 poc)
{
  GByteArray *b = g_byte_array_new ();
  put8 (b, 'D'); put8 (b, 0x80); put64 (b, (guint64) ts); put_symbol (b, sym);
  put32 (b, round_lot); put64 (b, (guint64) poc); put8 (b, 1);
  put_message (p, b);
}

static void
msg_status (GByteArray *p, char status, const char *sym, gint64 ts, const char *reason)
{
  GByteArray *b = g_byte_array_new ();
  put8 (b, 'H'); put8 (b, (guint8) status); put64 (b, (guint64) ts); put_symbol (b, sym);
  g_byte_array_append (b, (const guint8 *) reason, 4);
  put_message (p, b);
}

static void
msg_quote (GByteArray *p, const char *sym, gint64 ts, guint32 bid_size, gint64 bid,
           gint64 ask, guint32 ask_size)
{
  GByteArray *b = g_byte_array_new ();
  put8 (b, 'Q'); put8 (b, 0); put64 (b, (guint64) ts); put_symbol (b, sym);
  put32 (b, bid_size); put64 (b, (guint64) bid); put64 (b, (guint64) ask); put32 (b, ask_size);
  put_message (p, b);
}

static void
msg_trade (GByteArray *p, char type, const char *sym, gint64 ts, guint32 size, gint64 price,
           guint64 id)
{
  GByteArray *b = g_byte_array_new ();
  put8 (b, (guint8) type); put8 (b, 0x40); put64 (b, (guint64) ts); put_symbol (b, sym);
  put32 (b, size); put64 (b, (guint64) price); put64 (b, id);
  put_message (p, b);
}

static void
msg_official (GByteArray *p, const char *sym, gint64 ts, gint64 price)
{
  GByteArray *b = g_byte_array_new ();
  put8 (b, 'X'); put8 (b, 'Q'); put64 (b, (guint64) ts); put_symbol (b, sym);
  put64 (b, (guint64) price);
  put_message (p, b);
}

/* An IEX-TP segment: the 40-byte header, then @payload (freed). */
static GByteArray *
segment (GByteArray *payload, guint16 count, guint32 session, guint64 first_seq,
         guint64 stream_offset)
{
  GByteArray *s = g_byte_array_new ();

  put8 (s, 1); put8 (s, 0); put16 (s, 0x8003); put32 (s, 1); put32 (s, session);
  put16 (s, (guint16) payload->len); put16 (s, count); put64 (s, stream_offset);
  put64 (s, first_seq); put64 (s, (guint64) (T0 + 1));
  g_byte_array_append (s, payload->data, payload->len);
  g_byte_array_unref (payload);
  return s;
}

/* Three segments: admin messages; quotes and a trade; a trade, a break, an official
 * price and a message of a type TOPS does not define, which readers must skip. */
static GPtrArray *
sample_segments (void)
{
  GPtrArray *segs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  GByteArray *p;
  guint64 off = 0;

  p = g_byte_array_new ();
  msg_system (p, 'O', T0);
  msg_directory (p, "ZIEXT", T0 + 10, 100, 100000);
  msg_status (p, 'T', "ZIEXT", T0 + 20, "    ");
  g_ptr_array_add (segs, segment (p, 3, 42, 1, off));
  off += ((GByteArray *) g_ptr_array_index (segs, 0))->len - 40;

  p = g_byte_array_new ();
  msg_quote (p, "ZIEXT", T0 + 100, 9700, 995000, 1005000, 1000);   /* 99.50 x 100.50 */
  msg_quote (p, "AAPL", T0 + 150, 200, 1501234, 1502000, 300);     /* 150.1234 x 150.20 */
  msg_trade (p, 'T', "ZIEXT", T0 + 200, 100, 1000000, 1234);       /* 100 @ 100.00 */
  g_ptr_array_add (segs, segment (p, 3, 42, 4, off));
  off += ((GByteArray *) g_ptr_array_index (segs, 1))->len - 40;

  p = g_byte_array_new ();
  msg_trade (p, 'T', "AAPL", T0 + 300, 50, 1501500, 1235);
  msg_trade (p, 'B', "ZIEXT", T0 + 400, 100, 1000000, 1234);
  msg_official (p, "ZIEXT", T0 + 500, 1000500);
  {
    GByteArray *b = g_byte_array_new ();
    put8 (b, 'Z'); put8 (b, 0); put64 (b, (guint64) (T0 + 600));
    put_message (p, b);
  }
  g_ptr_array_add (segs, segment (p, 4, 42, 7, off));
  return segs;
}

static GByteArray *
raw_file (GPtrArray *segs)
{
  GByteArray *out = g_byte_array_new ();

  for (guint i = 0; i < segs->len; i++)
    {
      GByteArray *s = g_ptr_array_index (segs, i);
      g_byte_array_append (out, s->data, s->len);
    }
  return out;
}

/* Ethernet + IPv4 + UDP around one segment (network byte order in those headers). */
static GByteArray *
frame (GByteArray *seg, guint8 ip_protocol)
{
  GByteArray *f = g_byte_array_new ();
  static const guint8 eth[14] = { 1, 0, 0x5e, 0, 0, 1, 0, 1, 2, 3, 4, 5, 0x08, 0x00 };
  guint16 ip_len = (guint16) (20 + 8 + seg->len), udp_len = (guint16) (8 + seg->len);
  guint8 ip[20] = { 0x45, 0, (guint8) (ip_len >> 8), (guint8) ip_len, 0, 0, 0x40, 0, 64,
                    ip_protocol, 0, 0, 10, 0, 0, 1, 233, 215, 21, 4 };
  guint8 udp[8] = { 0x28, 0x6a, 0x28, 0x6a, (guint8) (udp_len >> 8), (guint8) udp_len, 0, 0 };

  g_byte_array_append (f, eth, sizeof eth);
  g_byte_array_append (f, ip, sizeof ip);
  g_byte_array_append (f, udp, sizeof udp);
  g_byte_array_append (f, seg->data, seg->len);
  return f;
}

static GByteArray *
pcap_file (GPtrArray *segs)
{
  GByteArray *out = g_byte_array_new ();

  put32 (out, 0xa1b2c3d4); put16 (out, 2); put16 (out, 4); put32 (out, 0); put32 (out, 0);
  put32 (out, 65535); put32 (out, 1);
  for (guint i = 0; i <= segs->len; i++)
    {
      /* a TCP packet first, which the reader must skip */
      GByteArray *f = frame (g_ptr_array_index (segs, i == 0 ? 0 : i - 1), i == 0 ? 6 : 17);

      put32 (out, 1496150000); put32 (out, i); put32 (out, f->len); put32 (out, f->len);
      g_byte_array_append (out, f->data, f->len);
      g_byte_array_unref (f);
    }
  return out;
}

static GByteArray *
pcapng_file (GPtrArray *segs)
{
  GByteArray *out = g_byte_array_new ();

  /* Section Header Block */
  put32 (out, 0x0A0D0D0A); put32 (out, 28); put32 (out, 0x1A2B3C4D); put16 (out, 1);
  put16 (out, 0); put64 (out, G_MAXUINT64); put32 (out, 28);
  /* Interface Description Block: Ethernet */
  put32 (out, 1); put32 (out, 20); put16 (out, 1); put16 (out, 0); put32 (out, 0);
  put32 (out, 20);
  /* a custom block readers must skip */
  put32 (out, 0x00000BAD); put32 (out, 16); put32 (out, 0); put32 (out, 16);
  for (guint i = 0; i < segs->len; i++)
    {
      GByteArray *f = frame (g_ptr_array_index (segs, i), 17);
      guint pad = (4 - f->len % 4) % 4;
      guint32 total = 32 + f->len + pad;

      put32 (out, 6); put32 (out, total); put32 (out, 0); put32 (out, 0); put32 (out, i);
      put32 (out, f->len); put32 (out, f->len);
      g_byte_array_append (out, f->data, f->len);
      for (guint k = 0; k < pad; k++)
        put8 (out, 0);
      put32 (out, total);
      g_byte_array_unref (f);
    }
  return out;
}

static GByteArray *
gzip (GByteArray *in)
{
  g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr (GOutputStream) conv = g_converter_output_stream_new (mem, G_CONVERTER (z));
  g_autoptr (GError) error = NULL;
  GByteArray *out = g_byte_array_new ();

  g_assert_true (g_output_stream_write_all (conv, in->data, in->len, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (conv, NULL, &error));
  g_assert_no_error (error);
  g_byte_array_append (out, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (mem)),
                       g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (mem)));
  return out;
}

/* ---- fixture --------------------------------------------------------------------- */

typedef struct {
  char *dir;
} Fixture;

static void
fx_setup (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fx->dir = g_dir_make_tmp ("aat-iex-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fx_teardown (Fixture *fx, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (fx->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (fx->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fx->dir);
  g_free (fx->dir);
}

/* Writes @bytes (freed) to @name in the fixture's directory. */
static char *
write_file (Fixture *fx, const char *name, GByteArray *bytes)
{
  char *path = g_build_filename (fx->dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error));
  g_assert_no_error (error);
  g_byte_array_unref (bytes);
  return path;
}

static GArray *
read_all (const char *path, GError **error)
{
  g_autoptr (AatIexReader) reader = aat_iex_reader_open (path, error);
  GArray *out;
  AatIexMessage m;

  if (reader == NULL)
    return NULL;
  out = g_array_new (FALSE, TRUE, sizeof (AatIexMessage));
  while (aat_iex_reader_next (reader, &m, error))
    g_array_append_val (out, m);
  if (error && *error)
    {
      g_array_unref (out);
      return NULL;
    }
  return out;
}

/* The messages of sample_segments(), whatever the wrapping. */
static void
check_sample (GArray *msgs)
{
  AatIexMessage *m = (AatIexMessage *) msgs->data;

  g_assert_cmpuint (msgs->len, ==, 9);
  g_assert_cmpint (m[0].type, ==, 'S');
  g_assert_cmpint (m[0].flags, ==, 'O');
  g_assert_cmpint (m[0].timestamp, ==, T0);
  g_assert_cmpint (m[1].type, ==, 'D');
  g_assert_cmpstr (m[1].symbol, ==, "ZIEXT");
  g_assert_cmpuint (m[1].size, ==, 100);
  g_assert_cmpint (m[1].price, ==, 100000);
  g_assert_cmpuint (m[1].luld_tier, ==, 1);
  g_assert_cmpint (m[2].type, ==, 'H');
  g_assert_cmpint (m[2].flags, ==, 'T');
  g_assert_cmpint (m[3].type, ==, 'Q');
  g_assert_cmpint (m[3].timestamp, ==, T0 + 100);
  g_assert_cmpuint (m[3].size, ==, 9700);
  g_assert_cmpint (m[3].price, ==, 995000);
  g_assert_cmpint (m[3].price2, ==, 1005000);
  g_assert_cmpuint (m[3].size2, ==, 1000);
  g_assert_cmpuint (m[3].sequence, ==, 4);
  g_assert_cmpstr (m[4].symbol, ==, "AAPL");
  g_assert_cmpint (m[4].price, ==, 1501234);
  g_assert_cmpint (m[5].type, ==, 'T');
  g_assert_cmpuint (m[5].size, ==, 100);
  g_assert_cmpint (m[5].price, ==, 1000000);
  g_assert_cmpuint (m[5].id, ==, 1234);
  g_assert_cmpuint (m[5].flags, ==, 0x40);
  g_assert_cmpint (m[6].type, ==, 'T');
  g_assert_cmpint (m[7].type, ==, 'B');
  g_assert_cmpuint (m[7].id, ==, 1234);
  g_assert_cmpint (m[8].type, ==, 'X');
  g_assert_cmpint (m[8].flags, ==, 'Q');
  g_assert_cmpint (m[8].price, ==, 1000500);
}

/* ---- tests ----------------------------------------------------------------------- */

static void
test_wrappings (Fixture *fx, gconstpointer data)
{
  g_autoptr (GPtrArray) segs = sample_segments ();
  const char *names[] = { "raw.iextp", "tops.pcap", "tops.pcapng", "tops.pcap.gz", "tops.pcapng.gz" };
  AatIexFormat formats[] = { AAT_IEX_FORMAT_RAW, AAT_IEX_FORMAT_PCAP, AAT_IEX_FORMAT_PCAPNG,
                             AAT_IEX_FORMAT_PCAP, AAT_IEX_FORMAT_PCAPNG };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GByteArray *bytes = NULL;
      g_autofree char *path = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) msgs = NULL;
      g_autoptr (AatIexReader) reader = NULL;

      switch (i)
        {
        case 0: bytes = raw_file (segs); break;
        case 1: bytes = pcap_file (segs); break;
        case 2: bytes = pcapng_file (segs); break;
        case 3: { GByteArray *p = pcap_file (segs); bytes = gzip (p); g_byte_array_unref (p); } break;
        default: { GByteArray *p = pcapng_file (segs); bytes = gzip (p); g_byte_array_unref (p); } break;
        }
      path = write_file (fx, names[i], bytes);
      reader = aat_iex_reader_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (aat_iex_reader_get_format (reader), ==, formats[i]);
      msgs = read_all (path, &error);
      g_assert_no_error (error);
      check_sample (msgs);
    }
}

static void
test_skipped_and_counts (Fixture *fx, gconstpointer data)
{
  g_autoptr (GPtrArray) segs = sample_segments ();
  g_autofree char *path = write_file (fx, "tops.pcap", pcap_file (segs));
  g_autoptr (GError) error = NULL;
  g_autoptr (AatIexReader) reader = aat_iex_reader_open (path, &error);
  AatIexMessage m;
  guint n = 0;

  g_assert_no_error (error);
  while (aat_iex_reader_next (reader, &m, &error))
    n++;
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 9);
  g_assert_cmpuint (aat_iex_reader_get_segments (reader), ==, 3);
  /* the TCP packet and the unknown 'Z' message */
  g_assert_cmpuint (aat_iex_reader_get_skipped (reader), ==, 2);
  g_assert_cmpuint (aat_iex_reader_get_gaps (reader), ==, 0);
}

/* A Quote Update cut to 30 bytes: the error names the offset and the Ask Price. */
static void
test_truncated_message (Fixture *fx, gconstpointer data)
{
  GByteArray *p = g_byte_array_new ();
  GByteArray *b = g_byte_array_new ();
  GByteArray *seg;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) msgs = NULL;

  msg_system (p, 'O', T0);                          /* 2 + 10 bytes */
  put8 (b, 'Q'); put8 (b, 0); put64 (b, (guint64) T0); put_symbol (b, "ZIEXT");
  put32 (b, 100); put64 (b, 995000);                /* 30 bytes: no Ask Price, no Ask Size */
  put_message (p, b);
  seg = segment (p, 2, 1, 1, 0);
  path = write_file (fx, "cut.iextp", seg);
  msgs = read_all (path, &error);
  g_assert_null (msgs);
  g_assert_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_TRUNCATED);
  /* the message's length field sits after the 40-byte header and the 12-byte event */
  expected = g_strdup_printf ("%s: offset 52: Quote Update message ('Q') of 30 bytes: field "
                              "'Ask Price' (bytes 30..37 of the message) is cut off", path);
  g_assert_cmpstr (error->message, ==, expected);
}

/* A file cut inside a segment's payload. */
static void
test_truncated_file (Fixture *fx, gconstpointer data)
{
  g_autoptr (GPtrArray) segs = sample_segments ();
  GByteArray *raw = raw_file (segs);
  guint first = ((GByteArray *) g_ptr_array_index (segs, 0))->len;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) msgs = NULL;
  g_autofree char *where = NULL;

  g_byte_array_set_size (raw, first + 50);
  path = write_file (fx, "short.iextp", raw);
  msgs = read_all (path, &error);
  g_assert_null (msgs);
  g_assert_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_TRUNCATED);
  where = g_strdup_printf ("segment at offset %u", first);
  g_assert_nonnull (strstr (error->message, "'Payload Length'"));
  g_assert_nonnull (strstr (error->message, where));
  g_assert_nonnull (strstr (error->message, "the file ends after 10 of its"));
}

static void
test_malformed (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GArray) msgs = NULL;
  GByteArray *p = g_byte_array_new ();
  GByteArray *seg;

  /* a negative bid price */
  msg_quote (p, "ZIEXT", T0, 100, -5, 1005000, 100);
  seg = segment (p, 1, 1, 1, 0);
  path = write_file (fx, "neg.iextp", seg);
  msgs = read_all (path, &error);
  g_assert_null (msgs);
  g_assert_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "offset 40: Quote Update message: field 'Bid Price' is negative"));
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  /* a non-printable symbol */
  p = g_byte_array_new ();
  msg_quote (p, "ZI\001XT", T0, 100, 5, 1005000, 100);
  path = write_file (fx, "sym.iextp", segment (p, 1, 1, 1, 0));
  g_assert_null (read_all (path, &error));
  g_assert_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "field 'Symbol'"));
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  /* a wrong IEX-TP version in the second segment */
  {
    g_autoptr (GPtrArray) segs = sample_segments ();
    GByteArray *raw;
    guint first = ((GByteArray *) g_ptr_array_index (segs, 0))->len;

    ((GByteArray *) g_ptr_array_index (segs, 1))->data[0] = 2;
    raw = raw_file (segs);
    path = write_file (fx, "version.iextp", raw);
    g_assert_null (read_all (path, &error));
    g_assert_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED);
    {
      g_autofree char *expected = g_strdup_printf ("%s: offset %u: IEX-TP segment header: field "
                                                   "'Version' is 0x2 (expected 1)", path, first);
      g_assert_cmpstr (error->message, ==, expected);
    }
    g_clear_error (&error);
    g_clear_pointer (&path, g_free);
  }

  /* a message length running past the payload */
  p = g_byte_array_new ();
  put16 (p, 200);
  put8 (p, 'S');
  path = write_file (fx, "len.iextp", segment (p, 1, 1, 1, 0));
  g_assert_null (read_all (path, &error));
  g_assert_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "offset 40: field 'Message Length' is 200"));
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  /* not an IEX file at all */
  {
    GByteArray *junk = g_byte_array_new ();
    g_byte_array_append (junk, (const guint8 *) "Date,Open,High\n", 15);
    path = write_file (fx, "junk.csv", junk);
    g_assert_null (read_all (path, &error));
    g_assert_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_FORMAT);
  }
}

/* A jump in the sequence numbers is counted; a repeated range is skipped. */
static void
test_sequence (Fixture *fx, gconstpointer data)
{
  GByteArray *raw = g_byte_array_new ();
  GByteArray *p, *s;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AatIexReader) reader = NULL;
  AatIexMessage m;
  GArray *seqs = g_array_new (FALSE, FALSE, sizeof (guint64));

  p = g_byte_array_new ();
  msg_trade (p, 'T', "A", T0, 1, 10000, 1);
  msg_trade (p, 'T', "A", T0 + 1, 1, 10000, 2);
  s = segment (p, 2, 7, 1, 0); g_byte_array_append (raw, s->data, s->len); g_byte_array_unref (s);
  /* sequence 3 and 4 lost */
  p = g_byte_array_new ();
  msg_trade (p, 'T', "A", T0 + 2, 1, 10000, 5);
  s = segment (p, 1, 7, 5, 0); g_byte_array_append (raw, s->data, s->len); g_byte_array_unref (s);
  /* 5 repeated together with a new 6 */
  p = g_byte_array_new ();
  msg_trade (p, 'T', "A", T0 + 2, 1, 10000, 5);
  msg_trade (p, 'T', "A", T0 + 3, 1, 10000, 6);
  s = segment (p, 2, 7, 5, 0); g_byte_array_append (raw, s->data, s->len); g_byte_array_unref (s);
  /* a heartbeat: no messages */
  p = g_byte_array_new ();
  s = segment (p, 0, 7, 7, 0); g_byte_array_append (raw, s->data, s->len); g_byte_array_unref (s);

  path = write_file (fx, "seq.iextp", raw);
  reader = aat_iex_reader_open (path, &error);
  g_assert_no_error (error);
  while (aat_iex_reader_next (reader, &m, &error))
    g_array_append_val (seqs, m.sequence);
  g_assert_no_error (error);
  g_assert_cmpuint (seqs->len, ==, 4);
  g_assert_cmpuint (g_array_index (seqs, guint64, 2), ==, 5);
  g_assert_cmpuint (g_array_index (seqs, guint64, 3), ==, 6);
  g_assert_cmpuint (aat_iex_reader_get_gaps (reader), ==, 2);
  g_assert_cmpuint (aat_iex_reader_get_skipped (reader), ==, 1);
  g_assert_cmpuint (aat_iex_reader_get_segments (reader), ==, 4);
  g_array_unref (seqs);
}

/* IEX may lengthen messages: the known fields are read, the tail ignored. */
static void
test_longer_message (void)
{
  GByteArray *b = g_byte_array_new ();
  AatIexMessage m;
  g_autoptr (GError) error = NULL;

  put8 (b, 'T'); put8 (b, 0); put64 (b, (guint64) T0); put_symbol (b, "IBM");
  put32 (b, 7); put64 (b, 1234500); put64 (b, 99); put32 (b, 0xdeadbeef);
  g_assert_true (aat_iex_decode_message (b->data, b->len, 0, "mem", &m, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (m.symbol, ==, "IBM");
  g_assert_cmpuint (m.size, ==, 7);
  g_assert_cmpint (m.price, ==, 1234500);
  g_assert_cmpuint (m.id, ==, 99);
  g_byte_array_unref (b);
}

#ifdef AAT_IEX_TEST_EXCHANGE
static void
test_exchange (Fixture *fx, gconstpointer data)
{
  g_autoptr (GPtrArray) segs = sample_segments ();
  g_autofree char *a = write_file (fx, "a.pcapng", pcapng_file (segs));
  g_autofree char *b = NULL;
  g_autoptr (AatExchange) exchange = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) instruments = NULL;
  const char *files[3];
  AatEvent *event;
  AatQuote *quote;
  AatTrade *trade;
  guint64 breaks = 0;
  GPtrArray *order = g_ptr_array_new_with_free_func (g_free);

  /* a second file whose trade falls between the first file's events */
  {
    GByteArray *p = g_byte_array_new ();
    msg_trade (p, 'T', "ZIEXT", T0 + 250, 10, 1001000, 77);
    b = write_file (fx, "b.iextp", segment (p, 1, 9, 1, 0));
  }
  files[0] = a; files[1] = b; files[2] = NULL;
  exchange = g_object_new (aat_iex_exchange_get_type (), "name", "iex", "files", files, NULL);
  g_assert_true (aat_exchange_is_pull (exchange));
  g_assert_true (aat_exchange_start (exchange, &error));
  g_assert_no_error (error);

  event = aat_exchange_next_event (exchange, &error);
  g_assert_nonnull (event);
  g_assert_cmpint (aat_event_get_event_type (event), ==, AAT_EVENT_TYPE_QUOTE);
  quote = aat_event_get_quote (event);
  g_assert_cmpstr (aat_instrument_get_name (aat_quote_get_instrument (quote)), ==, "ZIEXT");
  g_assert_cmpint (aat_quote_get_timestamp (quote), ==, T0 + 100);
  g_assert_cmpfloat (aat_quote_get_bid (quote), ==, 99.5);
  g_assert_cmpfloat (aat_quote_get_bid_size (quote), ==, 9700);
  g_assert_cmpfloat (aat_quote_get_ask (quote), ==, 100.5);
  g_assert_cmpfloat (aat_quote_get_ask_size (quote), ==, 1000);
  g_assert_true (aat_quote_get_exchange (quote) == aat_exchange_get_exchange_type (exchange));

  while ((event = aat_exchange_next_event (exchange, &error)) != NULL)
    {
      if (aat_event_get_event_type (event) == AAT_EVENT_TYPE_TRADE)
        {
          trade = aat_event_get_trade (event);
          g_ptr_array_add (order, g_strdup_printf ("T %s %" G_GUINT64_FORMAT " %.4f %.0f",
                                                   aat_instrument_get_name (aat_trade_get_instrument (trade)),
                                                   aat_trade_get_id (trade), aat_trade_get_price (trade),
                                                   aat_trade_get_volume (trade)));
        }
      else
        g_ptr_array_add (order, g_strdup_printf ("Q %s %.4f", aat_instrument_get_name (
                                                   aat_quote_get_instrument (aat_event_get_quote (event))),
                                                 aat_quote_get_bid (aat_event_get_quote (event))));
    }
  g_assert_no_error (error);
  g_assert_cmpuint (order->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (order, 0), ==, "Q AAPL 150.1234");
  g_assert_cmpstr (g_ptr_array_index (order, 1), ==, "T ZIEXT 1234 100.0000 100");
  g_assert_cmpstr (g_ptr_array_index (order, 2), ==, "T ZIEXT 77 100.1000 10");
  g_assert_cmpstr (g_ptr_array_index (order, 3), ==, "T AAPL 1235 150.1500 50");
  g_object_get (exchange, "trade-breaks", &breaks, NULL);
  g_assert_cmpuint (breaks, ==, 1);
  instruments = aat_exchange_instruments (exchange);
  g_assert_cmpuint (instruments->len, ==, 2);
  aat_exchange_stop (exchange);
  g_ptr_array_unref (order);
}

static void
test_exchange_symbols (Fixture *fx, gconstpointer data)
{
  g_autoptr (GPtrArray) segs = sample_segments ();
  g_autofree char *a = write_file (fx, "a.iextp", raw_file (segs));
  g_autoptr (AatExchange) exchange = NULL;
  g_autoptr (GError) error = NULL;
  const char *files[] = { a, NULL };
  const char *symbols[] = { "AAPL", NULL };
  AatEvent *event;
  guint n = 0;

  exchange = g_object_new (aat_iex_exchange_get_type (), "name", "iex", "files", files,
                           "symbols", symbols, "quotes", FALSE, NULL);
  g_assert_true (aat_exchange_start (exchange, &error));
  while ((event = aat_exchange_next_event (exchange, &error)) != NULL)
    {
      g_assert_cmpint (aat_event_get_event_type (event), ==, AAT_EVENT_TYPE_TRADE);
      g_assert_cmpstr (aat_instrument_get_name (aat_event_get_instrument (event)), ==, "AAPL");
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  aat_exchange_stop (exchange);
}

static void
test_exchange_errors (Fixture *fx, gconstpointer data)
{
  g_autoptr (AatExchange) exchange = NULL;
  g_autoptr (GError) error = NULL;
  const char *files[] = { "/nonexistent/tops.pcap", NULL };

  exchange = g_object_new (aat_iex_exchange_get_type (), "name", "iex", NULL);
  g_assert_false (aat_exchange_start (exchange, &error));
  g_assert_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_CONFIG);
  g_clear_error (&error);
  g_object_set (exchange, "files", files, NULL);
  g_assert_false (aat_exchange_start (exchange, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}
#endif

/* `test-iex --write-sample FILE` writes the sample stream (used for data/iex-tops-sample.iextp). */
int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--write-sample") == 0)
    {
      g_autoptr (GPtrArray) segs = sample_segments ();
      g_autoptr (GByteArray) raw = raw_file (segs);
      return g_file_set_contents (argv[2], (const char *) raw->data, raw->len, NULL) ? 0 : 1;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/iex/reader/wrappings", Fixture, NULL, fx_setup, test_wrappings, fx_teardown);
  g_test_add ("/iex/reader/skipped", Fixture, NULL, fx_setup, test_skipped_and_counts, fx_teardown);
  g_test_add ("/iex/reader/truncated-message", Fixture, NULL, fx_setup, test_truncated_message, fx_teardown);
  g_test_add ("/iex/reader/truncated-file", Fixture, NULL, fx_setup, test_truncated_file, fx_teardown);
  g_test_add ("/iex/reader/malformed", Fixture, NULL, fx_setup, test_malformed, fx_teardown);
  g_test_add ("/iex/reader/sequence", Fixture, NULL, fx_setup, test_sequence, fx_teardown);
  g_test_add_func ("/iex/reader/longer-message", test_longer_message);
#ifdef AAT_IEX_TEST_EXCHANGE
  g_test_add ("/iex/exchange/events", Fixture, NULL, fx_setup, test_exchange, fx_teardown);
  g_test_add ("/iex/exchange/symbols", Fixture, NULL, fx_setup, test_exchange_symbols, fx_teardown);
  g_test_add ("/iex/exchange/errors", Fixture, NULL, fx_setup, test_exchange_errors, fx_teardown);
#endif
  return g_test_run ();
}
