"""The reference notice renders to the committed golden hashes under the lock (issue 11).

Why: vanban promises byte-identical outputs for the same content; that holds only under the
locked Python packages (requirements/*.lock) on Debian 12's Pango, HarfBuzz, fontconfig and
zlib. A dependency update that changes a single byte of the seed's PDF or .docx fails here,
with the versions in use, instead of silently changing every archived notice's hash.

``tests/golden/reference.sha256`` is in ``sha256sum`` format: after
``vanban build content -o OUT``, ``cd OUT && sha256sum -c .../reference.sha256`` checks it by hand.
``VANBAN_REGEN=1 pytest tests/test_golden.py`` rewrites it from the current outputs and skips
(a regenerated golden is never a pass); review the diff and say why in the commit.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from helpers import ROOT, SEED
from vanban.cli import main
from vanban.commands.manifest import library_versions

GOLDEN = Path(__file__).parent / "golden" / "reference.sha256"
REGEN = os.environ.get("VANBAN_REGEN") == "1"


def _read_golden() -> dict[str, str]:
    """Return ``{file name: sha256}`` from the golden file."""
    found: dict[str, str] = {}
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        found[name.lstrip("*")] = digest
    return found


def test_reference_notice_matches_the_golden_hashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    monkeypatch.chdir(ROOT)  # exactly the README's command, from the checkout: `vanban build content -o OUT`
    assert main(["build", "content", "-o", str(out)]) == 0
    built = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
             for path in sorted(out.iterdir()) if not path.name.startswith(".")}
    assert sorted(built) == [f"{SEED.stem}.docx", f"{SEED.stem}.pdf"]
    if REGEN:
        GOLDEN.write_text("".join(f"{digest}  {name}\n" for name, digest in built.items()), encoding="utf-8")
        pytest.skip(f"VANBAN_REGEN=1: rewrote {GOLDEN.relative_to(ROOT)}; review the diff, then run without it")
    versions = ", ".join(f"{name} {version}" for name, version in library_versions().items())
    assert built == _read_golden(), (
        "the reference notice's bytes changed. Outputs are byte-identical only under requirements/*.lock "
        f"on Debian 12; installed here: {versions}. If the change is intended, VANBAN_REGEN=1 rewrites "
        "the golden.")
