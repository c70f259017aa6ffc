/* test-alpaca.c: the Alpaca adapter's network-free core: redaction, assets, order
 * bodies for every type and time in force, local refusals, error replies. */
#include <string.h>
#include <aat.h>
#include "aat-alpaca-core.h"

static AatAlpacaAsset *
asset (const char *json)
{
  g_autoptr (GError) error = NULL;
  AatAlpacaAsset *a = aat_alpaca_parse_asset (json, &error);

  g_assert_no_error (error);
  return a;
}

#define AAPL "{\"id\":\"b0b6dd9d-8b9b-48a9-ba46-b9d54906e415\",\"class\":\"us_equity\",\"exchange\":\"NASDAQ\"," \
             "\"symbol\":\"AAPL\",\"name\":\"Apple Inc.\",\"status\":\"active\",\"tradable\":true,\"marginable\":true," \
             "\"shortable\":true,\"easy_to_borrow\":true,\"fractionable\":true}"

static void
test_redact (void)
{
  g_autofree char *r = aat_alpaca_redact ("{\"action\":\"auth\",\"key\":\"PKTEST1234\",\"secret\":\"s3cr3t-xyz\"}",
                                          "PKTEST1234", "s3cr3t-xyz");

  g_assert_cmpstr (r, ==, "{\"action\":\"auth\",\"key\":\"<redacted>\",\"secret\":\"<redacted>\"}");
}

static void
test_asset (void)
{
  g_autoptr (AatAlpacaAsset) a = asset (AAPL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AatAlpacaAsset) bad = aat_alpaca_parse_asset ("{\"code\":40410000,\"message\":\"asset not found\"}", &error);

  g_assert_cmpstr (a->symbol, ==, "AAPL");
  g_assert_true (a->tradable);
  g_assert_true (a->fractionable);
  g_assert_null (bad);
  g_assert_error (error, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_FAILED);
}

static void
test_bodies (void)
{
  g_autoptr (AatAlpacaAsset) a = asset (AAPL);
  AatInstrument *inst = aat_instrument_get ("AAPL", AAT_INSTRUMENT_TYPE_EQUITY);
  AatOrder *o[] = {
    aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 10, 0),
    aat_order_new (inst, AAT_SIDE_SELL, AAT_ORDER_TYPE_LIMIT, 5, 190.25),
    aat_order_new_stop (inst, AAT_SIDE_SELL, AAT_ORDER_TYPE_STOP_MARKET, 5, 180, 0),
    aat_order_new_stop (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_STOP_LIMIT, 5, 200, 201),
    aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 5, 190),
    aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 0.5, 0),
  };
  const char *expect[] = {
    "{\"symbol\":\"AAPL\",\"qty\":\"10\",\"side\":\"buy\",\"type\":\"market\",\"time_in_force\":\"gtc\",\"client_order_id\":\"c-1\"}",
    "{\"symbol\":\"AAPL\",\"qty\":\"5\",\"side\":\"sell\",\"type\":\"limit\",\"time_in_force\":\"ioc\",\"limit_price\":\"190.25\",\"client_order_id\":\"c-1\"}",
    "{\"symbol\":\"AAPL\",\"qty\":\"5\",\"side\":\"sell\",\"type\":\"stop\",\"time_in_force\":\"day\",\"stop_price\":\"180.00\",\"client_order_id\":\"c-1\"}",
    "{\"symbol\":\"AAPL\",\"qty\":\"5\",\"side\":\"buy\",\"type\":\"stop_limit\",\"time_in_force\":\"gtc\",\"limit_price\":\"201.00\",\"stop_price\":\"200.00\",\"client_order_id\":\"c-1\"}",
    "{\"symbol\":\"AAPL\",\"qty\":\"5\",\"side\":\"buy\",\"type\":\"limit\",\"time_in_force\":\"cls\",\"limit_price\":\"190.00\",\"client_order_id\":\"c-1\"}",
    "{\"symbol\":\"AAPL\",\"qty\":\"0.500000000\",\"side\":\"buy\",\"type\":\"market\",\"time_in_force\":\"day\",\"client_order_id\":\"c-1\"}",
  };

  aat_order_set_flag (o[1], AAT_ORDER_FLAG_IMMEDIATE_OR_CANCEL);
  aat_order_set_time_in_force (o[2], AAT_TIME_IN_FORCE_DAY, 0);
  aat_order_set_time_in_force (o[5], AAT_TIME_IN_FORCE_DAY, 0);
  for (guint i = 0; i < G_N_ELEMENTS (o); i++)
    {
      g_autofree char *reason = NULL;
      g_autofree char *body = aat_alpaca_order_body (o[i], a, "c-1", i == 4 ? AAT_ALPACA_AUCTION_CLOSE : AAT_ALPACA_AUCTION_NONE,
                                                     &reason);
      g_assert_null (reason);
      g_assert_cmpstr (body, ==, expect[i]);
      aat_order_unref (o[i]);
    }
}

