"""Signing per ND30: PAdES signatures with the signature and seal images, in both orders offices use [issue 16].

Each order runs once per module on an office repository made by ``vanban init`` + ``vanban new``
and kept in git, driving the CLI in-process: (a) issue, then the leader (PKCS#12) and the
organisation (a SoftHSM2 token, PKCS#11) sign the archived PDF; (b) the leader signs the
issuing draft, the notice is issued, and the văn thư fills the number and day and the
organisation signs. The results are validated with pyHanko against a throwaway root, and
measured on the page itself: pdftoppm's pixels for the blue and red ink, pdftotext for the
filled text, pikepdf for field values and the PDF/A identification.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from helpers import DRAFT, IDENTITY, MM, ROOT, git, office
from vanban.cli import main
from vanban.commands import keys, pades, sign, stamp
from vanban.commands.archive import integrity_problems, read_register
from vanban.commands.ink import Box, read_page
from vanban.errors import UsageError

FIXTURES = ROOT / "tests" / "fixtures" / "signing"
SIGNER, TITLE = "Nguyễn Mạnh Hùng", "PHÓ CHÁNH VĂN PHÒNG"
PASSPHRASE = "mật-khẩu-thử"
PIN = "246810"
SEAL_MM = 36.0
SOFTHSM_LIBS = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")


# --- a throwaway PKI -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pki:
    folder: Path
    root_pem: Path
    leader_p12: Path
    org_p12: Path
    expired_p12: Path
    keys: dict[str, tuple[rsa.RSAPrivateKey, x509.Certificate]]

    def roots(self) -> list[Any]:
        from pyhanko.keys.pemder import load_certs_from_pemder_data

        return list(load_certs_from_pemder_data(self.root_pem.read_bytes()))


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND thị xã Hoàng Mai"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])


def _usage(signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signing, content_commitment=signing, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=not signing,
                         crl_sign=not signing, encipher_only=False, decipher_only=False)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """Return a root CA and certificates for the leader, the organisation and an expired signer."""
    folder = tmp_path_factory.mktemp("pki")
    now = dt.datetime.now(dt.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (x509.CertificateBuilder().subject_name(_name("Vanban Test Root")).issuer_name(_name("Vanban Test Root"))
            .public_key(root_key.public_key()).serial_number(1)
            .not_valid_before(now - dt.timedelta(days=30)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(False), critical=True).sign(root_key, hashes.SHA256()))
    root_pem = folder / "root.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    keys: dict[str, tuple[rsa.RSAPrivateKey, x509.Certificate]] = {}
    files: dict[str, Path] = {}
    for stem, common, start, end in (("leader", SIGNER, -1, 365), ("org", "UBND thị xã Hoàng Mai", -1, 365),
                                     ("expired", SIGNER, -400, -35)):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(root.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now + dt.timedelta(days=start)).not_valid_after(now + dt.timedelta(days=end))
                .add_extension(_usage(True), critical=True).sign(root_key, hashes.SHA256()))
        keys[stem] = (key, cert)
        files[stem] = folder / f"{stem}.p12"
        files[stem].write_bytes(pkcs12.serialize_key_and_certificates(
            common.encode(), key, cert, [root], serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    return Pki(folder, root_pem, files["leader"], files["org"], files["expired"], keys)


# --- a SoftHSM2 token holding the organisation's key ------------------------------------------


@dataclass(frozen=True)
class Token:
    library: Path
    label: str


def _rsa_attributes(key: rsa.RSAPrivateKey) -> dict[Any, Any]:
    from pkcs11 import Attribute

    numbers = key.private_numbers()

    def big(value: int) -> bytes:
        return value.to_bytes((value.bit_length() + 7) // 8, "big")

    return {Attribute.MODULUS: big(numbers.public_numbers.n), Attribute.PUBLIC_EXPONENT: big(numbers.public_numbers.e),
            Attribute.PRIVATE_EXPONENT: big(numbers.d), Attribute.PRIME_1: big(numbers.p),
            Attribute.PRIME_2: big(numbers.q), Attribute.EXPONENT_1: big(numbers.dmp1),
            Attribute.EXPONENT_2: big(numbers.dmq1), Attribute.COEFFICIENT: big(numbers.iqmp)}


@pytest.fixture(scope="module")
def token(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    """Return a SoftHSM2 token with the organisation's key and certificate, and the leader's under another label.

    Why python-pkcs11 and not pkcs11-tool: opensc is not needed; the key is written as a
    private-key object with its CRT parameters, the certificate as a certificate object
    (SoftHSM2 refuses one without CKA_SUBJECT).
    """
    library = next((Path(p) for p in SOFTHSM_LIBS if Path(p).is_file()), None)
    # Government keys live on tokens: without SoftHSM2 the PKCS#11 path would go untested, so fail.
    assert library is not None and shutil.which("softhsm2-util"), \
        "SoftHSM2 is missing: install Debian's softhsm2 (scripts/bootstrap --test does)"
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", str(conf))
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "vanban-thu", "--so-pin", "12345678",
                        "--pin", PIN], check=True, capture_output=True)
        token = pkcs11.lib(str(library)).get_token(token_label="vanban-thu")
        with token.open(rw=True, user_pin=PIN) as session:
            for index, (label, stem) in enumerate((("co-quan", "org"), ("lanh-dao", "leader")), start=1):
                key, cert = pki.keys[stem]
                session.create_object({
                    Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.KEY_TYPE: KeyType.RSA, Attribute.TOKEN: True,
                    Attribute.PRIVATE: True, Attribute.SENSITIVE: True, Attribute.SIGN: True, Attribute.LABEL: label,
                    Attribute.ID: bytes([index]), **_rsa_attributes(key)})
                session.create_object({
                    Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: bytes([index]),
                    Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                    Attribute.SUBJECT: cert.subject.public_bytes(), Attribute.ISSUER: cert.issuer.public_bytes()})
        yield Token(library, "vanban-thu")


# --- an office repository --------------------------------------------------------------------


@contextlib.contextmanager
def _office(folder: Path, pki: Pki, with_seal: bool = True) -> Iterator[Path]:
    """Enter a committed office repository with January's draft filled in and a signing configuration."""

    def signing(root: Path) -> None:
        (root / "anh").mkdir()
        shutil.copy(FIXTURES / "chu-ky.png", root / "anh" / "chu-ky.png")
        shutil.copy(FIXTURES / "con-dau.png", root / "anh" / "con-dau.png")
        shutil.copy(pki.root_pem, root / "anh" / "root.pem")
        seal = f"  con_dau:\n    UBND: {{anh: anh/con-dau.png, duong_kinh_mm: \"{SEAL_MM:g}\"}}\n" if with_seal else ""
        # The signing section lives in the office profile, beside the signers it names.
        profile = root / "vanban.yaml"
        profile.write_text(profile.read_text(encoding="utf-8") + f"ky_so:\n  chu_ky:\n    {SIGNER}: anh/chu-ky.png\n"
                           f"{seal}  tin_cay: [anh/root.pem]\n", encoding="utf-8")

    with office(folder, signing) as root, pytest.MonkeyPatch.context() as patch:
        patch.setenv("VANBAN_PIN", PASSPHRASE)
        yield root


