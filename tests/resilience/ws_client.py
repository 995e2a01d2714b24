"""A Reflex 0.10.x websocket client without a browser, for the benches and the resilience tests.

Derived from ../shared/tools/ws_load.py (the project's websocket load generator: same
wire protocol, same hydrate handshake), reduced to one reusable class: one session
= one websocket that hydrates a page, then sends events and times their answers.

Wire protocol (what the compiled frontend, .web/utils/state.js, speaks):
  GET {url}/_event/?EIO=4&transport=websocket&token=<uuid4>   (Engine.IO v4, websocket only)
  server: 0{"sid":..}          client answers server pings "2" with "3"
  client: 40/_event,{"event": {"name": "<root>.hydrate_and_load", "payload": {}, "router_data": {..}}}
  server: 40/_event,{"sid":..} then 42/_event,["event",{"delta": {...}, "events": [...]}] packets
  client: 42/_event,["event",{"name": "<state path>.<handler>", "payload": {...}, "router_data": {...}}]
Events the server asks the browser to run come back in "events": names starting with
"_" are the browser's own (redirect, focus, call_function…); the others are backend
events (a page's on_load chain) that a browser sends straight back — `follow=True`
does the same here."""

from __future__ import annotations

import asyncio
import json
import math
import time
import urllib.parse
import uuid

from wsproto import ConnectionType, WSConnection
from wsproto.events import (AcceptConnection, BytesMessage, CloseConnection, Ping, RejectConnection,
                            Request, TextMessage)

NAMESPACE = "/_event"
ROOT = "reflex___state____state"
# A marker event with a known, one-packet answer (the root's hydrated flag set again).
SYNC = ROOT + ".reflex___state____on_load_internal_state.set_is_hydrated"


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(q / 100.0 * len(s)) - 1)]


def _subprotocol() -> str:
    try:
        from importlib.metadata import version

        return version("reflex")
    except Exception:  # noqa: BLE001
        return ""


class Closed(Exception):
    pass


class ConnectionClosed(Closed):
    pass


