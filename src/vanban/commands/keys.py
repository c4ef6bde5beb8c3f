"""Unlock the signer's key (PKCS#12 file or PKCS#11 token) and read the office's ``ky_so`` settings.

Why apart from the signing steps: ``sign`` and ``copy --electronic`` both need a key checked
before use, and the trust anchors ``verify`` reads come from the same settings; none of this
touches a PDF.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from vanban.errors import ContentError, UsageError
from vanban.files import read_regular
from vanban.i18n import _
from vanban.pipeline.ky_so import KySo
from vanban.pipeline.loader import Located, load_file
from vanban.repo import display, find_profile

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer


#: Vietnam keeps UTC+7 all year: every signing time is written in it [R-SIG-13].
VIETNAM = dt.timezone(dt.timedelta(hours=7))
#: Largest certificate, PKCS#12 or PIN file read.
MAX_KEY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Config:
    """The signing configuration and the folder its relative paths start from."""

    ky_so: KySo
    folder: Path
    file: str

    def path(self, relative: str) -> Path:
        """Return ``relative`` resolved against the configuration's folder."""
        return self.folder / relative


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """Return the ``ky_so`` section of ``explicit`` or of the vanban.yaml governing ``start``.

    Raise ContentError with located problems when the section is invalid; an absent file or
    section gives an empty configuration (each step then says what it misses).
    """
    path = explicit or find_profile(start)
    if path is None:
        return Config(KySo(), start if start.is_dir() else start.parent, "vanban.yaml")
    shown = display(path)
    located, problems = load_file(path, shown)
    if located is None:
        raise ContentError(problems)
    data = located.data.get("ky_so") if isinstance(located.data, dict) else None
    if data is None:
        return Config(KySo(), path.parent, shown)
    section = Located(located.file, data, {p[1:]: m for p, m in located.marks.items() if p[:1] == ("ky_so",)})
    try:
        ky_so = KySo.model_validate(data)
    except ValidationError as exc:
        from vanban.pipeline.validate import model_problems

        raise ContentError([dataclasses.replace(p, field=f"ky_so.{p.field}" if p.field else "ky_so")
                            for p in model_problems(section, exc, KySo)]) from None
    return Config(ky_so, path.parent, shown)


@dataclass
class Key:
    """A signer ready to sign, its certificate, and how to release it (close a token session)."""

    signer: Signer
    close: Callable[[], None] = lambda: None

    @property
    def certificate(self) -> Any:
        """Return the signer's certificate (asn1crypto)."""
        return self.signer.signing_cert

    @property
    def holder(self) -> str:
        """Return the certificate's common name (or its whole subject)."""
        subject = self.certificate.subject.native
        return str(subject.get("common_name") or self.certificate.subject.human_friendly)


def read_secret(env: str = "VANBAN_PIN", file: Path | None = None) -> str | None:
    """Return the PIN or passphrase from ``file`` (first line) or the environment; None when neither gives one.

    Why never an option: a value on the command line is visible to every user in ``ps`` and
    stays in the shell's history.
    """
    import os

    if file is not None:
        try:
            text = read_regular(file, MAX_KEY_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(_("không đọc được tệp mã PIN {path}: {reason}").format(path=file, reason=exc)) from None
        return text.splitlines()[0] if text.strip() else ""
    return os.environ.get(env)


def pkcs12_key(path: Path, passphrase: str) -> Key:
    """Return the signer of a PKCS#12 file; UsageError for a wrong passphrase or a file without a key."""
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = read_regular(path, MAX_KEY_BYTES)
    except OSError as exc:
        raise UsageError(_("không đọc được tệp khóa {path}: {reason}").format(path=path, reason=exc)) from None
    try:
        signer = SimpleSigner.load_pkcs12_data(data, passphrase=passphrase.encode("utf-8"), other_certs=())
    except (ValueError, TypeError):
        signer = None
    if signer is None:
        raise UsageError(_("không mở được tệp khóa {path}: sai mật khẩu, hoặc tệp không có khóa bí mật và chứng thư"
                           ).format(path=display(path)))
    return Key(signer)


def pkcs11_key(library: Path, token: str, key_label: str, pin: str, cert_label: str | None = None) -> Key:
    """Return the signer of the key ``key_label`` on the PKCS#11 token labelled ``token``.

    UsageError for a missing library or token, a wrong PIN, or no such key or certificate.
    """
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(str(library), token_criteria=TokenCriteria(label=token), user_pin=pin)
    except Exception as exc:  # python-pkcs11 and pyHanko each raise their own types (PinIncorrect, …)
        reason = _("sai mã PIN") if type(exc).__name__ == "PinIncorrect" else str(exc) or type(exc).__name__
        raise UsageError(_("không mở được thiết bị ký số '{token}' ({library}): {reason}").format(
            token=token, library=library, reason=reason)) from None
    try:
        signer = PKCS11Signer(session, key_label=key_label, cert_label=cert_label or key_label)
        signer.signing_cert  # noqa: B018 - fetches the certificate now, so a wrong label fails here
    except Exception as exc:
        session.close()
        raise UsageError(_("thiết bị ký số '{token}' không có khóa hoặc chứng thư '{label}': {reason}").format(
            token=token, label=cert_label or key_label, reason=exc or type(exc).__name__)) from None
    return Key(signer, session.close)


def check_key(key: Key, when: dt.datetime) -> None:
    """Raise UsageError when the certificate is not valid at ``when`` or the key is not the certificate's.

    Why before signing: pyHanko embeds whatever it is given; an expired certificate or a key
    that does not match makes a signature every validator rejects, found only by the recipient.
    """
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    cert = x509.load_der_x509_certificate(key.certificate.dump())
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    if when < start or when > end:
        raise UsageError(_("chứng thư số của {holder} hết hiệu lực hoặc chưa có hiệu lực: có giá trị từ {start} "
                           "đến {end}, thời điểm ký {when}").format(
            holder=key.holder, start=iso(start), end=iso(end), when=iso(when)))
    probe = b"vanban: the key must match its certificate"
    try:
        signature = asyncio.run(key.signer.async_sign_raw(probe, "sha256"))
    except Exception as exc:
        raise UsageError(_("không ký được bằng khóa của {holder}: {reason}").format(
            holder=key.holder, reason=exc or type(exc).__name__)) from None
    public = cert.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, probe, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, probe, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise UsageError(_("khóa bí mật không khớp với chứng thư số của {holder} (sai khóa)").format(
            holder=key.holder)) from None


def iso(when: dt.datetime) -> str:
    """Return ``when`` as ``YYYY-MM-DDThh:mm:ss+07:00`` [R-SIG-13]."""
    return when.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def now() -> dt.datetime:
    """Return the current time in Vietnam, to the second (what ``/M`` can hold)."""
    return dt.datetime.now(VIETNAM).replace(microsecond=0)


def trust_roots(config: Config) -> list[Any]:
    """Return the trust anchors the configuration names (asn1crypto certificates)."""
    from pyhanko.keys.pemder import load_certs_from_pemder_data

    roots: list[Any] = []
    for name in config.ky_so.tin_cay:
        path = config.path(name)
        try:
            data = read_regular(path, MAX_KEY_BYTES)
        except OSError as exc:
            raise UsageError(_("không đọc được chứng thư tin cậy {path}: {reason}").format(path=path, reason=exc)) \
                from None
        try:
            roots.extend(load_certs_from_pemder_data(data))
        except ValueError:
            raise UsageError(_("{path} không phải chứng thư số (PEM hoặc DER)").format(path=path)) from None
    return roots
