"""The organization tree and everyone's roles as each request needs them, read once per process
(``citymgmt.memo``): scope checks, the command center and role checks cost no query. The objects are
shared between requests: read them, never change and save them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import Group

from citymgmt.memo import Memo

from .choices import OrgKind, Role
from .models import Organization, User


@dataclass
class Tree:
    by_pk: dict[int, Organization]
    subtrees: dict[int, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.roots = [pk for pk, o in self.by_pk.items() if o.parent_id is None]

    @classmethod
    def load(cls) -> Tree:
        return cls({o.pk: o for o in Organization.objects.all()})

    def subtree_ids(self, root: Organization) -> list[int]:
        if root.pk not in self.subtrees:
            self.subtrees[root.pk] = [pk for pk, o in self.by_pk.items() if o.path.startswith(root.path)]
        return self.subtrees[root.pk]

    def is_whole(self, root: Organization) -> bool:
        """``root`` is the root of the only tree: its subtree is everything."""
        return self.roots == [root.pk]

    def command_center(self) -> Organization | None:
        return self._command_center

    @cached_property
    def _command_center(self) -> Organization | None:
        centers = [o for o in self.by_pk.values() if o.kind == OrgKind.COMMAND_CENTER and o.is_active]
        return min(centers, key=lambda o: (o.depth, o.path), default=None)


tree = Memo(Tree.load, Organization)


def organization(pk: int | None) -> Organization | None:
    """The organization from the tree; one made in another process this very second, from the database."""
    if pk is None:
        return None
    return tree().by_pk.get(pk) or Organization.objects.filter(pk=pk).first()


def _load_roles() -> dict[int, frozenset[str]]:
    held = defaultdict(set)
    for user_id, name in User.groups.through.objects.filter(group__name__in=Role.values).values_list(
        "user_id", "group__name"
    ):
        held[user_id].add(name)
    return {user_id: frozenset(names) for user_id, names in held.items()}


roles = Memo(_load_roles, Group, User.groups.through)


def roles_of(user_id: int) -> frozenset[str]:
    return roles().get(user_id, frozenset())
