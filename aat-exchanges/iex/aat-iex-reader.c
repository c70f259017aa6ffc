/* aat-iex-reader.c: IEX HIST files: IEX-TP v1 segments carrying TOPS 1.6 messages.
 *
 * Data flow: a GInputStream (gunzipped on the fly when the file starts with the gzip
 * magic) → the container (raw IEX-TP segments back to back, a pcap, or a pcap-ng
 * capture whose Ethernet/IPv4/UDP packets each carry one segment) → one segment at a
 * time in `seg` → its messages, decoded one per aat_iex_reader_next() call.
 *
 * Every integer is little-endian (IEX-TP and TOPS are; pcap and pcap-ng follow their
 * own magic; IP and UDP headers are big-endian). Prices stay raw fixed point (×10^-4)
 * here; timestamps are already nanoseconds since the epoch.
 *
 * IEX may lengthen any message: a message longer than the fields we know is accepted
 * and its tail ignored; a message type we do not know is skipped and counted. A message
 * shorter than its fields, or a segment that runs past the end of its packet or file,
 * is an error naming the byte offset and the field.
 */
#include "aat-iex-reader.h"

#include <string.h>

G_DEFINE_QUARK (aat-iex-error-quark, aat_iex_error)

#define MAX_BLOCK (64u * 1024u * 1024u)

struct _AatIexReader
{
  char *name;
  GInputStream *stream;
  AatIexFormat format;
  guint64 pos;                 /* bytes consumed from the (decompressed) stream */

  /* capture containers */
  gboolean swap;               /* pcap / pcap-ng section in big-endian order */
  guint32 pcap_linktype;
  GArray *linktypes;           /* pcap-ng: guint32 per interface of the section */

  /* the current segment */
  GByteArray *seg;
  guint64 seg_base;            /* file offset of seg->data[0] */
  gsize pos_in_seg;            /* next message's length field */
  gsize seg_end;               /* end of the segment's payload in seg */
  guint remaining;             /* messages left in the segment */
  guint64 next_seq;            /* sequence number of the next message */
  guint64 skip_until;          /* messages with a lower sequence number are repeats */

  /* session bookkeeping */
  guint32 session;
  guint64 expected_seq;
  gboolean have_session;

  guint64 segments, gaps, skipped;
};

/* ---- little helpers ------------------------------------------------------------- */

static guint16
le16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint64
le64 (const guint8 *p)
{
  return (guint64) le32 (p) | ((guint64) le32 (p + 4) << 32);
}

static guint16
be16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static guint32
cap32 (AatIexReader *self, const guint8 *p)
{
  guint32 v = le32 (p);
  return self->swap ? GUINT32_SWAP_LE_BE (v) : v;
}

static guint16
cap16 (AatIexReader *self, const guint8 *p)
{
  guint16 v = le16 (p);
  return self->swap ? GUINT16_SWAP_LE_BE (v) : v;
}

/* Reads exactly @n bytes; a short read is a TRUNCATED error naming @what. With
 * @eof_ok, a clean end before the first byte returns FALSE without an error. */
static gboolean
read_exact (AatIexReader *self, guint8 *buf, gsize n, const char *what, gboolean eof_ok,
            GError **error)
{
  gsize got = 0;
  guint64 start = self->pos;

  if (n == 0)
    return TRUE;
  if (!g_input_stream_read_all (self->stream, buf, n, &got, NULL, error))
    {
      g_prefix_error (error, "%s: offset %" G_GUINT64_FORMAT ": %s: ", self->name, start, what);
      return FALSE;
    }
  self->pos += got;
  if (got == n)
    return TRUE;
  if (got == 0 && eof_ok)
    return FALSE;
  g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_TRUNCATED,
               "%s: offset %" G_GUINT64_FORMAT ": %s: the file ends after %" G_GSIZE_FORMAT
               " of its %" G_GSIZE_FORMAT " bytes", self->name, start, what, got, n);
  return FALSE;
}

static gboolean
skip_bytes (AatIexReader *self, gsize n, const char *what, GError **error)
{
  guint8 buf[4096];

  while (n > 0)
    {
      gsize chunk = MIN (n, sizeof buf);

      if (!read_exact (self, buf, chunk, what, FALSE, error))
        return FALSE;
      n -= chunk;
    }
  return TRUE;
}

