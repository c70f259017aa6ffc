/* test-report.c: AatReport statistics against hand-computed values, the report files
 * (PNG, SVG, HTML, JSON) well formed, AatProgress estimates, and aat-run sweeps: each
 * row equals the matching single run, and a failing run does not stop the others. */
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <cairo.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <aat.h>

#define DAY (86400 * AAT_TIME_SECOND)
/* 2020-01-01T00:00:00Z */
#define T0 (G_GINT64_CONSTANT (1577836800) * AAT_TIME_SECOND)

static void
assert_close (double a, double b, double rel)
{
  if (!(fabs (a - b) <= rel * MAX (1.0, fabs (b))))
    g_error ("%.17g is not %.17g", a, b);
}

static AatTrade *
fill (AatInstrument *inst, AatSide side, double volume, double price, double fee, AatTime t)
{
  AatTrade *f = aat_trade_new (inst, side, volume, price, t);

  aat_trade_set_fee (f, fee);
  return f;
}

/* The series of the statistics test:
 *
 *   day      0    1    2    3    4
 *   value  100  110   99   99  118.8
 *   return      .1  -.1    0   .2       mean .05, sample sd sqrt(.05/3) = .129099444873581
 *
 * and the fills (one instrument, multiplier 1):
 *
 *   day 0.5  buy  10 @ 100 fee 1 ┐ round trip 1: -1000 + 1100 - 2 = +98
 *   day 1.5  sell 10 @ 110 fee 1 ┘
 *   day 2.0  buy   5 @ 100 fee 1 ┐ round trip 2: -500 + 5 × 90 - 1 - 3 × 5/15 = -52
 *   day 2.5  sell 15 @  90 fee 3 ┤ (flip: 5 close the long, 10 open a short, fee 2)
 *   day 3.5  buy  10 @  80 fee 1 ┘ round trip 3: +900 - 800 - 2 - 1 = +97
 */
static AatReport *
make_report (void)
{
  AatReport *r = aat_report_new ();
  AatInstrument *inst = aat_instrument_get ("REPORT-TEST", AAT_INSTRUMENT_TYPE_EQUITY);
  const double values[] = { 100, 110, 99, 99, 118.8 };
  AatTrade *fills[5];

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    aat_report_add_equity_point (r, T0 + i * DAY, values[i], values[i]);
  fills[0] = fill (inst, AAT_SIDE_BUY, 10, 100, 1, T0 + DAY / 2);
  fills[1] = fill (inst, AAT_SIDE_SELL, 10, 110, 1, T0 + DAY + DAY / 2);
  fills[2] = fill (inst, AAT_SIDE_BUY, 5, 100, 1, T0 + 2 * DAY);
  fills[3] = fill (inst, AAT_SIDE_SELL, 15, 90, 3, T0 + 2 * DAY + DAY / 2);
  fills[4] = fill (inst, AAT_SIDE_BUY, 10, 80, 1, T0 + 3 * DAY + DAY / 2);
  for (guint i = 0; i < G_N_ELEMENTS (fills); i++)
    {
      aat_report_add_fill (r, fills[i]);
      aat_trade_unref (fills[i]);
    }
  return r;
}

