"""``/metrics``: the Prometheus exposition, for the monitoring network only.

Allowed for a client address inside ``METRICS_ALLOWED_IPS`` or a request carrying
``Authorization: Bearer <METRICS_TOKEN>``; anyone else gets the ordinary 404, as if the
route did not exist (the metrics name routes, job centres and backlogs). The client
address is ``REMOTE_ADDR``: uvicorn replaces it by the forwarded client only for a proxy
it trusts (``FORWARDED_ALLOW_IPS``), so a request through the public proxy is judged by
the caller's own address, never the proxy's.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from openjobcenter.core.metrics import MULTIPROCESS, DatabaseCollector, PoolCollector

_database = CollectorRegistry(auto_describe=False)
_database.register(DatabaseCollector())
_database.register(PoolCollector())


def allowed(request: HttpRequest) -> bool:
    conf = settings.METRICS
    token = str(conf["token"])
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    networks = conf["allowed_networks"]
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in networks)  # type: ignore[attr-defined]


def exposition() -> bytes:
    """Every process's counters (one process, or all of this node's) and the backlogs."""
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        process_part = generate_latest(registry)
    else:
        process_part = generate_latest(REGISTRY)
    return process_part + generate_latest(_database)


@csrf_exempt
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
