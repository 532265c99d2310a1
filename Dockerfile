# The planner as a container image: the README's install and run commands, nothing more.
#
#   docker build -t ml-workforce-planner .
#   docker run -p 8501:8501 -e STREAMLIT_SERVER_COOKIE_SECRET=... ml-workforce-planner
#
# Several replicas: docs/deploy.md (shared cookie secret, sticky sessions, health checks).
# tests/test_dockerfile.py keeps these steps equal to the README's and runs them in CI.
# The base image by tag; for a reproducible build pin it by digest when you build (this
# repository's CI has no registry to read one from):
#   docker pull python:3.11-slim
#   docker build --build-arg BASE_IMAGE="$(docker inspect --format '{{index .RepoDigests 0}}' \
#       python:3.11-slim)" -t ml-workforce-planner .
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

# An image's files never change: no Streamlit file watcher (one watch per module).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none

WORKDIR /app

# Dependencies first, so editing the app does not reinstall them.
COPY requirements.txt constraints.txt ./
RUN pip install -r requirements.txt -c constraints.txt

# The app: app.py, pages/, ui/, forecasting/, data/, .streamlit/config.toml
# (.dockerignore admits nothing else: no tests, no secrets, no local uploads).
COPY . .

# Run unprivileged; the app writes nothing to disk.
RUN useradd --create-home --uid 10001 planner
USER planner

EXPOSE 8501
# python:3.11-slim has no curl: ask /_stcore/health with the standard library.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"]

# `streamlit run app.py` with ui/serving.py's hooks installed before the server listens
# (anti-framing headers and private metrics from the first response; ui/launch.py), and
# its warm-up once it answers: the first screen prepared in the background, so the first
# visitor of a new container waits no longer than the next (ui/warmup.py;
# PLANNER_WARMUP=0 turns it off).
CMD ["python", "-m", "ui.launch", "--server.address", "0.0.0.0", "--server.port", "8501"]