/* ---- TOPS messages ---------------------------------------------------------------- */

typedef struct {
  const char *name;
  guint offset, size;
} Field;

typedef struct {
  guint8 type;
  const char *name;
  const Field *fields;         /* in order, ends with a NULL name */
} MessageLayout;

static const Field system_event_fields[] = {
  { "Message Type", 0, 1 }, { "System Event", 1, 1 }, { "Timestamp", 2, 8 }, { NULL, 0, 0 } };
static const Field directory_fields[] = {
  { "Message Type", 0, 1 }, { "Flags", 1, 1 }, { "Timestamp", 2, 8 }, { "Symbol", 10, 8 },
  { "Round Lot Size", 18, 4 }, { "Adjusted POC Price", 22, 8 }, { "LULD Tier", 30, 1 },
  { NULL, 0, 0 } };
static const Field status_fields[] = {
  { "Message Type", 0, 1 }, { "Trading Status", 1, 1 }, { "Timestamp", 2, 8 },
  { "Symbol", 10, 8 }, { "Reason", 18, 4 }, { NULL, 0, 0 } };
static const Field quote_fields[] = {
  { "Message Type", 0, 1 }, { "Flags", 1, 1 }, { "Timestamp", 2, 8 }, { "Symbol", 10, 8 },
  { "Bid Size", 18, 4 }, { "Bid Price", 22, 8 }, { "Ask Price", 30, 8 }, { "Ask Size", 38, 4 },
  { NULL, 0, 0 } };
static const Field trade_fields[] = {
  { "Message Type", 0, 1 }, { "Sale Condition Flags", 1, 1 }, { "Timestamp", 2, 8 },
  { "Symbol", 10, 8 }, { "Size", 18, 4 }, { "Price", 22, 8 }, { "Trade ID", 30, 8 },
  { NULL, 0, 0 } };
static const Field official_fields[] = {
  { "Message Type", 0, 1 }, { "Price Type", 1, 1 }, { "Timestamp", 2, 8 }, { "Symbol", 10, 8 },
  { "Official Price", 18, 8 }, { NULL, 0, 0 } };

static const MessageLayout layouts[] = {
  { AAT_IEX_MSG_SYSTEM_EVENT, "System Event", system_event_fields },
  { AAT_IEX_MSG_SECURITY_DIRECTORY, "Security Directory", directory_fields },
  { AAT_IEX_MSG_TRADING_STATUS, "Trading Status", status_fields },
  { AAT_IEX_MSG_QUOTE_UPDATE, "Quote Update", quote_fields },
  { AAT_IEX_MSG_TRADE_REPORT, "Trade Report", trade_fields },
  { AAT_IEX_MSG_OFFICIAL_PRICE, "Official Price", official_fields },
  { AAT_IEX_MSG_TRADE_BREAK, "Trade Break", trade_fields },
};

static const MessageLayout *
find_layout (guint8 type)
{
  for (guint i = 0; i < G_N_ELEMENTS (layouts); i++)
    if (layouts[i].type == type)
      return &layouts[i];
  return NULL;
}

static gboolean
decode_symbol (const guint8 *p, char out[9])
{
  guint n = 8;

  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0'))
    n--;
  for (guint i = 0; i < n; i++)
    if (p[i] < 0x21 || p[i] > 0x7e)
      return FALSE;
  memcpy (out, p, n);
  out[n] = '\0';
  return TRUE;
}

/**
 * aat_iex_decode_message:
 * @data: (array length=length): the message body (after its 2-byte length)
 * @length: the message length
 * @offset: the byte offset of the message's length field, for errors
 * @name: the file name, for errors
 * @message: (out caller-allocates): the decoded message
 * @error: a #GError
 *
 * Decodes one TOPS message. An unknown type fills only @message's type and returns
 * %TRUE, so a caller can skip it.
 *
 * Returns: %FALSE with @error set when the message is shorter than its fields or a
 *   field holds an impossible value
 */
