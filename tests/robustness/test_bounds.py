"""Numbers from a request never exceed what the database holds: a path id out of range is "not
found", a query number out of range is ignored, a form number out of range is the field's error in
the reader's language. Generated from the URL map and from every form class, so new routes and
forms are covered as they land."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms import DecimalField, FloatField, IntegerField
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange

from intranet import params
from intranet.params import INT_MAX, INT_MIN, bounded_int, db_int
from tests.factories.practices import form_data

ROOT = Path(__file__).resolve().parents[2]
HUGE = ("99999999999999999999999", str(2**63), str(2**31), "9" * 5000)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("+3", 3),
        ("-4", -4),
        ("0012", 12),
        (42, 42),
        (str(INT_MAX), INT_MAX),
        (str(INT_MIN), INT_MIN),
        (str(INT_MAX + 1), None),
        (str(INT_MIN - 1), None),
        ("9" * 5000, None),
        ("1e3", None),
        ("", None),
        (None, None),
        ("douze", None),
        ("1.5", None),
        (True, None),
        ("\x00", None),
        ("١٢", 12),
    ],
)
def test_bounded_int(value, expected):
    assert bounded_int(value) == expected


def test_int_arg_and_int_list_read_only_numbers_in_range(app):
    query = "theme=5&page=0&org=-3&big=99999999999999999999&present=1&present=x&present=1&present=7"
    with app.test_request_context("/?" + query):
        assert params.int_arg("theme") == 5
        assert params.int_arg("page", 1) == 1 and params.int_arg("org") is None
        assert params.int_arg("big") is None and params.int_arg("absent", 9) == 9
        assert params.int_list("present") == [1, 7]
        # Even the plain Werkzeug call, in a view that forgot the helper, is bounded.
        from flask import request

        assert request.args.get("big", type=int) is None
        assert request.args.get("org", type=int) == -3
        assert request.args.getlist("present", type=int) == [1, 1, 7]


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        ints = [arg for arg, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            yield rule, ints


def test_every_int_converter_is_bounded(app):
    routes = list(_int_routes(app))
    assert len(routes) > 30
    assert all(
        isinstance(conv, params.BoundedIntConverter) and conv.max <= INT_MAX
        for rule, _ints in routes
        for conv in rule._converters.values()
        if isinstance(conv, IntegerConverter)
    )


def test_a_path_id_beyond_the_database_is_not_found(app, login_as, client):
    admin, _ = login_as("admin")
    tried = 0
    for rule, ints in _int_routes(app):
        values = {arg: 1 if arg in ints else "x" for arg in rule._converters}
        for arg in ints:
            huge = HUGE[tried % 3]
            url = rule.build({**values, arg: int(huge)}, append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                for who, headers in ((admin, {}), (admin, {"HX-Request": "true"}), (client, {})):
                    response = who.open(url, method=method, headers=headers)
                    assert response.status_code == 404, (method, url, response.status_code)
                    tried += 1
    assert tried > 100


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("member", "/pratiques/?theme={n}&region={n}&org={n}&page={n}"),
        ("member", "/plaidoyer/bibliotheque?annee={n}"),
        ("member", "/formations/?region={n}&theme={n}&page={n}"),
        ("member", "/formations/calendrier?region={n}&theme={n}"),
        ("member", "/notifications?page={n}"),
        ("admin", "/gestion/journal?organization={n}&page={n}"),
    ],
)
def test_query_numbers_beyond_the_database_are_ignored(login_as, role, url):
    client, _ = login_as(role)
    for n in HUGE + ("-99999999999999999999999",):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url.format(n=n), headers=headers)
            assert response.status_code == 200, (url, n[:30], response.status_code)


def _form_classes() -> list[type]:
    found, todo = [], [FlaskForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("intranet."):
                found.append(sub)
    return found


def _unbound_fields(form_class):
    for name in dir(form_class):
        value = getattr(form_class, name, None)
        if isinstance(value, UnboundField):
            yield name, value


def test_every_form_number_is_bounded_to_the_database(app):
    """Number fields carry a range within the database's; choice fields coerce with ``db_int``
    (or anything else that refuses a number out of range)."""
    forms = _form_classes()
    assert len(forms) > 15
    problems, numbers, coerced = [], 0, 0
    for form_class in forms:
        for name, field in _unbound_fields(form_class):
            where = f"{form_class.__module__}.{form_class.__name__}.{name}"
            if issubclass(field.field_class, IntegerField | DecimalField | FloatField):
                numbers += 1
                validators = list(
                    field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else [])
                )
                ranges = [v for v in validators if isinstance(v, NumberRange)]
                if not any(
                    r.min is not None and r.max is not None and INT_MIN <= r.min and r.max <= INT_MAX
                    for r in ranges
                ):
                    problems.append(
                        f"{where}: a number field needs NumberRange(min, max) within the database's range"
                    )
            coerce = field.kwargs.get("coerce")
            if coerce is not None and coerce is not str:
                coerced += 1
                for value in ("9" * 30, "-" + "9" * 30, str(INT_MAX + 1)):
                    try:
                        result = coerce(value)
                    except (ValueError, TypeError):
                        continue
                    if isinstance(result, int) and not INT_MIN <= result <= INT_MAX:
                        problems.append(
                            f"{where}: coerce={getattr(coerce, '__name__', coerce)} lets {value[:12]}… "
                            "through (use params.db_int)"
                        )
    assert numbers >= 1 and coerced >= 5
    assert not problems, "\n".join(problems)


def test_db_int_refuses_what_the_database_cannot_hold():
    assert db_int("12") == 12
    for value in ("9" * 30, "abc", ""):
        with pytest.raises(ValueError):
            db_int(value)


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("fr", "Choix non valide : une ou plusieurs valeurs ne peuvent pas être converties."),
        ("en", "Invalid choice(s): one or more data inputs could not be coerced."),
    ],
)
def test_a_form_number_out_of_range_is_the_field_s_error_in_the_reader_s_language(login_as, locale, message):
    client, _ = login_as("member", locale=locale)
    response = client.post(
        "/pratiques/nouvelle", data=form_data(themes=["9" * 30]), content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_session_s_capacity_out_of_range_is_a_form_error(db, login_as):
    from intranet.trainings.models import Training

    client, _ = login_as("staff")
    training = Training(title="Plan de sécurité", description="", audience="", trainer="", language="fr")
    db.session.add(training)
    db.session.flush()
    for capacity in ("9" * 30, "9" * 5000, "-" + "9" * 30):
        response = client.post(
            f"/formations/gestion/{training.id}/seances/nouvelle",
            data={
                "starts_at": "2031-05-10T09:00",
                "ends_at": "2031-05-10T13:00",
                "format": "online",
                "capacity": capacity,
                "online_url": "https://visio.example/a",
            },
        )
        assert response.status_code == 422
        text = response.get_data(as_text=True)
        assert "Entre 1 et 2000 places." in text or "N'est pas un entier valide." in text


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def test_views_read_numbers_through_the_one_helper():
    """No ``int(request...)`` and no ``type=int``: ``params.int_arg``/``int_list``/``bounded_int``."""
    problems = []
    for path in sorted((ROOT / "intranet").rglob("*.py")):
        if path.name == "params.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for call in _calls(tree):
            text = ast.unparse(call)
            if isinstance(call.func, ast.Name) and call.func.id == "int" and "request." in text:
                problems.append(f"{path.relative_to(ROOT)}:{call.lineno}: {text}")
            if any(k.arg == "type" and ast.unparse(k.value) == "int" for k in call.keywords):
                problems.append(f"{path.relative_to(ROOT)}:{call.lineno}: {text}")
    assert not problems, "\n".join(problems)
