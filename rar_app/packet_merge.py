"""One websocket packet per handler answer that ends in a redirect, instead of two.

Reflex 0.10 answers a handler that changes state *and* returns a browser event
(`rx.redirect`, `rx.set_focus`, `rx.call_script`…) with two packets: the state delta,
then the events (`chain_updates` → `emit_delta`, then `emit_event`). Every « Suivant »
of the wizard paid for both (the error summary and its focus, or the saved step and
the redirect to the next): two serialisations, two socket.io emits, two frames, and the
browser's answer time runs to the second. The browser's own handler already accepts
one update carrying both (`{"delta": …, "events": […]}`: it applies the delta, then
queues the events), so a delta followed by a redirect goes as one.

Only redirects: the browser queues the events of an update before React has rendered
its delta, so an event that needs the new page content (`_set_focus` on an error
summary the delta makes appear, a script reading the DOM) must still come in a packet
of its own, after the delta.

Backend events (chained handlers) are queued as before, and any case this does not
recognise (no socket namespace in the event context, e.g. a streamed API call) keeps
Reflex's own path."""

from __future__ import annotations

from typing import Any


# Browser events that do not depend on the rendered delta.
MERGEABLE = frozenset({"_redirect"})


def _namespace_emit(ctx: Any):
    """The socket namespace's `emit_update` behind this context's delta emitter, if any."""
    impl = getattr(ctx, "emit_delta_impl", None)
    code = getattr(impl, "__code__", None)
    if code is None or not impl.__closure__:
        return None
    for name, cell in zip(code.co_freevars, impl.__closure__):
        if name == "event_namespace":
            return getattr(cell.cell_contents, "emit_update", None)
    return None


def install() -> None:
    """Patch Reflex's `chain_updates` (idempotent)."""
    from reflex_base.event.context import EventContext
    from reflex_base.event.processor import base_state_processor as bsp

    if getattr(bsp, "_rar_packet_merge", False):
        return
    original = bsp.chain_updates

    async def chain_updates(events: Any, handler_name: str, root_state: Any = None) -> None:
        ctx = EventContext.get()
        emit_update = _namespace_emit(ctx)
        if root_state is None or events is None or emit_update is None:
            return await original(events, handler_name, root_state)
        from reflex.state import StateUpdate

        try:
            delta = await root_state._get_resolved_delta()
        finally:
            root_state._clean()
        try:
            fixed = bsp.Event.from_event_type(bsp._check_valid_yield(events, handler_name=handler_name)) or []
        except Exception:
            if delta:
                await ctx.emit_delta(delta)
            raise
        frontend = [e for e in fixed if e.name.startswith("_")]
        backend = [e for e in fixed if not e.name.startswith("_")]
        if frontend and all(e.name in MERGEABLE for e in frontend):
            await emit_update(update=StateUpdate(delta=delta or {}, events=frontend), token=ctx.token)
        else:
            if delta:
                await ctx.emit_delta(delta)
            if frontend:
                await ctx.emit_event(*frontend)
        if backend:
            await ctx.enqueue(*backend)

    bsp.chain_updates = chain_updates
    bsp._rar_packet_merge = True