gboolean
aat_iex_decode_message (const guint8 *data, gsize length, guint64 offset, const char *name,
                        AatIexMessage *message, GError **error)
{
  const MessageLayout *layout;
  const Field *last;

  memset (message, 0, sizeof *message);
  message->offset = offset;
  if (length == 0)
    {
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                   "%s: offset %" G_GUINT64_FORMAT ": field 'Message Length' is 0",
                   name, offset);
      return FALSE;
    }
  message->type = data[0];
  layout = find_layout (data[0]);
  if (layout == NULL)
    return TRUE;

  for (const Field *f = layout->fields; f->name; f++)
    if (f->offset + f->size > length)
      {
        g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_TRUNCATED,
                     "%s: offset %" G_GUINT64_FORMAT ": %s message ('%c') of %" G_GSIZE_FORMAT
                     " bytes: field '%s' (bytes %u..%u of the message) is cut off",
                     name, offset, layout->name, layout->type, length, f->name, f->offset,
                     f->offset + f->size - 1);
        return FALSE;
      }
  for (last = layout->fields; last[1].name; last++)
    ;

  message->flags = data[1];
  message->timestamp = (gint64) le64 (data + 2);
  if (message->timestamp < 0)
    {
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                   "%s: offset %" G_GUINT64_FORMAT ": %s message: field 'Timestamp' is negative",
                   name, offset, layout->name);
      return FALSE;
    }
  if (layout->type != AAT_IEX_MSG_SYSTEM_EVENT && !decode_symbol (data + 10, message->symbol))
    {
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                   "%s: offset %" G_GUINT64_FORMAT ": %s message: field 'Symbol' holds a byte "
                   "that is not printable ASCII", name, offset, layout->name);
      return FALSE;
    }

  switch (layout->type)
    {
    case AAT_IEX_MSG_SECURITY_DIRECTORY:
      message->size = le32 (data + 18);
      message->price = (gint64) le64 (data + 22);
      message->luld_tier = data[30];
      break;
    case AAT_IEX_MSG_TRADING_STATUS:
      message->id = le32 (data + 18);
      break;
    case AAT_IEX_MSG_QUOTE_UPDATE:
      message->size = le32 (data + 18);
      message->price = (gint64) le64 (data + 22);
      message->price2 = (gint64) le64 (data + 30);
      message->size2 = le32 (data + 38);
      if (message->price < 0 || message->price2 < 0)
        {
          g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                       "%s: offset %" G_GUINT64_FORMAT ": Quote Update message: field '%s' is negative",
                       name, offset, message->price < 0 ? "Bid Price" : "Ask Price");
          return FALSE;
        }
      break;
    case AAT_IEX_MSG_TRADE_REPORT:
    case AAT_IEX_MSG_TRADE_BREAK:
      message->size = le32 (data + 18);
      message->price = (gint64) le64 (data + 22);
      message->id = le64 (data + 30);
      if (message->price <= 0)
        {
          g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                       "%s: offset %" G_GUINT64_FORMAT ": %s message: field 'Price' is not positive",
                       name, offset, layout->name);
          return FALSE;
        }
      break;
    case AAT_IEX_MSG_OFFICIAL_PRICE:
      message->price = (gint64) le64 (data + 18);
      break;
    default:
      break;
    }
  return TRUE;
}

/* ---- segments --------------------------------------------------------------------- */

/* Checks the IEX-TP header at seg[at] (of @avail bytes) and sets up its messages.
 * Returns FALSE with an error, or FALSE without one when the segment is not ours and
 * @lenient (a capture may hold other traffic). */
