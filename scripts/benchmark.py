#!/usr/bin/env python3
"""Benchmark the public site the way readers hit it, against a ceiling.

For each public page type (home, category page 1, category page 500 — or the last
page when the section is shorter —, article, author, search, RSS) this measures
requests/s, p50/p99 latency, errors and SQL queries per page, on a scratch database
seeded with N synthetic articles (`seed_demo --articles N`: bodies of ~650 words,
70 % with a lead photo and renditions, bylines):

* cold: the page cache off (PAGE_CACHE_SECONDS=0), every request renders;
* warm: the page cache on (local memory per worker; Redis with --redis), primed with
  every URL the run rotates over, as a live site's readers would have it;
* nginx: warm, behind the shipped nginx microcache (deploy/nginx/toasoan.conf).

Every figure is also given as a share of a *ceiling*: a constant 30 KB page served
by the same gunicorn through the same middleware (newsroom/benchmark_views.py), and
the nginx figures as a share of the *limit*: nginx serving a 30 KB file itself.
Ratios hold on a noisy machine; raw requests/s do not.

Load comes from wrk (Debian's package; -t2 -c16 by default, a time-bounded run per
page, the median of --runs runs), or from Python threads when wrk is missing. Only
127.0.0.1 is ever loaded. The code measured is a copy taken at start (the working
tree, or HEAD with --committed); everything lives in a temporary directory (or the
scratch PostgreSQL database toasoan_bench) removed at the end, even on failure.

Not a test: it prints a table and writes the same numbers as JSON to
bench-results/<timestamp>.json. See scripts/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import fnmatch
import http.client
import itertools
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = [PYTHON, "-m", "gunicorn"]
RESULTS_DIR = ROOT / "bench-results"

HOST = "127.0.0.1"
PG_DB = "toasoan_bench"
PG_URL = f"postgres://postgres@{HOST}:5432/{PG_DB}"
REDIS_URL = f"redis://{HOST}:6379/15"
SEED_PASSWORD = "bench-pass-123"
PAGE_TYPES = ("home", "category p1", "category p500", "article", "author", "search", "rss")
CEILING_PATH = "/__bench/ceiling/"  # newsroom/benchmark_views.py, via BENCHMARK_CEILING
LIMIT_PATH = "/__bench/limit.html"  # nginx serving a 30 KB file itself
WRK_SCRIPT = ROOT / "scripts" / "wrk_rotate.lua"
WRK_STAMPEDE = ROOT / "scripts" / "wrk_stampede.lua"

# Runs inside the project (django.setup()) to pick real URLs from the scratch
# database and count the SQL each page runs. The first request to each URL is a
# warm-up (it fills the site-settings cache, as on a live server); the second
# one is counted. Prints one JSON document on its last line.
QUERY_SNIPPET = r"""
import json, sys
from urllib.parse import urlencode
import django
django.setup()
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article, Author, Category, SiteSettings

