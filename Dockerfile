# mailguard as a container image.
#
#   docker build -t mailguard .
#   docker run -p 2525:2525 -p 8025:8025 \
#       -v ./deploy/mailguard.yaml:/etc/mailguard/mailguard.yaml:ro \
#       -v mailguard-var:/var/lib/mailguard mailguard
#
# The base is pinned to a patch release of the Python the test suite runs on; bump it
# deliberately (and pin by digest in your own registry if you mirror it). Configuration comes
# from /etc/mailguard (a read-only volume) and MAILGUARD_* environment variables for secrets;
# state (the SQLite store, the generated link key) lives in the /var/lib/mailguard volume.
FROM python:3.11.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed uid/gid so volume ownership is predictable across rebuilds and hosts.
RUN groupadd --system --gid 10025 mailguard \
    && useradd --system --uid 10025 --gid mailguard --no-create-home \
        --home-dir /var/lib/mailguard --shell /usr/sbin/nologin mailguard \
    && install -d -o mailguard -g mailguard -m 0750 /var/lib/mailguard \
    && install -d -m 0755 /etc/mailguard

# The package is installed from this tree (not from an index), so the image is exactly the
# commit it was built from. Only what the install needs is copied: see .dockerignore.
WORKDIR /opt/mailguard
COPY pyproject.toml README.md ./
COPY mailguard ./mailguard
# Example policies, so a config that names /etc/mailguard/policies/default.yaml works out of the
# box; mount your own policy over it.
COPY policies /etc/mailguard/policies
RUN pip install --no-compile . \
    && python -c "import mailguard"

USER mailguard:mailguard
WORKDIR /var/lib/mailguard
VOLUME ["/var/lib/mailguard"]

# 2525: SMTP from mail clients and connectors; 8025: approval pages, /metrics, /healthz.
EXPOSE 2525 8025

# slim images have no curl: ask the liveness endpoint with the Python that is already there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8025/healthz', timeout=4)"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["mailguard"]
CMD ["serve", "--config", "/etc/mailguard/mailguard.yaml"]
