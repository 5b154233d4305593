"""One way to read numbers from a request: every integer is bounded to what the database can hold.

Ids and numbers arrive in paths (``<int:practice_id>``), queries (``?theme=``, ``?page=``) and
forms. Python's integers have no limit, the databases' do: SQLite refuses a parameter beyond 64
bits (``OverflowError``), PostgreSQL an ``integer`` beyond 32 bits. So a number outside
``INT_MIN..INT_MAX`` (PostgreSQL's ``integer``, the narrowest column the ids and counts live in) is
never handed on:

* the ``int`` URL converter is replaced once for the whole URL map: a path id out of range
  matches no route, and the visitor gets the usual 404 (every ``<int:...>``, present and future);
* ``int_arg()`` / ``int_list()`` read a query or form parameter (``None`` or the default when
  absent, malformed or out of range), and even ``request.args.get(name, type=int)`` is bounded
  (the request's parameter dictionaries are ``BoundedMultiDict``);
* form fields coerce with ``db_int`` (out of range: the field's own error, in the user's language:
  the one WTForms message about it that its French catalogue lacks is supplied here);
  ``tests/robustness/test_bounds.py`` checks every form's integer fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, overload

from babel import support
from flask import Flask, Request, request
from flask_babel import get_locale
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, ValidationError
from wtforms.i18n import messages_path

#: PostgreSQL's ``integer``: the narrowest integer column of the schema (SQLite's are 64-bit).
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
_MAX_DIGITS = len(str(INT_MAX))


@overload
def bounded_int(value: object, default: int, *, minimum: int = INT_MIN, maximum: int = INT_MAX) -> int: ...
@overload
def bounded_int(
    value: object, default: None = None, *, minimum: int = INT_MIN, maximum: int = INT_MAX
) -> int | None: ...
def bounded_int(
    value: object, default: int | None = None, *, minimum: int = INT_MIN, maximum: int = INT_MAX
) -> int | None:
    """``value`` (a string from a request, or an int) as an int within ``minimum..maximum``;
    ``default`` when it is absent, not a whole number or out of range."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        digits = text.lstrip("+-").lstrip("0")
        if not text or len(digits) > _MAX_DIGITS:  # before int(): no arbitrary-length conversions
            return default
        try:
            number = int(text)
        except ValueError:
            return default
    return number if max(minimum, INT_MIN) <= number <= min(maximum, INT_MAX) else default


@overload
def int_arg(name: str, default: int, *, minimum: int = 1, maximum: int = INT_MAX, source=None) -> int: ...
@overload
def int_arg(
    name: str, default: None = None, *, minimum: int = 1, maximum: int = INT_MAX, source=None
) -> int | None: ...
def int_arg(
    name: str, default: int | None = None, *, minimum: int = 1, maximum: int = INT_MAX, source=None
) -> int | None:
    """A number from the query string (or ``source``: ``request.form``, ``request.values``).
    Ids and pages start at 1, hence the default ``minimum``."""
    values = request.args if source is None else source
    return bounded_int(values.get(name), default, minimum=minimum, maximum=maximum)


def int_list(name: str, *, minimum: int = 1, maximum: int = INT_MAX, source=None) -> list[int]:
    """Every valid number given for ``name`` (checkboxes), in order, without duplicates."""
    values = request.args if source is None else source
    found: list[int] = []
    for raw in values.getlist(name):
        number = bounded_int(raw, minimum=minimum, maximum=maximum)
        if number is not None and number not in found:
            found.append(number)
    return found


def db_int(value) -> int:
    """A WTForms ``coerce``: the int, or ``ValueError`` (the field's error) when out of range."""
    number = bounded_int(value)
    if number is None:
        raise ValueError(f"not an integer the database can hold: {str(value)[:20]!r}")
    return number


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` for the whole URL map: at most ``INT_MAX`` (a larger id is a 404)."""

    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed: bool = False
    ):
        super().__init__(map, fixed_digits, min, INT_MAX if max is None else max, signed)

    def to_python(self, value: str):
        if len(value.lstrip("+-").lstrip("0")) > _MAX_DIGITS:
            raise ValidationError()
        return super().to_python(value)


class BoundedMultiDict(ImmutableMultiDict):
    """Query and form parameters whose ``get(..., type=int)`` and ``getlist(..., type=int)`` answer
    only numbers in the database's range (else the default, or nothing)."""

    # Werkzeug's own overloads of get() disagree with its implementation, which it ignores too.
    def get(  # type: ignore[override]
        self,
        key: Any,
        default: Any = None,
        type: Callable[[Any], Any] | None = None,  # Werkzeug's name for it
    ) -> Any:
        if type is int:
            return bounded_int(super().get(key), default)
        if type is None:
            return super().get(key, default)
        return super().get(key, default, type)

    def getlist(self, key: Any, type: Callable[[Any], Any] | None = None) -> list[Any]:
        if type is int:
            return [n for n in (bounded_int(v) for v in super().getlist(key)) if n is not None]
        if type is None:
            return super().getlist(key)
        return super().getlist(key, type)


#: WTForms messages its own French catalogue leaves untranslated.
_WTFORMS_FR = {
    "Invalid choice(s): one or more data inputs could not be coerced.": (
        "Choix non valide : une ou plusieurs valeurs ne peuvent pas être converties."
    ),
}


class _FormMessages:
    """WTForms' catalogue for the request's language, completed by ``_WTFORMS_FR``."""

    def __init__(self) -> None:
        self.locale = str(get_locale() or "fr")
        self.catalogue = support.Translations.load(messages_path(), [self.locale], domain="wtforms")

    def ugettext(self, string: str) -> str:
        if self.locale.startswith("fr") and string in _WTFORMS_FR:
            return _WTFORMS_FR[string]
        return self.catalogue.ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalogue.ungettext(singular, plural, n)


def init_app(app: Flask) -> None:
    """After the extensions that set their request class (htmx), before any blueprint (a rule's
    converter is chosen when the rule is added)."""
    app.url_map.converters["int"] = BoundedIntConverter
    base: type[Request] = app.request_class
    app.request_class = type(
        "BoundedRequest",
        (base,),
        {
            "parameter_storage_class": BoundedMultiDict,
            # Read by Flask-WTF for the forms' own messages.
            "wtforms_translations": cached_property(lambda _request: _FormMessages()),
        },
    )