class AsyncWebSocket:
    """A minimal asyncio websocket client on wsproto (the sans-IO library Reflex's own
    server stack ships; the `websockets` package is not in the portal's environment)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, conn: WSConnection):
        self.reader, self.writer, self.conn = reader, writer, conn
        self._parts: list[str] = []
        self._inbox: asyncio.Queue = asyncio.Queue()
        self.closed = False

    @classmethod
    async def connect(cls, url: str, *, headers: dict[str, str] | None = None,
                      subprotocols: list[str] | None = None, timeout: float = 30.0) -> "AsyncWebSocket":
        u = urllib.parse.urlsplit(url)
        port = u.port or (443 if u.scheme == "wss" else 80)
        reader, writer = await asyncio.wait_for(asyncio.open_connection(u.hostname, port), timeout)
        conn = WSConnection(ConnectionType.CLIENT)
        target = u.path + ("?" + u.query if u.query else "")
        extra = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
        writer.write(conn.send(Request(host=u.netloc, target=target, extra_headers=extra,
                                       subprotocols=subprotocols or [])))
        await writer.drain()
        ws = cls(reader, writer, conn)
        accepted = False
        while not accepted:
            data = await asyncio.wait_for(reader.read(65536), timeout)
            if not data:
                raise ConnectionClosed("closed during the handshake")
            conn.receive_data(data)
            # Read the whole batch: the server's first message (Engine.IO's open packet) often
            # comes in the same read as the handshake's answer; left in wsproto's buffer, it
            # would surface only with the next bytes (the server's ping, 25 s later).
            for ev in conn.events():
                if isinstance(ev, AcceptConnection):
                    accepted = True
                elif isinstance(ev, RejectConnection):
                    raise ConnectionClosed(f"handshake rejected: {ev.status_code}")
                elif isinstance(ev, TextMessage):  # a message right behind the handshake
                    ws._text(ev)
        return ws

    def _text(self, ev: TextMessage) -> None:
        self._parts.append(ev.data)
        if ev.message_finished:
            self._inbox.put_nowait("".join(self._parts))
            self._parts = []

    async def _pump(self) -> None:
        data = await self.reader.read(65536)
        if not data:
            self.conn.receive_data(None)
        else:
            self.conn.receive_data(data)
        for ev in self.conn.events():
            if isinstance(ev, TextMessage):
                self._text(ev)
            elif isinstance(ev, Ping):
                self.writer.write(self.conn.send(ev.response()))
            elif isinstance(ev, CloseConnection):
                self.closed = True
                try:
                    self.writer.write(self.conn.send(ev.response()))
                except Exception:  # noqa: BLE001
                    pass
                self._inbox.put_nowait(None)
            elif isinstance(ev, BytesMessage):
                pass
        if not data:
            self.closed = True
            self._inbox.put_nowait(None)

    async def recv(self) -> str:
        while self._inbox.empty():
            if self.closed:
                raise ConnectionClosed("websocket closed")
            await self._pump()
        msg = self._inbox.get_nowait()
        if msg is None:
            raise ConnectionClosed("websocket closed")
        return msg

    def __aiter__(self):
        return self

    async def __anext__(self) -> str:
        try:
            return await self.recv()
        except ConnectionClosed:
            raise StopAsyncIteration from None

    async def send(self, text: str) -> None:
        if self.closed:
            raise ConnectionClosed("websocket closed")
        self.writer.write(self.conn.send(TextMessage(data=text)))
        await self.writer.drain()

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                self.writer.write(self.conn.send(CloseConnection(code=1000)))
                await self.writer.drain()
            except Exception:  # noqa: BLE001
                pass
        self.writer.close()


class Client:
    """One browser-less session. `path` is the page the events come from (router_data)."""

    def __init__(self, base_url: str, *, cookie: str | None = None, token: str | None = None,
                 timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.cookie = cookie
        self.token = token or str(uuid.uuid4())
        self.timeout = timeout
        self.ws = None
        self.updates: asyncio.Queue = asyncio.Queue()
        self._reader_task: asyncio.Task | None = None
        self.state: dict[str, dict] = {}  # the merged deltas, as the browser's reducers hold them
        self.browser_events: list[dict] = []  # redirects, focus… the server asked for
        self.path = "/"

    # -- connection --------------------------------------------------------

    @property
    def local_port(self) -> int:
        """This end's TCP port (to find the worker that holds the other end)."""
        return self.ws.writer.get_extra_info("sockname")[1]

    def _ws_url(self) -> str:
        u = urllib.parse.urlsplit(self.base_url)
        scheme = {"http": "ws", "https": "wss"}.get(u.scheme, u.scheme)
        q = urllib.parse.urlencode({"EIO": "4", "transport": "websocket", "token": self.token})
        return urllib.parse.urlunsplit((scheme, u.netloc, u.path + NAMESPACE + "/", q, ""))

    def router_data(self, path: str | None = None) -> dict:
        path = path or self.path
        return {"pathname": path.split("?", 1)[0], "asPath": path,
                "query": dict(urllib.parse.parse_qsl(path.split("?", 1)[1])) if "?" in path else {}}

    async def open(self, path: str = "/", *, follow: bool = True) -> float:
        """Connect and hydrate `path` (with its on_load chain); returns the time it took (ms)."""
        self.path = path
        t0 = time.perf_counter()
        sub = _subprotocol()
        self.updates = asyncio.Queue()
        self.ws = await AsyncWebSocket.connect(self._ws_url(), headers={"Cookie": self.cookie} if self.cookie else None,
                                               subprotocols=[sub] if sub else None, timeout=self.timeout)
        first = await asyncio.wait_for(self.ws.recv(), self.timeout)
        if not (isinstance(first, str) and first.startswith("0")):
            raise Closed(f"unexpected engine.io open packet {first!r:.200}")
        self._connected = asyncio.get_running_loop().create_future()
        self._reader_task = asyncio.create_task(self._reader())
        boot = {"event": {"name": f"{ROOT}.hydrate_and_load", "payload": {}, "router_data": self.router_data()}}
        await self.ws.send(f"40{NAMESPACE}," + json.dumps(boot, separators=(",", ":")))
        await asyncio.wait_for(asyncio.shield(self._connected), self.timeout)
        await self.until_hydrated(follow=follow)
        return (time.perf_counter() - t0) * 1000.0

    async def until_hydrated(self, *, follow: bool = True) -> None:
        while True:
            upd = await self.next_update()
            if follow:
                await self._follow(upd)
            if self.state.get(ROOT, {}).get("is_hydrated_rx_state_") is True and self._is_quiet():
                return

    def _is_quiet(self) -> bool:
        return self.updates.empty()

    async def _reader(self) -> None:
        try:
            async for msg in self.ws:
                if isinstance(msg, bytes):
                    continue
                if msg == "2":
                    await self.ws.send("3")
                    continue
                if not msg.startswith("4"):
                    continue
                kind, body = msg[1:2], msg[2:]
                if body.startswith(NAMESPACE):
                    body = body[len(NAMESPACE):].lstrip(",")
                if kind == "0":
                    if not self._connected.done():
                        self._connected.set_result(body)
                elif kind == "4":
                    if not self._connected.done():
                        self._connected.set_exception(Closed(f"connect_error {body[:200]}"))
                elif kind == "1":
                    break
                elif kind == "2":
                    name, *rest = json.loads(body)
                    if name == "event" and rest:
                        upd = rest[0] or {}
                        for st, vars_ in (upd.get("delta") or {}).items():
                            self.state.setdefault(st, {}).update(vars_)
                        self.browser_events.extend(e for e in upd.get("events") or []
                                                   if str(e.get("name", "")).startswith("_"))
                        self.updates.put_nowait((time.perf_counter(), upd))
        except ConnectionClosed:
            pass
        except Exception as exc:  # noqa: BLE001
            self.updates.put_nowait(Closed(f"reader: {type(exc).__name__}: {exc}"))
        finally:
            self.updates.put_nowait(Closed("websocket closed"))
            if hasattr(self, "_connected") and not self._connected.done():
                self._connected.set_exception(Closed("closed before connect"))

    async def next_update(self, timeout: float | None = None) -> dict:
        item = await asyncio.wait_for(self.updates.get(), timeout or self.timeout)
        if isinstance(item, Exception):
            # Keep the failure visible to the next reader as well.
            self.updates.put_nowait(item)
            raise item
        return item[1]

    async def _follow(self, upd: dict) -> int:
        """Send back the backend events of an answer, as the browser does. Returns how many."""
        sent = 0
        for ev in upd.get("events") or []:
            name = str(ev.get("name", ""))
            if name and not name.startswith("_"):
                await self.send(name, ev.get("payload") or {})
                sent += 1
        return sent

    async def send(self, name: str, payload: dict | None = None, path: str | None = None) -> None:
        if path is not None:
            self.path = path
        ev = {"name": name, "payload": payload or {}, "router_data": self.router_data()}
        await self.ws.send(f"42{NAMESPACE}," + json.dumps(["event", ev], separators=(",", ":")))

    async def call(self, name: str, payload: dict | None = None, *, path: str | None = None,
                   packets: int = 1, follow: bool = False, settle: float = 0.0) -> tuple[float, list[dict]]:
        """Send one event and wait for `packets` answers (plus those of followed backend
        events). Returns (latency in ms to the last awaited packet, the answers).
        `settle` > 0: after that, keep reading until no packet came for `settle` seconds."""
        self.browser_events.clear()
        t0 = time.perf_counter()
        await self.send(name, payload, path)
        answers: list[dict] = []
        expected = packets
        t_last = t0
        while len(answers) < expected:
            item = await asyncio.wait_for(self.updates.get(), self.timeout)
            if isinstance(item, Exception):
                self.updates.put_nowait(item)
                raise item
            t_last, upd = item
            answers.append(upd)
            if follow:
                expected += await self._follow(upd)
        if settle > 0:
            while True:
                try:
                    item = await asyncio.wait_for(self.updates.get(), settle)
                except asyncio.TimeoutError:
                    break
                if isinstance(item, Exception):
                    self.updates.put_nowait(item)
                    raise item
                t_last, upd = item
                answers.append(upd)
                if follow:
                    await self._follow(upd)
        return (t_last - t0) * 1000.0, answers

    async def sync(self) -> list[dict]:
        """Wait until every event sent so far has been answered: events of one session run
        in order, so the answer to a marker event comes after theirs. Returns those answers."""
        await self.send(SYNC, {"value": True})
        got = []
        while True:
            upd = await self.next_update()
            if (upd.get("delta") or {}) == {ROOT: {"is_hydrated_rx_state_": True}} and not upd.get("events"):
                return got
            got.append(upd)

    def var(self, state_suffix: str, name: str, default=None):
        """A var of the merged state, by the end of its state's full name."""
        for st, vars_ in self.state.items():
            if st.endswith(state_suffix):
                return vars_.get(name + "_rx_state_", default)
        return default

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:  # noqa: BLE001
                pass
        if self._reader_task is not None:
            self._reader_task.cancel()
            try:
                await self._reader_task
            except BaseException:  # noqa: BLE001
                pass