static gboolean
begin_segment (AatIexReader *self, gsize at, gsize avail, gboolean lenient, GError **error)
{
  const guint8 *h = self->seg->data + at;
  guint64 base = self->seg_base + at;
  guint16 protocol, payload, count;
  guint32 session;
  guint64 first;

  if (avail < AAT_IEX_TP_HEADER_LENGTH)
    {
      if (lenient)
        return FALSE;
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_TRUNCATED,
                   "%s: offset %" G_GUINT64_FORMAT ": IEX-TP segment header: %" G_GSIZE_FORMAT
                   " bytes, shorter than its 40", self->name, base, avail);
      return FALSE;
    }
  protocol = le16 (h + 2);
  if (h[0] != 1 || (protocol != AAT_IEX_PROTOCOL_TOPS && protocol != AAT_IEX_PROTOCOL_DEEP))
    {
      if (lenient)
        return FALSE;
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                   "%s: offset %" G_GUINT64_FORMAT ": IEX-TP segment header: field '%s' is 0x%x "
                   "(expected %s)", self->name, base, h[0] != 1 ? "Version" : "Message Protocol ID",
                   h[0] != 1 ? h[0] : protocol, h[0] != 1 ? "1" : "0x8003 TOPS or 0x8004 DEEP");
      return FALSE;
    }
  session = le32 (h + 8);
  payload = le16 (h + 12);
  count = le16 (h + 14);
  first = le64 (h + 24);
  if (AAT_IEX_TP_HEADER_LENGTH + (gsize) payload > avail)
    {
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_TRUNCATED,
                   "%s: offset %" G_GUINT64_FORMAT ": IEX-TP segment header: field 'Payload Length' "
                   "is %u but only %" G_GSIZE_FORMAT " bytes follow the header",
                   self->name, base, payload, avail - AAT_IEX_TP_HEADER_LENGTH);
      return FALSE;
    }

  self->segments++;
  if (!self->have_session || session != self->session)
    {
      self->have_session = TRUE;
      self->session = session;
      self->expected_seq = first;
    }
  self->skip_until = 0;
  if (count > 0)
    {
      if (first > self->expected_seq)
        self->gaps += first - self->expected_seq;
      else if (first < self->expected_seq)
        self->skip_until = self->expected_seq;     /* a repeated (retransmitted) range */
      self->expected_seq = MAX (self->expected_seq, first + count);
    }
  self->pos_in_seg = at + AAT_IEX_TP_HEADER_LENGTH;
  self->seg_end = at + AAT_IEX_TP_HEADER_LENGTH + payload;
  self->remaining = count;
  self->next_seq = first;
  return TRUE;
}

/* The UDP payload of a captured frame, or FALSE (skipped) for other traffic. */
static gboolean
udp_payload (guint32 linktype, const guint8 *p, gsize n, gsize *at, gsize *len)
{
  gsize off;
  guint16 ethertype;
  guint ihl, udp_len;

  switch (linktype)
    {
    case 1:     /* Ethernet */
      if (n < 14)
        return FALSE;
      ethertype = be16 (p + 12);
      off = 14;
      while ((ethertype == 0x8100 || ethertype == 0x88a8) && n >= off + 4)
        {
          ethertype = be16 (p + off + 2);
          off += 4;
        }
      if (ethertype != 0x0800)
        return FALSE;
      break;
    case 113:   /* Linux cooked capture */
      if (n < 16 || be16 (p + 14) != 0x0800)
        return FALSE;
      off = 16;
      break;
    case 101:   /* raw IP */
    case 12:
      off = 0;
      break;
    default:
      return FALSE;
    }
  if (n < off + 20 || (p[off] >> 4) != 4 || p[off + 9] != 17)
    return FALSE;
  ihl = (p[off] & 0x0f) * 4u;
  if (ihl < 20 || n < off + ihl + 8)
    return FALSE;
  off += ihl;
  udp_len = be16 (p + off + 4);
  if (udp_len < 8)
    return FALSE;
  *at = off + 8;
  *len = MIN ((gsize) udp_len - 8, n - *at);
  return TRUE;
}

/* Loads the captured frame in seg (at file offset seg_base) and starts its segment. */
static gboolean
begin_packet (AatIexReader *self, guint32 linktype, gboolean *started, GError **error)
{
  gsize at, len;

  *started = FALSE;
  if (!udp_payload (linktype, self->seg->data, self->seg->len, &at, &len))
    {
      self->skipped++;
      return TRUE;
    }
  if (!begin_segment (self, at, len, TRUE, error))
    {
      if (error && *error)
        return FALSE;
      self->skipped++;
      return TRUE;
    }
  *started = TRUE;
  return TRUE;
}