static void
test_refusals (void)
{
  g_autoptr (AatAlpacaAsset) a = asset (AAPL);
  g_autoptr (AatAlpacaAsset) whole = asset ("{\"symbol\":\"BRK.A\",\"status\":\"active\",\"tradable\":true,\"fractionable\":false}");
  g_autoptr (AatAlpacaAsset) dead = asset ("{\"symbol\":\"OLD\",\"status\":\"inactive\",\"tradable\":false}");
  AatInstrument *fine = aat_instrument_get ("FINE-EQ", AAT_INSTRUMENT_TYPE_EQUITY);
  AatInstrument *inst;
  struct { AatOrder *o; const AatAlpacaAsset *a; AatAlpacaAuction auction; const char *needle; } bad[6];

  aat_instrument_set_tick_size (fine, 0.0001);
  inst = aat_instrument_get ("AAPL", AAT_INSTRUMENT_TYPE_EQUITY);
  bad[0].o = aat_order_new (fine, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 190.005); bad[0].a = a; bad[0].needle = "sub-penny";
  bad[1].o = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 0.5, 0); bad[1].a = whole; bad[1].needle = "not fractionable";
  bad[2].o = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 0.5, 0); bad[2].a = a; bad[2].needle = "DAY orders";
  bad[3].o = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 10); bad[3].a = a; bad[3].needle = "GTD";
  bad[4].o = aat_order_new_stop (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_STOP_MARKET, 1, 10, 0); bad[4].a = a; bad[4].needle = "auction";
  bad[5].o = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_MARKET, 1, 0); bad[5].a = dead; bad[5].needle = "not tradable";
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    bad[i].auction = i == 4 ? AAT_ALPACA_AUCTION_OPEN : AAT_ALPACA_AUCTION_NONE;
  aat_order_set_time_in_force (bad[3].o, AAT_TIME_IN_FORCE_GTD, 1);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *reason = NULL;
      g_autofree char *body = aat_alpaca_order_body (bad[i].o, bad[i].a, "c", bad[i].auction, &reason);
      g_test_message ("%u: %s", i, reason);
      g_assert_null (body);
      g_assert_nonnull (strstr (reason, bad[i].needle));
      aat_order_unref (bad[i].o);
    }
  {
    AatOrder *aon = aat_order_new (inst, AAT_SIDE_BUY, AAT_ORDER_TYPE_LIMIT, 1, 10);
    g_autofree char *reason = NULL;
    aat_order_set_flag (aon, AAT_ORDER_FLAG_ALL_OR_NONE);
    g_assert_null (aat_alpaca_order_body (aon, a, "c", AAT_ALPACA_AUCTION_NONE, &reason));
    g_assert_nonnull (strstr (reason, "all-or-none"));
    aat_order_unref (aon);
  }
}

static void
test_replies (void)
{
  guint retry = 0;
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autoptr (GError) e3 = NULL;
  g_autoptr (GError) e4 = NULL;

  g_assert_true (aat_alpaca_check_reply (200, "{}", 0, &retry, NULL));
  g_assert_false (aat_alpaca_check_reply (429, "{\"code\":42910000,\"message\":\"rate limit exceeded\"}", 1, &retry, &e1));
  g_assert_error (e1, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_RATE_LIMITED);
  g_assert_cmpuint (retry, ==, 2000);
  g_assert_false (aat_alpaca_check_reply (403, "{\"code\":40310000,\"message\":\"insufficient buying power\"}", 0, NULL, &e2));
  g_assert_error (e2, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_REJECTED);
  g_assert_nonnull (strstr (e2->message, "40310000: insufficient buying power"));
  g_assert_false (aat_alpaca_check_reply (401, "{\"code\":40110000,\"message\":\"request is not authorized\"}", 0, NULL, &e3));
  g_assert_error (e3, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_AUTH);
  g_assert_false (aat_alpaca_check_reply (502, NULL, 0, NULL, &e4));
  g_assert_error (e4, AAT_ALPACA_ERROR, AAT_ALPACA_ERROR_SERVER);
}

static void
test_time (void)
{
  AatTime t = 0;

  g_assert_true (aat_alpaca_parse_time ("2021-02-22T15:51:45.335689322Z", &t));
  g_assert_cmpint (t, ==, (AatTime) 1614009105 * 1000000000 + 335689322);
  g_assert_false (aat_alpaca_parse_time ("yesterday", &t));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/alpaca/redact", test_redact);
  g_test_add_func ("/alpaca/asset", test_asset);
  g_test_add_func ("/alpaca/orders/bodies", test_bodies);
  g_test_add_func ("/alpaca/orders/local-refusals", test_refusals);
  g_test_add_func ("/alpaca/replies", test_replies);
  g_test_add_func ("/alpaca/time", test_time);
  return g_test_run ();
}