def _cli(*args: str) -> None:
    code = main(list(args))
    assert code == 0, f"vanban {' '.join(args)} exited {code}"


@dataclass
class Signed:
    root: Path
    files: dict[str, Path]


@pytest.fixture(scope="module")
def order_a(pki: Pki, token: Token, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    """Issue no. 7 on 2024-02-01, then the leader signs with a PKCS#12 file and the organisation with the token."""
    with _office(tmp_path_factory.mktemp("order-a"), pki) as root, pytest.MonkeyPatch.context() as patch:
        _cli("issue", str(DRAFT), "--number", "7", "--date", "2024-02-01")
        _cli("sign", str(DRAFT), "--role", "leader", "--p12", str(pki.leader_p12),)
        patch.setenv("VANBAN_PIN", PIN)
        key = ["--pkcs11", str(token.library), "--token", token.label, "--key-label", "co-quan"]
        _cli("sign", str(DRAFT), "--role", "organisation", *key)
        base = root / "da-phat-hanh" / "2024"
        yield Signed(root, {"issued": base / "07-TB-UBND.pdf", "leader": base / "07-TB-UBND-ky-lanh-dao.pdf",
                            "final": base / "07-TB-UBND-ky-co-quan.pdf"})


@pytest.fixture(scope="module")
def order_b(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    """The leader signs the issuing draft (February printed); no. 12 is issued on 2024-02-05; fill and seal."""
    with _office(tmp_path_factory.mktemp("order-b"), pki) as root:
        signed_draft = root.parent / "du-thao-da-ky.pdf"
        _cli("sign", str(DRAFT), "--role", "leader", "--p12", str(pki.leader_p12),
               "--month", "2024-02", "-o", str(signed_draft))
        _cli("issue", str(DRAFT), "--number", "12", "--date", "2024-02-05")
        _cli("sign", str(DRAFT), "--role", "organisation", "--p12", str(pki.org_p12),
               "--signed-draft", str(signed_draft))
        base = root / "da-phat-hanh" / "2024"
        yield Signed(root, {"draft": signed_draft, "filled": base / "12-TB-UBND-dien-so.pdf",
                            "final": base / "12-TB-UBND-ky-co-quan.pdf"})


# --- measuring ---------------------------------------------------------------------------------


def _pixels(pdf: Path, page: int, dpi: int = 100) -> Any:
    import tempfile

    from PIL import Image

    out = Path(tempfile.mkdtemp()) / f"{pdf.stem}-{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page + 1), "-l", str(page + 1), "-png", "-singlefile",
                    str(pdf), str(out)], check=True)
    with Image.open(f"{out}.png") as image:
        return image.convert("RGB")