static gboolean
next_raw_segment (AatIexReader *self, GError **error)
{
  guint8 header[AAT_IEX_TP_HEADER_LENGTH];
  guint16 payload;

  self->seg_base = self->pos;
  if (!read_exact (self, header, sizeof header, "IEX-TP segment header", TRUE, error))
    return FALSE;
  g_byte_array_set_size (self->seg, 0);
  g_byte_array_append (self->seg, header, sizeof header);
  payload = le16 (header + 12);
  if (header[0] == 1 && (le16 (header + 2) == AAT_IEX_PROTOCOL_TOPS ||
                         le16 (header + 2) == AAT_IEX_PROTOCOL_DEEP))
    {
      g_autofree char *what = g_strdup_printf ("IEX-TP segment at offset %" G_GUINT64_FORMAT
                                               ": field 'Payload Length' (%u)", self->seg_base, payload);

      g_byte_array_set_size (self->seg, sizeof header + payload);
      if (!read_exact (self, self->seg->data + sizeof header, payload, what, FALSE, error))
        return FALSE;
    }
  return begin_segment (self, 0, self->seg->len, FALSE, error);
}

static gboolean
next_pcap_segment (AatIexReader *self, GError **error)
{
  for (;;)
    {
      guint8 rec[16];
      guint32 incl;
      gboolean started;

      if (!read_exact (self, rec, sizeof rec, "pcap record header", TRUE, error))
        return FALSE;
      incl = cap32 (self, rec + 8);
      if (incl > MAX_BLOCK)
        {
          g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                       "%s: offset %" G_GUINT64_FORMAT ": pcap record header: field 'incl_len' "
                       "is %u", self->name, self->pos - 16, incl);
          return FALSE;
        }
      self->seg_base = self->pos;
      g_byte_array_set_size (self->seg, incl);
      if (!read_exact (self, self->seg->data, incl, "pcap packet data", FALSE, error))
        return FALSE;
      if (!begin_packet (self, self->pcap_linktype, &started, error))
        return FALSE;
      if (started)
        return TRUE;
    }
}

static gboolean
read_section_header (AatIexReader *self, const guint8 first[8], GError **error)
{
  guint8 magic[4];
  guint32 length, magic_le;

  if (!read_exact (self, magic, 4, "pcap-ng section header block", FALSE, error))
    return FALSE;
  magic_le = le32 (magic);
  if (magic_le == 0x1A2B3C4D)
    self->swap = FALSE;
  else if (magic_le == 0x4D3C2B1A)
    self->swap = TRUE;
  else
    {
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                   "%s: offset %" G_GUINT64_FORMAT ": pcap-ng section header block: field "
                   "'Byte-Order Magic' is 0x%08x", self->name, self->pos - 4, magic_le);
      return FALSE;
    }
  length = cap32 (self, first + 4);
  if (length < 28 || length % 4 != 0 || length > MAX_BLOCK)
    {
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                   "%s: offset %" G_GUINT64_FORMAT ": pcap-ng section header block: field "
                   "'Block Total Length' is %u", self->name, self->pos - 12, length);
      return FALSE;
    }
  g_array_set_size (self->linktypes, 0);
  return skip_bytes (self, length - 12, "pcap-ng section header block", error);
}

static gboolean
next_pcapng_segment (AatIexReader *self, GError **error)
{
  for (;;)
    {
      guint8 head[8];
      guint32 type, length;
      guint64 block_start = self->pos;
      gboolean started = FALSE;

      if (!read_exact (self, head, sizeof head, "pcap-ng block header", TRUE, error))
        return FALSE;
      if (le32 (head) == 0x0A0D0D0A)
        {
          if (!read_section_header (self, head, error))
            return FALSE;
          continue;
        }
      type = cap32 (self, head);
      length = cap32 (self, head + 4);
      if (length < 12 || length % 4 != 0 || length > MAX_BLOCK)
        {
          g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                       "%s: offset %" G_GUINT64_FORMAT ": pcap-ng block: field 'Block Total "
                       "Length' is %u", self->name, block_start, length);
          return FALSE;
        }
      g_byte_array_set_size (self->seg, length - 8);
      if (!read_exact (self, self->seg->data, length - 8, "pcap-ng block body", FALSE, error))
        return FALSE;

      if (type == 1 && length >= 20)           /* Interface Description Block */
        {
          guint32 linktype = cap16 (self, self->seg->data);
          g_array_append_val (self->linktypes, linktype);
        }
      else if (type == 6 || type == 3)         /* Enhanced / Simple Packet Block */
        {
          guint32 iface = 0, caplen, hdr = type == 6 ? 20 : 4;
          guint32 linktype;

          if (length < 12 + hdr)
            {
              g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                           "%s: offset %" G_GUINT64_FORMAT ": pcap-ng packet block of %u bytes "
                           "is shorter than its header", self->name, block_start, length);
              return FALSE;
            }
          if (type == 6)
            {
              iface = cap32 (self, self->seg->data);
              caplen = cap32 (self, self->seg->data + 12);
            }
          else
            caplen = MIN (cap32 (self, self->seg->data), length - 16);
          if (caplen > length - 12 - hdr)
            {
              g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                           "%s: offset %" G_GUINT64_FORMAT ": pcap-ng packet block: field "
                           "'Captured Packet Length' (%u) runs past the block", self->name,
                           block_start, caplen);
              return FALSE;
            }
          if (iface >= self->linktypes->len)
            {
              g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_MALFORMED,
                           "%s: offset %" G_GUINT64_FORMAT ": pcap-ng packet block: field "
                           "'Interface ID' %u names no interface", self->name, block_start, iface);
              return FALSE;
            }
          linktype = g_array_index (self->linktypes, guint32, iface);
          /* the frame, moved to the start of seg */
          memmove (self->seg->data, self->seg->data + hdr, caplen);
          g_byte_array_set_size (self->seg, caplen);
          self->seg_base = block_start + 8 + hdr;
          if (!begin_packet (self, linktype, &started, error))
            return FALSE;
        }
      if (started)
        return TRUE;
    }
}

