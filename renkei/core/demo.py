"""Helpers for the demo loaders of the apps (each app's ``demo.py``): loading twice changes nothing."""


def sync(model, lookup: dict, values: dict, *, find: dict | None = None):
    """Create the row, or bring it in line with `values`, saving only when something differs.
    ``find`` looks the row up when ``lookup`` cannot (a key inside a JSON field). Returns the row and
    what happened: "created", "changed" or "" (nothing)."""
    row = model.objects.filter(**(find or lookup)).first()
    if row is None:
        return model.objects.create(**lookup, **values), "created"
    stale = [name for name, value in values.items() if getattr(row, name) != value]
    if stale:
        for name in stale:
            setattr(row, name, values[name])
        row.save()
    return row, "changed" if stale else ""
