"""Uploads: size limit, type checked from the content (not the name), random storage names."""

from __future__ import annotations

import secrets
import zipfile
from io import BytesIO
from pathlib import Path

import filetype
from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from ..accounts.models import User
from ..extensions import db
from .models import StoredFile

# What members may attach: documents and images. Checked from the bytes.
ALLOWED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class UploadError(Exception):
    pass


def _sniff(head: bytes, data: bytes) -> str | None:
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"  # OLE2: legacy Office (Word, Excel, PowerPoint)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = archive.namelist()
                if "mimetype" in names:
                    odf = archive.read("mimetype").decode("ascii", "replace").strip()
                    return odf if odf in ALLOWED else None
                for prefix, ooxml in _OOXML.items():
                    if any(n.startswith(prefix) for n in names) and "[Content_Types].xml" in names:
                        return ooxml
        except zipfile.BadZipFile:
            return None
        return None
    return mime if mime in ALLOWED else None


def store_upload(upload: FileStorage, user: User) -> StoredFile:
    """Check and store an uploaded file; raises UploadError with a message for the user."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    name = secure_filename(upload.filename or "") or "fichier"
    if not data:
        raise UploadError(_l("Le fichier « %(name)s » est vide.", name=name))
    if len(data) > limit:
        raise UploadError(
            _l(
                "Le fichier « %(name)s » dépasse la taille permise (%(mb)s Mo).",
                name=name,
                mb=limit // (1024 * 1024),
            )
        )
    mime = _sniff(data[:8192], data)
    if mime is None:
        raise UploadError(
            _l(
                "Le fichier « %(name)s » n’est pas d’un type accepté (PDF, documents Office ou OpenDocument, images).",  # noqa: E501
                name=name,
            )
        )
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    storage_name = secrets.token_hex(16) + ALLOWED.get(mime, "")
    (folder / storage_name).write_bytes(data)
    stored = StoredFile(
        storage_name=storage_name,
        original_name=name[:200],
        mimetype=mime,
        size=len(data),
        organization_id=user.organization_id,
        uploaded_by_id=user.id,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def file_path(stored: StoredFile) -> Path:
    return Path(current_app.instance_path) / "uploads" / stored.storage_name


def send_stored_file(stored: StoredFile):
    """Always as an attachment, with the checked type; never rendered inline."""
    response = send_file(
        file_path(stored),
        mimetype=stored.mimetype,
        as_attachment=True,
        download_name=stored.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def delete_stored_file(stored: StoredFile) -> None:
    file_path(stored).unlink(missing_ok=True)
    db.session.delete(stored)


def attach_upload(upload: FileStorage, user: User, make_row):
    """Store a checked upload and the feature's row that links it to an object
    (``make_row(stored)``); raises UploadError with a message for the user."""
    stored = store_upload(upload, user)
    row = make_row(stored)
    db.session.add(row)
    db.session.flush()
    return row


def remove_attached(row) -> None:
    """Delete a feature's link row and the stored file it links (``row.file``)."""
    stored = row.file
    db.session.delete(row)
    db.session.flush()
    delete_stored_file(stored)
    db.session.flush()