static void
test_statistics (void)
{
  g_autoptr (AatReport) r = make_report ();
  g_autoptr (AatReportStatistics) s = aat_report_compute (r);
  double sd = sqrt (0.05 / 3.0);
  gboolean found = FALSE;

  g_assert_cmpuint (s->n_points, ==, 5);
  g_assert_cmpint (s->start_time, ==, T0);
  g_assert_cmpint (s->end_time, ==, T0 + 4 * DAY);
  g_assert_cmpfloat (s->periods_per_year, ==, 252.0);   /* daily spacing */
  g_assert_cmpfloat (s->start_value, ==, 100.0);
  g_assert_cmpfloat (s->end_value, ==, 118.8);
  assert_close (s->total_return, 0.188, 1e-12);
  /* 4 days = 4 / 365.25 years */
  assert_close (s->cagr, pow (1.188, 365.25 / 4.0) - 1.0, 1e-12);
  assert_close (s->volatility, sd * sqrt (252.0), 1e-12);                   /* 2.0494 */
  assert_close (s->sharpe, 0.05 / sd * sqrt (252.0), 1e-12);                /* 6.1482 */
  /* downside deviation: sqrt((-.1)² / 4) = .05 */
  assert_close (s->sortino, 0.05 / 0.05 * sqrt (252.0), 1e-12);            /* 15.875 */
  /* peak 110 on day 1, trough 99: 10 %, 11; below the peak from day 1 to day 4 */
  assert_close (s->max_drawdown, 0.1, 1e-12);
  assert_close (s->max_drawdown_value, 11.0, 1e-12);
  g_assert_cmpint (s->max_drawdown_duration, ==, 3 * DAY);

  g_assert_cmpuint (s->n_fills, ==, 5);
  g_assert_cmpuint (s->n_orders, ==, 0);
  g_assert_cmpuint (s->n_round_trips, ==, 3);
  g_assert_cmpuint (s->n_winning, ==, 2);
  g_assert_cmpuint (s->n_losing, ==, 1);
  assert_close (s->win_rate, 2.0 / 3.0, 1e-12);
  assert_close (s->gross_profit, 98.0 + 97.0, 1e-12);
  assert_close (s->gross_loss, 52.0, 1e-12);
  assert_close (s->profit_factor, 195.0 / 52.0, 1e-12);
  assert_close (s->fees, 7.0, 1e-12);
  /* 1000 + 1100 + 500 + 1350 + 800 */
  assert_close (s->turnover, 4750.0, 1e-12);
  /* mean value (100 + 110 + 99 + 99 + 118.8) / 5 = 105.36 */
  assert_close (s->turnover_ratio, 4750.0 / 105.36, 1e-12);
  /* held from day 0.5 to 1.5 and from day 2 to 3.5: 2.5 of 4 days */
  assert_close (s->exposure, 0.625, 1e-12);

  g_assert_cmpfloat (aat_report_statistics_get (s, "sharpe", &found), ==, s->sharpe);
  g_assert_true (found);
  g_assert_true (isnan (aat_report_statistics_get (s, "no-such", &found)));
  g_assert_false (found);
  g_assert_true (g_strv_contains (aat_report_statistics_list_names (), "max_drawdown_duration"));
}

static void
test_risk_free (void)
{
  g_autoptr (AatReport) r = make_report ();
  g_autoptr (AatReportStatistics) s = NULL;
  const double ret[] = { 0.1, -0.1, 0.0, 0.2 };
  double rf = pow (1.05, 1.0 / 252.0) - 1.0, mean = 0.0, ss = 0.0, down = 0.0;

  aat_report_set_risk_free_rate (r, 0.05);
  s = aat_report_compute (r);
  /* excess returns over the per-period rate (1.05)^(1/252) - 1 */
  for (guint i = 0; i < 4; i++)
    mean += (ret[i] - rf) / 4.0;
  for (guint i = 0; i < 4; i++)
    {
      double e = ret[i] - rf;
      ss += (e - mean) * (e - mean);
      down += e < 0.0 ? e * e : 0.0;
    }
  assert_close (s->sharpe, mean / sqrt (ss / 3.0) * sqrt (252.0), 1e-9);   /* 6.1244 */
  assert_close (s->sortino, mean / sqrt (down / 4.0) * sqrt (252.0), 1e-9); /* 15.782 */
  /* volatility does not depend on the rate */
  assert_close (s->volatility, sqrt (0.05 / 3.0) * sqrt (252.0), 1e-12);
  g_assert_cmpfloat (s->risk_free_rate, ==, 0.05);
}