/* ---- the reader ------------------------------------------------------------------- */

static gboolean
detect (AatIexReader *self, GError **error)
{
  guint8 magic[24];
  GBufferedInputStream *buffered = G_BUFFERED_INPUT_STREAM (self->stream);
  gssize n;

  n = g_buffered_input_stream_fill (buffered, 4, NULL, error);
  if (n < 0)
    return FALSE;
  if (g_buffered_input_stream_peek (buffered, magic, 0, 4) < 4)
    {
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_FORMAT,
                   "%s: offset 0: the file is shorter than any IEX-TP, pcap or pcap-ng header",
                   self->name);
      return FALSE;
    }
  switch (le32 (magic))
    {
    case 0xa1b2c3d4: case 0xa1b23c4d:
    case 0xd4c3b2a1: case 0x4d3cb2a1:
      self->format = AAT_IEX_FORMAT_PCAP;
      self->swap = le32 (magic) == 0xd4c3b2a1 || le32 (magic) == 0x4d3cb2a1;
      if (!read_exact (self, magic, 24, "pcap global header", FALSE, error))
        return FALSE;
      self->pcap_linktype = cap32 (self, magic + 20) & 0x0fffffff;
      return TRUE;
    case 0x0A0D0D0A:
      self->format = AAT_IEX_FORMAT_PCAPNG;
      return TRUE;
    default:
      if (magic[0] == 1 && (le16 (magic + 2) == AAT_IEX_PROTOCOL_TOPS ||
                            le16 (magic + 2) == AAT_IEX_PROTOCOL_DEEP))
        {
          self->format = AAT_IEX_FORMAT_RAW;
          return TRUE;
        }
      g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_FORMAT,
                   "%s: offset 0: not an IEX-TP stream (version 1, protocol 0x8003/0x8004), "
                   "a pcap or a pcap-ng capture (first bytes %02x %02x %02x %02x)",
                   self->name, magic[0], magic[1], magic[2], magic[3]);
      return FALSE;
    }
}

/**
 * aat_iex_reader_new:
 * @stream: the (decompressed) file contents
 * @name: the name used in errors
 * @error: a #GError
 *
 * Opens a reader on @stream, detecting its container from the first bytes.
 *
 * Returns: (transfer full) (nullable): a reader, or %NULL with @error set
 */
AatIexReader *
aat_iex_reader_new (GInputStream *stream, const char *name, GError **error)
{
  AatIexReader *self = g_new0 (AatIexReader, 1);

  self->name = g_strdup (name);
  self->stream = g_buffered_input_stream_new_sized (stream, 256 * 1024);
  self->seg = g_byte_array_new ();
  self->linktypes = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (!detect (self, error))
    {
      aat_iex_reader_free (self);
      return NULL;
    }
  return self;
}

/**
 * aat_iex_reader_open:
 * @path: a file: raw IEX-TP, pcap or pcap-ng, optionally gzip-compressed
 * @error: a #GError
 *
 * Returns: (transfer full) (nullable): a reader, or %NULL with @error set
 */
