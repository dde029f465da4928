import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("footprint", "0015_data_requests"),
    ]

    operations = [
        migrations.AlterField(
            model_name="backgroundjob",
            name="kind",
            field=models.CharField(choices=[("issue", "签发"), ("draft_pdf", "草稿 PDF"), ("import", "导入")],
                                   max_length=20),
        ),
        migrations.CreateModel(
            name="StudyDataVersion",
            fields=[
                ("study", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                               related_name="data_version", serialize=False,
                                               to="footprint.study")),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "研究数据版本",
                "verbose_name_plural": "研究数据版本",
            },
        ),
    ]
