#!/usr/bin/env python
"""Load held while the newsroom works: readers hammer the home and article pages at a
fixed rate while an editor edits and publishes through the admin every few seconds.

A scratch copy of the site (SQLite in a temporary folder, or --database-url) is seeded
with `seed_demo --articles N`; gunicorn serves it as in production (DEBUG off, sync
workers); wrk (scripts/wrk_fixed_rate.lua) requests the home page and article pages
at --rate requests/s for --duration seconds; meanwhile an editor — a real logged-in
HTTP session through the admin's login and article forms — saves an edit of one
article every --edit-every seconds, alternating with publishing a new draft.

Reported: readers' requests, rate, p50/p99, 5xx and socket errors; the editor's saves,
admin p50/p99/max, and lost edits — every edit the editor saved is looked up among the
article's revisions afterwards (its unique marker must be in one of the article's
revisions, and the last one in its current text). The machine may be shared: the figures
are indicative, the counts of errors and lost edits are not.

    .venv/bin/python scripts/load_while_publishing.py --duration 60 --rate 400
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.processes import (  # noqa: E402 - the project's own helpers, from its root
    AppServer,
    Browser,
    app_environment,
    manage,
)

EDITOR = "tongbientap"
PASSWORD = "mat-khau-tai-thu-123"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


PICK = r"""
import json
from articles.models import Article
published = list(Article.objects.published().order_by("-published_at")[:200])
drafts = []
for number, source in enumerate(published[100:110], start=1):  # "Chờ duyệt": to publish
    copy = Article.objects.create(
        title=f"Bài chờ duyệt số {number}: {source.title}"[:200], sapo=source.sapo,
        body=source.body, category=source.category, status="edited",
    )
    copy.bylines.set(source.bylines.all())
    drafts.append(copy.pk)
print(json.dumps({
    "paths": [a.get_absolute_url() for a in published],
    "edited": published[0].pk,
    "drafts": drafts,
}))
"""

REVISIONS = r"""
import json, sys
from articles.models import Article, ArticleRevision
markers = json.loads(sys.stdin.read())
found = {}
for marker, pk in markers.items():
    texts = [r.content.get("body", "") for r in ArticleRevision.objects.filter(article_id=pk)]
    found[marker] = sum(marker in text for text in texts)
current = {pk: Article.objects.get(pk=pk).body for pk in set(markers.values())}
published = Article.objects.published().filter(pk__in=PUBLISHED).count()
print(json.dumps({"found": found, "current": {str(k): v for k, v in current.items()},
                  "published": published}))