AatIexReader *
aat_iex_reader_open (const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) in = g_file_read (file, NULL, error);
  g_autoptr (GInputStream) buffered = NULL;
  g_autoptr (GInputStream) source = NULL;
  guint8 magic[2] = { 0, 0 };

  if (in == NULL)
    return NULL;
  buffered = g_buffered_input_stream_new (G_INPUT_STREAM (in));
  if (g_buffered_input_stream_fill (G_BUFFERED_INPUT_STREAM (buffered), 2, NULL, error) < 0)
    return NULL;
  g_buffered_input_stream_peek (G_BUFFERED_INPUT_STREAM (buffered), magic, 0, 2);
  if (magic[0] == 0x1f && magic[1] == 0x8b)
    {
      g_autoptr (GZlibDecompressor) gunzip = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      source = g_converter_input_stream_new (buffered, G_CONVERTER (gunzip));
    }
  else
    source = g_object_ref (buffered);
  return aat_iex_reader_new (source, path, error);
}

void
aat_iex_reader_free (AatIexReader *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->stream);
  g_byte_array_unref (self->seg);
  g_array_unref (self->linktypes);
  g_free (self->name);
  g_free (self);
}

/**
 * aat_iex_reader_next:
 * @self: a reader
 * @message: (out caller-allocates): the next known TOPS message
 * @error: a #GError
 *
 * Reads the next message of a known type; unknown types and repeated sequence numbers
 * are skipped (and counted).
 *
 * Returns: %TRUE with a message; %FALSE at the end of the file, or with @error set
 */
gboolean
aat_iex_reader_next (AatIexReader *self, AatIexMessage *message, GError **error)
{
  for (;;)
    {
      guint64 offset;
      guint16 length;
      guint64 seq;

      while (self->remaining == 0)
        {
          gboolean ok = FALSE;

          switch (self->format)
            {
            case AAT_IEX_FORMAT_RAW: ok = next_raw_segment (self, error); break;
            case AAT_IEX_FORMAT_PCAP: ok = next_pcap_segment (self, error); break;
            case AAT_IEX_FORMAT_PCAPNG: ok = next_pcapng_segment (self, error); break;
            }
          if (!ok)
            return FALSE;
        }

      offset = self->seg_base + self->pos_in_seg;
      if (self->pos_in_seg + 2 > self->seg_end)
        {
          g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_TRUNCATED,
                       "%s: offset %" G_GUINT64_FORMAT ": field 'Message Length': the segment's "
                       "payload ends with %u message%s still to come ('Message Count')",
                       self->name, offset, self->remaining, self->remaining == 1 ? "" : "s");
          return FALSE;
        }
      length = le16 (self->seg->data + self->pos_in_seg);
      if (self->pos_in_seg + 2 + length > self->seg_end)
        {
          g_set_error (error, AAT_IEX_ERROR, AAT_IEX_ERROR_TRUNCATED,
                       "%s: offset %" G_GUINT64_FORMAT ": field 'Message Length' is %u but the "
                       "segment's payload has %" G_GSIZE_FORMAT " bytes left",
                       self->name, offset, length, self->seg_end - self->pos_in_seg - 2);
          return FALSE;
        }
      if (!aat_iex_decode_message (self->seg->data + self->pos_in_seg + 2, length, offset,
                                   self->name, message, error))
        return FALSE;
      self->pos_in_seg += 2 + (gsize) length;
      self->remaining--;
      seq = self->next_seq++;
      message->sequence = seq;
      if (seq < self->skip_until || find_layout (message->type) == NULL)
        {
          self->skipped++;
          continue;
        }
      return TRUE;
    }
}

AatIexFormat
aat_iex_reader_get_format (AatIexReader *self)
{
  return self->format;
}

const char *
aat_iex_reader_get_name (AatIexReader *self)
{
  return self->name;
}

guint64
aat_iex_reader_get_segments (AatIexReader *self)
{
  return self->segments;
}

guint64
aat_iex_reader_get_gaps (AatIexReader *self)
{
  return self->gaps;
}

guint64
aat_iex_reader_get_skipped (AatIexReader *self)
{
  return self->skipped;
}
