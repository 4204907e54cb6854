"""Reading what the console's forms send: URL-encoded fields and multipart file uploads.

The standard library does both (no form-parsing package needed): ``parse_qsl`` for URL-encoded
bodies and the ``email`` parser for multipart ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from openani.errors import UnsupportedMediaType, ValidationFailed


@dataclass(frozen=True, slots=True)
class Form:
    fields: dict[str, str]
    files: dict[str, bytes]

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default).strip()


def parse_form(content_type: str | None, body: bytes) -> Form:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in ("", "application/x-www-form-urlencoded"):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailed({"body": "is not UTF-8"}) from None
        return Form(dict(parse_qsl(text, keep_blank_values=True)), {})
    if media_type == "multipart/form-data":
        return _multipart(content_type or "", body)
    raise UnsupportedMediaType("forms are sent URL-encoded or as multipart/form-data")


def _multipart(content_type: str, body: bytes) -> Form:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise ValidationFailed({"body": "is not a multipart form"})
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            files[name] = data
        else:
            fields[name] = data.decode("utf-8", errors="replace")
    return Form(fields, files)
