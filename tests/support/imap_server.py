"""A real IMAP server for tests: Dovecot from Debian's packages, started on a free
loopback port with its own configuration, users file and Maildir in a temporary
folder. Messages are put in with IMAP APPEND, as any mail client would."""

import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.smtp_server import free_port

IMAP_USER = "helpdesk"
IMAP_PASSWORD = "imap-secret-1"
REQUIRE = os.environ.get("HELPDESK_REQUIRE_IMAP") == "1"

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = {root}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def dovecot_binary() -> str:
    found = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if found is None:
        reason = "Dovecot is not installed (Debian: apt-get install dovecot-imapd)"
        if REQUIRE:
            pytest.fail(f"HELPDESK_REQUIRE_IMAP=1 but {reason}")
        pytest.skip(reason)
    return found


class ImapServer:
    """Dovecot's own processes run as unprivileged users, so the server lives in a
    folder they can enter (pytest's temporary folders are private to the test user)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-imap-"))
        self.root.chmod(0o755)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = dovecot_binary()
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "mail").chmod(0o777)
        (self.root / "users").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}\n")
        root_user = os.geteuid() == 0
        conf = self.root / "dovecot.conf"
        conf.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                user="nobody" if root_user else os.getuid(),
                group="nogroup" if root_user else os.getgid(),
            )
        )
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    error = self.process.stderr.read().decode() if self.process.stderr else ""
                    raise RuntimeError(f"Dovecot did not start: {error}") from None
                time.sleep(0.05)
        raise RuntimeError("Dovecot did not open its port within 10 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port)
        imap.login(IMAP_USER, IMAP_PASSWORD)
        return imap

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        imap = self.client()
        try:
            status, data = imap.append(folder, None, None, raw)
            assert status == "OK", data
        finally:
            imap.logout()

    def count(self, folder: str) -> int:
        imap = self.client()
        try:
            status, data = imap.select(folder, readonly=True)
            return int(data[0]) if status == "OK" and data[0] else 0
        finally:
            imap.logout()
