/* aat-gjs-gc.cpp: the one SpiderMonkey call the gjs loader needs (C++ only API).
 *
 * gjs blocks every callback from C into JavaScript while it believes a GC is sweeping:
 * it sets that flag on JSFINALIZE_GROUP_PREPARE and clears it on JSFINALIZE_GROUP_END,
 * assuming both happen in one JSAPI call. With mozjs 102 an incremental GC slice can
 * run out of its budget between the two; the slice returns with the flag still set,
 * and gjs then refuses every vfunc call ("Attempting to run a JS callback during
 * garbage collection"). In a gjs application the main loop soon runs the next slice;
 * under the engine, where JavaScript only runs inside those refused callbacks, nothing
 * ever does, and every later on_trade fails. A non-incremental GC always finishes
 * (and clears the flag) inside the call that started it, so the loader turns
 * incremental GC off for its context. The pauses are longer, but a strategy's
 * callbacks then never meet a half-swept heap.
 */
#include <js/GCAPI.h>
#include <js/RootingAPI.h>

extern "C" void aat_gjs_gc_make_non_incremental (void *native_context);

extern "C" void
aat_gjs_gc_make_non_incremental (void *native_context)
{
  JSContext *cx = static_cast<JSContext *> (native_context);

  if (cx == nullptr)
    return;
  /* finish a collection already in progress, then never slice again */
  if (JS::IsIncrementalGCInProgress (cx))
    JS::FinishIncrementalGC (cx, JS::GCReason::API);
  JS_SetGCParameter (cx, JSGC_INCREMENTAL_GC_ENABLED, 0);
}
