"""A TCP proxy the test controls: the service behind it refuses, stalls or cuts on command.

The broker tests cut and restore it; the fault suite also stalls it, as a failover or a
network partition does: connections stay open and say nothing.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Self
from urllib.parse import urlsplit


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._open = threading.Event()
        self._open.set()
        self._flowing = threading.Event()
        self._flowing.set()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @classmethod
    def in_front_of(cls, url: str, default_port: int) -> TcpProxy:
        """A proxy to the server `url` names (a database's or a broker's)."""
        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or default_port)

    def url_for(self, url: str) -> str:
        """`url`, going through this proxy instead of straight to its server."""
        parts = urlsplit(url)
        return url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{self.port}")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def cut(self) -> None:
        """Refuse new connections and break the live ones, as a dead server would."""
        self._open.clear()
        self._break_all()

    def refuse(self) -> None:
        """The same as `cut`: the server is gone, connecting to it fails at once."""
        self.cut()

    def reset(self) -> None:
        """Break the live connections but accept new ones, as a restarted server would."""
        self._break_all()

    def stall(self) -> None:
        """Keep every connection open, accept new ones, and forward nothing (bytes are lost)."""
        self._flowing.clear()

    def restore(self) -> None:
        self._open.set()
        self._flowing.set()

    def close(self) -> None:
        self._closed = True
        self._flowing.set()
        self.cut()
        self._listener.close()

    def _break_all(self) -> None:
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if not self._open.is_set():
                client.close()
                continue
            if not self._flowing.is_set():
                # Stalled: the connection is accepted and then hears nothing, ever.
                with self._lock:
                    self._sockets.append(client)
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)  # the time-out was for connecting; idle links stay up
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                if self._flowing.is_set():
                    sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()
