"""The responsible unit (确权) suggested for a case."""

from .selectors import best_rules


def suggest_unit(case):
    """The unit the rules make responsible for ``case``, or None when no rule or two equal rules match."""
    rules = best_rules(case.category, [a for a in (case.community, case.street, case.district) if a])
    return rules[0].unit if len(rules) == 1 else None
