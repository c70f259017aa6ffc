/* aat-iex-reader.h: a reader of IEX HIST files: IEX-TP segments carrying TOPS messages,
 * from a raw segment stream, a pcap or a pcap-ng capture, each optionally gzipped. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * AAT_IEX_ERROR:
 *
 * Error domain of the IEX HIST reader. Messages name the file, the byte offset in the
 * (decompressed) file and the field that is wrong.
 */
#define AAT_IEX_ERROR (aat_iex_error_quark ())
GQuark aat_iex_error_quark (void);

/**
 * AatIexError:
 * @AAT_IEX_ERROR_FAILED: a generic failure (I/O)
 * @AAT_IEX_ERROR_FORMAT: the file is not an IEX-TP stream, pcap or pcap-ng capture
 * @AAT_IEX_ERROR_TRUNCATED: the file ends inside a header, segment or message
 * @AAT_IEX_ERROR_MALFORMED: a field holds an impossible value
 * @AAT_IEX_ERROR_CONFIG: a wrong exchange setting
 */
typedef enum {
  AAT_IEX_ERROR_FAILED,
  AAT_IEX_ERROR_FORMAT,
  AAT_IEX_ERROR_TRUNCATED,
  AAT_IEX_ERROR_MALFORMED,
  AAT_IEX_ERROR_CONFIG,
} AatIexError;

/**
 * AatIexFormat:
 * @AAT_IEX_FORMAT_RAW: IEX-TP segments back to back (header + messages)
 * @AAT_IEX_FORMAT_PCAP: a libpcap capture of the UDP multicast packets
 * @AAT_IEX_FORMAT_PCAPNG: a pcap-ng capture (the format of IEX HIST downloads)
 */
typedef enum {
  AAT_IEX_FORMAT_RAW,
  AAT_IEX_FORMAT_PCAP,
  AAT_IEX_FORMAT_PCAPNG,
} AatIexFormat;

/* IEX-TP message protocol ids. */
#define AAT_IEX_PROTOCOL_TOPS 0x8003
#define AAT_IEX_PROTOCOL_DEEP 0x8004
#define AAT_IEX_TP_HEADER_LENGTH 40

/* TOPS 1.6 message types. */
#define AAT_IEX_MSG_SYSTEM_EVENT       'S'
#define AAT_IEX_MSG_SECURITY_DIRECTORY 'D'
#define AAT_IEX_MSG_TRADING_STATUS     'H'
#define AAT_IEX_MSG_QUOTE_UPDATE       'Q'
#define AAT_IEX_MSG_TRADE_REPORT       'T'
#define AAT_IEX_MSG_OFFICIAL_PRICE     'X'
#define AAT_IEX_MSG_TRADE_BREAK        'B'

/**
 * AatIexMessage:
 * @type: the message type byte ('S', 'D', 'H', 'Q', 'T', 'X', 'B')
 * @flags: the second byte: flags, event, status or price type, by message type
 * @timestamp: nanoseconds since the Unix epoch
 * @symbol: the symbol, NUL-terminated, without the padding spaces ("" for 'S')
 * @size: quote: bid size; trade/break: size; directory: round lot size
 * @size2: quote: ask size
 * @price: quote: bid; trade/break: price; official: price; directory: adjusted POC
 *   (raw fixed point, ×10^-4)
 * @price2: quote: ask (raw ×10^-4)
 * @id: trade/break: trade id; trading status: the reason (4 ASCII bytes, little-endian)
 * @luld_tier: directory: the LULD tier
 * @offset: byte offset of the message's length field in the (decompressed) file
 * @sequence: the message's sequence number in its IEX-TP session
 *
 * One decoded TOPS message. Fields that a type does not carry are zero.
 */
typedef struct {
  guint8 type;
  guint8 flags;
  gint64 timestamp;
  char symbol[9];
  guint32 size;
  guint32 size2;
  gint64 price;
  gint64 price2;
  guint64 id;
  guint8 luld_tier;
  guint64 offset;
  guint64 sequence;
} AatIexMessage;

typedef struct _AatIexReader AatIexReader;

AatIexReader *aat_iex_reader_open (const char *path, GError **error);
AatIexReader *aat_iex_reader_new (GInputStream *stream, const char *name, GError **error);
void aat_iex_reader_free (AatIexReader *self);
gboolean aat_iex_reader_next (AatIexReader *self, AatIexMessage *message, GError **error);
AatIexFormat aat_iex_reader_get_format (AatIexReader *self);
const char *aat_iex_reader_get_name (AatIexReader *self);
guint64 aat_iex_reader_get_segments (AatIexReader *self);
guint64 aat_iex_reader_get_gaps (AatIexReader *self);
guint64 aat_iex_reader_get_skipped (AatIexReader *self);

/* Decoding one message body (the bytes after its length field), for tests and tools. */
gboolean aat_iex_decode_message (const guint8 *data, gsize length, guint64 offset,
                                 const char *name, AatIexMessage *message, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AatIexReader, aat_iex_reader_free)

G_END_DECLS
