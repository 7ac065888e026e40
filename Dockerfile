FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY fakesapcc ./fakesapcc
COPY impex ./impex
RUN pip install . && useradd --create-home --uid 10001 fakesapcc
USER fakesapcc

EXPOSE 9001
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:9001/_fakesapcc/health', timeout=2).status == 200 else 1)"

# The same command the tests run (tests/test_cli.py starts exactly this, on a free port).
CMD ["fakesapcc", "serve", "--host", "0.0.0.0"]
