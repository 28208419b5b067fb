"""Django's ASGI handler, with files streamed without being read into memory first.

Under ASGI, Django sends a ``StreamingHttpResponse`` from the event loop. A response whose
body is a *synchronous* iterator (every ``FileResponse``: WhiteNoise's static files, the
job centres' logos, news images) is then read whole into a list in a worker thread before
its first byte goes out, with the warning "StreamingHttpResponse must consume synchronous
iterators in order to serve them asynchronously" (seen in the compose check, issue 20):
a large file costs its size in memory per download and waits for the last read.

``AsyncFilesASGIHandler`` hands such a body to Django as an asynchronous iterator
instead: a file is read in chunks of ``CHUNK`` bytes, each read in a worker thread (the
event loop never blocks on the disk or the object store), and sent as it is read; any
other synchronous iterator is advanced the same way, one item per hop, on the thread
that serves requests (it may use the database). What was sent is byte for byte what the
WSGI path sends (``tests/test_asgi_files.py``). Responses with an asynchronous body
(``videos/media.py``) and ordinary responses pass unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import FileResponse
from django.http.response import HttpResponseBase

# Bytes per read of a file (Django's FileResponse reads 4 KiB at a time: here one thread
# hop per chunk, so larger; Django still sends it in 64 KiB messages).
CHUNK = 256 * 1024


def _read_file(filelike: Any) -> Callable[[], bytes]:
    def read() -> bytes:
        return bytes(filelike.read(CHUNK))

    return read


async def _file_chunks(filelike: Any) -> AsyncIterator[bytes]:
    read = sync_to_async(_read_file(filelike), thread_sensitive=False)
    while chunk := await read():
        yield chunk


def _next_or_none(iterator: Iterator[bytes]) -> bytes | None:
    return next(iterator, None)


async def _iterator_chunks(iterator: Iterator[bytes]) -> AsyncIterator[bytes]:
    step = sync_to_async(_next_or_none, thread_sensitive=True)
    while (chunk := await step(iterator)) is not None:
        yield chunk


def stream_asynchronously(response: HttpResponseBase) -> None:
    """Give a streaming response with a synchronous body an asynchronous one (in place);
    anything else is left as it is. The file stays closed by the response's ``close``."""
    if not getattr(response, "streaming", False) or getattr(response, "is_async", True):
        return
    filelike = response.file_to_stream if isinstance(response, FileResponse) else None
    if filelike is not None and hasattr(filelike, "read"):
        # Read from the file itself in large chunks (its close is already among the
        # response's resource closers).
        response.streaming_content = _file_chunks(filelike)  # type: ignore[attr-defined]
    else:
        chunks = iter(response.streaming_content)  # type: ignore[attr-defined]
        response.streaming_content = _iterator_chunks(chunks)  # type: ignore[attr-defined]


class AsyncFilesASGIHandler(ASGIHandler):
    """``ASGIHandler`` that streams synchronous bodies as described in the module."""

    async def send_response(self, response: HttpResponseBase, send: Any) -> None:
        stream_asynchronously(response)
        await super().send_response(response, send)
