/* aat-gtk: a GTK4 trading monitor that embeds the engine (not the API).
 *
 * The engine runs on the GTK main loop: aat_engine_run_async() attaches its dispatch
 * source to the thread-default context, which is GTK's, so the window stays live during
 * the run and every engine call below is made between two dispatch batches.
 *
 * By default it runs the synthetic exchange in simulation mode (real time) with a
 * momentum strategy, both loaded through the module registry like aat-run does; --config
 * runs any config instead. Every 200 ms it redraws:
 *   - the order-book ladder of the chosen instrument (the synthetic exchange's book,
 *     through its "get-book" action signal);
 *   - the positions, the recent trades, and a P&L chart (GtkDrawingArea + cairo);
 * and it has Halt/Resume (a toggle), Cancel all and Flatten buttons.
 *
 * --self-test (used by tests/test-gtk.sh under xvfb-run) drives the buttons, checks the
 * widgets and the strategies' state, saves a screenshot (--screenshot FILE) and checks
 * that it is not blank; the exit status says whether all of that held.
 */
#include <aat.h>
#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define N_POINTS 600
#define LEVELS 8

static const char default_config[] =
  "[general]\ntrading_type=simulation\nseed=11\n"
  "[exchange]\nexchanges=synthetic\n"
  "[exchange synthetic]\ninstruments=2\nmode=simulation\nrate=150\nevents=100000000\n"
  "[strategy]\nstrategies=momentum\n"
  "[strategy momentum]\nrise=2\nfall=2\nvolume=1\n";

typedef struct {
  AatEngine *engine;
  GtkWidget *window, *status, *ladder, *positions, *trades, *chart, *halt, *cancel, *flatten;
  double pnl[N_POINTS];
  guint n_points;
  char *instrument_name;
  char *screenshot;
  gboolean self_test;
  int result;
  guint ticks;
  guint refresh_id;
} App;

static App app;

/* ---- reading the engine ---- */

static AatOrderBook *
find_book (AatInstrument **out)
{
  GPtrArray *exchanges = aat_engine_get_exchanges (app.engine);
  GPtrArray *instruments = aat_engine_get_instruments (app.engine);
  AatInstrument *inst = NULL;

  if (app.instrument_name != NULL)
    inst = aat_engine_lookup_instrument (app.engine, app.instrument_name);
  else if (instruments->len > 0)
    inst = instruments->pdata[0];
  *out = inst;
  if (inst == NULL)
    return NULL;
  for (guint i = 0; i < exchanges->len; i++)
    if (g_signal_lookup ("get-book", G_OBJECT_TYPE (exchanges->pdata[i])) != 0)
      {
        AatOrderBook *book = NULL;
        g_signal_emit_by_name (exchanges->pdata[i], "get-book", inst, &book);
        if (book != NULL)
          return book;
      }
  return NULL;
}

static void
update_ladder (void)
{
  AatInstrument *inst = NULL;
  AatOrderBook *book = find_book (&inst);
  g_autoptr (GString) s = g_string_new (NULL);

  g_string_append_printf (s, "%s\n%10s %10s %10s\n", inst ? aat_instrument_get_name (inst) : "(no instrument)",
                          "bid size", "price", "ask size");
  if (book != NULL)
    {
      g_autoptr (GArray) asks = aat_order_book_levels (book, AAT_SIDE_SELL, LEVELS);
      g_autoptr (GArray) bids = aat_order_book_levels (book, AAT_SIDE_BUY, LEVELS);
      for (guint i = asks->len; i > 0; i--)
        {
          AatBookLevel *l = &g_array_index (asks, AatBookLevel, i - 1);
          g_string_append_printf (s, "%10s %10.2f %10g\n", "", l->price, l->volume);
        }
      g_string_append (s, "  ------------------------------\n");
      for (guint i = 0; i < bids->len; i++)
        {
          AatBookLevel *l = &g_array_index (bids, AatBookLevel, i);
          g_string_append_printf (s, "%10g %10.2f %10s\n", l->volume, l->price, "");
        }
    }
  else if (inst != NULL)
    g_string_append_printf (s, "  no book; last %.2f\n", aat_engine_last_price (app.engine, inst));
  gtk_label_set_text (GTK_LABEL (app.ladder), s->str);
}