static void
test_annualization (void)
{
  g_autoptr (AatReport) hourly = aat_report_new ();
  g_autoptr (AatReport) weekly = aat_report_new ();
  g_autoptr (AatReport) daily_gaps = aat_report_new ();
  g_autoptr (AatReportStatistics) h = NULL, w = NULL, d = NULL, o = NULL;
  const AatTime day_offsets[] = { 0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 14 };  /* weekends */

  for (guint i = 0; i < 10; i++)
    {
      aat_report_add_equity_point (hourly, T0 + i * 3600 * AAT_TIME_SECOND, 100 + i, 100);
      aat_report_add_equity_point (weekly, T0 + i * 7 * DAY, 100 + i, 100);
    }
  for (guint i = 0; i < G_N_ELEMENTS (day_offsets); i++)
    aat_report_add_equity_point (daily_gaps, T0 + day_offsets[i] * DAY, 100 + i, 100);
  h = aat_report_compute (hourly);
  w = aat_report_compute (weekly);
  d = aat_report_compute (daily_gaps);
  g_assert_cmpfloat (h->periods_per_year, ==, 252.0 * 24.0);
  assert_close (w->periods_per_year, 365.25 / 7.0, 1e-12);
  g_assert_cmpfloat (d->periods_per_year, ==, 252.0);          /* the median gap is a day */

  aat_report_set_periods_per_year (weekly, 52.0);
  o = aat_report_compute (weekly);
  g_assert_cmpfloat (o->periods_per_year, ==, 52.0);
  assert_close (o->volatility / w->volatility, sqrt (52.0 / (365.25 / 7.0)), 1e-12);
}

static void
test_undefined (void)
{
  g_autoptr (AatReport) empty = aat_report_new ();
  g_autoptr (AatReport) flat = aat_report_new ();
  g_autoptr (AatReportStatistics) e = aat_report_compute (empty);
  g_autoptr (AatReportStatistics) f = NULL;
  g_autofree char *json = NULL;
  g_autoptr (JsonNode) node = NULL;

  g_assert_cmpuint (e->n_points, ==, 0);
  g_assert_true (isnan (e->total_return));
  g_assert_true (isnan (e->sharpe));
  g_assert_true (isnan (e->win_rate));
  g_assert_true (isnan (e->profit_factor));

  for (guint i = 0; i < 3; i++)
    aat_report_add_equity_point (flat, T0 + i * DAY, 100, 100);
  f = aat_report_compute (flat);
  g_assert_cmpfloat (f->volatility, ==, 0.0);
  g_assert_true (isnan (f->sharpe));     /* zero deviation */
  g_assert_true (isnan (f->sortino));
  g_assert_cmpfloat (f->max_drawdown, ==, 0.0);
  g_assert_cmpfloat (f->exposure, ==, 0.0);

  /* undefined values are JSON nulls */
  json = aat_report_statistics_to_json (flat);
  node = json_from_string (json, NULL);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_node_get_object (node), "sharpe")));
}

/* ---- files */

typedef struct {
  guint depth;
  char *root;
  guint elements;
} SvgCheck;

static void
svg_start (GMarkupParseContext *context, const char *name, const char **attr_names,
           const char **attr_values, gpointer data, GError **error)
{
  SvgCheck *c = data;

  if (c->depth++ == 0)
    c->root = g_strdup (name);
  c->elements++;
}

static void
svg_end (GMarkupParseContext *context, const char *name, gpointer data, GError **error)
{
  ((SvgCheck *) data)->depth--;
}

