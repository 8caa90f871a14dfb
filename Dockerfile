# hrbot in a container: docker build -t hrbot . (see the README, "Deploy").
# The bot polls Telegram, so it needs no open port; the library (intents/) and the analytics
# database (data/) are volumes, and the image runs as a user without rights to anything else.

# ---- build: the locked dependencies and the hrbot wheel, in a venv copied whole to the image
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.lock ./
# Every package pinned with its hashes; the lock includes the build backend (setuptools), so the
# wheel is built with it and nothing else is fetched.
RUN python -m venv /opt/hrbot \
    && /opt/hrbot/bin/pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
RUN /opt/hrbot/bin/pip wheel --no-deps --no-build-isolation --wheel-dir /dist . \
    && /opt/hrbot/bin/pip install --no-deps /dist/hrbot-*.whl

# ---- the image
FROM python:3.11-slim
ENV PATH=/opt/hrbot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    INTENTS_DIR=/app/intents \
    DATABASE_PATH=/app/data/hrbot.sqlite3 \
    HEARTBEAT_FILE=/tmp/hrbot-heartbeat
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin hrbot
COPY --from=build /opt/hrbot /opt/hrbot
WORKDIR /app
# The library the image was built with; mount your own folder over it to edit without a rebuild.
COPY --chown=hrbot:hrbot intents ./intents
RUN install --directory --owner=hrbot --group=hrbot --mode=0700 /app/data
USER 10001:10001
VOLUME ["/app/intents", "/app/data"]
# The bot touches HEARTBEAT_FILE every 30 s while it runs; hrbot-health (`hrbot health` without
# loading the matcher) fails once it is 90 s old.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 CMD ["hrbot-health"]
# Exec form, so SIGTERM (docker stop) reaches the bot, which stops cleanly with exit code 0.
# Run with --init (compose: init: true) so a signal during the first seconds is handled too.
ENTRYPOINT ["hrbot"]
CMD ["run"]
