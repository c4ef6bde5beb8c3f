"""The ``ky_so:`` section of ``vanban.yaml``: the images and servers digital signing needs.

Why in the pipeline: the office profile validates every section of ``vanban.yaml`` (unknown
keys are errors), and pipeline stages never import the commands; the model lives here so
that ``Profile`` can name it (``ky_so: KySo | None = None``) and ``vanban sign`` reads it.
"""

from __future__ import annotations

from pydantic import Field

from vanban.pipeline.model import Diameter, Lines, Model, OptText, Text


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