static void
assert_svg (const char *text)
{
  static const GMarkupParser parser = { svg_start, svg_end, NULL, NULL, NULL };
  SvgCheck c = { 0 };
  g_autoptr (GMarkupParseContext) ctx = g_markup_parse_context_new (&parser, 0, &c, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_markup_parse_context_parse (ctx, text, -1, &error) &&
                 g_markup_parse_context_end_parse (ctx, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c.root, ==, "svg");
  g_assert_cmpuint (c.depth, ==, 0);
  g_assert_cmpuint (c.elements, >, 10);
  g_free (c.root);
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_files (void)
{
  g_autoptr (AatReport) r = make_report ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("aat-test-report-XXXXXX", &error);
  const char * const plots[] = { "equity", "positions", "trades" };
  const char * const files[] = { "report.json", "summary.txt", "report.html",
                                 "equity.png", "equity.svg", "positions.png",
                                 "positions.svg", "trades.png", "trades.svg" };
  g_autofree char *html = NULL, *summary = NULL, *html_path = NULL, *json_path = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root, *stats;

  g_assert_no_error (error);
  aat_report_set_title (r, "test <report> & co");
  g_assert_true (aat_report_write (r, dir, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    {
      g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, plots[i]);
      g_autofree char *svg_path = g_strdup_printf ("%s/%s.svg", dir, plots[i]);
      g_autofree char *svg = NULL;
      cairo_surface_t *img = cairo_image_surface_create_from_png (png);

      /* the PNG decodes */
      g_assert_cmpint (cairo_surface_status (img), ==, CAIRO_STATUS_SUCCESS);
      g_assert_cmpint (cairo_image_surface_get_width (img), ==, 1000);
      g_assert_cmpint (cairo_image_surface_get_height (img), ==, 560);
      cairo_surface_destroy (img);
      /* the SVG parses as XML with an <svg> root */
      g_assert_true (g_file_get_contents (svg_path, &svg, NULL, &error));
      assert_svg (svg);
    }

  /* the HTML: self-contained (no URL at all), the three plots inline, escaped title */
  html_path = g_build_filename (dir, "report.html", NULL);
  g_assert_true (g_file_get_contents (html_path, &html, NULL, &error));
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
  g_assert_null (strstr (html, "http://"));
  g_assert_null (strstr (html, "https://"));
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, "<link"));
  g_assert_null (strstr (html, "<img"));
  g_assert_cmpuint (count (html, "<svg"), ==, 3);
  g_assert_cmpuint (count (html, "</svg>"), ==, 3);
  g_assert_nonnull (strstr (html, "test &lt;report&gt; &amp; co"));
  g_assert_true (g_str_has_suffix (html, "</html>\n"));
  /* every inline SVG reference resolves within its own plot */
  g_assert_nonnull (strstr (html, "href=\"#equity-glyph"));
  g_assert_nonnull (strstr (html, "href=\"#trades-glyph"));
  {
    /* the whole page parses as XML: the inline SVGs and tables nest properly */
    const char *body = strstr (html, "<body>");
    const char *end = strstr (html, "</body>");
    g_autofree char *xml = g_strndup (body, end + strlen ("</body>") - body);
    static const GMarkupParser parser_html = { NULL, NULL, NULL, NULL, NULL };
    g_autoptr (GMarkupParseContext) ctx = g_markup_parse_context_new (&parser_html, 0, NULL, NULL);

    g_assert_true (g_markup_parse_context_parse (ctx, xml, -1, &error) &&
                   g_markup_parse_context_end_parse (ctx, &error));
    g_assert_no_error (error);
  }

  /* the JSON: every order, fill, point, round trip and the statistics */
  json_path = g_build_filename (dir, "report.json", NULL);
  g_assert_true (json_parser_load_from_file (parser, json_path, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "equity_curve")), ==, 5);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "fills")), ==, 5);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "orders")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "round_trips")), ==, 3);
  stats = json_object_get_object_member (root, "statistics");
  g_assert_cmpint (json_object_get_int_member (stats, "n_round_trips"), ==, 3);
  assert_close (json_object_get_double_member (stats, "profit_factor"), 195.0 / 52.0, 1e-15);
  g_assert_cmpfloat (json_object_get_double_member (stats, "max_drawdown_duration"), ==, 3 * 86400.0);
  g_assert_cmpstr (json_object_get_string_member (stats, "start_time"), ==, "2020-01-01T00:00:00Z");
  g_assert_cmpfloat (json_object_get_double_member (
                       json_array_get_object_element (json_object_get_array_member (root, "round_trips"), 1),
                       "pnl"), ==, -52.0);

  summary = aat_report_format_summary (r);
  g_assert_nonnull (strstr (summary, "Sharpe           6.148"));
  g_assert_nonnull (strstr (summary, "3 round trips, 2 won, 1 lost"));

  {
    g_autoptr (GError) e = NULL;
    g_assert_null (aat_report_plot_svg (r, "pie", &e));
    g_assert_error (e, AAT_REPORT_ERROR, AAT_REPORT_ERROR_PLOT);
  }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *p = g_build_filename (dir, files[i], NULL);
      g_assert_cmpint (g_unlink (p), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A report with no fills draws its empty plots. */
static void
test_empty_plots (void)
{
  g_autoptr (AatReport) r = aat_report_new ();
  g_autoptr (GError) error = NULL;

  const char * const names[] = { "equity", "positions", "trades" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *svg = aat_report_plot_svg (r, names[i], &error);

      g_assert_no_error (error);
      assert_svg (svg);
    }
}

/* ---- progress */

#define TEST_TYPE_FEED (test_feed_get_type ())
G_DECLARE_FINAL_TYPE (TestFeed, test_feed, TEST, FEED, AatExchange)

struct _TestFeed
{
  AatExchange parent_instance;
  guint64 generated, events;
  char *start, *end;
};

G_DEFINE_FINAL_TYPE (TestFeed, test_feed, AAT_TYPE_EXCHANGE)

enum { PROP_0, PROP_GENERATED, PROP_EVENTS, PROP_START, PROP_END };

static void
test_feed_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  TestFeed *self = TEST_FEED (object);

  switch (id)
    {
    case PROP_GENERATED: g_value_set_uint64 (value, self->generated); break;
    case PROP_EVENTS: g_value_set_uint64 (value, self->events); break;
    case PROP_START: g_value_set_string (value, self->start); break;
    case PROP_END: g_value_set_string (value, self->end); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_feed_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TestFeed *self = TEST_FEED (object);

  switch (id)
    {
    case PROP_GENERATED: self->generated = g_value_get_uint64 (value); break;
    case PROP_EVENTS: self->events = g_value_get_uint64 (value); break;
    case PROP_START: g_free (self->start); self->start = g_value_dup_string (value); break;
    case PROP_END: g_free (self->end); self->end = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_feed_finalize (GObject *object)
{
  TestFeed *self = TEST_FEED (object);

  g_free (self->start);
  g_free (self->end);
  G_OBJECT_CLASS (test_feed_parent_class)->finalize (object);
}

static void
test_feed_class_init (TestFeedClass *klass)
{
  GObjectClass *oc = G_OBJECT_CLASS (klass);

  oc->get_property = test_feed_get_property;
  oc->set_property = test_feed_set_property;
  oc->finalize = test_feed_finalize;
  g_object_class_install_property (oc, PROP_GENERATED,
    g_param_spec_uint64 ("generated", NULL, NULL, 0, G_MAXUINT64, 0, G_PARAM_READWRITE));
  g_object_class_install_property (oc, PROP_EVENTS,
    g_param_spec_uint64 ("events", NULL, NULL, 0, G_MAXUINT64, 0, G_PARAM_READWRITE));
  g_object_class_install_property (oc, PROP_START,
    g_param_spec_string ("start", NULL, NULL, NULL, G_PARAM_READWRITE));
  g_object_class_install_property (oc, PROP_END,
    g_param_spec_string ("end", NULL, NULL, NULL, G_PARAM_READWRITE));
}

static void
test_feed_init (TestFeed *self)
{
}

static void
test_progress (void)
{
  g_autoptr (AatExchange) counted = g_object_new (TEST_TYPE_FEED, "name", "counted", "generated",
                                                  (guint64) 250, "events", (guint64) 1000, NULL);
  g_autoptr (AatExchange) dated = g_object_new (TEST_TYPE_FEED, "name", "dated", "start",
                                                "2020-01-01", "end", "2020-01-10", NULL);
  g_autoptr (AatExchange) blind = g_object_new (TEST_TYPE_FEED, "name", "blind", NULL);
  g_autoptr (AatEngine) engine = aat_engine_new (AAT_TRADING_TYPE_BACKTEST);
  g_autoptr (AatProgress) progress = aat_progress_new (engine);
  g_autofree char *line = NULL;

  /* generated / events */
  g_assert_cmpfloat (aat_progress_estimate_exchange (counted, 0, 0), ==, 0.25);
  /* time: the end date includes its day, so the data spans 2020-01-01 to 2020-01-11 */
  g_assert_cmpfloat (aat_progress_estimate_exchange (dated, 0, T0 + 5 * DAY), ==, 0.5);
  /* a later first event moves the start */
  g_assert_cmpfloat (aat_progress_estimate_exchange (dated, T0 + 2 * DAY, T0 + 6 * DAY), ==, 0.5);
  g_assert_cmpfloat (aat_progress_estimate_exchange (blind, 0, T0), ==, -1.0);

  /* before a run: no share known, nothing drawn when stderr is not a terminal */
  aat_progress_update (progress);
  g_assert_cmpfloat (aat_progress_get_fraction (progress), ==, -1.0);
  line = aat_progress_format (progress);
  g_assert_nonnull (strstr (line, "0 events"));
  if (!isatty (STDERR_FILENO))
    g_assert_false (aat_progress_start (progress, NULL, 1000, FALSE));
  aat_progress_stop (progress);
}

/* ---- aat-run: sweeps */

static const char config_text[] =
  "[general]\n"
  "trading_type=backtest\n"
  "seed=7\n"
  "exit_routine=close-all\n"
  "cash=10000\n"
  "[exchange]\n"
  "exchanges=synthetic\n"
  "[exchange synthetic]\n"
  "instruments=1\n"
  "events=1500\n"
  "step=600000000000\n"
  "[strategy]\n"
  "strategies=golden-death\n"
  "[strategy golden-death]\n"
  "fast=%d\n"
  "slow=20\n"
  "volume=1\n";

static int
run_aat (const char * const *args, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) AAT_RUN_PATH);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

static JsonNode *
load_json (const char *path)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
write_config (const char *dir, const char *name, int fast)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = g_strdup_printf (config_text, fast);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_sweep (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("aat-test-sweep-XXXXXX", &error);
  g_autofree char *base = write_config (dir, "base.cfg", 10);
  g_autofree char *five = write_config (dir, "five.cfg", 5);
  g_autofree char *single_json = g_build_filename (dir, "single.json", NULL);
  g_autofree char *set_json = g_build_filename (dir, "set.json", NULL);
  g_autofree char *sweep_dir = g_build_filename (dir, "sweep", NULL);
  g_autofree char *sweep_json = g_build_filename (sweep_dir, "sweep.json", NULL);
  g_autofree char *sweep_csv = g_build_filename (sweep_dir, "sweep.csv", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (JsonNode) single = NULL, with_set = NULL, sweep = NULL;
  JsonObject *single_stats, *row_stats = NULL;
  JsonArray *runs;
  guint ok_rows = 0;

  g_assert_no_error (error);

  /* the single run: a config file with fast=5 */
  {
    const char *args[] = { "--config", five, "--json", single_json, NULL };
    g_assert_cmpint (run_aat (args, &out, &err), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  /* the same through --set over the base file */
  {
    const char *args[] = { "--config", base, "--set", "strategy golden-death.fast=5",
                           "--json", set_json, NULL };
    g_assert_cmpint (run_aat (args, &out, &err), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  /* the sweep: fast 3 and 5, and a value that cannot parse (its run fails, the others
   * complete, the exit status says so) */
  {
    const char *args[] = { "--config", base, "--sweep", "strategy golden-death.fast=3:5:2",
                           "--sweep", "general.seed=7", "--jobs", "2", "--sort", "total_return",
                           "--report", sweep_dir, NULL };
    const char *bad[] = { "--config", base, "--sweep", "strategy golden-death.fast=5,x",
                          "--jobs", "2", "--report", dir, NULL };
    g_autofree char *bad_json = g_build_filename (dir, "sweep.json", NULL);
    g_autoptr (JsonNode) bad_sweep = NULL;
    JsonArray *bad_runs;

    g_assert_cmpint (run_aat (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "Sweep: 2 runs, 0 failed, sorted by total_return"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    g_assert_cmpint (run_aat (bad, &out, &err), ==, 1);
    g_assert_nonnull (strstr (out, "Sweep: 2 runs, 1 failed"));
    g_assert_nonnull (strstr (err, "sweep run 2 (strategy golden-death.fast=x) failed"));
    bad_sweep = load_json (bad_json);
    bad_runs = json_object_get_array_member (json_node_get_object (bad_sweep), "runs");
    g_assert_cmpuint (json_array_get_length (bad_runs), ==, 2);
    /* the failed run sorts last */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (bad_runs, 0), "status"), ==, "ok");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (bad_runs, 1), "status"), ==, "failed");
    g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (bad_runs, 1), "error"), "fast"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_unlink (bad_json);
    {
      g_autofree char *csv = g_build_filename (dir, "sweep.csv", NULL);
      g_unlink (csv);
    }
  }

  single = load_json (single_json);
  with_set = load_json (set_json);
  sweep = load_json (sweep_json);
  single_stats = json_object_get_object_member (json_node_get_object (single), "statistics");
  runs = json_object_get_array_member (json_node_get_object (sweep), "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, 2);
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      JsonObject *run = json_array_get_object_element (runs, i);
      JsonObject *params = json_object_get_object_member (run, "parameters");

      g_assert_cmpstr (json_object_get_string_member (run, "status"), ==, "ok");
      g_assert_cmpstr (json_object_get_string_member (params, "general.seed"), ==, "7");
      if (g_strcmp0 (json_object_get_string_member (params, "strategy golden-death.fast"), "5") == 0)
        row_stats = json_object_get_object_member (run, "statistics");
      ok_rows++;
    }
  g_assert_cmpuint (ok_rows, ==, 2);
  g_assert_nonnull (row_stats);

  /* the row equals the single run, statistic by statistic, exactly */
  g_assert_cmpuint (json_object_get_size (row_stats), ==, json_object_get_size (single_stats));
  for (const char * const *name = aat_report_statistics_list_names (); *name; name++)
    {
      JsonNode *a = json_object_get_member (row_stats, *name);
      JsonNode *b = json_object_get_member (single_stats, *name);
      JsonNode *c = json_object_get_member (json_object_get_object_member (json_node_get_object (with_set),
                                                                           "statistics"), *name);

      g_assert_nonnull (a);
      g_assert_nonnull (b);
      if (!json_node_equal (a, b) || !json_node_equal (b, c))
        g_error ("%s: sweep %s, single %s, --set %s", *name, json_to_string (a, FALSE),
                 json_to_string (b, FALSE), json_to_string (c, FALSE));
    }
  /* and the run traded, so the comparison means something */
  g_assert_cmpint (json_object_get_int_member (single_stats, "n_fills"), >, 10);
  g_assert_cmpint (json_object_get_int_member (single_stats, "n_points"), >, 10);

  g_assert_true (g_file_test (sweep_csv, G_FILE_TEST_EXISTS));
  g_unlink (sweep_csv);
  g_unlink (sweep_json);
  g_rmdir (sweep_dir);
  g_unlink (single_json);
  g_unlink (set_json);
  g_unlink (base);
  g_unlink (five);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A usage error in a sweep is reported before anything runs. */
static void
test_sweep_usage (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("aat-test-sweep-XXXXXX", &error);
  g_autofree char *base = write_config (dir, "base.cfg", 10);
  const char *bad_range[] = { "--config", base, "--sweep", "strategy golden-death.fast=5:1:1", NULL };
  const char *bad_group[] = { "--config", base, "--sweep", "strategy nothing.fast=1:2:1", NULL };
  const char *bad_sort[] = { "--config", base, "--sweep", "strategy golden-death.fast=1,2",
                             "--sort", "beauty", NULL };
  const char * const *cases[] = { bad_range, bad_group, bad_sort };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;

      g_assert_cmpint (run_aat (cases[i], &out, &err), ==, 2);
      g_assert_nonnull (strstr (err, "aat-run: --s"));
    }
  g_unlink (base);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/statistics/hand-computed", test_statistics);
  g_test_add_func ("/report/statistics/risk-free-rate", test_risk_free);
  g_test_add_func ("/report/statistics/annualization", test_annualization);
  g_test_add_func ("/report/statistics/undefined", test_undefined);
  g_test_add_func ("/report/files/well-formed", test_files);
  g_test_add_func ("/report/files/empty-plots", test_empty_plots);
  g_test_add_func ("/report/progress/estimate", test_progress);
  g_test_add_func ("/report/aat-run/sweep-row-equals-single-run", test_sweep);
  g_test_add_func ("/report/aat-run/sweep-usage-errors", test_sweep_usage);
  return g_test_run ();
}
