"""The ``ky_so:`` section of ``vanban.yaml``: the images and servers digital signing needs.

Why in the pipeline: the office profile validates every section of ``vanban.yaml`` (unknown
keys are errors), and pipeline stages never import the commands; the model lives here so
that ``Profile`` can name it (``ky_so: KySo | None = None``) and ``vanban sign`` reads it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from vanban.i18n import _
from vanban.pipeline.model import Lines, Model, OptText, Text

#: Seals of Vietnamese bodies are 20–60 mm across; anything else is a typing mistake.
SEAL_MM = (20.0, 60.0)


def _diameter(value: Any) -> Any:
    """Return the diameter in mm from its text (YAML values arrive as text); a Vietnamese error otherwise."""
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise PydanticCustomError("vb_seal_mm", _("đường kính con dấu phải là một số milimét, ví dụ 36")) from None
    if not SEAL_MM[0] <= number <= SEAL_MM[1]:
        raise PydanticCustomError("vb_seal_mm", _("đường kính con dấu {value} mm không hợp lý: phải từ 20 đến 60 mm"),
                                  {"value": value})
    return number


#: The schema describes what authors write (text, like every YAML value here), not the float.
Diameter = Annotated[float, BeforeValidator(_diameter),
                     WithJsonSchema({"type": "string", "pattern": r"^\d+([.,]\d+)?$"})]


class ConDau(Model):
    """The seal of one issuing body: its image and its real diameter [R-SIG-9]."""

    anh: Text  # PNG with a transparent background, red, the seal drawn edge to edge of the square
    duong_kinh_mm: Diameter


class KySo(Model):
    """Images per signer and per body, and the servers signing uses."""

    chu_ky: dict[str, Text] = Field(default_factory=dict)  # signer's name (nguoi_ky.ho_ten) → signature PNG
    con_dau: dict[str, ConDau] = Field(default_factory=dict)  # body's abbreviation (co_quan.viet_tat) → seal
    tsa: OptText = ""  # a time-stamp server (RFC 3161) URL: PAdES B-T instead of B-B
    tin_cay: Lines = ()  # trust anchors (PEM or DER certificates) for verify and the seal step