static void
update_tables (void)
{
  AatPortfolio *pf = aat_engine_get_portfolio (app.engine);
  GPtrArray *strategies = aat_engine_get_strategies (app.engine);
  g_autoptr (GString) pos = g_string_new ("strategy     instrument      size      avg     last   unreal\n");
  g_autoptr (GString) tr = g_string_new ("instrument side    volume    price\n");
  g_autoptr (GPtrArray) trades = aat_engine_get_trades (app.engine, NULL);
  g_autofree char *status = NULL;
  guint halted = 0;

  for (guint i = 0; i < strategies->len; i++)
    {
      g_autoptr (GPtrArray) positions = aat_portfolio_get_positions (pf, strategies->pdata[i]);
      halted += aat_strategy_is_halted (strategies->pdata[i]);
      for (guint k = 0; k < positions->len; k++)
        {
          AatPosition *p = positions->pdata[k];
          g_string_append_printf (pos, "%-12s %-10s %9g %8.2f %8.2f %8.2f\n", aat_strategy_get_name (strategies->pdata[i]),
                                  aat_instrument_get_name (aat_position_get_instrument (p)), aat_position_get_size (p),
                                  aat_position_get_average_price (p), aat_position_get_last_price (p),
                                  aat_position_get_unrealized_pnl (p));
        }
    }
  for (guint k = 0; k < MIN (trades->len, 12u); k++)
    {
      AatTrade *t = trades->pdata[trades->len - 1 - k];   /* newest first */
      g_string_append_printf (tr, "%-10s %-5s %8g %8.2f\n", aat_instrument_get_name (aat_trade_get_instrument (t)),
                              aat_trade_get_side (t) == AAT_SIDE_BUY ? "buy" : "sell", aat_trade_get_volume (t),
                              aat_trade_get_price (t));
    }
  gtk_label_set_text (GTK_LABEL (app.positions), pos->str);
  gtk_label_set_text (GTK_LABEL (app.trades), tr->str);
  status = g_strdup_printf ("%s · %" G_GUINT64_FORMAT " events · %u trades · P&L %.2f · %u/%u halted",
                            aat_engine_is_running (app.engine) ? "running" : "stopped",
                            aat_engine_get_event_count (app.engine), trades->len,
                            aat_portfolio_get_value (pf, NULL) - aat_portfolio_get_initial_cash (pf, NULL), halted,
                            strategies->len);
  gtk_label_set_text (GTK_LABEL (app.status), status);
}

static void
draw_chart (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  double lo = 0, hi = 0;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (guint i = 0; i < app.n_points; i++)
    {
      lo = MIN (lo, app.pnl[i]);
      hi = MAX (hi, app.pnl[i]);
    }
  if (hi - lo < 1)
    {
      hi += 0.5;
      lo -= 0.5;
    }
  /* the zero line */
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, height - (0 - lo) / (hi - lo) * height);
  cairo_line_to (cr, width, height - (0 - lo) / (hi - lo) * height);
  cairo_stroke (cr);
  if (app.n_points < 2)
    return;
  cairo_set_source_rgb (cr, 0.1, 0.3, 0.8);
  cairo_set_line_width (cr, 2);
  for (guint i = 0; i < app.n_points; i++)
    {
      double x = (double) i / (N_POINTS - 1) * width;
      double y = height - (app.pnl[i] - lo) / (hi - lo) * height;
      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);
  {
    char text[64];
    g_snprintf (text, sizeof text, "P&L %.2f  [%.2f, %.2f]", app.pnl[app.n_points - 1], lo, hi);
    cairo_set_source_rgb (cr, 0, 0, 0);
    cairo_move_to (cr, 6, 14);
    cairo_show_text (cr, text);
  }
}

