"""How the `manage.py seed_demo` data (places, guides, firms) is written: each row is found by
its natural key and saved only when a value differs, so a second run writes nothing.

`tally` counts what happened per model, for the summary the command prints.
"""

from collections import Counter

from django.db import models

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def sync_row(model, lookup: dict, values: dict, tally: Counter):
    """Get the row matching `lookup` (a natural key) and make it hold `values`.

    Returns the row. See `save_row()` for what is written and counted.
    """
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    return save_row(obj, values, tally)


def save_row(obj, values: dict, tally: Counter):
    """Give `obj` the field `values`, saving only when needed; count what happened.

    A new (unsaved) row is created through `save()`, so model logic such as City's copy of
    the country or a guide's Markdown rendering runs. An existing row is saved once, and only
    when some value differs, so an unchanged row costs no write at all. `tally` counts
    (model name, "created" / "updated" / "unchanged").
    """
    name = type(obj).__name__
    if obj._state.adding:
        for field, value in values.items():
            setattr(obj, field, value)
        obj.save()
        tally[name, CREATED] += 1
        return obj
    changed = [field for field, value in values.items() if _current(obj, field) != _key(value)]
    if not changed:
        tally[name, UNCHANGED] += 1
        return obj
    for field in changed:
        setattr(obj, field, values[field])
    obj.save()
    tally[name, UPDATED] += 1
    return obj


def _key(value):
    return value.pk if isinstance(value, models.Model) else value


def _current(obj, field):
    # Compare foreign keys by id, without loading the related row.
    model_field = obj._meta.get_field(field)
    if model_field.is_relation and model_field.many_to_one:
        return getattr(obj, model_field.attname)
    return getattr(obj, field)
