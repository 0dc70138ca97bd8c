#!/usr/bin/env python3
"""Search latency as one reader sees it: the whole `/tim-kiem/` page, one request at a
time, over the database `DATABASE_URL` points at (seed it first with
`manage.py seed_demo --articles 100000`).

Runs a mix of queries (unaccented, accented, upper case, NFD, phrases, rare and common
words, typos, a second results page) `--rounds` times through Django's test client in
this process, the page cache playing no part (search pages are never cached), and
prints p50, p90, p99 and the slowest, overall and per query. Not a test: a measurement
for docs/performance.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/toasoan_bench \\
        .venv/bin/python scripts/search_latency.py --rounds 5
"""

import argparse
import os
import statistics
import sys
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

QUERIES = [
    "cong thuong",
    "Công Thương",
    "CÔNG THƯƠNG",
    unicodedata.normalize("NFD", "Công Thương"),
    "xuất khẩu",
    "xuat khau gao",
    "giá xăng dầu",
    "thi đua",
    '"thi đua"',
    "điện mặt trời mái nhà",
    "dien gio ngoai khoi",
    "doanh nghiệp nhỏ và vừa",
    "thương mại điện tử",
    "hàng Việt",
    "Đắk Lắk cà phê",
    "thép",
    "năng lượng tái tạo",
    "khuyen mai",
    "cong nghiep ho tro",
    "thi truong ban le",
    "xang",
    "giá",
    "chuỗi cung ứng toàn cầu",
    "nong san",
    "thuong mai dien tu xuyen bien gioi",
    "xuaat khau",  # typo
    "cong thuonh",  # typo
    "zzzzqqq",  # no result
]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="times each query runs")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from articles.models import Article

    client = Client()
    paths = [f"/tim-kiem/?{urlencode({'q': q})}" for q in QUERIES]
    paths.append(f"/tim-kiem/?{urlencode({'q': 'cong thuong', 'page': 2})}")
    for path in paths:  # warm-up: connections, templates, the database's own caches
        assert client.get(path).status_code == 200, path
    timings = {path: [] for path in paths}
    for _ in range(args.rounds):
        for path in paths:
            start = time.perf_counter()
            response = client.get(path)
            timings[path].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, path
    every = [ms for values in timings.values() for ms in values]
    print(
        f"{connection.vendor}, {Article.objects.published().count():,} published articles, "
        f"DEBUG={settings.DEBUG}, {len(every)} requests"
    )
    print(
        f"search page ms: p50 {statistics.median(every):.1f}  p90 {percentile(every, 0.9):.1f}  "
        f"p99 {percentile(every, 0.99):.1f}  max {max(every):.1f}"
    )
    for path, values in sorted(timings.items(), key=lambda item: -statistics.median(item[1])):
        print(f"  {statistics.median(values):7.1f} ms  {path}")


if __name__ == "__main__":
    main()