def _ink(image: Any, colour: str, dpi: int = 100) -> Box:
    """Return the box (points, y downwards from the top) of the blue or red pixels of ``image``."""
    width, height = image.size
    data = image.load()
    xs: list[int] = []
    ys: list[int] = []
    for y in range(height):
        for x in range(width):
            r, g, b = data[x, y]
            if (colour == "blue" and b > 120 and r < 110 and g < 130) or (colour == "red" and r > 150 and g < 90
                                                                           and b < 90):
                xs.append(x)
                ys.append(y)
    assert xs, f"no {colour} ink on the page"
    scale = 72 / dpi
    return Box(min(xs) * scale, min(ys) * scale, (max(xs) + 1) * scale, (max(ys) + 1) * scale)


def _top(box: Box, page_height: float) -> Box:
    """Return a PDF box (y upwards) in the pixel boxes' frame (y downwards from the top)."""
    return Box(box.x0, page_height - box.y1, box.x1, page_height - box.y0)


def _images_with_smask(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    found: list[pikepdf.Object] = []

    def walk(resources: Any, depth: int = 0) -> None:
        for xobject in (resources.get("/XObject", {}) if resources is not None else {}).values():
            if xobject.get("/Subtype") == "/Image":
                found.append(xobject)
            elif xobject.get("/Subtype") == "/Form" and depth < 8:
                walk(xobject.get("/Resources"), depth + 1)

    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if "/AP" in annot and isinstance(annot.AP.get("/N"), pikepdf.Stream):
                walk(annot.AP.N.get("/Resources"))
    return found


def _check_signatures(data: bytes, pki: Pki, fields: list[str]) -> list[pades.Signature]:
    found = pades.signatures(data, pki.roots())
    assert [s.field for s in found] == fields
    for signature in found:
        assert signature.intact and signature.valid and signature.trusted, signature
        assert signature.docmdp_ok, signature
        assert re.fullmatch(r"D:\d{14}\+07'00'", signature.time_text), signature.time_text
    first = found[0]
    assert first.certified and first.field == pades.LEADER_FIELD
    assert first.level == "FORM_FILLING"  # the filling and the organisation's signature, nothing more
    assert found[-1].whole_file
    return found


def _check_images(pdf: Path, pki: Pki) -> None:
    """T-24: blue signature centred between the last 7a line and the name; red seal at real size over its left third."""
    with pikepdf.open(pdf) as document:
        last = len(document.pages) - 1
        ink = read_page(document, last, annotations=False)
        images = _images_with_smask(document)
        assert len(images) == 2 and all("/SMask" in image for image in images), "PNG alpha kept as a soft mask"
    height = ink.media.height
    block = stamp.signer_block(ink, last, TITLE, SIGNER)
    assert block is not None
    gap = _top(block.gap, height)
    image = _pixels(pdf, last)
    blue, red = _ink(image, "blue"), _ink(image, "red")
    # R-SIG-8: inside ô 7c, centred between the chức vụ and the name (±1 mm), about 35–50 mm wide.
    assert gap.y0 <= blue.y0 and blue.y1 <= gap.y1, (blue, gap)
    assert abs(blue.centre[1] - gap.centre[1]) <= 1 * MM
    assert abs(blue.centre[0] - _top(block.name.box, height).centre[0]) <= 1 * MM
    assert 35 * MM <= blue.width <= 50.5 * MM, blue.width / MM
    # R-SIG-9: the seal at its real diameter (±0.5 mm), over 25–40 % of the signature, on its left.
    assert abs(red.width - SEAL_MM * MM) <= 0.5 * MM and abs(red.height - SEAL_MM * MM) <= 0.5 * MM
    overlap = (red.x1 - blue.x0) / blue.width
    assert 0.25 <= overlap <= 0.40 and red.x0 < blue.x0, overlap
    # Clear of the Nơi nhận text (every line left of the signer's block, from the label down).
    label = ink.find_lines("Nơi nhận:")[0]
    left = [line for line in ink.lines() if line.box.x1 < block.name.box.x0 and line.baseline <= label.baseline]
    assert len(left) >= 3
    assert red.x0 > max(line.box.x1 for line in left), "the seal covers the Nơi nhận text"


def _check_pdfa(path: Path) -> None:
    with pikepdf.open(path) as document:
        meta = document.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")


def _check_register(root: Path, names: list[tuple[str, str]]) -> None:
    entries, problems = read_register(root)
    assert problems == [] and integrity_problems(root) == []
    tail = entries[-len(names):]
    assert [(e.su_kien, next(iter(e.tep))) for e in tail] == names
    assert git("status", "--porcelain") == ""


# --- order (a) ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_order_a_signatures_are_valid_trusted_and_allow_the_seal(order_a: Signed, pki: Pki) -> None:
    final = order_a.files["final"].read_bytes()
    leader = order_a.files["leader"].read_bytes()
    issued = order_a.files["issued"].read_bytes()
    assert final.startswith(leader) and leader.startswith(issued), "each signature is an incremental update"
    _check_signatures(final, pki, [pades.LEADER_FIELD, pades.SEAL_FIELD])
    _check_pdfa(order_a.files["final"])


@pytest.mark.slow
def test_order_a_images_sit_where_nd30_puts_them(order_a: Signed, pki: Pki) -> None:
    _check_images(order_a.files["final"], pki)


@pytest.mark.slow
def test_order_a_register_records_each_signed_revision(order_a: Signed) -> None:
    with contextlib.chdir(order_a.root):
        _check_register(order_a.root, [("phat_hanh", "da-phat-hanh/2024/07-TB-UBND.pdf"),
                                       ("ky_so", "da-phat-hanh/2024/07-TB-UBND-ky-lanh-dao.pdf"),
                                       ("ky_so", "da-phat-hanh/2024/07-TB-UBND-ky-co-quan.pdf")][1:])
        log = git("log", "--format=%s", "-3").splitlines()
    assert log[0] == "Ký số 07/TB-UBND (cơ quan)" and log[1].startswith("Ký số 07/TB-UBND (người có thẩm quyền")


@pytest.mark.slow
def test_verify_lists_signers_times_changes_and_the_archived_revision(order_a: Signed,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    received = order_a.root / "nhan-duoc.pdf"  # a copy received back, inside the office's repository
    shutil.copy(order_a.files["final"], received)
    # verify trusts the roots in ky_so.tin_cay of the office's vanban.yaml.
    try:
        with contextlib.chdir(order_a.root):
            capsys.readouterr()
            assert main(["verify", str(received)]) == 0
    finally:
        received.unlink()
    out = capsys.readouterr().out
    assert f"Chữ ký 1 ({pades.LEADER_FIELD}, chứng thực" in out and SIGNER in out
    assert f"Chữ ký 2 ({pades.SEAL_FIELD}, phê duyệt): UBND thị xã Hoàng Mai" in out
    assert "điền biểu mẫu và thêm chữ ký (trường: ChuKyCoQuan)" in out
    assert re.search(r"lúc \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00; hợp lệ; chứng thư được tin cậy", out)
    assert "đúng bản 07/TB-UBND ngày 01/02/2024 đã phát hành" in out


# --- order (b) ---------------------------------------------------------------------------------


def _words(pdf: Path) -> list[tuple[str, Box]]:
    """Return pdftotext's words of page 1 with their boxes (points, y downwards)."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
    return [(text, Box(float(a), float(b), float(c), float(d))) for a, b, c, d, text in found]


@pytest.mark.slow
def test_order_b_fields_filled_once_over_the_blanks_and_signatures_hold(order_b: Signed, pki: Pki) -> None:
    draft, filled, final = (order_b.files[k].read_bytes() for k in ("draft", "filled", "final"))
    assert final.startswith(filled) and filled.startswith(draft)
    signatures = _check_signatures(final, pki, [pades.LEADER_FIELD, pades.SEAL_FIELD])
    assert set(signatures[0].changed_fields) == {"so", "ngay", pades.SEAL_FIELD}
    with pikepdf.open(order_b.files["final"]) as document:
        values = {str(f.T): str(f.get("/V", "")) for f in document.Root.AcroForm.Fields if f.get("/FT") == "/Tx"}
    assert values == {"so": "12", "ngay": "05"}
    # The page shows each once, on the line it belongs to.
    layout = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(order_b.files["final"]), "-"],
                            check=True, capture_output=True, text=True).stdout
    assert len(re.findall(r"Số:\s+12\s*/TB-UBND", layout)) == 1, layout[:400]
    assert len(re.findall(r"ngày\s+05\s+tháng 02 năm 2024", layout)) == 1, layout[:400]
    # Within 0.5 mm of the blanks the unsigned draft printed.
    with pikepdf.open(io.BytesIO(draft)) as document:
        page = read_page(document, 0, annotations=False)
    blanks = {b.name: _top(b.box, page.media.height) for b in pades.find_blanks(page)}
    words = _words(order_b.files["final"])
    for name, text in (("so", "12"), ("ngay", "05")):
        boxes = [box for word, box in words if word == text and abs(box.centre[1] - blanks[name].centre[1]) < 5]
        assert len(boxes) == 1, (name, boxes)
        box, blank = boxes[0], blanks[name]
        assert blank.x0 - 0.5 * MM <= box.x0 and box.x1 <= blank.x1 + 0.5 * MM, (box, blank)
        assert abs(box.centre[0] - blank.centre[0]) <= 0.5 * MM
        assert abs(box.y1 - blank.y1) <= 0.5 * MM or abs(box.y0 - blank.y0) <= 0.5 * MM, (box, blank)
    _check_pdfa(order_b.files["final"])


@pytest.mark.slow
def test_order_b_images_and_register(order_b: Signed, pki: Pki) -> None:
    _check_images(order_b.files["final"], pki)
    with contextlib.chdir(order_b.root):
        _check_register(order_b.root, [("ky_so", "da-phat-hanh/2024/12-TB-UBND-ky-lanh-dao.pdf"),
                                       ("dien_so", "da-phat-hanh/2024/12-TB-UBND-dien-so.pdf"),
                                       ("ky_so", "da-phat-hanh/2024/12-TB-UBND-ky-co-quan.pdf")])
        entries, _problems = read_register(order_b.root)
    assert {e.so for e in entries} == {12}


@pytest.mark.slow
def test_filling_refused_outside_the_printed_month_and_twice(order_b: Signed, pki: Pki) -> None:
    draft = order_b.files["draft"].read_bytes()
    with pytest.raises(UsageError, match=r"không thuộc tháng 2 năm 2024"):
        sign.fill_number_and_day(draft, "12", dt.date(2024, 3, 1), pki.roots())
    with pytest.raises(UsageError, match=r"đã được điền"):
        sign.fill_number_and_day(order_b.files["filled"].read_bytes(), "13", dt.date(2024, 2, 6), pki.roots())


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_expired_certificate_wrong_key_missing_leader_and_seal_without_image_are_refused(
        order_a: Signed, pki: Pki, token: Token, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    issued = order_a.files["issued"].read_bytes()
    who = sign.Who(TITLE, SIGNER)
    image = stamp.load_image(FIXTURES / "chu-ky.png", "blue")
    seal = stamp.load_image(FIXTURES / "con-dau.png", "red")
    expired = keys.pkcs12_key(pki.expired_p12, PASSPHRASE)
    with pytest.raises(UsageError, match="hết hiệu lực"):
        sign.sign_as_leader(issued, expired, who, image, SEAL_MM, "Hoàng Mai")
    wrong = keys.pkcs11_key(token.library, token.label, "co-quan", PIN, cert_label="lanh-dao")
    try:
        with pytest.raises(UsageError, match="không khớp với chứng thư"):
            sign.sign_as_leader(issued, wrong, who, image, SEAL_MM, "Hoàng Mai")
    finally:
        wrong.close()
    with pytest.raises(UsageError, match="sai mã PIN"):
        keys.pkcs11_key(token.library, token.label, "co-quan", "000000")
    # A key that is not the certificate's (a PKCS#12 file cannot hold one: cryptography refuses to write it).
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    mismatched = keys.Key(SimpleSigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(pki.keys["leader"][1]),
        signing_key=translate_pyca_cryptography_key_to_asn1(pki.keys["org"][0]),
        cert_registry=SimpleCertificateStore()))
    with pytest.raises(UsageError, match="không khớp với chứng thư"):
        sign.sign_as_leader(issued, mismatched, who, image, SEAL_MM, "Hoàng Mai")
    org = keys.pkcs12_key(pki.org_p12, PASSPHRASE)
    with pytest.raises(UsageError, match="chưa có chữ ký số hợp lệ của người có thẩm quyền"):
        sign.sign_as_organisation(issued, org, seal, "Hoàng Mai", pki.roots())
    leader_signed = order_a.files["leader"].read_bytes()
    with pytest.raises(UsageError, match="chưa cấu hình ảnh con dấu"):
        sign.sign_as_organisation(leader_signed, org, None, "Hoàng Mai", pki.roots())
    with pytest.raises(UsageError, match="đã có chữ ký số của cơ quan"):
        sign.sign_as_organisation(order_a.files["final"].read_bytes(), org, seal, "Hoàng Mai", pki.roots())
    with pytest.raises(UsageError, match="sai mật khẩu"):
        keys.pkcs12_key(pki.leader_p12, "sai")
    # The same through the CLI: a configuration without the seal; exit 2 with the reason.
    with contextlib.chdir(order_a.root):
        config = tmp_path / "khong-dau.yaml"
        config.write_text(f"ky_so:\n  chu_ky:\n    {SIGNER}: {order_a.root / 'anh' / 'chu-ky.png'}\n",
                          encoding="utf-8")
        capsys.readouterr()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("VANBAN_PIN", PASSPHRASE)
            code = main(["sign", str(DRAFT), "--role", "leader", "--p12", str(pki.leader_p12), "--config", str(config)])
        assert code == 2
        assert "chưa cấu hình con dấu của cơ quan 'UBND'" in capsys.readouterr().err


def test_images_must_be_png_with_alpha_in_the_right_colour() -> None:
    with pytest.raises(UsageError, match="không có nền trong suốt"):
        stamp.load_image(FIXTURES / "chu-ky-rgb.png", "blue")
    with pytest.raises(UsageError, match="phải màu xanh"):
        stamp.load_image(FIXTURES / "con-dau.png", "blue")
    with pytest.raises(UsageError, match="phải màu đỏ"):
        stamp.load_image(FIXTURES / "chu-ky.png", "red")
    assert stamp.load_image(FIXTURES / "chu-ky.png", "blue").aspect == 2.0


def test_the_pin_never_comes_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VANBAN_PIN", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: no prompt
    code = main(["sign", str(tmp_path / "x.yaml"), "--role", "leader", "--p12", str(tmp_path / "k.p12")])
    assert code == 2 and "VANBAN_PIN" in capsys.readouterr().err
    code = main(["sign", str(tmp_path / "x.yaml"), "--role", "leader", "--p12", "k.p12", "--pin", "1234"])
    assert code == 2  # no such option
    (tmp_path / "pin").write_text("bí-mật\n", encoding="utf-8")
    assert keys.read_secret(file=tmp_path / "pin") == "bí-mật"


# --- a separately filed phụ lục ------------------------------------------------------------


def _attachment_pdf() -> bytes:
    """Return a one-page phụ lục whose top right already carries a line of text (where the stamp would go first)."""
    body = ("<p style='position: absolute; top: 9mm; right: 15mm; margin: 0; font-size: 12pt'>Mẫu số 01 - "
            "kèm theo</p><p style='margin: 30mm 15mm 0 30mm; text-align: center; font-weight: bold; "
            "font-size: 14pt'>Phụ lục</p><p style='margin: 2mm 15mm 0 30mm; text-align: center'>DANH SÁCH ĐƠN VỊ</p>")
    return stamp._render(body, 210 * MM, 297 * MM)


@pytest.mark.slow
def test_phu_luc_signed_by_the_organisation_with_the_r_sig_11_text_clear_of_ink(
        order_a: Signed, pki: Pki, tmp_path: Path) -> None:
    attachment = tmp_path / "phu-luc.pdf"
    attachment.write_bytes(_attachment_pdf())
    with contextlib.chdir(order_a.root), pytest.MonkeyPatch.context() as patch:
        for name, value in IDENTITY.items():
            patch.setenv(name, value)
        patch.setenv("VANBAN_PIN", PASSPHRASE)
        _cli("sign", str(attachment), "--role", "organisation", "--attachment-of", str(DRAFT), "--p12",
             str(pki.org_p12))
        _check_register(order_a.root, [("ky_so", "da-phat-hanh/2024/07-TB-UBND-phu-luc-1.pdf")])
    signed = order_a.root / "da-phat-hanh" / "2024" / "07-TB-UBND-phu-luc-1.pdf"
    found = pades.signatures(signed.read_bytes(), pki.roots())
    assert [(s.field, s.intact, s.valid, s.trusted, s.certified) for s in found] == [
        (pades.ATTACHMENT_FIELD, True, True, True, False)]
    with pikepdf.open(signed) as document:
        assert _images_with_smask(document) == [], "no image on a phụ lục [R-SIG-11]"
        annot = next(a for a in document.pages[0].obj.Annots if a.get("/FT") == "/Sig")
        rect = Box(*(float(v) for v in annot.Rect))
        before = read_page(document, 0, annotations=False)
        document.flatten_annotations("all")
        after = read_page(document, 0, annotations=False)
    # Top right of page 1, clear of what was printed there (the first place tried was taken).
    assert rect.x1 > before.media.width * 0.75 and rect.y1 > before.media.height * 0.9
    assert not any(rect.overlaps(box) for box in before.boxes)
    stamped = [g for g in after.glyphs if g not in before.glyphs and not g.text.isspace()]
    assert {round(g.size, 1) for g in stamped} == {10.0}
    assert all("Liberation-Serif" in g.font and "Bold" not in g.font and "Italic" not in g.font for g in stamped)
    text = "".join(g.text for g in sorted(stamped, key=lambda g: g.box.x0))
    match = re.search(r"07/TB-UBND.*(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\+07:00", text)
    assert match, text
    m = found[0].time_text  # D:YYYYMMDDhhmmss+07'00'
    assert "".join(match.groups()) == m[2:16] and m.endswith("+07'00'")


# --- pieces ------------------------------------------------------------------------------------


def test_blanks_of_a_draft_are_found_under_the_number_and_the_day(seed_context: Any) -> None:
    import dataclasses

    from vanban.pipeline import rules
    from vanban.pipeline.render_pdf import render_pdf

    draft = dataclasses.replace(seed_context, so_ky_hieu=rules.number_line(None, "TB-UBND"),
                                dia_danh_ngay=f"Hoàng Mai, ngày{rules.BLANK}tháng 01 năm 2024")
    with pikepdf.open(io.BytesIO(render_pdf(draft))) as document:
        page = read_page(document, 0)
    blanks = {b.name: b for b in pades.find_blanks(page)}
    assert set(blanks) == {"so", "ngay"}
    assert round(blanks["so"].size, 2) == 13.0 and not blanks["so"].italic
    assert round(blanks["ngay"].size, 2) == 14.0 and blanks["ngay"].italic
    # Six no-break spaces of Liberation Serif: 6 × 0.25 em.
    assert abs(blanks["so"].box.width - 6 * 0.25 * 13) < 0.05
    assert abs(blanks["ngay"].box.width - 6 * 0.25 * 14) < 0.05


def test_config_is_read_from_ky_so_with_located_problems(tmp_path: Path) -> None:
    from vanban.errors import ContentError

    (tmp_path / "vanban.yaml").write_text("ky_so:\n  con_dau:\n    UBND: {anh: dau.png, duong_kinh_mm: \"90\"}\n",
                                          encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        keys.load_config(tmp_path)
    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (3, "ky_so.con_dau.UBND.duong_kinh_mm")
    assert "phải từ 20 đến 60 mm" in problem.message
    (tmp_path / "vanban.yaml").write_text("ky_so:\n  con_dau:\n    UBND: {anh: dau.png, duong_kinh_mm: \"40\"}\n",
                                          encoding="utf-8")
    config = keys.load_config(tmp_path)
    assert config.ky_so.con_dau["UBND"].duong_kinh_mm == 40.0
    assert config.path("dau.png") == tmp_path / "dau.png"


def test_register_lines_stay_json(order_b: Signed) -> None:
    lines = (order_b.root / "da-phat-hanh" / "so-dang-ky.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["su_kien"] for line in lines] == ["phat_hanh", "ky_so", "dien_so", "ky_so"]


@pytest.mark.slow
def test_a_changed_byte_breaks_the_signatures_and_verify_says_so(order_a: Signed, pki: Pki) -> None:
    data = bytearray(order_a.files["final"].read_bytes())
    at = data.index(b"%PDF-1.") + 7  # the version digit, inside every signature's byte range
    data[at] = ord("4") if data[at] != ord("4") else ord("5")
    found = pades.signatures(bytes(data), pki.roots())
    assert [s.intact for s in found] == [False, False]
    assert all("KHÔNG HỢP LỆ" in line for line in pades.describe(found)[::2])
