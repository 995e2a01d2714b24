"""A TCP proxy on loopback that a test can cut and restore: put in front of a server the
portal needs (the machine's shared PostgreSQL, the S3-compatible test server, an SMTP
server), it breaks that server for the portal alone — the shared server itself is never
stopped (other test runs use it).

`cut()` closes every connection through the proxy at once (as a server restart or a
network drop would) and refuses new ones until `restore()`. `cut_at_next_reply()` lets the
next request reach the server, drops its reply and cuts: the server did the work but the
portal never hears of it (the worst moment for an upload)."""

from __future__ import annotations

import socket
import threading


class CuttableProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._open = threading.Event()
        self._open.set()
        self._cut_at_reply = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._live: set[socket.socket] = set()
        self.accepted = 0  # connections passed through (a test can see the portal came back)
        self._thread: threading.Thread | None = None

    def start(self) -> "CuttableProxy":
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self._thread = threading.Thread(target=self._accept_loop, name=f"proxy-{self.port}", daemon=True)
        self._thread.start()
        return self

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    def cut(self) -> None:
        """Drop every connection now and refuse new ones."""
        self._open.clear()
        with self._lock:
            live, self._live = self._live, set()
        for s in live:
            _close(s)

    def restore(self) -> None:
        self._open.set()

    def cut_at_next_reply(self) -> None:
        self._cut_at_reply.set()

    def stop(self) -> None:
        self._stop.set()
        self.cut()
        if self._thread is not None:
            self._thread.join(timeout=5)
        _close(self._listener)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _addr = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            if not self._open.is_set():
                _close(client)  # as a server that is down: the connection ends at once
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._live.update((client, upstream))
                self.accepted += 1
            for src, dst, reply in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(target=self._pump, args=(src, dst, reply), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, reply: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                # An interim « 100 Continue » is not the answer (the body follows it).
                if reply and self._cut_at_reply.is_set() and not data.startswith(b"HTTP/1.1 100"):
                    self._cut_at_reply.clear()
                    self.cut()
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._live.discard(src)
                self._live.discard(dst)
            _close(src)
            _close(dst)


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass
