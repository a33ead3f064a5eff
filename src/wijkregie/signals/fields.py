"""Model fields that store a value only encrypted (``crypto``: the identity keys).

The attribute holds the plain value (str or float); the column holds a Fernet token,
written on save and decrypted when read, also through ``values()``. The database can
neither filter nor sort on such a field beyond ``isnull``: searches and orderings by
these values happen in Python, after the scoping selector has chosen the rows.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import models

from wijkregie.signals import crypto


class _Encrypted(models.BinaryField):
    """Base: a nullable BinaryField whose Python value is not bytes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def encrypt(self, value: Any) -> bytes:
        raise NotImplementedError

    def decrypt(self, token: bytes) -> Any:
        raise NotImplementedError

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else self.decrypt(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return self.encrypt(value)

    def value_to_string(self, obj: models.Model) -> str:
        # Serialised (dumpdata) as the token, never as the plain value.
        value = self.value_from_object(obj)
        return "" if value is None else self.encrypt(value).decode()


class EncryptedTextField(_Encrypted):
    """Free text of a personal-data record: a description, an address, a reason."""

    def get_default(self) -> Any:
        return "" if not self.null and not self.has_default() else super().get_default()

    def encrypt(self, value: Any) -> bytes:
        return crypto.encrypt_text(str(value))

    def decrypt(self, token: bytes) -> str:
        return crypto.decrypt_text(token)


class EncryptedFloatField(_Encrypted):
    """An exact coordinate."""

    def encrypt(self, value: Any) -> bytes:
        return crypto.encrypt_number(float(value))

    def decrypt(self, token: bytes) -> float:
        return crypto.decrypt_number(token)


GRID_CELL_M = 250.0  # the signal map's grid (feeds.grid_cells)


def grid_index(metres: float | None) -> int | None:
    return None if metres is None else math.floor(float(metres) / GRID_CELL_M)


class GridIndexField(models.IntegerField):
    """The plain grid cell index of an encrypted coordinate, computed from it whenever
    the row is saved (``pre_save`` runs for ``save()`` and ``bulk_create``)."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, kwargs | {"source": self.source}

    def pre_save(self, model_instance: models.Model, add: bool) -> int | None:
        value = grid_index(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class KeyedHashField(models.CharField):
    """The keyed hash (``crypto.group_name_hash``) of an encrypted field, computed from
    it whenever the row is saved, so that an exact look-up needs no plain column."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, kwargs | {"source": self.source}

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = crypto.group_name_hash(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
