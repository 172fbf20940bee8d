# MajorCategory and Category moved here from cases; their tables stay where they are (state-only move).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [("cases", "0005_case_handler")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
                    name='MajorCategory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scheme', models.CharField(choices=[('gbt47678.5-2026', 'GB/T 47678.5-2026'), ('cjt214-2007', 'CJ/T 214-2007')], max_length=20, verbose_name='scheme')),
                        ('kind', models.CharField(choices=[('component', 'Component'), ('event', 'Event')], max_length=16, verbose_name='kind')),
                        ('code', models.CharField(max_length=2, verbose_name='code')),
                        ('name', models.CharField(max_length=64, verbose_name='name')),
                    ],
                    options={
                        'verbose_name': 'major category',
                        'verbose_name_plural': 'major categories',
                        'ordering': ['scheme', 'kind', 'code'],
                        'db_table': 'cases_majorcategory',
                        'constraints': [models.UniqueConstraint(fields=('scheme', 'kind', 'code'), name='major_category_unique')],
                    },
                ),
        migrations.CreateModel(
                    name='Category',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=3, verbose_name='minor code')),
                        ('full_code', models.CharField(db_index=True, editable=False, max_length=8, verbose_name='full code')),
                        ('name', models.CharField(max_length=64, verbose_name='name')),
                        ('is_local_extension', models.BooleanField(default=False, help_text='Added by this city, not part of the standard.', verbose_name='local extension')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('urgency', models.CharField(choices=[('normal', 'Normal'), ('urgent', 'Urgent')], default='normal', max_length=8, verbose_name='default urgency')),
                        ('limit_amount', models.PositiveIntegerField(verbose_name='handling limit')),
                        ('limit_unit', models.CharField(choices=[('wmin', 'working minutes'), ('wh', 'working hours'), ('wd', 'working days'), ('h', 'natural hours'), ('d', 'natural days')], max_length=4, verbose_name='limit unit')),
                        ('default_unit_type', models.CharField(blank=True, choices=[('government', 'District government'), ('department', 'Functional department'), ('company', 'Company'), ('street', 'Street office')], max_length=16, verbose_name='default responsible unit type')),
                        ('registration_criteria', models.TextField(blank=True, verbose_name='registration criteria')),
                        ('closure_criteria', models.TextField(blank=True, verbose_name='closure criteria')),
                        ('major', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='minors', to='classification.majorcategory', verbose_name='major')),
                    ],
                    options={
                        'verbose_name': 'category',
                        'verbose_name_plural': 'categories',
                        'ordering': ['major__scheme', 'full_code'],
                        'db_table': 'cases_category',
                        'constraints': [models.UniqueConstraint(fields=('major', 'code'), name='minor_category_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