static gboolean
refresh (gpointer data)
{
  AatPortfolio *pf = aat_engine_get_portfolio (app.engine);
  double pnl = aat_portfolio_get_value (pf, NULL) - aat_portfolio_get_initial_cash (pf, NULL);

  if (app.window == NULL)
    {
      app.refresh_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (app.n_points == N_POINTS)
    {
      memmove (app.pnl, app.pnl + 1, (N_POINTS - 1) * sizeof (double));
      app.n_points--;
    }
  app.pnl[app.n_points++] = pnl;
  update_ladder ();
  update_tables ();
  gtk_widget_queue_draw (app.chart);
  return G_SOURCE_CONTINUE;
}

/* ---- controls ---- */

static void
on_halt_toggled (GtkToggleButton *button, gpointer data)
{
  GPtrArray *strategies = aat_engine_get_strategies (app.engine);
  gboolean halt = gtk_toggle_button_get_active (button);

  for (guint i = 0; i < strategies->len; i++)
    {
      if (halt)
        aat_engine_halt_strategy (app.engine, strategies->pdata[i], "halted from aat-gtk");
      else
        aat_engine_resume_strategy (app.engine, strategies->pdata[i]);
    }
  gtk_button_set_label (GTK_BUTTON (button), halt ? "Resume" : "Halt");
  refresh (NULL);
}

static void
on_cancel (GtkButton *button, gpointer data)
{
  aat_engine_cancel_all (app.engine, NULL, NULL);
  refresh (NULL);
}

static void
on_flatten (GtkButton *button, gpointer data)
{
  aat_engine_close_all (app.engine, NULL, NULL);
  refresh (NULL);
}

/* ---- the self-test ---- */

static void
check (gboolean ok, const char *what)
{
  g_print ("%s - %s\n", ok ? "ok" : "not ok", what);
  if (!ok)
    app.result = 1;
}

static gboolean
save_screenshot (const char *path)
{
  GdkPaintable *paintable = gtk_widget_paintable_new (app.window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int w = gtk_widget_get_width (app.window), h = gtk_widget_get_height (app.window);
  GskRenderNode *node;
  GdkTexture *texture;
  guchar *pixels;
  gsize stride;
  double sum = 0, sum2 = 0, n = 0;
  gboolean saved;

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_object_unref (paintable);
  if (node == NULL)
    return FALSE;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (app.window)), node, NULL);
  gsk_render_node_unref (node);
  saved = gdk_texture_save_to_png (texture, path);
  /* the image is not blank: its pixel values vary */
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  stride = (gsize) w * 4;
  pixels = g_malloc (stride * h);
  gdk_texture_download (texture, pixels, stride);
  for (gsize i = 0; i < stride * h; i += 4)
    {
      double v = (pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3.0;
      sum += v;
      sum2 += v * v;
      n++;
    }
  g_free (pixels);
  g_object_unref (texture);
  g_print ("# screenshot %s: %dx%d, pixel variance %.1f\n", path, w, h, n > 0 ? sum2 / n - (sum / n) * (sum / n) : 0);
  return saved && n > 0 && sum2 / n - (sum / n) * (sum / n) > 50.0;
}

static gboolean
self_test_step (gpointer data)
{
  GPtrArray *strategies = aat_engine_get_strategies (app.engine);
  AatStrategy *s = strategies->len > 0 ? strategies->pdata[0] : NULL;
  const char *ladder = gtk_label_get_text (GTK_LABEL (app.ladder));
  const char *status = gtk_label_get_text (GTK_LABEL (app.status));

  app.ticks++;
  if (app.ticks == 1)
    {
      g_print ("1..9\n");
      check (aat_engine_is_running (app.engine) && aat_engine_get_event_count (app.engine) > 0,
             "the engine runs on the GTK main loop");
      check (g_str_has_prefix (status, "running ·"), "the status label is updated");
      check (strstr (ladder, "SYN0") != NULL && strstr (ladder, "------") != NULL && strlen (ladder) > 120,
             "the ladder shows the book of SYN0");
      check (app.n_points > 3, "the P&L chart has points");
      /* Halt: every strategy halts, the button turns into Resume */
      g_signal_emit_by_name (app.halt, "clicked");   /* a click, synchronously */
      check (s != NULL && aat_strategy_is_halted (s) &&
             g_strcmp0 (gtk_button_get_label (GTK_BUTTON (app.halt)), "Resume") == 0,
             "Halt halts the strategy");
      g_signal_emit_by_name (app.flatten, "clicked");
      return G_SOURCE_CONTINUE;
    }
  if (app.ticks == 2)
    {
      gboolean flat = TRUE;
      g_autoptr (GPtrArray) positions = aat_portfolio_get_positions (aat_engine_get_portfolio (app.engine), s);
      for (guint i = 0; i < positions->len; i++)
        flat &= aat_position_get_size (positions->pdata[i]) == 0.0;
      check (flat, "Flatten closes the positions of the halted strategy");
      check (strstr (gtk_label_get_text (GTK_LABEL (app.status)), "1/1 halted") != NULL, "the status shows the halt");
      g_signal_emit_by_name (app.halt, "clicked");   /* a click, synchronously */
      check (!aat_strategy_is_halted (s) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (app.halt)), "Halt") == 0,
             "Resume lets it trade again");
      return G_SOURCE_CONTINUE;
    }
  check (save_screenshot (app.screenshot != NULL ? app.screenshot : "aat-gtk.png"), "the screenshot is saved and not blank");
  g_clear_handle_id (&app.refresh_id, g_source_remove);
  aat_engine_stop (app.engine);
  gtk_window_destroy (GTK_WINDOW (app.window));
  return G_SOURCE_REMOVE;
}

/* ---- the window ---- */

static GtkWidget *
mono_label (void)
{
  GtkWidget *label = gtk_label_new ("");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  return label;
}

static GtkWidget *
framed (const char *title, GtkWidget *child)
{
  GtkWidget *frame = gtk_frame_new (title);

  gtk_frame_set_child (GTK_FRAME (frame), child);
  return frame;
}

