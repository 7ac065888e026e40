FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY fakesapcc ./fakesapcc
COPY impex ./impex
# /data/state: where the compose example keeps the state file (a named volume takes the
# folder's owner from the image, so the server's user can write there)
RUN pip install . && useradd --create-home --uid 10001 fakesapcc \
    && mkdir -p /data/state && chown fakesapcc:fakesapcc /data/state
USER fakesapcc

# Settings are FAKESAPCC_* variables (README, "Configuration"): change the port with
# FAKESAPCC_PORT, and the server, the health check and EXPOSE's meaning follow it.
ENV FAKESAPCC_PORT=9001
EXPOSE 9001
# `fakesapcc health` reads the same settings as `serve`: FAKESAPCC_PORT, FAKESAPCC_TLS…
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["fakesapcc", "health"]

# The same command the tests run (tests/test_cli.py starts exactly this, on a free port).
# Bound beyond loopback, the control plane (/_fakesapcc) needs FAKESAPCC_ADMIN_TOKEN.
CMD ["fakesapcc", "serve", "--host", "0.0.0.0"]