"""


class Editor(threading.Thread):
    """Logs in through the admin, then every `every` seconds saves an edit of the
    article `edited` (a unique marker in its body) or publishes the next draft."""

    def __init__(self, base, edited, drafts, every, stop):
        super().__init__(daemon=True)
        self.browser = Browser(base)
        self.edited, self.drafts, self.every, self.stop_event = edited, list(drafts), every, stop
        self.latencies, self.failures, self.markers, self.published = [], [], {}, []

    def timed(self, call):
        started = time.monotonic()
        result = call()
        self.latencies.append(time.monotonic() - started)
        return result

    def run(self):
        self.timed(lambda: self.browser.login(EDITOR, PASSWORD))
        turn = 0
        while not self.stop_event.wait(0 if turn == 0 else self.every):
            turn += 1
            try:
                if turn % 2 == 1 or not self.drafts:
                    self.edit(turn)
                elif self.drafts:
                    self.publish(self.drafts.pop(0))
            except Exception as error:  # noqa: BLE001 - every failure is reported
                self.failures.append(f"turn {turn}: {type(error).__name__}: {error}")

    def edit(self, turn):
        marker = f"ban-sua-{turn}-{time.time_ns()}"
        path = f"/admin/articles/article/{self.edited}/change/"
        page = self.timed(lambda: self.browser.get(path))
        if page.status != 200:
            raise RuntimeError(f"GET {path}: {page.status}")
        from tests.processes import form_fields

        fields = form_fields(page.text, "article_form")
        body = re.sub(r"<p>Cập nhật ban-sua-[0-9-]+\.</p>\s*", "", fields.get("body", ""))
        fields["body"] = body + f"<p>Cập nhật {marker}.</p>"
        fields["_continue"] = "1"
        saved = self.timed(lambda: self.browser.request(path, fields))
        if saved.status != 200 or "errornote" in saved.text or "desk-errors" in saved.text:
            raise RuntimeError(f"save {path}: {saved.status}")
        self.markers[marker] = self.edited

    def publish(self, pk):
        path = f"/admin/articles/article/{pk}/change/"
        page = self.timed(lambda: self.browser.get(path))
        from tests.processes import form_fields

        fields = form_fields(page.text, "article_form")
        fields.update(_transition="publish", override_reason="Thử tải: xuất bản khi đang tải")
        response = self.timed(lambda: self.browser.request(path, fields))
        if response.status >= 500:
            raise RuntimeError(f"publish {path}: {response.status}")
        self.published.append(pk)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--rate", type=int, default=400, help="readers' requests/s (total)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--edit-every", type=float, default=10, help="seconds between saves")
    parser.add_argument("--articles", type=int, default=2000, help="seed_demo --articles")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--database-url", help="a scratch database (default: SQLite)")
    parser.add_argument(
        "--redis-url",
        help="a Redis database to use as the shared cache (FLUSHED first; default: none, "
        "each worker caches pages in its own memory)",
    )
    parser.add_argument("--no-editor", action="store_true", help="readers only (a baseline)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args(argv)
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk not found (apt-get install wrk)")

    scratch = Path(tempfile.mkdtemp(prefix="toasoan-load-"))
    env = app_environment(
        args.database_url or f"sqlite:///{scratch / 'db.sqlite3'}",
        MEDIA_ROOT=scratch / "media",
        PAGE_CACHE_STATE_FILE="" if args.redis_url else scratch / "page-cache",
        REDIS_URL=args.redis_url or "",
    )
    if args.redis_url:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    server = None
    try:
        log("migrating and seeding")
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo", "--articles", str(args.articles), "--password", PASSWORD,
               timeout=3600)  # fmt: skip
        picked = json.loads(manage(env, "shell", "--no-imports", "-c", PICK).stdout)
        paths_file = scratch / "paths.txt"
        paths_file.write_text("\n".join(["/"] * 20 + picked["paths"]) + "\n")

        server = AppServer(env, workers=args.workers)
        log(f"gunicorn ({args.workers} workers) at {server.base}")
        delay_ms = max(0, int(args.connections * 1000 / args.rate))
        stop = threading.Event()
        editor = Editor(server.base, picked["edited"], picked["drafts"], args.edit_every, stop)
        log(f"wrk: {args.rate} requests/s for {args.duration} s; editor every {args.edit_every} s")
        if not args.no_editor:
            editor.start()
        result = subprocess.run(
            [wrk, "-t", "2", "-c", str(args.connections), "-d", f"{args.duration}s",
             "--timeout", "10s", "-s", str(ROOT / "scripts" / "wrk_fixed_rate.lua"),
             server.base],
            env={**os.environ, "WRK_PATHS": str(paths_file), "WRK_DELAY_MS": str(delay_ms)},
            capture_output=True, text=True, timeout=args.duration + 120,
        )  # fmt: skip
        stop.set()
        if editor.is_alive():
            editor.join(60)
        line = next((x for x in result.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
        if line is None:
            sys.exit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
        readers = json.loads(line.removeprefix("WRK_JSON "))

        checked = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c",
             REVISIONS.replace("PUBLISHED", json.dumps(editor.published))],
            cwd=ROOT, env=env, input=json.dumps(editor.markers), capture_output=True,
            text=True, check=True,
        )  # fmt: skip
        found = json.loads(checked.stdout)
        lost = [m for m, count in found["found"].items() if count == 0]
        last = max(editor.markers, key=lambda m: int(m.split("-")[2]), default=None)
        last_missing = last is not None and all(last not in v for v in found["current"].values())
        server_log_5xx = len(re.findall(r"Internal Server Error|Traceback", server.output()))
        seconds = readers["duration_us"] / 1e6
        report = {
            "readers": {
                "requests": readers["requests"],
                "requests_per_s": round(readers["requests"] / seconds, 1),
                "target_per_s": args.rate,
                "p50_ms": round(readers["p50_us"] / 1000, 1),
                "p99_ms": round(readers["p99_us"] / 1000, 1),
                "5xx": readers["5xx"],
                "non_2xx_3xx": readers["non_2xx_3xx"],
                "socket_errors": readers["errors"],
            },
            "editor": {
                "saves": len(editor.markers),
                "publish_attempts": len(editor.published),
                "published": found["published"],
                "failures": editor.failures,
                "admin_requests": len(editor.latencies),
                "admin_p50_ms": round(1000 * statistics.median(editor.latencies), 1)
                if editor.latencies
                else None,
                "admin_p99_ms": round(1000 * percentile(editor.latencies, 0.99), 1)
                if editor.latencies
                else None,
                "admin_max_ms": round(1000 * max(editor.latencies), 1)
                if editor.latencies
                else None,
            },
            "lost_edits": len(lost) + int(last_missing),
            "server_errors_logged": server_log_5xx,
            "workers": args.workers,
            "cache": "redis" if args.redis_url else "per-worker memory",
            "articles": args.articles,
            "cpus": os.cpu_count(),
            "load_average_after": os.getloadavg(),
        }
        print(json.dumps(report, ensure_ascii=False, indent=None if args.json else 2))
        return 0 if not (readers["5xx"] or lost or last_missing or editor.failures) else 1
    finally:
        if server:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
