"""Generate JSON Schemas of the content and profile files from the model (never by hand).

Why: editors that speak the YAML language server complete and check keys as authors type,
when a file starts with ``# yaml-language-server: $schema=…``. The schemas are derived from
the pydantic models, adjusted only where the office profile lets a document leave a field
out or refer to a named signer or recipient group. Each kind has its own schema (the files
vanban creates point at it), and ``vanban-noi-dung.schema.json`` accepts a document of any kind.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

from vanban.pipeline.kinds import DEFAULT, KINDS
from vanban.pipeline.output import write_atomic
from vanban.pipeline.profile import Profile

#: Where a content repository keeps its schemas, relative to its root.
SCHEMA_DIR = "schemas"
#: Any document, of any kind (the files of offices that started before there were kinds point here).
CONTENT_SCHEMA = "vanban-noi-dung.schema.json"
PROFILE_SCHEMA = "vanban.schema.json"
#: Fields of a document the profile may supply (so a document may leave them out).
FROM_PROFILE = ("co_quan", "nguoi_ky", "noi_nhan", "luu")
#: Mappings the profile fills key by key, and the keys a document must still give itself.
_MERGED = {"CoQuan": (), "CuocHop": ("ngay",), "Hop": ("ngay",), "Luu": ()}


def kind_schema_file(loai: str) -> str:
    """Return the schema file of one kind: ``vanban-cong-van.schema.json``."""
    return f"vanban-{loai.replace('_', '-')}.schema.json"


def kind_schema(loai: str) -> dict[str, Any]:
    """Return the JSON Schema of a document of the kind ``loai``, allowing what the profile can supply."""
    kind = KINDS[loai]
    schema = copy.deepcopy(kind.model.model_json_schema())
    schema["title"] = f"vanban: {kind.name}"
    # What the profile may supply, where the kind takes it (a giấy mời names its own noi_nhan).
    required = [k for k in schema.get("required", []) if k not in FROM_PROFILE or not kind.takes({"loai": loai}, k)]
    # A file without ``loai`` is a Thông báo; every other kind says what it is.
    schema["required"] = required if loai == DEFAULT else ["loai", *required]
    props = schema["properties"]
    # The profile fills these mappings key by key, so a document may give any part of them.
    for name, keep in _MERGED.items():
        definition = schema.get("$defs", {}).get(name)
        if definition is not None:
            definition["required"] = [k for k in definition.get("required", []) if k in keep]
    # Shorthands the model accepts: "giao: Sở Nội vụ" (or a list of units), "du_thao: trinh_ky".
    units = [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    for definition in schema.get("$defs", {}).values():
        giao = definition.get("properties", {}).get("giao")
        if giao is not None:
            definition["properties"]["giao"] = {"anyOf": [*giao["anyOf"], *units]}
    # A body (or an item's body) may be typed as prose in a '|' block (pipeline/prose.py).
    for holder in (schema, *(d for n, d in schema["$defs"].items() if n in ("Muc", "Khoan", "Diem", "Gach"))):
        if "noi_dung" in holder["properties"]:  # a giấy mời has no numbered body
            holder["properties"]["noi_dung"] = {"anyOf": [holder["properties"]["noi_dung"], {"type": "string"}]}
    props["du_thao"] = {"anyOf": [*props["du_thao"]["anyOf"], {"enum": ["gop_y", "trinh_ky"]}]}
    # A signer may be named (a key of the profile's nguoi_ky) instead of written out.
    named = {"type": "string", "description": "tên người ký trong vanban.yaml"}
    props["nguoi_ky"] = {"anyOf": [props["nguoi_ky"], named]}
    # A recipient may be a named group of the profile: {nhom: ten-nhom}.
    props["noi_nhan"] = {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"anyOf": [{"type": "string"}, _group_ref()]}},
        ]
    }
    return schema


def content_schema() -> dict[str, Any]:
    """Return the JSON Schema of a content file of any kind: exactly one kind's schema, told apart by ``loai``."""
    definitions: dict[str, Any] = {}
    branches = []
    for loai, kind in KINDS.items():
        schema = kind_schema(loai)
        definitions.update(schema.pop("$defs", {}))
        name = kind.model.__name__
        definitions[name] = schema
        branches.append({"$ref": f"#/$defs/{name}"})
    return {"title": "vanban: văn bản", "oneOf": branches, "$defs": definitions}


def profile_schema() -> dict[str, Any]:
    """Return the JSON Schema of the office profile ``vanban.yaml``."""
    schema = copy.deepcopy(Profile.model_json_schema())
    schema["title"] = "vanban: hồ sơ cơ quan (vanban.yaml)"
    return schema


def _group_ref() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"nhom": {"type": "string", "description": "tên nhóm trong nhom_noi_nhan của vanban.yaml"}},
        "required": ["nhom"],
        "additionalProperties": False,
    }


def schema_texts() -> dict[str, str]:
    """Return ``{file name: JSON text}`` for every schema (stable key order, UTF-8 friendly)."""
    schemas = {CONTENT_SCHEMA: content_schema(), **{kind_schema_file(loai): kind_schema(loai) for loai in KINDS},
               PROFILE_SCHEMA: profile_schema()}
    return {name: json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
            for name, schema in schemas.items()}


def modeline(schema_file: str, relative_to: Path, schema_dir: Path) -> str:
    """Return the ``# yaml-language-server: $schema=…`` first line for a file in ``relative_to``."""
    target = Path(os.path.relpath(schema_dir / schema_file, relative_to))
    return f"# yaml-language-server: $schema={target.as_posix()}\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder`` atomically, leaving files already equal alone; return their paths.

    Why leave equal files alone: ``vanban new`` refreshes the schemas every month, and an
    unchanged file should not show up as modified in the office's git history.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, text in schema_texts().items():
        target = folder / name
        data = text.encode("utf-8")
        if not target.is_file() or target.read_bytes() != data:
            write_atomic(target, data)
        paths.append(target)
    return paths
