"""HTTPS for the server: a certificate/key pair from files, or a throwaway self-signed
certificate made at start-up (``--tls self-signed``; SAP's own local default is HTTPS on 9002).

A TLS setting is one of: ``None`` (plain HTTP), ``"self-signed"``, a ``(cert_file, key_file)``
pair of PEM files, or a ``Certificate`` held in memory.
"""
from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .config import Config, ConfigError

SELF_SIGNED = "self-signed"
# names a self-signed certificate always covers, beside the host the server binds
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARD_HOSTS = ("", "0.0.0.0", "::")


class TLSError(ConfigError):
    """A certificate or key that cannot be served."""


@dataclass(frozen=True)
class Certificate:
    """A PEM certificate and its PEM private key."""

    cert_pem: bytes
    key_pem: bytes

    @property
    def fingerprint(self) -> str:
        """The certificate's SHA-256 fingerprint, as browsers show it (``AB:CD:…``)."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes

        digest = x509.load_pem_x509_certificate(self.cert_pem).fingerprint(hashes.SHA256())
        return ":".join(f"{b:02X}" for b in digest)

    def write(self, folder: str | Path, name: str = "fakesapcc") -> tuple[Path, Path]:
        """Write ``<name>.crt`` and ``<name>.key`` (readable by the owner only) into a folder."""
        folder = Path(folder)
        cert_file, key_file = folder / f"{name}.crt", folder / f"{name}.key"
        cert_file.write_bytes(self.cert_pem)
        key_file.touch(mode=0o600)
        key_file.write_bytes(self.key_pem)
        return cert_file, key_file


TLS = str | tuple[str, str] | Certificate | None


def self_signed(hosts: Iterable[str] = LOCAL_NAMES, days: int = 30) -> Certificate:
    """A fresh self-signed server certificate (ECDSA P-256) for host names and IP addresses."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    names: list[str] = []
    for host in hosts:
        if host and host not in names:
            names.append(host)
    alt_names: list[x509.GeneralName] = []
    for host in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    key = ec.generate_private_key(ec.SECP256R1())
    common_name = names[0] if names else "localhost"
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fakesapcc"),
                         x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=True, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return Certificate(
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()))


def certificate_hosts(host: str) -> list[str]:
    """The names a self-signed certificate for a server bound to ``host`` covers: the local
    names, the host itself, and the machine's name when bound to every interface."""
    names = list(LOCAL_NAMES)
    if host in WILDCARD_HOSTS:
        names.append(socket.gethostname())
    elif host not in names:
        names.insert(0, host)
    return names


def tls_from_config(config: Config) -> TLS:
    """The TLS setting of a configuration (``--tls``, ``--tls-cert``, ``--tls-key``)."""
    if config.tls not in (None, "", SELF_SIGNED):
        raise ConfigError(f"--tls takes '{SELF_SIGNED}', not '{config.tls}'")
    if config.tls and (config.tls_cert or config.tls_key):
        raise ConfigError("--tls self-signed and --tls-cert/--tls-key exclude each other")
    if bool(config.tls_cert) != bool(config.tls_key):
        raise ConfigError("--tls-cert and --tls-key go together")
    if config.tls_cert and config.tls_key:
        return (config.tls_cert, config.tls_key)
    return SELF_SIGNED if config.tls else None


def check_pair(cert_file: str | Path, key_file: str | Path) -> None:
    """Raise TLSError unless the files hold a certificate and its private key."""
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(str(cert_file), str(key_file))
    except OSError as exc:  # ssl.SSLError is an OSError
        reason = exc.strerror or str(exc)
        raise TLSError(f"cannot serve HTTPS with certificate {cert_file} and key {key_file}: "
                       f"{reason}") from exc
