"""Moved to ``openjobcenter.handoff`` (DESIGN §7: documents, objections and notices are
handed off too). This alias keeps the previous import path working for code and for
tasks an older release enqueued under it during a rolling upgrade."""

from openjobcenter.handoff import *  # noqa: F403
from openjobcenter.handoff import __all__  # noqa: F401
