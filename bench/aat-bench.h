/* aat-bench.h: shared helpers of the benchmarks. */
#pragma once

#include <glib.h>

int bench_order_book (int argc, char **argv);
int bench_engine (int argc, char **argv);
int bench_synthetic (int argc, char **argv);
int bench_csv (int argc, char **argv);

/* Monotonic nanoseconds. */
gint64 bench_now_ns (void);
