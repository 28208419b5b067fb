"""Serving video files with HTTP range requests (RFC 9110 §14) through the storage API.

A player asks for ``bytes=0-`` first and then for the parts it needs; with the index at
the start of the file (``+faststart``) the first frame needs only the first bytes. One
range per request (browsers send one); several ranges are answered with the whole file,
as RFC 9110 allows. A range that starts beyond the end is answered 416 with the size.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import quote_etag

from openjobcenter.videos import storage

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# Files are never changed under a name (a new upload gets a new name): a browser may keep
# them; "private" because unpublished ones are served to the admin's preview too.
CACHE_CONTROL = "private, max-age=86400"


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """``(start, end)`` inclusive; ``None``: no usable range, send everything;
    ``"unsatisfiable"``: 416."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None  # several ranges or another unit: the whole file (RFC 9110 §14.2)
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid: ignored, like a missing header
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size - 1)


def serve(request: HttpRequest, name: str, content_type: str) -> HttpResponseBase:
    size = storage.size(name)
    etag = quote_etag(name.rsplit("/", 1)[-1])
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": CACHE_CONTROL,
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
        for key, value in headers.items():
            response[key] = value
        return response
    header = request.headers.get("Range", "")
    wanted = parse_range(header, size) if header else None
    if header and request.headers.get("If-Range") not in (None, etag):
        wanted = None  # the file changed since the browser's first part: send it all
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        for key, value in headers.items():
            response[key] = value
        return response
    if wanted is None or isinstance(wanted, str):
        start, end, status = 0, size - 1, 200
    else:
        start, end = wanted
        status = 206
    chunks = storage.read_range(name, start, end) if request.method != "HEAD" and size else iter(())
    # Under ASGI an async iterator, or Django would read the whole sync one into memory
    # before sending the first byte; each chunk is read in a worker thread.
    body = _async_chunks(chunks) if isinstance(request, ASGIRequest) else chunks
    streamed = StreamingHttpResponse(body, status=status, content_type=content_type)
    streamed["Content-Length"] = str(end - start + 1 if size else 0)
    if status == 206:
        streamed["Content-Range"] = f"bytes {start}-{end}/{size}"
    for key, value in headers.items():
        streamed[key] = value
    return streamed


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    # No explicit close on a client's disconnect: the worker thread may still be inside
    # ``next`` then; the generator closes its file when it is collected.
    step = sync_to_async(_next_or_none, thread_sensitive=False)
    while (chunk := await step(chunks)) is not None:
        yield chunk


def _next_or_none(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)
