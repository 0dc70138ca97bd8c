#!/usr/bin/env python3
"""Benchmark the public site the way readers hit it.

For each public page type (home, category page 1, category page 5, article,
author) this measures requests/s, p50/p99 latency and SQL queries per page,
against a scratch database seeded with N synthetic articles:

* a throw-away SQLite file (always, unless --no-sqlite);
* a throw-away PostgreSQL database `toasoan_bench` (with --postgres);
* each of those again with the Redis cache (with --redis).

The site is served by gunicorn (DEBUG off, 2 sync workers, 127.0.0.1 only) and
loaded from this script with keep-alive HTTP connections in threads. The code
measured is a copy taken at start (the working tree, or HEAD with --committed),
so edits made while a long run is going cannot mix two versions. Nothing here
touches the project's own db.sqlite3, media or staticfiles: everything lives in
a temporary directory (or the scratch PostgreSQL database) that is removed at
the end, even on failure or Ctrl-C.

Not a test: it prints a table and writes the same numbers as JSON to
bench-results/<timestamp>.json. See scripts/README.md.
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
PAGE_TYPES = ("home", "category p1", "category p5", "article", "author", "search")

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
urls = {
    "home": ["/"],
    "category p1": [section.get_absolute_url()],
    "category p5": [section.get_absolute_url() + "?page=5"],
    "article": [a.get_absolute_url() for a in [latest, *others]],
    "author": [author.get_absolute_url()],
    # Reader search: common and rare words, phrases, with and without accents.
    "search": [
        "/tim-kiem/?" + urlencode({"q": q})
        for q in ["cong", "giá xăng dầu", "xuat khau gao", "điện mặt trời mái nhà",
                  "doanh nghiep", "thuong mai dien tu", "Đồng bằng sông Cửu Long", "ocop"]
    ],
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
    """What one page type did under load."""

    requests: int
    errors: dict[str, int]
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    stopped_early: bool


@dataclass
class PageResult:
    page: str
    url: str
    queries: int
    sql_ms: float
    load_avg_1min: float  # the machine's load when this page's run started: noise warning
    load: LoadResult


@dataclass
class ScenarioResult:
    backend: str
    cache: str
    facts: dict
    pages: list[PageResult] = field(default_factory=list)
    query_detail: dict = field(default_factory=dict)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="synthetic articles")
    parser.add_argument("--slow-ms", type=float, default=10, help="EXPLAIN queries this slow")
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument("--redis", action="store_true", help="also run with the Redis cache")
    parser.add_argument("--requests", type=int, default=2000, help="requests per page type")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--article-urls", type=int, default=200, help="articles to rotate over")
    parser.add_argument("--page-time-limit", type=float, default=30, help="seconds per page")
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


def base_env(scratch: Scratch, database_url: str, redis: bool) -> dict[str, str]:
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


def load(port, paths, total, concurrency, time_limit):
    """`total` GETs spread over `concurrency` keep-alive connections, URLs in rotation.

    Latency is measured per request from send to last body byte. gunicorn's sync
    workers close the connection after each response; http.client then reconnects,
    so connection setup is part of the latency, as it is for readers behind a proxy.
    """
    ticket = itertools.count()  # next() on a count is atomic under the GIL
    deadline = time.monotonic() + time_limit
    latencies, errors, lock = [], Counter(), threading.Lock()

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=90)
        mine, bad = [], Counter()
        while (i := next(ticket)) < total and time.monotonic() < deadline:
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
                bad[f"HTTP {response.status}"] += 1
            if response.will_close:
                conn.close()
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.update(bad)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summarise(latencies, errors, time.perf_counter() - start, total)


def summarise(latencies, errors, seconds, total):
    done = len(latencies)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if done > 1 else [0] * 99
    return LoadResult(
        requests=done,
        errors=dict(errors),
        seconds=round(seconds, 2),
        rps=round(done / seconds, 1) if seconds else 0.0,
        p50_ms=round(cuts[49] * 1000, 1),
        p99_ms=round(cuts[98] * 1000, 1),
        stopped_early=done + sum(errors.values()) < total,
    )


def warmup_requests(args):
    """Enough to get every worker's code, templates and DB connection warm; not measured."""
    return min(4 * args.concurrency, args.requests)


# --- One scenario -----------------------------------------------------------------------


def run_scenario(backend, cache, scratch, env, args):
    """Query counts, then gunicorn + load for each page type."""
    log(f"{backend}/{cache}: counting queries")
    measured = measure_queries(scratch, env, args.article_urls, args.slow_ms)
    result = ScenarioResult(backend, cache, measured["facts"], query_detail=measured["pages"])
    port = free_port()
    server_log = scratch.root / f"gunicorn-{backend}-{cache}.log"
    server = start_server(scratch, env, port, args.workers, server_log)
    try:
        for page in PAGE_TYPES:
            paths = measured["urls"][page]
            load(port, paths, warmup_requests(args), args.concurrency, 15)
            log(f"{backend}/{cache}: {page}: {args.requests} requests")
            load_avg = os.getloadavg()[0]
            outcome = load(port, paths, args.requests, args.concurrency, args.page_time_limit)
            detail = measured["pages"][page]
            result.pages.append(
                PageResult(
                    page=page,
                    url=paths[0] if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1} more)",
                    queries=max(d["queries"] for d in detail),
                    sql_ms=max(d["sql_ms"] for d in detail),
                    load_avg_1min=round(load_avg, 2),
                    load=outcome,
                )
            )
    finally:
        stop_server(server)
    return result


