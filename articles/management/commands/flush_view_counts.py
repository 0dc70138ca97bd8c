"""Move the view counters from the cache into the database (cron-able, e.g. every minute).

The beacons also flush by themselves at most once a minute, so the site needs no cron;
with a shared cache (Redis), cron keeps the most-read lists current on a quiet night.
"""

from django.core.management.base import BaseCommand, CommandError

from articles import readership
from articles.text import thousands


class Command(BaseCommand):
    help = "Ghi số lượt xem đang đếm trong bộ nhớ đệm vào cơ sở dữ liệu."

    def handle(self, *args, **options):
        written = readership.flush()
        if written is None:
            raise CommandError("Một lần ghi khác đang chạy; thử lại sau.")
        self.stdout.write(f"Đã ghi {thousands(written)} lượt xem.")
