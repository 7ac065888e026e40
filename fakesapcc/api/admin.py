"""The control plane under ``/_fakesapcc``: health and readiness."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ..app import runtime

bp = Blueprint("admin", __name__, url_prefix="/_fakesapcc")


@bp.get("/health")
def health():
    """200 as soon as the process serves requests."""
    return jsonify({"status": "UP"})


@bp.get("/ready")
def ready():
    """503 until every seed file has loaded, then 200 with the counts by type."""
    rt = runtime()
    if not rt.ready.is_set():
        return jsonify({"status": "LOADING"}), 503
    counts = rt.seed_report.counts() if rt.seed_report else {}
    return jsonify({"status": "READY", "items": dict(sorted(counts.items()))})