def run_backend(backend, args, scratch, results):
    """Build one scratch database, measure it (with and without Redis), drop it.

    Appends to `results` as it goes, so a failure later keeps the numbers taken.
    """
    if backend == "postgres":
        create_postgres()
        url = PG_URL
    else:
        url = f"sqlite:///{scratch.root / 'bench.sqlite3'}"
    try:
        env = base_env(scratch, url, redis=False)
        timings = build_database(scratch, env, args.articles, args.seed_timeout)
        for cache in ["locmem", "redis"] if args.redis else ["locmem"]:
            env = base_env(scratch, url, redis=cache == "redis")
            scenario = run_scenario(backend, cache, scratch, env, args)
            scenario.facts.update(timings)
            results.append(scenario)
    finally:
        if backend == "postgres":
            drop_postgres()


def forget_redis_key(scratch):
    """Leave Redis db 15 as we found it (only our cached site settings live there)."""
    code = "import django; django.setup(); from django.core.cache import cache; "
    code += "cache.delete('site-settings')"
    env = base_env(scratch, f"sqlite:///{scratch.root / 'unused.sqlite3'}", redis=True)
    try:
        run([PYTHON, "-c", code], scratch, env, 60, capture=True)
    except (OSError, subprocess.SubprocessError) as exc:
        log(f"could not clean Redis: {exc}")


# --- Report -----------------------------------------------------------------------------


def config_summary(args):
    return {
        "articles_requested": args.articles,
        "requests_per_page_type": args.requests,
        "warmup_requests_per_page_type": warmup_requests(args),
        "concurrency": args.concurrency,
        "article_urls_rotated": args.article_urls,
        "server": f"gunicorn {gunicorn_version()}, {args.workers} sync workers, "
        "DEBUG=0, no access log, 127.0.0.1",
        "client": "Python http.client, one keep-alive connection per thread, same machine",
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
        f"Articles: {config['articles_requested']:,} synthetic | "
        f"{config['requests_per_page_type']} requests per page type "
        f"(+{config['warmup_requests_per_page_type']} warm-up), "
        f"concurrency {config['concurrency']}",
        f"Server: {config['server']} | CPUs: {config['cpu_count']}",
        f"Client: {config['client']}",
        f"Code: {config['git']}",
        "",
        f"{'backend':<9}{'cache':<8}{'page':<13}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'queries':>9}{'sql ms':>9}{'load1':>7}  url",
    ]
    for scenario in results:
        for page in scenario.pages:
            load_ = page.load
            errors = sum(load_.errors.values())
            flag = " (time limit hit)" if load_.stopped_early else ""
            lines.append(
                f"{scenario.backend:<9}{scenario.cache:<8}{page.page:<13}{load_.rps:>8.1f}"
                f"{load_.p50_ms:>9.1f}{load_.p99_ms:>9.1f}{errors:>8}{page.queries:>9}"
                f"{page.sql_ms:>9.1f}{page.load_avg_1min:>7.1f}  {page.url}{flag}"
            )
    for scenario in results:
        facts = ", ".join(f"{k}={v}" for k, v in scenario.facts.items())
        lines.append(f"\n{scenario.backend}/{scenario.cache}: {facts}")
    lines.append(
        "\nqueries / sql ms: one warm request through django.test.Client "
        "(max over up to 5 sample URLs). load1: 1-minute load average when the page's run "
        "started (above the CPU count, other work was competing for the CPUs)."
    )
    lines.extend(format_slow_queries(results))
    return "\n".join(lines)


def format_slow_queries(results):
    """Each slow query once per scenario and page, shortened, with its plan."""
    lines = []
    for scenario in results:
        for page, measured in scenario.query_detail.items():
            for query in measured[0]["slow_queries"]:
                sql = query["sql"]
                short = sql if len(sql) < 300 else f"{sql[:80]} … {sql[sql.find(' FROM ') :]}"
                lines.append(
                    f"\nSlow SQL [{scenario.backend}/{scenario.cache} {page} "
                    f"{measured[0]['url']}] {query['ms']:.1f} ms:\n  {short[:1200]}"
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
                forget_redis_key(scratch)
            shutil.rmtree(scratch.root, ignore_errors=True)
            # A later backend failing must not throw away the numbers already taken.
            if results:
                print(format_table(results, config))
                log(f"JSON: {write_json(results, config)}")


if __name__ == "__main__":
    main()
