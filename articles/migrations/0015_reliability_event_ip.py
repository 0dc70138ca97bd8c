from django.db import migrations, models

import newsroom.requestlog


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_discovery"),
    ]

    operations = [
        migrations.AddField(
            model_name="articleevent",
            name="ip",
            field=models.GenericIPAddressField(
                blank=True,
                default=newsroom.requestlog.current_ip,
                editable=False,
                null=True,
                unpack_ipv4=True,
                verbose_name="địa chỉ IP",
            ),
        ),
    ]