sample_size, slow_ms = int(sys.argv[1]), float(sys.argv[2])
cache.delete(SiteSettings.CACHE_KEY)  # a shared Redis cache may hold a stale row
published = Article.objects.published()
# The busiest top-level section: its list is the largest and page 5 exists.
section = max(
    Category.objects.filter(parent__isnull=True),
    key=lambda c: published.in_category(c).count(),
)
author = (
    Author.objects.annotate(n=Count("byline_entries")).order_by("-n", "pk").first()
)
latest = published.latest_first().first()
others = published.exclude(pk=latest.pk).order_by("?")[: max(sample_size - 1, 0)]
last_page = max(1, (published.in_category(section).count() + 19) // 20)
urls = {
    "home": ["/"],
    "category p1": [section.get_absolute_url()],
    "category p500": [section.get_absolute_url() + f"?page={min(500, last_page)}"],
    "article": [a.get_absolute_url() for a in [latest, *others]],
    "author": [author.get_absolute_url()],
    # Reader search: common and rare words, phrases, with and without accents.
    "search": [
        "/tim-kiem/?" + urlencode({"q": q})
        for q in ["cong", "giá xăng dầu", "xuat khau gao", "điện mặt trời mái nhà",
                  "doanh nghiep", "thuong mai dien tu", "Đồng bằng sông Cửu Long", "ocop"]
    ],
    "rss": ["/rss/tin-moi-nhat.rss", f"/rss/{section.slug}.rss"],
}


# The plan of a slow query: EXPLAIN ANALYZE on PostgreSQL, QUERY PLAN on SQLite.
def explain(sql):
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return [" ".join(str(c) for c in row) for row in cursor.fetchall()]


client = Client()
pages = {}
for page, page_urls in urls.items():
    measured = []
    for url in page_urls[:5]:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
        timed = [(float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries]
        slow = [
            {"ms": round(ms, 2), "sql": sql, "plan": explain(sql)}
            for ms, sql in timed
            if ms >= slow_ms
        ]
        measured.append({
            "url": url,
            "status": status,
            "queries": len(timed),
            "sql_ms": round(sum(ms for ms, _ in timed), 2),
            "slow_queries": slow,
        })
    pages[page] = measured
facts = {
    "articles_total": Article.objects.count(),
    "articles_published": published.count(),
    "categories": Category.objects.count(),
    "authors": Author.objects.count(),
    "section": section.slug,
    "section_articles": published.in_category(section).count(),
    "author": author.slug,
    "author_articles": published.by_author(author).count(),
}
print(json.dumps({"urls": urls, "pages": pages, "facts": facts}))
"""


@dataclass
class Scratch:
    """Where one run lives: a temp dir with a frozen copy of the project in it."""

    root: Path

    @property
    def project(self) -> Path:
        return self.root / "project"


@dataclass
class LoadResult:
    """What one page type did under load (the median run of several)."""

    requests: int
    errors: dict[str, int]
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    runs_rps: list[float] = field(default_factory=list)


@dataclass
class PageResult:
    page: str
    url: str
    queries: int
    sql_ms: float
    load_avg_1min: float  # the machine's load when this page's run started: noise warning
    load: LoadResult
    share: float | None = None  # requests/s as a share of the ceiling (or the limit)


@dataclass
class ScenarioResult:
    backend: str
    mode: str  # "cold", "warm", "nginx"
    cache: str  # "locmem" or "redis"
    facts: dict
    reference: PageResult | None = None  # the ceiling (gunicorn) or the limit (nginx)
    pages: list[PageResult] = field(default_factory=list)
    query_detail: dict = field(default_factory=dict)
    stampede: dict = field(default_factory=dict)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="synthetic articles")
    parser.add_argument("--slow-ms", type=float, default=10, help="EXPLAIN queries this slow")
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument(
        "--redis", action="store_true", help="warm runs on PostgreSQL use Redis (REDIS_URL)"
    )
    parser.add_argument(
        "--modes", default="cold,warm,nginx", help="comma-separated: cold, warm, nginx"
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median counts")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (-c)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--article-urls", type=int, default=200, help="articles to rotate over")
    parser.add_argument("--seed-timeout", type=float, default=3600, help="seconds for seeding")
    parser.add_argument(
        "--committed", action="store_true", help="measure HEAD, not the working tree"
    )
    return parser.parse_args(argv)


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- Environment and scratch databases -------------------------------------------------


# Not copied into the snapshot: caches anywhere, and the project's local state at the top.
SNAPSHOT_SKIP_ANYWHERE = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", "node_modules"}
SNAPSHOT_SKIP_AT_TOP = ("media", "staticfiles", "bench-results", ".venv", "db.sqlite3*")


def snapshot_ignore(directory, names):
    at_top = Path(directory) == ROOT
    return {
        name
        for name in names
        if name in SNAPSHOT_SKIP_ANYWHERE
        or (at_top and any(fnmatch.fnmatch(name, p) for p in SNAPSHOT_SKIP_AT_TOP))
    }


def snapshot_project(scratch: Scratch, committed: bool):
    """Freeze the code to measure, so edits during a run cannot change it half-way."""
    if committed:
        scratch.project.mkdir()
        archive = subprocess.run(
            ["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(scratch.project)], input=archive.stdout, check=True)
    else:
        shutil.copytree(ROOT, scratch.project, ignore=snapshot_ignore)


def base_env(
    scratch: Scratch, database_url: str, redis: bool, cached: bool = True
) -> dict[str, str]:
    """Production-like settings, but confined to the temp dir and to 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="benchmark-only-secret-key-not-used-anywhere-else-0123456789",
        ALLOWED_HOSTS=f"{HOST},testserver",  # testserver: django.test.Client in QUERY_SNIPPET
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(scratch.root / "static"),
        MEDIA_ROOT=str(scratch.root / "media"),
        LOG_LEVEL="ERROR",
        PYTHONUNBUFFERED="1",
        BENCHMARK_CEILING="1",
        PAGE_CACHE_SECONDS="60" if cached else "0",
        PAGE_CACHE_STATE_FILE=str(scratch.root / "page-cache-state"),
    )
    if redis:
        env["REDIS_URL"] = REDIS_URL
    return env


def run(cmd, scratch, env, timeout, capture=False):
    """Run a command in the project snapshot; fail loudly with its output."""
    try:
        return subprocess.run(
            cmd,
            cwd=scratch.project,
            env=env,
            timeout=timeout,
            check=True,
            text=True,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.PIPE if capture else None,
        )
    except subprocess.CalledProcessError as exc:
        sys.stderr.write((exc.stdout or "") + (exc.stderr or ""))
        name = " ".join(cmd[1:3]) if cmd[1] != "-c" else "query-count snippet"
        raise RuntimeError(f"{name} failed with exit code {exc.returncode}") from None


def manage(args, scratch, env, timeout):
    """Time one manage.py command (the numbers go into the report); output only on error."""
    start = time.monotonic()
    run([PYTHON, "manage.py", *args], scratch, env, timeout, capture=True)
    return round(time.monotonic() - start, 1)


def pg_command(*args):
    """createdb/dropdb against the local server (trust auth as user postgres)."""
    cmd = [args[0], "-h", HOST, "-U", "postgres", *args[1:]]
    done = subprocess.run(cmd, timeout=120, stdin=subprocess.DEVNULL, capture_output=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr.decode().strip()}")


def create_postgres():
    pg_command("dropdb", "--if-exists", "--force", PG_DB)  # leftover of a killed run
    pg_command("createdb", PG_DB)


def drop_postgres():
    try:
        pg_command("dropdb", "--if-exists", "--force", PG_DB)
    except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
        log(f"could not drop {PG_DB}: {exc}")


def build_database(scratch, env, articles, seed_timeout):
    """Schema, then synthetic content through the project's own seeder."""
    timings = {"migrate_s": manage(["migrate", "--noinput", "-v0"], scratch, env, 600)}
    log(f"seeding {articles:,} articles (seed_demo)")
    timings["seed_s"] = manage(
        ["seed_demo", "--articles", str(articles), "--password", SEED_PASSWORD],
        scratch,
        env,
        seed_timeout,
    )
    log(f"seeded in {timings['seed_s']} s")
    if env["DATABASE_URL"].startswith("postgres"):
        # Autovacuum would gather statistics on the new rows within minutes; do it now so
        # plans are those of a settled production database, not of an unanalysed one.
        subprocess.run(
            ["psql", "-h", HOST, "-U", "postgres", "-d", PG_DB, "-qc", "ANALYZE"],
            check=True,
            timeout=600,
        )
    return timings


def measure_queries(scratch, env, article_urls, slow_ms):
    """Real URLs from the database and the SQL each page runs (see QUERY_SNIPPET)."""
    cmd = [PYTHON, "-c", QUERY_SNIPPET, str(article_urls), str(slow_ms)]
    done = run(cmd, scratch, env, 900, capture=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- The server -------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(scratch, env, port, workers, log_path):
    """gunicorn as it would run in production: sync workers, no access log."""
    cmd = [
        *GUNICORN,
        "newsroom.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--no-control-socket",
        "--error-logfile",
        str(log_path),
    ]
    server = subprocess.Popen(
        cmd, cwd=scratch.project, env=env, start_new_session=True, stdin=subprocess.DEVNULL
    )
    try:
        wait_until_ready(server, port, log_path)
    except BaseException:
        stop_server(server)
        raise
    return server


def wait_until_ready(server, port, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{Path(log_path).read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn not ready after {timeout} s")


def stop_server(server):
    """SIGTERM the gunicorn master's process group, SIGKILL if it lingers."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


# --- The load ---------------------------------------------------------------------------


def write_paths(scratch, paths):
    """The URLs one load run rotates over, one per line, for wrk's Lua script."""
    path = scratch.root / f"paths-{abs(hash(tuple(paths)))}.txt"
    path.write_text("\n".join(paths) + "\n")
    return path


def load_wrk(scratch, port, paths, args, duration=None, connections=None):
    """One wrk run; wrk_rotate.lua rotates over `paths` and prints a JSON summary."""
    env = {**os.environ, "WRK_PATHS": str(write_paths(scratch, paths))}
    duration = duration or args.duration
    cmd = [
        "wrk", f"-t{args.threads}", f"-c{connections or args.connections}",
        f"-d{max(1, round(duration))}s", "--timeout", "10s", "-s", str(WRK_SCRIPT),
        f"http://{HOST}:{port}",
    ]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 60)
    line = next((line for line in done.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if done.returncode or line is None:
        raise RuntimeError(f"wrk failed: {done.stdout[-1500:]} {done.stderr[-1500:]}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    errors = {k: v for k, v in data["errors"].items() if v}
    if data.get("non_200"):
        errors["non-200"] = data["non_200"]
    seconds = data["duration_us"] / 1e6
    return LoadResult(
        requests=data["requests"],
        errors=errors,
        seconds=round(seconds, 2),
        rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=round(data["p50_us"] / 1000, 2),
        p99_ms=round(data["p99_us"] / 1000, 2),
    )


def load_threads(port, paths, args, duration=None, connections=None):
    """Without wrk: Python keep-alive connections in threads, for `duration` seconds."""
    ticket = itertools.count()  # next() on a count is atomic under the GIL
    deadline = time.monotonic() + (duration or args.duration)
    latencies, errors, lock = [], Counter(), threading.Lock()

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine, bad = [], Counter()
        while time.monotonic() < deadline:
            i = next(ticket)
            start = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)])
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                bad[type(exc).__name__] += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                bad["non-200"] += 1
            if response.will_close:
                conn.close()
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.update(bad)

    threads = [threading.Thread(target=client) for _ in range(connections or args.connections)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    done = len(latencies)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if done > 1 else [0] * 99
    return LoadResult(
        requests=done,
        errors=dict(errors),
        seconds=round(seconds, 2),
        rps=round(done / seconds, 1) if seconds else 0.0,
        p50_ms=round(cuts[49] * 1000, 2),
        p99_ms=round(cuts[98] * 1000, 2),
    )


def prime(port, paths, workers):
    """Fill the page cache for every URL a warm run rotates over, as a live site's
    readers would have: each worker holds its own local-memory copy, so a URL is
    asked for on new connections until `workers * 2` answers in a row are hits (one
    hit is enough with Redis, where a copy serves every worker)."""
    wanted = workers * 2

    def fill(path):
        streak = 0
        for _ in range(wanted * 8):
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            try:
                conn.request("GET", path, headers={"Connection": "close"})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                return
            finally:
                conn.close()
            streak = streak + 1 if response.getheader("X-Page-Cache") == "HIT" else 0
            if streak >= wanted:
                return

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(fill, paths))


def load(scratch, port, paths, args, **kwargs):
    if shutil.which("wrk"):
        return load_wrk(scratch, port, paths, args, **kwargs)
    return load_threads(port, paths, args, **kwargs)


def measure(scratch, port, paths, args):
    """A short warm-up, then --runs runs; the run with the median requests/s counts."""
    load(scratch, port, paths, args, duration=2)
    runs = [load(scratch, port, paths, args) for _ in range(args.runs)]
    runs.sort(key=lambda run: run.rps)
    chosen = runs[len(runs) // 2]
    chosen.runs_rps = [run.rps for run in runs]
    # Errors of every run count: a 5xx in any run is a 5xx.
    errors = Counter()
    for run in runs:
        errors.update(run.errors)
    chosen.errors = dict(errors)
    return chosen


# --- nginx in front (the shipped microcache configuration) ------------------------------


NGINX_MAIN = """\
{user}worker_processes auto;
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {root}/nginx-body;
    proxy_temp_path {root}/nginx-proxy;
    fastcgi_temp_path {root}/nginx-fastcgi;
    uwsgi_temp_path {root}/nginx-uwsgi;
    scgi_temp_path {root}/nginx-scgi;
    keepalive_requests 100000;
    {site}
}}
"""


def nginx_config(scratch, gunicorn_port, nginx_port):
    """deploy/nginx/toasoan.conf as shipped, pointed at this run's ports and folders,
    plus the limit file (a 30 KB page nginx serves itself)."""
    site = (ROOT / "deploy" / "nginx" / "toasoan.conf").read_text()
    site = site.replace("127.0.0.1:8000", f"{HOST}:{gunicorn_port}")
    site = site.replace("listen 80;", f"listen {HOST}:{nginx_port};")
    site = site.replace("/var/cache/nginx/toasoan", str(scratch.root / "nginx-cache"))
    site = site.replace("/srv/toasoan/", f"{scratch.root}/")
    limit = scratch.root / "limit.html"
    ceiling = subprocess.run(
        [PYTHON, "-c", "from newsroom.benchmark_views import CEILING_HTML as c; "
         "import sys; sys.stdout.buffer.write(c)"],
        cwd=scratch.project, capture_output=True, check=True,
    ).stdout  # fmt: skip
    limit.write_bytes(ceiling)
    marker = "    location / {"
    site = site.replace(marker, f"    location = {LIMIT_PATH} {{ alias {limit}; }}\n\n{marker}", 1)
    path = scratch.root / "nginx.conf"
    # As root, nginx's workers would switch to "nobody", who cannot read the private
    # temp dir: keep them as the user running the benchmark.
    user = "user root;\n" if os.geteuid() == 0 else ""
    path.write_text(NGINX_MAIN.format(user=user, root=scratch.root, site=site))
    return path


def start_nginx(scratch, gunicorn_port):
    port = free_port()
    conf = nginx_config(scratch, gunicorn_port, port)
    (scratch.root / "nginx-cache").mkdir(exist_ok=True)
    check = subprocess.run(["nginx", "-t", "-c", str(conf)], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"nginx config refused:\n{check.stderr}")
    process = subprocess.Popen(
        ["nginx", "-c", str(conf)], start_new_session=True, stdin=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", LIMIT_PATH)
            if conn.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    error_log = scratch.root / "nginx-error.log"
    detail = error_log.read_text()[-2000:] if error_log.exists() else ""
    raise RuntimeError(f"nginx did not start\n{detail}")


# --- One scenario -----------------------------------------------------------------------


def page_result(page, paths, detail, outcome, load_avg):
    return PageResult(
        page=page,
        url=paths[0] if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} more)",
        queries=max(d["queries"] for d in detail) if detail else 0,
        sql_ms=max(d["sql_ms"] for d in detail) if detail else 0.0,
        load_avg_1min=round(load_avg, 2),
        load=outcome,
    )


def run_pages(scenario, scratch, port, measured, args, reference_path):
    """The reference page, then every page type, each as a share of the reference."""
    log(f"{scenario.backend}/{scenario.mode}: reference {reference_path}")
    scenario.reference = page_result(
        "ceiling" if reference_path == CEILING_PATH else "limit",
        [reference_path], [], measure(scratch, port, [reference_path], args),
        os.getloadavg()[0],
    )  # fmt: skip
    for page in PAGE_TYPES:
        paths = measured["urls"][page]
        log(f"{scenario.backend}/{scenario.mode}: {page}")
        load_avg = os.getloadavg()[0]
        result = page_result(
            page, paths, measured["pages"][page], measure(scratch, port, paths, args), load_avg
        )
        if scenario.reference.load.rps:
            result.share = round(result.load.rps / scenario.reference.load.rps, 4)
        scenario.pages.append(result)


def stampede(scenario, scratch, port, env, args):
    """A hot page invalidated under 500 concurrent connections: how many rebuilds?
    (Counted from X-Page-Cache: MISS answers; with per-worker local memory each worker
    rebuilds its own copy once.)"""
    load(scratch, port, ["/"], args, duration=2)  # the home page is hot
    run(
        [PYTHON, "manage.py", "shell", "-c", "from articles import pagecache; pagecache.bump()"],
        scratch,
        env,
        120,
        capture=True,
    )
    env_wrk = {**os.environ, "WRK_PATHS": str(write_paths(scratch, ["/"]))}
    done = subprocess.run(
        ["wrk", "-t2", "-c500", "-d3s", "--timeout", "10s", "-s", str(WRK_STAMPEDE),
         f"http://{HOST}:{port}"], env=env_wrk, capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), "")
    data = json.loads(line.removeprefix("WRK_JSON ")) if line else {}
    scenario.stampede = {
        "connections": 500,
        "requests": data.get("requests"),
        "rebuilds": data.get("misses"),
        "non_200": data.get("non_200"),
        "socket_errors": sum((data.get("errors") or {}).values()),
    }


def run_scenario(backend, mode, cache, scratch, url, measured, args):
    env = base_env(scratch, url, redis=cache == "redis", cached=mode != "cold")
    scenario = ScenarioResult(backend, mode, cache, dict(measured["facts"]))
    scenario.query_detail = measured["pages"]
    port = free_port()
    server_log = scratch.root / f"gunicorn-{backend}-{mode}.log"
    server = start_server(scratch, env, port, args.workers, server_log)
    nginx = None
    try:
        if mode != "cold":
            cached_pages = [page for page in PAGE_TYPES if page != "search"]
            paths = [path for page in cached_pages for path in measured["urls"][page]]
            log(f"{backend}/{mode}: priming the page cache with {len(paths)} URLs")
            prime(port, paths, 1 if cache == "redis" else args.workers)
        if mode == "nginx":
            nginx, nginx_port = start_nginx(scratch, port)
            run_pages(scenario, scratch, nginx_port, measured, args, LIMIT_PATH)
        else:
            run_pages(scenario, scratch, port, measured, args, CEILING_PATH)
            if mode == "warm" and shutil.which("wrk"):
                stampede(scenario, scratch, port, env, args)
    finally:
        if nginx is not None:
            stop_server(nginx)
        stop_server(server)
    return scenario


def run_backend(backend, args, scratch, results):
    """Build one scratch database, measure it in each mode, drop it.

    Appends to `results` as it goes, so a failure later keeps the numbers taken.
    """
    if backend == "postgres":
        create_postgres()
        url = PG_URL
    else:
        url = f"sqlite:///{scratch.root / 'bench.sqlite3'}"
    try:
        env = base_env(scratch, url, redis=False, cached=False)
        timings = build_database(scratch, env, args.articles, args.seed_timeout)
        log(f"{backend}: counting queries")
        measured = measure_queries(scratch, env, args.article_urls, args.slow_ms)
        measured["facts"].update(timings)
        cache = "redis" if args.redis and backend == "postgres" else "locmem"
        for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
            if mode == "nginx" and not shutil.which("nginx"):
                log("nginx not installed: skipping the nginx mode")
                continue
            results.append(run_scenario(backend, mode, cache, scratch, url, measured, args))
    finally:
        if backend == "postgres":
            drop_postgres()


def forget_redis_keys(scratch):
    """Leave Redis db 15 as we found it."""
    code = "import django; django.setup(); from django.core.cache import cache; cache.clear()"
    env = base_env(scratch, f"sqlite:///{scratch.root / 'unused.sqlite3'}", redis=True)
    try:
        run([PYTHON, "-c", code], scratch, env, 60, capture=True)
    except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
        log(f"could not clean Redis: {exc}")


# --- Report -----------------------------------------------------------------------------


def config_summary(args):
    tool = (
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s, median of "
        f"{args.runs} runs" if shutil.which("wrk") else
        f"Python threads ({args.connections} connections), {args.duration:g}s, median of "
        f"{args.runs} runs"
    )  # fmt: skip
    return {
        "articles_requested": args.articles,
        "load": tool,
        "article_urls_rotated": args.article_urls,
        "server": f"gunicorn {gunicorn_version()}, {args.workers} sync workers, "
        "DEBUG=0, no access log, 127.0.0.1",
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git": "HEAD " + git_state().split()[0] if args.committed else git_state(),
    }


def git_state():
    """Which code was measured: HEAD, plus a warning when the tree has local changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{head} (with uncommitted changes)" if dirty else head


def gunicorn_version():
    done = subprocess.run([*GUNICORN, "--version"], capture_output=True, text=True, timeout=30)
    return done.stdout.strip().split()[-1].rstrip(")") if done.returncode == 0 else "?"


def format_table(results, config):
    lines = [
        f"Articles: {config['articles_requested']:,} synthetic | load: {config['load']}",
        f"Server: {config['server']} | CPUs: {config['cpu_count']}",
        f"Code: {config['git']}",
        "",
        f"{'backend':<9}{'mode':<7}{'cache':<8}{'page':<15}{'req/s':>9}{'share':>8}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'queries':>9}{'load1':>7}  url",
    ]
    for scenario in results:
        rows = [scenario.reference, *scenario.pages] if scenario.reference else scenario.pages
        for page in rows:
            load_ = page.load
            errors = sum(load_.errors.values())
            share = f"{page.share:.1%}" if page.share is not None else "—"
            lines.append(
                f"{scenario.backend:<9}{scenario.mode:<7}{scenario.cache:<8}{page.page:<15}"
                f"{load_.rps:>9.1f}{share:>8}{load_.p50_ms:>9.1f}{load_.p99_ms:>9.1f}"
                f"{errors:>8}{page.queries:>9}{page.load_avg_1min:>7.1f}  {page.url}"
            )
    for scenario in results:
        if scenario.stampede:
            lines.append(
                f"\nStampede {scenario.backend}/{scenario.mode}/{scenario.cache}: "
                + ", ".join(f"{k}={v}" for k, v in scenario.stampede.items())
            )
    for scenario in results:
        facts = ", ".join(f"{k}={v}" for k, v in scenario.facts.items())
        lines.append(f"\n{scenario.backend}/{scenario.mode}: {facts}")
    lines.append(
        "\nshare: requests/s as a share of the ceiling (a constant 30 KB page through the "
        "same gunicorn and middleware) — for nginx rows, of the limit (nginx serving a 30 KB "
        "file). queries: one warm request with the page cache off (django.test.Client, max "
        "over up to 5 sample URLs). load1: 1-minute load average when the page's run started."
    )
    lines.extend(format_slow_queries(results))
    return "\n".join(lines)


def format_slow_queries(results):
    """Each slow query once per backend and page, shortened, with its plan."""
    lines, seen = [], set()
    for scenario in results:
        for page, measured in scenario.query_detail.items():
            for query in measured[0]["slow_queries"]:
                key = (scenario.backend, page, query["sql"])
                if key in seen:
                    continue
                seen.add(key)
                sql = query["sql"]
                short = sql if len(sql) < 300 else f"{sql[:80]} … {sql[sql.find(' FROM ') :]}"
                lines.append(
                    f"\nSlow SQL [{scenario.backend} {page} {measured[0]['url']}] "
                    f"{query['ms']:.1f} ms:\n  {short[:1200]}"
                )
                lines.extend(f"    {row}" for row in query["plan"][:20])
    return lines


def write_json(results, config):
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    payload = {"config": config, "results": [asdict(r) for r in results]}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path


def main(argv=None):
    args = parse_args(argv)
    backends = ([] if args.no_sqlite else ["sqlite"]) + (["postgres"] if args.postgres else [])
    if not backends:
        sys.exit("nothing to do: --no-sqlite without --postgres")
    config = config_summary(args)
    results = []
    with tempfile.TemporaryDirectory(prefix="toasoan-bench-") as tmp_name:
        scratch = Scratch(Path(tmp_name))
        try:
            snapshot_project(scratch, args.committed)
            env = base_env(scratch, "sqlite://:memory:", redis=False)
            manage(["collectstatic", "--noinput", "-v0"], scratch, env, 300)
            for backend in backends:
                run_backend(backend, args, scratch, results)
        finally:
            if args.redis:
                forget_redis_keys(scratch)
            shutil.rmtree(scratch.root, ignore_errors=True)
            # A later backend failing must not throw away the numbers already taken.
            if results:
                print(format_table(results, config))
                log(f"JSON: {write_json(results, config)}")


if __name__ == "__main__":
    main()
