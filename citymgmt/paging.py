"""Pages of long lists, for the web and the API.

A list is counted exactly up to ``LIST_EXACT_COUNT_UP_TO`` rows (default 10,000); beyond, PostgreSQL's planner
estimates it, marked as such ("≈"): an exact count over millions of cases costs more than the page itself.
The API also pages by key (``?cursor=``): each page starts after the last row of the one before, as fast at
the millionth case as at the first.
"""

from __future__ import annotations

import json
from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from rest_framework import pagination


def estimated_count(queryset: QuerySet) -> int:
    """The planner's estimate of the rows of ``queryset`` (PostgreSQL), read from ``EXPLAIN``."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])


class LongListPaginator(Paginator):
    estimated = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().count
        exact_up_to = settings.LIST_EXACT_COUNT_UP_TO
        keys = rows.order_by().values("pk")  # not the page's annotations: each could be a subquery per row
        bounded = keys[: exact_up_to + 1].count()
        if bounded <= exact_up_to or connections[rows.db].vendor != "postgresql":
            return bounded if bounded <= exact_up_to else keys.count()
        self.estimated = True
        return max(estimated_count(rows), bounded)


class Pagination(pagination.PageNumberPagination):
    """DRF's page numbers, counted as above: ``estimated`` tells whether ``count`` is the planner's estimate."""

    django_paginator_class = LongListPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["estimated"] = self.page.paginator.estimated
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["estimated"] = {"type": "boolean", "description": "count is an estimate (large lists)"}
        return schema


class KeysetPagination(pagination.CursorPagination):
    ordering = ("-reported_at", "-pk")
    page_size = settings.REST_FRAMEWORK["PAGE_SIZE"]


class CasePagination(Pagination):
    """Page numbers, or with ``cursor`` (empty for the first page) pages by key over the newest first."""

    def paginate_queryset(self, queryset, request, view=None):
        self.keyset = KeysetPagination() if "cursor" in request.query_params else None
        if self.keyset:
            return self.keyset.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.keyset.get_paginated_response(data) if self.keyset else super().get_paginated_response(data)
