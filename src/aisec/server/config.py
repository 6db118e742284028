"""How one server runs: cookies, sessions, where background scans may read, and how many
run at once. Built by ``aisec serve`` from its flags and ``AISEC_SERVER_*`` variables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aisec.core.errors import ConfigError


@dataclass(frozen=True)
class ServerConfig:
    # Session cookies carry Secure: browsers then send them over HTTPS and to loopback
    # only. Off only for plain HTTP on another host, which a deployment should not do.
    secure_cookies: bool = True
    # A browser session ends this many hours after the login that made it.
    session_hours: float = 12.0
    # Scans and tests launched through the API read files under these directories only.
    scan_roots: tuple[Path, ...] = field(default_factory=lambda: (Path.cwd(),))
    # Background jobs that run at the same time.
    job_workers: int = 1
    # Failed logins of one user name before it is held back, and for how long (seconds).
    login_attempts: int = 5
    login_lockout_seconds: float = 300.0
    # Largest request body, in bytes (policies, forms and JSON fit well within it).
    max_body_bytes: int = 1024 * 1024
    # Host names the server answers to (the Host header); anything else is refused, so a
    # page of another site cannot reach a server on this machine through DNS rebinding.
    # ("*",) answers to any name.
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")

    def __post_init__(self) -> None:
        if not 0 < self.session_hours <= 24 * 30:
            raise ConfigError(f"session_hours {self.session_hours} is not in (0, 720]")
        if not 1 <= self.job_workers <= 64:
            raise ConfigError(f"job_workers {self.job_workers} is not in 1..64")
        if not 1024 <= self.max_body_bytes <= 1024**3:
            raise ConfigError(f"max_body_bytes {self.max_body_bytes} is not in 1 KiB..1 GiB")
        if not self.allowed_hosts:
            raise ConfigError("allowed_hosts is empty: the server would answer nobody")
        if self.login_attempts < 1 or self.login_lockout_seconds < 0:
            raise ConfigError("login_attempts must be >= 1 and login_lockout_seconds >= 0")
        roots = tuple(Path(r).resolve() for r in self.scan_roots)
        object.__setattr__(self, "scan_roots", roots)
