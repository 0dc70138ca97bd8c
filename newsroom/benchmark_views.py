"""The benchmark's ceiling: a constant 30 KB page through the full middleware stack.

Only routed when BENCHMARK_CEILING is set (scripts/benchmark.py sets it in its scratch
environment); it measures what the stack itself costs, so every page's requests per
second can be read as a share of it.
"""

from django.http import HttpResponse

_ROW = "<p>Trang trần của phép đo hiệu năng: nội dung cố định, không truy vấn.</p>\n"
CEILING_HTML = (
    "<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Trần</title></head>"
    "<body>" + _ROW * (30_000 // len(_ROW.encode())) + "</body></html>"
).encode()


def ceiling(request):
    return HttpResponse(CEILING_HTML, content_type="text/html; charset=utf-8")