static void
run_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;

  if (!aat_engine_run_finish (AAT_ENGINE (source), result, &error))
    g_printerr ("aat-gtk: the run failed: %s\n", error->message);
  if (app.window != NULL && app.refresh_id != 0)
    refresh (NULL);
}

static void
activate (GtkApplication *application, gpointer data)
{
  GtkWidget *box, *grid, *buttons;

  app.window = gtk_application_window_new (application);
  g_object_add_weak_pointer (G_OBJECT (app.window), (gpointer *) &app.window);
  gtk_window_set_title (GTK_WINDOW (app.window), "aat trading monitor");
  gtk_window_set_default_size (GTK_WINDOW (app.window), 1000, 640);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  app.status = gtk_label_new ("starting");
  gtk_label_set_xalign (GTK_LABEL (app.status), 0);
  gtk_box_append (GTK_BOX (box), app.status);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  app.halt = gtk_toggle_button_new_with_label ("Halt");
  app.cancel = gtk_button_new_with_label ("Cancel all");
  app.flatten = gtk_button_new_with_label ("Flatten");
  g_signal_connect (app.halt, "toggled", G_CALLBACK (on_halt_toggled), NULL);
  g_signal_connect (app.cancel, "clicked", G_CALLBACK (on_cancel), NULL);
  g_signal_connect (app.flatten, "clicked", G_CALLBACK (on_flatten), NULL);
  gtk_box_append (GTK_BOX (buttons), app.halt);
  gtk_box_append (GTK_BOX (buttons), app.cancel);
  gtk_box_append (GTK_BOX (buttons), app.flatten);
  gtk_box_append (GTK_BOX (box), buttons);

  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  app.ladder = mono_label ();
  app.positions = mono_label ();
  app.trades = mono_label ();
  app.chart = gtk_drawing_area_new ();
  gtk_widget_set_size_request (app.chart, 480, 220);
  gtk_widget_set_hexpand (app.chart, TRUE);
  gtk_widget_set_vexpand (app.chart, TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (app.chart), draw_chart, NULL, NULL);
  gtk_grid_attach (GTK_GRID (grid), framed ("Order book", app.ladder), 0, 0, 1, 2);
  gtk_grid_attach (GTK_GRID (grid), framed ("Positions", app.positions), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), framed ("P&L", app.chart), 1, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), framed ("Recent trades", app.trades), 2, 0, 1, 2);
  gtk_box_append (GTK_BOX (box), grid);
  gtk_window_set_child (GTK_WINDOW (app.window), box);
  gtk_window_present (GTK_WINDOW (app.window));

  /* the engine joins GTK's main loop */
  aat_engine_run_async (app.engine, NULL, run_done, NULL);
  app.refresh_id = g_timeout_add (200, refresh, NULL);
  if (app.self_test)
    g_timeout_add (2500, self_test_step, NULL);
}

int
main (int argc, char **argv)
{
  g_autofree char *config_path = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- a GTK trading monitor over an embedded aat engine");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) load_errors = NULL;
  g_autoptr (AatRunConfig) config = aat_run_config_new ();
  g_autoptr (GtkApplication) application = NULL;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Run this config (default: synthetic + momentum)", "FILE" },
    { "instrument", 'i', 0, G_OPTION_ARG_STRING, &app.instrument_name, "Show the ladder of this instrument", "NAME" },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &app.screenshot, "Self-test: save the window here", "FILE" },
    { "self-test", 0, 0, G_OPTION_ARG_NONE, &app.self_test, "Drive the buttons, check, screenshot, exit", NULL },
    { NULL }
  };
  AatRegistry *registry;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("aat-gtk: %s\n", error->message);
      return 2;
    }
  registry = aat_registry_get_default ();
  aat_registry_scan (registry, &load_errors);
  ok = config_path != NULL ? aat_run_config_load_file (config, config_path, &error)
                           : aat_run_config_load_data (config, default_config, -1, "(built-in config)", &error);
  if (ok)
    app.engine = aat_run_config_build_engine (config, registry, &error);
  if (app.engine == NULL)
    {
      g_printerr ("aat-gtk: %s\n", error->message);
      return 2;
    }

  application = gtk_application_new ("org.aat.Monitor", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (application, "activate", G_CALLBACK (activate), NULL);
  g_application_run (G_APPLICATION (application), 1, argv);
  if (aat_engine_is_running (app.engine))
    {
      aat_engine_stop (app.engine);
      while (aat_engine_is_running (app.engine))
        g_main_context_iteration (NULL, TRUE);
    }
  g_clear_object (&app.engine);
  g_free (app.instrument_name);
  g_free (app.screenshot);
  return app.result;
}
