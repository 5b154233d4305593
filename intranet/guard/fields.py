"""The guard on forms: one field type for every free text that others can read.

A ``GuardedForm`` scans its guarded fields after their own validators ran. A finding of a kind
the field refuses (a street address in a profile) is an error no checkbox lifts; the others are
errors until the person ticks the confirmation box, which confirms exactly the findings it was
shown (its value is their fingerprint: a new finding typed afterwards asks again).
"""

from __future__ import annotations

import hashlib

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, Field, StringField, TextAreaField

from .detect import Finding, scan


class _Guarded(Field):
    """Mixin for text fields: ``refuse`` is a tuple of kinds, or ``"all"``; ``expect`` the kinds
    this field is for and that are not findings here (a person's own name in "Nom", a trainer's
    name, the minister a brief is addressed to)."""

    guarded = True

    def __init__(
        self, *args, refuse: tuple[str, ...] | str = (), expect: tuple[str, ...] = (), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.refuse = refuse
        self.expect = tuple(expect)
        self.findings: list[Finding] = []

    def refuses(self, finding: Finding) -> bool:
        return self.refuse == "all" or finding.kind in self.refuse

    def guard_text(self) -> str:
        """The text the guard reads (and shows findings in)."""
        return self.data if isinstance(self.data, str) else ""

    def scan(self) -> list[Finding]:
        return [f for f in scan(self.guard_text()) if f.kind not in self.expect]


class GuardedStringField(_Guarded, StringField):
    pass


class GuardedTextAreaField(_Guarded, TextAreaField):
    pass


#: The name of the button (and of the live request's value) that asks for a preview of a field.
PREVIEW_PARAM = "_preview"


class GuardedMarkdownField(GuardedTextAreaField):
    """A text written in Markdown: ``_forms.html``'s ``field(f)`` shows it as the editor (formatting
    help, a preview with or without script; see ``intranet.writing``). ``render`` names the renderer
    the text's page uses (``intranet.markdown.register_renderer``), so the preview looks the same."""

    markdown = True

    def __init__(self, *args, render: str = "markdown", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.renderer = render


def _readable_name(filename: str) -> str:
    """« Léa_Tremblay-7ans.pdf » -> « Léa Tremblay 7ans »: a file name as the words it holds."""
    stem = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem[1:] else stem
    return " ".join(stem.replace("_", " ").replace("+", " ").replace("-", " ").split())


class _GuardedFiles(_Guarded):
    """File fields: the guard reads the names of the files (others see them in the list of
    attachments), one per line."""

    def guard_text(self) -> str:
        data = self.data if isinstance(self.data, list | tuple) else [self.data]
        names = [getattr(item, "filename", None) or "" for item in data if item]
        return "\n".join(_readable_name(name) for name in names if name)


class GuardedFileField(_GuardedFiles, FileField):
    pass


class GuardedMultipleFileField(_GuardedFiles, MultipleFileField):
    pass


class ConfirmField(BooleanField):
    """The confirmation box; checked only when it carries the fingerprint of what was shown."""

    fingerprint: str = ""

    def confirms(self, fingerprint: str) -> bool:
        return bool(self.raw_data and self.raw_data[0] == fingerprint)


def fingerprint(findings: list[tuple[_Guarded, Finding]]) -> str:
    parts = sorted(f"{field.name}\x1f{finding.kind}\x1f{finding.excerpt}" for field, finding in findings)
    return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()[:20]


def _kinds_sentence(findings: list[Finding]) -> str:
    labels: list[str] = []
    for finding in findings:
        label = str(finding.label)
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


class GuardedForm(FlaskForm):
    confirm_personal = ConfirmField(
        _l(
            "J’ai relu les passages signalés : ils ne permettent de reconnaître ni une personne "
            "accompagnée ni une maison, et je les publie tels quels."
        )
    )

    @property
    def previewing(self) -> bool:
        """The person asked to see a Markdown field formatted (the "Prévisualiser" button)."""
        if not self.is_submitted() or not request.form.get(PREVIEW_PARAM):
            return False
        name = request.form[PREVIEW_PARAM]
        return any(f.name == name and getattr(f, "markdown", False) for f in self)

    def validate_on_submit(self, extra_validators=None) -> bool:
        # A preview saves nothing: the view shows the form again, as typed (intranet.writing).
        if self.previewing:
            return False
        return super().validate_on_submit(extra_validators)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self._confirmed: list[str] = []
        confirmable: list[tuple[_Guarded, Finding]] = []
        for field in self:
            if not getattr(field, "guarded", False):
                continue
            field.findings = field.scan()
            refused = [f for f in field.findings if field.refuses(f)]
            if refused:
                field.errors.append(
                    _(
                        "Ce champ ne peut pas contenir ceci : %(kinds)s. Retirez-le pour enregistrer.",
                        kinds=_kinds_sentence(refused),
                    )
                )
                ok = False
            confirmable += [(field, f) for f in field.findings if not field.refuses(f)]
        if confirmable:
            self.confirm_personal.fingerprint = fingerprint(confirmable)
            if self.confirm_personal.confirms(self.confirm_personal.fingerprint):
                self._confirmed = sorted({f.kind for _field, f in confirmable})
            else:
                for field in {id(fl): fl for fl, _f in confirmable}.values():
                    field.errors = [
                        *field.errors,
                        _(
                            "Ce texte semble contenir : %(kinds)s. Retirez ce passage, ou confirmez "
                            "plus bas qu’il peut être publié.",
                            kinds=_kinds_sentence([f for fl, f in confirmable if fl is field]),
                        ),
                    ]
                ok = False
        return ok

    @property
    def guard_findings(self) -> list[tuple[_Guarded, Finding]]:
        return [(field, f) for field in self if getattr(field, "guarded", False) for f in field.findings]

    @property
    def confirmable_findings(self) -> list[tuple[_Guarded, Finding]]:
        return [(field, f) for field, f in self.guard_findings if not field.refuses(f)]

    @property
    def confirmed_kinds(self) -> list[str]:
        return list(getattr(self, "_confirmed", []))
